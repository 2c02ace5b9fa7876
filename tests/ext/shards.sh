# tests/ext/shards.sh — a `deals` table partitioned by hash of the enterprise id
# over PostgreSQL servers through postgres_fdw (docs/sql.md "Spread over
# servers"); sourced after tests/ext/lib.sh by tests/cli/test_ext_shards.sh and
# bench/pg/run.sh.
#
#   shards_build COORD SHARD...   on each shard (a conninfo): the extension and
#       a table `deals`; on the coordinator: the extension, postgres_fdw, one
#       foreign server per shard (extensions 'kaifang', async_capable 'true')
#       and `deals` PARTITION BY HASH (enterprise) with partition k a foreign
#       table on shard k
#   shards_load COORD CSV         loads deals (bench/pg/gen_deals.py shape)
#       through the coordinator: COPY into a local staging table, then one
#       INSERT INTO deals that postgres_fdw routes to the shards in batches

DEALS_COLUMNS="enterprise text NOT NULL, service text, region text, date date, investor text,
  foreign_share numeric, outside_zones boolean"

# conninfo_part CONNINFO KEY: the value of KEY in a "k=v k=v" conninfo.
conninfo_part() { echo "$1" | tr ' ' '\n' | sed -n "s/^$2=//p"; }

shards_build() {
	local coord=$1 n k=0 s sql
	shift
	n=$#
	for s in "$@"; do
		psql_to "$s" -c "CREATE EXTENSION IF NOT EXISTS kaifang;
			DROP TABLE IF EXISTS deals; CREATE TABLE deals ($DEALS_COLUMNS);" || return 1
	done
	sql="CREATE EXTENSION IF NOT EXISTS kaifang; CREATE EXTENSION IF NOT EXISTS postgres_fdw;
		DROP TABLE IF EXISTS deals;
		CREATE TABLE deals ($DEALS_COLUMNS) PARTITION BY HASH (enterprise);"
	for s in "$@"; do
		sql="$sql
		DROP SERVER IF EXISTS shard$k CASCADE;
		CREATE SERVER shard$k FOREIGN DATA WRAPPER postgres_fdw OPTIONS (
		  host '$(conninfo_part "$s" host)', port '$(conninfo_part "$s" port)',
		  dbname '$(conninfo_part "$s" dbname)',
		  extensions 'kaifang', async_capable 'true', fetch_size '10000', batch_size '1000');
		CREATE USER MAPPING FOR CURRENT_USER SERVER shard$k
		  OPTIONS (user '$(conninfo_part "$s" user)');
		CREATE FOREIGN TABLE deals_p$k PARTITION OF deals
		  FOR VALUES WITH (MODULUS $n, REMAINDER $k) SERVER shard$k
		  OPTIONS (table_name 'deals');"
		k=$((k + 1))
	done
	psql_to "$coord" -c "$sql"
}

shards_load() {
	psql_to "$1" -c "DROP TABLE IF EXISTS deals_staging;
		CREATE TABLE deals_staging ($DEALS_COLUMNS);" &&
		psql_to "$1" -c "\\copy deals_staging FROM '$2' (FORMAT csv, HEADER)" &&
		psql_to "$1" -c "INSERT INTO deals SELECT * FROM deals_staging;
			DROP TABLE deals_staging;"
}
