"""A malformed receipts or results file, or a result that does not fit its line, is refused with a reason
that is a template with its values: the API and the logs read it in English, the pages in the reader's
language."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import translation

from socsec.core.errors import DomainError, Reason
from socsec.taxexchange.documents import results_read
from socsec.taxexchange.receipt_files import receipts_read
from socsec.web.common import error_text
from socsec.web.uploads import row_error_text


def refusal(read, raw: bytes, **kwargs) -> DomainError:
    with pytest.raises(DomainError) as refused:
        read(raw, **kwargs)
    return refused.value


def test_a_receipts_files_line_is_refused_in_either_language():
    raw = b'{"receipts_file": "R1"}\n{"receipt_id": "X1", "document_id": "D", "paid_on": "2026-13-01", "lines": []}\n'
    error = refusal(receipts_read, raw, name="R1", today=dt.date(2026, 12, 1))
    assert error.message == "receipts file, line 2: paid_on '2026-13-01' is not a date YYYY-MM-DD"
    assert error.details == {"line": 2, "reason": "paid_on '2026-13-01' is not a date YYYY-MM-DD"}
    with translation.override("zh-hans"):
        assert error_text(error) == "补缴文件第 2 行：paid_on '2026-13-01' 不是 YYYY-MM-DD 格式的日期"
    with translation.override("en"):
        assert error_text(error) == error.message


def test_a_results_files_line_names_its_repeat_in_chinese():
    raw = (
        b'{"document_id": "D"}\n'
        b'{"person_id": 7, "scheme": "PENSION", "status": "UNPAID", "paid_cents": 0}\n'
        b'{"person_id": 7, "scheme": "PENSION", "status": "UNPAID", "paid_cents": 0}\n'
    )
    error = refusal(results_read, raw, document_id="D")
    assert error.message == "results file, line 3: repeats line 2"
    with translation.override("zh-hans"):
        assert error_text(error).endswith("与第 2 行重复")


def test_a_stored_refused_result_reads_in_the_readers_language():
    reason = Reason("paid %(paid)s cents, more than the %(due)s due", paid=120, due=100)
    stored = {"line": 4, "reason": str(reason), "template": reason.template, "params": reason.values}
    assert stored["reason"] == "paid 120 cents, more than the 100 due"
    with translation.override("zh-hans"):
        assert row_error_text({"message": stored["reason"], **stored}) == "已缴 120 分，多于应缴的 100 分"
