"""What a person wrote in an e-mail: HTML turned into text, quoted history and signatures cut.

Mail clients append the whole earlier conversation below a reply and a signature below
that. The desk shows (and triages) only the new words; the raw message is kept beside the
item, so nothing cut here is lost.
"""

from __future__ import annotations

import re
from html import unescape
from html.parser import HTMLParser

# Elements whose end starts a new line of text.
_BLOCKS = frozenset(
    {"p", "div", "br", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "table", "ul", "ol", "pre", "hr", "section", "article"}
)
# Elements whose end leaves a blank line, as between paragraphs.
_PARAGRAPHS = frozenset({"p", "ul", "ol", "table", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "pre"})
_HIDDEN = frozenset({"script", "style", "head", "title", "template"})


class _TextOfHtml(HTMLParser):
    """Collects the visible text; quoted blocks come out with ``> `` so the quote cutter sees them."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.lines: list[str] = []
        self._line: list[str] = []
        self._hidden = 0
        self._quoted = 0
        self._quote_stack: list[bool] = []

    def _break(self, *, paragraph: bool = False) -> None:
        text = re.sub(r"[ \t\r\n\u00a0]+", " ", "".join(self._line)).strip()
        self._line = []
        if text:
            self.lines.append("> " * self._quoted + text)
        if paragraph and self.lines and self.lines[-1]:
            self.lines.append("")

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _HIDDEN:
            self._hidden += 1
            return
        classes = " ".join(v or "" for k, v in attrs if k in ("class", "id"))
        # Gmail, Outlook, Thunderbird and Apple Mail mark the quoted history each their own way.
        quote = tag == "blockquote" or bool(
            re.search(r"gmail_quote|divRplyFwdMsg|moz-cite-prefix|yahoo_quoted|OutlookMessageHeader", classes)
        )
        if tag in _BLOCKS or quote:
            self._break()
        if tag in ("div", "blockquote"):
            self._quote_stack.append(quote)
            self._quoted += int(quote)
        if tag == "li":
            self._line.append("• ")

    def handle_endtag(self, tag: str) -> None:
        if tag in _HIDDEN:
            self._hidden = max(self._hidden - 1, 0)
            return
        if tag in _BLOCKS or tag == "blockquote":
            self._break(paragraph=tag in _PARAGRAPHS)
        if tag in ("div", "blockquote") and self._quote_stack:
            self._quoted -= int(self._quote_stack.pop())

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("br", "hr"):
            self._break()

    def handle_data(self, data: str) -> None:
        if not self._hidden:
            self._line.append(data)


def html_to_text(html: str) -> str:
    """The visible text of an HTML body, one line per block; quoted blocks prefixed with ``> ``."""
    parser = _TextOfHtml()
    try:
        parser.feed(html)
        parser.close()
    except (AssertionError, ValueError):  # pragma: no cover - html.parser is lenient; keep what it read
        pass
    parser._break()
    return unescape("\n".join(parser.lines)).strip()


# A line that introduces the quoted history, in the languages the desk serves first.
_ATTRIBUTION = re.compile(
    r"""^\s*(?:
        (?:On|Am|Le|El)\s.{3,200}(?:wrote|schrieb|a\s+écrit|escribió)\s*:   # On Mon, 1 Dec 2026, Anna <a@b> wrote:
      | .{3,200}\s(?:пишет|написал|написала|написал\(а\)|писал|писала)\s*:  # 20 нояб. 2026 г., Анна <a@b> пишет:
      | W\s+dniu\s.{3,200}:                                                  # W dniu 20.11.2026 o 10:00, Anna pisze:
      | .{3,200}\s(?:pisze|napisał|napisała|napisał\(a\))\s*:
      | -{2,}\s*(?:Original\s+Message|Исходное\s+сообщение|Пересылаемое\s+сообщение|Wiadomość\s+oryginalna|Oryginalna\s+wiadomość|Forwarded\s+message)\s*-{2,}
      | _{8,}\s*$                                                            # Outlook's rule above its header block
    )""",
    re.IGNORECASE | re.VERBOSE,
)
# Outlook's header block without a rule: "From: … / Sent: …" in English, Russian or Polish.
_HEADER_BLOCK = re.compile(r"^\s*(?:From|От|Od|Von)\s*:\s*\S", re.IGNORECASE)
_HEADER_NEXT = re.compile(r"^\s*(?:Sent|Date|Отправлено|Дата|Wysłano|Data|Gesendet|To|Кому|Do)\s*:", re.IGNORECASE)
# Signatures: the standard delimiter, and the mobile clients' tag lines.
_SIGNATURE = re.compile(
    r"""^(?:--\s?|__\s?
      |Sent\s+from\s+my\s.{1,40}|Get\s+Outlook\s+for\s.{1,40}|Sent\s+from\s+(?:Mail|Outlook|Yahoo\s+Mail).{0,40}
      |Отправлено\s+(?:с|из)\s.{1,40}|Wysłane\s+z\s.{1,40}|Wysłano\s+z\s.{1,40}
    )$""",
    re.IGNORECASE | re.VERBOSE,
)


def _cut_at(lines: list[str]) -> int:
    """Index of the first line of quoted history (``len(lines)`` when there is none)."""
    for i, line in enumerate(lines):
        if line.lstrip().startswith(">"):
            # A quote inside the new text ("> you said X" then an answer) is rare; a quote
            # followed only by quotes and blanks is the history.
            rest = lines[i:]
            if all(not r.strip() or r.lstrip().startswith(">") for r in rest):
                return i
            continue
        if _ATTRIBUTION.match(line):
            return i
        # A two-line attribution: "On Mon, 1 Dec 2026 at 10:00, Anna Smirnova" / "<anna@example.com> wrote:".
        if i + 1 < len(lines) and _ATTRIBUTION.match(f"{line} {lines[i + 1]}") and lines[i + 1].rstrip().endswith(":"):
            return i
        if _HEADER_BLOCK.match(line) and any(_HEADER_NEXT.match(n) for n in lines[i + 1 : i + 4]):
            return i
    return len(lines)


def trim_reply(text: str) -> str:
    """The new words of a message: quoted history and signature cut, blank runs squeezed.

    When cutting would leave nothing (a forward with no comment, a message that is all
    quote), the text is kept whole rather than shown empty.
    """
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    kept = lines[: _cut_at(lines)]
    for i, line in enumerate(kept):
        if _SIGNATURE.match(line.rstrip("\n")) and i > 0:
            kept = kept[:i]
            break
    out = re.sub(r"\n{3,}", "\n\n", "\n".join(line.rstrip() for line in kept)).strip()
    if not out:
        return re.sub(r"\n{3,}", "\n\n", "\n".join(line.rstrip() for line in lines)).strip()
    return out
