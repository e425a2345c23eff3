"""A campaign's segment: filters over the register, coverage and contributions, turned into one queryset
of persons (existence subqueries, never a loop over persons). On a day ``on``:

- the work filters (province, categories, platform, sectors) hold when one engagement in force on ``on``
  meets all of them; a person with no engagement in force is in no segment;
- ``age_from`` / ``age_to``: the person's age in whole years on ``on``; ``sex``: as registered;
- ``ordered_last_month``: a platform reported an order of theirs on or after the first day of the month
  before ``on`` (the last order kept per person and platform, as the coverage statistics read it);
- ``in_schemes`` / ``not_in_schemes``, each scheme read from the records:
  employee pension and medical insurance — a labour-relation engagement in force (the employer
  contributes), or the person joined the scheme (a voluntary enrolment from ``on`` or before);
  residents' pension — joined it; OIP — the best status over their platform engagements in force is
  mandatory cover, or cover by the employee work-injury insurance (``coverage.counts``, as the
  effective-coverage statistics count "legally covered");
- ``paid_own``: an own contribution was paid within the 365 days to ``on``."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.db.models.expressions import RawSQL

from socsec.benefits.models import DeathNotice
from socsec.contributions.models import LastOrder, OwnContribution, VoluntaryEnrolment
from socsec.core.errors import ValidationFailed
from socsec.coverage.counts import oip_best_of_person
from socsec.registry.models import Engagement, Organisation, Person, Region
from socsec.rules.coverage import PILOT_SECTORS, Category, Scheme, Sector
from socsec.supervision.coverage_stats import LEGAL_RANK

SCHEMES = (Scheme.EMPLOYEE_PENSION, Scheme.MEDICAL, Scheme.RESIDENT_PENSION, Scheme.OIP)
PAID_WITHIN_DAYS = 365
AGE_RANGE = (0, 120)
TRISTATE = {"": None, "yes": True, "no": False}


@dataclass(frozen=True)
class Segment:
    province: str = ""  # a province's code: work in it (the province or one of its cities)
    categories: tuple[str, ...] = ()
    platform: str = ""  # an organisation's code
    sectors: tuple[str, ...] = ()
    age_from: int | None = None
    age_to: int | None = None
    sex: str = ""
    ordered_last_month: bool | None = None
    in_schemes: tuple[str, ...] = ()
    not_in_schemes: tuple[str, ...] = ()
    paid_own: bool | None = None

    def as_json(self) -> dict[str, Any]:
        return {k: list(v) if isinstance(v, tuple) else v for k, v in asdict(self).items()}


def _choices(raw: object, allowed: tuple[str, ...], field: str, errors: dict[str, list[str]]) -> tuple[str, ...]:
    values = [raw] if isinstance(raw, str) else list(raw or [])  # type: ignore[call-overload]
    values = [str(v).strip() for v in values if str(v).strip()]
    unknown = [v for v in values if v not in allowed]
    if unknown:
        errors[field] = [f"{', '.join(v[:40] for v in unknown)}: not one of {', '.join(allowed)}."]
    return tuple(sorted(set(values)))


def _age(raw: object, field: str, errors: dict[str, list[str]]) -> int | None:
    text = "" if raw is None else str(raw).strip()
    if not text:
        return None
    low, high = AGE_RANGE
    if not (text.isascii() and text.isdigit() and low <= int(text) <= high):
        errors[field] = [f"{text[:20]!r} is not an age in whole years from {low} to {high}."]
        return None
    return int(text)


def _tristate(raw: object, field: str, errors: dict[str, list[str]]) -> bool | None:
    if raw is None or isinstance(raw, bool):
        return raw
    text = str(raw).strip().lower()
    if text not in TRISTATE:
        errors[field] = [f"{text[:20]!r}: yes, no or empty (either)."]
        return None
    return TRISTATE[text]


def segment_parse(raw: Mapping[str, Any]) -> Segment:
    """The segment the filters describe; every filter that is not understood is refused with its field."""
    errors: dict[str, list[str]] = {}
    unknown = sorted(set(raw) - set(Segment.__dataclass_fields__))
    if unknown:
        errors["segment"] = [f"{', '.join(k[:40] for k in unknown)}: not a filter."]
    province = str(raw.get("province") or "").strip()
    if province and not Region.objects.filter(code=province, level=Region.Level.PROVINCE).exists():
        errors["province"] = [f"{province[:20]!r} is not the code of a province."]
    platform = str(raw.get("platform") or "").strip()
    if platform and not Organisation.objects.filter(code=platform).exists():
        errors["platform"] = [f"{platform[:40]!r} is not the code of an organisation."]
    sex = str(raw.get("sex") or "").strip()
    if sex and sex not in Person.Sex.values:
        errors["sex"] = [f"{sex[:20]!r}: M or F."]
    age_from, age_to = _age(raw.get("age_from"), "age_from", errors), _age(raw.get("age_to"), "age_to", errors)
    if age_from is not None and age_to is not None and age_from > age_to:
        errors["age_to"] = [f"{age_to} is below the lowest age {age_from}."]
    schemes = tuple(s.value for s in SCHEMES)
    in_schemes = _choices(raw.get("in_schemes"), schemes, "in_schemes", errors)
    not_in_schemes = _choices(raw.get("not_in_schemes"), schemes, "not_in_schemes", errors)
    both = sorted(set(in_schemes) & set(not_in_schemes))
    if both:
        errors["not_in_schemes"] = [f"{', '.join(both)}: both in and not in; no one is."]
    segment = Segment(
        province=province,
        categories=_choices(raw.get("categories"), tuple(c.value for c in Category), "categories", errors),
        platform=platform,
        sectors=_choices(raw.get("sectors"), tuple(s.value for s in Sector), "sectors", errors),
        age_from=age_from,
        age_to=age_to,
        sex=sex,
        ordered_last_month=_tristate(raw.get("ordered_last_month"), "ordered_last_month", errors),
        in_schemes=in_schemes,
        not_in_schemes=not_in_schemes,
        paid_own=_tristate(raw.get("paid_own"), "paid_own", errors),
    )
    if errors:
        raise ValidationFailed.from_fields(errors)
    return segment


def pilot_sectors() -> tuple[str, ...]:
    return tuple(s.value for s in PILOT_SECTORS)


def years_before(on: dt.date, years: int) -> dt.date:
    try:
        return on.replace(year=on.year - years)
    except ValueError:  # 29 February
        return on.replace(year=on.year - years, day=28)


def _in_force(on: dt.date) -> Q:
    return Q(start_date__lte=on) & (Q(end_date__isnull=True) | Q(end_date__gte=on))


def _work(segment: Segment, on: dt.date) -> Exists:
    rows = Engagement.objects.filter(_in_force(on), person=OuterRef("pk"))
    if segment.province:
        rows = rows.filter(Q(work_region__code=segment.province) | Q(work_region__parent__code=segment.province))
    if segment.categories:
        rows = rows.filter(category__in=segment.categories)
    if segment.platform:
        rows = rows.filter(organisation__code=segment.platform)
    if segment.sectors:
        rows = rows.filter(sector__in=segment.sectors)
    return Exists(rows)


def _in_scheme(scheme: str, on: dt.date) -> Q:
    """Whether a person is in a scheme other than OIP on ``on`` (see the module's note)."""
    joined = Exists(VoluntaryEnrolment.objects.filter(person=OuterRef("pk"), scheme=scheme, joined_on__lte=on))
    if scheme == Scheme.RESIDENT_PENSION:
        return Q(joined)
    employed = Engagement.objects.filter(_in_force(on), person=OuterRef("pk"), category=Category.LABOUR_RELATION)
    return Q(joined) | Q(Exists(employed))


def _previous_month_start(on: dt.date) -> dt.date:
    return (on.replace(day=1) - dt.timedelta(days=1)).replace(day=1)


def _persons(segment: Segment, on: dt.date) -> QuerySet[Person]:
    dead = Exists(DeathNotice.objects.filter(person=OuterRef("pk"), died_on__lte=on))
    persons = Person.objects.filter(_work(segment, on)).exclude(dead)  # nobody writes to the dead's family
    if segment.sex:
        persons = persons.filter(sex=segment.sex)
    if segment.age_from is not None:
        persons = persons.filter(birth_date__lte=years_before(on, segment.age_from))
    if segment.age_to is not None:
        persons = persons.filter(birth_date__gt=years_before(on, segment.age_to + 1))
    if segment.ordered_last_month is not None:
        ordered = Q(
            Exists(LastOrder.objects.filter(person_id=OuterRef("pk"), last_order_on__gte=_previous_month_start(on)))
        )
        persons = persons.filter(ordered if segment.ordered_last_month else ~ordered)
    if segment.paid_own is not None:
        since = on - dt.timedelta(days=PAID_WITHIN_DAYS - 1)
        paid = Q(Exists(OwnContribution.objects.filter(person=OuterRef("pk"), paid_on__gte=since, paid_on__lte=on)))
        persons = persons.filter(paid if segment.paid_own else ~paid)
    for scheme in segment.in_schemes:
        if scheme != Scheme.OIP:
            persons = persons.filter(_in_scheme(scheme, on))
    for scheme in segment.not_in_schemes:
        if scheme != Scheme.OIP:
            persons = persons.filter(~_in_scheme(scheme, on))
    return persons


@contextmanager
def segment_persons(segment: Segment, on: dt.date) -> Iterator[QuerySet[Person]]:
    """While open: the persons of the segment on ``on``, as one queryset (OIP's ranks, when a filter needs
    them, in the temporary table ``coverage.counts`` keeps while the block runs)."""
    persons = _persons(segment, on)
    oip = Scheme.OIP.value
    if oip not in segment.in_schemes and oip not in segment.not_in_schemes:
        yield persons
        return
    with oip_best_of_person(on) as best:
        if best is None:  # no platform engagement in force: no one has OIP
            yield persons.none() if oip in segment.in_schemes else persons
            return
        sql, params = best
        covered = RawSQL(f"SELECT b.person_id FROM ({sql}) b WHERE b.best >= %s", (*params, LEGAL_RANK))
        yield persons.filter(pk__in=covered) if oip in segment.in_schemes else persons.exclude(pk__in=covered)


def segment_size(segment: Segment, on: dt.date) -> int:
    """How many persons the segment holds on ``on``: one counting query."""
    with segment_persons(segment, on) as persons:
        return persons.count()
