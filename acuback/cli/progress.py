"""Progress bars for long commands, on stderr so that stdout stays for what a machine reads."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager

from rich.console import Console
from rich.progress import BarColumn, Progress, TaskProgressColumn, TextColumn, TimeElapsedColumn


@contextmanager
def progress_bars() -> Iterator[Callable[[str], Callable[[int, int], None]]]:
    """`bar = new("Copying")` gives a callback `bar(done, total)` for one step of the work."""
    with Progress(TextColumn("{task.description:<22}"), BarColumn(), TaskProgressColumn(),
                  TimeElapsedColumn(), console=Console(stderr=True)) as shown:

        def new(description: str) -> Callable[[int, int], None]:
            task = shown.add_task(description, total=None)

            def update(done: int, total: int) -> None:
                shown.update(task, completed=done, total=max(total, 1))

            return update

        yield new
