"""The point rows and painkiller rows of the treatment-room page, written directly as HTML.

A visit has many points and each row some fifty values; rendered through the template engine
the rows were most of the time the page took to open (bench/bench_visit_page.py). So each row
is a function here, every value escaped (`widgets.esc`, as the template engine escapes), the
markup that of the page's other fields. `{% point_row row %}`, `{% point_rows rows %}` and
`{% painkiller_rows rows blank %}` (visit_tags) render them.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from django.utils.safestring import SafeString

from acuback.clinical.analgesics import analgesic_list
from acuback.visits.forms import PainkillerRow, PointRow
from acuback.visits.widgets import esc, options_html


def _text(value: Any) -> str:
    return "" if value is None else esc(value)


def _input(t: str, key: str, label: str, value: Any, extra: str = "") -> str:
    return (f"<div class=\"field\"><label for=\"p-{t}-{key}\">{label}</label><input "
            f"id=\"p-{t}-{key}\" name=\"p-{t}-{key}\" value=\"{_text(value)}\"{extra}></div>")


def _select(t: str, key: str, label: str, options: str) -> str:
    return (f"<div class=\"field\"><label for=\"p-{t}-{key}\">{label}</label><select "
            f"id=\"p-{t}-{key}\" name=\"p-{t}-{key}\">{options}</select></div>")


def _name(row: PointRow) -> str:
    point, t = row.point, esc(row.token)
    if point is None:
        return (f"<label for=\"p-{t}-ashi\"><strong>Ashi</strong> at</label> <input "
                f"id=\"p-{t}-ashi\" name=\"p-{t}-ashi\" "
                f"value=\"{_text(row.values.get('ashi_location'))}\" maxlength=\"120\" "
                "placeholder=\"where it is tender\" data-testid=\"ashi-location\">")
    cap = (f" <span class=\"badge tag\">at most {esc(f'{point.max_depth_mm:g}')} mm</span>"
           if point.max_depth_mm else "")
    return (f"<strong class=\"code\">{esc(point.code)}</strong> {esc(point.pinyin)} "
            f"<span lang=\"zh\">{esc(point.hanzi)}</span>{cap}")


def _needle(row: PointRow) -> str:
    t, v = esc(row.token), row.values
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
    lot = f" · lot {esc(v['lot'])}" if v.get("lot") else ""
    opened = " open" if row.errors or row.electrical else ""
    return (f"<details class=\"vpoint-needle\"{opened}><summary>Needle and stimulation{lot}"
            f"</summary><div class=\"form-grid four\">{''.join(fields)}</div></details>")


def _override(row: PointRow) -> str:
    if not row.excluded_why:
        return ""
    t, label = esc(row.token), esc(row.label)
    return (f"<div class=\"override\"><p><strong>Excluded for this patient:</strong> "
            f"{esc(row.excluded_why)}.</p><div class=\"field\"><label for=\"p-{t}-override\">"
            f"Your reason for using {label} anyway</label><input id=\"p-{t}-override\" "
            f"name=\"p-{t}-override\" value=\"{_text(row.values.get('override_reason'))}\" "
            f"maxlength=\"2000\" data-testid=\"override-{label}\"></div></div>")


def point_row_html(row: PointRow) -> SafeString:
    t, v, label = esc(row.token), row.values, esc(row.label)
    choose = "<option value=\"\">Choose…</option>" if row.is_ashi else ""
    main = [
        f"<div class=\"vpoint-name\">{_name(row)}</div>",
        _select(t, "side", "Side", choose + options_html(row.sides, v.get("side"))),
        _input(t, "depth", "Depth (mm)", v.get("depth_mm"), ' inputmode="decimal" class="short"'),
        _select(t, "angle", "Angle",
                "<option value=\"\">—</option>" + options_html(row.angles, v.get("angle"))),
        _select(t, "deqi", "De qi", options_html(row.de_qi_choices, v.get("de_qi"))),
        f"<button type=\"button\" class=\"link remove\" data-remove-row "
        f"aria-label=\"Remove {label}\">Remove</button>",
    ]
    errors = ("<div class=\"field-error\" role=\"alert\">"
              + "".join(f"<p>{esc(e)}</p>" for e in row.errors) + "</div>") if row.errors else ""
    classes = "vpoint" + (" excluded" if row.excluded_why else "") + (
        " row-error" if row.errors else "")
    return SafeString(
        f"<li class=\"{classes}\" data-row data-testid=\"point-{label}\">"
        f"<input type=\"hidden\" name=\"point\" value=\"{t}\">"
        f"<input type=\"hidden\" name=\"p-{t}-code\" value=\"{_text(v.get('code'))}\">"
        f"<div class=\"vpoint-main\">{''.join(main)}</div>{_needle(row)}{_override(row)}"
        f"{errors}</li>")


@cache
def drug_choices() -> tuple[tuple[str, str], ...]:
    """The analgesic list as (id, "name (class)") choices, computed once."""
    listed = analgesic_list()
    return (("", "Choose…"), *((d.id, f"{d.name} ({listed.classes[d.drug_class].lower()})")
                              for d in listed.drugs.values()))


def _pk_input(t: str, key: str, label: str, value: Any, extra: str) -> str:
    shown = esc(value) if value else ""  # as {{ value|default:'' }}
    return (f"  <div class=\"field\"><label for=\"k-{t}-{key}\">{label}</label><input "
            f"id=\"k-{t}-{key}\" name=\"k-{t}-{key}\" value=\"{shown}\"{extra}></div>\n")


def painkiller_row_html(row: PainkillerRow) -> str:
    """One painkiller row (a drug from the list, or another named; dose, times a day, days in
    the last week), and a newline."""
    t, v = esc(row.token), row.values
    errors = ("<div class=\"field-error\" role=\"alert\">"
              + "".join(f"<p>{esc(e)}</p>" for e in row.errors) + "</div>") if row.errors else ""
    return (
        f"<li class=\"pkrow{' row-error' if row.errors else ''}\" data-row>\n"
        f"  <input type=\"hidden\" name=\"pk\" value=\"{t}\">\n"
        f"  <div class=\"field\"><label for=\"k-{t}-drug\">Painkiller</label>\n"
        f"    <select id=\"k-{t}-drug\" name=\"k-{t}-drug\" data-testid=\"pk-drug\">"
        f"{options_html(drug_choices(), v.get('drug'))}</select></div>\n"
        + _pk_input(t, "name", "Name, if other", v.get("name"), ' maxlength="100"')
        + _pk_input(t, "dose", "Dose (mg; patch mcg/hr)", v.get("dose"),
                    ' inputmode="decimal" class="short" data-testid="pk-dose"')
        + _pk_input(t, "times", "Times a day", v.get("times"),
                    ' inputmode="numeric" class="short" data-testid="pk-times"')
        + _pk_input(t, "days", "Days last week", v.get("days"),
                    ' inputmode="numeric" class="short" data-testid="pk-days"')
        + "  <button type=\"button\" class=\"link remove\" data-remove-row>Remove</button>\n"
        f"  {errors}\n</li>\n")
