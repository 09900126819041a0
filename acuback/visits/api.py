"""Visits, their points, painkillers, amendments and adverse events over JSON.

Optimistic concurrency with HTTP preconditions (RFC 9110): every answer with a visit carries
its `ETag`; every write to a visit must send it back in `If-Match`. A missing `If-Match` is
428 Precondition Required; one that no longer matches is 412 Precondition Failed, with the
current `ETag`, and nothing is written. A signed visit answers 409 to any write but an
amendment. Visit content is for practitioners and owners; front desk may list *that* visits
happened (`GET /api/visits/?patient_id=`), nothing more.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import Query, Router, Schema, Status

from acuback.accounts.access import NotFound, membership_of
from acuback.api import api, preconditions_documented, problem
from acuback.audit.models import Action
from acuback.patients.selectors import patient_get
from acuback.screening.selectors import clinical_episode_get
from acuback.visits import adverse, selectors, services, signing
from acuback.visits.access import StaleVersion
from acuback.visits.combinations import combination_save
from acuback.visits.models import AdverseEvent, Amendment, PainkillerUse, PointCombination, Visit
from acuback.visits.painkillers import painkiller_mark_in_error, painkillers_record_intake
from acuback.visits.schemas import (
    AdverseEventIn,
    AdverseEventOut,
    AmendmentIn,
    AmendmentOut,
    CombinationIn,
    CombinationOut,
    FollowUpIn,
    InErrorIn,
    IntakeIn,
    LotUseOut,
    NeedleTapIn,
    PainkillerOut,
    PainkillersIn,
    PointOut,
    PointsIn,
    SignIn,
    VisitIn,
    VisitOut,
    VisitStartIn,
    VisitSummaryOut,
)

router = Router(tags=["visits"])
PRECONDITION = ("Send the ETag you last read in If-Match, so that a change made meanwhile is "
                "never overwritten.")


class PreconditionRequired(Exception):
    """A write without If-Match (428)."""


def etag_of(record: Visit | AdverseEvent) -> str:
    return selectors.visit_etag(record) if isinstance(record, Visit) else f'"{record.version}"'


@api.exception_handler(PreconditionRequired)
def _precondition_required(request: HttpRequest, exc: PreconditionRequired) -> HttpResponse:
    return problem(request, 428, "Precondition required", PRECONDITION)


@api.exception_handler(StaleVersion)
def _stale(request: HttpRequest, exc: StaleVersion) -> HttpResponse:
    response = problem(request, 412, "Precondition failed", str(exc))
    response["ETag"] = etag_of(exc.current)
    return response


def if_match(request: HttpRequest, record: Visit | AdverseEvent, what: str = "visit") -> int:
    """The version the client read, from If-Match; 428 without one, 412 when it is stale."""
    sent = request.headers.get("If-Match", "").strip()
    if not sent or sent == "*":
        raise PreconditionRequired()
    if sent != etag_of(record):
        raise StaleVersion(record, what)
    return record.version


def with_etag(response: HttpResponse, visit: Visit) -> Visit:
    response["ETag"] = selectors.visit_etag(visit)
    return visit


def _visit(request: HttpRequest, visit_id: int, action: str = Action.READ) -> Visit:
    return selectors.visit_get(actor=request.user, visit_id=visit_id, action=action)


class SummaryQuery(Schema):
    patient_id: int


# --- visits ------------------------------------------------------------------------------


@router.get("/", response=list[VisitSummaryOut], summary="That a patient's visits happened",
            description="Dates, numbers, practitioner and whether signed: no content. Front "
            "desk may read it.")
def visit_list(request: HttpRequest, query: Query[SummaryQuery]) -> list[Any]:
    patient = patient_get(actor=request.user, patient_id=query.patient_id, what="visit_summary")
    return selectors.visit_summaries(actor=request.user, patient=patient)


@router.post("/", response={201: VisitOut}, summary="Start a draft visit",
             description="Points from the episode's plan, the last visit, a saved combination, "
             "or none. 409 while the red-flag screen blocks needling.")
def visit_create(request: HttpRequest, payload: VisitStartIn,
                 response: HttpResponse) -> Status[Visit]:
    episode = clinical_episode_get(actor=request.user, episode_id=payload.episode_id,
                                   what="visit", action=Action.CREATE)
    combination = PointCombination.objects.filter(
        pk=payload.combination_id, clinic_id=episode.clinic_id).first() if (
        payload.combination_id) else None
    visit = services.visit_start(actor=request.user, episode=episode, source=payload.source,
                                 combination=combination, room=payload.room)
    return Status(201, with_etag(response, services.visit_reload(visit)))


@router.get("/{visit_id}", response=VisitOut, summary="A visit, with its ETag")
def visit_detail(request: HttpRequest, visit_id: int, response: HttpResponse) -> Visit:
    return with_etag(response, _visit(request, visit_id))


@router.put("/{visit_id}", response=VisitOut, summary="Replace a draft visit (If-Match)",
            openapi_extra=preconditions_documented())
def visit_update(request: HttpRequest, visit_id: int, payload: VisitIn,
                 response: HttpResponse) -> Visit:
    visit = _visit(request, visit_id, Action.UPDATE)
    updated = services.visit_update(actor=request.user, visit=visit, data=payload.to_input(),
                                     version=if_match(request, visit))
    return with_etag(response, updated)


@router.post("/{visit_id}/needles", response=VisitOut,
             summary="Count one needle in or out (If-Match)",
             openapi_extra=preconditions_documented())
def visit_needles(request: HttpRequest, visit_id: int, payload: NeedleTapIn,
                  response: HttpResponse) -> Visit:
    visit = _visit(request, visit_id, Action.UPDATE)
    counted = services.visit_count(actor=request.user, visit=visit, which=payload.which,
                                   delta=payload.delta, seen_version=if_match(request, visit))
    return with_etag(response, counted.visit)


@router.post("/{visit_id}/sign", response=VisitOut, summary="Sign a visit (If-Match)",
             description="Asks for the password again (failures count towards the login "
             "lockout). 422 while the needle counts differ without a reason.",
             openapi_extra=preconditions_documented())
def visit_sign(request: HttpRequest, visit_id: int, payload: SignIn,
               response: HttpResponse) -> Visit:
    visit = _visit(request, visit_id, Action.UPDATE)
    signed = signing.visit_sign(actor=request.user, visit=visit, password=payload.password,
                                version=if_match(request, visit), request=request)
    return with_etag(response, signed)


# --- points and painkillers of a visit -----------------------------------------------------


@router.get("/{visit_id}/points", response=list[PointOut], summary="A visit's points")
def visit_points(request: HttpRequest, visit_id: int) -> list[Any]:
    return list(_visit(request, visit_id).points.all())


@router.put("/{visit_id}/points", response=VisitOut,
            summary="Replace a draft visit's points (If-Match)",
            openapi_extra=preconditions_documented())
def visit_points_set(request: HttpRequest, visit_id: int, payload: PointsIn,
                     response: HttpResponse) -> Visit:
    visit = _visit(request, visit_id, Action.UPDATE)
    updated = services.visit_points_set(actor=request.user, visit=visit,
                                         points=[p.to_input() for p in payload.points],
                                         version=if_match(request, visit))
    return with_etag(response, updated)


@router.get("/{visit_id}/painkillers", response=list[PainkillerOut],
            summary="Painkillers taken, as recorded at a visit")
def visit_painkillers(request: HttpRequest, visit_id: int) -> list[PainkillerUse]:
    return list(_visit(request, visit_id).painkillers.all())


@router.put("/{visit_id}/painkillers", response=VisitOut,
            summary="Replace a draft visit's painkillers (If-Match)",
            openapi_extra=preconditions_documented())
def visit_painkillers_set(request: HttpRequest, visit_id: int, payload: PainkillersIn,
                          response: HttpResponse) -> Visit:
    visit = _visit(request, visit_id, Action.UPDATE)
    updated = services.visit_painkillers_set(
        actor=request.user, visit=visit, taken=payload.painkillers_taken,
        painkillers=[p.to_input() for p in payload.painkillers],
        version=if_match(request, visit))
    return with_etag(response, updated)


# --- amendments --------------------------------------------------------------------------


@router.get("/{visit_id}/amendments", response=list[AmendmentOut], summary="A visit's amendments")
def visit_amendments(request: HttpRequest, visit_id: int) -> list[Amendment]:
    return list(_visit(request, visit_id).amendments.all())


@router.post("/{visit_id}/amendments", response={201: AmendmentOut},
             summary="Amend a signed visit, or mark a visit entered in error")
def visit_amend(request: HttpRequest, visit_id: int, payload: AmendmentIn) -> Status[Amendment]:
    visit = _visit(request, visit_id, Action.CREATE)
    amendment = signing.visit_amend(actor=request.user, visit=visit, **payload.model_dump())
    return Status(201, amendment)


# --- adverse events ----------------------------------------------------------------------


@router.get("/{visit_id}/adverse-events", response=list[AdverseEventOut],
            summary="A visit's adverse events")
def visit_adverse_events(request: HttpRequest, visit_id: int) -> list[AdverseEvent]:
    return list(_visit(request, visit_id).adverse_events.all())


@router.post("/{visit_id}/adverse-events", response={201: AdverseEventOut},
             summary="File an adverse event against a visit")
def adverse_event_create(request: HttpRequest, visit_id: int,
                         payload: AdverseEventIn) -> Status[AdverseEvent]:
    visit = _visit(request, visit_id, Action.CREATE)
    event = adverse.adverse_event_record(actor=request.user, visit=visit,
                                         data=payload.to_input())
    return Status(201, event)


@router.get("/adverse-events/{event_id}", response=AdverseEventOut, summary="An adverse event")
def adverse_event_detail(request: HttpRequest, event_id: int,
                         response: HttpResponse) -> AdverseEvent:
    event = selectors.adverse_event_get(actor=request.user, event_id=event_id)
    response["ETag"] = etag_of(event)
    return event


@router.patch("/adverse-events/{event_id}", response=AdverseEventOut,
              summary="Follow an adverse event up (If-Match)",
              openapi_extra=preconditions_documented())
def adverse_event_follow_up(request: HttpRequest, event_id: int, payload: FollowUpIn,
                            response: HttpResponse) -> AdverseEvent:
    event = selectors.adverse_event_get(actor=request.user, event_id=event_id)
    updated = adverse.adverse_event_follow_up(
        actor=request.user, event=event, data=payload.to_input(),
        version=if_match(request, event, "adverse event"))
    response["ETag"] = etag_of(updated)
    return updated


@router.post("/adverse-events/{event_id}/entered-in-error", response=AdverseEventOut,
             summary="Mark an adverse event entered in error")
def adverse_event_in_error(request: HttpRequest, event_id: int,
                           payload: InErrorIn) -> AdverseEvent:
    event = selectors.adverse_event_get(actor=request.user, event_id=event_id)
    return adverse.adverse_event_mark_in_error(actor=request.user, event=event,
                                               reason=payload.reason)


# --- an episode's painkillers --------------------------------------------------------------


@router.get("/episode/{episode_id}/painkillers", response=list[PainkillerOut],
            summary="Every painkiller recorded in an episode, at intake and at visits")
def episode_painkillers(request: HttpRequest, episode_id: int) -> list[PainkillerUse]:
    episode = clinical_episode_get(actor=request.user, episode_id=episode_id, what="painkiller")
    return list(episode.painkillers.all())


@router.post("/episode/{episode_id}/painkillers", response={201: list[PainkillerOut]},
             summary="Record the painkillers taken before care began (intake)")
def episode_painkillers_intake(request: HttpRequest, episode_id: int,
                               payload: IntakeIn) -> Status[list[PainkillerUse]]:
    episode = clinical_episode_get(actor=request.user, episode_id=episode_id, what="painkiller",
                                   action=Action.CREATE)
    rows = painkillers_record_intake(actor=request.user, episode=episode,
                                     uses=[p.to_input() for p in payload.painkillers])
    return Status(201, rows)


@router.post("/painkillers/{painkiller_id}/entered-in-error", response=PainkillerOut,
             summary="Mark an intake painkiller entered in error")
def painkiller_in_error(request: HttpRequest, painkiller_id: int,
                        payload: InErrorIn) -> PainkillerUse:
    use = PainkillerUse.objects.filter(pk=painkiller_id).select_related("episode").first()
    if use is None:
        raise NotFound("painkiller not found")
    clinical_episode_get(actor=request.user, episode_id=use.episode_id, what="painkiller",
                         action=Action.UPDATE)
    return painkiller_mark_in_error(actor=request.user, use=use, reason=payload.reason)


# --- lots and combinations -----------------------------------------------------------------


@router.get("/lots/{lot}", response=list[LotUseOut], summary="Every visit that used a needle lot",
            description="Owners only. An unknown lot answers an empty list.")
def lot_find(request: HttpRequest, lot: str) -> list[Any]:
    return selectors.lot_recall(actor=request.user, lot=lot)


@router.get("/combinations/", response=list[CombinationOut],
            summary="Your saved point combinations and the clinic's")
def combination_list(request: HttpRequest) -> list[PointCombination]:
    return selectors.combinations_for(request.user)


@router.post("/combinations/", response={201: CombinationOut},
             summary="Save a point combination")
def combination_create(request: HttpRequest,
                       payload: CombinationIn) -> Status[PointCombination]:
    membership = membership_of(request.user)
    combination = combination_save(
        actor=request.user, clinic_id=membership.clinic_id if membership else 0,
        name=payload.name, points=[p.model_dump() for p in payload.points],
        shared=payload.shared)
    return Status(201, combination)
