-- The extension's functions and their answers (docs/sql.md). Values asserted
-- here are those of golden cases of rulebooks/cn-telecom (named after each
-- query); tests/cli/test_ext.sh compares every golden case with the CLI.
CREATE EXTENSION kaifang;

-- volatility, parallel safety and strictness as declared (STABLE: the answer
-- depends on kaifang.rulebook; the pinned forms name their rulebook, IMMUTABLE)
SELECT proname, provolatile, proparallel, proisstrict, pronargs, pronargdefaults
FROM pg_proc WHERE proname LIKE 'kf\_%' ORDER BY proname;

-- the rulebook in use: the shipped cn-telecom, with its content hash
SELECT id, length(sha256) AS sha256_length, sha256 ~ '^[0-9a-f]{64}$' AS sha256_hex
FROM kf_rulebook();

-- national.yaml "Search and query services in Hangzhou, 2025, exactly at the 50% cap"
SELECT kf_outcome('search-query', '330100', date '2025-06-01', 'foreign', 50);
-- ... "one billionth of a percent above the cap"
SELECT kf_outcome('search-query', '330100', date '2025-06-01', 'foreign', 50.000000001);
-- exactness: a share above the cap by less than 10^-9 percent still exceeds it
-- (as a double it would be 50 and permitted: the share goes to the library as
-- numeric_out's decimal text, never through a float)
SELECT kf_outcome('search-query', '330100', date '2025-06-01', 'foreign',
                  50.00000000000000000001);
SELECT 50.00000000000000000001::float8 = 50 AS float_would_round;
-- trailing zeros change nothing
SELECT kf_outcome('search-query', '330100', date '2025-06-01', 'foreign',
                  50.000000000000000000000);
-- the maximum share: the cap of the answer without a share
SELECT kf_max_foreign_share('search-query', '330100', date '2025-06-01');
-- named arguments and defaults (investor foreign, no share, inside the zones)
SELECT kf_outcome(service => 'search-query', region => 'Hangzhou',
                  date => date '2025-06-01', foreign_share => 51);
-- a mainland investor is never capped
SELECT kf_outcome('search-query', '330100', date '2025-06-01', 'mainland', 100);

-- one door: the same question gives the same answer through every function
WITH q(service, region, d, investor, share, outside) AS (VALUES
  ('ip-vpn', '610100', date '2025-06-01', 'foreign', 50.0, true),
  ('idc', '310115', date '2025-06-01', 'foreign', NULL, false),
  ('idc', '310115', date '2025-06-01', 'foreign', 100, true),
  ('app-store', 'Hangzhou', date '2025-06-01', 'foreign', 100, false),
  ('internet-news', '110000', date '2025-06-01', 'foreign', NULL, false),
  ('search-query', '330100', date '2024-10-31', 'hk-cepa', 60, false),
  ('B21', '330100', date '2018-07-27', 'foreign', NULL, false))
SELECT service, region, d, kf_outcome(service, region, d, investor, share, outside),
       kf_outcome(service, region, d, investor, share, outside)
         = kf_decide(service, region, d, investor, share, outside)->>'outcome' AS same_outcome,
       kf_decide_text(service, region, d, investor, share, outside)::jsonb
         = kf_decide(service, region, d, investor, share, outside) AS same_json,
       share IS NOT NULL
         OR kf_max_foreign_share(service, region, d, investor, outside)
            IS NOT DISTINCT FROM
            (kf_decide(service, region, d, investor, share, outside)
               ->>'max_foreign_share')::numeric AS same_max_share,
       kf_decide(service, region, d, investor, share, outside)->'rulebook'->>'sha256'
         = (SELECT sha256 FROM kf_rulebook()) AS answer_names_rulebook
FROM q;

-- the decision JSON's question is the one read (B13 for ip-vpn, exact share)
SELECT kf_decide('ip-vpn', '610100', date '2025-06-01', 'foreign', 50.0, true)->'question';
-- kf_decide_text is one line of the library's text, keys in its fixed order
SELECT left(kf_decide_text('ip-vpn', '610100', date '2025-06-01', 'foreign', 50.0, true), 40),
       position(E'\n' IN kf_decide_text('ip-vpn', '610100', date '2025-06-01')) AS newline_at;

-- the pinned forms answer only with the rulebook they name
SELECT kf_outcome_pinned((SELECT sha256 FROM kf_rulebook()), 'search-query', '330100',
                         date '2025-06-01', 'foreign', 51);
SELECT kf_decide_pinned((SELECT sha256 FROM kf_rulebook()), 'search-query', '330100',
                        date '2025-06-01')
       = kf_decide('search-query', '330100', date '2025-06-01') AS pinned_same;
