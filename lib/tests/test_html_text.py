"""escape_text writes what Django's conditional_escape writes."""

from typing import Any

import pytest
from django.utils.functional import lazy
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe

from lib.html_text import escape_text

lazy_text = lazy(lambda: "<b>lazy</b> & 'quoted'", str)


@pytest.mark.parametrize(
    "value",
    ["", "Ana", "<script>\"x\" & 'y'</script>", mark_safe("<b>kept</b>"), 42, None, lazy_text()],
)
def test_escape_text_writes_what_conditional_escape_writes(value: Any) -> None:
    assert escape_text(value) == str(conditional_escape(value))
