"""URLs of the reports app."""

from django.urls import path

from reports import views

app_name = "reports"
urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("mine/", views.mine, name="mine"),
    path("rows/<slug:figure>/", views.rows, name="rows"),
    path("report.csv", views.download, name="download"),
]
