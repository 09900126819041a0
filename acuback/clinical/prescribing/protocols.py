"""Candidate points for back pain, each with the source it comes from (DOMAIN.md 5.3).

- Cherkin DC et al., Arch Intern Med 2009 (n=638): standardised set of bilateral BL23, BL40, KI3,
  plus GV3 and one Ashi point (Cochrane CD013814, table tblf-0008).
- Brinkhaus B et al., ART, Arch Intern Med 2006 (n=298): at least 4 local points from BL20-BL34,
  BL50-BL54, GB30, GV3-GV6, Huatuojiaji (EX-B2), Shiqizhui (EX-B8), and at least 2 distal points
  from SI3, BL40, BL60, BL62, KI3, KI7, GB31, GB34, GB41, LR3, GV14, GV20 (table tblf-0003).
- Points along the leg follow the channel the pain runs down (bladder channel behind, gall
  bladder channel at the side): conventional channel selection; BL40, BL60 and GB34 are among the
  most used points in the classical texts reviewed by Park 2024 (J Acupunct Res 2024;41:197).
- Pattern points are conventional TCM textbook teaching, not trial-derived.

Both trials studied chronic low back pain; nothing here is trial-tested for thoracic pain or for
acute pain, and the prescriber says so in its warnings.
"""

from __future__ import annotations

from dataclasses import dataclass

from acuback.clinical.prescribing.vocabulary import Pattern, Radiation, Region, Role


@dataclass(frozen=True)
class Candidate:
    code: str
    role: Role
    why: str
    # True when the code spans several levels and we propose it only at the lumbar ones, below
    # the pleura (which reaches T12 behind): Jiaji (EX-B2) for lumbar pain.
    below_pleura: bool = False


def _points(codes: str, role: Role, why: str) -> tuple[Candidate, ...]:
    return tuple(Candidate(code, role, why) for code in codes.split())


CHERKIN_WHY = "Cherkin 2009 standardised set"
ART_LOCAL = "ART local list (Brinkhaus 2006)"
ART_DISTAL = "ART distal list (Brinkhaus 2006)"

# Cherkin 2009: the standardised arm of a trial in chronic low back pain. We use it as the core
# for the three low-back regions, not for thoracic pain, which the trial did not study.
CHERKIN_SET: tuple[Candidate, ...] = (
    Candidate("BL23", Role.LOCAL, CHERKIN_WHY),
    Candidate("BL40", Role.DISTAL, CHERKIN_WHY),
    Candidate("KI3", Role.DISTAL, CHERKIN_WHY),
    Candidate("GV3", Role.LOCAL, CHERKIN_WHY),
)
CHERKIN_REGIONS: frozenset[Region] = frozenset(
    {Region.LUMBAR, Region.LUMBOSACRAL, Region.SACROILIAC}
)

# Local points by region, chosen from the ART local list by the level each point sits at.
LOCAL: dict[Region, tuple[Candidate, ...]] = {
    # BL25 (L4), GV4 (below L2), Jiaji at the lumbar levels.
    Region.LUMBAR: (
        *_points("BL25 GV4", Role.LOCAL, f"{ART_LOCAL}; lumbar"),
        Candidate(
            "EX-B2", Role.LOCAL, f"{ART_LOCAL}; lumbar (Jiaji at L1-L5 only)", below_pleura=True
        ),
    ),
    # BL25, BL26 (L4, L5), Shiqizhui (below L5), BL27, BL28 (S1, S2), BL31, BL32 (sacral foramina).
    Region.LUMBOSACRAL: _points(
        "BL25 BL26 EX-B8 BL27 BL28 BL31 BL32", Role.LOCAL, f"{ART_LOCAL}; lumbosacral"
    ),
    # The ART list's members at thoracic levels: BL20, BL21 (T11, T12), GV6 (below T11), Jiaji.
    Region.THORACIC: _points("BL20 BL21 GV6 EX-B2", Role.LOCAL, f"{ART_LOCAL}; thoracic levels"),
    # BL27, BL28 (S1, S2 level, over the joint), BL53, BL54 (outer line at S2, S4), GB30.
    Region.SACROILIAC: _points("BL27 BL28 BL53 BL54 GB30", Role.LOCAL, f"{ART_LOCAL}; sacroiliac"),
}

# Distal points by region from the ART distal list. For the low-back regions Cherkin already
# brings BL40 and KI3; BL60 adds the bladder channel at the ankle.
DISTAL: dict[Region, tuple[Candidate, ...]] = {
    Region.LUMBAR: _points("BL60", Role.DISTAL, ART_DISTAL),
    Region.LUMBOSACRAL: _points("BL60", Role.DISTAL, ART_DISTAL),
    Region.THORACIC: _points("SI3 BL40 BL60", Role.DISTAL, ART_DISTAL),
    Region.SACROILIAC: _points("BL60 GB34", Role.DISTAL, ART_DISTAL),
}

RADIATION: dict[Radiation, tuple[Candidate, ...]] = {
    Radiation.NONE: (),
    Radiation.POSTERIOR_LEG: _points(
        "BL36 BL37 BL40 BL57 BL60", Role.RADIATION, "posterior leg radiation: bladder channel"
    ),
    Radiation.LATERAL_LEG: _points(
        "GB30 GB31 GB34 GB39 GB41", Role.RADIATION, "lateral leg radiation: gall bladder channel"
    ),
}

# Acute pain: Yaotongdian (EX-UE7) is the extra point for acute lumbar sprain (DOMAIN.md 5.1);
# SI3 is on the ART distal list and conventionally used for acute back pain. Yaotongdian is a
# lumbar point, so thoracic pain gets SI3 only.
ACUTE_LOW_BACK: tuple[Candidate, ...] = (
    Candidate(
        "EX-UE7", Role.SYSTEMIC, "acute pain: Yaotongdian, extra point for acute lumbar sprain"
    ),
    Candidate("SI3", Role.SYSTEMIC, f"acute pain: {ART_DISTAL}"),
)
ACUTE_THORACIC: tuple[Candidate, ...] = (
    Candidate("SI3", Role.SYSTEMIC, f"acute pain: {ART_DISTAL}"),
)

_TCM = "conventional TCM teaching"
PATTERN: dict[Pattern, tuple[Candidate, ...]] = {
    # BL17 (influential point of blood), SP10 ("sea of blood"), BL40 for stasis in the back.
    Pattern.QI_STAGNATION_BLOOD_STASIS: _points(
        "BL17 SP10 BL40", Role.SYSTEMIC, f"qi stagnation and blood stasis pattern: {_TCM}"
    ),
    # Back-shu point of the kidney, source point of the kidney channel, Mingmen, Zhishi.
    Pattern.KIDNEY_DEFICIENCY: _points(
        "BL23 KI3 GV4 BL52", Role.SYSTEMIC, f"kidney deficiency pattern: {_TCM}"
    ),
    # Warming the lower back (GV3, GV4, often with moxa), BL40, and SP9 to resolve damp.
    Pattern.COLD_DAMP: _points("GV3 GV4 BL40 SP9", Role.SYSTEMIC, f"cold-damp pattern: {_TCM}"),
    # SP9 to resolve damp, BL40 and GB34 to clear heat from the channels of the leg.
    Pattern.DAMP_HEAT: _points("SP9 BL40 GB34", Role.SYSTEMIC, f"damp-heat pattern: {_TCM}"),
}

# When a point is excluded for the patient (not for a needle cap), the point offered instead
# (conventional substitutions along the same channel, away from the structure that excluded it).
# BL40 sits over the popliteal vessels and tibial nerve; BL57 is in the calf muscle below.
# KI3 sits over the posterior tibial artery; KI7, two cun above, is on the ART distal list.
SUBSTITUTES: dict[str, Candidate] = {
    "BL40": Candidate(
        "BL57",
        Role.DISTAL,
        "substitute for BL40: bladder channel in the calf, away from the popliteal vessels",
    ),
    "KI3": Candidate(
        "KI7",
        Role.DISTAL,
        f"substitute for KI3: kidney channel above the ankle; {ART_DISTAL}",
    ),
}


def all_candidate_codes() -> frozenset[str]:
    """Every code any table can propose (a test checks each is in the catalogue)."""
    groups = [
        CHERKIN_SET,
        ACUTE_LOW_BACK,
        ACUTE_THORACIC,
        *LOCAL.values(),
        *DISTAL.values(),
        *RADIATION.values(),
        *PATTERN.values(),
        tuple(SUBSTITUTES.values()),
    ]
    return frozenset(c.code for group in groups for c in group) | frozenset(SUBSTITUTES)
