from django.urls import path

from safety import views

app_name = "safety"

urlpatterns = [
    path("participant/<uuid:participant_id>/", views.plan_detail, name="plan"),
    path("participant/<uuid:participant_id>/edit/", views.plan_edit, name="edit"),
    path("participant/<uuid:participant_id>/versions/", views.plan_versions, name="versions"),
    path("participant/<uuid:participant_id>/card/", views.wallet_card, name="card"),
    path("version/<uuid:version_id>/", views.version_detail, name="version"),
    path("crisis-lines/", views.crisis_line_list, name="crisis_lines"),
    path("crisis-lines/<uuid:line_id>/", views.crisis_line_edit, name="crisis_line"),
]
