-- kaifang.rulebook (docs/sql.md "The rulebook"): default the installed
-- cn-telecom; another folder is loaded when the setting names it; an invalid
-- rulebook is an error and is never used; only superusers may change it.
\getenv abs_srcdir PG_ABS_SRCDIR
SELECT :'abs_srcdir' || '/../../tests/data/rulebooks/mini' AS mini \gset
SELECT :'abs_srcdir' || '/data/broken' AS broken \gset

-- the setting exists once the module is loaded (the first call in a session,
-- or session_preload_libraries)
SELECT id FROM kf_rulebook();
SELECT current_setting('kaifang.rulebook') LIKE '/%/kaifang/rulebooks/cn-telecom'
  AS default_is_installed;
SELECT sha256 AS cn_sha FROM kf_rulebook() \gset
SET kf_test.cn_sha = :'cn_sha';

-- another rulebook: loaded on the next call, and the answers are its own
SET kaifang.rulebook = :'mini';
SELECT id, edition, sha256 <> :'cn_sha' AS other_hash FROM kf_rulebook();
SELECT kf_decide('ip-vpn', '330100', date '2025-06-01')->'rulebook'->>'id' AS answer_from;
-- the cn-telecom pin is refused while mini is in use (the message names both
-- hashes; shown up to the first)
DO $$
BEGIN
  PERFORM kf_outcome_pinned(current_setting('kf_test.cn_sha'), 'ip-vpn', '330100',
                            date '2025-06-01');
EXCEPTION WHEN OTHERS THEN
  RAISE NOTICE '% %', SQLSTATE, left(SQLERRM, 40);
END $$;

-- an invalid rulebook is an error, with the library's errors; nothing is kept,
-- so every call fails until the setting names a valid one
-- (the message names the folder, an absolute path: shown from its last part)
CREATE FUNCTION pg_temp.load_error(q text) RETURNS text LANGUAGE plpgsql AS $$
DECLARE detail text;
BEGIN
  EXECUTE q;
  RETURN 'no error';
EXCEPTION WHEN OTHERS THEN
  GET STACKED DIAGNOSTICS detail = PG_EXCEPTION_DETAIL;
  RETURN SQLSTATE || ' ' || regexp_replace(SQLERRM, '"/.*/', '".../') || E'\n' || detail;
END $$;
SET kaifang.rulebook = :'broken';
SELECT pg_temp.load_error($$SELECT kf_outcome('ip-vpn', '330100', date '2025-06-01')$$);
SELECT pg_temp.load_error($$SELECT * FROM kf_rulebook()$$);
-- a folder that is not there
SET kaifang.rulebook = '/nonexistent/kaifang-rulebook';
SELECT kf_outcome('ip-vpn', '330100', date '2025-06-01');
-- a relative path is refused by the setting itself
SET kaifang.rulebook = 'rulebooks/cn-telecom';

-- back to the default: cn-telecom again, the same hash
RESET kaifang.rulebook;
SELECT id, sha256 = :'cn_sha' AS same_hash FROM kf_rulebook();

-- inside a transaction, SET LOCAL lasts to its end
BEGIN;
SET LOCAL kaifang.rulebook = :'mini';
SELECT id FROM kf_rulebook();
COMMIT;
SELECT id FROM kf_rulebook();

-- only superusers (or roles granted SET on it) may change it
CREATE ROLE regress_kf_user;
SET ROLE regress_kf_user;
SET kaifang.rulebook = :'mini';
SELECT id FROM kf_rulebook();
RESET ROLE;
GRANT SET ON PARAMETER kaifang.rulebook TO regress_kf_user;
SET ROLE regress_kf_user;
SET kaifang.rulebook = :'mini';
SELECT id FROM kf_rulebook();
RESET kaifang.rulebook;
RESET ROLE;
REVOKE SET ON PARAMETER kaifang.rulebook FROM regress_kf_user;
DROP ROLE regress_kf_user;
