"""The help assistant measured on the questions of ``bench/assistant_questions.yaml`` (half Chinese, half
English; policy, personal, refused, not known), asked by the demo's worker on the demo database: the share
answered right (the right outcome and every expected fact in the answer), the share citing every expected
source (and none for a refusal or a question not known), and the 95th percentile of the time to answer and
log one question. Loads the demo pilot into a throwaway SQLite file (or reuses one with ``--var-dir``).
Prints one JSON line; ``--show-misses`` lists the questions missed on stderr.

    .venv/bin/python bench/assistant.py [--var-dir DIR] [--show-misses]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

import yaml

QUESTIONS = Path(__file__).with_name("assistant_questions.yaml")
OUTCOMES = {"policy": "ANSWERED", "personal": "ANSWERED", "refuse": "REFUSED", "unknown": "UNKNOWN"}


def cited(expected: list[str], keys: list[str]) -> bool:
    def found(want: str) -> bool:
        if want.endswith("*"):
            return any(k.startswith(want[:-1]) for k in keys)
        return want in keys

    return all(found(w) for w in expected)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--var-dir", default="")
    parser.add_argument("--show-misses", action="store_true")
    parser.add_argument("--questions", default=str(QUESTIONS), help="a YAML file of questions (the held-out set)")
    args = parser.parse_args()
    os.environ.pop("DATABASE_URL", None)
    os.environ["SOCSEC_VAR_DIR"] = args.var_dir or tempfile.mkdtemp(prefix="socsec-bench-")
    os.environ["DJANGO_SETTINGS_MODULE"] = "socsec.settings"
    import django

    django.setup()
    from django.core.management import call_command

    from socsec.accounts.models import User
    from socsec.assistant.services import question_ask, reader
    from socsec.demo.load import load_demo

    call_command("migrate", verbosity=0)
    if not User.objects.filter(username="worker").exists():
        load_demo()
    person = User.objects.select_related("person__residence_region").get(username="worker").person
    assert person is not None
    questions = yaml.safe_load(Path(args.questions).read_text(encoding="utf-8"))
    start = time.perf_counter()
    reader()
    index_ms = (time.perf_counter() - start) * 1000
    question_ask(person=person, question="warm-up: 丧葬补助金是多少？")
    right = sourced = 0
    times: list[float] = []
    misses = []
    for item in questions:
        start = time.perf_counter()
        x = question_ask(person=person, question=item["q"], channel="bench")
        times.append((time.perf_counter() - start) * 1000)
        keys = [s["key"] for s in x.sources]
        answer_ok = x.outcome == OUTCOMES[item["kind"]] and x.language == item["lang"]
        answer_ok = answer_ok and all(fact in x.answer for fact in item.get("expect", []))
        sources_ok = cited(item.get("sources", []), keys) if item["kind"] in ("policy", "personal") else not keys
        right += answer_ok
        sourced += sources_ok and x.outcome == OUTCOMES[item["kind"]]
        if not (answer_ok and sources_ok):
            misses.append({"q": item["q"], "outcome": x.outcome, "intent": x.intent, "answer": x.answer, "keys": keys})
    if args.show_misses:
        for miss in misses:
            print(json.dumps(miss, ensure_ascii=False), file=sys.stderr)
    n = len(questions)
    print(
        json.dumps(
            {
                "benchmark": "assistant",
                "questions": n,
                "chinese": sum(1 for q in questions if q["lang"] == "zh"),
                "accuracy": round(right / n, 4),
                "citation_correctness": round(sourced / n, 4),
                "p95_ms": round(statistics.quantiles(times, n=20)[18], 2),
                "median_ms": round(statistics.median(times), 2),
                "index_build_ms": round(index_ms, 2),
            }
        )
    )


if __name__ == "__main__":
    main()
