"""The data-quality rules: each named, dated, described, with its reference where there is one, and a
finder that screens everyone at once. The finders are set-based queries (the ORM's SQL, the same on
SQLite and PostgreSQL) except the resident-ID and the bank-account rules: the resident ID and the account
number are encrypted at rest, so the database cannot read the digits inside them; those rules read them in
chunks and check them in Python."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from django.db.models import CharField, Exists, F, OuterRef, Q, Subquery, Value
from django.db.models.functions import Cast, Concat
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from socsec.benefits.models import Award
from socsec.contributions.models import LastOrder, OwnContribution
from socsec.core.months import month_first_day, month_index, month_last_day
from socsec.notifications.models import Contact
from socsec.partners.accounts import passes_check_digit
from socsec.partners.models import PaymentAccount
from socsec.registry.models import Engagement, Organisation, Person
from socsec.registry.validation import id_birth_date

from .models import Correction


@dataclass(frozen=True)
class Hit:
    """One subject a rule found: what it is, whose, where (the province) and what the rule compared."""

    subject: str
    person_id: int
    province: str
    evidence: dict[str, Any]


@dataclass(frozen=True)
class Rule:
    code: str
    dimension: str  # completeness, validity or consistency
    label: str | Promise
    description: str | Promise
    since: dt.date
    reference: str | Promise
    find: Callable[[dt.date], Iterator[Hit]]
    correctable: str = ""  # the Correction.Field the person may confirm; empty: an officer follows it up


IDLE_MONTHS = 6  # an engagement with no order for this long is likely over without its end reported
CHUNK = 2000


def province_of(region_code: str) -> str:
    return region_code[:2] + "0000"


def months_before(on: dt.date, months: int) -> dt.date:
    """The same day ``months`` months before ``on`` (the month's last day where it is shorter)."""
    index = month_index(on) - months
    return min(month_first_day(index) + dt.timedelta(days=on.day - 1), month_last_day(index))


def _open_on(on: dt.date) -> Q:
    return Q(end_date__isnull=True) | Q(end_date__gt=on)


def idle_engagements(on: dt.date) -> Iterator[Hit]:
    cutoff = months_before(on, IDLE_MONTHS)
    last = LastOrder.objects.filter(platform=OuterRef("organisation"), person_id=OuterRef("person_id"))
    rows = (
        Engagement.objects.filter(_open_on(on), organisation__kind=Organisation.Kind.PLATFORM, start_date__lte=cutoff)
        .annotate(last_order_on=Subquery(last.values("last_order_on")[:1]))
        .filter(Q(last_order_on__isnull=True) | Q(last_order_on__lt=cutoff))
        .values_list("id", "person_id", "work_region__code", "organisation__code", "start_date", "last_order_on")
        .order_by("id")
    )
    for pk, person_id, region, organisation, start, last_order in rows.iterator(chunk_size=CHUNK):
        yield Hit(
            f"engagement:{pk}",
            person_id,
            province_of(region),
            {
                "engagement": pk,
                "organisation": organisation,
                "start_date": start.isoformat(),
                "last_order_on": last_order.isoformat() if last_order else None,
                "since": cutoff.isoformat(),
            },
        )


def birth_dates_against_ids(on: dt.date) -> Iterator[Hit]:
    rows = Person.objects.values_list("id", "resident_id", "birth_date", "residence_region__code").order_by()
    for pk, resident_id, birth, region in rows.iterator(chunk_size=CHUNK):
        in_id = id_birth_date(resident_id)
        if in_id != birth:
            yield Hit(
                f"person:{pk}",
                pk,
                province_of(region),
                {"birth_date": birth.isoformat(), "id_birth_date": in_id.isoformat()},
            )


def accounts_failing_check_digit(on: dt.date) -> Iterator[Hit]:
    rows = PaymentAccount.objects.values_list(
        "id", "person_id", "account_no", "person__residence_region__code", "bank__code", "status"
    ).order_by()
    for pk, person_id, account_no, region, bank, status in rows.iterator(chunk_size=CHUNK):
        if not passes_check_digit(account_no):
            # the number's last four digits only: the finding is not encrypted
            yield Hit(
                f"payment_account:{pk}",
                person_id,
                province_of(region),
                {"bank": bank, "account_ends": account_no[-4:], "digits": len(account_no), "status": status},
            )


def withheld_without_engagement(on: dt.date) -> Iterator[Hit]:
    engaged = Engagement.objects.filter(
        Q(end_date__isnull=True) | Q(end_date__gte=OuterRef("period_start")),
        person=OuterRef("person"),
        organisation=OuterRef("withheld_by"),
        start_date__lte=OuterRef("paid_on"),
    )
    rows = (
        OwnContribution.objects.filter(withheld_by__isnull=False, paid_on__lte=on)
        .filter(~Exists(engaged))
        .values_list("id", "person_id", "region__code", "withheld_by__code", "scheme", "period_start")
        .order_by("id")
    )
    for pk, person_id, region, platform, scheme, period in rows.iterator(chunk_size=CHUNK):
        yield Hit(
            f"own_contribution:{pk}",
            person_id,
            province_of(region),
            {"contribution": pk, "organisation": platform, "scheme": scheme, "period_start": period.isoformat()},
        )


def open_after_death(on: dt.date) -> Iterator[Hit]:
    rows = (
        Engagement.objects.filter(person__death_notice__isnull=False, person__death_notice__died_on__lte=on)
        .filter(Q(end_date__isnull=True) | Q(end_date__gt=F("person__death_notice__died_on")))
        .values_list("id", "person_id", "work_region__code", "organisation__code", "person__death_notice__died_on")
        .order_by("id")
    )
    for pk, person_id, region, organisation, died in rows.iterator(chunk_size=CHUNK):
        yield Hit(
            f"engagement:{pk}",
            person_id,
            province_of(region),
            {"engagement": pk, "organisation": organisation, "died_on": died.isoformat()},
        )


def unreachable_recipients(on: dt.date) -> Iterator[Hit]:
    paid = Award.objects.in_force().filter(claim__person=OuterRef("pk"), periodic=True)
    reachable = Contact.objects.filter(
        Q(phone__gt="") | Q(email__gt=""),
        recipient=Concat(Value("person:"), Cast(OuterRef("pk"), CharField()), output_field=CharField()),
    )
    rows = (
        Person.objects.filter(Exists(paid), ~Exists(reachable))
        .values_list("id", "residence_region__code")
        .order_by("id")
    )
    for pk, region in rows.iterator(chunk_size=CHUNK):
        yield Hit(f"person:{pk}", pk, province_of(region), {"periodic_award": True, "phone": "", "email": ""})


RULES: dict[str, Rule] = {
    r.code: r
    for r in (
        Rule(
            "engagement_no_orders",
            "completeness",
            _("Platform engagement with no orders for 6 months"),
            _(
                "An open engagement with a platform whose last reported order (or none) is more than 6 months "
                "old: the work has likely ended without its end being reported."
            ),
            dt.date(2026, 1, 1),
            _(
                "Guiding Opinions on the labour rights of workers in new forms of employment "
                "(Ren She Bu Fa [2021] No. 56)"
            ),
            idle_engagements,
            Correction.Field.ENGAGEMENT_END,
        ),
        Rule(
            "birth_date_not_id",
            "validity",
            _("Birth date contradicts the resident ID"),
            _("The registered birth date differs from the birth date encoded in digits 7 to 14 of the resident ID."),
            dt.date(2026, 1, 1),
            _("GB 11643-1999 Citizen identification number"),
            birth_dates_against_ids,
            Correction.Field.BIRTH_DATE,
        ),
        Rule(
            "withheld_without_engagement",
            "consistency",
            _("Contribution withheld by a platform the person is not engaged with"),
            _(
                "A worker's own contribution withheld at source by a platform with which the person had no "
                "engagement in or after the period paid."
            ),
            dt.date(2026, 1, 1),
            "",
            withheld_without_engagement,
        ),
        Rule(
            "engagement_after_death",
            "consistency",
            _("Engagement open after the person's death"),
            _("An engagement without an end, or ending after the date of death the death notice gives."),
            dt.date(2026, 1, 1),
            _("Death notices from the civil register (data exchange)"),
            open_after_death,
        ),
        Rule(
            "award_without_contact",
            "completeness",
            _("Monthly benefit but no phone or e-mail"),
            _(
                "A person paid a monthly benefit has no phone number or e-mail address: notices of suspensions "
                "and proof of life reach the portal's inbox only."
            ),
            dt.date(2026, 1, 1),
            "",
            unreachable_recipients,
        ),
        Rule(
            "account_check_digit",
            "validity",
            _("Bank account number fails its check digit"),
            _(
                "The number of the account a person's benefits are paid to ends in a digit that is not the Luhn "
                "check digit of the others, as it is on bank card numbers: likely mistyped. The person gives the "
                "account again; payments stop once the bank answers that it is invalid."
            ),
            dt.date(2026, 12, 1),
            _("ISO/IEC 7812-1 (bank card numbers, the Luhn check digit)"),
            accounts_failing_check_digit,
        ),
    )
}
