#!/bin/sh
# A throwaway PostgreSQL 15 cluster for tests and benchmarks, on loopback only.
#
#   tools/pg-cluster.sh start DIR [PORT]   initdb into DIR (if empty) and start the server
#                                          listening on 127.0.0.1:PORT (default: a free port
#                                          from 55432-55631 up, the next one tried when another
#                                          cluster takes it first) with its socket in DIR; prints one
#                                          line, a libpq conninfo: "host=127.0.0.1 port=P
#                                          dbname=postgres user=U"
#   tools/pg-cluster.sh stop DIR           stop the server (fast shutdown); DIR is kept
#   tools/pg-cluster.sh bindir             print Debian's PostgreSQL 15 bin directory
#
# initdb refuses to run as root: as root the cluster belongs to the `postgres` user
# (Debian's postgresql-15 package creates it) and every server command runs through
# runuser. Exit status: 0 done, 1 PostgreSQL missing or the server did not start
# (its log, DIR/server.log, is printed on stderr), 2 usage.
set -u
BIN=/usr/lib/postgresql/15/bin
usage() { echo "usage: $0 start DIR [PORT] | stop DIR | bindir" >&2; exit 2; }
[ $# -ge 1 ] || usage
if [ ! -x "$BIN/initdb" ]; then
	echo "pg-cluster: $BIN/initdb not found (Debian package postgresql-15)" >&2
	exit 1
fi
as_owner() {
	if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}
owner() { if [ "$(id -u)" -eq 0 ]; then echo postgres; else id -un; fi; }
port_free() { ! (ss -ltnH 2>/dev/null | awk '{print $4}' | grep -q ":$1\$"); }

case "$1" in
bindir) echo "$BIN" ;;
start)
	[ $# -ge 2 ] || usage
	dir=$2
	mkdir -p "$dir" || exit 1
	dir=$(cd "$dir" && pwd)
	[ "$(id -u)" -eq 0 ] && chown postgres "$dir"
	chmod 700 "$dir"
	if [ ! -f "$dir/data/PG_VERSION" ]; then
		as_owner "$BIN/initdb" -D "$dir/data" -A trust -U "$(owner)" --no-sync -E UTF8 \
			--locale=C >"$dir/initdb.log" 2>&1 || { cat "$dir/initdb.log" >&2; exit 1; }
	fi
	port=${3:-}
	tries=1
	if [ -z "$port" ]; then
		# another cluster may take the same free port between the check and the
		# start (parallel test runs): then the next one is tried, up to 20
		port=$((55432 + $$ % 200))
		tries=20
	fi
	while [ "$tries" -gt 0 ]; do
		tries=$((tries - 1))
		if [ -z "${3:-}" ]; then
			while ! port_free "$port"; do port=$((port + 1)); done
		fi
		: >"$dir/server.log"
		[ "$(id -u)" -eq 0 ] && chown postgres "$dir/server.log"
		if as_owner "$BIN/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
			-o "-c listen_addresses=127.0.0.1 -p $port -k $dir -c fsync=off -c max_connections=60" \
			start >/dev/null 2>&1; then
			echo "host=127.0.0.1 port=$port dbname=postgres user=$(owner)"
			exit 0
		fi
		grep -q "could not bind\|Address already in use\|lock file .* already exists" "$dir/server.log" ||
			tries=0
		port=$((port + 1))
	done
	cat "$dir/server.log" >&2
	exit 1
	;;
stop)
	[ $# -ge 2 ] || usage
	[ -f "$2/data/postmaster.pid" ] || exit 0
	as_owner "$BIN/pg_ctl" -D "$2/data" -m fast -w stop >/dev/null 2>&1
	;;
*) usage ;;
esac
