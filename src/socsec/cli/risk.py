"""``socsec risk``: the risk rules' YAML cases (``test``, pure: never starts Django), the rules in force
(``rules``) and a screening of the whole database (``screen``: the schedule runs it, e.g. nightly)."""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys

from .common import django_setup, report_cases


def cmd_risk_test(args: argparse.Namespace) -> int:
    from socsec.risk.definitions import RuleFileError, rules_load
    from socsec.risk.engine import cases_run

    try:
        rules = rules_load()
    except RuleFileError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    outcomes = ((f"{o.rule}.yaml:{o.case.line}: {o.case.name}", o.passed, o.failures) for o in cases_run(rules))
    return report_cases(outcomes, verbose=args.verbose)


def cmd_risk_rules(args: argparse.Namespace) -> int:
    from socsec.risk.definitions import RuleFileError, rules_load

    on = args.on or dt.date.today()
    try:
        rules = rules_load()
    except RuleFileError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    if args.json:
        print(json.dumps([r.describe(on) for r in rules], ensure_ascii=False, indent=2))
        return 0
    for r in rules:
        state = "in force" if r.in_force(on) else "not in force"
        print(f"{r.name} ({state}, score {r.score}, {r.scope}): {r.label}")
        print(f"    reference: {r.reference}")
        for name, p in r.parameters.items():
            print(f"    {name} = {p.on(on)}: {p.description}")
    return 0


def cmd_risk_screen(args: argparse.Namespace) -> int:
    django_setup()
    from django.utils import timezone

    from socsec.audit.services import Actor
    from socsec.risk.models import ScreeningRun
    from socsec.risk.services import risk_screen

    on = args.on or timezone.localdate()
    run = risk_screen(actor=Actor.system("socsec risk screen"), on=on, trigger=ScreeningRun.Trigger.COMMAND)
    print(
        f"screened {run.rows} rows with {len(run.rules)} rules on {run.on} in {run.seconds:.2f} s: "
        f"{run.hits} hits, {run.cases_new} new cases"
    )
    return 0


def add_risk(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    risk = sub.add_parser("risk", help="risk control: screening rules, their tests, a screening run")
    commands = risk.add_subparsers(dest="risk_command", required=True)
    test = commands.add_parser("test", help="run every risk rule's YAML cases")
    test.add_argument("-v", "--verbose", action="store_true")
    test.set_defaults(func=cmd_risk_test)
    rules = commands.add_parser("rules", help="the risk rules with their parameters on a day")
    rules.add_argument("--on", type=dt.date.fromisoformat, help="YYYY-MM-DD (default: today)")
    rules.add_argument("--json", action="store_true")
    rules.set_defaults(func=cmd_risk_rules)
    screen = commands.add_parser("screen", help="screen the whole database and keep the hits as cases")
    screen.add_argument("--on", type=dt.date.fromisoformat, help="YYYY-MM-DD (default: today)")
    screen.set_defaults(func=cmd_risk_screen)
