"""`acuback demo [--patients N] [--registry [N]] [--no-visits]`: load the demo clinics
(idempotent) and print their logins.

With --patients N each clinic is topped up to N patients (episodes, questionnaires, screens,
plans, signed visits) through the bulk path, with a progress bar, and the time each phase took
is printed at the end (on stderr). With --registry a clinic of its own holds a synthetic
research registry the size of the largest acupuncture safety study (230,000 patients, about
2.3 million visits), or N patients. --no-visits leaves the bulk patients' visit history out
(their visits, needled points, painkillers, adverse events and claim lines): a later run does
not add it to patients already loaded. The usual demo keeps its visits either way.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

USUAL_PATIENTS = 30  # acuback.demo.PATIENTS_PER_CLINIC (a test keeps them equal)
MAX_PATIENTS = 1_000_000
REGISTRY_PATIENTS = 230_000  # acuback.demo.REGISTRY_PATIENTS (a test keeps them equal)


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="acuback demo", description=__doc__)
    parser.add_argument("--patients", type=int, default=None, metavar="N",
                        help="patients per clinic (at least the usual 30), added in bulk")
    parser.add_argument("--registry", type=int, nargs="?", const=REGISTRY_PATIENTS, default=None,
                        metavar="N", help="also build the synthetic safety registry: "
                        f"{REGISTRY_PATIENTS:,} patients (or N) in a clinic of its own")
    parser.add_argument("--no-visits", dest="visits", action="store_false",
                        help="leave the bulk patients' visit history out")
    args = parser.parse_args(argv)
    started = time.perf_counter()
    if args.patients is not None and not USUAL_PATIENTS <= args.patients <= MAX_PATIENTS:
        parser.error(f"--patients must be between {USUAL_PATIENTS} and {MAX_PATIENTS}")
    if args.registry is not None and not 1 <= args.registry <= MAX_PATIENTS:
        parser.error(f"--registry must be between 1 and {MAX_PATIENTS}")
    from acuback.cli.django_setup import analyze, migrate, setup

    setup()
    migrate()
    from rich.console import Console
    from rich.table import Table

    from acuback.demo import DEMO_PASSWORD, demo_load, demo_registry

    console = Console(stderr=True)
    bulk = args.patients is not None or args.registry is not None
    phases: list[tuple[str, int, float]] = []
    with _progress(console, phases) as progress:
        logins = demo_load(patients=args.patients or USUAL_PATIENTS, visits=args.visits,
                           progress=progress)
        if args.registry is not None:
            logins += demo_registry(patients=args.registry, visits=args.visits,
                                    progress=progress)
        with progress("statistics", 1):
            analyze(bulk=bulk)
    if bulk:
        console.print(_timings(phases, time.perf_counter() - started))
    table = Table(title=f"acuback demo logins (password for all: {DEMO_PASSWORD})")
    for column in ("clinic", "username", "role", "name"):
        table.add_column(column)
    for login in logins:
        table.add_row(login.clinic, login.username, login.role, login.name)
    Console().print(table)
    return 0


def _timings(phases: list[tuple[str, int, float]], total: float) -> Any:
    """How long each phase took (the same phase of every clinic added up), and in all."""
    from rich.table import Table

    rows: dict[str, list[float]] = {}
    for description, count, seconds in phases:
        row = rows.setdefault(description, [0, 0.0])
        row[0] += count
        row[1] += seconds
    table = Table(title="acuback demo: time per phase")
    table.add_column("phase")
    table.add_column("rows", justify="right")
    table.add_column("seconds", justify="right")
    for description, (count, seconds) in rows.items():
        table.add_row(description, f"{int(count):,}", f"{seconds:.1f}")
    table.add_row("other (set-up, migrations, between phases)", "",
                  f"{total - sum(s for _, _, s in phases):.1f}")
    table.add_row("total", "", f"{total:.1f}")
    return table


@contextmanager
def _progress(console: Any, phases: list[tuple[str, int, float]]
              ) -> Iterator[Callable[..., Any]]:
    """A rich progress display and the `progress(description, total)` the bulk steps call;
    each phase's description, total and seconds are added to `phases` as it ends."""
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeElapsedColumn,
    )

    columns = (TextColumn("{task.description:<18}"), BarColumn(), MofNCompleteColumn(),
               TimeElapsedColumn())
    with Progress(*columns, console=console, disable=not sys.stderr.isatty()) as bar:

        @contextmanager
        def task(description: str, total: int) -> Iterator[Callable[[int], None]]:
            task_id = bar.add_task(description, total=total)
            began = time.perf_counter()
            yield lambda n: bar.advance(task_id, n)
            bar.update(task_id, completed=total)
            phases.append((description, total, time.perf_counter() - began))

        yield task
