"""Safety checks on Office packages (.xlsx, .docx): zip archives of XML parts.

Shared by the spreadsheet imports (clusters.spreadsheets) and the document uploads
(awards.uploads). Office never writes a DTD, entity declarations or (in .docx/.xlsx, as opposed to
.docm/.xlsm) macros, so a package holding any of them was made by hand, most likely to attack a
parser (billion laughs, external entities reading local files) or the person who opens it."""

import zipfile

# Searched in each encoding an XML part may legally use; Office writes UTF-8 only.
_DTD_MARKERS = tuple(marker.encode(encoding) for marker in ("<!DOCTYPE", "<!ENTITY")
                     for encoding in ("utf-8", "utf-16-le", "utf-16-be"))
_LONGEST = max(len(marker) for marker in _DTD_MARKERS)
_MACRO_PARTS = ("vbaproject.bin", "vbadata.xml")
_CHUNK = 1024 * 1024

TOO_BIG, DTD, MACROS = "too-big", "dtd", "macros"


def package_problem(archive: zipfile.ZipFile, max_unzipped: int) -> str | None:
    """TOO_BIG, DTD or MACROS when the package must be refused, None when it may be read.

    The sizes the archive declares are checked first (a zip bomb is refused without being
    opened); then every XML part is read in chunks, counting the bytes really produced, so an
    archive that lies about its sizes is stopped at the same limit."""
    infos = archive.infolist()
    if sum(info.file_size for info in infos) > max_unzipped:
        return TOO_BIG
    if any(info.filename.lower().rsplit("/", 1)[-1] in _MACRO_PARTS for info in infos):
        return MACROS
    produced = 0
    for info in infos:
        if not info.filename.lower().endswith((".xml", ".rels", ".vml")):
            continue
        tail = b""
        with archive.open(info) as part:
            while chunk := part.read(_CHUNK):
                produced += len(chunk)
                if produced > max_unzipped:
                    return TOO_BIG
                window = tail + chunk
                if any(marker in window for marker in _DTD_MARKERS):
                    return DTD
                tail = window[-_LONGEST:]
    return None
