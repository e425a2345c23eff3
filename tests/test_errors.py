"""Domain errors: a message with parameters keeps its template, for pages that translate it."""

from __future__ import annotations

import json

from socsec.core.errors import Conflict
from socsec.registry.errors import RegistryErrorCode


def test_a_message_with_params_is_filled_and_keeps_its_template():
    error = Conflict("this claim is %(now)s; it cannot become %(to)s", params={"now": "paid", "to": "withdrawn"})
    assert error.message == str(error) == "this claim is paid; it cannot become withdrawn"
    assert (error.template, error.params) == (
        "this claim is %(now)s; it cannot become %(to)s",
        {"now": "paid", "to": "withdrawn"},
    )
    assert error.as_dict() == {"code": "conflict", "message": "this claim is paid; it cannot become withdrawn"}
    plain = Conflict("50% of it")  # without params the message is taken as it is
    assert (plain.message, plain.template, plain.params) == ("50% of it", "50% of it", {})


def test_a_code_is_its_string_in_a_response():
    error = Conflict("already registered", code=RegistryErrorCode.PERSON_EXISTS)
    assert json.dumps(error.as_dict()) == '{"code": "person_exists", "message": "already registered"}'
