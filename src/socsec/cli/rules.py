"""``socsec rules``: every formula, one calculation explained, the YAML scenario tests. Runs on the pure
rules layer and never starts Django."""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
from typing import Any

from .common import report_cases


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
    for line in _missing_lines(dt.date.today()):
        print(f"warning: {line}", file=sys.stderr)
    return 0


def _missing_lines(on: dt.date) -> list[str]:
    from socsec.rules.yearly_figures import yearly_figures_missing

    return [
        f"the {m.year} value of yearly figure {m.path} is not entered: {', '.join(m.needed_by) or 'its formulas'} "
        f"refuse an event in {m.year + 1} until it is ({m.reference})"
        for m in yearly_figures_missing(on)
    ]


def cmd_rules_check(args: argparse.Namespace) -> int:
    """The yearly figures a payment on the day needs that are not entered: exit 1 when any is missing."""
    try:
        on = dt.date.fromisoformat(args.on) if args.on else dt.date.today()
    except ValueError:
        print(f"error: --on {args.on!r} is not a date (YYYY-MM-DD)", file=sys.stderr)
        return 2
    lines = _missing_lines(on)
    for line in lines:
        print(f"missing: {line}")
    if not lines:
        print(f"every yearly figure of {on.year - 1} is entered")
    return 1 if lines else 0


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

    outcomes = ((f"{s.file}: {s.name}", o.passed, o.failures) for s in load_scenarios() for o in [run_scenario(s)])
    return report_cases(outcomes, verbose=args.verbose)


def add_rules(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
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
    check = rules_sub.add_parser("check", help="the yearly figures a payment needs that are not entered (exit 1)")
    check.add_argument("--on", help="date (YYYY-MM-DD) of the events to pay, default today")
    check.set_defaults(func=cmd_rules_check)
    test = rules_sub.add_parser("test", help="run the YAML scenario tests")
    test.add_argument("-v", "--verbose", action="store_true")
    test.set_defaults(func=cmd_rules_test)
