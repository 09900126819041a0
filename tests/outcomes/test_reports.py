"""The PDF reports, rendered to PNG with pdfium (from PyPI: no system tools) and read back:
what each audience's report says, the re-assessment's goals and recommendation, the audit.

The pages are written to /tmp/shots/report-*.png for a person to look at.
"""

from __future__ import annotations

from pathlib import Path

import pypdfium2 as pdfium
import pytest

from acuback.audit.models import AuditEntry
from acuback.visits.signing import visit_amend
from tests.outcomes.factories import measure, responder
from tests.personas import World

SHOTS = Path("/tmp/shots")  # noqa: S108 - for a person to look at


def pdf_pages(pdf: bytes, name: str) -> list[str]:
    """Each page's text; every page also rendered to a PNG."""
    document = pdfium.PdfDocument(pdf)
    texts = []
    SHOTS.mkdir(parents=True, exist_ok=True)
    for index in range(len(document)):
        page = document[index]
        texts.append(page.get_textpage().get_text_range())
        image = page.render(scale=1.5).to_pil()
        assert image.width > 800 and image.getextrema() != ((255, 255), (255, 255),
                                                             (255, 255))  # not blank
        image.save(SHOTS / f"report-{name}-{index + 1}.png")
    return texts


def get_pdf(client, url: str) -> bytes:  # noqa: ANN001
    response = client.get(url)
    assert response.status_code == 200, response.content[:300]
    assert response["Content-Type"] == "application/pdf"
    return response.content


def test_it_reports_progress_for_a_physician(world: World, client_for) -> None:  # noqa: ANN001
    episode = responder(world)
    visit = episode.visits.get(number=2)
    visit_amend(actor=world.practitioner, visit=visit, kind="addendum",
                reason="patient called", text="Patient called: soreness gone the next day.")
    text = " ".join(pdf_pages(get_pdf(client_for("practitioner"),
                    f"/outcomes/episodes/{episode.pk}/progress.pdf?for=physician"), "physician"))
    text = " ".join(text.split())
    assert "Progress report" in text and "Grace Hopper" in text
    assert "Prepared for the patient's physician" in text
    assert "ODI 46 (" in text and "16 better (34.8 %)" in text and "improved" in text
    assert "ODI < 20" in text and "not yet" in text
    assert "Intake" in text and "Ibuprofen" in text
    assert "1 event(s) in 3 treatment(s)" in text and "Bleeding or bruising" in text
    assert "Patient called: soreness gone the next day." in text  # the addendum
    assert "progress/acuback-1" in text


def test_it_writes_the_patients_report_in_plain_words(world: World, client_for) -> None:  # noqa: ANN001
    episode = responder(world)
    text = " ".join(" ".join(pdf_pages(get_pdf(
        client_for("owner"), f"/outcomes/episodes/{episode.pk}/progress.pdf?for=patient"),
        "patient")).split())
    assert "How you are doing" in text
    assert "Everyday activities. Better: from 46 at the start to 30 now" in text
    assert "34.8 %" not in text  # no responder tables for the patient


def test_it_gives_the_insurer_the_medicare_improvement(world: World, client_for) -> None:  # noqa: ANN001
    episode = responder(world)
    text = " ".join(" ".join(pdf_pages(get_pdf(
        client_for("practitioner"),
        f"/outcomes/episodes/{episode.pk}/progress.pdf?for=insurer"), "insurer")).split())
    assert "Medicare NCD 30.3.3" in text and "KX modifier" in text


def test_it_recommends_at_the_reassessment_from_goals_and_measures(world: World,
                                                                   client_for) -> None:  # noqa: ANN001
    episode = responder(world)
    measure(world, episode, "odi", 58, 5)  # 46 -> 58: 12 points worse
    text = " ".join(" ".join(pdf_pages(get_pdf(
        client_for("practitioner"), f"/outcomes/episodes/{episode.pk}/reassessment.pdf"),
        "reassessment")).split())
    assert "Re-assessment at visit 3" in text
    assert "Worse than at baseline: ODI" in text
    assert "Stop treatment" in text and "Stop and review: worse than baseline on ODI" in text
    assert "ODI < 20" in text and "worse" in text
    assert "Practitioner's signature" in text


def test_it_audits_each_report_as_an_export(world: World, client_for) -> None:  # noqa: ANN001
    episode = responder(world)
    last = AuditEntry.objects.order_by("-seq").first().seq
    client_for("practitioner").get(f"/outcomes/episodes/{episode.pk}/progress.pdf?for=insurer")
    entry = AuditEntry.objects.get(seq__gt=last, action="export")
    assert (entry.object_type, entry.object_id, entry.detail["audience"]) == (
        "progress_report", str(episode.pk), "insurer")


@pytest.mark.parametrize("url", ["progress.pdf?for=neighbour", "summary.pdf"])
def test_it_refuses_an_unknown_report_with_a_reason(world: World, client_for, url: str) -> None:  # noqa: ANN001
    response = client_for("practitioner").get(f"/outcomes/episodes/{world.episode.pk}/{url}")
    assert response.status_code == 400 and b"progress" in response.content


def test_it_prints_names_in_any_alphabet(world: World, client_for) -> None:  # noqa: ANN001
    from acuback.patients.models import Patient

    Patient.objects.filter(pk=world.other_patient.pk).update(given_name="Σοφία",
                                                             family_name="Ковалёва")
    episode = responder(world)
    text = " ".join(pdf_pages(get_pdf(
        client_for("practitioner"), f"/outcomes/episodes/{episode.pk}/progress.pdf"), "names"))
    assert "Σοφία Ковалёва" in text
