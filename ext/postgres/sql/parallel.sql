-- A parallel sequential scan (docs/sql.md "Parallel queries"): the functions
-- are PARALLEL SAFE, each worker loads the rulebook the leader's setting names,
-- and the answers are the serial ones, row by row.
CREATE TABLE par_deals AS
SELECT i AS id,
       (ARRAY['ip-vpn', 'idc', 'cdn', 'app-store', 'isp-end-user', 'online-data-processing',
              'search-query', 'internet-news', 'e-commerce'])[1 + i % 9] AS service,
       (ARRAY['330100', '310115', '110000', '440300', '610100', '460000', '140000',
              'Hangzhou', '浦东'])[1 + (i / 9) % 9] AS region,
       (ARRAY[date '2018-07-28', '2020-01-01', '2021-10-18', '2024-06-01', '2024-11-01',
              '2025-06-01'])[1 + (i / 81) % 6] AS on_date,
       (ARRAY['foreign', 'hk-cepa', 'mainland', 'tw'])[1 + (i / 486) % 4] AS investor,
       CASE WHEN i % 7 = 0 THEN NULL ELSE ((i * 37) % 1001) / 10.0 END AS share,
       i % 5 = 0 AS outside
FROM generate_series(1, 20000) i;
ANALYZE par_deals;

-- serial answers
SET max_parallel_workers_per_gather = 0;
CREATE TABLE par_serial AS
SELECT id, kf_outcome(service, region, on_date, investor, share, outside) AS outcome,
       kf_max_foreign_share(service, region, on_date, investor, outside) AS max_share
FROM par_deals;

-- a parallel plan: Gather over a Parallel Seq Scan that calls kf_outcome
SET max_parallel_workers_per_gather = 2;
SET parallel_setup_cost = 0;
SET parallel_tuple_cost = 0;
SET min_parallel_table_scan_size = 0;
EXPLAIN (COSTS OFF, VERBOSE)
SELECT id, kf_outcome(service, region, on_date, investor, share, outside)
FROM par_deals;

-- the workers ran, and every row's answer equals the serial one
CREATE FUNCTION pg_temp.workers_launched(q text) RETURNS int LANGUAGE plpgsql AS $$
DECLARE plan json;
BEGIN
  EXECUTE 'EXPLAIN (ANALYZE, FORMAT JSON, COSTS OFF, TIMING OFF) ' || q INTO plan;
  RETURN (plan->0->'Plan'->>'Workers Launched')::int;
END $$;
SELECT pg_temp.workers_launched(
  'SELECT id, kf_outcome(service, region, on_date, investor, share, outside) FROM par_deals')
  > 0 AS workers_ran;
CREATE TABLE par_parallel AS
SELECT id, kf_outcome(service, region, on_date, investor, share, outside) AS outcome,
       kf_max_foreign_share(service, region, on_date, investor, outside) AS max_share
FROM par_deals;
SELECT count(*) AS rows,
       count(*) FILTER (WHERE p.outcome IS DISTINCT FROM s.outcome
                           OR p.max_share IS DISTINCT FROM s.max_share) AS differ
FROM par_parallel p JOIN par_serial s USING (id);
-- the answers are not all alike (so equal answers say something)
SELECT count(DISTINCT outcome) >= 4 AS varied, count(max_share) > 0 AS some_caps
FROM par_serial;

-- counts per outcome from a parallel plan equal the serial counts
SELECT kf_outcome(service, region, on_date, investor, share, outside) AS outcome, count(*)
FROM par_deals GROUP BY 1
EXCEPT
SELECT outcome, count(*) FROM par_serial GROUP BY 1;

-- force_parallel_mode: the whole decision JSON from a worker equals the leader's
SET force_parallel_mode = on;
EXPLAIN (COSTS OFF)
SELECT kf_decide_text('ip-vpn', '610100', date '2025-06-01', 'foreign', 50.0, true);
SELECT kf_decide_text('ip-vpn', '610100', date '2025-06-01', 'foreign', 50.0, true) AS json
\gset par_
RESET force_parallel_mode;
SELECT :'par_json' = kf_decide_text('ip-vpn', '610100', date '2025-06-01', 'foreign', 50.0, true)
  AS worker_json_same;

-- workers take the leader's kaifang.rulebook
\getenv abs_srcdir PG_ABS_SRCDIR
SELECT :'abs_srcdir' || '/../../tests/data/rulebooks/mini' AS mini \gset
SET kaifang.rulebook = :'mini';
SET force_parallel_mode = on;
SELECT id FROM kf_rulebook();
SELECT kf_decide('ip-vpn', '330100', date '2025-06-01')->'rulebook'->>'id' AS worker_rulebook;
RESET force_parallel_mode;
RESET kaifang.rulebook;

DROP TABLE par_deals, par_serial, par_parallel;
