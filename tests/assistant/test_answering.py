"""The answering core without Django: its words, the grade and the other person it reads, retrieval's
"not known", and that it loads no Django."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys

import pytest

from socsec.assistant.answering.policy import policy_answer
from socsec.assistant.answering.reading import Asker, Reader, grade_of
from socsec.assistant.answering.text import language_of, tokens

ME = Asker(7, "110105199003150112", "张伟")


def test_chinese_is_cut_into_bigrams_and_english_into_words():
    assert tokens("伤残补助金") == ["伤残", "残补", "补助", "助金"]
    assert tokens("How many Orders?") == ["order"]
    assert (language_of("grade 7"), language_of("七级")) == ("en", "zh")


@pytest.mark.parametrize(
    ("text", "grade"),
    [("grade 7", 7), ("七级伤残", 7), ("十级", 10), ("level 3", 3), ("grade 11", None), ("伤残", None)],
)
def test_the_grade_is_read_in_digits_or_chinese_numerals(text, grade):
    assert grade_of(text) == grade


@pytest.mark.parametrize(
    ("question", "why"),
    [
        ("440106198507040224 的缴费", "id_number"),
        ("person 12 claims", "person_id"),
        ("她的养老金", "someone_else"),
        ("Zhang San's claims", "name"),
        ("李娜的理赔", "name"),
        ("张伟的理赔", ""),  # the asker's own name
        ("110105199003150112 的缴费", ""),  # the asker's own ID number
        ("平台的缴费", ""),
    ],
)
def test_another_person_is_told_from_the_asker(question, why):
    assert Reader().read(question, ME).other_person == why


def test_a_question_sharing_no_rule_and_too_little_with_the_topics_is_not_known():
    reading = Reader().read("Where can I park near the office?", ME)
    assert (reading.intent, reading.matched_by) == ("", "")


def test_a_policy_answer_names_the_parameter_with_its_date_and_reference():
    reading = Reader().read("同城货运按单缴多少", ME)
    answer = policy_answer(reading, dt.date(2026, 3, 1))
    assert answer is not None
    assert [(s.key, s.value, s.effective_from) for s in answer.sources] == [
        ("oip.per_order_amount.INTRA_CITY_FREIGHT", "0.18", "2022-07-01")
    ]
    assert answer.lines[0].values == {"sector": "intra-city freight", "amount": "0.18"}


def test_the_core_loads_no_django():
    code = (
        "import sys, socsec.assistant.answering.reading as r, socsec.assistant.answering.policy as p; "
        "r.Reader(); assert not [m for m in sys.modules if m.startswith('django')], 'django'"
    )
    subprocess.run([sys.executable, "-c", code], check=True)
