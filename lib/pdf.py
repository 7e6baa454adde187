"""Cairn's PDF page (fpdf2): Letter paper, the Unicode font when the machine has it (else the
core font with text it cannot show replaced), a header line naming whose document it is and when
it was made, "Page x of y" at the foot, paragraphs, and tables of rows. The person's record copy
(consent.record_pdf) and the signed supervision log (supervision.log_pdf) are both one."""

import logging
from collections.abc import Iterable
from datetime import datetime
from pathlib import Path
from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _
from fpdf import FPDF
from fpdf.fonts import FontFace

from lib.when import show_datetime

# fontTools logs each step of subsetting the font at INFO; that is noise in the server log.
logging.getLogger("fontTools").setLevel(logging.WARNING)

CORE_FONT = "helvetica"
UNICODE_FONT = "cairn-sans"
FONT_FILES = {"": "DejaVuSans.ttf", "B": "DejaVuSans-Bold.ttf"}
# Common punctuation the core font lacks, written the nearest plain way before anything else is
# replaced by "?".
PLAIN = str.maketrans(
    {"\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"', "\u2013": "-", "\u2014": "-"}
)
PLAIN_ELLIPSIS = {"\u2026": "..."}


def unicode_font_dir() -> Path | None:
    """The folder with the Unicode font, when it has both faces; else the core font is used."""
    folder = Path(settings.CAIRN_PDF_FONT_DIR)
    if all((folder / name).is_file() for name in FONT_FILES.values()):
        return folder
    return None


def plain(text: str) -> str:
    """The text as the core font writes it before replacing what it cannot show."""
    text = text.translate(PLAIN)
    for char, simple in PLAIN_ELLIPSIS.items():
        text = text.replace(char, simple)
    return text


class CairnPDF(FPDF):
    """`header_line` is a translated text with %(name)s and %(date)s: whose document, when made."""

    header_line: Any = ""  # a lazy translation

    def __init__(self, *, name: str, generated: datetime, title: str) -> None:
        super().__init__(format="Letter")
        self.person = name
        self.generated = generated
        font_dir = unicode_font_dir()
        self.unicode = font_dir is not None
        self.replaced = False
        if font_dir is not None:
            for style, filename in FONT_FILES.items():
                self.add_font(UNICODE_FONT, style, str(font_dir / filename))
        self.family = UNICODE_FONT if self.unicode else CORE_FONT
        self.set_compression(getattr(settings, "CAIRN_PDF_COMPRESS", True))
        self.set_auto_page_break(auto=True, margin=18)
        self.set_margins(18, 18, 18)
        self.set_title(self.clean(title))
        self.set_creator("Cairn")

    def clean(self, text: str) -> str:
        """What the font can show: everything with the Unicode font; Latin-1 with the core font,
        other characters replaced (`replaced` remembers that some were)."""
        if self.unicode:
            return text
        text = plain(text)
        shown = text.encode("latin-1", "replace").decode("latin-1")
        if shown != text:
            self.replaced = True
        return shown

    def header(self) -> None:
        self.set_font(self.family, "", 9)
        self.set_text_color(70)
        line = str(self.header_line) % {"name": self.person, "date": show_datetime(self.generated)}
        self.cell(0, 6, self.clean(line), new_x="LMARGIN", new_y="NEXT")
        self.ln(2)
        self.set_text_color(0)

    def footer(self) -> None:
        self.set_y(-12)
        self.set_font(self.family, "", 9)
        self.set_text_color(70)
        page = _("Page %(page)s of %(pages)s") % {"page": self.page_no(), "pages": "{nb}"}
        self.cell(0, 6, self.clean(page), align="C")
        self.set_text_color(0)

    def paragraph(self, text: str) -> None:
        self.set_font(self.family, "", 11)
        self.multi_cell(0, 6, self.clean(text), new_x="LMARGIN", new_y="NEXT")
        self.ln(2)

    def rows(self, headings: list[str] | None, rows: Iterable[list[str]]) -> None:
        """A table; without headings it is a label and its text, the label column narrower."""
        self.set_font(self.family, "", 10)
        with self.table(
            col_widths=None if headings else (1, 2),
            first_row_as_headings=headings is not None,
            text_align="LEFT",
            line_height=5.5,
            headings_style=FontFace(emphasis="BOLD", fill_color=(230, 236, 240)),
        ) as table:
            for values in [headings, *rows] if headings else rows:
                row = table.row()
                for index, value in enumerate(values or []):
                    label = headings is None and index == 0
                    row.cell(self.clean(value), style=FontFace(emphasis="BOLD") if label else None)
        self.ln(3)
