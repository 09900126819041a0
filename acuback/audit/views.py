"""The owners' audit browser."""

from __future__ import annotations

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from acuback.audit.models import Action, Outcome
from acuback.audit.selectors import AuditFilter, audit_object_types, audit_search
from acuback.patients.forms import DateInput


class AuditFilterForm(forms.Form):
    actor = forms.CharField(label="Username", required=False, max_length=150,
                            widget=forms.TextInput(attrs={"autocomplete": "off"}))
    action = forms.ChoiceField(required=False, choices=[("", "Any action"), *Action.choices])
    object_type = forms.CharField(label="Object type", required=False, max_length=40,
                                  widget=forms.TextInput(attrs={"list": "object-types",
                                                                "autocomplete": "off"}))
    object_id = forms.CharField(label="Object id", required=False, max_length=64)
    outcome = forms.ChoiceField(required=False, choices=[("", "Any outcome"), *Outcome.choices])
    date_from = forms.DateField(label="From", required=False, widget=DateInput())
    date_to = forms.DateField(label="To (inclusive)", required=False, widget=DateInput())
    page = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput())

    def to_filter(self) -> AuditFilter:
        """The filters that parsed; one that did not is shown beside its field and ignored."""
        self.is_valid()
        data = {k: v for k, v in self.cleaned_data.items() if v not in (None, "")}
        return AuditFilter(**{"page": 1, **data})


@login_required
@require_GET
def audit_list(request: HttpRequest) -> HttpResponse:
    form = AuditFilterForm(request.GET)
    page = audit_search(actor=request.user, filters=form.to_filter())
    types = audit_object_types(actor=request.user)
    return render(request, "audit/list.html", {"form": form, "page": page, "types": types})
