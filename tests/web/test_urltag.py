"""{% url %} reversing once per process (acuback/web/urltag.py) gives Django's answer exactly."""

from __future__ import annotations

import pytest
from django.http import HttpResponse
from django.template import Context, Engine, Template
from django.test import override_settings
from django.urls import (
    NoReverseMatch,
    get_resolver,
    path,
    register_converter,
    reverse,
    set_script_prefix,
)
from django.urls.base import get_script_prefix

from acuback.web.urltag import cached_reverse


class Padded:
    """A converter that is not str(): the cached shape must not be used for it."""

    regex = "[0-9]{4}"

    def to_python(self, value: str) -> int:
        return int(value)

    def to_url(self, value: int) -> str:
        return f"{value:04d}"


register_converter(Padded, "test-padded")


def _view(request: object, **kwargs: object) -> HttpResponse:
    return HttpResponse()


# The URLconf of the override tests: the same name as the project's patient chart, elsewhere.
urlpatterns = [
    path("elsewhere/<int:patient_id>/", _view, name="patient_detail"),
    path("padded/<test-padded:n>/", _view, name="padded"),
    path("two/<int:a>/and/<int:b>/", _view, name="two"),
    path("word/<str:w>/", _view, name="word"),
]

IDS = (0, 1, 7, 42, 2474, 10**12, 2**63 - 1)


def render(source: str, **context: object) -> str:
    engine = Engine.get_default()
    return Template("{% load static %}" + source, engine=engine).render(Context(context))


def test_every_project_url_name_with_int_arguments_reverses_as_django_does() -> None:
    names = [name for name in get_resolver().reverse_dict if isinstance(name, str)]
    checked = 0
    for name in names:
        for count in range(0, 3):
            for ids in ((), *((i,) * count for i in IDS)) if count else ((),):
                try:
                    expected = reverse(name, args=list(ids))
                except NoReverseMatch:
                    with pytest.raises(NoReverseMatch):
                        cached_reverse(name, list(ids))
                    continue
                assert cached_reverse(name, list(ids)) == expected, (name, ids)
                assert cached_reverse(name, list(ids)) == expected, (name, ids)  # from cache
                checked += 1
    assert checked > 100


def test_the_template_tag_gives_djangos_urls() -> None:
    assert render("{% url 'patient_detail' 5 %}") == reverse("patient_detail", args=[5])
    assert render("{% url 'patient_detail' p %}", p=2474) == "/patients/2474/"
    assert render("{% url 'patient_list' %}") == reverse("patient_list")
    assert render("{% url 'admin:index' %}") == reverse("admin:index")
    assert render("{% url 'patient_detail' 9 as u %}[{{ u }}]") == "[/patients/9/]"
    assert render("{% url 'nowhere' as u %}[{{ u }}]") == "[]"
    with pytest.raises(NoReverseMatch):
        render("{% url 'nowhere' %}")
    with pytest.raises(NoReverseMatch):
        render("{% url 'patient_detail' -1 %}")  # not an id the int converter takes
    # Not ids: Django's own reverse, unchanged.
    assert render("{% url 'patient_detail' '12' %}") == "/patients/12/"
    assert render("{% url 'patient_detail' patient_id=3 %}") == "/patients/3/"
    with pytest.raises(NoReverseMatch):  # a bool is not an id, as for Django's tag
        render("{% url 'patient_detail' flag %}", flag=True)


@override_settings(ROOT_URLCONF=__name__)
def test_a_changed_urlconf_is_a_new_cache() -> None:
    assert cached_reverse("patient_detail", [5]) == "/elsewhere/5/"
    assert render("{% url 'patient_detail' 5 %}") == "/elsewhere/5/"
    assert render("{% url 'two' 3 40 %}") == "/two/3/and/40/"
    for n in (0, 5, 42, 1234):
        assert cached_reverse("padded", [n]) == reverse("padded", args=[n]) == f"/padded/{n:04d}/"
    assert cached_reverse("word", [12]) == reverse("word", args=[12]) == "/word/12/"


def test_back_to_the_project_urlconf_after_an_override() -> None:
    with override_settings(ROOT_URLCONF=__name__):
        assert cached_reverse("patient_detail", [5]) == "/elsewhere/5/"
    assert cached_reverse("patient_detail", [5]) == "/patients/5/"
    assert render("{% url 'patient_detail' 5 %}") == "/patients/5/"


def test_the_script_prefix_is_part_of_the_key() -> None:
    before = get_script_prefix()
    assert cached_reverse("patient_detail", [5]) == "/patients/5/"
    assert render("{% url 'patient_detail' 5 %}") == "/patients/5/"
    assert cached_reverse("patient_list") == "/patients/"
    set_script_prefix("/clinic/")
    try:
        assert cached_reverse("patient_detail", [5]) == reverse("patient_detail", args=[5]) \
            == "/clinic/patients/5/"
        assert cached_reverse("patient_list") == "/clinic/patients/"
        assert render("{% url 'patient_detail' 5 %} {% url 'patient_list' %}") == \
            "/clinic/patients/5/ /clinic/patients/"
    finally:
        set_script_prefix(before)
    assert cached_reverse("patient_detail", [5]) == "/patients/5/"
    assert render("{% url 'patient_detail' 5 %}") == "/patients/5/"
