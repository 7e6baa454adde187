"""Compile every locale/<lang>/LC_MESSAGES/django.po to django.mo with polib, so no GNU gettext
binary is needed to build or run Cairn (the .mo files are committed; run this after editing a .po).

Usage: .venv/bin/python scripts/compile_messages.py
"""

import sys
from pathlib import Path

import polib

LOCALE = Path(__file__).resolve().parent.parent / "locale"


def compile_all(locale: Path = LOCALE) -> list[Path]:
    written = []
    for po_path in sorted(locale.glob("*/LC_MESSAGES/django.po")):
        catalogue = polib.pofile(str(po_path))
        mo_path = po_path.with_suffix(".mo")
        catalogue.save_as_mofile(str(mo_path))
        written.append(mo_path)
    return written


if __name__ == "__main__":
    for path in compile_all():
        print(f"wrote {path.relative_to(LOCALE.parent)}")
    sys.exit(0)
