"""What an audit snapshot of each model may hold: an allow-list per model, with every other field named as
withheld and why.

A snapshot copies only the ``recorded`` fields. A model missing here is snapshotted with its id alone, and
a field added to a model is left out until it is listed: nothing reaches the trail without being named
here. ``tests/audit/test_policy.py`` checks that every listed model names each of its fields exactly once,
so a new field fails the suite until someone decides whether it may be recorded."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class AuditFields:
    """``recorded``: the fields a snapshot copies. ``withheld``: the fields it never copies, with why."""

    recorded: tuple[str, ...]
    withheld: dict[str, str] = field(default_factory=dict)


SECRET = "a secret: a password hash, a token digest or a one-time-password key"
IDENTIFIER = "a national identifier; the object id names the person in the trail"
BULK = "a bulk list kept on the row itself; the trail keeps its counts"
ENCRYPTED = "personal data kept encrypted on the row; the object id names the person in the trail"
BLIND_INDEX = "a keyed fingerprint of personal data: with the key, it tells whether a value is the one"
DOCUMENT = "a document exchanged with another agency, personal data in its body; kept on the row, named by its digest"
OTP_STATE = "the one-time-password check's working state, not a decision"
PAY_RUN_STATE = "the payment runs' working state (what the next run need not read again), not a decision"

_CREATED = ("created_at",)

AUDIT_FIELDS: dict[str, AuditFields] = {
    "accounts.User": AuditFields(
        recorded=(
            "id",
            "last_login",
            "is_superuser",
            "username",
            "first_name",
            "last_name",
            "email",
            "is_staff",
            "is_active",
            "date_joined",
            "role",
            "person_id",
            "organisation_id",
        ),
        withheld={"password": SECRET},
    ),
    "accounts.ApiToken": AuditFields(
        recorded=(
            "id",
            "organisation_id",
            "name",
            "prefix",
            "created_at",
            "last_used_at",
            "revoked_at",
            "expires_at",
            "scopes",
            "replaced_by_id",
        ),
        withheld={"digest": SECRET},
    ),
    "accounts.LoginEvent": AuditFields(recorded=("id", "at", "kind", "username", "user_id", "ip_address")),
    "otp_totp.TOTPDevice": AuditFields(
        recorded=("id", "user_id", "name", "confirmed", "created_at", "last_used_at", "step", "digits", "tolerance"),
        withheld={
            "key": SECRET,
            "t0": OTP_STATE,
            "drift": OTP_STATE,
            "last_t": OTP_STATE,
            "throttling_failure_timestamp": OTP_STATE,
            "throttling_failure_count": OTP_STATE,
        },
    ),
    "registry.Region": AuditFields(recorded=("id", "code", "name", "name_zh", "level", "parent_id")),
    "registry.Organisation": AuditFields(
        recorded=("id", "code", "name", "name_zh", "kind", "credit_code", "registered_region_id", *_CREATED)
    ),
    "registry.Person": AuditFields(
        recorded=("id", "birth_date", "sex", "retirement_group", "residence_region_id", *_CREATED),
        withheld={
            "resident_id": IDENTIFIER,
            "resident_id_index": BLIND_INDEX,
            "name": ENCRYPTED,
            "name_index": BLIND_INDEX,
        },
    ),
    "registry.Engagement": AuditFields(
        recorded=(
            "id",
            "person_id",
            "organisation_id",
            "category",
            "sector",
            "work_region_id",
            "start_date",
            "end_date",
            "declared_region",
            "external_ref",
            *_CREATED,
        ),
        withheld={"declared_name": ENCRYPTED, "declared_name_index": BLIND_INDEX},
    ),
    "registry.EngagementEndDecision": AuditFields(
        recorded=(
            "id",
            "engagement_id",
            "previous_end_date",
            "end_date",
            "reason",
            "overridden",
            "decided_by_id",
            "decided_at",
        )
    ),
    "risk.ScreeningRun": AuditFields(
        recorded=("id", "trigger", "on", "persons", "rules", "rows", "hits", "cases_new", "seconds")
        + ("started_at", "finished_at")
    ),
    "risk.RiskCase": AuditFields(
        recorded=("id", "rule", "case_key", "person_id", "organisation_id", "score", "status", "outcome_note")
        + ("decided_by_id", "decided_at", "times_seen", "first_run_id", "last_run_id", "created_at"),
        withheld={
            "evidence": "the rows that triggered the case, kept on the row itself; the trail names the case",
            "parameters": "the rule's parameter values, kept on the row itself and in the rule files",
        },
    ),
    "supervision.FundThreshold": AuditFields(
        recorded=("id", "scheme", "province", "reserve_months", "arrears_growth_months", "claims_jump_percent")
        + ("updated_at",)
    ),
    "supervision.FundAlert": AuditFields(
        recorded=(
            "id",
            "threshold_id",
            "kind",
            "scheme",
            "province",
            "month",
            "state",
            "evidence",
            "raised_at",
            "delivered_at",
            "acknowledged_by_id",
            "acknowledged_at",
        )
    ),
    "coverage.SchemeActivation": AuditFields(
        recorded=("id", "scheme", "region_id", "organisation_id", "sector", "start_date", "end_date", "reference")
        + _CREATED
    ),
    "contributions.OrderBatch": AuditFields(
        recorded=(
            "id",
            "platform_id",
            "idempotency_key",
            "content_sha256",
            "source",
            "read_as",
            "status",
            "rows_total",
            "rows_valid",
            "rows_invalid",
            "orders_new",
            "orders_void",
            "orders_amend",
            "months",
            "files",
            "error_counts",
            *_CREATED,
            "completed_at",
            "withdrawn_at",
            "withdrawal_reason",
        ),
        withheld={"errors": BULK},
    ),
    "employers.PayrollDeclaration": AuditFields(
        recorded=(
            "id",
            "employer_id",
            "month",
            "kind",
            "status",
            "replaces_id",
            "idempotency_key",
            "content_sha256",
            "source",
            "read_as",
            "rows_total",
            "rows_valid",
            "rows_invalid",
            "error_counts",
            *_CREATED,
            "assessed_at",
        ),
        withheld={"errors": BULK},
    ),
    "employers.EmployerProfile": AuditFields(
        recorded=("organisation_id", "industry_class", "injury_float_step", "updated_at")
    ),
    "employers.EmployerStanding": AuditFields(
        recorded=("id", "organisation_id", "effective_from", "industry_class", "injury_float_step", "set_at")
    ),
    "contributions.PerOrderAdjustment": AuditFields(
        recorded=("id", "platform_id", "province_id", "steps", "effective_from", "reason", *_CREATED)
    ),
    "contributions.AssessmentRun": AuditFields(
        recorded=(
            "id",
            "month",
            "sequence",
            "kind",
            "batches",
            "lines_path",
            "lines_sha256",
            "order_count",
            "amount_cents",
            *_CREATED,
        )
    ),
    "contributions.Payment": AuditFields(
        recorded=(
            "id",
            "platform_id",
            "reference",
            "bank_reference",
            "amount_cents",
            "received_on",
            "source",
            *_CREATED,
        )
    ),
    "contributions.PaymentDeclaration": AuditFields(
        recorded=(
            "id",
            "platform_id",
            "reference",
            "amount_cents",
            "declared_received_on",
            "status",
            "received_on",
            "reason",
            "confirmed_by_id",
            "approved_by_id",
            "payment_id",
            "mismatch",
            *_CREATED,
            "decided_at",
        )
    ),
    "taxexchange.ReceiptFile": AuditFields(recorded=("id", "name", "checksum", "receipt_count", "received_at")),
    "taxexchange.Handover": AuditFields(
        recorded=(
            "id",
            "document_id",
            "employer_id",
            "month",
            "sequence",
            "replaces_id",
            "state",
            "checksum",
            "line_count",
            "due_cents",
            "receipt",
            "attempts",
            "last_error",
            *_CREATED,
            "acknowledged_at",
            "results_at",
        ),
        withheld={"refused": BULK},
    ),
    "interagency.Peer": AuditFields(
        recorded=("id", "code", "region", "base_url", "public_key", "active", *_CREATED),
        withheld={"delivery_failures": "delivery's working state", "deliver_after": "delivery's working state"},
    ),
    "interagency.OutboundDocument": AuditFields(
        recorded=(
            "id",
            "document_id",
            "peer_id",
            "kind",
            "signature",
            "digest",
            "state",
            "attempts",
            "next_attempt_at",
            "last_error",
            "acknowledgement_signature",
            "refusal_code",
            *_CREATED,
            "acknowledged_at",
        ),
        withheld={"document": DOCUMENT, "acknowledgement": DOCUMENT},
    ),
    "interagency.InboundDocument": AuditFields(
        recorded=(
            "id",
            "sender_id",
            "document_id",
            "kind",
            "digest",
            "state",
            "acknowledgement_signature",
            "replays",
            "received_at",
        ),
        withheld={"acknowledgement": DOCUMENT},
    ),
    "contributions.OwnContribution": AuditFields(
        recorded=(
            "id",
            "person_id",
            "scheme",
            "region_id",
            "period_start",
            "months",
            "declared_base_cents",
            "tier",
            "paid_cents",
            "subsidy_cents",
            "individual_account_cents",
            "pooled_cents",
            "relief_group",
            "subsidised_months",
            "deferred",
            "withheld_by_id",
            "invoice_id",
            "explanation",
            "paid_on",
            *_CREATED,
        )
    ),
    "contributions.WithholdingMandate": AuditFields(
        recorded=("id", "person_id", "platform_id", "scheme", "declared_base_cents", "valid_from", "valid_to")
        + _CREATED
    ),
    "contributions.VoluntaryEnrolment": AuditFields(
        recorded=("id", "person_id", "scheme", "region_id", "joined_on", *_CREATED)
    ),
    "contributions.ProviderPayment": AuditFields(
        recorded=(
            "id",
            "person_id",
            "scheme",
            "period_start",
            "months",
            "declared_base_cents",
            "tier",
            "amount_cents",
            "provider",
            "reference",
            "status",
            "contribution_id",
            "callback_nonce",
            "failure",
            *_CREATED,
            "settled_at",
        )
    ),
    "contributions.RejectedCallback": AuditFields(
        recorded=("id", "provider", "reference", "nonce", "reason", "received_at"),
        withheld={"body": "an untrusted body as received; kept on the row for the security review"},
    ),
    "contributions.ContributionRelief": AuditFields(
        recorded=("id", "person_id", "group", "valid_from", "valid_to", "reason", *_CREATED)
    ),
    "contributions.InterestCredit": AuditFields(
        recorded=(
            "id",
            "person_id",
            "year",
            "province",
            "opening_balance_cents",
            "contribution_month_cents",
            "amount_cents",
            "explanation",
            "transaction_id",
            *_CREATED,
        )
    ),
    "benefits.Claim": AuditFields(
        recorded=(
            "id",
            "person_id",
            "kind",
            "status",
            "version",
            "event_date",
            "engagement_id",
            "order_id",
            "reported_by",
            "reporter_organisation_id",
            "evidence",
            "submitted_on",
            "decision_due",
            "assessment_due",
            "deadlines",
            "routed_reason",
            "decision_reason",
            "decided_by_id",
            "decided_on",
            "awarded_by_id",
            "approved_by_id",
            *_CREATED,
        ),
        withheld={"facts": ENCRYPTED, "assessment": ENCRYPTED},
    ),
    "benefits.Award": AuditFields(
        recorded=(
            "id",
            "claim_id",
            "item",
            "label",
            "payer",
            "periodic",
            "amount_cents",
            "start_month",
            "end_month",
            "explanation",
            "suspended_from",
            "suspended_reason",
            "status",
        ),
        withheld={"beneficiary": ENCRYPTED, "paid_through": PAY_RUN_STATE, "paid_amounts": PAY_RUN_STATE},
    ),
    "benefits.PaymentRun": AuditFields(
        recorded=("id", "month", "started_at", "file_path", "payment_count", "amount_cents")
    ),
    "benefits.DeathNotice": AuditFields(recorded=("id", "person_id", "died_on", "source", "received_on")),
    "benefits.InformationRequest": AuditFields(
        recorded=(
            "id",
            "claim_id",
            "asked_by_id",
            "asked_on",
            "return_status",
            "answered_on",
            "stopped_on",
            "stopped_reason",
        ),
        withheld={"question": ENCRYPTED, "answer": ENCRYPTED},
    ),
    "assistant.Enquiry": AuditFields(
        recorded=(
            "id",
            "exchange_id",
            "person_id",
            "language",
            "status",
            "answered_by_id",
            "answered_at",
            *_CREATED,
        ),
        withheld={
            "question": "free text the person wrote; kept on the row (and in the assistant's log)",
            "reply": "free text an officer wrote to the person; kept on the row",
        },
    ),
    "campaigns.Campaign": AuditFields(
        recorded=(
            "id",
            "name",
            "segment",
            "subject_en",
            "subject_zh",
            "text_en",
            "text_zh",
            "control_percent",
            "idempotency_key",
            "sent_on",
            "sent_at",
            "sent_by_id",
            "treated",
            "control",
        )
    ),
    "feedback.ServiceRating": AuditFields(
        recorded=(
            "id",
            "person_id",
            "service",
            "subject_id",
            "rating",
            "comment",
            "province_code",
            "completed_on",
            *_CREATED,
        )
    ),
    "benefits.WorkReport": AuditFields(
        recorded=("id", "award_id", "person_id", "kind", "key", "month", "orders", "evidence", "run_month", *_CREATED)
    ),
    "benefits.Suspension": AuditFields(
        recorded=(
            "id",
            "award_id",
            "person_id",
            "trigger",
            "trigger_key",
            "from_month",
            "reason",
            "evidence",
            "run_month",
            "status",
            "decided_by_id",
            "decided_on",
            "decision_reason",
            *_CREATED,
        )
    ),
    "benefits.RetentionRebate": AuditFields(
        recorded=(
            "id",
            "organisation_id",
            "year",
            "staff",
            "laid_off",
            "enterprise_size",
            "premiums_last_year_cents",
            "amount_cents",
            "explanation",
            "decided_on",
        )
    ),
    "transfers.OutgoingTransfer": AuditFields(
        recorded=(
            "id",
            "person_id",
            "from_region_id",
            "to_region_id",
            "channel",
            "receiving_agency",
            "status",
            "refusal_code",
            "refusal_reason",
            "refusal_template",
            "refusal_params",
            "document_id",
            "individual_account_cents",
            "pooled_cents",
            "months",
            "steps",
            "ledger_transaction_id",
            "requested_at",
            "completed_at",
        ),
        withheld={
            "explanation": BULK,
            "document": BULK,
            "receipt": "the receiving agency's receipt; its amounts and months are recorded on the row",
        },
    ),
    "transfers.IncomingTransfer": AuditFields(
        recorded=(
            "id",
            "document_id",
            "person_id",
            "sending_agency",
            "from_region",
            "to_region_id",
            "status",
            "individual_account_cents",
            "pooled_cents",
            "months",
            "digest",
            "steps",
            "ledger_transaction_id",
            "received_at",
        ),
        withheld={"document": BULK, "receipt": "the receipt sent back; its amounts and months are recorded on the row"},
    ),
    "notifications.Contact": AuditFields(
        recorded=("id", "recipient", "language", "email_on", "sms_on", "muted", "updated_at"),
        withheld={
            "email": "a personal address; the trail records that the choices changed, not where mail goes",
            "phone": "a personal address; the trail records that the choices changed, not where texts go",
        },
    ),
    "notifications.Delivery": AuditFields(
        recorded=(
            "id",
            "notice_id",
            "channel",
            "state",
            "language",
            "attempts",
            "next_attempt_at",
            "claimed_at",
            "claimed_by",
            "sent_at",
            "provider_reference",
            "error_code",
            "read_at",
        ),
        withheld={
            "address": "a personal address; the delivery's channel and state say what the officer did",
            "error_text": "the provider's answer, which may quote the address",
            "subject": "the message's text, which may hold personal figures; the notice names it",
            "body": "the message's text, which may hold personal figures; the notice names it",
        },
    ),
    "partners.Partner": AuditFields(recorded=("id", "code", "name", "name_zh", "kind", *_CREATED)),
    "partners.Agreement": AuditFields(
        recorded=(
            "id",
            "partner_id",
            "reference",
            "purpose",
            "purpose_zh",
            "legal_basis",
            "scopes",
            "read_fields",
            "send_fields",
            "valid_from",
            "valid_until",
            "application_id",
            *_CREATED,
        )
    ),
    "partners.Feed": AuditFields(
        recorded=(
            "id",
            "agreement_id",
            "kind",
            "idempotency_key",
            "content_sha256",
            "received_at",
            "source",
            "rows_total",
            "rows_applied",
            "rows_unchanged",
            "rows_refused",
            "error_counts",
        ),
        withheld={"errors": BULK},
    ),
    "partners.HospitalRecord": AuditFields(
        recorded=("id", "feed_id", "person_id", "injured_on", "admitted_on", "hospital", "claim_id"),
        withheld={"diagnosis_code": "health data; the hospital record keeps it, the object id names it"},
    ),
    "partners.PlatformRegistration": AuditFields(
        recorded=(
            "id",
            "credit_code",
            "name",
            "registered_on",
            "status",
            "organisation_id",
            "feed_id",
            "flagged",
            "updated_on",
        )
    ),
    "partners.DeclaredIncome": AuditFields(
        recorded=("id", "person_id", "period", "source", "amount_cents", "feed_id"),
    ),
    "partners.PaymentAccount": AuditFields(
        recorded=("id", "person_id", "bank_id", "status", "requested_on", "checked_on", "feed_id"),
        withheld={"account_no": ENCRYPTED},
    ),
    "partners.PensionerCheckRun": AuditFields(
        recorded=(
            "id",
            "year",
            "at",
            "actor_label",
            "window_start",
            "window_end",
            "confirmed",
            "deceased",
            "needs_attention",
        )
    ),
    "quality.QualityRun": AuditFields(recorded=("id", "on", "started_at", "finished_at", "started_by", "findings")),
    "quality.Correction": AuditFields(
        recorded=(
            "id",
            "finding_id",
            "person_id",
            "field",
            "old_value",
            "new_value",
            "source",
            "note",
            "state",
            "proposed_by_id",
            "proposed_at",
            "decided_at",
        )
    ),
}
