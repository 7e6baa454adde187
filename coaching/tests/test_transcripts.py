"""Reading transcripts in each format, and refusing bad ones with a clear reason."""

import pytest

from coaching.conversation.parse import TranscriptError, Utterance, parse

VTT = """WEBVTT

00:00:01.000 --> 00:00:04.000
<v Ana Coach>How has the week been for you?

00:00:04.500 --> 00:00:09.000
<v Sam>Long. The bus didn't come twice.

00:00:09.500 --> 00:00:12.000
<v Ana Coach>That sounds exhausting.
"""

SRT = """1
00:00:01,000 --> 00:00:04,000
Coach: What's been on your mind since Friday?

2
00:00:04,500 --> 00:00:08,000
Participant: Mostly my court date.

3
00:00:08,200 --> 00:00:09,000
It's in two weeks.
"""


def test_prefixed_lines_long_and_short_forms() -> None:
    text = "Coach: Hi Jo.\nParticipant: hey\nC: how are things\nP: okay I guess\n  still tired\n"
    assert parse(text) == [
        Utterance("coach", "Hi Jo."),
        Utterance("participant", "hey"),
        Utterance("coach", "how are things"),
        Utterance("participant", "okay I guess still tired"),
    ]


def test_named_speakers_take_the_first_as_coach_unless_told() -> None:
    text = "Maria: What brings you in today?\nDev: My sister made me come.\nMaria: She cares."
    assert [u.speaker for u in parse(text)] == ["coach", "participant", "coach"]
    told = parse(text, coach_name="Dev")
    assert [u.speaker for u in told] == ["participant", "coach", "participant"]


def test_webvtt_with_voice_tags() -> None:
    result = parse(VTT.encode(), filename="session.vtt")
    assert [u.speaker for u in result] == ["coach", "participant", "coach"]
    assert result[1].text == "Long. The bus didn't come twice."


def test_srt_with_prefixes_and_continued_cues() -> None:
    result = parse(SRT.encode(), filename="session.srt")
    assert result == [
        Utterance("coach", "What's been on your mind since Friday?"),
        Utterance("participant", "Mostly my court date. It's in two weeks."),
    ]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("", "The transcript is empty."),
        ("   \n  ", "The transcript is empty."),
        ("just some words without speakers", "No speakers found."),
        ("Participant: hello\nParticipant: anyone?", "No coach turns found."),
        (b"\xff\xfe\x00bad", "isn't plain text"),
        (b"Coach: hi\n" * 600_000, "larger than 2 MB"),
        ("Coach: How was the week?\nCoach: And the meeting?", "Only the coach's turns"),
        (
            "Coach: ¿Cómo te fue esta semana con el trabajo?\n"
            "Participant: Pues más o menos, no dormí bien y estoy cansado.\n"
            "Coach: Estás cansado y la semana fue pesada para ti.\n"
            "Participant: Sí, pero quiero ir a la reunión del jueves.",
            "looks like it is in Spanish",
        ),
    ],
)
def test_bad_transcripts_get_a_clear_reason(content: str | bytes, message: str) -> None:
    with pytest.raises(TranscriptError, match=message):
        parse(content)


def test_a_few_spanish_sentences_in_an_english_conversation_are_read() -> None:
    result = parse(
        "Coach: How was the week with your mom?\n"
        "Participant: Bien, bien. I mean, she was on me about work, you know, like always.\n"
        "Coach: She cares, and it still wears you down. ¿Qué te ayudó esta semana?\n"
        "Participant: Honestly the Thursday meeting. I went twice."
    )
    assert [u.speaker for u in result] == ["coach", "participant", "coach", "participant"]


def test_a_three_hour_session_is_read_within_the_size_limit() -> None:
    turns = "\n".join(
        f"Coach: What happened after the {n}th call?\nParticipant: I kept going, {n} times."
        for n in range(1800)
    )
    result = parse(turns)
    assert len(result) == 3600
