"""``socsec project``: the actuarial projection of the funds and its report (pure: never starts Django)."""

from __future__ import annotations

import argparse
import sys
import time


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


def add_project(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    proj = sub.add_parser(
        "project", help="actuarial projection of the funds: scenarios side by side, CSV, PNG and an HTML report"
    )
    proj.add_argument("--scenario", required=True, help="scenario YAML (a file, or the name of a shipped one)")
    proj.add_argument("--compare", action="append", metavar="FILE", help="another scenario to compare (repeat)")
    proj.add_argument("--stochastic", type=int, default=0, metavar="N", help="stochastic runs per scenario")
    proj.add_argument("--out", required=True, help="folder for the report (replaced whole when done)")
    proj.set_defaults(func=cmd_project)
