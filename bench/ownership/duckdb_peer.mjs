// bench/ownership/duckdb_peer.mjs — the DuckDB peer of make bench-ownership:
// reads the CSV pair into two tables with read_csv (2 threads, the column types
// given, as a careful user would), then one level of foreign-share aggregation
// in SQL: for every company all of whose holders have no holders themselves,
// the sum of the lower-bound shares held by foreign holders (any jurisdiction
// but CN, empty, XX, ZZ; HK/MO/TW count as foreign). Prints the load time and
// the same "one-level" line as bench.c, which run.sh compares.
//
//   node duckdb_peer.mjs DIR
import { DuckDBInstance } from '@duckdb/node-api';

const dir = process.argv[2];
const now = () => Number(process.hrtime.bigint()) / 1e9;
const inst = await DuckDBInstance.create(':memory:', { threads: '2' });
const con = await inst.connect();
const q = (s) => s.replace(/'/g, "''");
const t0 = now();
await con.run(`CREATE TABLE e AS SELECT * FROM read_csv('${q(dir)}/entities.csv', header = true,
  columns = {'id': 'VARCHAR', 'name': 'VARCHAR', 'kind': 'VARCHAR', 'jurisdiction': 'VARCHAR',
             'listed': 'VARCHAR'})`);
const t1 = now();
await con.run(`CREATE TABLE h AS SELECT * FROM read_csv('${q(dir)}/holdings.csv', header = true,
  columns = {'owner': 'VARCHAR', 'owned': 'VARCHAR', 'share': 'DECIMAL(18,9)',
             'share_min': 'DECIMAL(18,9)', 'share_max': 'DECIMAL(18,9)', 'valid_from': 'DATE',
             'valid_to': 'DATE'})`);
const t2 = now();
const r = await con.runAndReadAll(`
  WITH held AS (SELECT DISTINCT owned AS id FROM h),
  x AS (
    SELECT h.owned, COALESCE(h.share, h.share_min, 0) AS lo, held.id IS NOT NULL AS deep,
           COALESCE(e.jurisdiction, '') NOT IN ('', 'CN', 'XX', 'ZZ') AS is_foreign
    FROM h JOIN e ON e.id = h.owner LEFT JOIN held ON held.id = h.owner),
  c AS (
    SELECT owned, SUM(CASE WHEN is_foreign THEN lo ELSE 0 END) AS f, bool_or(deep) AS deep
    FROM x GROUP BY owned)
  SELECT count(*)::VARCHAR,
         CAST(SUM(f * 1000000000) AS HUGEINT)::VARCHAR,
         SUM(CAST(f * 1000000000 AS HUGEINT) * CAST(substr(owned, 2) AS HUGEINT))::VARCHAR
  FROM c WHERE NOT deep`);
const t3 = now();
const [cnt, sum, w] = r.getRows()[0];
const ver = (await con.runAndReadAll('SELECT version()')).getRows()[0][0];
console.log(`duckdb ${ver}: load ${(t2 - t0).toFixed(2)} s (entities ${(t1 - t0).toFixed(2)} s, ` +
  `holdings ${(t2 - t1).toFixed(2)} s), one-level aggregation ${(t3 - t2).toFixed(2)} s`);
console.log(`duckdb: one-level companies ${cnt}, sum of foreign.min (1e-9 %) ${sum}, weighted by id ${w}`);
