"""acuback's own code systems, published as CodeSystem resources: the acupoint catalogue (each
needled point is a bodySite coded in it) and the back regions of an episode."""

from __future__ import annotations

from acuback.clinical.acupoints.catalogue import catalogue
from acuback.episodes.models import Region
from acuback.interop.resources.common import CODE_SYSTEM, Json

ACUPOINT_SYSTEM = f"{CODE_SYSTEM}/acupoint"


def acupoint_code_system() -> Json:
    points = catalogue()
    return {
        "resourceType": "CodeSystem",
        "id": "acupoint",
        "url": ACUPOINT_SYSTEM,
        "version": points.version,
        "name": "AcubackAcupoint",
        "title": "acuback acupoint catalogue",
        "status": "active",
        "experimental": False,
        "publisher": "acuback",
        "description": (
            "Acupuncture points by their WHO alphanumeric code (WHO Standard Acupuncture Point "
            "Locations, 2008), written without spaces (BL23, GV4, EX-B2), plus the extra points "
            "back-pain clinics use. An Ashi point has no code: it is sent as text."
        ),
        "caseSensitive": True,
        "content": "complete",
        "count": len(points.all()),
        "property": [
            {"code": "meridian", "description": "the meridian, or EX for extra points",
             "type": "code"},
            {"code": "pinyin", "description": "the point's pinyin name", "type": "string"},
        ],
        "concept": [
            {
                "code": point.code,
                "display": f"{point.code} {point.pinyin}".strip(),
                **({"definition": point.location} if point.location else {}),
                "property": [
                    {"code": "meridian", "valueCode": point.meridian},
                    *([{"code": "pinyin", "valueString": point.pinyin}] if point.pinyin else []),
                ],
            }
            for point in points.all()
        ],
    }


def back_region_code_system() -> Json:
    return {
        "resourceType": "CodeSystem",
        "id": "back-region",
        "url": f"{CODE_SYSTEM}/back-region",
        "version": "1",
        "name": "AcubackBackRegion",
        "title": "acuback back-pain regions",
        "status": "active",
        "experimental": False,
        "publisher": "acuback",
        "description": "The region of the back an episode of care treats.",
        "caseSensitive": True,
        "content": "complete",
        "count": len(Region.choices),
        "concept": [{"code": code, "display": label} for code, label in Region.choices],
    }


CODE_SYSTEMS = {"acupoint": acupoint_code_system, "back-region": back_region_code_system}
