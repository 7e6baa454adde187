"""Text files in every Unicode encoding a byte-order mark names (finding 11 of issue 18)."""

import codecs
from collections.abc import Callable

import pytest

from cairn.demo import DemoWorld
from imports import services
from imports.limits import UnreadableFile
from imports.models import ImportBatch
from imports.reading import read
from imports.sample import PARTICIPANT_HEADERS, participant_row, to_csv
from organizations.models import Membership
from participants.models import Participant

TEXT = "name\tcity\r\nJosé Ñuñez\tMontréal\r\nRenée\t東京\r\n"


@pytest.mark.parametrize(
    ("bom", "codec"),
    [
        (codecs.BOM_UTF8, "utf-8"),
        (codecs.BOM_UTF16_LE, "utf-16-le"),
        (codecs.BOM_UTF16_BE, "utf-16-be"),
        (codecs.BOM_UTF32_LE, "utf-32-le"),
        (codecs.BOM_UTF32_BE, "utf-32-be"),
    ],
)
def test_a_byte_order_mark_decides_how_the_text_is_read(bom: bytes, codec: str) -> None:
    sheet = read(bom + TEXT.encode(codec), "people.txt")
    assert sheet.headers == ["name", "city"]
    assert list(sheet.rows()) == [["José Ñuñez", "Montréal"], ["Renée", "東京"]]
    assert sheet.delimiter == "\t"
    assert sheet.notice == ""


def test_excels_unicode_text_imports_people_with_their_names_as_written(
    demo: DemoWorld,
    checked: Callable[..., ImportBatch],
    membership: Callable[[str], Membership],
) -> None:
    rows = [participant_row(i) for i in range(3)]
    rows[0]["preferred_name"] = "José Ñuñez"
    rows[1]["preferred_name"] = "Zoë Ångström"
    text = to_csv(rows, PARTICIPANT_HEADERS, delimiter="\t")  # what "Unicode text" saves
    raw = codecs.BOM_UTF16_LE + text.encode("utf-16-le")

    batch = checked(raw, filename="people.txt")

    assert (batch.encoding, batch.delimiter) == ("utf-16-le", "\t")
    assert (batch.valid_count, batch.problem_count) == (3, 0)
    assert services.apply(acting=membership("mia"), batch=batch) == 3
    names = set(Participant.objects.values_list("preferred_name", flat=True))
    assert {"José Ñuñez", "Zoë Ångström", "Person 000002"} <= names


def test_a_file_marked_utf16_that_is_not_says_why_it_cannot_be_read() -> None:
    broken = codecs.BOM_UTF16_LE + "name\r\nAna\r\n".encode("utf-16-le") + b"\x00\xd8\x41"
    with pytest.raises(UnreadableFile, match="marked as UTF-16-LE text, but part of it cannot"):
        read(broken, "people.txt").count_rows()


@pytest.mark.parametrize("codec", ["utf-16-le", "utf-16-be"])
def test_utf16_without_its_mark_is_recognised_and_the_page_says_so(codec: str) -> None:
    sheet = read(TEXT.encode(codec), "people.txt")
    assert list(sheet.rows()) == [["José Ñuñez", "Montréal"], ["Renée", "東京"]]
    assert "it looks like Unicode text (UTF-16)" in sheet.notice


def test_a_file_with_nul_bytes_that_is_not_text_is_refused_with_what_to_do() -> None:
    with pytest.raises(UnreadableFile, match="holds empty \\(NUL\\) characters"):
        read(b"name\x00\x00\x00\x00,x\r\n\x00\x01\x00\x00\x00\x00\r\n", "people.csv")
