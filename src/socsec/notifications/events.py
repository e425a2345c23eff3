"""The events people are told of: each one's subject and text (gettext templates, so the same notice reads
in Chinese or English), whether the law requires it (it cannot be switched off), and which of its values
are themselves words to translate (given in English, the catalogue's msgid)."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Event:
    label: str | Promise
    subject: str | Promise
    body: str | Promise
    required: bool = False
    translated: tuple[str, ...] = ()  # context values that are msgids, shown in the reader's language


EVENTS: dict[str, Event] = {
    "claim.received": Event(
        _("Claim received"),
        _("Your claim %(claim)s was received"),
        _("Your %(kind)s claim for %(day)s was received as claim %(claim)s. A decision is due by %(due)s."),
        translated=("kind",),
    ),
    "claim.reported": Event(
        _("Claim on one of your workers"),
        _("A claim was reported on one of your workers"),
        _("A claim for %(kind)s (claim %(claim)s) was reported for work done through you on %(day)s."),
        translated=("kind",),
    ),
    "claim.accepted": Event(
        _("Claim decided"),
        _("Your claim %(claim)s was accepted"),
        _("Your claim %(claim)s was accepted. The benefits are assessed next. %(reason)s"),
        required=True,
    ),
    "claim.rejected": Event(
        _("Claim decided"),
        _("Your claim %(claim)s was rejected"),
        _("Your claim %(claim)s was rejected: %(reason)s You may ask for a review within the time the law allows."),
        required=True,
    ),
    "claim.awarded": Event(
        _("Benefits awarded"),
        _("Benefits were awarded on your claim %(claim)s"),
        _(
            "Benefits were awarded on your claim %(claim)s: %(amount)s yuan in the first year. "
            "See the claim for each amount."
        ),
        required=True,
    ),
    "claim.paid": Event(
        _("Claim paid"),
        _("Your claim %(claim)s was paid"),
        _("The payment run of %(month)s paid your claim %(claim)s."),
    ),
    "benefit.paid": Event(
        _("Benefit paid"),
        _("Your benefit was paid"),
        _("%(amount)s yuan was paid to you in the payment run of %(month)s (%(payments)s payments)."),
    ),
    "claim.information_requested": Event(
        _("More information asked"),
        _("More information is needed on your claim %(claim)s"),
        _("An officer needs more information on your claim: %(question)s"),
        required=True,
    ),
    "benefit.suspension_confirmed": Event(
        _("Benefit stopped"),
        _("Your benefit stays stopped"),
        _("Your benefit stays stopped from %(month)s. An officer checked it: %(reason)s"),
        required=True,
    ),
    "benefit.suspension_lifted": Event(
        _("Benefit paid again"),
        _("Your benefit is paid again"),
        _(
            "Your benefit is paid again from %(month)s; what was held back is paid in the next payment run. "
            "An officer checked it: %(reason)s"
        ),
    ),
    "invoice.issued": Event(
        _("Invoice issued"),
        _("Invoice %(invoice)s for %(month)s"),
        _(
            "Invoice %(invoice)s: %(amount)s yuan for %(orders)s orders in %(month)s, province %(province)s, "
            "due on %(due)s."
        ),
    ),
    "invoice.overdue": Event(
        _("Invoice overdue"),
        _("Invoice %(invoice)s is overdue"),
        _(
            "Invoice %(invoice)s for %(month)s was due on %(due)s and %(outstanding)s yuan of it is still unpaid. "
            "A late-payment surcharge runs from the day after the due date."
        ),
        required=True,
    ),
    "contribution.due": Event(
        _("Own contribution due"),
        _("Your contribution for %(month)s is due"),
        _("Your own contribution to %(scheme)s for %(month)s is due. Pay it on the portal's payment page."),
        translated=("scheme",),
    ),
    "contribution.received": Event(
        _("Own contribution received"),
        _("Your contribution was received"),
        _("We received %(amount)s yuan for %(scheme)s: %(months)s months from %(start)s."),
        translated=("scheme",),
    ),
    "payrun.done": Event(
        _("Payment run done"),
        _("The payment run of %(month)s is done"),
        _("The benefit payment run of %(month)s is done: %(new)s new payments of %(amount)s yuan."),
    ),
    "fund.alert": Event(
        _("Fund alert"),
        _("Fund alert: %(scheme)s %(province)s, %(month)s"),
        _("%(kind)s: %(scheme)s in province %(province)s, %(month)s. The fund dashboard shows the figures compared."),
        translated=("kind",),
    ),
    "data.read": Event(
        _("Your data was read"),
        _("%(reader)s read your data"),
        _("%(reader)s read your data (%(what)s) on %(day)s. Your data page lists every read."),
        translated=("what",),
    ),
    "enquiry.answered": Event(
        _("Your question was answered"),
        _("An officer answered your question"),
        _("An officer answered your question “%(question)s”. The answer is on your assistant page."),
    ),
    "campaign.message": Event(
        _("Message from the agency"),
        _("Social security: %(subject)s"),
        _("%(text)s (A message from the social security agency, campaign %(campaign)s.)"),
    ),
    "transfer.requested": Event(
        _("Pension transfer asked for"),
        _("Your pension transfer to %(to)s was asked for"),
        _(
            "The move of your pension from %(from)s to %(to)s was asked for and checked: %(amount)s yuan in your "
            "individual account and %(pooled)s yuan of pooled contributions would move. The document is issued next."
        ),
    ),
    "transfer.issued": Event(
        _("Pension transfer issued"),
        _("The transfer document of your pension was issued"),
        _(
            "The document moving your pension from %(from)s to %(to)s was issued: %(amount)s yuan in your "
            "individual account and %(pooled)s yuan of pooled contributions are on their way."
        ),
    ),
    "transfer.credited": Event(
        _("Pension transfer received"),
        _("Your pension from %(from)s was received"),
        _(
            "Your pension moved from %(from)s to %(to)s was received and credited: %(amount)s yuan to your "
            "individual account and %(pooled)s yuan of pooled contributions."
        ),
    ),
    "transfer.completed": Event(
        _("Pension transfer done"),
        _("Your pension transfer to %(to)s is done"),
        _("The move of your pension from %(from)s to %(to)s is done: the receiving agency credited it."),
    ),
    "transfer.temporary_account": Event(
        _("Temporary pension account"),
        _("Your pension relation stays in %(kept)s"),
        _(
            "You asked to move your pension to %(to)s. Men of 50 and over and women of 40 and over who move to a "
            "place that is not their registered residence keep their pension relation where it is (Guo Ban Fa "
            "[2009] No. 66): it stays in %(kept)s, nothing moves now, and a temporary account is opened in %(to)s "
            "for the contributions paid there."
        ),
    ),
    "transfer.refused": Event(
        _("Pension transfer refused"),
        _("Your pension transfer to %(to)s was refused"),
        _("The move of your pension from %(from)s to %(to)s was refused: %(reason)s"),
        required=True,
        translated=("reason",),
    ),
    "service.rate": Event(
        _("Rate this service"),
        _("How was it: %(service)s?"),
        _(
            "“%(service)s” was completed for you on %(day)s. Tell us how it went: rate it from 1 to 5, with a "
            "comment if you wish, on the page %(link)s"
        ),
        translated=("service",),
    ),
    "quality.correction.proposed": Event(
        _("Correction to confirm"),
        _("Please confirm a correction of your %(field)s"),
        _(
            "An officer found that your %(field)s in our records (%(old)s) looks wrong and proposes %(new)s, "
            "taken from data we already hold. Confirm or reject it on the portal's corrections page; "
            "nothing changes until you confirm."
        ),
        translated=("field",),
    ),
}
