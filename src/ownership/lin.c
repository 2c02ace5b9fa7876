/*
 * ownership/lin.c — the linear solve inside one ownership cycle, shared by the
 * forward look-through (ownership/solve.c: y_S = b + A_SS^T y_S) and the
 * adjoint that gives the ultimate owners (ownership/explain.c:
 * z_S = acc + A_SS z_S). Both are x = b + M x with M >= 0 and rho(M) < 1 on a
 * strongly connected component that is not closed (ownership-notes.md §2.2-2.3).
 *
 * Small components (up to KF__LIN_DENSE members) are solved by dense Gaussian
 * elimination; larger ones by Gauss-Seidel sweeps over the component's edges,
 * O(m + edges) per sweep, until the estimated error is below the tolerance
 * (or a sweep cap is reached: "not converged"). I - M is a nonsingular
 * M-matrix, so Gauss-Seidel converges for either direction of the system.
 */
#include <math.h>
#include <string.h>

#include "ownership/ownership_int.h"
#include "util/alloc.h"

/* Dense elimination on (I - M) x = b; 0, or 1 when a pivot vanished. */
static int dense(uint32_t m, const kf__lin_edge *e, size_t ne, int nrhs, const long double *b,
		 long double *x, long double *a)
{
	uint32_t r, c, p;
	size_t i;
	int k;
	for (r = 0; r < m; r++)
		a[(size_t)r * m + r] = 1;
	for (i = 0; i < ne; i++)
		a[(size_t)e[i].to * m + e[i].from] -= e[i].w;
	memcpy(x, b, (size_t)m * nrhs * sizeof *x);
	for (c = 0; c < m; c++) {
		long double best = fabsl(a[(size_t)c * m + c]);
		p = c;
		for (r = c + 1; r < m; r++)
			if (fabsl(a[(size_t)r * m + c]) > best) {
				best = fabsl(a[(size_t)r * m + c]);
				p = r;
			}
		if (best < 1e-30L)
			return 1;
		if (p != c) {
			for (r = 0; r < m; r++) {
				long double t = a[(size_t)c * m + r];
				a[(size_t)c * m + r] = a[(size_t)p * m + r];
				a[(size_t)p * m + r] = t;
			}
			for (k = 0; k < nrhs; k++) {
				long double t = x[(size_t)c * nrhs + k];
				x[(size_t)c * nrhs + k] = x[(size_t)p * nrhs + k];
				x[(size_t)p * nrhs + k] = t;
			}
		}
		for (r = 0; r < m; r++) {
			long double f;
			uint32_t q;
			if (r == c || a[(size_t)r * m + c] == 0)
				continue;
			f = a[(size_t)r * m + c] / a[(size_t)c * m + c];
			for (q = c; q < m; q++)
				a[(size_t)r * m + q] -= f * a[(size_t)c * m + q];
			for (k = 0; k < nrhs; k++)
				x[(size_t)r * nrhs + k] -= f * x[(size_t)c * nrhs + k];
		}
	}
	for (r = 0; r < m; r++)
		for (k = 0; k < nrhs; k++)
			x[(size_t)r * nrhs + k] /= a[(size_t)r * m + r];
	return 0;
}

int kf__lin_solve(uint32_t m, const kf__lin_edge *e, size_t ne, int nrhs, const long double *b,
		  long double *x, long double tol)
{
	uint32_t *off, i;
	kf__lin_edge *se;
	size_t q, work = (size_t)m + ne, cap;
	long double prev = 0;
	int it, rc = 1;
	if (m <= KF__LIN_DENSE) {
		long double *a = kf__calloc((size_t)m * m, sizeof *a);
		if (!a)
			return -1;
		rc = dense(m, e, ne, nrhs, b, x, a);
		kf__xfree(a);
		return rc;
	}
	/* edges grouped by the unknown they update (counting sort on `to`) */
	off = kf__calloc((size_t)m + 1, sizeof *off);
	se = kf__malloc((ne ? ne : 1) * sizeof *se);
	if (!off || !se) {
		kf__xfree(off);
		kf__xfree(se);
		return -1;
	}
	for (q = 0; q < ne; q++)
		off[e[q].to + 1]++;
	for (i = 0; i < m; i++)
		off[i + 1] += off[i];
	for (q = 0; q < ne; q++)
		se[off[e[q].to]++] = e[q];
	for (i = m; i > 0; i--)
		off[i] = off[i - 1];
	off[0] = 0;
	/* at most about 10^9 edge visits, at least 100 sweeps */
	cap = 1000000000u / (work ? work : 1);
	if (cap < 100)
		cap = 100;
	if (cap > 100000)
		cap = 100000;
	memcpy(x, b, (size_t)m * nrhs * sizeof *x);
	for (it = 0; (size_t)it < cap; it++) {
		long double change = 0;
		for (i = 0; i < m; i++) {
			long double v[3] = {0, 0, 0}, diag = 0;
			int k;
			for (k = 0; k < nrhs; k++)
				v[k] = b[(size_t)i * nrhs + k];
			for (q = off[i]; q < off[i + 1]; q++) {
				if (se[q].from == i) {
					diag += se[q].w;
					continue;
				}
				for (k = 0; k < nrhs; k++)
					v[k] += se[q].w * x[(size_t)se[q].from * nrhs + k];
			}
			for (k = 0; k < nrhs; k++) {
				long double nv = diag > 0 ? v[k] / (1 - diag) : v[k];
				long double d = fabsl(nv - x[(size_t)i * nrhs + k]);
				if (d > change)
					change = d;
				x[(size_t)i * nrhs + k] = nv;
			}
		}
		/* geometric convergence: the error after this sweep is about
		 * change * rate / (1 - rate), the rate estimated from two sweeps */
		if (change == 0) {
			rc = 0;
			break;
		}
		if (it > 0 && change < prev) {
			long double rate = change / prev;
			if (change < tol && change * rate / (1 - rate) < tol) {
				rc = 0;
				break;
			}
		}
		prev = change;
	}
	kf__xfree(off);
	kf__xfree(se);
	return rc;
}
