"""The health history over JSON: yes / no / not asked (true / false / null), strict writes (PUT
replaces everything and needs every question, PATCH changes only the keys sent, both need the
version read: 409 with both versions when stale), non-objects refused, versions kept; and a
property over random bodies: no write turns a stored "yes" into "no" or "not asked" unless that
very key was sent."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from acuback.patients.models import (
    HEALTH_KEYS,
    HEALTH_QUESTIONS,
    HealthHistory,
    HealthHistoryVersion,
)
from acuback.plans.models import Plan
from tests.api import payloads
from tests.personas import World, make_patient
from tests.screening.factories import screen

JSON = "application/json"


def url(patient_id: int) -> str:
    return f"/api/patients/{patient_id}/health"


def put(client: Client, patient_id: int, body: object) -> Any:
    return client.put(url(patient_id), json.dumps(body), content_type=JSON)


def patch(client: Client, patient_id: int, body: object) -> Any:
    return client.patch(url(patient_id), json.dumps(body), content_type=JSON)


# --- tri-state out -----------------------------------------------------------------------------


def test_it_answers_null_for_every_question_of_a_new_patient(world: World, client_for) -> None:  # noqa: ANN001
    new = make_patient(world.practitioner, "Nell", "New", asked=False)
    body = client_for("practitioner").get(url(new.pk)).json()
    assert {k: body[k] for k in HEALTH_QUESTIONS} == dict.fromkeys(HEALTH_QUESTIONS)
    assert body["not_asked"] == list(HEALTH_QUESTIONS)
    assert (body["version"], body["answered"]) == (1, {})


def test_it_says_who_answered_when_and_from_whom(world: World, client_for) -> None:  # noqa: ANN001
    client = client_for("practitioner")
    put(client, world.other_patient.pk, payloads.health(source="patient"))
    answered = client.get(url(world.other_patient.pk)).json()["answered"]["anticoagulant"]
    assert (answered["by"], answered["name"], answered["source"]) == (
        world.practitioner.pk, "Pat Lin", "patient")
    assert answered["at"]


# --- finding 1: bodies that are not a whole history -------------------------------------------


@pytest.mark.parametrize("body", [None, 123, [None, None], "pregnant", True])
@pytest.mark.parametrize("method", ["put", "patch"])
def test_it_refuses_a_body_that_is_not_an_object(world: World, client_for, body, method) -> None:  # noqa: ANN001
    client = client_for("practitioner")
    response = (put if method == "put" else patch)(client, world.patient.pk, body)
    payloads.problem(response, 422)
    assert HealthHistory.objects.get(patient=world.patient).version == 2


def test_it_refuses_a_misspelt_key(world: World, client_for) -> None:  # noqa: ANN001
    body = payloads.health()
    body["anticoagulants"] = body.pop("anticoagulant")
    problem = payloads.problem(put(client_for("practitioner"), world.patient.pk, body), 422)
    assert "anticoagulants" in problem["errors"]


def test_it_refuses_a_partial_put_naming_every_missing_question(world: World, client_for) -> None:  # noqa: ANN001
    client = client_for("practitioner")
    problem = payloads.problem(put(client, world.patient.pk, {"version": 2, "source": "patient",
                                                               "pregnant": True}), 422)
    assert {"anticoagulant", "implanted_device", "skin_lesion_regions"} <= set(problem["errors"])
    assert HealthHistory.objects.get(patient=world.patient).implanted_device == "pacemaker"


@pytest.mark.parametrize("value", ["yes", 1, 0, "false"])
def test_it_refuses_an_answer_that_is_not_true_false_or_null(
    world: World, client_for, value  # noqa: ANN001
) -> None:
    response = patch(client_for("practitioner"), world.patient.pk,
                     {"version": 2, "source": "patient", "anticoagulant": value})
    payloads.problem(response, 422)


def test_it_keeps_an_anticoagulated_patients_exclusions_after_a_patch(
    world: World, client_for
) -> None:  # noqa: ANN001
    # The finding: after {"pregnant": true} BL40, KI3 and BL60 came back for a patient on
    # blood thinners. A PATCH of one key leaves every other answer as it was.
    client = client_for("practitioner")
    patch(client, world.patient.pk, {"version": 2, "source": "patient", "anticoagulant": True})
    response = patch(client, world.patient.pk, {"version": 3, "source": "patient",
                                                "pregnant": True})
    assert response.status_code == 200
    assert response.json()["anticoagulant"] is True
    proposal = client.get(f"/api/plans/episode/{world.episode.pk}/proposal").json()
    excluded = {x["code"] for x in proposal["excluded"]}
    points = {p["code"] for p in proposal["points"]}
    assert not {"BL40", "KI3", "BL60"} & points
    assert {"BL40", "KI3"} <= excluded  # a major vessel beneath: the anticoagulant rule


def test_it_sets_an_answer_back_to_not_asked_only_when_sent_null(world: World, client_for) -> None:  # noqa: ANN001
    client = client_for("practitioner")
    body = patch(client, world.patient.pk, {"version": 2, "source": "clinician",
                                            "implanted_device": None}).json()
    assert body["implanted_device"] is None and "implanted_device" in body["not_asked"]
    assert body["pregnant"] is True and "implanted_device" not in body["answered"]


# --- finding 2: versions ------------------------------------------------------------------------


def test_it_refuses_a_stale_version_with_both_versions(world: World, client_for) -> None:  # noqa: ANN001
    first, second = client_for("practitioner"), client_for("owner")
    patch(first, world.other_patient.pk, {"version": 2, "source": "patient",
                                          "anticoagulant": True})
    response = put(second, world.other_patient.pk, payloads.health(anticoagulant=False))
    problem = payloads.problem(response, 409)
    assert (problem["your_version"], problem["current_version"]) == (2, 3)
    assert problem["current"]["anticoagulant"] is True
    assert problem["yours"]["anticoagulant"] is False
    assert problem["current_by"] == "Pat Lin"
    assert HealthHistory.objects.get(patient=world.other_patient).anticoagulant is True


@pytest.mark.parametrize("missing", ["version", "source"])
def test_it_requires_the_version_and_the_source(world: World, client_for, missing: str) -> None:  # noqa: ANN001
    body = payloads.health()
    del body[missing]
    problem = payloads.problem(put(client_for("practitioner"), world.patient.pk, body), 422)
    assert missing in problem["errors"]


def test_it_keeps_every_version_with_what_changed(world: World, client_for) -> None:  # noqa: ANN001
    client = client_for("practitioner")
    patch(client, world.other_patient.pk, {"version": 2, "source": "patient",
                                           "diabetes": True})
    versions = client.get(url(world.other_patient.pk) + "/versions").json()
    assert [v["version"] for v in versions] == [3, 2, 1]
    assert versions[0]["changed"] == {"diabetes": [False, True]}
    assert (versions[0]["recorded_by"], versions[0]["source"]) == ("prac", "patient")
    assert versions[-1]["answers"]["pregnant"] is None  # opened: nothing asked


def test_it_keeps_another_clinics_history_out_of_reach(world: World, client_for) -> None:  # noqa: ANN001
    client = client_for("outsider")
    assert client.get(url(world.patient.pk) + "/versions").status_code == 404
    response = patch(client, world.patient.pk, {"version": 2, "source": "patient",
                                                "pregnant": False})
    payloads.problem(response, 404)
    assert HealthHistory.objects.get(patient=world.patient).pregnant is True


# --- finding 3: no plan on an unknown that decides points or e-stim ---------------------------


def test_it_refuses_a_plan_while_a_deciding_question_is_not_asked(world: World, client_for) -> None:  # noqa: ANN001
    client = client_for("practitioner")
    screen(world.practitioner, world.other_episode)  # clear: the screen does not block
    patch(client, world.other_patient.pk, {"version": 2, "source": "patient",
                                           "anticoagulant": None})
    body = {"based_on": 0, "points": [{"code": "BL23"}], "sessions": 10, "per_week": 2,
            "goals": [{"text": "walk"}], "reassess_after_session": 5}
    response = client.post(f"/api/plans/episode/{world.other_episode.pk}", body,
                           content_type=JSON)
    problem = payloads.problem(response, 409)
    assert "not asked: blood thinners" in problem["detail"]
    assert not Plan.objects.exists()


def test_it_says_in_the_proposal_what_was_not_asked(world: World, client_for) -> None:  # noqa: ANN001
    client = client_for("practitioner")
    patch(client, world.other_patient.pk, {"version": 2, "source": "patient",
                                           "implanted_device": None})
    proposal = client.get(f"/api/plans/episode/{world.other_episode.pk}/proposal"
                          "?estim_requested=true").json()
    assert proposal["not_asked"] == ["implanted_device"]
    assert proposal["estim"]["allowed"] is False
    assert "not allowed until asked: implanted electrical device" in proposal["estim"]["why"]
    assert proposal["warnings"][0].startswith("Not asked: implanted electrical device")


# --- the property: a "yes" is never lost unless its key was sent ------------------------------

ALL_YES: dict[str, object] = {
    "pregnant": True, "pregnancy_weeks": 20, "anticoagulant": True, "bleeding_disorder": True,
    "implanted_device": "pacemaker", "needle_phobia": True, "immunosuppressed": True,
    "diabetes": True, "epilepsy": True, "metal_allergy": True,
    "skin_lesion_regions": ["lower_back"], "skin_conditions": "eczema", "medications": "warfarin",
}
ANSWERS = st.one_of(st.none(), st.booleans(), st.sampled_from(["none", "pacemaker", "yes", ""]),
                    st.integers(-1, 50), st.lists(st.sampled_from(["foot", "nowhere"]),
                                                   max_size=2), st.text(max_size=5))
KEYS = st.sampled_from([*HEALTH_KEYS, "anticoagulants", "pregnancy", "versions"])
BODIES = st.one_of(
    st.dictionaries(KEYS, ANSWERS, max_size=8).map(
        lambda d: {"version": 2, "source": "clinician", **d}),
    st.dictionaries(KEYS, ANSWERS, max_size=4).map(
        lambda d: {**d, "version": 1, "source": "patient"}),  # stale
    st.dictionaries(KEYS, ANSWERS, max_size=3),  # no version, no source
    st.one_of(st.none(), st.integers(), st.lists(st.none(), max_size=2), st.text(max_size=3)),
)
YES = {k: v for k, v in ALL_YES.items() if k in HEALTH_QUESTIONS}


def _all_yes(patient_id: int) -> None:
    fields = {**ALL_YES, "version": 2, "answered": {}}
    HealthHistory.objects.filter(patient_id=patient_id).update(**fields)
    HealthHistoryVersion.objects.filter(history__patient_id=patient_id, version__gt=2).delete()


@settings(max_examples=60, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(method=st.sampled_from(["put", "patch"]), body=BODIES)
def test_it_never_turns_a_yes_into_no_or_not_asked_unless_that_key_was_sent(
    world: World, client_for, method: str, body: object  # noqa: ANN001
) -> None:
    patient_id = world.other_patient.pk
    _all_yes(patient_id)
    response = (put if method == "put" else patch)(client_for("owner"), patient_id, body)
    stored = HealthHistory.objects.get(patient_id=patient_id)
    sent = set(body) if isinstance(body, dict) and response.status_code == 200 else set()
    for key, yes in YES.items():
        if key not in sent:
            assert stored.answer(key) == yes, (key, method, body, response.status_code)
    if response.status_code != 200:
        assert stored.version == 2  # a refused write changes nothing at all
