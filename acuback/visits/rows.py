"""One point row of the treatment-room page, written directly as HTML.

A visit has many points and each row some fifty values; rendered through the template engine
the rows were most of the time the page took to open (bench/bench_visit_page.py). So the row
is a function here, every value escaped by format_html, the markup that of the page's other
fields. `{% point_row row %}` (visit_tags) renders one.
"""

from __future__ import annotations

from typing import Any

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

from acuback.visits.forms import PointRow
from acuback.visits.widgets import options_html


def _text(value: Any) -> str:
    return "" if value is None else str(value)


def _input(t: str, key: str, label: str, value: Any, extra: str = "") -> SafeString:
    return format_html(
        "<div class=\"field\"><label for=\"p-{t}-{k}\">{label}</label><input id=\"p-{t}-{k}\" "
        "name=\"p-{t}-{k}\" value=\"{value}\"{extra}></div>", t=t, k=key, label=label,
        value=_text(value), extra=SafeString(extra))


def _select(t: str, key: str, label: str, options: SafeString) -> SafeString:
    return format_html(
        "<div class=\"field\"><label for=\"p-{t}-{k}\">{label}</label><select id=\"p-{t}-{k}\" "
        "name=\"p-{t}-{k}\">{options}</select></div>", t=t, k=key, label=label, options=options)


def _name(row: PointRow) -> SafeString:
    point, t = row.point, row.token
    if point is None:
        return format_html(
            "<label for=\"p-{t}-ashi\"><strong>Ashi</strong> at</label> <input id=\"p-{t}-ashi\" "
            "name=\"p-{t}-ashi\" value=\"{value}\" maxlength=\"120\" placeholder=\"where it is "
            "tender\" data-testid=\"ashi-location\">", t=t,
            value=_text(row.values.get("ashi_location")))
    cap = format_html(" <span class=\"badge tag\">at most {} mm</span>",
                      f"{point.max_depth_mm:g}") if point.max_depth_mm else ""
    return format_html("<strong class=\"code\">{}</strong> {} <span lang=\"zh\">{}</span>{}",
                       point.code, point.pinyin, point.hanzi, cap)


def _needle(row: PointRow) -> SafeString:
    t, v = row.token, row.values
    fields = [
        _input(t, "gauge", "Diameter (mm)", v.get("gauge_mm"),
               ' inputmode="decimal" data-needle="gauge"'),
        _input(t, "length", "Length (mm)", v.get("length_mm"),
               ' inputmode="numeric" data-needle="length"'),
        _input(t, "maker", "Maker", v.get("manufacturer"), ' maxlength="80" data-needle="maker"'),
        _input(t, "lot", "Lot", v.get("lot"), ' maxlength="60" data-needle="lot"'),
        _select(t, "stim", "Stimulation", options_html(row.stimulations, v.get("stimulation"))),
        _input(t, "hz", "E-stim Hz", v.get("estim_hz"), ' inputmode="decimal"'),
        _input(t, "ma", "E-stim mA", v.get("estim_ma"), ' inputmode="decimal"'),
        _input(t, "pair", "Lead pair", v.get("electrode_pair"), ' inputmode="numeric"'),
    ]
    lot = format_html(" · lot {}", v["lot"]) if v.get("lot") else ""
    return format_html(
        "<details class=\"vpoint-needle\"{open}><summary>Needle and stimulation{lot}</summary>"
        "<div class=\"form-grid four\">{fields}</div></details>",
        open=SafeString(" open" if row.errors or row.electrical else ""), lot=lot,
        fields=SafeString("".join(fields)))


def _override(row: PointRow) -> SafeString | str:
    if not row.excluded_why:
        return ""
    return format_html(
        "<div class=\"override\"><p><strong>Excluded for this patient:</strong> {why}.</p>"
        "<div class=\"field\"><label for=\"p-{t}-override\">Your reason for using {label} anyway"
        "</label><input id=\"p-{t}-override\" name=\"p-{t}-override\" value=\"{value}\" "
        "maxlength=\"2000\" data-testid=\"override-{label}\"></div></div>", why=row.excluded_why,
        t=row.token, label=row.label, value=_text(row.values.get("override_reason")))


def point_row_html(row: PointRow) -> SafeString:
    t, v = row.token, row.values
    choose = SafeString("<option value=\"\">Choose…</option>") if row.is_ashi else ""
    main = [
        format_html("<div class=\"vpoint-name\">{}</div>", _name(row)),
        _select(t, "side", "Side",
                format_html("{}{}", choose, options_html(row.sides, v.get("side")))),
        _input(t, "depth", "Depth (mm)", v.get("depth_mm"), ' inputmode="decimal" class="short"'),
        _select(t, "angle", "Angle", format_html("<option value=\"\">—</option>{}",
                                                 options_html(row.angles, v.get("angle")))),
        _select(t, "deqi", "De qi", options_html(row.de_qi_choices, v.get("de_qi"))),
        format_html("<button type=\"button\" class=\"link remove\" data-remove-row "
                    "aria-label=\"Remove {}\">Remove</button>", row.label),
    ]
    errors = format_html("<div class=\"field-error\" role=\"alert\">{}</div>", format_html_join(
        "", "<p>{}</p>", ((e,) for e in row.errors))) if row.errors else ""
    classes = "vpoint" + (" excluded" if row.excluded_why else "") + (
        " row-error" if row.errors else "")
    return format_html(
        "<li class=\"{classes}\" data-row data-testid=\"point-{label}\">"
        "<input type=\"hidden\" name=\"point\" value=\"{t}\">"
        "<input type=\"hidden\" name=\"p-{t}-code\" value=\"{code}\">"
        "<div class=\"vpoint-main\">{main}</div>{needle}{override}{errors}</li>",
        classes=classes, label=row.label, t=t, code=_text(v.get("code")),
        main=SafeString("".join(main)), needle=_needle(row), override=_override(row),
        errors=errors)
