"""The OIP coverage of assessed lines: for each line of a month's assessment, the coverage reason code
from the rules, so that only covered lines are charged."""

from __future__ import annotations

import numpy as np
import pyarrow as pa
from django.db.models import Q

from socsec.batch.orders import month_start
from socsec.core.months import month_index, month_last_day
from socsec.coverage.selectors import oip_activated, oip_activation_keys
from socsec.registry.models import Engagement, Organisation, Region
from socsec.rules.coverage import Category
from socsec.rules.engine import compute


def oip_line_coverage(lines: pa.Table, month: str) -> np.ndarray:
    """For each assessment line (platform x worker x province x sector), the OIP coverage reason code
    for the month, from the same ``coverage_oip`` rule as the coverage pages: pilot scope, the agency's
    switch for the platform in the province, and the exclusion of workers with a labour relation
    (covered by work-injury insurance). Engagements count when active at any time in the month."""
    n = lines.num_rows
    if n == 0:
        return np.array([], dtype=np.int64)
    first = month_start(month)
    last = month_last_day(month_index(first))
    platforms = lines["platform"].to_numpy(zero_copy_only=False).astype(str)
    persons = lines["person_id"].to_numpy()
    provinces = lines["province"].to_numpy(zero_copy_only=False).astype(str)
    sectors = lines["sector"].to_numpy(zero_copy_only=False).astype(str)
    org_ids = dict(Organisation.objects.filter(code__in=set(platforms.tolist())).values_list("code", "id"))
    region_ids = dict(Region.objects.filter(code__in=set(provinces.tolist())).values_list("code", "id"))
    active = (
        Engagement.objects.filter(person_id__in=set(persons.tolist()), start_date__lte=last)
        .filter(Q(end_date__isnull=True) | Q(end_date__gte=first))
        .order_by("start_date", "id")
        .values_list("person_id", "organisation_id", "category")
    )
    labour: set[int] = set()
    category: dict[tuple[int, int], str] = {}
    for person_id, org_id, cat in active:
        if cat == Category.LABOUR_RELATION:
            labour.add(person_id)
        category[(person_id, org_id)] = cat  # the latest engagement in the month wins
    keys = oip_activation_keys(first)
    org_of_line = np.array([org_ids.get(p, -1) for p in platforms])
    activated = np.array(
        [
            oip_activated(keys, region_ids.get(prov, -1), None, int(org), sector)
            for prov, org, sector in zip(provinces, org_of_line, sectors, strict=True)
        ]
    )
    return compute(
        "coverage_oip",
        on=np.full(n, np.datetime64(first, "D")),
        region=provinces,
        sector=sectors,
        category=np.array([category.get((int(p), int(o)), "") for p, o in zip(persons, org_of_line, strict=True)]),
        platform=np.ones(n, dtype=bool),
        activated=activated,
        labour_relation=np.array([int(p) in labour for p in persons]),
    )
