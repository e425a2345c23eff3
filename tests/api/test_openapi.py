"""The OpenAPI a third party generates a client from: clean and unique operation ids, every error status
documented with the one error shape, the codes as an enum, the order batch's body and header declared,
and every list paged."""

from __future__ import annotations

import json
import re

import pytest

from socsec.api.app import api
from socsec.api.responses import error_codes


@pytest.fixture(scope="module")
def schema() -> dict:
    return json.loads(json.dumps(api.get_openapi_schema(), default=str))  # as served: statuses as strings


def operations(schema: dict) -> list[tuple[str, str, dict]]:
    return [(path, method, op) for path, item in schema["paths"].items() for method, op in item.items()]


def test_operation_ids_are_the_functions_names_and_unique(schema):
    ids = [op["operationId"] for _, _, op in operations(schema)]
    assert len(ids) == len(set(ids)) == 90
    assert [i for i in ids if not re.fullmatch(r"[a-z]+(_[a-z]+)*", i) or i.startswith("socsec")] == []
    by_path = {(path, method): op["operationId"] for path, method, op in operations(schema)}
    assert by_path[("/api/orders/batches", "post")] == "send_order_batch"
    assert by_path[("/api/invoices", "get")] == "list_invoices"
    assert by_path[("/api/claims", "post")] == "submit_claim"
    assert by_path[("/api/payments", "post")] == "declare_payment"
    assert by_path[("/api/payment-declarations", "get")] == "list_payment_declarations"
    assert by_path[("/api/payment-declarations/{declaration_id}/confirm", "post")] == "confirm_payment_declaration"
    assert by_path[("/api/orders/batches/{batch_id}/withdrawal", "post")] == "withdraw_order_batch"
    assert by_path[("/api/engagements/{engagement_id}/end-decision", "post")] == "decide_engagement_end"
    assert by_path[("/api/interagency/documents", "post")] == "receive_agency_documents"
    assert by_path[("/api/interagency/agency", "get")] == "get_agency_identity"


def test_every_operation_documents_its_errors_with_the_one_shape(schema):
    undocumented = []
    for path, method, op in operations(schema):
        for status in ("400", "401", "403", "422", "429") + (("404",) if "{" in path else ()):
            answer = op["responses"].get(status, {})
            if answer.get("content", {}).get("application/json", {}).get("schema") != {
                "$ref": "#/components/schemas/ErrorOut"
            }:
                undocumented.append((method, path, status))
    assert undocumented == []
    assert set(schema["paths"]["/api/orders/batches"]["post"]["responses"]) == {
        "201", "400", "401", "403", "409", "413", "422", "429"
    }  # fmt: skip


def test_error_codes_are_an_enum_of_every_apps_codes(schema):
    components = schema["components"]["schemas"]
    assert components["ErrorOut"]["properties"]["code"] == {"$ref": "#/components/schemas/ErrorCode"}
    assert set(components["ErrorOut"]["required"]) == {"code", "message"}
    enum = components["ErrorCode"]["enum"]
    assert enum == error_codes()
    assert {"invalid", "not_found", "conflict", "forbidden", "unauthenticated", "idempotency_key_reused"} <= set(enum)


def test_the_order_batch_declares_its_body_and_idempotency_key(schema):
    op = schema["paths"]["/api/orders/batches"]["post"]
    assert [(p["in"], p["name"], p["required"]) for p in op["parameters"]] == [("header", "Idempotency-Key", True)]
    body = op["requestBody"]
    assert body["required"] is True
    assert list(body["content"]) == [
        "application/json",
        "application/x-ndjson",
        "text/csv",
        "application/vnd.apache.parquet",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ]
    order = body["content"]["application/json"]["schema"]["items"]
    assert (order["required"], sorted(order["properties"])) == (
        ["order_id", "order_date"],
        ["action", "fare_cents", "order_date", "order_id", "region", "resident_id", "sector"],
    )


def test_no_operation_answers_a_bare_list_and_every_list_is_paged(schema):
    bare, paged = [], []
    for path, _method, op in operations(schema):
        ok = op["responses"].get("200") or op["responses"].get("201") or {}
        content = ok.get("content", {}).get("application/json", {}).get("schema", {})
        if content.get("type") == "array":
            bare.append(path)
        ref = content.get("$ref", "")
        if ref.endswith("Page"):
            names = {p["name"] for p in op.get("parameters", [])}
            assert {"cursor", "limit"} <= names, path
            limit = next(p for p in op["parameters"] if p["name"] == "limit")["schema"]
            assert (limit["minimum"], limit["maximum"]) == (1, 500)
            paged.append(path)
    assert bare == []
    assert sorted(paged) == [
        "/api/activations",
        "/api/arrears",
        "/api/assistant/questions",
        "/api/audit",
        "/api/campaigns",
        "/api/claims",
        "/api/claims/search",
        "/api/employers/arrears",
        "/api/employers/payroll/declarations",
        "/api/invoices",
        "/api/me/contributions",
        "/api/me/data-access",
        "/api/me/withholding",
        "/api/orders/batches",
        "/api/organisations",
        "/api/payment-declarations",
        "/api/payments",
        "/api/personal-data-access",
        "/api/persons",
        "/api/persons/{person_id}/engagements",
        "/api/projections/scenarios",
        "/api/quality/counts",
        "/api/quality/findings",
        "/api/regions",
        "/api/risk/cases",
        "/api/risk/rules",
        "/api/supervision/alerts",
        "/api/supervision/contributions",
        "/api/supervision/funds",
    ]


def test_the_served_schema_is_the_same(client):
    response = client.get("/api/openapi.json")
    assert response.status_code == 200
    assert response.json()["components"]["schemas"]["ErrorCode"]["enum"] == error_codes()


def test_the_order_batch_documents_the_replay_header(schema):
    created = schema["paths"]["/api/orders/batches"]["post"]["responses"]["201"]
    assert created["content"]["application/json"]["schema"] == {"$ref": "#/components/schemas/OrderBatchOut"}
    assert created["headers"]["Idempotent-Replayed"]["schema"] == {"type": "string", "enum": ["true", "false"]}


def test_every_apps_error_code_enum_is_in_the_published_enum():
    import enum
    import importlib
    import pkgutil

    import socsec
    from socsec.api.responses import ERROR_CODE_ENUMS, ROW_CODE_ENUMS

    found = set()
    for info in pkgutil.iter_modules(socsec.__path__):
        try:
            module = importlib.import_module(f"socsec.{info.name}.errors")
        except ModuleNotFoundError:
            continue
        found |= {
            value
            for value in vars(module).values()
            if isinstance(value, type) and issubclass(value, enum.StrEnum) and value.__module__ == module.__name__
        }
    from socsec.partners.errors import FeedRowErrorCode  # the rows of a partner's feed: published on their own

    assert found - set(ERROR_CODE_ENUMS) - set(ROW_CODE_ENUMS) - {FeedRowErrorCode} == set()
    assert set(ERROR_CODE_ENUMS).isdisjoint(ROW_CODE_ENUMS)
    components = api.get_openapi_schema()["components"]["schemas"]
    assert components["FeedRowErrorCode"]["enum"] == [str(c) for c in FeedRowErrorCode]


def test_the_codes_of_an_order_batchs_rows_are_published(schema):
    from socsec.contributions.errors import OrderRowErrorCode
    from socsec.employers.errors import PayrollRowErrorCode

    components = schema["components"]["schemas"]  # the rows of an upload's report: orders' and payrolls'
    assert components["OrderRowErrorCode"]["enum"] == sorted(
        {str(c) for c in OrderRowErrorCode} | {str(c) for c in PayrollRowErrorCode}
    )
    assert "not_engaged" in components["OrderRowErrorCode"]["enum"]
    assert components["OrderBatchOut"]["properties"]["error_counts"]["propertyNames"] == {
        "$ref": "#/components/schemas/OrderRowErrorCode"
    }


# Arrays an answer may hold outside a page's ``items``: each bounded by the one object it belongs to.
BOUNDED_ARRAYS = {
    "AgencyOut.kinds": "the kinds of document the code handles (a handful)",
    "CoverageOut.schemes": "one per scheme (eight)",
    "SchemeCoverageOut.references": "the legal references of one decision",
    "SchemeCoverageOut.engagements": "one person's engagements in force on a day",
    "OrderBatchOut.months": "the months one batch's orders fall in",
    "PaymentOut.allocated": "the invoices one payment settles",
    "DeclarationOut.allocated": "the invoices one declaration settles",
    "ClaimOut.awards": "the awards of one claim",
    "WorkerStatementOut.schemes": "one per scheme",
    "WorkerStatementOut.lines": "one worker's year, by month and platform",
    "AccountStatementOut.lines": "one account over the period asked",
    "PlatformStatementOut.invoices": "one platform's invoices over the period asked",
    "ProjectionOut.years": "the years projected (bounded input)",
    "ProjectionOut.percentiles": "the percentiles asked (bounded input)",
    "ProjectionOut.summary": "one row per scenario",
    "ProjectionOut.replacement_rates": "one per year projected",
    "ProjectionOut.scenarios": "the scenarios asked (bounded input)",
    "PayrollDeclarationOut.errors": "the first errors of one declaration (ORDERS_MAX_STORED_ERRORS)",
    "MonthTotalsOut.schemes": "one per scheme (six)",
    "EmployeeStatementOut.schemes": "one per scheme (six)",
    "StatementMonthsOut.items": "at most `limit` (120) months, older ones by `before`",
    "MonthStatementOut.items": "a page of at most `limit` (500) employees, the next by `cursor`",
    "EffectiveCoverageOut.tables": "one per dimension (six)",
    "EffectiveCoverageOut.over_time": "the months of the series (six)",
    "AgreementOut.scopes": "one agreement's, from the partners' catalogue",
    "AgreementOut.read_fields": "one agreement's, from the partners' catalogue",
    "AgreementOut.send_fields": "one agreement's, from the partners' catalogue",
    "ExchangeOut.sources": "the sources one answer cites",
    "ExchangeOut.explanation": "the steps of one answer's explanation",
    "ResultsOut.windows": "a campaign's three windows: 30, 60 and 90 days",
    "SegmentIn.categories": "a segment's filter: at most the four worker categories",
    "SegmentIn.sectors": "a segment's filter: at most the nine sectors",
    "SegmentIn.in_schemes": "a segment's filter: at most the four schemes a segment reads",
    "SegmentIn.not_in_schemes": "a segment's filter: at most the four schemes a segment reads",
}


def arrays_in(schema: dict, components: dict, owner: str, seen: frozenset[str] = frozenset()) -> list[str]:
    """``Owner.field`` of every array an answer of ``schema`` can hold, however deep."""
    if "$ref" in schema:
        name = schema["$ref"].rsplit("/", 1)[-1]
        return [] if name in seen else arrays_in(components[name], components, name, seen | {name})
    found = []
    for key in ("anyOf", "allOf", "oneOf"):
        for part in schema.get(key, []):
            found += arrays_in(part, components, owner, seen)
    for field, sub in schema.get("properties", {}).items():
        if sub.get("type") == "array":
            found.append(f"{owner}.{field}")
            found += arrays_in(sub.get("items", {}), components, owner, seen)
        else:
            found += arrays_in(sub, components, owner, seen)
    return found


def test_every_get_answering_a_list_pages_it_with_a_capped_size(schema):
    """Walks every GET: each array its answer can hold is either a page's ``items`` (and the operation then
    takes ``cursor`` and a ``limit`` of at most 500) or bounded by the one object it belongs to."""
    components = schema["components"]["schemas"]
    unbounded = []
    for path, method, op in operations(schema):
        if method != "get":
            continue
        ok = op["responses"].get("200", {}).get("content", {}).get("application/json", {}).get("schema", {})
        for array in arrays_in(ok, components, "answer"):
            owner, field = array.split(".")
            if owner.endswith("Page") and field == "items":
                params = {p["name"]: p for p in op.get("parameters", [])}
                assert "cursor" in params, path
                assert params["limit"]["schema"]["maximum"] <= 500, path
            elif array not in BOUNDED_ARRAYS:
                unbounded.append((path, array))
    assert unbounded == []
