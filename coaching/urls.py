from django.urls import path

from coaching import views

app_name = "coaching"

urlpatterns = [
    path("check/", views.check_field, name="check"),
    path("lexicon/", views.lexicon, name="lexicon"),
]
