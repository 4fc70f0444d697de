"""Personalised PageRank (a random walk with restart) on a symmetric weighted ``scipy.sparse`` matrix.

The answer is the fixed point of the power iteration::

    r <- restart * s + (1 - restart) * (W D^-1 r + dangling(r) * s)

found as a linear system. With ``x = D z``, ``(D - (1 - restart) W) z = restart s`` is symmetric and
positive definite on the linked nodes, and conjugate gradients preconditioned by ``D`` solve it in about half
the sparse products of the power iteration: the same iterates as plain conjugate gradients on the normalised
``I - (1 - restart) D^-1/2 W D^-1/2`` (eigenvalues in [restart, 2 - restart]), but each product is one with
``W`` itself, so no normalised copy of the matrix is built. Nodes without links hold ``x = restart * s``; the
dangling return is a rank-one term that only rescales ``x``, so ``r = x / sum(x)``.

The products run in float32 (half the memory traffic, measured 1.6x faster at 1M nodes) inside an
iterative refinement: each round takes the true residual in float64, solves for the correction in float32
and adds it in float64, so the result is as exact as a float64 solve. The stopping test is the power
iteration's own, on that float64 residual: the L1 change one more power step would make (bounded by
``|residual|_1 + |mass error|``, over ``sum(x)``) below ``tol``.

>>> import scipy.sparse as sp
>>> w = sp.csr_matrix(np.array([[0, 1, 0], [1, 0, 1], [0, 1, 0]], dtype=float))
>>> r, _, _ = personalised_pagerank(w, np.array([1.0, 0, 0]), restart=0.5)
>>> bool(r[0] > r[1] > r[2]), round(float(r.sum()), 6)
(True, 1.0)
"""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp

#: How far each float32 round cuts the residual (2-norm) at least; float32 holds about 7 digits.
ROUND_REDUCTION = 1e-5


def _dot(a: np.ndarray, b: np.ndarray) -> float:
    # einsum, not np.dot: BLAS threads spin against each other on a busy machine (measured 10x slower)
    return float(np.einsum("i,i->", a, b))


def _correction(
    walk32: sp.csr_matrix, d32: np.ndarray, inv_d32: np.ndarray, rhs: np.ndarray, reduce: float, budget: int
) -> tuple[np.ndarray, int]:
    """Conjugate gradients in float32, preconditioned by ``D``, for ``(D + walk32) e = rhs`` (``walk32`` holds
    ``-(1 - restart) W``), until the preconditioned residual ``res . D^-1 res`` is ``reduce**2`` times its start
    or ``budget`` products are spent; returns ``e`` and the products."""
    e = np.zeros(len(rhs), dtype=np.float32)
    res = rhs.astype(np.float32)
    h = res * inv_d32
    p, tmp = h.copy(), np.empty_like(res)
    rh = _dot(res, h)
    if rh == 0:
        return e, 0
    stop, it = rh * reduce * reduce, 0
    for it in range(1, budget + 1):  # noqa: B007 (the count is returned)
        q = walk32 @ p
        np.multiply(d32, p, out=tmp)
        q += tmp
        step = np.float32(rh / _dot(p, q))
        np.multiply(p, step, out=tmp)
        e += tmp
        np.multiply(q, step, out=tmp)
        res -= tmp
        np.multiply(res, inv_d32, out=h)
        rh, rh_old = _dot(res, h), rh
        if rh <= stop:
            break
        p *= np.float32(rh / rh_old)
        p += h
    return e, it


def personalised_pagerank(
    matrix: sp.csr_matrix,
    restart_to: np.ndarray,
    *,
    restart: float = 0.25,
    tol: float = 1e-10,
    max_iter: int = 200,
) -> tuple[np.ndarray, int, float]:
    """Stationary vector of a walk with restart to ``restart_to`` on the symmetric weighted ``matrix``.

    Returns (scores summing to 1, sparse matrix-vector products used, the L1 change one more power step
    would make: below ``tol`` unless ``max_iter`` products ran out). Nodes without links send their share
    back to the restart distribution. See the module doc for the method.
    """
    s = np.asarray(restart_to, dtype=np.float64)
    if s.sum() <= 0:
        return np.zeros_like(s), 0, 0.0
    s = s / s.sum()
    d = np.asarray(matrix.sum(axis=1)).ravel()
    linked = d > 0
    inv_d = np.divide(1.0, d, out=np.zeros_like(d), where=linked)
    walk, alone = 1.0 - restart, restart * float(s[~linked].sum())  # alone: sum of x off the links
    data32 = matrix.data.astype(np.float32)
    data32 *= np.float32(-walk)
    walk32 = sp.csr_matrix((data32, matrix.indices, matrix.indptr), shape=matrix.shape)
    d32, inv_d32 = d.astype(np.float32), inv_d.astype(np.float32)
    rhs = np.where(linked, restart * s, 0.0)
    z, delta, products = np.zeros_like(s), np.inf, 0
    while True:
        res = rhs.copy()
        if products:  # the true residual of z, in float64
            res += walk * (matrix @ z) - d * z
            products += 1
        total = _dot(d, z) + alone
        if total > 0:
            delta = (float(np.abs(res).sum()) + abs(restart * (total - 1.0) + walk * alone)) / total
        if delta < tol or products >= max_iter:
            break
        reduce = ROUND_REDUCTION if not np.isfinite(delta) else min(max(0.2 * tol / delta, ROUND_REDUCTION), 0.5)
        e, used = _correction(walk32, d32, inv_d32, res, reduce, max(max_iter - products - 1, 1))
        if not used:
            break
        z += e
        products += used
    x = d * z
    x[~linked] = restart * s[~linked]
    return x / x.sum(), products, delta
