from django.urls import path

from organizations import access_views, components_views, team_views, views

app_name = "organizations"

urlpatterns = [
    path("switch/", views.switch_organization, name="switch"),
    path("people/", views.people, name="people"),
    path("people/invite/", views.invite, name="invite"),
    path("people/<uuid:public_id>/", views.person, name="person"),
    path("people/<uuid:public_id>/active/", views.person_active, name="person_active"),
    path("people/<uuid:public_id>/new-link/", views.person_new_link, name="person_new_link"),
    path("settings/", views.organization_settings, name="settings"),
    path("teams/", views.teams, name="teams"),
    path("teams/<uuid:team_id>/", views.team, name="team"),
    path("my-team/<uuid:team_id>/", team_views.supervised_team, name="supervised_team"),
    path("access/", access_views.who_has_access, name="access"),
    path("access/<uuid:change_id>/", access_views.decide, name="access_decide"),
    path("components/", components_views.components, name="components"),
]
