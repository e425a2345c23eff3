"""``socsec assess``: the monthly OIP assessment of the accepted orders, with a progress bar."""

from __future__ import annotations

import argparse
import getpass
import sys

from .common import django_setup, domain_line, yuan
from .progress import StepBar

ASSESS_STEPS = (
    ("read", "read files"),
    ("aggregate", "aggregate"),
    ("price", "price"),
    ("write", "write lines"),
    ("record", "record"),
)


def cmd_assess(args: argparse.Namespace) -> int:
    django_setup()
    from django.conf import settings

    from socsec.audit.services import Actor
    from socsec.batch.errors import AssessmentError
    from socsec.contributions.assessment.runs import assessment_run
    from socsec.core.errors import DomainError
    from socsec.rules.engine import RuleViolation

    engine = args.engine or settings.SOCSEC_ASSESSMENT_ENGINE
    print(f"... assessing {args.month} on {engine}", flush=True)
    bar = StepBar(ASSESS_STEPS)
    try:
        result = assessment_run(
            actor=Actor.system(f"cli:{getpass.getuser()}"), month=args.month, engine=engine, progress=bar
        )
    except (AssessmentError, RuleViolation) as exc:
        bar.abandon()
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except DomainError as exc:
        bar.abandon()
        print(f"error: {domain_line(exc)}", file=sys.stderr)
        return 2
    bar.finish()
    a = result.assessment
    print(f"{'platform':<14}{'province':<10}{'orders':>12}{'amount (yuan)':>16}{'lines':>9}")
    for row in a.totals.to_pylist():
        print(
            f"{row['platform']:<14}{row['province']:<10}{row['order_count']:>12}{yuan(row['amount_cents']):>16}"
            f"{row['lines']:>9}"
        )
    print(f"total {yuan(a.amount_cents)} yuan")
    if result.run is None:
        print("nothing new to invoice")
    else:
        print(
            f"run {result.run.sequence} ({result.run.kind.lower()}): {len(result.invoices)} invoice(s), "
            f"{yuan(sum(i.amount_cents for i in result.invoices))} yuan; lines in {result.run.lines_path}"
        )
    return 0


def add_assess(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    assess = sub.add_parser("assess", help="the monthly OIP assessment of the accepted orders")
    assess.add_argument("--month", required=True, help="YYYY-MM")
    assess.add_argument(
        "--engine",
        choices=["duckdb", "spark"],
        default=None,
        help="where the plan runs: DuckDB here, or Spark (local, or SOCSEC_SPARK_MASTER's cluster);"
        " default SOCSEC_ASSESSMENT_ENGINE (duckdb)",
    )
    assess.set_defaults(func=cmd_assess)
