"""The ``socsec`` command. ``rules`` subcommands run on the pure rules layer and never start Django."""

from __future__ import annotations

import argparse
import datetime as dt
import getpass
import io
import json
import os
import sys
import time
from collections.abc import Callable, Sequence
from typing import Any, TextIO


def _django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "socsec.settings")
    import django

    django.setup()


def _migrate(verbosity: int = 0) -> None:
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=verbosity)


def cmd_migrate(args: argparse.Namespace) -> int:
    _django()
    _migrate(verbosity=1)
    return 0


def cmd_serve(args: argparse.Namespace) -> int:
    _django()
    from waitress import serve

    from socsec.wsgi import application

    print(f"SocSec serving on http://{args.host}:{args.port}  (Ctrl+C stops)", flush=True)
    serve(application, host=args.host, port=args.port, threads=args.threads, ident="socsec")
    return 0


def cmd_demo(args: argparse.Namespace) -> int:
    started = time.monotonic()
    _django()
    from django.conf import settings

    from socsec.coverage.selectors import coverage_counts
    from socsec.demo import DEMO_PASSWORD, load_demo
    from socsec.rules.coverage import SCHEME_LABELS, Status

    print(f"Database: {settings.DATABASES['default']['NAME']}")
    _migrate()
    summary = load_demo(workers=args.workers, progress=lambda text: print(f"... {text}", flush=True))
    today = dt.date.today()
    counts = coverage_counts(today)
    print("Demo pilot " + ("loaded" if summary.created else "already loaded (nothing changed)"))
    print(
        f"  regions {summary.regions}, organisations {summary.organisations}, persons {summary.persons}, "
        f"engagements {summary.engagements}"
    )
    print("  engagements by category: " + ", ".join(f"{k} {v}" for k, v in summary.by_category.items()))
    print(
        f"  on two or more platforms: {summary.multi_platform}; working outside their residence city: "
        f"{summary.cross_region}"
    )
    print(f"Coverage on {today.isoformat()} (persons by status, computed for everyone at once):")
    for scheme, by_status in counts.by_scheme.items():
        shown = ", ".join(f"{s.name.lower()} {by_status[s]}" for s in Status if by_status[s])
        print(f"  {SCHEME_LABELS[scheme]}: {shown}")
    from django.db.models import Count

    from socsec.benefits.models import Claim, PaymentRun

    claims_by_status = dict(Claim.objects.values_list("status").annotate(n=Count("id")).order_by("status"))
    print("Claims: " + ", ".join(f"{k.lower()} {v}" for k, v in claims_by_status.items()))
    for run in PaymentRun.objects.order_by("month"):
        print(f"  benefits paid for {run.month}: {run.payment_count} payments, {_yuan(run.amount_cents)} yuan")
    print(f"Accounts (password {DEMO_PASSWORD}): officer, supervisor, auditor, worker, swiftride")
    if summary.token:
        print(f"API token for platform swiftride (shown once): {summary.token}")
    print(f"Ready in {time.monotonic() - started:.1f} s")
    if args.no_serve:
        return 0
    return cmd_serve(args)


def cmd_create_officer(args: argparse.Namespace) -> int:
    _django()
    from socsec.accounts.services import user_create
    from socsec.audit.services import Actor
    from socsec.core.errors import DomainError

    password = os.environ.get("SOCSEC_PASSWORD") or getpass.getpass("Password: ")
    try:
        user = user_create(actor=Actor.system("cli"), username=args.username, password=password, role=args.role.upper())
    except DomainError as exc:
        print(f"error: {exc.message}", file=sys.stderr)
        return 2
    print(f"created {user.role.lower()} {user.username}")
    return 0


def cmd_manage(args: argparse.Namespace) -> int:
    _django()
    from django.core.management import execute_from_command_line

    execute_from_command_line(["socsec manage", *args.rest])
    return 0


def cmd_ingest_orders(args: argparse.Namespace) -> int:
    _django()
    import hashlib
    from pathlib import Path

    from socsec.audit.services import Actor
    from socsec.batch.store import upload_format
    from socsec.contributions.orders.ingest import orders_ingest
    from socsec.core.errors import DomainError
    from socsec.registry.selectors import organisation_get

    path = Path(args.file)
    if not path.is_file():
        print(f"error: no file {path}", file=sys.stderr)
        return 2
    content = path.read_bytes()
    fmt = args.format or upload_format(path.name)
    key = args.key or f"file-sha256:{hashlib.sha256(content).hexdigest()}"
    try:
        platform = organisation_get(code=args.platform)
        batch, replayed = orders_ingest(
            actor=Actor.system(f"cli:{getpass.getuser()}"),
            platform=platform,
            content=content,
            fmt=fmt,
            idempotency_key=key,
            source=f"cli:{path.name}",
        )
    except DomainError as exc:
        print(f"error: {exc.message}", file=sys.stderr)
        return 2
    state = "already ingested (nothing changed)" if replayed else batch.status.lower()
    print(
        f"batch {batch.pk}: {state}; rows {batch.rows_total}, valid {batch.rows_valid}, invalid "
        f"{batch.rows_invalid}; new {batch.orders_new}, void {batch.orders_void}, amend {batch.orders_amend}"
    )
    for error in batch.errors[:20]:
        print(f"  row {error['row']} {error['field']}: {error['message']}")
    if len(batch.errors) > 20:
        print(f"  ... {len(batch.errors) - 20} more in the error report")
    return 0


def cmd_ingest_payments(args: argparse.Namespace) -> int:
    _django()
    from pathlib import Path

    from socsec.audit.services import Actor
    from socsec.contributions.collection.bank_statements import bank_statement_import
    from socsec.core.errors import DomainError

    path = Path(args.file)
    if not path.is_file():
        print(f"error: no file {path}", file=sys.stderr)
        return 2
    try:
        results = bank_statement_import(
            actor=Actor.system(f"cli:{getpass.getuser()}"), content=path.read_bytes(), source=f"bank:{path.name}"
        )
    except DomainError as exc:
        print(f"error: {exc.message}", file=sys.stderr)
        for row in exc.details.get("rows", [])[:20]:
            print(f"  row {row['row']} {row['field']}: {row['message']}", file=sys.stderr)
        return 2
    new = [p for p, replayed in results if not replayed]
    print(
        f"{len(results)} payment(s) in the statement, {len(new)} new, {len(results) - len(new)} already recorded; "
        f"{_yuan(sum(p.amount_cents for p in new))} yuan recorded"
    )
    return 0


class StepBar:
    """Progress through named steps on a stream (stderr by default): on a terminal, a text bar redrawn in
    place with a carriage return; elsewhere (logs, pipes) one plain line per step. Steps not reported
    (e.g. nothing to write) are skipped."""

    WIDTH = 24

    def __init__(
        self,
        steps: Sequence[tuple[str, str]],
        stream: TextIO | None = None,
        *,
        tty: bool | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.steps = list(steps)  # (key, label)
        self.stream = stream if stream is not None else sys.stderr
        self.tty = self.stream.isatty() if tty is None else tty
        self.clock = clock
        self.started = clock()
        self.drawn = False

    def __call__(self, key: str) -> None:
        keys = [k for k, _ in self.steps]
        if key in keys:
            index = keys.index(key)
            self._draw(index, f"{index + 1}/{len(self.steps)}", self.steps[index][1])

    def finish(self) -> None:
        total = len(self.steps)
        self._draw(total, "done", "")
        if self.tty:
            self.stream.write("\n")
            self.stream.flush()

    def abandon(self) -> None:
        """End the bar's line before an error message (on a terminal)."""
        if self.tty and self.drawn:
            self.stream.write("\n")
            self.stream.flush()

    def _draw(self, done: int, where: str, label: str) -> None:
        elapsed = self.clock() - self.started
        if self.tty:
            filled = round(self.WIDTH * done / len(self.steps))
            bar = "#" * filled + "-" * (self.WIDTH - filled)
            self.stream.write(f"\r[{bar}] {where:>5} {label:<12}{elapsed:7.1f} s")
        else:
            self.stream.write(f"[{where}] {label}\n" if label else f"[{where}] {elapsed:.1f} s\n")
        self.drawn = True
        self.stream.flush()


ASSESS_STEPS = (
    ("read", "read files"),
    ("aggregate", "aggregate"),
    ("price", "price"),
    ("write", "write lines"),
    ("record", "record"),
)


def cmd_assess(args: argparse.Namespace) -> int:
    _django()
    from socsec.audit.services import Actor
    from socsec.batch.assess import AssessmentError
    from socsec.contributions.assessment.runs import assessment_run
    from socsec.core.errors import DomainError
    from socsec.rules.engine import RuleViolation

    print(f"... assessing {args.month} on {args.engine}", flush=True)
    bar = StepBar(ASSESS_STEPS)
    try:
        result = assessment_run(
            actor=Actor.system(f"cli:{getpass.getuser()}"), month=args.month, engine=args.engine, progress=bar
        )
    except (AssessmentError, RuleViolation) as exc:
        bar.abandon()
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except DomainError as exc:
        bar.abandon()
        print(f"error: {exc.message}", file=sys.stderr)
        return 2
    bar.finish()
    a = result.assessment
    print(f"{'platform':<14}{'province':<10}{'orders':>12}{'amount (yuan)':>16}{'lines':>9}")
    for row in a.totals.to_pylist():
        print(
            f"{row['platform']:<14}{row['province']:<10}{row['order_count']:>12}{_yuan(row['amount_cents']):>16}"
            f"{row['lines']:>9}"
        )
    print(f"total {_yuan(a.amount_cents)} yuan")
    if result.run is None:
        print("nothing new to invoice")
    else:
        print(
            f"run {result.run.sequence} ({result.run.kind.lower()}): {len(result.invoices)} invoice(s), "
            f"{_yuan(sum(i.amount_cents for i in result.invoices))} yuan; lines in {result.run.lines_path}"
        )
    return 0


def cmd_credit_interest(args: argparse.Namespace) -> int:
    _django()
    from socsec.audit.services import Actor
    from socsec.core.errors import DomainError
    from socsec.pension_accounts.services import interest_credit

    try:
        result = interest_credit(actor=Actor.system(f"cli:{getpass.getuser()}"), year=args.year)
    except DomainError as exc:
        print(f"error: {exc.message}", file=sys.stderr)
        return 2
    print(
        f"interest {result.year}: {len(result.credited)} individual account(s) credited, "
        f"{_yuan(result.amount_cents)} yuan; {result.already_credited} credited before (unchanged)"
    )
    return 0


def cmd_pay(args: argparse.Namespace) -> int:
    _django()
    from socsec.audit.services import Actor
    from socsec.benefits.payments import pay_month
    from socsec.core.errors import DomainError

    try:
        result = pay_month(actor=Actor.system(f"cli:{getpass.getuser()}"), month=args.month)
    except DomainError as exc:
        print(f"error: {exc.message}", file=sys.stderr)
        return 2
    print(
        f"benefits {args.month}: {result.new_payments} new payment(s), {_yuan(result.new_cents)} yuan; "
        f"{result.run.payment_count} in the run, {_yuan(result.run.amount_cents)} yuan; "
        f"{len(result.suspended)} award(s) suspended; bank file {result.file}"
    )
    for award in result.suspended:
        print(
            f"  suspended: claim {award.claim_id} {award.item} from {award.suspended_from} - {award.suspended_reason}"
        )
    return 0


def cmd_export_records(args: argparse.Namespace) -> int:
    """The insured persons' records as the actuarial projection reads them (initial.history: records)."""
    import csv
    from pathlib import Path

    _django()
    from socsec.batch.store import write_text_atomic
    from socsec.benefits.selectors import RECORD_HEADER, insured_records

    rows = insured_records(year=args.year)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(RECORD_HEADER)
    writer.writerows(rows)
    write_text_atomic(out.getvalue(), Path(args.out).resolve())
    active = sum(1 for r in rows if r[2] == "active")
    print(
        f"{len(rows)} insured persons at the start of {args.year} ({active} active, "
        f"{len(rows) - active} pensioners): {args.out}"
    )
    return 0


def cmd_bench_assess(args: argparse.Namespace) -> int:
    from pathlib import Path

    from socsec.batch.bench import run

    if args.orders < 1 or args.repeat < 1:
        print("error: --orders and --repeat must be at least 1", file=sys.stderr)
        return 2
    keep = Path(args.keep) if args.keep else None
    print(json.dumps(run(args.orders, keep=keep, repeat=args.repeat, threads=args.threads)), flush=True)
    return 0


def _yuan(cents: int) -> str:
    from socsec.core.money import format_yuan

    return format_yuan(cents)


# --- rules ----------------------------------------------------------------------------------------


def cmd_rules_list(args: argparse.Namespace) -> int:
    from socsec.rules.engine import all_formulas

    formulas = all_formulas()
    if args.json:
        print(json.dumps([f.describe() for f in formulas], ensure_ascii=False, indent=2))
        return 0
    for f in formulas:
        inputs = ", ".join(f"{k}:{s.kind}" for k, s in f.inputs.items())
        print(f"{f.name}({inputs}) -> {f.unit}")
        print(f"    {f.label}")
        print(f"    legal basis: {f.reference}")
    return 0


def cmd_rules_calc(args: argparse.Namespace) -> int:
    from socsec.rules.engine import InputError, RuleViolation, UnknownFormula, calc, get_formula, parse_input
    from socsec.rules.parameters import ParameterError

    try:
        formula = get_formula(args.name)
        inputs: dict[str, Any] = {}
        for item in args.set or []:
            key, sep, raw = item.partition("=")
            if not sep:
                raise InputError(f"--set {item!r}: expected key=value")
            if key not in formula.inputs:
                raise InputError(f"{args.name} has no input {key!r} (inputs: {', '.join(formula.inputs)})")
            inputs[key] = parse_input(formula.inputs[key].kind, raw)
        on = dt.date.fromisoformat(args.on) if args.on else dt.date.today()
        result = calc(args.name, on=on, **inputs)
    except (InputError, RuleViolation, UnknownFormula, ParameterError, ValueError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    if args.json:
        print(json.dumps(result.as_dict(), ensure_ascii=False, indent=2))
    else:
        print("\n".join(result.lines()))
    return 0


def cmd_rules_test(args: argparse.Namespace) -> int:
    from socsec.rules.scenarios import load_scenarios, run_scenario

    failed = passed = 0
    for scenario in load_scenarios():
        outcome = run_scenario(scenario)
        if outcome.passed:
            passed += 1
            if args.verbose:
                print(f"ok    {scenario.file}: {scenario.name}")
        else:
            failed += 1
            print(f"FAIL  {scenario.file}: {scenario.name}")
            for failure in outcome.failures:
                print(f"        {failure}")
    print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0


# --- actuarial projection (pure: never starts Django) ------------------------------------------------


def cmd_project(args: argparse.Namespace) -> int:
    from socsec.actuarial.inputs import InputError
    from socsec.actuarial.report import write_report
    from socsec.actuarial.run import run_projection

    if args.stochastic < 0:
        print("error: --stochastic must be 0 or more", file=sys.stderr)
        return 2
    started = time.monotonic()
    paths = [args.scenario, *(args.compare or [])]
    try:
        result = run_projection(paths, args.stochastic)
        names = write_report(result, args.out)
    except InputError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    for row in result.to_tables()["summary"]:
        exhausted = row["pension_reserve_exhausted"] or "never"
        print(
            f"{row['scenario']}: general average premium {row['general_average_premium']:.4f}, pension reserve "
            f"exhausted {exhausted}, C102 replacement rate {row['c102_replacement_rate']:.3f} "
            f"({'meets' if row['meets_c102'] else 'below'} 40%)"
        )
    print(f"wrote {len(names)} files to {args.out} (report.html) in {time.monotonic() - started:.1f} s")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="socsec", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)

    def serve_options(p: argparse.ArgumentParser) -> None:
        p.add_argument("--host", default="127.0.0.1")
        p.add_argument("--port", type=int, default=8000)
        p.add_argument("--threads", type=int, default=8)

    demo = sub.add_parser("demo", help="load the demo pilot on the embedded default and serve the site")
    serve_options(demo)
    demo.add_argument("--no-serve", action="store_true", help="stop after the summary")
    demo.add_argument("--workers", type=int, default=2400, help="number of synthetic workers (first load only)")
    demo.set_defaults(func=cmd_demo)

    serve = sub.add_parser("serve", help="serve the site and the API")
    serve_options(serve)
    serve.set_defaults(func=cmd_serve)

    sub.add_parser("migrate", help="create or update the database tables").set_defaults(func=cmd_migrate)

    officer = sub.add_parser(
        "create-officer", help="create an agency account (password from SOCSEC_PASSWORD or a prompt)"
    )
    officer.add_argument("username")
    officer.add_argument("--role", choices=["officer", "supervisor", "auditor"], default="officer")
    officer.set_defaults(func=cmd_create_officer)

    ingest = sub.add_parser("ingest", help="ingest a platform's report")
    ingest_sub = ingest.add_subparsers(dest="ingest_command", required=True)
    orders = ingest_sub.add_parser("orders", help="a file of orders (CSV, Parquet or JSON lines)")
    orders.add_argument("file")
    orders.add_argument("--platform", required=True, help="the platform's organisation code")
    orders.add_argument("--key", help="idempotency key (default: the file's SHA-256)")
    orders.add_argument("--format", choices=["csv", "parquet", "jsonl"], help="default: from the file name")
    orders.set_defaults(func=cmd_ingest_orders)

    payments = ingest_sub.add_parser("payments", help="a bank statement (CSV: date, amount, reference, payer)")
    payments.add_argument("file")
    payments.set_defaults(func=cmd_ingest_payments)

    assess = sub.add_parser("assess", help="the monthly OIP assessment of the accepted orders")
    assess.add_argument("--month", required=True, help="YYYY-MM")
    assess.add_argument(
        "--engine",
        choices=["duckdb", "spark"],
        default="duckdb",
        help="where the plan runs: DuckDB here, or Spark (local, or SPARK_MASTER)",
    )
    assess.set_defaults(func=cmd_assess)

    interest = sub.add_parser(
        "credit-interest", help="credit a year's interest to the employee-pension individual accounts (once)"
    )
    interest.add_argument("--year", type=int, required=True, help="YYYY, a year that is over")
    interest.set_defaults(func=cmd_credit_interest)

    proj = sub.add_parser(
        "project", help="actuarial projection of the funds: scenarios side by side, CSV, PNG and an HTML report"
    )
    proj.add_argument("--scenario", required=True, help="scenario YAML (a file, or the name of a shipped one)")
    proj.add_argument("--compare", action="append", metavar="FILE", help="another scenario to compare (repeat)")
    proj.add_argument("--stochastic", type=int, default=0, metavar="N", help="stochastic runs per scenario")
    proj.add_argument("--out", required=True, help="folder for the report (replaced whole when done)")
    proj.set_defaults(func=cmd_project)

    export = sub.add_parser("export", help="data for other uses")
    export_sub = export.add_subparsers(dest="export_command", required=True)
    records = export_sub.add_parser(
        "insured-records", help="one row per insured person, for a projection that starts from the records"
    )
    records.add_argument("--year", type=int, required=True, help="the projection's start year")
    records.add_argument("--out", required=True, help="the CSV file to write")
    records.set_defaults(func=cmd_export_records)

    pay = sub.add_parser("pay", help="the month's benefit payment run: periodic benefits, lump sums, suspensions")
    pay.add_argument("--month", required=True, help="YYYY-MM, a month that has ended")
    pay.set_defaults(func=cmd_pay)

    bench = sub.add_parser("bench", help="benchmarks (print JSON; targets are checked by reading it)")
    bench_sub = bench.add_subparsers(dest="bench_command", required=True)
    bench_assess = bench_sub.add_parser(
        "assess", help="the monthly assessment on N synthetic orders against a hand-written DuckDB SQL"
    )
    bench_assess.add_argument("--orders", type=int, default=1_000_000, help="orders in the month")
    bench_assess.add_argument("--keep", help="reuse or keep the generated month's files in this folder")
    bench_assess.add_argument("--repeat", type=int, default=3, help="rounds; the best of each side is kept")
    bench_assess.add_argument("--threads", type=int, help="DuckDB threads for every side (default: all cores)")
    bench_assess.set_defaults(func=cmd_bench_assess)

    manage = sub.add_parser("manage", help="run a Django management command")
    manage.add_argument("rest", nargs=argparse.REMAINDER)
    manage.set_defaults(func=cmd_manage)

    rules = sub.add_parser("rules", help="the rules layer: formulas, one calculation, scenario tests")
    rules_sub = rules.add_subparsers(dest="rules_command", required=True)
    listing = rules_sub.add_parser("list", help="every formula with its legal basis")
    listing.add_argument("--json", action="store_true")
    listing.set_defaults(func=cmd_rules_list)
    calc = rules_sub.add_parser("calc", help="one case: the value and its explanation")
    calc.add_argument("name")
    calc.add_argument("--on", help="date (YYYY-MM-DD), default today")
    calc.add_argument("--set", action="append", metavar="KEY=VALUE", help="an input (repeat)")
    calc.add_argument("--json", action="store_true")
    calc.set_defaults(func=cmd_rules_calc)
    test = rules_sub.add_parser("test", help="run the YAML scenario tests")
    test.add_argument("-v", "--verbose", action="store_true")
    test.set_defaults(func=cmd_rules_test)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return int(args.func(args) or 0)


if __name__ == "__main__":
    sys.exit(main())
