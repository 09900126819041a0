"""The visits' command line: `acuback lots find`, `acuback visits import` (the lock on the import
path, idempotent) and `acuback visits verify`, run in-process on the test database; and
`acuback lots find` for real in a fresh data directory."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from acuback.cli import main as acuback_main
from acuback.visits.models import Visit
from tests.personas import World
from tests.visits.factories import LOT, ready, signed


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = acuback_main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def episode(world: World):  # noqa: ANN201
    return ready(world)


def test_it_finds_every_visit_that_used_a_lot(world: World, episode, capsys) -> None:  # noqa: ANN001
    first, second = signed(world), signed(world)
    code, out, _ = run(capsys, "lots", "find", LOT)
    rows = json.loads(out)
    assert code == 0 and [r["visit_id"] for r in rows] == [first.pk, second.pk]
    assert set(rows[0]) == {"visit_id", "date", "patient_id", "practitioner"}
    assert rows[0]["patient_id"] == world.other_patient.pk


def test_it_prints_an_empty_array_for_an_unknown_lot(world: World, episode, capsys) -> None:  # noqa: ANN001
    signed(world)
    code, out, _ = run(capsys, "lots", "find", "NO-SUCH-LOT")
    assert (code, json.loads(out)) == (0, [])


def test_it_narrows_a_lot_to_one_clinic(world: World, episode, capsys) -> None:  # noqa: ANN001
    signed(world)
    code, out, _ = run(capsys, "lots", "find", LOT, "--clinic", world.clinic_b.slug)
    assert (code, json.loads(out)) == (0, [])
    assert run(capsys, "lots", "find", LOT, "--clinic", "nowhere")[0] == 2


def import_file(tmp_path: Path, world: World, **changes: Any) -> str:
    record = {"external_id": "ehr-991", "episode_id": world.other_episode.pk,
              "subjective": "Charted in the old system", "painkillers_taken": False,
              "needles_in": 2, "needles_out": 2, "minutes_without_estim": 20,
              "points": [{"code": "BL23", "side": "bilateral", "lot": LOT}], **changes}
    path = tmp_path / "visits.json"
    path.write_text(json.dumps([record]))
    return str(path)


def test_it_imports_a_visit_once_however_often_the_file_is_imported(
        world: World, episode, capsys, tmp_path: Path) -> None:  # noqa: ANN001
    path = import_file(tmp_path, world)
    code, out, _ = run(capsys, "visits", "import", path, "--user", "prac")
    assert code == 0 and json.loads(out)[0]["created"] is True
    code, out, _ = run(capsys, "visits", "import", path, "--user", "prac")
    assert code == 0 and json.loads(out)[0]["created"] is False
    visit = Visit.objects.get()
    assert (visit.external_id, visit.subjective, visit.status) == (
        "ehr-991", "Charted in the old system", "draft")
    assert [p.code for p in visit.points.all()] == ["BL23"]


def test_it_refuses_to_import_over_a_signed_visit(world: World, episode, capsys,  # noqa: ANN001
                                                  tmp_path: Path) -> None:
    from acuback.visits.signing import sign_checked

    path = import_file(tmp_path, world)
    run(capsys, "visits", "import", path, "--user", "prac")
    visit = Visit.objects.get()
    sign_checked(actor=world.practitioner, visit=visit, version=visit.version,
                 attested="test")
    code, _, err = run(capsys, "visits", "import",
                       import_file(tmp_path, world, subjective="rewritten"), "--user", "prac")
    assert code == 2 and "signed and locked" in err
    assert Visit.objects.get().subjective == "Charted in the old system"


@pytest.mark.parametrize(("changes", "words"), [
    ({"points": [{"code": "BL99"}]}, "Unknown point 'BL99'; did you mean BL67"),
    ({"episode_id": 99999}, "no such episode"),
    ({"anticoagulants": True}, "Extra inputs are not permitted"),
])
def test_it_refuses_a_bad_record_with_a_clear_message(world: World, episode, capsys,  # noqa: ANN001
                                                      tmp_path: Path, changes: dict,
                                                      words: str) -> None:
    code, _, err = run(capsys, "visits", "import", import_file(tmp_path, world, **changes),
                       "--user", "prac")
    assert code == 2 and words in err and not Visit.objects.exists()


def test_it_refuses_an_import_into_another_clinic(world: World, episode, capsys,  # noqa: ANN001
                                                  tmp_path: Path) -> None:
    path = import_file(tmp_path, world, episode_id=world.episode_b.pk)
    code, _, err = run(capsys, "visits", "import", path, "--user", "prac")
    assert code == 2 and "no such episode" in err


def test_it_verifies_signed_visits_and_flags_a_tampered_one(world: World, episode,  # noqa: ANN001
                                                            capsys) -> None:
    visit = signed(world)
    code, out, _ = run(capsys, "visits", "verify")
    assert code == 0 and "every one matches" in out
    Visit.objects.filter(pk=visit.pk).update(assessment="edited in the database")
    code, out, _ = run(capsys, "visits", "verify")
    assert code == 1 and f"visit {visit.pk}:" in out and "TAMPERED" in out
