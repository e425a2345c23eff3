"""Cost of the encryption of personal data per value (encrypt, decrypt, blind index of a resident ID),
against building the row's CSV line that a bank file or an export writes anyway (same values, same run).
Prints JSON; the ratios compare both in the same run on the same machine.

    .venv/bin/python bench/bench_crypto.py [--values 50000]
"""

from __future__ import annotations

import argparse
import json
import time
from collections.abc import Callable

from socsec.core.crypto import KeyRing, normalise_identifier

CTX = "registry.person.resident_id"


def per_value_us(values: list[str], work: Callable[[str], object]) -> float:
    started = time.perf_counter()
    for value in values:
        work(value)
    return (time.perf_counter() - started) / len(values) * 1e6


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--values", type=int, default=50_000)
    args = parser.parse_args()
    ring = KeyRing(current=bytes(range(32)), index_key=bytes(range(1, 33)))
    values = [f"110105{19600101 + i % 400000:08d}{i % 1000:03d}X" for i in range(args.values)]
    tokens = [ring.encrypt(v, context=CTX) for v in values]
    baseline = per_value_us(values, lambda v: ",".join([v, "张伟", "2026-11", "123.45"]))
    encrypt = per_value_us(values, lambda v: ring.encrypt(v, context=CTX))
    token_of = dict(zip(values, tokens, strict=True))
    decrypt = per_value_us(values, lambda v: ring.decrypt(token_of[v], context=CTX))
    index = per_value_us(values, lambda v: ring.blind_index(normalise_identifier(v), context=CTX))
    print(
        json.dumps(
            {
                "values": args.values,
                "csv_line_us": round(baseline, 2),
                "encrypt_us": round(encrypt, 2),
                "decrypt_us": round(decrypt, 2),
                "blind_index_us": round(index, 2),
                "decrypt_over_csv_line": round(decrypt / baseline, 1),
            },
            indent=2,
        )
    )


if __name__ == "__main__":
    main()
