from django.urls import path

from supervision import views

app_name = "supervision"

urlpatterns = [
    path("", views.mine, name="mine"),
    path("new/", views.new, name="new"),
    path("log.csv", views.log_csv, name="log_csv"),
    path("journal/", views.journal, name="journal"),
    path("journal/<uuid:entry_id>/delete/", views.journal_delete, name="journal_delete"),
]
