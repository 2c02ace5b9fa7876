-- NULL handling (docs/sql.md): a NULL service, region, date, investor or
-- outside_zones gives NULL; a NULL foreign_share means "no share given", so
-- the answer is the maximum, as a question without a share through any door.
SELECT kf_outcome(NULL, '330100', date '2025-06-01') IS NULL AS service_null,
       kf_outcome('search-query', NULL, date '2025-06-01') IS NULL AS region_null,
       kf_outcome('search-query', '330100', NULL) IS NULL AS date_null,
       kf_outcome('search-query', '330100', date '2025-06-01', NULL) IS NULL AS investor_null,
       kf_outcome('search-query', '330100', date '2025-06-01', 'foreign', 50, NULL) IS NULL
         AS outside_null;
SELECT kf_decide(NULL, '330100', date '2025-06-01') IS NULL AS decide_null,
       kf_decide_text('search-query', '330100', NULL) IS NULL AS decide_text_null,
       kf_max_foreign_share('search-query', NULL, date '2025-06-01') IS NULL AS max_null,
       kf_outcome_pinned(NULL, 'search-query', '330100', date '2025-06-01') IS NULL
         AS pinned_null,
       kf_decide_pinned((SELECT sha256 FROM kf_rulebook()), NULL, '330100',
                        date '2025-06-01') IS NULL AS pinned_arg_null;
-- no share: the answer is the maximum, and the JSON's question has no share
SELECT kf_outcome('search-query', '330100', date '2025-06-01', 'foreign', NULL) AS outcome,
       kf_decide('search-query', '330100', date '2025-06-01', 'foreign', NULL)
         ->'question'->'foreign_share' AS share_in_json,
       kf_decide('search-query', '330100', date '2025-06-01', 'foreign', NULL)
         = kf_decide('search-query', '330100', date '2025-06-01') AS same_as_default;
-- NULL rows in a table give NULL answers and do not stop the scan
CREATE TABLE null_deals(id int, service text, region text, on_date date, share numeric);
INSERT INTO null_deals VALUES
  (1, 'search-query', '330100', '2025-06-01', 51),
  (2, NULL, '330100', '2025-06-01', 51),
  (3, 'search-query', NULL, '2025-06-01', 51),
  (4, 'search-query', '330100', NULL, 51),
  (5, 'search-query', '330100', '2025-06-01', NULL);
SELECT id, kf_outcome(service, region, on_date, 'foreign', share) FROM null_deals ORDER BY id;
DROP TABLE null_deals;
