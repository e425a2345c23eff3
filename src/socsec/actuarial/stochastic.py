"""Stochastic runs: the scenario's ``stochastic`` section (standard deviations, persistence, correlation
and seed of the four variables) and the correlated AR(1) deviations drawn from it."""

from __future__ import annotations

import numpy as np

from .inputs import Array, Section
from .prepared import Prepared
from .scenario import STOCHASTIC_VARIABLES


def read_stochastic(root: Section, prepared: Prepared) -> None:
    if not root.has("stochastic"):
        prepared.stochastic = {"sd": np.zeros(4), "persistence": np.zeros(4), "correlation": np.eye(4)}
        return
    sto = root.section("stochastic")
    sds, phis = np.zeros(4), np.zeros(4)
    variables = sto.section("variables")
    for i, name in enumerate(STOCHASTIC_VARIABLES):
        var = variables.section(name)
        sds[i] = var.number("sd", high=1.0)
        phis[i] = var.number("persistence", high=0.999)
    corr = np.asarray(sto.raw("correlation"), dtype=np.float64)
    if corr.shape != (4, 4) or not np.allclose(corr, corr.T) or not np.allclose(np.diag(corr), 1.0):
        raise sto.error(
            "correlation",
            "expected a symmetric 4 x 4 matrix with ones on the diagonal, in the order "
            + ", ".join(STOCHASTIC_VARIABLES),
        )
    if (np.abs(corr) > 1).any():
        raise sto.error("correlation", "a correlation above 1 in absolute value")
    try:
        np.linalg.cholesky(corr)
    except np.linalg.LinAlgError:
        raise sto.error("correlation", "not positive definite (no Cholesky factor)") from None
    prepared.stochastic = {"sd": sds, "persistence": phis, "correlation": corr}
    prepared.seed = int(sto.number("seed")) if sto.has("seed") else 0


def shocks(prepared: Prepared, runs: int) -> Array:
    """Correlated AR(1) deviations (runs, T, 4) in the order of STOCHASTIC_VARIABLES: standard normal
    draws correlated by the Cholesky factor of the correlation matrix, then x_t = phi x_(t-1) +
    sqrt(1 - phi^2) sd z_t (stationary standard deviation sd). Zero for ``runs == 0``."""
    T = len(prepared.years)
    if runs <= 0:
        return np.zeros((1, T, 4))
    sto = prepared.stochastic
    rng = np.random.default_rng(prepared.seed)
    z = rng.standard_normal((runs, T, 4)) @ np.linalg.cholesky(sto["correlation"]).T
    phi, sd = sto["persistence"], sto["sd"]
    x = np.empty_like(z)
    x[:, 0] = sd * z[:, 0]
    scale = np.sqrt(1.0 - phi**2) * sd
    for t in range(1, T):
        x[:, t] = phi * x[:, t - 1] + scale * z[:, t]
    return x
