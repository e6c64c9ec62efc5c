"""Checks on uploaded files: the type is read from the content, never only from the name.

Allowed: PDF, DOCX, XLSX, JPEG and PNG. A .docx or .xlsx is a ZIP package that must contain the
part its type names; a PDF must start with its signature (a page of HTML renamed .pdf does not);
images by their signatures. Sizes are limited per file and per dossier (settings)."""

import hashlib
import re
import unicodedata
import zipfile
from dataclasses import dataclass
from pathlib import PurePath

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

KINDS = {
    ".pdf": "application/pdf",
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".png": "image/png",
}
ZIP_PARTS = {".docx": "word/document.xml", ".xlsx": "xl/workbook.xml"}


def max_file_bytes() -> int:
    return getattr(settings, "UPLOAD_MAX_FILE_MB", 10) * 1024 * 1024


def max_dossier_bytes() -> int:
    return getattr(settings, "UPLOAD_MAX_DOSSIER_MB", 100) * 1024 * 1024


@dataclass
class CheckedUpload:
    name: str
    content_type: str
    size: int
    sha256: str


def safe_name(name: str) -> str:
    """The file name a user sees and downloads: no folders, no control characters, no quotes;
    Vietnamese letters kept (NFC)."""
    name = unicodedata.normalize("NFC", str(name or ""))
    name = name.replace("\\", "/").split("/")[-1]
    name = re.sub(r"[\x00-\x1f\x7f\"<>:|?*;]", "", name).strip(" .")
    if not name:
        name = "tep-dinh-kem"
    stem, suffix = PurePath(name).stem, PurePath(name).suffix
    return stem[:150] + suffix[:10]


def attachment_response(field, name: str, content_type: str = ""):
    """A stored upload, always as an attachment (never shown in the browser) under its safe
    name; 404 when the file is missing. The caller has checked who may download it."""
    from django.http import FileResponse, Http404

    if not field:
        raise Http404
    try:
        handle = field.open("rb")
    except (FileNotFoundError, ValueError):
        raise Http404 from None
    return FileResponse(handle, as_attachment=True, filename=safe_name(name),
                        content_type=content_type or "application/octet-stream")


def check_upload(upload) -> CheckedUpload:
    """Validate an uploaded file (Django UploadedFile); ValidationError with a Vietnamese
    message when its size, name or content is not acceptable."""
    name = safe_name(getattr(upload, "name", ""))
    suffix = PurePath(name).suffix.lower()
    if suffix not in KINDS:
        raise ValidationError(_("“%(name)s”: only PDF, DOCX, XLSX, JPEG and PNG files are "
                                "accepted.") % {"name": name}, code="type")
    size = upload.size or 0
    if size == 0:
        raise ValidationError(_("“%(name)s” is empty.") % {"name": name}, code="empty")
    if size > max_file_bytes():
        raise ValidationError(_("“%(name)s” is larger than %(mb)s MB.") % {
            "name": name, "mb": max_file_bytes() // (1024 * 1024)}, code="size")
    upload.seek(0)
    head = upload.read(2048)
    upload.seek(0)
    if not _content_matches(suffix, head, upload):
        raise ValidationError(_("“%(name)s” is not really a %(kind)s file: its content does not "
                                "match its name.") % {"name": name,
                                                      "kind": suffix.lstrip(".").upper()},
                              code="content")
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    return CheckedUpload(name=name, content_type=KINDS[suffix], size=size,
                         sha256=digest.hexdigest())


def _content_matches(suffix: str, head: bytes, upload) -> bool:
    if suffix == ".pdf":
        return head.lstrip(b"\xef\xbb\xbf\r\n\t ").startswith(b"%PDF-")
    if suffix in (".jpg", ".jpeg"):
        return head.startswith(b"\xff\xd8\xff")
    if suffix == ".png":
        return head.startswith(b"\x89PNG\r\n\x1a\n")
    if suffix in ZIP_PARTS:
        if not head.startswith(b"PK\x03\x04"):
            return False
        try:
            with zipfile.ZipFile(upload) as package:
                names = set(package.namelist())
        except (zipfile.BadZipFile, OSError, ValueError):
            return False
        finally:
            upload.seek(0)
        return ZIP_PARTS[suffix] in names and "[Content_Types].xml" in names
    return False
