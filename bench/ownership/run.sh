#!/bin/sh
# bench/ownership/run.sh — the ownership benchmark (make bench-ownership).
#   BIG graph (default 10M entities / 20M holdings): kaifang load + compute, time
#   and peak memory (/usr/bin/time -v). SMALL graph (default 200k / 400k): kaifang
#   and the Python peer (networkx + scipy from Debian) on the same files, ratio.
# Env: B (build dir), BIG_N, BIG_M, SMALL_N, SMALL_M, SEED, WORK (scratch dir).
set -e
B=${B:-build}
WORK=${WORK:-${TMPDIR:-/tmp}/kaifang-bench-ownership}
BIG_N=${BIG_N:-10000000}; BIG_M=${BIG_M:-20000000}
SMALL_N=${SMALL_N:-200000}; SMALL_M=${SMALL_M:-400000}
SEED=${SEED:-42}
# The big graph is kept between runs (10M entities is large to rewrite); its folder is
# named by size and seed so that a run with other BIG_N/BIG_M/SEED never reuses it.
BIG=$WORK/big-$BIG_N-$BIG_M-$SEED
mkdir -p "$BIG" "$WORK/small"
/usr/bin/python3 -c "import networkx, scipy" 2>/dev/null || ./tools/install-deps.sh python3-networkx python3-scipy
echo "== generating (seed $SEED)"
[ -s "$BIG/holdings.csv" ] || $B/bench_ownership_gen "$BIG" $BIG_N $BIG_M $SEED
$B/bench_ownership_gen "$WORK/small" $SMALL_N $SMALL_M $SEED
echo "== kaifang, $BIG_N entities / $BIG_M holdings"
/usr/bin/time -v $B/bench_ownership "$BIG" 2> "$WORK/time.txt"
grep -E "Maximum resident|Elapsed" "$WORK/time.txt"
echo "== same run on the small graph: kaifang vs Python (networkx + scipy)"
c=$($B/bench_ownership "$WORK/small"); echo "$c"
p=$(/usr/bin/python3 bench/ownership/peer.py "$WORK/small"); echo "$p"
ct=$(echo "$c" | sed -n 's/.*compute \([0-9.]*\) s.*/\1/p')
pt=$(echo "$p" | sed -n 's/.*compute \([0-9.]*\) s.*/\1/p')
cl=$(echo "$c" | sed -n 's/.*load \([0-9.]*\) s.*/\1/p')
pl=$(echo "$p" | sed -n 's/.*load \([0-9.]*\) s.*/\1/p')
python3 -c "c,p,cl,pl=$ct,$pt,$cl,$pl; print('ratio python/kaifang: compute %.0fx, load %.0fx, total %.0fx' % (p/max(c,1e-3), pl/max(cl,1e-3), (p+pl)/max(c+cl,1e-3)))"
