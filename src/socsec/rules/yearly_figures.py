"""Yearly figures (``metadata.yearly: true``: a statistic published once a year, such as the national urban
per-capita disposable income) that a payment will need and that are not entered yet. A payment for an event
on a day reads the figure of the year before; a missing one refuses the payment, so officers are warned
first: on the pages where such a payment is made, and by ``socsec rules check``."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np

from .parameters import ParameterNode, load_parameters


@dataclass(frozen=True)
class MissingFigure:
    """A yearly figure with no value for ``year``: the formulas in ``needed_by`` refuse an event in the year
    after it."""

    path: str
    year: int
    description: str
    reference: str
    needed_by: tuple[str, ...]


def yearly_figures_missing(
    on: dt.date, *, formulas: Iterable[str] | None = None, params: ParameterNode | None = None
) -> list[MissingFigure]:
    """The yearly figures of the year before ``on`` (what an event on ``on`` is paid on) that have no value,
    of those needed by one of ``formulas`` (all when none are named)."""
    tree = params if params is not None else load_parameters()
    wanted = None if formulas is None else set(formulas)
    year = on.year - 1
    day = np.array([np.datetime64(dt.date(year, 1, 1), "D")])
    out = []
    for leaf in tree.leaves():
        if not leaf.yearly or (wanted is not None and not wanted.intersection(leaf.needed_by)):
            continue
        if np.isnan(leaf.at(day)[0]):
            out.append(MissingFigure(leaf.path, year, leaf.description, leaf.reference, leaf.needed_by))
    return out
