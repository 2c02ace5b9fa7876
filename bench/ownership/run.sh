#!/bin/sh
# bench/ownership/run.sh — the ownership benchmark (make bench-ownership), all peers in one run:
#   1. CSV pair at 1M/2M, 2M/4M and 10M/20M entities/holdings (seed 42): kaifang's load,
#      compute and peak memory (/usr/bin/time -v) against DuckDB's read_csv of the same files
#      (@duckdb/node-api, pinned in bench/ownership/package.json, 2 threads), rounds
#      interleaved; DuckDB's one level of foreign-share aggregation in SQL must give the same
#      count and exact sums as kaifang ("one-level" lines), and kaifang's checksum of every
#      answer must equal the one in expected.txt (the build before the new reader, same seed).
#   2. The cycle step (strongly connected components) on the biggest graph: kaifang's against
#      scipy.sparse.csgraph.connected_components(connection='strong'), same edges, same count.
#   3. The networkx + scipy look-through peer (peer.py) on a 200k / 400k graph.
#   4. BODS 0.4 and GLEIF Level 2 JSON: kaifang's load against jansson's json_load_file.
# Env: B (build dir), SIZES ("N:M ..."), ROUNDS (3), BIG_ROUNDS (2, for sizes >= 5M),
#      SMALL_N, SMALL_M, JSON_N (30000), SEED, WORK (scratch dir).
set -e
B=${B:-build}
WORK=${WORK:-${TMPDIR:-/tmp}/kaifang-bench-ownership}
SIZES=${SIZES:-"1000000:2000000 2000000:4000000 10000000:20000000"}
ROUNDS=${ROUNDS:-3}
BIG_ROUNDS=${BIG_ROUNDS:-2}
SMALL_N=${SMALL_N:-200000}; SMALL_M=${SMALL_M:-400000}
JSON_N=${JSON_N:-30000}
SEED=${SEED:-42}
HERE=$(cd "$(dirname "$0")" && pwd)
mkdir -p "$WORK/small" "$WORK/json"
/usr/bin/python3 -c "import networkx, scipy" 2>/dev/null || ./tools/install-deps.sh python3-networkx python3-scipy
[ -d "$HERE/node_modules/@duckdb/node-api" ] || (cd "$HERE" && npm ci --no-audit --no-fund >&2)
fail=0
field() { sed -n "s/.*$1 \([0-9.]*\) s.*/\1/p" | head -1; }
echo "== load: kaifang against DuckDB read_csv, same files, same run (seed $SEED)"
for sz in $SIZES; do
	n=${sz%%:*}; m=${sz##*:}
	D=$WORK/csv-$n-$m-$SEED # kept between runs; named by size and seed
	[ -s "$D/holdings.csv" ] || { mkdir -p "$D"; $B/bench_ownership_gen "$D" $n $m $SEED; }
	r=$ROUNDS; [ "$n" -ge 5000000 ] && r=$BIG_ROUNDS
	i=0
	while [ $i -lt $r ]; do
		i=$((i + 1))
		/usr/bin/time -v $B/bench_ownership "$D" > "$WORK/k.txt" 2> "$WORK/time.txt"
		(cd "$HERE" && node duckdb_peer.mjs "$D") > "$WORK/d.txt"
		kl=$(field load < "$WORK/k.txt"); kc=$(field compute < "$WORK/k.txt")
		dl=$(field load < "$WORK/d.txt")
		rss=$(sed -n 's/.*Maximum resident set size (kbytes): \([0-9]*\).*/\1/p' "$WORK/time.txt")
		ko=$(sed -n 's/^kaifang: one-level //p' "$WORK/k.txt"); do_=$(sed -n 's/^duckdb: one-level //p' "$WORK/d.txt")
		ck=$(sed -n 's/^kaifang: checksum //p' "$WORK/k.txt")
		want=$(awk -v n=$n -v m=$m -v s=$SEED '$1==n && $2==m && $3==s {print $4}' "$HERE/expected.txt")
		same=yes; [ "$ko" = "$do_" ] || { same=NO; fail=1; }
		ckok=yes; if [ -z "$want" ]; then ckok="no reference"; elif [ "$ck" != "$want" ]; then ckok=NO; fail=1; fi
		printf '%s/%s round %d: kaifang load %s s + compute %s s (peak RSS %s MB), duckdb load %s s: kaifang/duckdb load %s; one-level answers equal: %s; checksum %s equal to the old build: %s\n' \
			$n $m $i "$kl" "$kc" $((rss / 1024)) "$dl" \
			"$(python3 -c "print('%.2f' % ($kl / $dl))")" "$same" "$ck" "$ckok"
		[ "$same" = yes ] || { cat "$WORK/k.txt" "$WORK/d.txt"; }
	done
	BIG=$D; BIG_N=$n
done
grep -E "^kaifang: [0-9]* entities|cycle step" "$WORK/k.txt"
head -1 "$WORK/d.txt"
echo "== cycle step: kaifang against scipy connected_components(strong), $BIG_N entities"
$B/bench_ownership --edges "$WORK/edges.bin" "$BIG" > /dev/null
s=$(/usr/bin/python3 "$HERE/scc_peer.py" "$WORK/edges.bin" "$BIG_N"); echo "$s"
k=$(grep "cycle step" "$WORK/k.txt"); echo "$k"
kt=$(echo "$k" | field step); st=$(echo "$s" | field step)
kc=$(echo "$k" | sed -n 's/.*s (best of 3), \(.*\)/\1/p'); sc=$(echo "$s" | sed -n 's/.*(best of [0-9]*), \(.*\)/\1/p')
[ "$kc" = "$sc" ] || { echo "DIFFERENT components: kaifang '$kc', scipy '$sc'"; fail=1; }
python3 -c "print('scipy/kaifang cycle step: %.2fx' % ($st / $kt))"
rm -f "$WORK/edges.bin"
echo "== look-through on the small graph: kaifang against Python (networkx + scipy)"
$B/bench_ownership_gen "$WORK/small" $SMALL_N $SMALL_M $SEED
c=$($B/bench_ownership "$WORK/small"); echo "$c" | grep -E "load|sum"
p=$(/usr/bin/python3 "$HERE/peer.py" "$WORK/small"); echo "$p"
ct=$(echo "$c" | field compute); pt=$(echo "$p" | field compute)
cl=$(echo "$c" | field load); pl=$(echo "$p" | field load)
python3 -c "c,p,cl,pl=$ct,$pt,$cl,$pl; print('ratio python/kaifang: compute %.0fx, load %.0fx, total %.0fx' % (p/max(c,1e-3), pl/max(cl,1e-3), (p+pl)/max(c+cl,1e-3)))"
echo "== BODS 0.4 and GLEIF Level 2 JSON ($JSON_N entities): kaifang's load against jansson's json_load_file"
[ -s "$WORK/json/gleif-$JSON_N.json" ] || {
	/usr/bin/python3 "$HERE/gen_json.py" "$WORK/json" $JSON_N $SEED
	mv "$WORK/json/bods.json" "$WORK/json/bods-$JSON_N.json"
	mv "$WORK/json/gleif.json" "$WORK/json/gleif-$JSON_N.json"
}
for f in bods gleif; do
	ls -l "$WORK/json/$f-$JSON_N.json" | awk '{printf "%s: %.1f MB\n", $NF, $5 / 1e6}'
	$B/bench_ownership --json "$WORK/json/$f-$JSON_N.json"
done
[ $fail -eq 0 ] || { echo "bench-ownership: ANSWERS DIFFER (see above)"; exit 1; }
echo "bench-ownership: answers equal (DuckDB one-level sums, scipy components, checksums)"
