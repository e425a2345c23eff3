"""The OIP coverage of assessed lines: for each line of a month's assessment, the coverage reason code
from the rules, so that only covered lines are charged.

Set-based: the lines' workers go to a temporary table that one query joins to their engagements in the
month; the rule is evaluated once per distinct (platform x province x sector, category, labour relation)
and the codes are spread back to the lines with numpy. No Python runs per line, and no query binds a
variable per worker."""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
from django.db import connection

from socsec.batch.orders import month_start
from socsec.core.key_tables import key_table
from socsec.core.months import month_index, month_last_day
from socsec.coverage.selectors import oip_activated, oip_activation_keys
from socsec.registry.models import Engagement, Organisation, Region
from socsec.rules.coverage import Category
from socsec.rules.engine import compute

# An engagement's category as a small code (0: no engagement of the worker with the line's platform).
CATEGORIES = ["", *(c.value for c in Category)]
LABOUR = CATEGORIES.index(Category.LABOUR_RELATION.value)
FETCH = 100_000  # engagement rows converted at a time


def _codes(column: pa.ChunkedArray | pa.Array) -> tuple[np.ndarray, list[str]]:
    """A string column (plain or dictionary) as integer codes and the distinct values they index."""
    if isinstance(column, pa.ChunkedArray):
        column = column.unify_dictionaries().combine_chunks() if pa.types.is_dictionary(column.type) else column
        column = column.combine_chunks() if isinstance(column, pa.ChunkedArray) else column
    encoded = column if pa.types.is_dictionary(column.type) else pc.dictionary_encode(column)
    codes = pc.fill_null(encoded.indices, -1).to_numpy(zero_copy_only=False).astype(np.int64)
    return codes, [str(v) for v in encoded.dictionary.to_pylist()]


def _engagements(persons: np.ndarray, month: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The engagements active at any time in the month of the given workers: person, organisation and
    category code, in (start date, id) order (a later engagement wins for the same organisation)."""
    first = month_start(month)
    last = month_last_day(month_index(first))
    table = Engagement._meta.db_table
    category = "CASE e.category " + " ".join(f"WHEN '{c}' THEN {i}" for i, c in enumerate(CATEGORIES) if c) + " END"
    out: list[np.ndarray] = []
    with key_table("socsec_line_workers", persons) as workers, connection.cursor() as cursor:
        cursor.execute(
            f"SELECT e.person_id, e.organisation_id, {category} FROM {table} e"  # noqa: S608 - names are ours
            f" JOIN {workers} w ON w.id = e.person_id"
            " WHERE e.start_date <= %s AND (e.end_date IS NULL OR e.end_date >= %s)"
            " ORDER BY e.start_date, e.id",
            [last, first],
        )
        while rows := cursor.fetchmany(FETCH):
            out.append(np.array(rows, dtype=np.int64).reshape(-1, 3))
    found = np.concatenate(out) if out else np.zeros((0, 3), dtype=np.int64)
    return found[:, 0], found[:, 1], found[:, 2]


def oip_line_coverage(lines: pa.Table, month: str) -> np.ndarray:
    """For each assessment line (platform x worker x province x sector), the OIP coverage reason code
    for the month, from the same ``coverage_oip`` rule as the coverage pages: pilot scope, the agency's
    switch for the platform in the province, and the exclusion of workers with a labour relation
    (covered by work-injury insurance). Engagements count when active at any time in the month; of a
    worker's engagements with the same platform, the one started last decides the category."""
    n = lines.num_rows
    if n == 0:
        return np.array([], dtype=np.int64)
    first = month_start(month)
    platform_code, platforms = _codes(lines["platform"])
    province_code, provinces = _codes(lines["province"])
    sector_code, sectors = _codes(lines["sector"])
    persons = lines["person_id"].combine_chunks().to_numpy(zero_copy_only=False).astype(np.int64)

    # the platforms' and provinces' ids, looked up per distinct code (a handful of rows)
    org_ids = dict(Organisation.objects.filter(code__in=platforms).values_list("code", "id"))
    region_ids = dict(Region.objects.filter(code__in=provinces).values_list("code", "id"))
    org_of_platform = np.array([org_ids.get(p, -1) for p in platforms], dtype=np.int64)
    org_of_line = org_of_platform[platform_code]

    # each worker's labour relation anywhere, and the category of the engagement with the line's platform
    person, org, category = _engagements(persons, month)
    labour = np.isin(persons, person[category == LABOUR])
    line_category = np.zeros(n, dtype=np.int64)
    on_platform = np.isin(org, org_of_platform)
    if on_platform.any():
        # (person, organisation) as one key over their ranks, not their ids: ids are up to 2**53, and a
        # product of ids could pass int64 and make two pairs one
        people = np.unique(persons)  # the engagements read are those of the lines' workers
        orgs = np.unique(org_of_platform[org_of_platform >= 0])
        span = orgs.size + 1
        key = np.searchsorted(people, person[on_platform]) * span + np.searchsorted(orgs, org[on_platform])
        cat = category[on_platform]
        # the last engagement per (person, organisation) in (start date, id) order
        reversed_key = key[::-1]
        unique, first_from_end = np.unique(reversed_key, return_index=True)
        latest = cat[::-1][first_from_end]
        line_key = np.searchsorted(people, persons) * span + np.searchsorted(orgs, org_of_line)
        at = np.clip(np.searchsorted(unique, line_key), 0, unique.size - 1)
        hit = (unique[at] == line_key) & (org_of_line >= 0)
        line_category[hit] = latest[at[hit]]

    # the rule, once per distinct platform x province x sector x category x labour relation
    combos = ((platform_code * len(provinces) + province_code) * len(sectors) + sector_code) * len(
        CATEGORIES
    ) + line_category
    combos = combos * 2 + labour
    distinct, inverse = np.unique(combos, return_inverse=True)
    rest, labour_of = np.divmod(distinct, 2)
    rest, category_of = np.divmod(rest, len(CATEGORIES))
    rest, sector_of = np.divmod(rest, len(sectors))
    platform_of, province_of = np.divmod(rest, len(provinces))
    keys = oip_activation_keys(first)
    activated = np.array(
        [
            oip_activated(keys, region_ids.get(provinces[r], -1), None, int(org_of_platform[p]), sectors[s])
            for p, r, s in zip(platform_of.tolist(), province_of.tolist(), sector_of.tolist(), strict=True)
        ],
        dtype=bool,
    )
    reasons = compute(
        "coverage_oip",
        on=np.full(distinct.size, np.datetime64(first, "D")),
        region=np.array(provinces, dtype=str)[province_of],
        sector=np.array(sectors, dtype=str)[sector_of],
        category=np.array(CATEGORIES, dtype=str)[category_of],
        platform=np.ones(distinct.size, dtype=bool),
        activated=activated,
        labour_relation=labour_of.astype(bool),
    )
    return np.asarray(reasons)[inverse.reshape(-1)]
