"""`acuback export DIR`: the same NDJSON files as GET /fhir/$export, from the command line."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from acuback.audit.models import AuditEntry
from acuback.cli import main
from tests.personas import World


def test_it_writes_one_ndjson_file_per_type(charted: World, tmp_path: Path,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["export", str(tmp_path / "out"), "--user", "owner", "--quiet"]) == 0
    summary = json.loads(capsys.readouterr().out)
    counts = {o["type"]: o["count"] for o in summary["output"]}
    assert counts["Patient"] == 2 and counts["QuestionnaireResponse"] == 6
    lines = (tmp_path / "out" / "Condition.ndjson").read_text().splitlines()
    assert [json.loads(line)["resourceType"] for line in lines] == ["Condition", "Condition"]


def test_it_exports_a_group_and_chosen_types(charted: World, tmp_path: Path,
                                             capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["export", str(tmp_path), "--user", "owner", "--quiet", "--type", "Patient",
                 "--group", "all"]) == 0
    assert [o["type"] for o in json.loads(capsys.readouterr().out)["output"]] == ["Patient"]


def test_it_audits_the_export_as_the_command_line(charted: World, tmp_path: Path) -> None:
    main(["export", str(tmp_path), "--user", "prac", "--quiet"])
    entry = AuditEntry.objects.get(object_type="bulk_export")
    assert (entry.channel, entry.actor_id) == ("cli", charted.practitioner.pk)


@pytest.mark.parametrize(("args", "message"), [
    (["--user", "nobody"], "no active user 'nobody'"),
    (["--user", "desk"], "only owners and practitioners"),
    (["--user", "owner", "--type", "Medication"], "_type: cannot export Medication"),
    (["--user", "owner", "--since", "last week"], "_since"),
    (["--user", "owner", "--group", "nope"], "no Group/nope"),
])
def test_it_exits_2_on_bad_input(charted: World, tmp_path: Path, args: list[str], message: str,
                                 capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["export", str(tmp_path), "--quiet", *args]) == 2
    assert message in capsys.readouterr().err


def test_it_shows_a_progress_bar(charted: World, tmp_path: Path,
                                 capsys: pytest.CaptureFixture[str]) -> None:
    main(["export", str(tmp_path), "--user", "owner"])
    assert "exporting" in capsys.readouterr().err
