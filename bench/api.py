"""API reads through the production server (``socsec serve``) against a trivial endpoint of the same
server in the same run: a platform's invoices, one order batch, a person (each with a platform's token),
and a worker's coverage decision with its explanation (with the worker's session), beside ``/healthz``.

Loads the demo pilot into the database (PostgreSQL when ``DATABASE_URL`` is set, else SQLite in a throwaway
var directory), issues a token, starts the server on a free port with the API's rate limits off (they are a
deployment's setting and would refuse a load test), then drives each endpoint for ``--seconds`` with
``--concurrency`` keep-alive connections from an asyncio client in this process (the server is another
process). On a small machine the client takes CPU from the server: the figures are a floor. Prints one
JSON line; per endpoint ``rps``, ``p99_ms``, ``ratio_vs_trivial`` (its rps over the trivial one's) and
``client_cpu_ms_per_request`` (what the client itself spent, warm-up included: on 2 cores, its share).
On Linux also ``server_cpu_ms_per_request`` (the server's processes) and ``database_cpu_ms_per_request``
(every ``postgres`` process this machine shows: a database elsewhere reads as 0), from /proc over the same
span: steadier than the rates when the machine is shared, and where the time goes.

With ``--rounds N`` every endpoint is driven N times, the endpoints taking turns (trivial, invoices, ...,
then again), so a slow spell of a shared machine falls on all of them: each figure is then the median of
the rounds, and ``rounds_rps`` lists every round's.

    .venv/bin/python bench/api.py [--seconds 10] [--concurrency 16] [--rounds 1] [--processes 0] [--threads 8]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

# the issue's targets on 2 cores: simple authenticated reads >= 1,000 requests/s, a coverage decision with its
# explanation >= 300 requests/s at p99 <= 100 ms
TARGETS: dict[str, tuple[float, float | None]] = {
    "invoices": (1000, None),
    "batch": (1000, None),
    "person": (1000, None),
    "coverage_explained": (300, 100),
}


@dataclass(frozen=True)
class Target:
    name: str
    path: str
    headers: str


@dataclass
class Tally:
    latencies: list[float]
    errors: int = 0
    other_status: int = 0
    answered: int = 0  # the warm-up's answers too


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


async def _read_response(reader: asyncio.StreamReader) -> tuple[int, bool]:
    """Reads one HTTP/1.1 response (Content-Length or chunked); returns its status and whether the
    server keeps the connection."""
    head = await reader.readuntil(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split(" ", 2)[1])
    length, chunked, close = 0, False, False
    for line in lines[1:]:
        name, _, value = line.partition(":")
        key = name.strip().lower()
        if key == "content-length":
            length = int(value)
        elif key == "transfer-encoding" and "chunked" in value.lower():
            chunked = True
        elif key == "connection" and "close" in value.lower():
            close = True
    if chunked:
        while True:
            size = int((await reader.readuntil(b"\r\n")).split(b";")[0], 16)
            await reader.readexactly(size + 2)
            if size == 0:
                break
    elif length:
        await reader.readexactly(length)
    return status, not close


async def _client(port: int, target: Target, until: float, measure_from: float, tally: Tally) -> None:
    request = f"GET {target.path} HTTP/1.1\r\nHost: 127.0.0.1\r\n{target.headers}\r\n".encode()
    reader: asyncio.StreamReader | None = None
    writer: asyncio.StreamWriter | None = None
    while time.perf_counter() < until:
        try:
            if writer is None or reader is None:
                reader, writer = await asyncio.open_connection("127.0.0.1", port)
            started = time.perf_counter()
            writer.write(request)
            status, keep = await asyncio.wait_for(_read_response(reader), timeout=60)
            done = time.perf_counter()
            tally.answered += 1
        except (TimeoutError, OSError, asyncio.IncompleteReadError, ValueError, IndexError):
            tally.errors += 1
            writer = reader = None
            continue
        if started >= measure_from:
            tally.latencies.append(done - started)
            if status != 200:
                tally.other_status += 1
        if not keep:
            writer.close()
            writer = reader = None
    if writer is not None:
        writer.close()


async def drive(port: int, target: Target, seconds: float, concurrency: int) -> dict[str, float]:
    tally = Tally([])
    warm = min(1.0, seconds / 4)
    start = time.perf_counter()
    measure_from, until = start + warm, start + warm + seconds
    await asyncio.gather(*(_client(port, target, until, measure_from, tally) for _ in range(concurrency)))
    done = sorted(tally.latencies)
    p99 = done[min(len(done) - 1, int(len(done) * 0.99))] if done else float("nan")
    return {
        "rps": round(len(done) / seconds, 1),
        "p99_ms": round(p99 * 1000, 2),
        "requests": len(done),
        "not_200": tally.other_status,
        "connection_errors": tally.errors,
        "answered": tally.answered,  # with the warm-up: what the CPU figures are spent on
    }


_PROCESS_CPU = ("server_cpu_ms_per_request", "database_cpu_ms_per_request")


def _cpu_seconds(pid: str) -> tuple[str, float]:
    """A process's name and its CPU seconds so far (user and system), from /proc; ("", 0) when gone."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            stat = f.read()
    except OSError:
        return "", 0.0
    name, rest = stat[stat.index("(") + 1 : stat.rindex(")")], stat[stat.rindex(")") + 2 :].split()
    return name, (int(rest[11]) + int(rest[12])) / os.sysconf("SC_CLK_TCK")


def cpu_by_kind(server_pid: int) -> dict[str, float] | None:
    """CPU seconds so far of the server's processes (it and its children) and of every ``postgres``
    process; None where there is no /proc."""
    if not os.path.isdir("/proc"):
        return None
    server = [str(server_pid)]
    try:
        with open(f"/proc/{server_pid}/task/{server_pid}/children") as f:
            server += f.read().split()
    except OSError:
        pass
    out = {"server": sum(_cpu_seconds(pid)[1] for pid in server), "database": 0.0}
    for pid in os.listdir("/proc"):
        if pid.isdigit():
            name, seconds = _cpu_seconds(pid)
            if name == "postgres":
                out["database"] += seconds
    return out


def median_of(runs: list[dict[str, float]]) -> dict[str, float]:
    """One endpoint's rounds as one: the median of each rate and time; requests, errors and other answers
    summed (a round with any error makes the target unmet); with several rounds, each round's rps."""
    out: dict[str, Any] = {
        key: round(statistics.median(r[key] for r in runs), 3)
        for key in ("rps", "p99_ms", "client_cpu_ms_per_request", *_PROCESS_CPU)
        if all(key in r for r in runs)
    }
    out["requests"] = sum(r["requests"] for r in runs)
    out["not_200"] = sum(r["not_200"] for r in runs)
    out["connection_errors"] = sum(r["connection_errors"] for r in runs)
    if len(runs) > 1:
        out["rounds_rps"] = [r["rps"] for r in runs]
    return out


def seed() -> tuple[list[Target], str]:
    """The demo pilot (loaded once per database), a fresh platform token and worker session; the targets."""
    import django

    django.setup()
    from django.core.management import call_command
    from django.test import Client

    from socsec.accounts.models import User
    from socsec.accounts.services import token_issue
    from socsec.audit.services import Actor
    from socsec.contributions.models import Invoice, OrderBatch
    from socsec.demo.load import load_demo
    from socsec.registry.models import Engagement, Organisation

    call_command("migrate", verbosity=0)
    loaded_now = not Organisation.objects.filter(code="swiftride").exists()
    if loaded_now:  # a database is loaded once, whatever var dir
        load_demo(workers=400)
    platform = Organisation.objects.get(code="swiftride")
    _token, key = token_issue(actor=Actor.system("bench"), organisation=platform, name="bench api")
    batch = OrderBatch.objects.filter(platform=platform).order_by("pk").first()
    engagement = Engagement.objects.filter(organisation=platform).order_by("pk").first()
    assert batch is not None and engagement is not None and Invoice.objects.filter(platform=platform).exists()
    session = Client()
    session.force_login(User.objects.get(username="worker"))
    cookie = f"Cookie: sessionid={session.cookies['sessionid'].value}\r\n"
    bearer = f"Authorization: Bearer {key}\r\n"
    targets = [
        Target("trivial", "/healthz", ""),
        Target("invoices", "/api/invoices", bearer),
        Target("batch", f"/api/orders/batches/{batch.pk}", bearer),
        Target("person", f"/api/persons/{engagement.person_id}", bearer),
        Target("coverage_explained", "/api/me/coverage?explain=true", cookie),
    ]
    database = "postgresql" if os.environ.get("DATABASE_URL") else "sqlite"
    if database == "postgresql" and loaded_now:  # analysed now, not by autovacuum during the first endpoints
        from django.db import connection

        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
    return targets, database


def start_server(port: int, processes: int, threads: int) -> subprocess.Popen[bytes]:
    command = [sys.executable, "-m", "socsec.cli", "serve", "--port", str(port), "--no-worker"]
    command += ["--threads", str(threads)]
    if processes:
        command += ["--processes", str(processes)]
    log = open(Path(os.environ["SOCSEC_VAR_DIR"]) / "serve.log", "wb")  # noqa: SIM115  # the server's, kept
    server = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:  # every worker process answers once the first one does
        if server.poll() is not None:
            raise SystemExit(f"socsec serve exited with {server.returncode}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=5) as probe:
                probe.sendall(b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
                if probe.recv(12).startswith(b"HTTP/1.1 200"):
                    time.sleep(2 if processes else 0)  # the other processes finish starting
                    return server
        except OSError:
            pass
        time.sleep(0.2)
    server.kill()
    raise SystemExit("socsec serve did not listen within 60 s")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=10.0, help="measured seconds per endpoint")
    parser.add_argument("--concurrency", type=int, default=16, help="keep-alive connections")
    parser.add_argument(
        "--processes",
        type=int,
        default=len(os.sched_getaffinity(0)),
        help="server processes, Granian (default: one a core, as the README deploys it); 0: waitress, one process",
    )
    parser.add_argument("--threads", type=int, default=8, help="threads per server process")
    parser.add_argument("--rounds", type=int, default=1, help="turns of every endpoint; figures are medians")
    args = parser.parse_args()
    var = os.environ.setdefault("SOCSEC_VAR_DIR", tempfile.mkdtemp(prefix="socsec-bench-api-"))
    Path(var).mkdir(parents=True, exist_ok=True)
    os.environ["DJANGO_SETTINGS_MODULE"] = "socsec.settings"
    os.environ["SOCSEC_API_RATE_PER_TOKEN"] = "0"
    os.environ["SOCSEC_API_RATE_PER_IP"] = "0"
    targets, database = seed()
    port = free_port()
    server = start_server(port, args.processes, args.threads)
    try:
        rounds: dict[str, list[dict[str, float]]] = {t.name: [] for t in targets}
        for _ in range(max(1, args.rounds)):
            for t in targets:
                cpu, processes = time.process_time(), cpu_by_kind(server.pid)
                figures = asyncio.run(drive(port, t, args.seconds, args.concurrency))
                spent = time.process_time() - cpu  # the client: one process, so at most one core
                after = cpu_by_kind(server.pid)
                client_each = 1000 / max(1, figures["requests"])  # as before: the warm-up's CPU in it
                figures["client_cpu_ms_per_request"] = round(spent * client_each, 3)
                each = 1000 / max(1, figures.pop("answered"))  # every answer of the span, the warm-up's too
                if processes is not None and after is not None:
                    figures["server_cpu_ms_per_request"] = round((after["server"] - processes["server"]) * each, 3)
                    postgres = after["database"] - processes["database"]
                    figures["database_cpu_ms_per_request"] = round(postgres * each, 3)
                rounds[t.name].append(figures)
        results = {name: median_of(runs) for name, runs in rounds.items()}
    finally:
        server.terminate()
        server.wait(timeout=30)
    trivial = results["trivial"]["rps"] or float("nan")
    for name, figures in results.items():
        figures["ratio_vs_trivial"] = round(figures["rps"] / trivial, 3)
        if name in TARGETS:
            rps, p99 = TARGETS[name]
            figures["target_met"] = (  # every answer a 200: a fast refusal meets nothing
                figures["rps"] >= rps
                and (p99 is None or figures["p99_ms"] <= p99)
                and figures["not_200"] == 0
                and figures["connection_errors"] == 0
            )
    print(
        json.dumps(
            {
                "bench": "api",
                "database": database,
                "server": f"granian, {args.processes} processes" if args.processes else "waitress",
                "threads": args.threads,
                "concurrency": args.concurrency,
                "seconds": args.seconds,
                "rounds": max(1, args.rounds),
                "cpus": len(os.sched_getaffinity(0)),  # the targets are for 2
                "endpoints": results,
            }
        )
    )


if __name__ == "__main__":
    main()
