"""The treatment-room page's rows written directly (acuback.visits.rows): every value
escaped as the template engine escapes it, the markup the page's templates had."""

from __future__ import annotations

from django.template import engines

from acuback.visits.forms import PainkillerRow
from acuback.visits.rows import painkiller_row_html


def test_it_writes_a_painkiller_row_with_its_values_escaped_and_its_errors() -> None:
    row = PainkillerRow("t<1", {"drug": "other", "name": 'Tea & "herbs"', "dose": "0",
                                "times": "", "days": "7"}, ["Choose <one>."])
    html = painkiller_row_html(row)
    assert html.startswith('<li class="pkrow row-error" data-row>\n')
    assert '<input type="hidden" name="pk" value="t&lt;1">' in html
    assert '<option value="other" selected>Other (name it) (other)</option>' in html
    assert 'name="k-t&lt;1-name" value="Tea &amp; &quot;herbs&quot;" maxlength="100">' in html
    assert 'name="k-t&lt;1-dose" value="0"' in html and 'name="k-t&lt;1-times" value=""' in html
    assert '<div class="field-error" role="alert"><p>Choose &lt;one&gt;.</p></div>\n</li>\n' in (
        html)


def test_it_writes_a_blank_painkiller_row_with_nothing_chosen() -> None:
    html = painkiller_row_html(PainkillerRow("__TOKEN__", {}))
    assert html.startswith('<li class="pkrow" data-row>\n')
    assert '<option value="" selected>Choose…</option>' in html
    assert html.endswith("  <button type=\"button\" class=\"link remove\" data-remove-row>"
                         "Remove</button>\n  \n</li>\n")


def test_it_writes_the_painkiller_rows_and_the_blank_one_to_copy() -> None:
    rows = [PainkillerRow("a", {"drug": "ibuprofen"}), PainkillerRow("b", {"drug": "naproxen"})]
    blank = PainkillerRow("__TOKEN__", {})
    html = engines["django"].from_string(
        "{% load visit_tags %}{% painkiller_rows rows blank %}").render(
        {"rows": rows, "blank": blank})
    assert html == (
        f'<ol class="pkrows" id="pk-rows" data-testid="pk-rows">{painkiller_row_html(rows[0])}'
        f"{painkiller_row_html(rows[1])}</ol>\n"
        '<button type="button" data-add-row="pk-template" data-into="pk-rows" '
        'data-testid="add-painkiller">Add a painkiller</button>\n'
        f'<template id="pk-template">{painkiller_row_html(blank)}</template>')
