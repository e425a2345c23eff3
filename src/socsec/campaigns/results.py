"""What became of a campaign's members, told and held back alike, 30, 60 and 90 days after it was sent.

Within ``days`` days of the sending day means from ``sent_on`` to ``sent_on + days - 1`` (and no later than
today: a window not yet over counts what has happened so far and says so). A member
- **joined** when they joined a scheme (a voluntary enrolment: employee pension or medical insurance as a
  flexible worker, residents' pension) on a day within the window;
- **paid** when an own contribution of theirs was paid on a day within the window.
Each is counted once per group however many times it happened; the rates are over the group's members.

Counted by the database in one query for the three windows and both groups. Small counts are withheld as
the coverage statistics withhold them: a count above zero and below the threshold is not shown, nor is a
rate or a difference built on it."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db.models import Count, Exists, OuterRef

from socsec.contributions.models import OwnContribution, VoluntaryEnrolment

from .models import Campaign, CampaignMember

WINDOWS = (30, 60, 90)
MEASURES = ("joined", "paid")


@dataclass(frozen=True)
class Group:
    members: int
    joined: int | None  # None: withheld (too few to show)
    paid: int | None

    def rate(self, measure: str) -> Decimal | None:
        """The count over the members, as a percentage to one decimal (half up)."""
        count = getattr(self, measure)
        if count is None or not self.members:
            return None
        return (Decimal(count) * 100 / self.members).quantize(Decimal("0.1"), ROUND_HALF_UP)


@dataclass(frozen=True)
class Window:
    days: int
    first: dt.date
    last: dt.date  # the window's last day, or today while it runs
    complete: bool
    treated: Group
    control: Group

    def difference(self, measure: str) -> Decimal | None:
        """The told group's rate less the control group's, in percentage points."""
        told, held = self.treated.rate(measure), self.control.rate(measure)
        return None if told is None or held is None else told - held


def _shown(count: int, threshold: int) -> int | None:
    return None if 0 < count < threshold else count


def campaign_results(campaign: Campaign, *, today: dt.date, threshold: int) -> list[Window]:
    """The 30/60/90-day windows of the campaign, each with both groups' counts (one query)."""
    ends = {days: min(campaign.sent_on + dt.timedelta(days=days - 1), today) for days in WINDOWS}
    annotations = {}
    for days, last in ends.items():
        window = {"gte": campaign.sent_on, "lte": last}
        joined = VoluntaryEnrolment.objects.filter(
            person_id=OuterRef("person_id"), joined_on__gte=window["gte"], joined_on__lte=window["lte"]
        )
        paid = OwnContribution.objects.filter(
            person_id=OuterRef("person_id"), paid_on__gte=window["gte"], paid_on__lte=window["lte"]
        )
        annotations[f"joined_{days}"] = Count("id", filter=Exists(joined))
        annotations[f"paid_{days}"] = Count("id", filter=Exists(paid))
    rows: dict[bool, dict[str, Any]] = {
        r["control"]: dict(r)
        for r in CampaignMember.objects.filter(campaign=campaign)
        .values("control")
        .annotate(members=Count("id"), **annotations)
        .order_by()
    }
    empty: dict[str, Any] = {"members": 0, **{k: 0 for k in annotations}}
    out = []
    for days, last in ends.items():
        groups = []
        for control in (False, True):
            r = rows.get(control, empty)
            groups.append(
                Group(r["members"], _shown(r[f"joined_{days}"], threshold), _shown(r[f"paid_{days}"], threshold))
            )
        complete = today >= campaign.sent_on + dt.timedelta(days=days - 1)
        out.append(Window(days, campaign.sent_on, last, complete, groups[0], groups[1]))
    return out
