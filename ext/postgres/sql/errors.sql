-- Bad input is an ERROR with an SQLSTATE and the library's message, never a
-- crash of the backend (docs/sql.md "Errors"). Messages that name the nearest
-- known names are shown on the mini test rulebook, whose names do not change;
-- on cn-telecom the SQLSTATE and the library's error code are shown.
\getenv abs_srcdir PG_ABS_SRCDIR
SELECT :'abs_srcdir' || '/../../tests/data/rulebooks/mini' AS mini \gset

CREATE FUNCTION pg_temp.refusal(q text) RETURNS text LANGUAGE plpgsql AS $$
DECLARE detail text;
BEGIN
  EXECUTE q;
  RETURN 'no error';
EXCEPTION WHEN OTHERS THEN
  GET STACKED DIAGNOSTICS detail = PG_EXCEPTION_DETAIL;
  RETURN SQLSTATE || ' ' || coalesce(nullif(detail, ''), left(SQLERRM, 40));
END $$;

SELECT pg_temp.refusal(q) FROM (VALUES
  ($$SELECT kf_outcome('idc', 'Atlantis', date '2025-06-01')$$),
  ($$SELECT kf_outcome('no-such-service', '330100', date '2025-06-01')$$),
  ($$SELECT kf_outcome('idc', '330100', date '2025-06-01', 'martian')$$),
  ($$SELECT kf_outcome('idc', '810000', date '2025-06-01')$$),
  ($$SELECT kf_outcome('internet-news', 'Hong Kong', date '2025-06-01')$$),
  ($$SELECT kf_outcome('idc', '330100', date '2025-06-01', 'foreign', 100.5)$$),
  ($$SELECT kf_outcome('idc', '330100', date '2025-06-01', 'foreign', -1)$$),
  ($$SELECT kf_outcome('idc', '330100', date '2025-06-01', 'foreign', 'NaN')$$),
  ($$SELECT kf_outcome('idc', '330100', date '2025-06-01', 'foreign', 'Infinity')$$),
  ($$SELECT kf_outcome('idc', '330100', date '1899-12-31')$$),
  ($$SELECT kf_outcome('idc', '330100', date '2200-01-01')$$),
  ($$SELECT kf_outcome('idc', '330100', date 'infinity')$$),
  ($$SELECT kf_outcome('', '330100', date '2025-06-01')$$),
  ($$SELECT kf_outcome('idc', '', date '2025-06-01')$$),
  ($$SELECT kf_decide('idc', 'Atlantis', date '2025-06-01')$$),
  ($$SELECT kf_decide_text('idc', '810000', date '2025-06-01')$$),
  ($$SELECT kf_max_foreign_share('idc', 'Atlantis', date '2025-06-01')$$),
  ($$SELECT kf_outcome_pinned(repeat('0', 64), 'idc', '330100', date '2025-06-01')$$),
  ($$SELECT kf_decide_pinned('not a hash', 'idc', '330100', date '2025-06-01')$$)) v(q);

-- the backend is still there, and answers
SELECT kf_outcome('search-query', '330100', date '2025-06-01', 'foreign', 50);

-- the messages, on the mini rulebook
SET kaifang.rulebook = :'mini';
SELECT kf_outcome('ip-vpn', 'Atlantis', date '2025-06-01');
SELECT kf_outcome('ip-vnp', '330100', date '2025-06-01');
SELECT kf_outcome('ip-vpn', '330100', date '2025-06-01', 'martian');
SELECT kf_outcome('ip-vpn', '330100', date '2025-06-01', 'foreign', 101);
SELECT kf_outcome('ip-vpn', '330100', date '2025-06-01', 'foreign', 'NaN');
SELECT kf_outcome('ip-vpn', '330100', date '1850-01-01');
SELECT kf_decide('', '330100', date '2025-06-01');
-- a share written with more digits than the library reads (64 bytes) is refused,
-- not rounded
SELECT kf_outcome('ip-vpn', '330100', date '2025-06-01', 'foreign',
                  ('50.' || repeat('0', 70) || '1')::numeric);
RESET kaifang.rulebook;
