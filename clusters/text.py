"""Vietnamese text: normalisation, diacritic-insensitive folding and alphabetical sort keys.

Databases disagree on Vietnamese collation (SQLite has none), so the order is computed here and
stored as a digits-only key that every collation compares the same way (architecture §11).
"""

import functools
import re
import unicodedata

# The Vietnamese alphabet, with the Latin letters it lacks (f, j, w, z) in Latin order.
_ALPHABET = "aăâbcdđeêfghijklmnoôơpqrstuưvwxyz"
_QUALITY = {"\u0306": "ă", "\u0302": "â", "\u031b": "ơ"}  # breve, circumflex, horn
# Tone order of Vietnamese dictionaries: none, grave, hook, tilde, acute, dot below.
_TONES = {"\u0300": 1, "\u0309": 2, "\u0303": 3, "\u0301": 4, "\u0323": 5}
_LETTER_CODE = {letter: 20 + i for i, letter in enumerate(_ALPHABET)}
_SPACE = re.compile(r"\s+")


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text or "")


def clean_text(text: str) -> str:
    """NFC, trimmed, inner runs of white space folded to one space."""
    if not text:
        return ""
    if len(text) <= 200:
        return _clean_short(text)  # imports clean the same codes and names on every row
    return _SPACE.sub(" ", nfc(text)).strip()


@functools.lru_cache(maxsize=65536)
def _clean_short(text: str) -> str:
    return _SPACE.sub(" ", nfc(text)).strip()


def _decompose_letter(char: str) -> tuple[str, int]:
    """Split one character into its Vietnamese base letter and its tone number."""
    lower = char.lower()
    if lower == "đ":
        return "đ", 0
    parts = unicodedata.normalize("NFD", lower)
    base, tone = parts[0], 0
    for mark in parts[1:]:
        if mark in _TONES:
            tone = _TONES[mark]
        elif mark in _QUALITY:
            quality = {"a\u0306": "ă", "a\u0302": "â", "e\u0302": "ê", "o\u0302": "ô",
                       "o\u031b": "ơ", "u\u031b": "ư"}.get(base + mark)
            base = quality or base
    return base, tone


@functools.lru_cache(maxsize=65536)
def fold(text: str) -> str:
    """Lower case without diacritics, for search: "Nguyễn Văn Đức" -> "nguyen van duc".

    Both accent placements ("Hòa"/"Hoà") fold to the same string. Cached: an import folds the
    same organization names and signers on every row."""
    out = []
    for char in clean_text(text).lower():
        if char == "đ":
            out.append("d")
            continue
        out.append(unicodedata.normalize("NFD", char)[0])
    return "".join(out)


def sort_key(text: str) -> str:
    """A digits-only key that orders strings in Vietnamese alphabetical order.

    Letters are compared first (a < ă < â < b … d < đ), tones only between otherwise equal
    strings: Anh < Ánh < Ân < Ba < Dũng < Đức < Em < Êm < Zung. A tone belongs to the syllable,
    so "Hòa" and "Hoà" (two accent placements) get the same key."""
    letters, tones = [], []
    for word in clean_text(text).split(" "):
        if letters:
            letters.append("01")
        tone = 0
        for char in word:
            base, char_tone = _decompose_letter(char)
            tone = tone or char_tone
            if base in _LETTER_CODE:
                letters.append(str(_LETTER_CODE[base]))
            elif base.isdigit():
                letters.append("1" + base)
            else:
                letters.append("02")  # punctuation sorts before letters and digits
        tones.append(str(tone))
    return "".join(letters) + "00" + "".join(tones)


def person_sort_key(full_name: str) -> str:
    """People are listed by given name (the last word), then by the whole name, as Vietnamese
    lists of names are."""
    name = clean_text(full_name)
    given = name.rsplit(" ", 1)[-1] if name else ""
    return sort_key(given) + "01" + sort_key(name)
