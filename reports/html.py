"""The text of a report's sections: simple formatting only (paragraphs, line breaks, bullet and
numbered lists, bold, italic), sanitized with nh3 to that allowlist before it is stored, so the
pages may show it as it is.

A text without any tag is read as plain writing: blank lines separate paragraphs, lines
starting with "- " or "* " make a bullet list, **bold** and *italic* are marked as usual."""

import html
import re

import nh3

from clusters.text import nfc

ALLOWED_TAGS = {"p", "br", "ul", "ol", "li", "strong", "em", "b", "i"}
_TAG = re.compile(r"<[^>]*>")
_BOLD = re.compile(r"\*\*(.+?)\*\*")
_ITALIC = re.compile(r"(?<![*\w])\*(?!\s)(.+?)(?<!\s)\*(?![*\w])")
_BULLET = re.compile(r"^\s*[-*•]\s+")
_NUMBERED = re.compile(r"^\s*\d{1,3}[.)]\s+")


def sanitize(text: str) -> str:
    """Allowed tags only, no attributes (so no on… handlers, no links, no styles); the content
    of script and style elements is dropped with them."""
    cleaned = nh3.clean(nfc(text or ""), tags=ALLOWED_TAGS, attributes={}, link_rel=None,
                        strip_comments=True)
    return cleaned.strip()


def _inline(line: str) -> str:
    line = html.escape(line, quote=False)
    return _ITALIC.sub(r"<em>\1</em>", _BOLD.sub(r"<strong>\1</strong>", line))


def from_plain(text: str) -> str:
    """Plain writing → the allowed HTML (see the module's docstring)."""
    blocks, out = re.split(r"\n\s*\n", text.replace("\r\n", "\n").strip()), []
    for block in blocks:
        lines = [line for line in block.split("\n") if line.strip()]
        if not lines:
            continue
        if all(_BULLET.match(line) for line in lines):
            items = "".join(f"<li>{_inline(_BULLET.sub('', line))}</li>" for line in lines)
            out.append(f"<ul>{items}</ul>")
        elif all(_NUMBERED.match(line) for line in lines):
            items = "".join(f"<li>{_inline(_NUMBERED.sub('', line))}</li>" for line in lines)
            out.append(f"<ol>{items}</ol>")
        else:
            out.append("<p>" + "<br>".join(_inline(line.strip()) for line in lines) + "</p>")
    return "".join(out)


def clean_body(text: str) -> str:
    """What a user typed → the sanitized HTML to store."""
    text = (text or "").strip()
    if not text:
        return ""
    if not _TAG.search(text):
        text = from_plain(text)
    return sanitize(text)


def is_filled(body: str) -> bool:
    """Whether a stored body has any text once the tags and spaces are gone."""
    visible = html.unescape(_TAG.sub(" ", body or "")).replace("\u00a0", " ")
    return bool(visible.strip())


def _items(inner: str, numbered: bool) -> str:
    items = re.findall(r"<li>(.*?)</li>", inner, re.S)
    lines = [f"{i}. {item}" if numbered else f"- {item}" for i, item in enumerate(items, 1)]
    return "\n\n" + "\n".join(lines) + "\n\n"


def to_plain(body: str) -> str:
    """A stored body → the plain writing shown in the text area (the inverse of from_plain),
    or the HTML itself when it holds something plain writing cannot say."""
    if not body:
        return ""
    text = re.sub(r"</?(strong|b)>", "**", body)
    text = re.sub(r"</?(em|i)>", "*", text).replace("<br>", "\n")
    text = re.sub(r"<ul>(.*?)</ul>", lambda m: _items(m.group(1), False), text, flags=re.S)
    text = re.sub(r"<ol>(.*?)</ol>", lambda m: _items(m.group(1), True), text, flags=re.S)
    text = re.sub(r"<p>(.*?)</p>", r"\n\n\1\n\n", text, flags=re.S)
    if "<" in text or ">" in text:
        return body
    text = html.unescape(text)
    if "<" in text:
        return body
    return re.sub(r"\n{3,}", "\n\n", text).strip()
