"""collectstatic (which `acuback serve` runs at every start) compresses each static file once,
and again only a file it copied anew."""

from __future__ import annotations

import gzip
import os
from pathlib import Path
from typing import Any

from django.core.management import call_command

import acuback

SOURCE = Path(acuback.__file__).parent / "web" / "static" / "acuback" / "acuback.css"


def _collect() -> None:
    call_command("collectstatic", interactive=False, verbosity=0)


def test_it_compresses_a_file_once_and_a_file_copied_anew_again(settings: Any,
                                                                  tmp_path: Path) -> None:
    settings.STATIC_ROOT = tmp_path
    _collect()
    css = tmp_path / "acuback" / "acuback.css"
    compressed = css.with_name("acuback.css.gz")
    assert gzip.decompress(compressed.read_bytes()) == SOURCE.read_bytes()
    written = compressed.stat().st_ctime_ns
    _collect()
    assert compressed.stat().st_ctime_ns == written  # not compressed again

    css.write_text("/* an older release's stylesheet */")
    os.utime(css, (0, 0))  # older than its source: collectstatic copies the source over it
    compressed.write_bytes(gzip.compress(b"/* an older release's stylesheet */"))
    os.utime(compressed, (0, 0))
    _collect()
    assert css.read_bytes() == SOURCE.read_bytes()
    assert gzip.decompress(compressed.read_bytes()) == SOURCE.read_bytes()
