"""The steps a job reports, in order, and their words for the page."""

from __future__ import annotations

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

# the assessment run's steps (socsec.contributions.assessment.runs.assessment_run's ``progress``)
ASSESSMENT_STEPS = ("read", "aggregate", "price", "write", "record")
AWARDS = "awards"  # the pay run counts awards looked at
TAX_STEPS = ("tax_send", "tax_fetch")  # the tax exchange run: hand over, then fetch the results

STEP_WORDS: dict[str, Promise] = {
    "read": _("reading the month's accepted order batches"),
    "aggregate": _("counting the orders per platform, province and sector"),
    "price": _("pricing the orders by the rules"),
    "write": _("writing the assessed lines"),
    "record": _("recording the run and issuing the invoices"),
    AWARDS: _("paying the awards due"),
    "tax_send": _("handing the month's employer contributions to the tax authority"),
    "tax_fetch": _("fetching the tax authority's results"),
}
