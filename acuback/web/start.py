"""The staff start page (`/`), built from sections that apps register.

An app adds a section in its `AppConfig.ready()`:

    from acuback.web.start import Section, register

    register(Section(
        name="unsigned_visits",                  # unique; also the section's HTML id
        title="Your unsigned visits, oldest first",
        template="visits/_start_unsigned.html",  # rendered with the dict `build` returns
        build="acuback.visits.start.unsigned_for_start",  # (actor) -> dict, or None to show
                                                 # nothing; a dotted path, imported on first
                                                 # use, so that commands which never draw the
                                                 # start page (`acuback analyze`) do not load it
        roles=CLINICAL_ROLES,                    # who sees it
        order=20,                                # smaller first; 0 is "needs your attention"
    ))

Rules for a section, so the page stays fast and safe:
- `build` reads through the app's scoped, audited selectors, as the actor, and makes a bounded
  number of queries whatever the clinic's size (a test pins the page's total);
- it returns None when there is nothing to say (the section is then left out);
- a section for front desk must carry no clinical content.

The template receives the builder's dict plus `section` (this Section) and `actor`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from typing import Any

from django.utils.module_loading import import_string

from acuback.accounts.access import membership_of
from acuback.accounts.models import User

Builder = Callable[[User], dict[str, Any] | None]


@dataclass(frozen=True)
class Section:
    name: str
    title: str
    template: str
    build: Builder | str  # the builder, or its dotted path
    roles: frozenset[str]
    order: int = 50

    def builder(self) -> Builder:
        return _imported(self.build) if isinstance(self.build, str) else self.build


@cache
def _imported(path: str) -> Builder:
    builder: Builder = import_string(path)
    return builder


@dataclass(frozen=True)
class Shown:
    """A section with its context, ready for `{% include shown.section.template %}`."""

    section: Section
    context: dict[str, Any]


_SECTIONS: dict[str, Section] = {}


def register(section: Section) -> None:
    """Add (or, under the same name, replace) a start-page section."""
    _SECTIONS[section.name] = section


def sections() -> list[Section]:
    return sorted(_SECTIONS.values(), key=lambda s: (s.order, s.name))


def sections_for(actor: User) -> list[Shown]:
    """The sections this actor's role sees, built, in order; empty ones left out."""
    membership = membership_of(actor)
    if membership is None:
        return []
    shown = []
    for section in sections():
        if membership.role not in section.roles:
            continue
        context = section.builder()(actor)
        if context is not None:
            shown.append(Shown(section, {**context, "section": section, "actor": actor}))
    return shown
