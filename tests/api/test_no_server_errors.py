"""No input gives a 5xx or a non-JSON error: every operation of the OpenAPI, as an officer, a worker and a
platform, with each field of its body and each query parameter in turn set to an edge value (64-bit
overflow, dates before the rules or outside 1900-2200, long, bidi, formula, surrogate and NUL text, wrong
types), and its path ids at 2^63. A bounded, deterministic sweep (about 3,000 requests); every error must be
{code, message, ...}."""

from __future__ import annotations

import json
from typing import Any

from django.test import Client

from socsec.api.app import api

EDGE: dict[str, list[Any]] = {
    "integer": [2**63, -(2**63) - 1, 0, -1, 10**12 + 1],
    "string": ["", "x" * 5000, "a\u202eb", "=1+1", "\ud800", "a\x00b", "1900-01-01"],
    "date": ["1900-01-01", "1899-12-31", "1978-01-01", "2200-12-31", "0001-01-01"],
    "boolean": [True],
    "number": [1e308],
}
WRONG_TYPES: list[Any] = [None, [1], {"a": 1}]
QUERY_EDGE: dict[str, list[str]] = {
    "integer": ["9223372036854775808", "-1"],
    "string": ["%00", "x" * 3000],
    "date": ["1900-01-01", "1978-01-01", "0001-01-01", "9999-12-31"],
}


def resolve(schema: dict[str, Any], components: dict[str, Any]) -> dict[str, Any]:
    if "$ref" in schema:
        return resolve(components[schema["$ref"].split("/")[-1]], components)
    for key in ("anyOf", "allOf"):
        if key in schema:
            options = [s for s in schema[key] if s.get("type") != "null"] or schema[key]
            return resolve(options[0], components)
    return schema


def kind_of(schema: dict[str, Any]) -> str:
    return "date" if schema.get("format") == "date" else str(schema.get("type", ""))


def plain(schema: dict[str, Any], components: dict[str, Any]) -> Any:
    s = resolve(schema, components)
    if s.get("type") == "object":
        return {k: plain(v, components) for k, v in s.get("properties", {}).items()}
    defaults = {"date": "2026-03-01", "integer": 1, "string": "a", "boolean": True, "number": 1, "array": []}
    return defaults.get(kind_of(s), "a")


def bodies(schema: dict[str, Any], components: dict[str, Any]) -> list[Any]:
    s = resolve(schema, components)
    base = plain(s, components)
    out = [base]
    for name, field in s.get("properties", {}).items():
        field = resolve(field, components)
        if field.get("type") == "object" and field.get("properties"):
            out.extend({**base, name: sub} for sub in bodies(field, components)[1:])
            continue
        out.extend({**base, name: value} for value in [*EDGE.get(kind_of(field), []), *WRONG_TYPES])
    return out


def requests() -> list[tuple[str, str, Any]]:
    schema = api.get_openapi_schema()
    components = schema.get("components", {}).get("schemas", {})
    out: list[tuple[str, str, Any]] = []
    for path, operations in schema["paths"].items():
        for method, op in operations.items():
            params = op.get("parameters", [])
            url = path
            for p in params:
                if p["in"] == "path":
                    url = url.replace("{" + p["name"] + "}", "ridego" if p["name"] == "code" else "1")
            urls = [url]
            if any(p["in"] == "path" and p["name"] != "code" for p in params):
                urls.append(path.replace("{code}", "ridego").split("{")[0] + str(2**63) + path.split("}", 1)[1])
            for p in params:
                if p["in"] == "query":
                    urls.extend(
                        f"{url}?{p['name']}={v}" for v in QUERY_EDGE.get(kind_of(resolve(p["schema"], components)), [])
                    )
            body = op.get("requestBody", {}).get("content", {}).get("application/json", {}).get("schema")
            out.extend((method, u, b) for u in urls for b in (bodies(body, components) if body else [None]))
    return out


def test_no_input_gives_a_server_error_or_html(world):
    officer = Client(raise_request_exception=False)
    officer.force_login(world.users["officer"])
    worker = Client(raise_request_exception=False)
    worker.force_login(world.users["worker"])
    platform = Client(raise_request_exception=False, headers={"Authorization": f"Bearer {world.platform_token}"})
    sweep = requests()
    assert len(sweep) > 500
    bad = []
    for client in (officer, worker, platform):
        for method, url, body in sweep:
            if method == "get":
                response = client.get(url)
            else:
                response = getattr(client, method)(url, json.dumps(body), content_type="application/json")
            kind = response["Content-Type"]
            if (
                response.status_code >= 500
                or not kind.startswith(("application/json", "text/csv"))
                or (response.status_code >= 400 and not {"code", "message"} <= set(response.json()))
            ):
                bad.append((method, url, json.dumps(body)[:120], response.status_code))
    assert bad == []
