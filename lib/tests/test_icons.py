"""Vendored icons: {% icon %} inlines a decorative SVG, every icon a template names is on disk
with the set's licence, and the vendoring script's list matches the files."""

import importlib.util
import re
from pathlib import Path

import pytest
from django.template import Context, Template

from cairn.tests.html_parts import elements
from lib.templatetags.icons import ICON_DIR, icon_svg, vendored_icons

ROOT = Path(__file__).resolve().parents[2]
USED = re.compile(r"""\{%\s*icon\s+["']([^"']+)["']""")


def _vendor_script():
    spec = importlib.util.spec_from_file_location(
        "vendor_icons", ROOT / "scripts" / "vendor_icons.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_icon_tag_inlines_a_decorative_svg() -> None:
    html = Template('{% load icons %}<a href="/today/">{% icon "calendar-days" %}Today</a>').render(
        Context()
    )
    (svg,) = elements(html, "svg")
    assert svg.attrs["aria-hidden"] == "true"
    assert svg.attrs["focusable"] == "false"
    assert svg.attrs["class"] == "icon"
    assert svg.attrs["stroke"] == "currentColor"
    assert "<path" in html and "data-slot" not in html
    (link,) = elements(html, "a")
    assert link.text == "Today"  # the accessible name is the words, not the picture


def test_the_icon_tag_takes_a_sizing_class_and_refuses_an_unknown_name() -> None:
    html = Template('{% load icons %}{% icon "clock" "icon big" %}').render(Context())
    assert elements(html, "svg")[0].attrs["class"] == "icon big"
    with pytest.raises(ValueError, match="no vendored icon"):
        icon_svg("no-such-icon")
    with pytest.raises(ValueError, match="not an icon name"):
        icon_svg("../LICENSE")


def test_every_icon_a_template_names_is_vendored() -> None:
    used = {
        name
        for path in ROOT.rglob("*.html")
        if "node_modules" not in path.parts and ".venv" not in path.parts
        for name in USED.findall(path.read_text(encoding="utf-8"))
    }
    assert used, "no template uses {% icon %}"
    missing = sorted(name for name in used if not (ICON_DIR / f"{name}.svg").is_file())
    assert not missing, f"add these to scripts/vendor_icons.py and run it: {missing}"


def test_the_vendored_files_are_the_scripts_list_with_the_licence() -> None:
    script = _vendor_script()
    assert set(vendored_icons()) == set(script.ICONS)
    licence = (ICON_DIR / "LICENSE").read_text(encoding="utf-8")
    assert "MIT License" in licence and "Tailwind Labs" in licence
    assert licence.startswith("Heroicons 2.2.0")
