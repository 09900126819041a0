"""`acuback instruments load-wording FILE` (and `template`), with invented wording only."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from acuback.accounts.models import Clinic
from acuback.assessments.models import LicensedWording
from acuback.audit.models import AuditEntry
from acuback.cli import main
from tests.assessments.conftest import invented_wording
from tests.personas import World


def test_it_loads_wording_for_the_named_clinic(world: World, wording_file: Path) -> None:
    assert main(["instruments", "load-wording", str(wording_file), "--clinic", "riverside"]) == 0
    row = LicensedWording.objects.get()
    assert (row.clinic, row.instrument, row.language) == (world.clinic_a, "odi", "en-GB")


def test_it_stores_the_files_content(world: World, wording_file: Path) -> None:
    main(["instruments", "load-wording", str(wording_file), "--clinic", "riverside"])
    assert LicensedWording.objects.get().content == invented_wording("odi")


def test_it_confirms_in_one_line(
    world: World, wording_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    main(["instruments", "load-wording", str(wording_file), "--clinic", "riverside"])
    out = capsys.readouterr().out
    assert out == ("Loaded odi wording (en-GB) for Riverside Acupuncture [riverside], from "
                   "Test licence 0001 (invented wording for tests).\n")


def test_it_records_who_loaded_it(world: World, wording_file: Path) -> None:
    main(["instruments", "load-wording", str(wording_file), "--clinic", "riverside",
          "--user", "owner"])
    assert LicensedWording.objects.get().loaded_by == world.owner


def test_it_audits_the_load_on_the_cli_channel(world: World, wording_file: Path) -> None:
    main(["instruments", "load-wording", str(wording_file), "--clinic", "riverside"])
    entry = AuditEntry.objects.get(object_type="licensed_wording")
    assert (entry.channel, entry.clinic_id) == ("cli", world.clinic_a.pk)


def test_it_needs_the_clinic_when_several_exist(
    world: World, wording_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["instruments", "load-wording", str(wording_file)]) == 2
    assert "choose one with --clinic (hillview, riverside)" in capsys.readouterr().err
    assert not LicensedWording.objects.exists()


def test_it_takes_the_only_clinic_without_being_told(db: None, wording_file: Path) -> None:
    clinic = Clinic.objects.create(name="Solo Clinic", slug="solo")
    assert main(["instruments", "load-wording", str(wording_file)]) == 0
    assert LicensedWording.objects.get().clinic == clinic


def test_it_exits_2_with_the_cores_message_on_a_misfit(
    world: World, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = invented_wording("odi")
    del data["items"][3]["options"]["5"]
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(data))
    assert main(["instruments", "load-wording", str(path), "--clinic", "riverside"]) == 2
    err = capsys.readouterr().err
    assert "item 4 (walking): options must label exactly the codes" in err
    assert not LicensedWording.objects.exists()


def test_it_exits_2_on_a_file_that_is_not_json(
    world: World, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "bad.json"
    path.write_text("{not json")
    assert main(["instruments", "load-wording", str(path), "--clinic", "riverside"]) == 2
    assert "not valid JSON" in capsys.readouterr().err


def test_it_exits_2_on_a_missing_file(world: World, tmp_path: Path) -> None:
    missing = tmp_path / "missing.json"
    assert main(["instruments", "load-wording", str(missing), "--clinic", "riverside"]) == 2


def test_it_exits_2_on_an_unknown_clinic(
    world: World, wording_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["instruments", "load-wording", str(wording_file), "--clinic", "nowhere"]) == 2
    assert "no clinic with slug 'nowhere'" in capsys.readouterr().err


def test_it_refuses_a_user_of_another_clinic(world: World, wording_file: Path) -> None:
    code = main(["instruments", "load-wording", str(wording_file), "--clinic", "riverside",
                 "--user", "outsider"])
    assert code == 2
    assert not LicensedWording.objects.exists()


def test_it_prints_an_empty_wording_file_to_fill_in(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["instruments", "template", "isi"]) == 0
    template = json.loads(capsys.readouterr().out)
    assert (template["instrument"], len(template["items"])) == ("isi", 7)


def test_it_exits_2_on_a_template_for_an_unknown_instrument() -> None:
    assert main(["instruments", "template", "oswestry"]) == 2
