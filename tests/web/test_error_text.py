"""Domain errors in the reader's language: every error a service raises is a template with named
parameters (never an f-string) that the catalogue translates; the pages translate the template and then
fill it in, while the API keeps the English message."""

from __future__ import annotations

import ast
import datetime as dt
from pathlib import Path

import pytest
from django.test import Client
from django.utils import translation

import socsec
from socsec.contributions.collection.declarations import match_window_days, payment_declare
from socsec.core.errors import Conflict, DomainError, ValidationFailed
from socsec.web.common import error_text
from tests.world import SYSTEM

SRC = Path(socsec.__file__).parent
ERRORS = {
    "DomainError",
    "ValidationFailed",
    "NotFound",
    "Conflict",
    "Forbidden",
    "BackupFailed",
    "BankFileNotWritten",
    "ClockSkew",
    "StoredFileDamaged",
    "StoredFilesDamaged",
    "UploadTooLarge",
}
# the errors that pass on another error's message or a message built by a helper (translated where made)
PASSED_ON = {
    "accounts/access.py": "message",
    "contributions/orders/selectors.py": "damaged",
    "contributions/orders/checks.py": "damaged_files(platform=platform, months=months)|[]",
    "contributions/orders/stored_index.py": (
        "damaged|[{'batch': batch_id, 'path': entry['path'], 'reason': 'unreadable'}]"
    ),
    "api/projections.py": "exc.message|str(exc)",
    # an unreadable upload: "file: " and the reader's own template (the catalogue holds each "file: ..." sentence)
    "contributions/orders/ingest.py": "'file: ' + exc.template|IN_PROGRESS",
    "contributions/orders/limits.py": "'file: ' + exc.template",
    "employers/declarations.py": "'file: ' + exc.template",
    "benefits/assessment.py": "value.message",
    "registry/services/engagement_ends.py": "self.message",
    # module constants and a helper's template argument (each a sentence the catalogue holds)
    "api/partner.py": "NOT_OAUTH",
    "core/idempotency.py": "still_running",
    "taxexchange/receipts.py": "template",
    "transfers/services/sending.py": "message",
}
# templates with no words of their own to translate
NO_WORDS = {"engagement.%(exc_message)s"}


def raised() -> list[tuple[str, int, ast.expr]]:
    """(file, line, first argument) of every construction of a domain error in the source."""
    found = []
    for path in sorted(SRC.rglob("*.py")):
        if "migrations" in path.parts:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and node.args:
                name = getattr(node.func, "id", getattr(node.func, "attr", None))
                if name in ERRORS:
                    found.append((str(path.relative_to(SRC)), node.lineno, node.args[0]))
    return found


def test_every_error_is_a_template_not_an_f_string():
    unread = []
    for where, line, first in raised():
        if isinstance(first, ast.Constant) and isinstance(first.value, str):
            continue
        allowed = PASSED_ON.get(where, "").split("|")
        if ast.unparse(first) not in allowed:
            unread.append(f"{where}:{line}: {ast.unparse(first)}")
    assert unread == []


def test_every_error_template_has_chinese():
    templates = {
        first.value
        for _where, _line, first in raised()
        if isinstance(first, ast.Constant) and isinstance(first.value, str)
    }
    assert len(templates) > 130
    with translation.override("zh-hans"):
        untranslated = sorted(t for t in templates - NO_WORDS if translation.gettext(t) == t)
    assert untranslated == []


def test_error_text_translates_the_template_then_fills_it():
    exc = Conflict("this withholding already ends on %(valid_to)s", params={"valid_to": "2026-12-31"}, field="valid_to")
    assert exc.message == "this withholding already ends on 2026-12-31"
    assert exc.as_dict() == {
        "code": "conflict",
        "message": "this withholding already ends on 2026-12-31",
        "field": "valid_to",
    }
    with translation.override("zh-hans"):
        assert error_text(exc) == "此代扣代缴已定于 2026-12-31 终止"
    with translation.override("en"):
        assert error_text(exc) == "this withholding already ends on 2026-12-31"
    fixed = ValidationFailed("entries: a transaction moves some money.", field="entries")
    with translation.override("zh-hans"):
        assert error_text(fixed) == "分录：一笔交易必须有资金变动。"
    unknown = DomainError("something the catalogue does not hold")
    with translation.override("zh-hans"):
        assert error_text(unknown) == "something the catalogue does not hold"


@pytest.fixture
def no_backdating_limit(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("socsec.contributions.collection.declarations.backdate_limit_days", lambda on: 100_000)


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("zh-hans", "到账日期：2025-01-01 早于 {earliest}，比申报日期（2026-03-01）早了 {days} 天以上。"),
        (
            "en",
            "received_on: 2025-01-01 is before {earliest}, more than {days} days before the date declared "
            "(2026-03-01).",
        ),
    ],
)
def test_an_error_on_a_page_in_the_readers_language(world, no_backdating_limit, language, expected):
    declaration, _ = payment_declare(
        actor=SYSTEM,
        platform=world.platform,
        amount_cents=1234,
        declared_received_on=dt.date(2026, 3, 1),
        reference="EARLY-1",
    )
    officer = Client(headers={"accept-language": language})
    officer.force_login(world.users["officer"])
    refused = officer.post(
        "/officer/payments/",
        {"declaration": declaration.pk, "action": "confirm", "received_on": "2025-01-01", "reason": "slip"},
    )
    days = match_window_days(dt.date.today())
    earliest = (dt.date(2026, 3, 1) - dt.timedelta(days=days)).isoformat()
    assert refused.status_code == 422
    assert refused.context["error"] == expected.format(earliest=earliest, days=days)


def test_a_label_in_the_parameters_stays_english_in_the_message_and_is_translated_on_the_page():
    from socsec.benefits.models import Claim

    with translation.override("zh-hans"):
        exc = Conflict(
            "%(kind)s claim for %(day)s already exists",
            params={"kind": Claim.Kind.PENSION.label, "day": "2026-11-29"},
        )
        assert exc.message == "old-age pension claim for 2026-11-29 already exists"
        assert error_text(exc) == "2026-11-29 的养老金申请已存在。"


def refusals() -> set[str]:
    """The refusals given to the access layer's checks (``require(..., "only ...")``) and their defaults."""
    found: set[str] = set()
    for path in sorted(SRC.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and (getattr(node.func, "id", "") or "").startswith("require"):
                given = [*node.args[1:], *(k.value for k in node.keywords if k.arg == "message")]
                found.update(a.value for a in given if isinstance(a, ast.Constant) and isinstance(a.value, str))
            if isinstance(node, ast.FunctionDef) and node.name.startswith("require"):
                defaults = [*node.args.defaults, *node.args.kw_defaults]
                found.update(d.value for d in defaults if isinstance(d, ast.Constant) and isinstance(d.value, str))
    return found


def test_every_refusal_of_the_access_layer_has_chinese():
    messages = refusals()
    assert {"workers cannot search persons", "only agency staff may do this"} <= messages
    with translation.override("zh-hans"):
        assert sorted(m for m in messages if translation.gettext(m) == m) == []
