#!/usr/bin/python3
"""bench/ownership/scc_peer.py — the cycle step in scipy: strongly connected
components of the same graph (scipy.sparse.csgraph.connected_components,
connection='strong', Debian python3-scipy), on the edges bench.c --edges wrote.
Times the call alone (best of ROUNDS, default 3) and prints the component count
and the members of components with two or more members, to compare with
kaifang's cycle step.

    scc_peer.py EDGES N [ROUNDS]
"""
import sys, time
import numpy as np
import scipy
import scipy.sparse as sp
from scipy.sparse.csgraph import connected_components

e = np.fromfile(sys.argv[1], dtype=np.int32).reshape(-1, 2)
n = int(sys.argv[2])
rounds = int(sys.argv[3]) if len(sys.argv) > 3 else 3
A = sp.csr_matrix((np.ones(len(e), dtype=np.float64), (e[:, 0], e[:, 1])), shape=(n, n))
del e
best = None
for _ in range(rounds):
    t0 = time.perf_counter()
    k, labels = connected_components(A, directed=True, connection="strong")
    t = time.perf_counter() - t0
    best = t if best is None or t < best else best
sizes = np.bincount(labels)
big = sizes[sizes > 1]
print("scipy %s: cycle step %.3f s (best of %d), %d components, %d with a cycle (%d entities)"
      % (scipy.__version__, best, rounds, k, len(big), int(big.sum())))
