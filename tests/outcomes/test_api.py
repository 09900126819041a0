"""The outcome over JSON, the clinic ledger over JSON, and the patient's own progress in plain
words (the function the portal calls)."""

from __future__ import annotations

import pytest

from acuback.accounts.access import NotFound
from acuback.outcomes.selectors import own_episode_outcome
from acuback.outcomes.words import patient_progress
from tests.api.payloads import problem
from tests.outcomes.factories import measure, responder
from tests.personas import World


def test_it_answers_the_whole_outcome_with_its_versions(world: World, client_for) -> None:  # noqa: ANN001
    episode = responder(world)
    body = client_for("practitioner").get(f"/api/outcomes/episodes/{episode.pk}").json()
    odi = next(i for i in body["instruments"] if i["instrument"] == "odi")
    change = odi["follow_ups"][-1]["change"]
    assert (odi["baseline"]["total"], odi["latest"]["total"]) == (46, 30)
    assert (change["improvement"], change["meets_points"], change["meets_percent"]) == (
        16, True, True)
    assert body["painkillers"]["verdict"] == "improved"
    assert [p["days_per_week"] for p in body["painkillers"]["points"]] == [6, 0, 0, 2]
    assert body["adverse_events"]["events"] == 1
    assert body["adverse_events"]["per_1000_treatments"]["rate"] == pytest.approx(333.33, 0.01)
    assert body["goals"][0]["status"] == "not_yet"
    assert body["recommendation"]["recommendation"] == "continue"
    assert body["improvement"]["status"] == "improving"
    assert body["versions"]["progress_rules"] == "progress/acuback-1"
    assert "CDC-2022" in body["versions"]["data"]
    claims = {c["claim"]: c["verdict"] for c in body["claims"]["claims"]}
    assert claims["inflammation"] == "not_measured" and claims["pain_relief"] == "improved"


def test_it_answers_another_clinics_episode_as_not_found(world: World, client_for) -> None:  # noqa: ANN001
    responder(world)
    response = client_for("outsider").get(f"/api/outcomes/episodes/{world.other_episode.pk}")
    problem(response, 404)


def test_it_counts_the_clinic_ledger_over_json(world: World, client_for) -> None:  # noqa: ANN001
    responder(world)
    body = client_for("owner").get("/api/outcomes/claims").json()
    pain = next(c for c in body["claims"] if c["claim"] == "pain_relief")
    assert pain["counts"]["improved"] == 1 and pain["improved"]["judged"] == 1
    assert body["episodes"] == 2  # Ada's and Grace's; clinic B's is not counted


def test_it_refuses_since_after_until(world: World, client_for) -> None:  # noqa: ANN001
    response = client_for("owner").get("/api/outcomes/claims?since=2026-05-01&until=2026-01-01")
    assert problem(response, 422)["errors"] == {"since": ["since comes after until"]}


def test_it_tells_the_patient_their_own_progress_in_plain_words(world: World) -> None:
    measure(world, world.episode, "nrs", 5, 30, "baseline")
    measure(world, world.episode, "nrs", 8, 2)
    measure(world, world.episode, "odi", 46, 30, "baseline")
    lines = patient_progress(own_episode_outcome(actor=world.patient_user,
                                                 episode_id=world.episode.pk))
    assert [(line.name, line.tone) for line in lines] == [("Pain", "worse"),
                                                        ("Everyday activities", "neutral")]
    assert lines[0].words.startswith("Worse: from 5 at the start to 8 now.")
    assert "Measured once so far (46)" in lines[1].words


@pytest.mark.parametrize("persona", ["patient_user", "practitioner"])
def test_it_finds_no_one_elses_episode_for_the_portal(world: World, persona: str) -> None:
    with pytest.raises(NotFound):
        own_episode_outcome(actor=world.persona(persona),
                            episode_id=world.other_episode.pk)  # type: ignore[arg-type]
