"""The audit trail's actions in words: one label per action string a service records (``audit_record``),
for the pages that show the trail. An action without a label is shown as its code (a test checks that
every action recorded in the source has one)."""

from __future__ import annotations

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

ACTION_LABELS: dict[str, Promise] = {
    "activation.create": _("Scheme switched on for a pilot"),
    "audit.secrets_scrub": _("Secrets removed from the audit trail"),
    "auth.login": _("Logged in"),
    "notifications.contact.set": _("Ways of being told chosen"),
    "notifications.delivery.retry": _("Flagged message sent again"),
    "auth.logout": _("Logged out"),
    "auth.failure": _("Login failed"),
    "benefit.award.suspend": _("Award suspended"),
    "contribution.enrolment.join": _("Joined a voluntary scheme"),
    "contribution.own.payment.cancelled": _("Own contribution payment cancelled"),
    "contribution.own.payment.confirmed": _("Own contribution paid and booked"),
    "contribution.own.payment.failed": _("Own contribution paid but not booked"),
    "contribution.own.payment.pending": _("Own contribution payment waiting for the provider"),
    "contribution.own.payment.start": _("Own contribution payment started"),
    "job.interrupted": _("Month job marked interrupted"),
    "interagency.document_acknowledged": _("Document acknowledged by the other agency"),
    "interagency.document_applied": _("Document from another agency applied"),
    "interagency.document_flagged": _("Document to another agency flagged: its answer could not be used"),
    "interagency.document_issued": _("Document to another agency issued"),
    "interagency.document_refused": _("Document from another agency refused and kept with its refusal"),
    "interagency.document_retried": _("Document to another agency sent again by an officer"),
    "interagency.document_withdrawn": _("Document to another agency withdrawn by an officer, its effects undone"),
    "interagency.peer_changed": _("Other agency's details changed"),
    "interagency.peer_registered": _("Other agency registered"),
    "risk.case_decided": _("Risk case decided"),
    "risk.screened": _("Risk screening run"),
    "supervision.alert_acknowledged": _("Fund alert acknowledged"),
    "supervision.alert_raised": _("Fund alert raised"),
    "supervision.threshold_set": _("Fund alert threshold set"),
    "quality.run": _("Data-quality screening run"),
    "quality.correction.propose": _("Data correction proposed to the person"),
    "quality.correction.confirm": _("Data correction confirmed by the person"),
    "quality.correction.reject": _("Data correction rejected by the person"),
    "person.birth_date.correct": _("Birth date corrected"),
    "feedback.service.rated": _("Service rated"),
    "assistant.enquiry.handed_over": _("Question handed over to an officer"),
    "assistant.enquiry.answered": _("Handed-over question answered"),
    "campaigns.campaign.sent": _("Campaign sent"),
    "benefit.claim.submit": _("Claim submitted"),
    "benefit.claim.submitted": _("Claim submitted"),
    "benefit.claim.gathering_evidence": _("Claim sent to an officer for checking"),
    "benefit.claim.accepted": _("Claim accepted"),
    "benefit.claim.rejected": _("Claim rejected"),
    "benefit.claim.assessed": _("Claim assessed"),
    "benefit.claim.awarded": _("Benefits awarded"),
    "benefit.claim.paid": _("Benefits paid"),
    "benefit.claim.under_review": _("Claim under review after an appeal"),
    "benefit.claim.withdrawn": _("Claim withdrawn"),
    "benefit.claim.waiting_for_claimant": _("Claim waits for the claimant's information"),
    "benefit.claim.information_request": _("More information asked of the claimant"),
    "benefit.claim.information_answer": _("The claimant sent the information asked"),
    "benefit.claim.information_stop": _("Stopped waiting for the claimant's information"),
    "benefit.award.resume": _("Award paid again"),
    "benefit.suspension.confirm": _("Stop of an award confirmed"),
    "benefit.suspension.lift": _("Stop of an award lifted"),
    "benefit.payment_run": _("Benefit payment run"),
    "benefit.retention_rebate": _("Job-retention rebate decided"),
    "contribution.own.pay": _("Own contribution paid"),
    "contribution.relief.grant": _("Contribution subsidy granted"),
    "contribution.withholding.create": _("Withholding by a platform requested"),
    "contribution.withholding.end": _("Withholding ended"),
    "contribution.withholding.withdraw": _("Withholding withdrawn"),
    "engagement.create": _("Engagement registered"),
    "engagement.end": _("Engagement ended"),
    "engagement.end.decide": _("Engagement end decided by an officer"),
    "engagement.end.decision": _("Decision on an engagement end recorded"),
    "oip.adjustment.set": _("Platform's per-order rate adjusted"),
    "oip.assessment.run": _("Monthly assessment run"),
    "orders.abandon": _("Order upload abandoned"),
    "payroll.declare": _("Payroll declared"),
    "payroll.replaced": _("Payroll declaration replaced by a correction"),
    "payroll.assess": _("Payroll assessed"),
    "employer.profile.set": _("Employer's industry risk class and floating step set"),
    "employer.standing.set": _("Employer's industry risk class and floating step set from a date"),
    "orders.ingest": _("Orders received"),
    "orders.ingest.failed": _("Order upload failed"),
    "orders.ingest.start": _("Order upload started"),
    "orders.withdraw": _("Order batch withdrawn"),
    "organisation.create": _("Organisation registered"),
    "otp.confirm": _("Second factor confirmed"),
    "otp.enrol": _("Second factor set up"),
    "otp.reset": _("Second factor reset"),
    "payment.declaration.approve": _("Declared payment approved by a second officer"),
    "payment.declaration.confirm": _("Declared payment confirmed"),
    "payment.declaration.match": _("Declared payment matched to the bank statement"),
    "payment.declaration.mismatch": _("Declared payment differs from the bank statement"),
    "payment.declaration.reject": _("Declared payment rejected"),
    "payment.declare": _("Payment declared"),
    "payment.record": _("Payment recorded"),
    "payment.settle": _("Payment settled on the bank statement"),
    "pension.interest.credit": _("Interest credited to individual accounts"),
    "person.register": _("Person registered"),
    "region.create": _("Region added"),
    "registry.death_notice": _("Death notice recorded"),
    "taxexchange.handover_create": _("Contributions handed to the tax authority"),
    "taxexchange.handover_replace": _("Handover replaced by a corrected declaration"),
    "taxexchange.results_receive": _("Tax authority's results received"),
    "taxexchange.receipts_apply": _("Tax authority's later payments recorded"),
    "benefits.award_payer_revisit": _("Work-injury payer revisited on the employer's contribution"),
    "token.issue": _("API token issued"),
    "token.revoke": _("API token revoked"),
    "token.rotate": _("API token rotated"),
    "transfer.complete": _("Pension transfer completed on the receiving agency's receipt"),
    "transfer.credit": _("Pension transfer received and credited"),
    "transfer.incoming.complete": _("Pension transfer received, credited and acknowledged"),
    "transfer.issue": _("Pension transfer document issued"),
    "transfer.refuse": _("Pension transfer refused"),
    "transfer.request": _("Pension transfer requested and checked"),
    "transfer.temporary_account": _("Temporary contribution account set up; the pension relation stays"),
    "transfer.returned": _("Pension transfer refused by the receiving agency; the amounts returned"),
    "user.create": _("User account created"),
    "worker.name_differs": _("Worker's declared name differs from the registry"),
    "partners.partner.register": _("Partner department registered"),
    "partners.agreement.create": _("Agreement with a partner department made"),
    "partners.feed.deaths": _("Death register received from civil affairs"),
    "partners.feed.injuries": _("Hospital records of injuries received"),
    "partners.hospital_record": _("Hospital record of an injury kept"),
    "organisation.rename": _("Organisation's name changed to its registered name"),
    "partners.feed.platforms": _("Platform registrations received from market regulation"),
    "partners.feed.incomes": _("Declared incomes received from tax"),
    "partners.feed.accounts": _("Bank account checks received"),
    "partners.platform_registration": _("Platform's market registration kept"),
    "partners.platform_registration.flag": _("Deregistered platform flagged for an officer"),
    "partners.declared_income": _("Declared income kept"),
    "partners.payment_account.set": _("Payment account of a person set"),
    "partners.payment_account.request": _("Bank asked to check payment accounts"),
    "partners.payment_account.checked": _("Bank's answer on a payment account kept"),
    "partners.pensioners_check": _("Pensioners checked by data"),
    "benefit.claim.evidence": _("Evidence added to a claim"),
}


def action_label(action: str) -> str:
    """The action in the active language; an action without a label as its code."""
    label = ACTION_LABELS.get(action)
    return str(label) if label is not None else action


# The processes that act without a person, by the label they record (Actor.system(label)).
SYSTEM_ACTORS: dict[str, Promise] = {
    "system": _("System"),
    "automated checks": _("Automated checks"),
    "payment run": _("Payment run"),
    "jobs": _("Background jobs"),
    "demo-loader": _("Demo data loader"),
    "cli": _("Command line"),
    "test": _("Test run"),
}


def actor_text(label: str, organisation_name: str | None = None) -> str:
    """Who acted, in words: a user by their user name, an API token by its organisation (and the token's
    prefix), the system as such. ``organisation_name`` names a token's organisation where known."""
    kind, _sep, rest = label.partition(":")
    if kind == "user" and rest:
        return rest
    if kind == "token" and rest:
        code, _sep, prefix = rest.partition(":")
        return str(_("%(organisation)s (API token %(prefix)s)")) % {
            "organisation": organisation_name or code,
            "prefix": prefix,
        }
    if label in SYSTEM_ACTORS:
        return str(SYSTEM_ACTORS[label])
    if kind == "cli" and rest:
        return str(_("Command line (%(user)s)")) % {"user": rest}
    if label == "system" or label.startswith("system"):
        return str(_("System")) + label[len("system") :]
    return label
