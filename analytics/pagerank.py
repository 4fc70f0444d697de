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
``|residual|_1 + |mass error|``, over ``sum(x)``) below ``tol``. A large matrix's products run on a thread per
core (``RowBlocks``), each row summed as one product sums it, so the scores do not depend on the threads.

>>> import scipy.sparse as sp
>>> w = sp.csr_matrix(np.array([[0, 1, 0], [1, 0, 1], [0, 1, 0]], dtype=float))
>>> r, _, _ = personalised_pagerank(w, np.array([1.0, 0, 0]), restart=0.5)
>>> bool(r[0] > r[1] > r[2]), round(float(r.sum()), 6)
(True, 1.0)
"""

from __future__ import annotations

import os
from concurrent.futures import Executor, ThreadPoolExecutor
from contextlib import nullcontext
from dataclasses import dataclass
from itertools import pairwise

import numpy as np
import scipy.sparse as sp

#: How far each float32 round cuts the residual (2-norm) at least; float32 holds about 7 digits.
ROUND_REDUCTION = 1e-5

#: Below this many entries a product is not worth cutting into blocks for threads.
PARALLEL_ENTRIES = 1_000_000


class RowBlocks:
    """A CSR matrix cut into row blocks of about equal entries (views, no copies), each block's product on a
    thread of ``pool``: scipy's product releases the GIL (checked: another thread runs through it), so the
    blocks run on separate cores. Every row's sum is computed as the whole product computes it, so the result
    is the same to the bit.

    >>> m = sp.csr_matrix(np.arange(12.0).reshape(4, 3))
    >>> with ThreadPoolExecutor(2) as pool:
    ...     bool(((RowBlocks(m, pool, 2) @ np.ones(3)) == m @ np.ones(3)).all())
    True
    """

    def __init__(self, matrix: sp.csr_matrix, pool: Executor | None, parts: int) -> None:
        n = matrix.shape[0]
        cuts = np.searchsorted(matrix.indptr, np.linspace(0, matrix.nnz, max(parts, 1) + 1)[1:-1])
        bounds = np.unique(np.r_[0, cuts, n]).tolist()
        self.shape, self.dtype, self.pool = matrix.shape, matrix.dtype, pool
        self.blocks = []
        for a, b in pairwise(bounds):
            lo, hi = matrix.indptr[a], matrix.indptr[b]
            ptr = matrix.indptr[a : b + 1] - lo
            block = sp.csr_matrix((matrix.data[lo:hi], matrix.indices[lo:hi], ptr), shape=(b - a, self.shape[1]))
            self.blocks.append((a, b, block))

    def __matmul__(self, x: np.ndarray) -> np.ndarray:
        out = np.empty(self.shape[0], dtype=np.result_type(self.dtype, x.dtype))

        def run(part: tuple[int, int, sp.csr_matrix]) -> None:
            out[part[0] : part[1]] = part[2] @ x

        if self.pool is None or len(self.blocks) < 2:
            for part in self.blocks:
                run(part)
        else:
            list(self.pool.map(run, self.blocks))
        return out


def threads_for(entries: int) -> int:
    """Threads worth running a product of ``entries`` entries on: the cores this process may use (at most
    4), one for a small matrix."""
    return 1 if entries < PARALLEL_ENTRIES else max(1, min(4, len(os.sched_getaffinity(0))))


def _dot(a: np.ndarray, b: np.ndarray) -> float:
    # einsum, not np.dot: BLAS threads spin against each other on a busy machine (measured 10x slower)
    return float(np.einsum("i,i->", a, b))


def _correction(
    walk32: RowBlocks, d32: np.ndarray, inv_d32: np.ndarray, rhs: np.ndarray, reduce: float, budget: int
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


@dataclass
class _System:
    """``(D - walk W) z = rhs`` with its products: ``whole`` is ``W`` in float64, ``walk32`` is ``-walk W`` in
    float32; ``alone`` is the restart mass on nodes without links."""

    whole: RowBlocks
    walk32: RowBlocks
    d: np.ndarray
    walk: float
    alone: float
    restart: float

    def delta(self, z: np.ndarray, res: np.ndarray) -> float:
        """The L1 change one more power step would make from ``x = D z``, over ``sum(x)``."""
        total = _dot(self.d, z) + self.alone
        if total <= 0:
            return np.inf
        return (float(np.abs(res).sum()) + abs(self.restart * (total - 1.0) + self.walk * self.alone)) / total


def _refine(system: _System, rhs: np.ndarray, tol: float, max_iter: int) -> tuple[np.ndarray, int, float]:
    """Iterative refinement: the true residual in float64, a float32 correction, until ``delta < tol``."""
    d32 = system.d.astype(np.float32)
    inv_d32 = np.divide(1.0, system.d, out=np.zeros_like(system.d), where=system.d > 0).astype(np.float32)
    z, delta, products = np.zeros_like(rhs), np.inf, 0
    while True:
        res = rhs.copy()
        if products:  # the true residual of z, in float64
            res += system.walk * (system.whole @ z) - system.d * z
            products += 1
        delta = system.delta(z, res)
        if delta < tol or products >= max_iter:
            return z, products, delta
        reduce = ROUND_REDUCTION if not np.isfinite(delta) else min(max(0.2 * tol / delta, ROUND_REDUCTION), 0.5)
        e, used = _correction(system.walk32, d32, inv_d32, res, reduce, max(max_iter - products - 1, 1))
        if not used:
            return z, products, delta
        z += e
        products += used


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
    walk, alone = 1.0 - restart, restart * float(s[~linked].sum())  # alone: sum of x off the links
    data32 = matrix.data.astype(np.float32)
    data32 *= np.float32(-walk)
    walk_csr = sp.csr_matrix((data32, matrix.indices, matrix.indptr), shape=matrix.shape)
    threads = threads_for(matrix.nnz)
    with ThreadPoolExecutor(threads) if threads > 1 else nullcontext() as pool:
        blocks = RowBlocks(matrix, pool, threads), RowBlocks(walk_csr, pool, threads)
        system = _System(*blocks, d, walk, alone, restart)
        z, products, delta = _refine(system, np.where(linked, restart * s, 0.0), tol, max_iter)
    x = d * z
    x[~linked] = restart * s[~linked]
    return x / x.sum(), products, delta
