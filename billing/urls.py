from django.urls import path

from billing import claim_views, line_views, remit_views, views

app_name = "billing"

urlpatterns = [
    path("", views.lines, name="lines"),
    path("check-again/", views.check_again, name="check_again"),
    path("payers/", views.payers, name="payers"),
    path("payers/<uuid:payer_id>/", views.payer, name="payer"),
    path("payers/<uuid:payer_id>/rows/", views.add_row, name="add_row"),
    path("rows/<uuid:row_id>/remove/", views.remove_row, name="remove_row"),
    path("providers/", views.providers, name="providers"),
    path("coverage/<uuid:participant_id>/", views.coverage, name="coverage"),
    path("coverage/<uuid:participant_id>/add/", views.coverage_add, name="coverage_add"),
    path(
        "coverage/<uuid:coverage_id>/authorizations/",
        views.authorization_add,
        name="authorization_add",
    ),
    path("claims/", claim_views.claims, name="claims"),
    path("claims/build/<uuid:payer_id>/", claim_views.batch_build, name="batch_build"),
    path("claims/<uuid:batch_id>/", claim_views.batch, name="batch"),
    path("claims/<uuid:batch_id>/837p/", claim_views.batch_837, name="batch_837"),
    path("claims/<uuid:batch_id>/csv/", claim_views.batch_csv, name="batch_csv"),
    path("claims/<uuid:batch_id>/cancel/", claim_views.batch_cancel, name="batch_cancel"),
    path("claims/<uuid:batch_id>/sent/", claim_views.batch_sent, name="batch_sent"),
    path("claims/<uuid:batch_id>/test-835/", remit_views.batch_test_835, name="batch_test_835"),
    path("remittances/", remit_views.remittances, name="remittances"),
    path("remittances/<uuid:remittance_id>/", remit_views.remittance, name="remittance"),
    path("lines/<uuid:line_id>/", line_views.line, name="line"),
    path("lines/<uuid:line_id>/void/", line_views.void, name="void"),
    path("report/", line_views.report, name="report"),
]
