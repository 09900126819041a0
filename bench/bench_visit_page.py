"""The visit page of a patient with 200 past visits against a bare page, both measured in this
run on the same server.

Builds, in a scratch SQLite data directory, a patient with 200 signed past visits (and one with
a single past visit) through the visit services (`python -m bench.visit_history`), serves them
with `acuback serve` on 127.0.0.1, logs in through the login form and times, one user, rounds
interleaved so the machine's noise falls on all alike:

- bare page: a page that is only the site's frame (header, navigation, an empty list: the
  "unsigned visits" page of a colleague with nothing to sign), the target's baseline;
- bare request: a logged-in request that renders nothing (`/patients/me/`: staff are
  redirected to the patient list), as the pages benchmark measures it, for comparison;
- today's visit page (the draft being charted) of the patient with 200 past visits, and of the
  patient with one (so that any cost growing with the history shows);
- a signed past visit's page, and the episode's visits page listing all 200.

Target (issue 10): the visit page of the patient with 200 past visits at most 2x the bare page
at p50 (the ratio to the bare request is printed too). BENCH_ROUNDS (default 8) and
BENCH_PORT (default 8117) change the run.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from bench import load

PORT = int(os.environ.get("BENCH_PORT", "8117"))
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "8"))
PER_ROUND = 15
WORKERS = 2
TARGET = 2.0  # issue 10: at most 2x a bare page
ROOT = Path(__file__).resolve().parents[1]


@dataclass(frozen=True)
class Scenario:
    name: str
    path: str
    expect: int = 200
    user: int = 0  # which logged-in user sends it


def main() -> None:
    with tempfile.TemporaryDirectory(prefix="acuback-bench-visits-") as data:
        env = {**os.environ, "ACUBACK_DATA_DIR": data}
        for name in ("ACUBACK_DATABASE_URL", "ACUBACK_TEST_POSTGRES_URL"):
            env.pop(name, None)
        print("building a patient with 200 signed visits through the services", flush=True)
        started = time.perf_counter()
        built = json.loads(_run([sys.executable, "-m", "bench.visit_history"], env))
        print(f"   built in {time.perf_counter() - started:.1f} s", flush=True)
        with _serving(env):
            cookies = [load.login(PORT, built["username"], built["password"]),
                       load.login(PORT, built["colleague"], built["password"])]
            scenarios = [
                Scenario("bare page", "/visits/unsigned/", user=1),
                Scenario("bare request", "/patients/me/", expect=302),
                Scenario("visit, 200 past", f"/visits/{built['draft']}/"),
                Scenario("visit, 1 past", f"/visits/{built['short_draft']}/"),
                Scenario("signed visit", f"/visits/{built['signed']}/"),
                Scenario("episode visits", f"/visits/episode/{built['episode']}/"),
            ]
            figures = _rounds(scenarios, cookies)
    _report(figures)


def _run(command: list[str], env: dict[str, str]) -> str:
    done = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True,  # noqa: S603
                          timeout=900, check=False)
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(command)} failed:\n{done.stderr[-2000:]}")
    return done.stdout


class _serving:
    def __init__(self, env: dict[str, str]) -> None:
        self.env = env

    def __enter__(self) -> None:
        self.server = subprocess.Popen(  # noqa: S603
            [sys.executable, "-m", "acuback", "serve", "--port", str(PORT), "--workers",
             str(WORKERS)], cwd=ROOT, env=self.env, stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE, start_new_session=True)
        limit = time.monotonic() + 120
        while time.monotonic() < limit:
            if self.server.poll() is not None:
                raise SystemExit(f"acuback serve exited: {self.server.stderr.read()[-2000:]!r}")
            try:
                if load.request(PORT, "/healthz").status == 200:
                    return
            except OSError:
                time.sleep(0.2)
        raise SystemExit("acuback serve did not answer within 2 minutes")

    def __exit__(self, *exc: object) -> None:
        self.server.terminate()
        try:
            self.server.wait(20)
        except subprocess.TimeoutExpired:
            self.server.kill()
            self.server.wait()


def _rounds(scenarios: list[Scenario], cookies: list[str]) -> dict[str, load.Figures]:
    for scenario in scenarios:  # warm both workers
        cookie = cookies[scenario.user]
        load.batch(PORT, scenario.path, [cookie, cookie], 3, scenario.expect)
    runs: dict[str, list[load.Run]] = {}
    for number in range(ROUNDS):
        shift = number % len(scenarios)  # no scenario always follows the same one
        for scenario in scenarios[shift:] + scenarios[:shift]:
            run = load.batch(PORT, scenario.path, [cookies[scenario.user]], PER_ROUND,
                             scenario.expect)
            runs.setdefault(scenario.name, []).append(run)
    return {name: load.figures(found) for name, found in runs.items()}


def _report(figures: dict[str, load.Figures]) -> None:
    bare = figures["bare page"].p50_ms
    request = figures["bare request"].p50_ms
    print(f"\n{'':18}{'p50 ms':>9}{'p95 ms':>9}{'x bare page':>13}{'x bare request':>16}"
          f"   (1 user, {WORKERS} workers, {ROUNDS} rounds)")
    for name, found in figures.items():
        print(f"{name:18}{found.p50_ms:9.1f}{found.p95_ms:9.1f}{found.p50_ms / bare:13.2f}"
              f"{found.p50_ms / request:16.2f}")
    ratio = figures["visit, 200 past"].p50_ms / bare
    growth = figures["visit, 200 past"].p50_ms / figures["visit, 1 past"].p50_ms
    verdict = "PASS" if ratio <= TARGET else "FAIL"
    print(f"\n{verdict}  visit page with 200 past visits: {ratio:.2f}x the bare page at p50 "
          f"(target <= {TARGET}x; {figures['visit, 200 past'].p50_ms / request:.2f}x the bare "
          f"request); {growth:.2f}x the same page with 1 past visit")


if __name__ == "__main__":
    main()
