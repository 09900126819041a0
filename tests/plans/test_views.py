"""The treatment plan page and its HTMX partials."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from acuback.plans.models import Plan
from acuback.screening.services import referral_record
from tests.personas import World, make_episode
from tests.plans.factories import save
from tests.screening.factories import URGENT, screen

REASON = "Discussed with the patient; her midwife agrees"


def _url(world: World, name: str = "plan_episode") -> str:
    return reverse(name, args=[world.episode.pk])


def _post(**extra: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "based_on": "0", "pattern": "", "sessions": "10", "per_week": "2",
        "goal_instrument_0": "odi", "goal_comparator_0": "<", "goal_target_0": "20",
        "goal_text_0": "", "reassess_after_session": "5", "reassess_on": "",
        "code": ["BL23", "BL60"], "side_BL23": "bilateral", "why_BL23": "Cherkin core",
        "side_BL60": "left", "why_BL60": "distal point for the bladder channel",
    }
    return {**data, **extra}


@pytest.fixture
def screened(world: World) -> World:
    screen(world.practitioner, world.episode)
    return world


def test_it_shows_why_planning_is_blocked_and_no_form_before_a_screen(
    world: World, client_for
) -> None:
    page = client_for("practitioner").get(_url(world))
    html = page.content.decode()
    assert 'data-testid="plan-blocked"' in html
    assert "Screen for red flags first" in html
    assert 'id="plan-form"' not in html


def test_it_shows_the_block_after_an_urgent_screen_until_cleared(
    world: World, client_for
) -> None:
    s = screen(world.practitioner, world.episode, *URGENT)
    client = client_for("practitioner")
    assert 'id="plan-form"' not in client.get(_url(world)).content.decode()
    referral_record(actor=world.practitioner, screening=s, outcome="cleared_by_physician",
                    note="GP: no sign of malignancy")
    assert 'id="plan-form"' in client.get(_url(world)).content.decode()


def test_it_refuses_a_post_while_planning_is_blocked(world: World, client_for) -> None:
    screen(world.practitioner, world.episode, *URGENT)
    client_for("practitioner").post(_url(world), _post())
    assert not Plan.objects.exists()


def test_it_proposes_points_with_their_why(screened: World, client_for) -> None:
    page = client_for("practitioner").get(_url(screened))
    editor = page.context["editor"]
    assert [r.code for r in editor.rows][:3] == ["BL23", "BL40", "KI3"]
    html = page.content.decode()
    assert "Cherkin 2009 standardised set" in html
    assert 'data-testid="excluded"' in html and "BL60" in html


def test_it_proposes_again_with_a_pattern(screened: World, client_for) -> None:
    page = client_for("practitioner").get(_url(screened), {"pattern": "kidney_deficiency"})
    assert "BL52" in [r.code for r in page.context["editor"].rows]


def test_it_refuses_an_excluded_point_without_override_and_keeps_what_was_typed(
    screened: World, client_for
) -> None:
    page = client_for("practitioner").post(_url(screened), _post(override_reason_BL60=REASON))
    assert not Plan.objects.exists()
    html = page.content.decode()
    assert "The plan is not saved yet" in html
    assert "BL60 is excluded for this patient: tagged pregnancy_avoid" in html
    rows = {r.code: r for r in page.context["editor"].rows}
    assert (rows["BL60"].side, rows["BL60"].why) == ("left",
                                                     "distal point for the bladder channel")
    assert rows["BL60"].override_reason == REASON
    assert page.context["editor"].form["goal_target_0"].value() == "20"


def test_it_saves_with_the_override_and_shows_it_on_the_plan(
    screened: World, client_for
) -> None:
    response = client_for("practitioner").post(
        _url(screened), _post(override_BL60="on", override_reason_BL60=REASON), follow=True
    )
    plan = Plan.objects.get()
    bl60 = plan.points.get(code="BL60")
    assert (bl60.overridden, bl60.override_reason, bl60.side) == (True, REASON, "left")
    html = response.content.decode()
    assert "The treatment plan is saved" in html
    assert 'data-testid="saved-override-BL60"' in html and REASON in html


def test_it_shows_the_form_errors_beside_the_fields(screened: World, client_for) -> None:
    page = client_for("practitioner").post(
        _url(screened), _post(code=["BL23"], sessions="40", goal_instrument_0="", goal_target_0="")
    )
    form = page.context["editor"].form
    assert "sessions" in form.errors and "goal_instrument_0" in form.errors


def test_it_starts_a_revision_from_the_current_plan(screened: World, client_for) -> None:
    save(screened.practitioner, screened.episode, ["BL23", "BL60"],
         overrides={"BL60": REASON})
    page = client_for("practitioner").get(_url(screened))
    editor = page.context["editor"]
    assert [(r.code, r.override) for r in editor.rows] == [("BL23", False), ("BL60", True)]
    assert editor.form["based_on"].value() == 1
    assert "Your revision (saves version 2)" in page.content.decode()


def test_it_refuses_a_stale_revision(screened: World, client_for) -> None:
    save(screened.practitioner, screened.episode, ["BL23"])
    page = client_for("practitioner").post(_url(screened), _post(code=["BL25"]))
    assert "newer plan (version 1)" in page.content.decode()
    assert Plan.objects.count() == 1


def test_it_shows_a_past_version(screened: World, client_for) -> None:
    save(screened.practitioner, screened.episode, ["BL23"])
    save(screened.practitioner, screened.episode, ["BL25"], based_on=1)
    page = client_for("practitioner").get(
        reverse("plan_version", args=[screened.episode.pk, 1])
    )
    assert page.context["plan"].number == 1
    assert "replaced by version 2" in page.content.decode()


def test_it_answers_404_for_a_version_that_does_not_exist(screened: World, client_for) -> None:
    page = client_for("practitioner").get(reverse("plan_version",
                                                  args=[screened.episode.pk, 3]))
    assert page.status_code == 404


def test_it_searches_the_catalogue_and_marks_exclusions(screened: World, client_for) -> None:
    page = client_for("practitioner").get(_url(screened, "plan_search"), {"q": "kunlun"})
    html = page.content.decode()
    assert "BL60" in html and "Kūnlún" in html and "昆仑" in html
    assert "excluded for this patient" in html and "avoid in pregnancy" in html


def test_it_renders_one_row_with_the_override_for_an_excluded_point(
    screened: World, client_for
) -> None:
    page = client_for("practitioner").get(_url(screened, "plan_point"), {"code": "BL60"})
    html = page.content.decode()
    assert 'data-testid="override-BL60"' in html
    assert 'name="override_reason_BL60"' in html


def test_it_answers_404_for_an_unknown_point(screened: World, client_for) -> None:
    page = client_for("practitioner").get(_url(screened, "plan_point"), {"code": "BL99"})
    assert page.status_code == 404


@pytest.mark.parametrize("name", ["plan_episode", "plan_search", "plan_point"])
def test_it_refuses_front_desk(screened: World, client_for, name: str) -> None:
    assert client_for("front_desk").get(_url(screened, name)).status_code == 403


@pytest.mark.parametrize("name", ["plan_episode", "plan_search", "plan_point"])
def test_it_hides_another_clinics_episode(screened: World, client_for, name: str) -> None:
    assert client_for("outsider").get(_url(screened, name)).status_code == 404


def test_it_refuses_a_plan_posted_by_front_desk(screened: World, client_for) -> None:
    response = client_for("front_desk").post(_url(screened), _post())
    assert response.status_code == 403
    assert not Plan.objects.exists()


def test_it_shows_red_flags_and_plan_on_the_episode_page(screened: World, client_for) -> None:
    save(screened.practitioner, screened.episode, ["BL23", "BL60"], overrides={"BL60": REASON})
    html = client_for("practitioner").get(
        reverse("episode_detail", args=[screened.episode.pk])).content.decode()
    assert 'data-testid="care-panel"' in html
    assert "No red flags at the screen" in html
    assert "Plan version 1:" in html and "BL60" in html
    assert reverse("plan_episode", args=[screened.episode.pk]) in html


def test_it_keeps_the_panel_off_the_patients_own_episode_page(
    screened: World, client_for
) -> None:
    page = client_for("patient_user").get(reverse("episode_detail",
                                                  args=[screened.episode.pk]))
    assert page.status_code == 200
    assert 'data-testid="care-panel"' not in page.content.decode()


def test_it_shows_each_episodes_red_flag_status_on_the_chart(world: World, client_for) -> None:
    screen(world.practitioner, world.episode, *URGENT)
    make_episode(world.practitioner, world.patient, region="sacroiliac", icd10_code="M53.3")
    html = client_for("practitioner").get(
        reverse("patient_detail", args=[world.patient.pk])).content.decode()
    assert "Urgent referral: blocked" in html
    assert "not screened" in html
    assert html.count("screening/care.css") == 1  # linked once, not once per episode


# --- the health history decides too: unknown is not no ----------------------------------------


def _unask(world: World, **questions: object) -> None:
    from acuback.patients.models import HealthHistory

    HealthHistory.objects.filter(patient=world.patient).update(**questions)


def test_it_shows_no_form_while_a_deciding_question_is_not_asked(
    client_for: Any, screened: World
) -> None:
    _unask(screened, anticoagulant=None)
    page = client_for("practitioner").get(_url(screened)).content.decode()
    assert 'data-testid="plan-not-asked"' in page and "Not asked: blood thinners" in page
    assert 'data-testid="plan-blocked"' in page and 'id="plan-form"' not in page
    assert reverse("health_edit", args=[screened.patient.pk]) in page


def test_it_refuses_a_posted_plan_while_a_deciding_question_is_not_asked(
    client_for: Any, screened: World
) -> None:
    _unask(screened, skin_lesion_regions=None)
    response = client_for("practitioner").post(_url(screened), _post(
        override_BL60="on", override_reason_BL60=REASON))
    assert response.status_code == 200 and not Plan.objects.exists()


def test_it_plans_with_an_amber_note_when_only_a_technique_question_is_open(
    client_for: Any, screened: World
) -> None:
    _unask(screened, diabetes=None)
    page = client_for("practitioner").get(_url(screened)).content.decode()
    assert "Not asked: diabetes" in page and 'id="plan-form"' in page
    assert 'data-testid="plan-blocked"' not in page


def test_the_plan_form_saves_its_own_questionnaires_and_a_revision_starts_from_them(
        screened: World, client_for) -> None:
    client = client_for("practitioner")
    response = client.post(_url(screened), _post(
        code=["BL23"], q_instrument_0="phq9", q_moment_0="before_visit", q_n_0="4",
        q_instrument_1="", q_moment_1="every", q_n_1=""), follow=True)
    assert Plan.objects.get().questionnaires == [
        {"instrument": "phq9", "moment": "before_visit", "n": 4}]
    assert "PHQ-9 before visit 4" in response.content.decode()
    form = client.get(_url(screened)).context["editor"].form
    assert (form["q_instrument_0"].value(), form["q_n_0"].value()) == ("phq9", 4)
    refused = client.post(_url(screened), _post(
        based_on="1", code=["BL23"], q_instrument_0="", q_moment_0="before_visit", q_n_0="",
        q_instrument_1="phq9", q_moment_1="discharge", q_n_1="4"))
    errors = refused.context["editor"].form.errors
    assert list(errors) == ["q_instrument_1"], errors  # beside its own row: discharge takes no n
    assert refused.context["editor"].form["q_n_1"].value() == "4"  # the input is kept
    assert Plan.objects.count() == 1


def test_a_revision_on_the_page_keeps_every_questionnaire_of_a_plan_saved_over_the_api(
        screened: World, client_for) -> None:
    from acuback.plans.services import Questionnaire, Reassess
    own = [Questionnaire("phq9", "before_visit", 2), Questionnaire("pgic", "every", 3),
           Questionnaire("nrs", "before_visit", 4), Questionnaire("peg", "after_discharge", 6)]
    save(screened.practitioner, screened.episode, ["BL23"], reassess=Reassess(after_session=5),
         questionnaires=own)
    client = client_for("practitioner")
    page = client.get(_url(screened))
    form = page.context["editor"].form
    assert len(form.questionnaire_rows()) == 5  # the plan's four and a blank row
    posted = {k: ("" if v is None else str(v)) for k, v in form.initial.items()
              if k.startswith("q_")}
    assert client.post(_url(screened), _post(based_on="1", code=["BL23"], **posted)
                       ).status_code == 302
    assert Plan.objects.get(number=2).questionnaires == Plan.objects.get(number=1).questionnaires


def test_the_plan_form_refuses_a_number_without_its_questionnaire_and_keeps_it(
        screened: World, client_for) -> None:
    refused = client_for("practitioner").post(_url(screened), _post(
        code=["BL23"], q_instrument_0="", q_moment_0="every", q_n_0="3"))
    form = refused.context["editor"].form
    assert form.errors["q_instrument_0"] == ["Choose the questionnaire, or clear n."]
    assert (form["q_moment_0"].value(), form["q_n_0"].value()) == ("every", "3")
    assert not Plan.objects.exists()


def test_a_revision_on_the_page_keeps_every_goal_of_a_plan_saved_over_the_api(
        screened: World, client_for) -> None:
    from acuback.plans.services import Goal
    goals = [Goal(instrument="odi", comparator="<", target=20.0),
             Goal(instrument="nrs", comparator="<=", target=3.5),
             Goal(text="walk the dog for 30 minutes"), Goal(text="sleep through the night")]
    save(screened.practitioner, screened.episode, ["BL23"], goals=goals)
    client = client_for("practitioner")
    form = client.get(_url(screened)).context["editor"].form
    assert len(form.score_goal_rows()) == 3 and len(form.text_goal_rows()) == 3  # and a blank
    assert (form["goal_instrument_1"].value(), form["goal_comparator_1"].value(),
            form["goal_target_1"].value()) == ("nrs", "<=", 3.5)
    assert form["goal_target_0"].value() == 20  # shown as 20, not 20.0
    posted = {k: ("" if v is None else str(v)) for k, v in form.initial.items()
              if k.startswith("goal_")}
    assert client.post(_url(screened), _post(based_on="1", code=["BL23"], **posted)
                       ).status_code == 302
    assert Plan.objects.get(number=2).goals == Plan.objects.get(number=1).goals
    assert len(Plan.objects.get(number=2).goals) == 4


def test_the_plan_form_saves_a_second_goal_typed_in_its_own_row(
        screened: World, client_for) -> None:
    client_for("practitioner").post(_url(screened), _post(
        code=["BL23"], goal_instrument_1="rmdq", goal_comparator_1="<", goal_target_1="8",
        goal_text_0="back at work full days", goal_text_1=""))
    assert Plan.objects.get().goals == [
        {"instrument": "odi", "comparator": "<", "target": 20.0},
        {"instrument": "rmdq", "comparator": "<", "target": 8.0},
        {"text": "back at work full days"}]


def test_the_plan_form_says_which_questionnaires_have_no_wording_at_this_clinic(
        screened: World, client_for) -> None:
    from acuback.assessments.services import licensed_wording_load
    from tests.assessments.conftest import invented_wording

    def labels() -> dict[str, str]:
        form = client_for("practitioner").get(_url(screened)).context["editor"].form
        return dict(form.fields["q_instrument_0"].choices)

    before = labels()
    assert before["isi"] == "ISI (no wording at this clinic)" and before["phq9"] == "PHQ-9"
    licensed_wording_load(clinic=screened.clinic_b, data=invented_wording("isi"))
    assert labels()["isi"] == "ISI (no wording at this clinic)"  # another clinic's is not ours
    licensed_wording_load(clinic=screened.clinic_a, data=invented_wording("isi"))
    assert labels()["isi"] == "ISI"
