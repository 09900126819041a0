"""Who gets which category and which safety tag, with the source of each list.

The per-point rows (names, region, location, depth) are in tables/*.psv; everything that is a
rule over many points is here, so a reviewer can check a list against its source in one place.
"""

from __future__ import annotations

from typing import NamedTuple


def span(meridian: str, first: int, last: int) -> list[str]:
    """Codes meridian+first .. meridian+last inclusive: span("CV", 3, 5) -> CV3, CV4, CV5."""
    return [f"{meridian}{number}" for number in range(first, last + 1)]


# ---------------------------------------------------------------------------------------------
# Categories (classical specific points). Standard teaching, as tabulated in Deadman, Al-Khafaji
# & Baker, "A Manual of Acupuncture" (2nd ed., 2007) and Cheng Xinnong (ed.), "Chinese
# Acupuncture and Moxibustion" (1999); cross-checked by a test against the TARA
# special-points-association table (reference/acupoints/tara).
# ---------------------------------------------------------------------------------------------

# Five transport points per channel: jing-well, ying-spring, shu-stream, jing-river, he-sea.
FIVE_SHU: dict[str, tuple[int, int, int, int, int]] = {
    "LU": (11, 10, 9, 8, 5),
    "LI": (1, 2, 3, 5, 11),
    "ST": (45, 44, 43, 41, 36),
    "SP": (1, 2, 3, 5, 9),
    "HT": (9, 8, 7, 4, 3),
    "SI": (1, 2, 3, 5, 8),
    "BL": (67, 66, 65, 60, 40),
    "KI": (1, 2, 3, 7, 10),
    "PC": (9, 8, 7, 5, 3),
    "TE": (1, 2, 3, 6, 10),
    "GB": (44, 43, 41, 38, 34),
    "LR": (1, 2, 3, 4, 8),
}
FIVE_SHU_NAMES = ("jing_well", "ying_spring", "shu_stream", "jing_river", "he_sea")

CATEGORY_MEMBERS: dict[str, list[str]] = {
    # On yin channels the shu-stream point doubles as the yuan-source point.
    "yuan_source": [
        "LU9", "LI4", "ST42", "SP3", "HT7", "SI4", "BL64", "KI3", "PC7", "TE4", "GB40", "LR3",
    ],
    # Twelve channel luo points, the luo of the Ren and Du vessels, and the great luo of the
    # spleen (SP21).
    "luo_connecting": [
        "LU7", "LI6", "ST40", "SP4", "HT5", "SI7", "BL58", "KI4", "PC6", "TE5", "GB37", "LR5",
        "CV15", "GV1", "SP21",
    ],
    # Twelve channel xi-cleft points, and those of the four extraordinary vessels that have one
    # (yin qiao KI8, yin wei KI9, yang qiao BL59, yang wei GB35).
    "xi_cleft": [
        "LU6", "LI7", "ST34", "SP8", "HT6", "SI6", "BL63", "KI5", "PC4", "TE7", "GB36", "LR6",
        "KI8", "KI9", "BL59", "GB35",
    ],
    # Back-shu of the twelve organs (BL16, BL24 and BL26 carry "shu" in their names but are not
    # organ back-shu points).
    "back_shu": [
        "BL13", "BL14", "BL15", "BL18", "BL19", "BL20", "BL21", "BL22", "BL23", "BL25", "BL27",
        "BL28",
    ],
    # Front-mu of the twelve organs: LU LU1, PC CV17, HT CV14, LR LR14, GB GB24, SP LR13,
    # ST CV12, TE CV5, KI GB25, LI ST25, SI CV4, BL CV3.
    "front_mu": [
        "LU1", "CV17", "CV14", "LR14", "GB24", "LR13", "CV12", "CV5", "GB25", "ST25", "CV4", "CV3",
    ],
    # Lower he-sea points of the six fu organs (Ling Shu ch. 4): ST ST36, LI ST37, SI ST39,
    # GB GB34, BL BL40, TE BL39.
    "lower_he_sea": ["ST36", "ST37", "ST39", "GB34", "BL40", "BL39"],
    # Confluent points of the eight extraordinary vessels: Chong SP4, Yin wei PC6, Du SI3,
    # Yang qiao BL62, Dai GB41, Yang wei TE5, Ren LU7, Yin qiao KI6.
    "confluent": ["SP4", "PC6", "SI3", "BL62", "GB41", "TE5", "LU7", "KI6"],
    # The eight influential (hui meeting) points: zang LR13, fu CV12, qi CV17, blood BL17,
    # sinews GB34, vessels LU9, bone BL11, marrow GB39.
    "influential": ["LR13", "CV12", "CV17", "BL17", "GB34", "LU9", "BL11", "GB39"],
}


def categories() -> dict[str, set[str]]:
    """Code -> set of category names."""
    result: dict[str, set[str]] = {}
    for meridian, numbers in FIVE_SHU.items():
        for name, number in zip(FIVE_SHU_NAMES, numbers, strict=True):
            result.setdefault(f"{meridian}{number}", set()).add(name)
    for name, codes in CATEGORY_MEMBERS.items():
        for code in codes:
            result.setdefault(code, set()).add(name)
    return result


# ---------------------------------------------------------------------------------------------
# Pregnancy: avoid these points in a pregnant patient. Sources disagree, so acuback takes the
# union of the lists DOMAIN.md section 4.2 names and records per point which list carries it.
# ---------------------------------------------------------------------------------------------

class PregnancySource(NamedTuple):
    cite: str
    points: list[str]


PREGNANCY_SOURCES: dict[str, PregnancySource] = {
    "AACP 2012": PregnancySource(
        cite="Acupuncture Association of Chartered Physiotherapists, Guidelines for safe "
        "practice (2012, with erratum): avoid LI4, SP6, BL60, BL67 and the sacral foramen "
        "points BL31-BL34 in pregnancy",
        points=["LI4", "SP6", "BL60", "BL67", "BL31", "BL32", "BL33", "BL34"],
    ),
    "traditional": PregnancySource(
        cite="Traditional 'forbidden points in pregnancy' lists, as summarised by Betts & "
        "Budd, Acupunct Med 2011;29:137 and secondary sources cited in DOMAIN.md 4.2: GB21 "
        "(not before the second stage of labour), lower-abdominal CV points such as CV4, ST25; "
        "the lists also carry LI4 and SP6",
        points=["GB21", "CV4", "ST25", "LI4", "SP6"],
    ),
    "iaomai app data": PregnancySource(
        cite="The 'noGravidanza' flags of the open-source iaomai app (iallo74/iaomai "
        "sets/common/mtc/mtc.js @63ac955; used as a list of codes only): LI4, SP6, GB21, BL67, "
        "ST12, ST17, CV1, CV3-CV14",
        points=["LI4", "SP6", "GB21", "BL67", "ST12", "ST17", "CV1", *span("CV", 3, 14)],
    ),
}


def pregnancy_sources() -> dict[str, list[str]]:
    """Code -> the sources (in PREGNANCY_SOURCES order) that list it."""
    result: dict[str, list[str]] = {}
    for source, entry in PREGNANCY_SOURCES.items():
        for code in entry.points:
            result.setdefault(code, []).append(source)
    return result


# ---------------------------------------------------------------------------------------------
# Pneumothorax risk. Only GB21 has a measured, cited depth (Chen HN et al., J Acupunct Meridian
# Stud 2018;11:355-360: ultrasound skin-to-pleura depth at GB21 averaged 17.4 mm in men and
# 14.6 mm in women, varying with BMI, posture and breathing). The rest of this list is the
# conventional teaching that points over the lung fields and pleura need shallow, angled
# needling; DOMAIN.md 4.2 marks that list UNCONFIRMED in a citable source, so acuback applies it
# conservatively (it would rather warn at a safe point than miss a risky one).
# ---------------------------------------------------------------------------------------------

PNEUMOTHORAX_MAX_DEPTH_MM = 10.0  # below the lowest GB21 mean (14.6 mm) by a third

PNEUMOTHORAX_GROUPS: dict[str, list[str]] = {
    # Over the lung apex: the shoulder girdle above the first rib and the suprascapular region.
    "lung apex / shoulder girdle": ["GB21", "ST11", "ST12", "LI16", "SI13", "SI14", "SI15", "TE15"],
    # Anterior chest over the intercostal spaces (LU, ST, KI, SP lines; PC1). ST17, the nipple,
    # is never needled and so is left out.
    "anterior chest wall": [
        "LU1", "LU2", *span("ST", 13, 16), "ST18", *span("KI", 22, 27), *span("SP", 17, 20), "PC1",
    ],
    # Lateral chest wall: intercostal spaces on the axillary lines and below the breast.
    "lateral chest wall": ["SP21", "GB22", "GB23", "GB24", "LR14"],
    # Paravertebral back over the thoracic levels (T1-T12): the inner (1.5 B-cun) and outer
    # (3 B-cun) bladder lines, Dingchuan beside C7, the thoracic Jiaji and Weiwanxiashu.
    # The pleura reaches T12 behind, so the list runs to BL21 and BL50.
    "thoracic paravertebral back": [
        *span("BL", 11, 21), *span("BL", 41, 50), "EX-B1", "EX-B2", "EX-B3",
    ],
}


def pneumothorax_points() -> set[str]:
    return {code for codes in PNEUMOTHORAX_GROUPS.values() for code in codes}


# ---------------------------------------------------------------------------------------------
# Major vessel or nerve directly under the point: palpate, move the vessel aside, do not lift
# and thrust hard. WHO 2008 names the artery in the location of ST9, ST30, ST42, SP11, SP12,
# HT1, LU8 and LR10; the others follow standard surface anatomy.
# ---------------------------------------------------------------------------------------------

MAJOR_VESSEL_NERVE: dict[str, str] = {
    "LU8": "radial artery (named in the WHO 2008 location)",
    "LU9": "radial artery at the wrist crease",
    "ST9": "common carotid artery and carotid sinus (WHO 2008)",
    "ST10": "carotid sheath deep to the anterior border of sternocleidomastoid",
    "ST11": "common carotid artery and internal jugular vein above the sternoclavicular joint",
    "LI18": "carotid sheath deep between the heads of sternocleidomastoid",
    "SI17": "internal jugular vein and carotid artery behind the angle of the mandible",
    "CV22": "trachea, brachiocephalic vessels and aortic arch behind the manubrium",
    "HT1": "axillary artery and brachial plexus (WHO 2008)",
    "HT2": "brachial artery and median and ulnar nerves in the medial bicipital groove",
    "PC3": "brachial artery and median nerve medial to the biceps tendon",
    "SI8": "ulnar nerve in its groove behind the medial epicondyle",
    "ST30": "femoral artery (WHO 2008)",
    "SP11": "femoral artery (WHO 2008)",
    "SP12": "femoral artery, just medial to the point (WHO 2008)",
    "LR10": "femoral artery (WHO 2008)",
    "LR12": "femoral vein and artery in the groin",
    "GB30": "sciatic nerve deep in the buttock",
    "BL36": "sciatic nerve below the gluteal fold",
    "BL37": "sciatic nerve in the back of the thigh",
    "BL54": "sciatic nerve deep to the lower buttock",
    "BL40": "popliteal artery and vein and tibial nerve",
    "KI3": "posterior tibial artery and tibial nerve behind the medial malleolus",
    "ST42": "dorsalis pedis artery (WHO 2008)",
}


# ---------------------------------------------------------------------------------------------
# No deep needling: a vital structure lies within reach of a needle pushed past the usual depth
# or in the wrong direction. Standard cautions (Deadman et al. 2007; Cheng 1999).
# ---------------------------------------------------------------------------------------------

NO_DEEP_NEEDLING: dict[str, str] = {
    **{code: "spinal cord below the interspinous space" for code in span("GV", 5, 14)},
    "GV15": "medulla oblongata; never direct the needle upward",
    "GV16": "medulla oblongata; never direct the needle upward",
    "GB20": "medulla and vertebral artery if the needle points medially and upward",
    "BL10": "medulla and vertebral artery if the needle points medially and upward",
    "BL1": "eyeball and orbital vessels: slow insertion, no lifting, thrusting or twirling",
    "ST1": "eyeball and orbital vessels: slow insertion, no lifting, thrusting or twirling",
    "EX-HN7": "eyeball and orbital vessels: slow insertion, no lifting, thrusting or twirling",
    "ST9": "carotid sinus: deep needling can drop the blood pressure",
    "CV15": "heart and left lobe of the liver deep to the xiphoid",
    **{
        code: "sternum, sometimes with a congenital foramen over the heart (cardiac tamponade "
        "has been reported at CV17); transverse needling only"
        for code in span("CV", 16, 21)
    },
    "CV22": "trachea and great vessels: keep behind the manubrium, never deep",
    "LR13": "liver or spleen, especially when enlarged",
    "GB25": "kidney deep to the free end of the 12th rib",
    "BL52": "kidney deep to the outer bladder line at L2",
}


# ---------------------------------------------------------------------------------------------
# Not needled at all (landmark or moxibustion only).
# ---------------------------------------------------------------------------------------------

NO_NEEDLING: dict[str, str] = {
    "ST17": "the nipple: a landmark for the chest points, never needled or moxibusted",
    "CV8": "the umbilicus: moxibustion (e.g. on salt) only",
    "EX-UE1": "moxibustion point",
    "EX-UE4": "moxibustion point",
    "EX-UE5": "moxibustion point",
    "EX-UE6": "moxibustion point",
}


# ---------------------------------------------------------------------------------------------
# Electro-stimulation: never pass current across the chest (heart). Sierpina & Frenkel, South
# Med J 2005;98:330-7 (DOMAIN.md 4.2). Every point whose region is "chest" carries the tag; the
# rule against pairing electrodes across the midline of the thorax (front or back) belongs to
# whoever pairs electrodes, not to a single point.
# ---------------------------------------------------------------------------------------------

NO_ESTIM_REGIONS = ("chest",)


# ---------------------------------------------------------------------------------------------
# Bilateral: every point of the twelve paired channels is bilateral, GV and CV points are
# single. Extra points: single when on the midline (or a group centred on it).
# ---------------------------------------------------------------------------------------------

SINGLE_EXTRAS = {"EX-HN1", "EX-HN3", "EX-B5", "EX-B8", "EX-B9"}

# Other names a point goes by (searchable).
ALIASES: dict[str, list[str]] = {
    "GV26": ["Rénzhōng"],
    "TE18": ["Qìmài"],
    "BL43": ["Gāohuāngshū"],
    "EX-B2": ["Huátuójiájǐ"],
    "EX-HN8": ["Bítōng"],
    "EX-HN15": ["Bǎiláo"],
    "EX-UE7": ["Yāotòngxué"],
    "EX-UE8": ["Luòzhěn", "Xiàngqiáng"],
    "EX-LE6": ["Dǎnnángxué"],
    "EX-LE7": ["Lánwěixué"],
}
