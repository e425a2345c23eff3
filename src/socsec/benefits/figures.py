"""The yearly figures a claim's payments would read that are not entered yet (the national urban per-capita
disposable income of the year before a death, say): shown to the officer on the claim before an assessment
is refused for want of them."""

from __future__ import annotations

from socsec.rules.engine import all_formulas
from socsec.rules.yearly_figures import MissingFigure, yearly_figures_missing

from .models import Claim

# the formulas of each kind of claim, by the prefix of their names
FORMULA_PREFIX = {
    Claim.Kind.OCCUPATIONAL_INJURY: "oip_",
    Claim.Kind.WORK_INJURY: "work_injury_",
    Claim.Kind.PENSION: "pension_",
    Claim.Kind.UNEMPLOYMENT: "unemployment_",
    Claim.Kind.LONG_TERM_CARE: "ltc_",
    Claim.Kind.SKILL_SUBSIDY: "unemployment_skill_",
}


def figures_missing_for_claim(claim: Claim) -> list[MissingFigure]:
    """The yearly figures of the year before the claim's event that its kind's formulas need and lack."""
    prefix = FORMULA_PREFIX.get(Claim.Kind(claim.kind))
    if prefix is None:
        return []
    names = [f.name for f in all_formulas() if f.name.startswith(prefix)]
    return yearly_figures_missing(claim.event_date, formulas=names)
