"""Talking a shared practice review over: Sam comments on a line of a review Ana shared, Ana
answers, both see the thread; Mia never does; unsharing or leaving the team ends Sam's access."""

import pytest
from django.db import connection

from audit.models import Action, AuditEvent
from coaching.models import PracticeReview, ReviewComment
from organizations.models import Membership

pytestmark = pytest.mark.django_db

LINES = [
    {"speaker": "coach", "text": "How was the week?", "label": "open_question"},
    {"speaker": "participant", "text": "Rough. I skipped the meeting.", "label": "neutral"},
    {
        "speaker": "coach",
        "text": "You should really go next time.",
        "label": "advice_without_permission",
    },
]


def _review(demo, shared: bool = True) -> PracticeReview:
    return PracticeReview.objects.create(
        organization=demo.organizations["harbor"],
        owner=demo.users["ana"],
        title="Role-play with Jordan",
        utterances=LINES,
        summary={},
        shared_with_supervisor=shared,
    )


def test_sam_comments_on_a_line_and_ana_answers(demo, client_for) -> None:
    review = _review(demo)
    sam, ana = client_for("sam"), client_for("ana")
    url = f"/coaching/practice/{review.id}/"
    response = sam.post(
        f"{url}comments/", {"line": "3", "text": "Could you ask first? Try: 'Can I share an idea?'"}
    )
    assert response.status_code == 302 and response["Location"].endswith("#comments")
    ana.post(f"{url}comments/", {"line": "3", "text": "Yes, I felt myself rushing there."})
    page = ana.get(url).content.decode()
    thread = page.split('id="comments-heading"')[1]
    assert "Could you ask first?" in thread and "I felt myself rushing" in thread
    assert "on line 3" in thread and "You should really go next time." in thread
    assert thread.count('id="comment-line-3"') == 1
    assert '<a href="#comment-line-3">2 comments' in page
    assert "I felt myself rushing" in sam.get(url).content.decode()
    with connection.cursor() as cursor:
        cursor.execute("SELECT text FROM coaching_review_comment")
        assert all("rushing" not in row[0] for row in cursor.fetchall())
    assert (
        AuditEvent.objects.filter(
            action=Action.CREATE, target_type="coaching.reviewcomment"
        ).count()
        == 2
    )


def test_managers_and_other_coaches_never_see_the_thread(demo, client_for) -> None:
    review = _review(demo)
    client_for("sam").post(f"/coaching/practice/{review.id}/comments/", {"text": "Nice work."})
    for who in ("mia", "max", "ben", "rio"):
        client = client_for(who)
        assert client.get(f"/coaching/practice/{review.id}/").status_code in (403, 404)
        client.post(f"/coaching/practice/{review.id}/comments/", {"text": "Let me in"})
    assert ReviewComment.objects.count() == 1


def test_unsharing_or_leaving_the_team_ends_sams_access_at_once(demo, client_for) -> None:
    review = _review(demo)
    sam = client_for("sam")
    sam.post(f"/coaching/practice/{review.id}/comments/", {"text": "Nice reflection."})
    PracticeReview.objects.filter(pk=review.pk).update(shared_with_supervisor=False)
    assert sam.get(f"/coaching/practice/{review.id}/").status_code == 404
    PracticeReview.objects.filter(pk=review.pk).update(shared_with_supervisor=True)
    assert sam.get(f"/coaching/practice/{review.id}/").status_code == 200
    Membership.objects.filter(user=demo.users["sam"]).update(team=None)
    assert sam.get(f"/coaching/practice/{review.id}/").status_code == 404


def test_an_empty_comment_or_an_unknown_line_is_refused_calmly(demo, client_for) -> None:
    review = _review(demo)
    url = f"/coaching/practice/{review.id}/comments/"
    response = client_for("sam").post(url, {"line": "3", "text": "  "})
    assert response.status_code == 400 and "Please check the form" in response.content.decode()
    assert "Your comment" in response.content.decode()
    response = client_for("sam").post(url, {"line": "99", "text": "Here"})
    assert response.status_code == 400
    assert not ReviewComment.objects.exists()
