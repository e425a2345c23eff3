"""Every action the services record in the audit trail has a label in words, in both languages."""

from __future__ import annotations

import ast
from pathlib import Path

from django.test import Client
from django.utils import translation

import socsec
from socsec.accounts.models import LoginEvent
from socsec.audit.actions import ACTION_LABELS, action_label
from socsec.audit.services import audit_record
from socsec.benefits.models import Claim
from socsec.contributions.models import ProviderPayment
from socsec.partners.models import Feed
from tests.world import SYSTEM

SRC = Path(socsec.__file__).parent
# actions written as f-strings: every value their placeholder takes
TEMPLATED = {
    "benefit.claim.": [s.lower() for s in Claim.Status.values],
    "auth.": [k.lower() for k in LoginEvent.Kind.values],
    "contribution.own.payment.": [s.lower() for s in ProviderPayment.Status.values],
    "partners.feed.": list(Feed.Kind.values),
}


def _strings(node: ast.AST, assigned: dict[str, list[ast.AST]]) -> list[str]:
    """The action strings an expression can hold: a literal, either branch of ``a if c else b``, a name
    assigned in the same function, or an f-string over a known set of values."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return [node.value]
    if isinstance(node, ast.IfExp):
        return _strings(node.body, assigned) + _strings(node.orelse, assigned)
    if isinstance(node, ast.Name):
        return [s for value in assigned.get(node.id, []) for s in _strings(value, assigned)]
    if isinstance(node, ast.JoinedStr):
        head = node.values[0]
        assert isinstance(head, ast.Constant) and head.value in TEMPLATED, ast.unparse(node)
        return [head.value + value for value in TEMPLATED[head.value]]
    raise AssertionError(f"an action the test cannot read: {ast.unparse(node)}")


def recorded_actions() -> set[str]:
    found: set[str] = set()
    for path in SRC.rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for function in ast.walk(tree):
            if not isinstance(function, ast.FunctionDef | ast.AsyncFunctionDef | ast.Module):
                continue
            assigned: dict[str, list[ast.AST]] = {}
            for node in ast.walk(function):
                if isinstance(node, ast.Assign):
                    for target in node.targets:
                        if isinstance(target, ast.Name):
                            assigned.setdefault(target.id, []).append(node.value)
            for node in ast.walk(function):
                if isinstance(node, ast.Call) and getattr(node.func, "id", None) in (
                    "audit_record",
                    "audit_record_many",
                ):
                    for keyword in node.keywords:
                        if keyword.arg == "action":
                            found.update(_strings(keyword.value, assigned))
    return found


def test_every_recorded_action_has_a_label():
    actions = recorded_actions()
    assert {"benefit.award.suspend", "contribution.withholding.end", "benefit.claim.withdrawn"} <= actions
    assert sorted(actions - set(ACTION_LABELS)) == []


def test_an_action_in_words_in_both_languages():
    with translation.override("zh-hans"):
        assert action_label("benefit.award.suspend") == "暂停待遇"
    with translation.override("en"):
        assert action_label("benefit.award.suspend") == "Award suspended"
        assert action_label("something.new") == "something.new"


def test_the_audit_page_shows_actions_in_words(world):
    audit_record(actor=SYSTEM, action="benefit.award.suspend", instance=world.platform)
    client = Client()
    client.force_login(world.users["auditor"])
    zh = client.get("/audit/", headers={"accept-language": "zh-hans"}).content.decode()
    assert '<span class="action">暂停待遇</span>' in zh and "benefit.award.suspend" not in zh
    en = client.get("/audit/", headers={"accept-language": "en"}).content.decode()
    assert '<span class="action">Award suspended</span>' in en and '<span class="action">Person registered</span>' in en


def test_who_acted_in_words():
    from socsec.audit.actions import actor_text

    with translation.override("zh-hans"):
        assert actor_text("token:ridego:ab12", "RideGo") == "RideGo（接口令牌 ab12）"
        assert actor_text("system") == "系统"
    with translation.override("en"):
        assert actor_text("token:ridego:ab12", "RideGo") == "RideGo (API token ab12)"
        assert actor_text("user:alice") == "alice"
        assert actor_text("automated checks") == "Automated checks"
        assert actor_text("cli:alice") == "Command line (alice)"
        assert actor_text("somewhere") == "somewhere"
    with translation.override("zh-hans"):
        assert actor_text("automated checks") == "自动检查"
        assert actor_text("payment run") == "待遇发放批次"
