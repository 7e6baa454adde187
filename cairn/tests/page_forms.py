"""The forms a page shows, read as a browser would send them: each field's name and the value it
holds as shown (checked boxes and radios, the selected option, a textarea's text)."""

from dataclasses import dataclass, field
from html.parser import HTMLParser

TEXT_TYPES = {"", "text", "hidden", "date", "time", "number", "tel", "email", "url", "search"}


@dataclass
class PageForm:
    method: str
    action: str
    fields: list[tuple[str, str]] = field(default_factory=list)
    asks: bool = False  # it has a field a person fills in (not only hidden values and a button)

    def value(self, name: str) -> str | None:
        return next((v for n, v in self.fields if n == name), None)

    def data(self) -> dict[str, list[str]]:
        """The fields as the test client posts them (several values for a repeated name)."""
        grouped: dict[str, list[str]] = {}
        for name, value in self.fields:
            grouped.setdefault(name, []).append(value)
        return grouped


class _Forms(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.forms: list[PageForm] = []
        self.current: PageForm | None = None
        self.textarea: tuple[str, list[str]] | None = None
        self.select: str | None = None
        self.select_first: str | None = None
        self.select_chosen = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form":
            self.current = PageForm(
                method=a.get("method", "get").lower(), action=a.get("action", "")
            )
            self.forms.append(self.current)
        if self.current is None or "disabled" in a:
            return
        name = a.get("name", "")
        kind = a.get("type", "").lower()
        if tag in {"textarea", "select"} or (
            tag == "input" and kind not in {"hidden", "submit", "button", "reset", "image"}
        ):
            self.current.asks = True
        if tag == "input" and name:
            if kind in TEXT_TYPES:
                self.current.fields.append((name, a.get("value", "")))
            elif kind in {"checkbox", "radio"} and "checked" in a:
                self.current.fields.append((name, a.get("value", "on")))
        elif tag == "textarea" and name:
            self.textarea = (name, [])
        elif tag == "select" and name:
            self.select, self.select_first, self.select_chosen = name, None, False
        elif tag == "option" and self.select is not None:
            value = a.get("value", "")
            if self.select_first is None:
                self.select_first = value
            if "selected" in a and not self.select_chosen:
                self.current.fields.append((self.select, value))
                self.select_chosen = True

    def handle_data(self, data: str) -> None:
        if self.textarea is not None:
            self.textarea[1].append(data)

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self.current = None
        elif tag == "textarea" and self.textarea is not None and self.current is not None:
            name, parts = self.textarea
            self.current.fields.append((name, "".join(parts).lstrip("\n")))
            self.textarea = None
        elif tag == "select" and self.select is not None and self.current is not None:
            if not self.select_chosen and self.select_first is not None:
                self.current.fields.append((self.select, self.select_first))
            self.select = None


def page_forms(html: str) -> list[PageForm]:
    reader = _Forms()
    reader.feed(html)
    return reader.forms


def post_forms_with(html: str, field_name: str) -> list[PageForm]:
    return [f for f in page_forms(html) if f.method == "post" and f.value(field_name) is not None]
