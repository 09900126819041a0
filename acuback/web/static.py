"""The static files' storage: whitenoise's compressed storage, compressing only what changed."""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any

from whitenoise.storage import CompressedStaticFilesStorage


class ChangedCompressedStaticFilesStorage(CompressedStaticFilesStorage):
    """whitenoise's CompressedStaticFilesStorage gzips every file at each collectstatic, and
    `acuback serve` runs collectstatic at every start: 1.4 s of each start for some 300 files.
    whitenoise gives a file's .gz the file's own modification time, so a .gz with that time was
    made from this very copy and is kept; a file collectstatic copied anew has a new time and is
    compressed again (as is one without a .gz)."""

    def post_process(self, paths: dict[str, Any], dry_run: bool = False,
                     **options: Any) -> Iterator[Any]:
        changed = {name: found for name, found in paths.items() if not self._compressed(name)}
        yield from super().post_process(changed, dry_run, **options)

    def _compressed(self, name: str) -> bool:
        path = self.path(name)
        try:
            # whitenoise sets the time from a float: equal to within rounding, not to the ns.
            return abs(os.stat(path + ".gz").st_mtime - os.stat(path).st_mtime) < 1e-3
        except FileNotFoundError:
            return False
