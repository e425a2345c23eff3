"""schemathesis over every operation of the OpenAPI, as a platform (its token) and as an officer (a
session): no answer is a server error, every status is documented, every answer has the documented
content type and conforms to its schema. Bounded for CI: a few examples per operation, derandomised."""

from __future__ import annotations

import collections
import dataclasses
import os
from typing import Any

import pytest
import schemathesis
from django.core.wsgi import get_wsgi_application
from django.test import Client
from hypothesis import HealthCheck, Phase, given, settings
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]
# a few per operation and role keeps the two runs near a minute; SOCSEC_FUZZ_EXAMPLES=100 for a deep run
EXAMPLES_PER_OPERATION = int(os.environ.get("SOCSEC_FUZZ_EXAMPLES", "8"))
CSRF = "fuzzfuzzfuzzfuzzfuzzfuzzfuzzfuzz"  # a well-formed CSRF secret, sent as cookie and header


@dataclasses.dataclass
class Report:
    cases: int = 0
    statuses: collections.Counter[int] = dataclasses.field(default_factory=collections.Counter)
    failures: list[tuple[str, str, int, str]] = dataclasses.field(default_factory=list)

    def by_check(self) -> dict[str, int]:
        return dict(collections.Counter(check for _, check, _, _ in self.failures))


def fuzz(headers: dict[str, str], cookies: dict[str, str]) -> Report:
    schema = schemathesis.openapi.from_wsgi("/api/openapi.json", get_wsgi_application())
    report = Report()
    for result in schema.get_all_operations():
        operation = result.ok()
        label = operation.label

        strategy = operation.as_strategy(GenerationMode.POSITIVE) | operation.as_strategy(GenerationMode.NEGATIVE)

        @given(case=strategy)
        @settings(
            max_examples=EXAMPLES_PER_OPERATION,
            deadline=None,
            derandomize=True,
            database=None,
            phases=[Phase.explicit, Phase.generate],
            suppress_health_check=list(HealthCheck),
        )
        def run(case: Any) -> None:
            report.cases += 1
            response = case.call(headers=headers, cookies=cookies)
            report.statuses[response.status_code] += 1
            try:
                case.validate_response(response, checks=CHECKS, headers=headers)
            except (Exception, BaseExceptionGroup) as exc:  # every failing check is recorded; the run goes on
                for failure in getattr(exc, "exceptions", [exc]):
                    title = getattr(failure, "title", type(failure).__name__)
                    report.failures.append((label, title, response.status_code, response.text[:160]))  # noqa: B023

        run()
    return report


def officer_session(world: Any) -> tuple[dict[str, str], dict[str, str]]:
    client = Client()
    client.force_login(world.users["officer"])
    return {"X-CSRFToken": CSRF}, {"sessionid": client.cookies["sessionid"].value, "csrftoken": CSRF}


@pytest.mark.parametrize("role", ["platform", "officer"])
def test_fuzz_every_operation(world, data_dir, role, capsys):
    if role == "platform":
        headers, cookies = {"Authorization": f"Bearer {world.platform_token}"}, {}
    else:
        headers, cookies = officer_session(world)
    report = fuzz(headers, cookies)
    with capsys.disabled():
        statuses = dict(sorted(report.statuses.items()))
        print(f"\nschemathesis {role}: {report.cases} cases, {len(report.failures)} failures {report.by_check()}")
        print(f"  statuses {statuses}")
        for f in sorted(set(report.failures)):
            print("  ", f)
    assert report.failures == []
