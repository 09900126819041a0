"""Coverage and billing on other apps' pages (clinicians only: these pages are clinical).

    {% load billing_tags %}{% episode_coverage_panel episode scored %}    episode page
                                    (scored: the patient's scored assessments, if read)
    {% load billing_tags %}{% visit_coverage_warning episode %}    before starting a visit
    {% load billing_tags %}{% visit_claims_panel visit %}          the visit page
    {% load billing_tags %}{% plan_reassessment_note episode %}    the plan: re-assess by 12
"""

from __future__ import annotations

from typing import Any

from django import template
from django.utils import timezone

from acuback.accounts.models import CLINICAL_ROLES
from acuback.assessments.scored import Scored
from acuback.billing.coverage import visit_coverage_warning as judge_day
from acuback.billing.coverage import visit_judgement
from acuback.billing.models import ClaimLine
from acuback.episodes.models import Episode
from acuback.visits.models import Visit

register = template.Library()


def _clinician(context: template.Context) -> bool:
    # The page's own view fetched the record through its scoped, audited selector.
    return context.get("role") in CLINICAL_ROLES


def _once(context: template.Context) -> bool:
    first = "billing_css" not in context.render_context
    context.render_context["billing_css"] = True
    return first


@register.inclusion_tag("billing/_episode_panel.html", takes_context=True)
def episode_coverage_panel(context: template.Context, episode: Episode,
                           scored: Scored | None = None) -> dict[str, Any]:
    if not _clinician(context):
        return {"show": False}
    return {"show": True, "episode": episode, "evidence": True, "link_css": _once(context),
            "warning": judge_day(episode, timezone.localdate(), scored or None),
            "next": context["request"].get_full_path()}


@register.inclusion_tag("billing/_visit_warning.html", takes_context=True)
def visit_coverage_warning(context: template.Context, episode: Episode) -> dict[str, Any]:
    if not _clinician(context):
        return {"show": False}
    return {"show": True, "evidence": True, "warning": judge_day(episode, timezone.localdate()),
            "next": context["request"].get_full_path()}


@register.inclusion_tag("billing/_visit_claims.html", takes_context=True)
def visit_claims_panel(context: template.Context, visit: Visit) -> dict[str, Any]:
    if not _clinician(context):
        return {"show": False}
    # A draft has no claim lines (`claim_lines_derive` refuses one), so none are looked for.
    lines = (list(ClaimLine.objects.filter(visit=visit, superseded_at__isnull=True))
             if visit.is_signed else [])
    warning = None if visit.is_signed else visit_judgement(visit)
    return {"show": True, "visit": visit, "lines": lines, "evidence": True,
            "warning": warning if warning is not None and warning.warns else None,
            "next": context["request"].get_full_path()}


@register.inclusion_tag("billing/_reassessment.html", takes_context=True)
def plan_reassessment_note(context: template.Context, episode: Episode,
                           plan: Any = None) -> dict[str, Any]:
    if not _clinician(context):
        return {"show": False}
    late = getattr(plan, "reassess_after_session", None)
    return {"show": True, "warning": judge_day(episode, timezone.localdate()),
            "plan_late": late if late and late > 12 else None}


@register.filter
def words(identifier: object) -> str:
    """not_improving -> not improving."""
    return str(getattr(identifier, "value", identifier) or "").replace("_", " ")
