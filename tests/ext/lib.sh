# tests/ext/lib.sh — shared steps of the PostgreSQL extension tests and
# benchmarks (sourced from the repository root): PostgreSQL 15 present, the
# extension built and installed, throwaway clusters that are always stopped.
# Nothing is skipped: when PostgreSQL cannot be installed the caller fails,
# saying why.
PGBIN=/usr/lib/postgresql/15/bin
PGXS_REGRESS=/usr/lib/postgresql/15/lib/pgxs/src/test/regress/pg_regress

# as_pg CMD...: runs CMD as the postgres user when root (initdb, pg_regress
# and the server refuse root), else as the caller.
as_pg() {
	if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

# ext_prepare: PostgreSQL 15, PGXS and postgres_fdw installed (Debian), the
# extension built against build/pic/libkaifang.a and installed. Returns 1 with
# a message on stderr when any of it cannot be done.
ext_prepare() {
	if [ "$(id -u)" -ne 0 ] && ! sudo -n true 2>/dev/null; then
		echo "ext: installing the extension into PostgreSQL needs root or sudo" >&2
		return 1
	fi
	if ! ./tools/install-deps.sh postgresql-15 postgresql-server-dev-15 postgresql-contrib; then
		echo "ext: PostgreSQL 15 (postgresql-15, postgresql-server-dev-15," \
			"postgresql-contrib) could not be installed; the extension cannot be tested" >&2
		return 1
	fi
	for f in "$PGBIN/initdb" "$PGBIN/psql" "$PGXS_REGRESS"; do
		[ -x "$f" ] || { echo "ext: $f is missing after installing PostgreSQL 15" >&2; return 1; }
	done
	if ! make -s --no-print-directory ext-postgres-install >/tmp/kf-ext-build.log 2>&1; then
		cat /tmp/kf-ext-build.log >&2
		echo "ext: building or installing ext/postgres failed" >&2
		return 1
	fi
}

# cluster_start DIR [PORT]: starts a throwaway cluster (tools/pg-cluster.sh)
# and prints its conninfo. Callers keep their clusters under one work folder
# and stop them all with clusters_stop (trap it on EXIT): cluster_start runs in
# a command substitution, so it cannot keep a list in a variable.
cluster_start() {
	./tools/pg-cluster.sh start "$@"
}

# clusters_stop WORK: stops every cluster started in a folder directly under WORK.
clusters_stop() {
	local pid
	for pid in "$1"/*/data/postmaster.pid; do
		[ -f "$pid" ] && ./tools/pg-cluster.sh stop "${pid%/data/postmaster.pid}"
	done
	return 0
}

# psql_to CONNINFO ARGS...: psql without ~/.psqlrc, stopping at the first error.
psql_to() {
	local c=$1
	shift
	"$PGBIN/psql" -X -q -v ON_ERROR_STOP=1 -d "$c" "$@"
}
