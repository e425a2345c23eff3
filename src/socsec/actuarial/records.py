"""The projection's starting state from the insured persons' records (``initial.history: records``):
one CSV row per insured person, as ``socsec export insured-records`` writes them, averaged per cohort."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from .inputs import AGES, Array, InputError, Section, cell, csv_rows, resolve

RECORD_COLUMNS = ("sex", "age", "status", "contribution_years", "average_index", "account_balance", "pension")


def records_state(init: Section, base: Path, pop0: Array, retired0: Array, wage0: float) -> dict[str, Array]:
    """The starting state from the insured persons' records instead of a modelled history.

    ``initial.records`` is a CSV with one row per insured person (or per group: ``initial.records_weight``
    persons a row), as exported from the registry and the contribution records: ``sex`` (male/female),
    ``age`` in the start year, ``status`` (active or pensioner), ``contribution_years``, ``average_index``
    (average of contribution base / average wage), ``account_balance`` (yuan) and ``pension`` (yuan a year,
    pensioners). Per cohort they become the model's per-member averages: active members' years, index-years,
    insured share and account (over the cohort's persons not retired at the start), pensioners and pension
    in payment (over all its persons). A cohort with more insured persons than people is refused."""
    path = resolve(base, str(init.raw("records")))
    weight = init.number("records_weight") if init.has("records_weight") else 1.0
    header, rows = csv_rows(path)
    missing = [c for c in RECORD_COLUMNS if c not in header]
    if missing:
        raise InputError(f"missing column(s) {', '.join(missing)}", file=path, line=1, field=missing[0])
    col = {c: header.index(c) for c in RECORD_COLUMNS}
    sums = {k: np.zeros((2, AGES)) for k in ("active", "years", "index_years", "account", "pensioners", "pension")}
    for line, row in rows:
        if len(row) != len(header):
            raise InputError(f"{len(row)} columns, the header has {len(header)}", file=path, line=line)
        sex = row[col["sex"]].strip()
        if sex not in ("male", "female"):
            raise InputError(f"{sex!r} is not male or female", file=path, line=line, field="sex")
        age = cell(path, line, "age", row[col["age"]], 0.0, AGES - 1.0)
        if age != int(age):
            raise InputError(f"{age} is not a whole age", file=path, line=line, field="age")
        status = row[col["status"]].strip()
        if status not in ("active", "pensioner"):
            raise InputError(f"{status!r} is not active or pensioner", file=path, line=line, field="status")
        s, a = (0 if sex == "male" else 1), int(age)
        if status == "active":
            years_ = cell(path, line, "contribution_years", row[col["contribution_years"]], 0.0, float(AGES))
            index = cell(path, line, "average_index", row[col["average_index"]], 0.0, 50.0)
            sums["active"][s, a] += weight
            sums["years"][s, a] += weight * years_
            sums["index_years"][s, a] += weight * years_ * index
            sums["account"][s, a] += weight * cell(
                path, line, "account_balance", row[col["account_balance"]], 0.0, None
            )
        else:
            sums["pensioners"][s, a] += weight
            sums["pension"][s, a] += weight * cell(path, line, "pension", row[col["pension"]], 0.0, None)
    active_people = pop0 * (1.0 - retired0)
    for key, people in (("active", active_people), ("pensioners", pop0)):
        over = sums[key] > people * (1.0 + 1e-9)
        if over.any():
            s, a = (int(i[0]) for i in np.nonzero(over))
            raise InputError(
                f"{sums[key][s, a]:,.0f} {key} {('men', 'women')[s]} aged {a} in the records, more than the "
                f"{people[s, a]:,.0f} people of that age and sex in the base population",
                file=path,
                field="initial.records",
            )
    with np.errstate(divide="ignore", invalid="ignore"):
        per_active = {
            k: np.where(active_people > 0, sums[k] / active_people, 0.0)
            for k in ("active", "years", "index_years", "account")
        }
        per_person = {k: np.where(pop0 > 0, sums[k] / pop0, 0.0) for k in ("pensioners", "pension")}
    return {
        "years": per_active["years"],
        "index_years": per_active["index_years"],
        "insured": per_active["active"],
        "account": per_active["account"] / wage0,
        "pensioners": per_person["pensioners"],
        "pension": per_person["pension"] / wage0,
    }
