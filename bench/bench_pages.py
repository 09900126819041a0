"""Pages at a clinic network's size: 50,000 patients per clinic, 1 and 20 logged-in users.

For each database (SQLite always; PostgreSQL when ACUBACK_TEST_POSTGRES_URL names a server, in
a database of its own that is dropped afterwards) it builds the demo clinics with
`acuback demo --patients N`, serves them with `acuback serve` (gunicorn), logs users in through
the login form and times search, list, chart, episode and API requests against a bare
logged-in request measured in the same run. Rounds interleave the requests of every kind, so
that noise from the machine falls on all alike. Everything is bounded in count and time and
talks to 127.0.0.1 only.

    python -m bench pages            BENCH_PATIENTS=5000 python -m bench pages   (quicker)
    BENCH_DATABASES=postgresql python -m bench pages                            (one database)
"""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from bench import load, scratch

PATIENTS = int(os.environ.get("BENCH_PATIENTS", "50000"))
PORT = int(os.environ.get("BENCH_PORT", "8119"))
WORKERS = int(os.environ.get("BENCH_WORKERS", "3"))  # acuback serve's default
USERS = (1, 20)
ROUNDS = 4
PER_USER = {1: 20, 20: 5}  # requests each user sends per round: 80 and 400 in all
DEEP_PAGES = 40  # the list page reached by following "Next" this many times
BUILD_LIMIT = 15 * 60.0  # seconds for building one database
ROUNDS_LIMIT = 12 * 60.0  # seconds of requests for one database: no new round after that
PASSWORD = "acuback-demo-2026"  # noqa: S105 - the demo's published password
ROOT = Path(__file__).resolve().parents[1]

# Targets from issue 9.
PAGE_RATIO, P95_MS, SEARCH_RATIO, POSTGRES_RATIO = 2.0, 100.0, 2.0, 1.5


@dataclass(frozen=True)
class Scenario:
    name: str
    path: str
    expect: int = 200


@dataclass
class Result:
    database: str
    build_seconds: float
    probe: dict[str, object]
    figures: dict[str, dict[int, load.Figures]]


def main() -> None:
    # A terminated benchmark still stops its server and drops its database.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit("the pages benchmark was terminated"))
    chosen = os.environ.get("BENCH_DATABASES", "sqlite,postgresql").split(",")
    results = []
    if "sqlite" in chosen:
        results.append(measure("SQLite", sqlite_env))
        print_table(results[-1])
    url = os.environ.get("ACUBACK_TEST_POSTGRES_URL")
    if url and "postgresql" in chosen:
        results.append(measure("PostgreSQL", lambda: scratch.postgres_env(url, "bench_pages")))
        print_table(results[-1])
    elif not url:
        print("PostgreSQL skipped: set ACUBACK_TEST_POSTGRES_URL to measure it too")
    print()
    for line in verdicts(results):
        print(line)


@contextmanager
def sqlite_env() -> Iterator[dict[str, str]]:
    with tempfile.TemporaryDirectory(prefix="acuback-bench-pages-") as data:
        yield {"ACUBACK_DATA_DIR": data}




def measure(database: str, environment) -> Result:  # noqa: ANN001 - a context factory
    with environment() as extra:
        env = {**os.environ, **extra}
        env.pop("ACUBACK_TEST_POSTGRES_URL", None)
        print(f"== {database}: building the demo clinics with {PATIENTS:,} patients each",
              flush=True)
        start = time.perf_counter()
        run([sys.executable, "-m", "acuback", "demo", "--patients", str(PATIENTS)], env)
        build = time.perf_counter() - start
        print(f"   built in {build:.1f} s", flush=True)
        probe = json.loads(run([sys.executable, "-m", "bench.pages_probe"], env))
        with serving(env):
            cookies = [load.login(PORT, "lin", PASSWORD) for _ in range(max(USERS))]
            scenarios = plan(probe, cookies[0])
            figures = rounds(scenarios, cookies, time.monotonic() + ROUNDS_LIMIT)
    return Result(database, build, probe, figures)


def run(command: list[str], env: dict[str, str]) -> str:
    done = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True,  # noqa: S603
                          timeout=BUILD_LIMIT, check=False)
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(command)} failed:\n{done.stderr[-2000:]}")
    return done.stdout


@contextmanager
def serving(env: dict[str, str]) -> Iterator[None]:
    server = subprocess.Popen(  # noqa: S603
        [sys.executable, "-m", "acuback", "serve", "--port", str(PORT), "--workers",
         str(WORKERS)], cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
        start_new_session=True)
    try:
        wait_until_up(server)
        yield
    finally:
        server.terminate()
        try:
            server.wait(20)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


def wait_until_up(server: subprocess.Popen[bytes]) -> None:
    limit = time.monotonic() + 120
    while time.monotonic() < limit:
        if server.poll() is not None:
            raise SystemExit(f"acuback serve exited: {server.stderr.read().decode()[-2000:]}")
        try:
            if load.request(PORT, "/healthz").status == 200:
                return
        except OSError:
            pass
        time.sleep(0.2)
    raise SystemExit("acuback serve did not answer within 2 minutes")


def plan(probe: dict[str, object], cookie: str) -> list[Scenario]:
    search = str(probe["search"])
    return [
        # A logged-in request that does no page work: staff asking for "my record" are sent
        # to the patient list (session, user and membership loaded, one redirect).
        Scenario("bare", "/patients/me/", expect=302),
        Scenario("search", f"/patients/?q={search}"),
        Scenario("search typo", f"/patients/?q={search[:-1]}o"),
        Scenario("list", "/patients/"),
        Scenario(f"list +{DEEP_PAGES}", deep_list_path(cookie)),
        Scenario("chart", f"/patients/{probe['patient']}/"),
        Scenario("episode", f"/episodes/{probe['episode']}/"),
        Scenario("api search", f"/api/patients/?q={search}"),
        Scenario("api episode", f"/api/episodes/{probe['episode']}"),
    ]


def deep_list_path(cookie: str) -> str:
    """Follow the list's own "Next" link DEEP_PAGES times (whatever its paging looks like)."""
    path = "/patients/"
    for _ in range(DEEP_PAGES):
        page = load.request(PORT, path, cookie=cookie)
        found = re.search(rb'rel="next" href="([^"]+)"', page.body)
        if found is None:
            break
        path = found.group(1).decode().replace("&amp;", "&")
    return path


def rounds(scenarios: list[Scenario], cookies: list[str], deadline: float
           ) -> dict[str, dict[int, load.Figures]]:
    for scenario in scenarios:  # warm every worker's caches and connections
        load.batch(PORT, scenario.path, cookies[:WORKERS * 2], 2, scenario.expect)
    runs: dict[tuple[str, int], list[load.Run]] = {}
    for number in range(ROUNDS):
        if number and time.monotonic() > deadline:
            print(f"   time is up: {number} rounds measured", flush=True)
            break
        for users in USERS:
            # Each round starts one scenario later, so none always follows the same one.
            order = scenarios[number % len(scenarios):] + scenarios[:number % len(scenarios)]
            for scenario in order:
                run_ = load.batch(PORT, scenario.path, cookies[:users], PER_USER[users],
                                  scenario.expect)
                runs.setdefault((scenario.name, users), []).append(run_)
        print(f"   round {number + 1} of {ROUNDS} done", flush=True)
    table: dict[str, dict[int, load.Figures]] = {}
    for (name, users), found in runs.items():
        table.setdefault(name, {})[users] = load.figures(found)
    return table


def print_table(result: Result) -> None:
    bare = result.figures["bare"]
    print(f"\n{result.database}: {PATIENTS:,} patients per clinic (built in "
          f"{result.build_seconds:.1f} s), {WORKERS} gunicorn workers")
    print(f"{'':14}{'1 user':>32}{'20 users':>40}")
    print(f"{'':14}{'p50 ms':>9}{'p95 ms':>9}{'req/s':>8}{'x bare':>8}"
          f"{'p50 ms':>11}{'p95 ms':>9}{'req/s':>8}{'x bare':>8}{'x p95':>6}")
    for name, by_users in result.figures.items():
        one, many = by_users[1], by_users[20]
        print(f"{name:14}{one.p50_ms:9.1f}{one.p95_ms:9.1f}{one.per_second:8.0f}"
              f"{one.p50_ms / bare[1].p50_ms:8.2f}{many.p50_ms:11.1f}{many.p95_ms:9.1f}"
              f"{many.per_second:8.0f}{many.p50_ms / bare[20].p50_ms:8.2f}"
              f"{many.p95_ms / bare[20].p95_ms:6.2f}")
    probe = result.probe
    same = "same rows" if probe["same"] else "DIFFERENT rows"
    index_same = "same rows" if probe["index_same"] else "DIFFERENT rows"
    print(f"search selector {probe['search_ms']:.2f} ms against hand-written SQL: the same "
          f"search over the search index {probe['index_sql_ms']:.2f} ms ({index_same}): "
          f"{search_ratio(result):.2f}x; family name equality {probe['sql_ms']:.2f} ms ({same}): "
          f"{search_ratio(result, 'sql_ms'):.2f}x")


def search_ratio(result: Result, baseline: str = "index_sql_ms") -> float:
    """The search selector against hand-written SQL: by default the same search (prefix, one
    typo, exact first) over the search index, the same result by the same means."""
    return float(result.probe["search_ms"]) / float(result.probe[baseline])  # type: ignore[arg-type]


def verdicts(results: list[Result]) -> Iterator[str]:
    def line(ok: bool, text: str) -> str:
        return f"{'PASS' if ok else 'FAIL'}  {text}"

    for result in results:
        pages = {n: f for n, f in result.figures.items() if n != "bare"}
        bare = result.figures["bare"]
        worst = max(pages, key=lambda n: pages[n][1].p50_ms)
        ratio = pages[worst][1].p50_ms / bare[1].p50_ms
        yield line(ratio <= PAGE_RATIO, f"{result.database}: every page <= {PAGE_RATIO}x the "
                   f"bare request at p50 with one user (worst: {worst} {ratio:.2f}x)")
        slow = max(pages, key=lambda n: pages[n][20].p95_ms)
        p95 = pages[slow][20].p95_ms
        yield line(p95 <= P95_MS, f"{result.database}: p95 <= {P95_MS:.0f} ms at 20 users "
                   f"(worst: {slow} {p95:.1f} ms)")
        yield line(search_ratio(result) <= SEARCH_RATIO and bool(result.probe["index_same"]),
                   f"{result.database}: search <= {SEARCH_RATIO}x hand-written SQL over the "
                   f"search index ({search_ratio(result):.2f}x)")
    if len(results) == 2:
        sqlite, postgres = results
        ratios = {n: postgres.figures[n][1].p50_ms / sqlite.figures[n][1].p50_ms
                  for n in sqlite.figures}
        worst = max(ratios, key=ratios.__getitem__)
        yield line(ratios[worst] <= POSTGRES_RATIO, f"PostgreSQL within {POSTGRES_RATIO}x of "
                   f"SQLite at p50 with one user (worst: {worst} {ratios[worst]:.2f}x)")


if __name__ == "__main__":
    main()
