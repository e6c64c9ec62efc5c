"""Citation checks: find the numbers of known legal documents in free text and say which of them
were not in force on the citing date, why, and what replaced them.

Numbers are matched the way people type them: "số 91/2017/NĐ-CP", "91 / 2017 / ND-CP",
"6/2022/qh15", "34-CT/TW". Text and registry numbers are both reduced to a key (no diacritics,
lower case, no spaces, no leading zeros in the first part) before they are compared; a number
the registry does not hold is ignored."""

from __future__ import annotations

import datetime
import re
import unicodedata
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from .models import LegalDocument

MAX_TEXT = 100_000  # longer text is checked up to here: citations sit at the top of a text
MAX_PARTS = 6  # "91/2017/NĐ-CP" has four parts; a longer run is a number followed by words
# A number and its symbol: digits, then parts joined by "/" or "-" (spaces allowed around them).
_TOKEN = re.compile(r"(?<![0-9a-z])\d{1,5}(?:\s*[/-]\s*[0-9a-z]{1,15})+")
_SEPARATOR = re.compile(r"\s*([/-])\s*")


class Why:
    REPLACED = "replaced"
    EXPIRED = "expired"
    NOT_YET = "not_yet"


def number_key(number: str) -> str:
    """91/2017/NĐ-CP, 91 / 2017 / nd-cp and 091/2017/ND-CP all give "91/2017/nd-cp"."""
    key = _SEPARATOR.sub(r"\1", _fold(number or "")).replace(" ", "")
    return re.sub(r"^0+(?=\d)", "", key)


def _fold(text: str) -> str:
    """Lower case without diacritics (đ → d, and the look-alike ð typed for it). Not
    clusters.text.fold: that one caches its results, and a long text would fill the cache."""
    text = unicodedata.normalize("NFD", text.lower().replace("đ", "d").replace("ð", "d"))
    return "".join(c for c in text if not unicodedata.combining(c))


@dataclass
class CitationFlag:
    """A cited document that was not in force on the citing date."""

    document: LegalDocument
    why: str
    on_date: datetime.date
    replacement: LegalDocument | None = None  # the document of the chain in force on that date
    chain: list[LegalDocument] = field(default_factory=list)
    where: str = ""  # where the citation was found, for pages that check several texts

    @property
    def message(self) -> str:
        values = {"number": self.document.number, "date": self.on_date.strftime("%d/%m/%Y")}
        if self.why == Why.NOT_YET:
            values["start"] = self.document.effective_from.strftime("%d/%m/%Y")
            return _("%(number)s was not yet in force on %(date)s (in force from %(start)s).") % (
                values)
        values["end"] = self.document.effective_to.strftime("%d/%m/%Y")
        if self.why == Why.EXPIRED:
            return _("%(number)s was no longer in force on %(date)s (it ended on %(end)s).") % (
                values)
        if self.replacement is not None:
            values["replacement"] = str(self.replacement)
            return _("%(number)s was replaced before %(date)s (it ended on %(end)s): cite "
                     "%(replacement)s instead.") % values
        return _("%(number)s was replaced before %(date)s (it ended on %(end)s), and no "
                 "document of its chain of replacements is in force on that date.") % values


class CitationIndex:
    """The registry, read once (one query), to check any number of texts."""

    def __init__(self, documents=None):
        documents = list(documents if documents is not None else LegalDocument.objects.all())
        self.by_pk = {d.pk: d for d in documents}
        self.by_key = {number_key(d.number): d for d in documents}

    def find(self, text: str) -> list[LegalDocument]:
        """The known documents cited in `text`, in order of first citation, each once: by
        number and symbol, or, as laws are usually cited, by name and date of issue
        ("Luật Thi đua, khen thưởng ngày 26 tháng 11 năm 2003")."""
        found = []
        folded = _fold((text or "")[:MAX_TEXT])
        for match in _TOKEN.finditer(folded):
            document = self._longest_known(match.group(0))
            if document is not None:
                found.append((match.start(), document))
        for needle, document in self._by_name_and_date():
            position = folded.find(needle)
            if position >= 0:
                found.append((position, document))
        seen, ordered = set(), []
        for _position, document in sorted(found, key=lambda pair: pair[0]):
            if document.pk not in seen:
                seen.add(document.pk)
                ordered.append(document)
        return ordered

    def _by_name_and_date(self):
        """(folded "name ngày d tháng m năm y", document) for each law: the name is the
        title up to a parenthesis."""
        if not hasattr(self, "_names"):
            self._names = []
            for document in self.by_pk.values():
                if document.doc_type != LegalDocument.Type.LAW:
                    continue
                name = _fold(document.title.split("(")[0]).strip()
                day = document.issued_on
                self._names.append(
                    (f"{name} ngay {day.day} thang {day.month} nam {day.year}", document))
        return self._names

    def _longest_known(self, token: str) -> LegalDocument | None:
        """`91/2017/nd-cp-dieu` is 91/2017/NĐ-CP followed by other words: drop trailing parts
        until a known number remains."""
        parts = re.split(r"(\s*[/-]\s*)", token)[:2 * MAX_PARTS - 1]
        for end in range(len(parts), 0, -2):
            document = self.by_key.get(number_key("".join(parts[:end])))
            if document is not None:
                return document
        return None

    def chain(self, document: LegalDocument) -> list[LegalDocument]:
        """The documents that replaced `document`, in order (a loop stops the walk)."""
        chain, seen = [], {document.pk}
        current = document
        while current.replaced_by_id and current.replaced_by_id not in seen:
            current = self.by_pk.get(current.replaced_by_id)
            if current is None:
                break
            seen.add(current.pk)
            chain.append(current)
        return chain

    def flag(self, document: LegalDocument, on_date: datetime.date, where="") -> CitationFlag | None:
        if document.in_force_on(on_date):
            return None
        if on_date < document.effective_from:
            return CitationFlag(document, Why.NOT_YET, on_date, where=where)
        chain = self.chain(document)
        if not chain:
            return CitationFlag(document, Why.EXPIRED, on_date, where=where)
        replacement = next((d for d in chain if d.in_force_on(on_date)), None)
        return CitationFlag(document, Why.REPLACED, on_date, replacement, chain, where=where)

    def check(self, text: str, on_date: datetime.date, where="") -> list[CitationFlag]:
        if on_date is None:
            return []
        flags = (self.flag(d, on_date, where) for d in self.find(text))
        return [f for f in flags if f is not None]


def check_citations(text: str, on_date: datetime.date, *, index: CitationIndex | None = None
                    ) -> list[CitationFlag]:
    """The documents cited in `text` that were not in force on `on_date`: replaced (with the
    replacement in force on that date, following the chain), expired, or not yet in force."""
    return (index or CitationIndex()).check(text, on_date)


def document_flag(document: LegalDocument | None, on_date: datetime.date | None,
                  index: CitationIndex | None = None) -> CitationFlag | None:
    """The flag of one document chosen from the registry (a movement's launching document)."""
    if document is None or on_date is None:
        return None
    return (index or CitationIndex()).flag(document, on_date)
