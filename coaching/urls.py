from django.urls import path

from coaching import views

app_name = "coaching"

urlpatterns = [
    path("check/", views.check_field, name="check"),
    path("lexicon/", views.lexicon, name="lexicon"),
    path("practice/", views.practice, name="practice"),
    path("practice/shared/", views.practice_shared, name="practice_shared"),
    path("practice/<uuid:review_id>/", views.practice_detail, name="practice_detail"),
    path("practice/<uuid:review_id>/comments/", views.practice_comment, name="practice_comment"),
]
