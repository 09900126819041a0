"""Front desk sees demographics but no clinical content; a patient sees their own chart."""

from __future__ import annotations

import pytest

from tests.personas import World

# What the chart of `world.patient` shows a clinician (her health history holds a pregnancy of
# 20 weeks and a pacemaker; her episode is coded M54.50).
CLINICAL = ["Health history", "Pacemaker", "20 weeks", "Episodes of care", "M54.50",
            "/episodes/", "/health/"]


def _chart(client_for, persona: str, world: World) -> str:  # noqa: ANN001
    response = client_for(persona).get(f"/patients/{world.patient.pk}/")
    assert response.status_code == 200
    return response.content.decode()


@pytest.mark.parametrize("text", CLINICAL)
def test_it_shows_the_clinician_the_clinical_content(world: World, client_for, text: str) -> None:  # noqa: ANN001
    assert text in _chart(client_for, "practitioner", world)


@pytest.mark.parametrize("text", CLINICAL)
def test_it_hides_clinical_content_from_front_desk(world: World, client_for, text: str) -> None:  # noqa: ANN001
    assert text not in _chart(client_for, "front_desk", world)


def test_it_shows_front_desk_the_demographics(world: World, client_for) -> None:  # noqa: ANN001
    page = _chart(client_for, "front_desk", world)
    assert "Lovelace" in page
    assert "Ada" in page


def test_it_shows_the_patient_their_own_chart(world: World, client_for) -> None:  # noqa: ANN001
    response = client_for("patient_user").get("/patients/me/")
    page = response.content.decode()
    assert response.status_code == 200
    assert "Lovelace" in page
    assert "Pacemaker" in page


def test_it_never_shows_a_patient_another_patients_name(world: World, client_for) -> None:  # noqa: ANN001
    page = client_for("patient_user").get("/patients/me/").content.decode()
    assert "Hopper" not in page


def test_it_records_no_clinical_read_for_front_desk_on_the_chart(world: World, client_for) -> None:  # noqa: ANN001
    from acuback.audit.models import AuditEntry

    last = AuditEntry.objects.order_by("-seq").first().seq
    _chart(client_for, "front_desk", world)
    types = set(AuditEntry.objects.filter(seq__gt=last, outcome="ok")
                .values_list("object_type", flat=True))
    assert types == {"patient", "appointment"}  # appointments are not clinical content
