"""Registry list page: server time with 2,000 enterprises, next to an empty page (baseline).

Runs in-process on a throw-away SQLite file (or DDT_BENCH_DATABASE_URL) with the Django test
client; prints p50/p95 per page and the ratio of p95 to the baseline's p95.
"""

from __future__ import annotations

import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ENTERPRISES = int(os.environ.get("DDT_BENCH_ENTERPRISES", "2000"))
ROUNDS = int(os.environ.get("DDT_BENCH_ROUNDS", "60"))
PASSWORD = "Bench-Pass-2026"  # noqa: S105 - throw-away benchmark database


def _setup() -> None:
    sys.path.insert(0, str(ROOT))
    tmp = tempfile.mkdtemp(prefix="ddt-bench-")
    os.environ.setdefault("DDT_DATABASE_URL", os.environ.get("DDT_BENCH_DATABASE_URL", ""))
    if not os.environ["DDT_DATABASE_URL"]:
        os.environ["DDT_DATABASE_URL"] = f"sqlite:///{tmp}/bench.sqlite3"
    os.environ["DJANGO_SETTINGS_MODULE"] = "diandiantong.settings.test"
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def _seed() -> None:
    from accounts.services import user_create
    from codes.loaders import load_all
    from codes.models import County
    from enterprises.demo import generate_uscc, make_customs_code
    from enterprises.models import Enterprise

    load_all()
    counties = list(County.objects.all())
    rng = random.Random(7)
    rows: list[Enterprise] = []
    seen: set[str] = set()
    while len(rows) < ENTERPRISES:
        county = rng.choice(counties)
        uscc = generate_uscc(rng, region=county.code)
        if uscc in seen:
            continue
        seen.add(uscc)
        rows.append(
            Enterprise(
                uscc=uscc,
                customs_code=make_customs_code(rng, county.code),
                name=f"连云港基准测试企业{len(rows):05d}有限公司",
                county=county,
                kind=rng.choice(["manufacturer", "trader"]),
                status="active",
                first_cbec_year=rng.choice([2022, 2023, 2024, 2025]),
            )
        )
    Enterprise.objects.bulk_create(rows, batch_size=500)
    user_create(actor=None, username="bench", password=PASSWORD, role="city_reviewer")


def _time(client: object, url: str) -> list[float]:
    samples = []
    for _ in range(ROUNDS):
        start = time.perf_counter()
        response = client.get(url)  # type: ignore[attr-defined]
        samples.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200, (url, response.status_code)
    return samples


def p95(samples: list[float]) -> float:
    return statistics.quantiles(samples, n=20)[18]


def main() -> int:
    _setup()
    _seed()
    from django.test import Client

    client = Client(HTTP_HOST="127.0.0.1")
    assert client.login(username="bench", password=PASSWORD)
    pages = [
        ("baseline: /healthz", "/healthz"),
        ("registry list", "/enterprises/"),
        ("registry list, county filter", "/enterprises/?county=320722"),
        ("registry search", "/enterprises/?q=00123"),
        ("API list (25)", "/api/v1/enterprises?limit=25"),
    ]
    for _label, url in pages:  # warm-up
        _time_once = client.get(url)
        assert _time_once.status_code == 200
    results = [(label, _time(client, url)) for label, url in pages]
    base = p95(results[0][1])
    print(f"{ENTERPRISES} enterprises, {ROUNDS} requests per page (in-process, server time)")
    print(f"{'page':32} {'p50 ms':>8} {'p95 ms':>8} {'ratio p95':>10}")
    for label, samples in results:
        p50, high = statistics.median(samples), p95(samples)
        print(f"{label:32} {p50:8.1f} {high:8.1f} {high / base:10.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
