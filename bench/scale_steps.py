"""One size of the scale benchmark, in its own process: build the database (or find it built), then time
each step in a forked child under the time cap, so that a slow step reports "timeout" and is stopped
(its PostgreSQL backend too) instead of holding the run."""

from __future__ import annotations

import argparse
import multiprocessing
import os
import sys
import tempfile
import time
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any

import numpy as np


def one_size(args: argparse.Namespace) -> dict[str, Any]:
    os.environ["DJANGO_SETTINGS_MODULE"] = "socsec.settings"
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    built = _already_built(args.persons) if args.reuse else None
    build = built or build_database(args.persons, args.chunk, args.seed)
    return {"persons": args.persons, "build": build, "steps": {} if args.build_only else time_steps(args)}


def _already_built(persons: int) -> dict[str, Any] | None:
    from django.db import connection
    from scale_load import BUILT

    from socsec.contributions.models import OwnContribution
    from socsec.registry.models import Person

    built, keyed = True, True
    if connection.vendor == "postgresql":  # a build stopped after dropping the keys, or before making them again
        with connection.cursor() as cur:
            cur.execute("SELECT obj_description('registry_person'::regclass, 'pg_class')")
            built = cur.fetchone()[0] == BUILT
            cur.execute("SELECT count(*) FROM pg_constraint WHERE conrelid = 'registry_person'::regclass")
            keyed = cur.fetchone()[0] > 0
    held = Person.objects.count()
    if held == persons and built and OwnContribution.objects.exists():
        return {"reused": True}
    if held or not keyed:
        raise SystemExit(f"--reuse: the database holds {held} persons, not {persons} built whole; drop it")
    return None


def build_database(persons: int, chunk: int, seed: int) -> dict[str, Any]:
    import pyarrow as pa
    from scale_load import Loader, reference_data
    from scale_records import benefits, engagements, own_contributions
    from scale_rows import FieldCipher, chunks, draw_people, person_table, resident_ids
    from stdnum.cn import ric

    from socsec.core.fields import keyring

    started = time.perf_counter()
    ref = reference_data()
    pooled = _pooled_ciphertexts()
    rid = FieldCipher(keyring(), "registry.person.resident_id", "registry.person.resident_id")
    name = FieldCipher(keyring(), "registry.person.name", "registry.person.name")
    rid.check("110101199001010011", "110101199001010011")
    name.check("王伟", "王伟")
    rng = np.random.default_rng(seed)
    people = draw_people(rng, persons, ref)
    for drawn in resident_ids(people, slice(0, 1000)):
        ric.validate(drawn)  # the registry's own check: county, birth day, check digit
    loader = Loader()
    loader.begin()
    draw_s, persons_s = 0.0, 0.0
    tx_offset = 12 * (persons + 2)  # own contributions' transactions after the benefit payments'
    # one chunk is written (by the database, on another core) while the next is drawn
    with ThreadPoolExecutor(max_workers=1) as writer:
        writer.submit(loader.open_load).result()
        pending: Future[None] | None = None
        for sl in chunks(persons, chunk):
            start = time.perf_counter()
            person_rows = person_table(people, sl, ref, rid, name)
            persons_s += time.perf_counter() - start
            start = time.perf_counter()
            eng = engagements(rng, people, sl, ref)
            paid = benefits(rng, people, sl, ref, eng, pooled)
            own = own_contributions(rng, people, sl, ref, tx_offset)
            tables: dict[str, pa.Table] = {"registry_person": person_rows, "registry_engagement": eng}
            for part in (paid, own):
                for table, data in part.items():
                    tables[table] = pa.concat_tables([tables[table], data]) if table in tables else data
            draw_s += time.perf_counter() - start
            if pending is not None:
                pending.result()
            pending = writer.submit(loader.write, tables)
            elapsed = time.perf_counter() - started
            print(f"scale: {sl.stop}/{persons} persons drawn, {elapsed:.0f} s", file=sys.stderr, flush=True)
        if pending is not None:
            pending.result()
        writer.submit(loader.close_load).result()
    phases = loader.finish()
    return {
        "total_s": round(time.perf_counter() - started, 2),
        "persons_draw_encrypt_s": round(persons_s, 2),
        "records_draw_s": round(draw_s, 2),
        "write_s_by_table": {t: round(s, 2) for t, s in loader.seconds.items()},
        **{f"{p}_s": round(s, 2) for p, s in phases.items()},
        "rows": dict(loader.rows),
    }


def _pooled_ciphertexts() -> dict[str, str]:
    from socsec.core.fields import keyring

    ring = keyring()
    return {
        "facts": ring.encrypt("{}", context="benefits.claim.facts"),
        "assessment": ring.encrypt("{}", context="benefits.claim.assessment"),
        "beneficiary": ring.encrypt("", context="benefits.award.beneficiary"),
    }


def _samples(persons: int, count: int, seed: int) -> tuple[list[str], list[str], list[int]]:
    """Names and resident IDs of random persons (read back and decrypted), and persons with records."""
    from scale_rows import person_ids

    from socsec.contributions.models import OwnContribution
    from socsec.registry.models import Person

    rng = np.random.default_rng(seed + 1)
    ks = rng.integers(1, persons + 1, count * 5)
    ids = [int(i) for i in person_ids(ks)]
    found = Person.objects.in_bulk(ids[:count])
    people = [found[i] for i in ids[:count] if i in found]
    with_records = set(OwnContribution.objects.filter(person_id__in=ids).values_list("person_id", flat=True))
    statement_ids = [i for i in ids if i in with_records][: count // 2]
    statement_ids += [i for i in ids if i not in with_records][: count - len(statement_ids)]
    return [p.name for p in people], [p.resident_id for p in people], statement_ids


def time_steps(args: argparse.Namespace) -> dict[str, Any]:
    from django.db import transaction
    from scale import adapters, quiet

    names, resident_ids, statement_ids = _samples(args.persons, args.samples, args.seed)
    step = adapters()
    out_dir = tempfile.mkdtemp(prefix="scale-export-")

    def rolled_back(fn: Callable[[], Any]) -> Callable[[], float]:
        def run() -> float:
            with transaction.atomic():
                start = time.perf_counter()
                quiet(fn)
                elapsed = time.perf_counter() - start
                transaction.set_rollback(True)  # the database stays as built, for --reuse
            _vacuumed()  # untimed
            return elapsed

        return run

    def timed(fn: Callable[[], Any]) -> Callable[[], float]:
        def run() -> float:
            start = time.perf_counter()
            fn()
            return time.perf_counter() - start

        return run

    def p95(fn: Callable[[Any], Any], inputs: list[Any]) -> Callable[[], float]:
        def run() -> float:
            for value in inputs[:5]:
                fn(value)  # warm the connection and the caches
            times = []
            for value in inputs:
                start = time.perf_counter()
                fn(value)
                times.append(time.perf_counter() - start)
            return float(np.percentile(times, 95)) if times else 0.0

        return run

    wanted = args.steps.split(",")
    orders: list[dict[str, Any]] = []
    if "risk_screen" in wanted:
        from django.conf import settings
        from scale import OVERVIEW_ON
        from scale_orders import accept_batches, write_orders

        orders = write_orders(settings.DATA_DIR, until=OVERVIEW_ON, seed=args.seed)

    def screened() -> Any:
        accept_batches(orders)  # as the ingestion leaves them, in the rolled-back transaction
        return step["risk_screen"]()

    plan: dict[str, Callable[[], float]] = {
        "pay_run": rolled_back(step["pay_run"]),
        "overview_count": timed(step["overview_count"]),
        "overview": timed(step["overview"]),
        "search_name_p95": p95(step["search"], names),
        "search_resident_id_p95": p95(step["search"], resident_ids),
        "statement_p95": p95(step["statement"], statement_ids),
        "export": rolled_back(lambda: step["export"](os.path.join(out_dir, "records.csv"))),
        "fund_dashboard": timed(step["fund_dashboard"]),
        "coverage_stats": timed(step["coverage_stats"]),
        "risk_screen": rolled_back(screened),
    }
    unknown = sorted(set(wanted) - set(plan))
    if unknown:
        raise SystemExit(f"--steps: no step {', '.join(unknown)}; the steps are {', '.join(plan)}")
    results: dict[str, Any] = {}
    for name, fn in plan.items():
        if name in wanted:
            results[name] = _capped(fn, args.step_timeout)
    if "risk_screen" in wanted:
        rows = _screening_rows() + sum(b["rows"] for b in orders)
        results["risk_rows"] = rows
        seconds = results.get("risk_screen")
        if isinstance(seconds, float) and rows:
            results["risk_seconds_per_million_rows"] = round(seconds / (rows / 1e6), 3)
    results["unit"] = "seconds (p95: over the sampled queries)"
    results["samples"] = {"names": len(names), "resident_ids": len(resident_ids), "statements": len(statement_ids)}
    return results


def _vacuumed() -> None:
    """On PostgreSQL, what a rolled-back step wrote stays in the tables and their indexes, dead, until a
    vacuum, and the planner's probes of an index's ends (the range of a join key) walk those entries: after
    the pay run at 10M persons every worker's statement spent 8-27 ms planning its ledger queries (about 2,000
    buffers each) instead of under 2 ms. Vacuumed, the next step finds the database as a commit leaves it."""
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("VACUUM")


def _screening_rows() -> int:
    """The database rows the screening reads: claims, engagements, benefit payments, death notices."""
    from socsec.benefits.models import BenefitPayment, Claim, DeathNotice
    from socsec.registry.models import Engagement

    paid = BenefitPayment.objects.filter(kind=BenefitPayment.Kind.PAYMENT).count()
    return Claim.objects.count() + Engagement.objects.count() + paid + DeathNotice.objects.count()


def _capped(fn: Callable[[], float], timeout: float) -> float | str:
    """``fn`` in a forked child; its seconds, "timeout" (the child and its database backend stopped), or
    "error: ..."."""
    from django.db import connection, connections

    connections.close_all()
    context = multiprocessing.get_context("fork")
    parent, child = context.Pipe(duplex=False)

    def work() -> None:
        try:
            if connection.vendor == "postgresql":
                with connection.cursor() as cur:
                    cur.execute("SELECT pg_backend_pid()")
                    child.send(("backend", cur.fetchone()[0]))
            child.send(("done", fn()))
        except BaseException as exc:  # noqa: BLE001 - reported in the JSON
            child.send(("error", f"{type(exc).__name__}: {exc}"[:300]))

    process = context.Process(target=work)
    process.start()
    backend, deadline = None, time.monotonic() + timeout
    outcome: float | str = "timeout"
    while True:
        left = deadline - time.monotonic()
        if left <= 0 or not parent.poll(min(left, 1.0)):
            if left <= 0:
                break
            if not process.is_alive() and not parent.poll(0):
                outcome = "error: the step's process died"
                break
            continue
        kind, value = parent.recv()
        if kind == "backend":
            backend = value
            continue
        outcome = round(value, 4) if kind == "done" else f"error: {value}"
        break
    if process.is_alive():
        process.kill()
    process.join()
    if outcome == "timeout" and backend is not None:
        with connection.cursor() as cur:
            cur.execute("SELECT pg_terminate_backend(%s)", [backend])
    return outcome
