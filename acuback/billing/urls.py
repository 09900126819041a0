from django.urls import path

from acuback.billing import views

urlpatterns = [
    path("patients/<int:patient_id>/", views.patient_billing, name="billing_patient"),
    path("patients/<int:patient_id>/payer/", views.payer_set, name="billing_payer"),
    path("patients/<int:patient_id>/payments/", views.payment_new, name="billing_payment_new"),
    path("patients/<int:patient_id>/superbill/", views.superbill_period,
         name="superbill_period"),
    path("patients/<int:patient_id>/superbill.pdf", views.superbill_period, {"kind": "pdf"},
         name="superbill_period_pdf"),
    path("patients/<int:patient_id>/superbill.csv", views.superbill_period, {"kind": "csv"},
         name="superbill_period_csv"),
    path("patients/<int:patient_id>/cms1500.json", views.superbill_period,
         {"kind": "cms1500"}, name="cms1500_period"),
    path("patients/<int:patient_id>/audit-pack.pdf", views.audit_pack, name="audit_pack"),
    path("episodes/<int:episode_id>/abn/", views.abn_new, name="abn_new"),
    path("abns/<int:abn_id>/void/", views.abn_void, name="abn_void"),
    path("payments/<int:payment_id>/void/", views.payment_void, name="payment_void"),
    path("visits/<int:visit_id>/", views.visit_billing, name="billing_visit"),
    path("visits/<int:visit_id>/supervision/", views.supervision_new, name="supervision_new"),
    path("visits/<int:visit_id>/derive/", views.rederive, name="claim_lines_rederive"),
    path("visits/<int:visit_id>/superbill/", views.superbill_visit, name="superbill_visit"),
    path("visits/<int:visit_id>/superbill.pdf", views.superbill_visit, {"kind": "pdf"},
         name="superbill_visit_pdf"),
    path("visits/<int:visit_id>/superbill.csv", views.superbill_visit, {"kind": "csv"},
         name="superbill_visit_csv"),
    path("visits/<int:visit_id>/cms1500.json", views.superbill_visit, {"kind": "cms1500"},
         name="cms1500_visit"),
    path("fees/", views.fee_schedule, name="billing_fees"),
    path("clinic/", views.clinic_details, name="billing_clinic"),
]
