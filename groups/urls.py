from django.urls import path

from groups import views

app_name = "groups"

urlpatterns = [
    path("", views.group_list, name="list"),
    path("<uuid:group_id>/", views.group_detail, name="detail"),
    path("<uuid:group_id>/session/", views.group_session, name="session"),
    path("<uuid:group_id>/for-participants/", views.group_listing, name="listing"),
]
