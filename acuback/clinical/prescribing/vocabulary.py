"""The words a prescription is asked in. Values match the episode model's choices
(`acuback.episodes.models`) and `acuback.clinical.chronicity.Chronicity`."""

from __future__ import annotations

from enum import StrEnum

from acuback.clinical.chronicity import Chronicity

__all__ = ["Chronicity", "Pattern", "Radiation", "Region", "Role", "Side"]


class Region(StrEnum):
    LUMBAR = "lumbar"
    LUMBOSACRAL = "lumbosacral"
    THORACIC = "thoracic"
    SACROILIAC = "sacroiliac"


class Side(StrEnum):
    """Side of the complaint, and the side a proposed point is needled on."""

    LEFT = "left"
    RIGHT = "right"
    BILATERAL = "bilateral"
    MIDLINE = "midline"


class Radiation(StrEnum):
    NONE = "none"
    POSTERIOR_LEG = "posterior_leg"
    LATERAL_LEG = "lateral_leg"


class Pattern(StrEnum):
    """A small vocabulary of TCM patterns seen in back pain (conventional textbook teaching)."""

    QI_STAGNATION_BLOOD_STASIS = "qi_stagnation_blood_stasis"
    KIDNEY_DEFICIENCY = "kidney_deficiency"
    COLD_DAMP = "cold_damp"
    DAMP_HEAT = "damp_heat"


class Role(StrEnum):
    """Why a point is in the proposal; it decides which side the point goes on."""

    LOCAL = "local"  # at the painful area: on the affected side when the complaint is one-sided
    DISTAL = "distal"  # away from the pain: both sides, as the trial protocols do
    RADIATION = "radiation"  # along the leg the pain runs down: that leg when one-sided
    SYSTEMIC = "systemic"  # pattern and acute-pain points: both sides
