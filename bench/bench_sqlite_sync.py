"""What `PRAGMA synchronous=FULL` costs SQLite's writes against NORMAL, both measured in this run.

In WAL mode, NORMAL syncs the log only at checkpoints: a committed write survives the process
being killed but can be lost if the machine loses power before the next checkpoint. FULL syncs
the log at every commit, so an acknowledged write survives a power cut too. Each transaction
here is what a page view that writes does to the database: BEGIN IMMEDIATE, one row of the
audit trail's shape, COMMIT, on a file in a temporary folder (the disk acuback's data dir
would be on, if ACUBACK_BENCH_DIR points there).
"""

from __future__ import annotations

import os
import sqlite3
import tempfile
import time
from pathlib import Path

SECONDS = float(os.environ.get("BENCH_SECONDS", "3"))
ROW = ("2026-12-01T10:00:00+00:00", 7, "prac", 1, "read", "patient", "42", "web",
       "192.0.2.1", "ok", '{"ids": [1, 2, 3]}', "0" * 64, "f" * 64)


def commits_per_second(path: Path, synchronous: str) -> float:
    db = sqlite3.connect(path, isolation_level=None)
    db.execute("PRAGMA journal_mode=WAL")
    db.execute(f"PRAGMA synchronous={synchronous}")
    db.execute("CREATE TABLE IF NOT EXISTS entry (id INTEGER PRIMARY KEY, at, actor_id, "
               "actor_username, clinic_id, action, object_type, object_id, channel, "
               "client_addr, outcome, detail, prev_hash, hash)")
    done, stop_at = 0, time.perf_counter() + SECONDS
    began = time.perf_counter()
    while time.perf_counter() < stop_at:
        db.execute("BEGIN IMMEDIATE")
        db.execute("INSERT INTO entry (at, actor_id, actor_username, clinic_id, action, "
                   "object_type, object_id, channel, client_addr, outcome, detail, prev_hash, "
                   "hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", ROW)
        db.execute("COMMIT")
        done += 1
    rate = done / (time.perf_counter() - began)
    db.close()
    return rate


def main() -> None:
    with tempfile.TemporaryDirectory(dir=os.environ.get("ACUBACK_BENCH_DIR")) as folder:
        normal = commits_per_second(Path(folder) / "normal.sqlite3", "NORMAL")
        full = commits_per_second(Path(folder) / "full.sqlite3", "FULL")
    print(f"SQLite write transactions, WAL: synchronous=FULL {full:,.0f}/s, "
          f"NORMAL {normal:,.0f}/s; FULL takes {normal / full:.1f}x the time per commit "
          f"({1000 / full:.2f} ms against {1000 / normal:.2f} ms)")


if __name__ == "__main__":
    main()
