"""`acuback score --jsonl` throughput against a JSON echo baseline, both measured in this run.

The baseline is a Python subprocess that parses each request line and dumps it back, the least
any JSONL tool must do; the ratio says how much scoring (validation, rules, bands) costs on top.
Both include interpreter start-up, so they are compared like for like.
"""

from __future__ import annotations

import json
import random
import subprocess
import sys
import time
from pathlib import Path

from acuback.clinical.instruments import INSTRUMENTS

REQUESTS = 100_000
SEED = 20240611
ROOT = Path(__file__).resolve().parents[1]

# Parse and re-dump each line, buffered like the real command: the cost of touching the data.
ECHO = """
import json, sys
out = [json.dumps(json.loads(line)) for line in sys.stdin.buffer]
sys.stdout.write("\\n".join(out) + "\\n")
"""


def requests(count: int = REQUESTS, seed: int = SEED) -> bytes:
    """Random valid requests over every instrument, about one in twenty with a skipped item."""
    rng = random.Random(seed)
    definitions = list(INSTRUMENTS.values())
    lines = []
    for _ in range(count):
        definition = rng.choice(definitions)
        answers: list[int | None] = [rng.choice(sorted(item.codes)) for item in definition.items]
        if rng.random() < 0.05:
            answers[rng.randrange(len(answers))] = None
        lines.append(json.dumps({"instrument": definition.id, "answers": answers}))
    return ("\n".join(lines) + "\n").encode()


def timed(command: list[str], data: bytes) -> tuple[float, bytes]:
    start = time.perf_counter()
    done = subprocess.run(command, input=data, capture_output=True, cwd=ROOT, check=False)  # noqa: S603
    elapsed = time.perf_counter() - start
    if done.returncode != 0:
        raise SystemExit(f"{command} failed ({done.returncode}): {done.stderr.decode()[-500:]}")
    return elapsed, done.stdout


def main() -> None:
    data = requests()
    score_seconds, out = timed([sys.executable, "-m", "acuback", "score", "--jsonl"], data)
    echo_seconds, _ = timed([sys.executable, "-c", ECHO], data)
    answered = out.count(b"\n")
    if answered != REQUESTS:
        raise SystemExit(f"expected {REQUESTS} output lines, got {answered}")
    rate = REQUESTS / score_seconds
    print(
        f"score --jsonl: {REQUESTS:,} requests in {score_seconds:.2f} s = {rate:,.0f}/s; "
        f"{score_seconds / echo_seconds:.1f}x the time of a json parse+dump echo "
        f"({REQUESTS / echo_seconds:,.0f}/s)"
    )


if __name__ == "__main__":
    main()
