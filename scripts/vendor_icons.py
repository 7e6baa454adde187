"""Copy the Heroicons Cairn uses from node_modules (heroicons, MIT, pinned in package.json) into
static/cairn/icons/ with the set's licence, so nothing is fetched or built when Cairn runs.

The copies are committed; run this after changing ICONS or the pinned heroicons version:

    npm install && .venv/bin/python scripts/vendor_icons.py
"""

import json
import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SOURCE = ROOT / "node_modules" / "heroicons"
STYLE = "24/outline"  # one style throughout: 1.5 px strokes in currentColor
TARGET = ROOT / "static" / "cairn" / "icons"

# name in templates ({% icon "name" %}): what it stands beside
ICONS = {
    "calendar-days": "Today; due today",
    "user-group": "Groups",
    "rectangle-group": "Teams; My team",
    "chat-bubble-left-right": "Messages",
    "light-bulb": "My practice",
    "users": "Participants; caseloads",
    "chart-bar": "Reports; My work",
    "banknotes": "Billing; payers",
    "arrow-down-tray": "Exports; downloads",
    "arrow-up-tray": "Import",
    "document-check": "Notes to co-sign",
    "shield-check": "Audit review",
    "key": "Who has access",
    "identification": "People and roles",
    "wrench-screwdriver": "Services",
    "phone": "Crisis lines; calls",
    "bell-alert": "Reach out soon (signals and their settings)",
    "academic-cap": "Supervision (sessions, hours, journal)",
    "language": "Language checker",
    "cog-6-tooth": "Settings",
    "lock-closed": "Sign-in security",
    "arrow-right-start-on-rectangle": "Sign out",
    "plus": "Add or enrol",
    "pencil-square": "Write or edit",
    "clock": "Overdue; still waiting",
    "signal-slash": "Not in touch for a while",
    "heart": "Check-ins that ask for care",
    "swatch": "Components",
    "magnifying-glass": "Search",
    "trash": "Remove (danger)",
    "check": "Done",
}


def vendor(source: Path = SOURCE, target: Path = TARGET) -> list[Path]:
    version = json.loads((source / "package.json").read_text(encoding="utf-8"))["version"]
    target.mkdir(parents=True, exist_ok=True)
    for old in target.glob("*.svg"):
        if old.stem not in ICONS:
            old.unlink()
    written = []
    for name in ICONS:
        destination = target / f"{name}.svg"
        shutil.copyfile(source / STYLE / f"{name}.svg", destination)
        written.append(destination)
    licence = target / "LICENSE"
    licence.write_text(
        f"Heroicons {version} ({STYLE}), https://github.com/tailwindlabs/heroicons\n\n"
        + (source / "LICENSE").read_text(encoding="utf-8"),
        encoding="utf-8",
    )
    written.append(licence)
    return written


if __name__ == "__main__":
    for path in vendor():
        print(f"wrote {path.relative_to(ROOT)}")
    sys.exit(0)
