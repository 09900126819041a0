"""{% static %} asking the storage once per file (acuback/web/statictag.py): Django's URLs."""

from __future__ import annotations

import re
from pathlib import Path

from django.template import Context, Engine, Template
from django.templatetags.static import static
from django.test import override_settings
from django.urls import set_script_prefix
from django.urls.base import get_script_prefix

import acuback
from acuback.web import statictag


def render(source: str, **context: object) -> str:
    return Template(source, engine=Engine.get_default()).render(
        Context(context))


def test_our_static_is_a_builtin_and_no_template_of_ours_loads_djangos() -> None:
    assert statictag.register in Engine.get_default().template_builtins
    templates = [p for p in Path(acuback.__file__).parent.rglob("*.html")]
    assert len(templates) > 100
    assert not [p for p in templates if re.search(r"\{% load [^%]*\bstatic\b", p.read_text())]


def test_urls_are_djangos_and_repeat_from_the_cache() -> None:
    for path in ("acuback/acuback.css", "acuback/htmx.min.js", "a file with spaces.css",
                 "ünïcode/é.js"):
        expected = static(path)
        assert render("{% static p %}", p=path) == expected
        assert render("{% static p %}", p=path) == expected  # from the cache
        assert expected in statictag._urls.values()
    assert render("{% static 'acuback/acuback.css' as u %}[{{ u }}]") == \
        f"[{static('acuback/acuback.css')}]"
    assert render("{% static p %}", p="x&y.css") == static("x&y.css").replace("&", "&amp;")


def test_a_changed_static_url_or_script_prefix_is_a_new_key() -> None:
    assert render("{% static 'acuback/acuback.css' %}") == "/static/acuback/acuback.css"
    with override_settings(STATIC_URL="/assets/"):
        assert render("{% static 'acuback/acuback.css' %}") == "/assets/acuback/acuback.css"
    assert render("{% static 'acuback/acuback.css' %}") == "/static/acuback/acuback.css"
    before = get_script_prefix()
    set_script_prefix("/clinic/")
    try:
        # Whatever the storage makes of the prefix (it may have read STATIC_URL before).
        assert render("{% static 'acuback/acuback.css' %}") == static("acuback/acuback.css")
    finally:
        set_script_prefix(before)
    assert render("{% static 'acuback/acuback.css' %}") == "/static/acuback/acuback.css"
