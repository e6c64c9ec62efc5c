"""Checks on uploaded files: the type is read from the content, never only from the name.

Allowed: PDF, DOCX, XLSX, JPEG and PNG. A .docx or .xlsx is a ZIP package that must contain the
part its type names; a PDF must start with its signature (a page of HTML renamed .pdf does not);
images by their signatures. Sizes are limited per file and per dossier (settings).

Beyond the signature (quality target S4, tests/test_hostile_uploads.py): no file may carry web
page or PHP code (polyglots); a PDF may not hold JavaScript, launch actions or embedded files,
even spelt with #-escapes or inside a compressed object stream; an image must decode completely
within a pixel limit and is re-encoded by Pillow, which drops anything appended to it and its
metadata; an Office package may not expand beyond ten times the file limit, nor hold a DTD or
macros (clusters.packages)."""

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
    _check_inside(name, suffix, upload)
    size = upload.size
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    return CheckedUpload(name=name, content_type=KINDS[suffix], size=size,
                         sha256=digest.hexdigest())


# Text that has no business in a document or a photo: what makes a polyglot file run as a web
# page or a script when something mistakes it for one.
_MARKUP = re.compile(rb"<\?php|<script|<html|<iframe|<svg|<object|<embed", re.IGNORECASE)
# PDF names that run code or carry files: JavaScript, launching a program, Flash, attachments.
_PDF_ACTIVE = re.compile(
    rb"/(?:JavaScript|JS|Launch|RichMedia|EmbeddedFiles?)(?=[\s/<>\[\]()%{}]|$)")
_PDF_NAME_ESCAPE = re.compile(rb"#([0-9A-Fa-f]{2})")
_PDF_STREAM = re.compile(rb"stream\r?\n")
# Object streams are decompressed to look inside; more than this in total is refused.
_PDF_OBJSTM_BUDGET = 50 * 1024 * 1024


def max_image_pixels() -> int:
    return getattr(settings, "UPLOAD_MAX_IMAGE_MEGAPIXELS", 60) * 1_000_000


def _check_inside(name: str, suffix: str, upload) -> None:
    """What the signature cannot tell: hidden code, active PDF content, broken or oversized
    images, dangerous Office packages. Images are replaced by their re-encoded copy."""
    upload.seek(0)
    data = upload.read()
    upload.seek(0)
    # Office packages are checked by their structure instead: their parts may legitimately be
    # XML such as an SVG picture, stored uncompressed.
    if suffix not in ZIP_PARTS and _MARKUP.search(data):
        raise ValidationError(_("“%(name)s” contains web page or script code hidden inside the "
                                "file, so it is not accepted.") % {"name": name}, code="polyglot")
    if suffix == ".pdf" and _pdf_is_active(data):
        raise ValidationError(_("“%(name)s” contains active content (JavaScript, an action that "
                                "starts a program, or attached files), which is not accepted. "
                                "Print it to a new PDF file and upload that copy.")
                              % {"name": name}, code="active")
    if suffix in (".jpg", ".jpeg", ".png"):
        _replace_content(upload, _reencoded_image(name, suffix, data))
    if suffix in ZIP_PARTS:
        _check_package(name, upload)


def _pdf_is_active(data: bytes) -> bool:
    """True when the PDF names JavaScript, Launch, RichMedia or embedded files, in its plain
    text or inside a compressed object stream, with PDF's #xx escapes in names undone."""
    import zlib

    def active(text: bytes) -> bool:
        return bool(_PDF_ACTIVE.search(_PDF_NAME_ESCAPE.sub(lambda m: bytes([int(m[1], 16)]),
                                                            text)))

    if active(data):
        return True
    budget = _PDF_OBJSTM_BUDGET
    for match in _PDF_STREAM.finditer(data):
        start = match.end()
        dictionary = data[data.rfind(b"obj", 0, match.start()):match.start()]
        if b"/ObjStm" not in _PDF_NAME_ESCAPE.sub(lambda m: bytes([int(m[1], 16)]), dictionary):
            continue
        end = data.find(b"endstream", start)
        decompressor = zlib.decompressobj()
        try:
            inside = decompressor.decompress(data[start:end if end > 0 else None], budget + 1)
        except zlib.error:
            continue  # not Flate-encoded; other filters are not used for object streams
        budget -= len(inside)
        if budget < 0 or active(inside):
            return True
    return False


def _reencoded_image(name: str, suffix: str, data: bytes) -> bytes:
    """The image decoded completely and written again by Pillow, the right way up (EXIF), with
    no metadata and nothing appended; refused when damaged or larger than the pixel limit."""
    import io
    import warnings

    from PIL import Image, ImageOps

    kind = "JPEG" if suffix in (".jpg", ".jpeg") else "PNG"
    broken = ValidationError(_("“%(name)s” is not a complete %(kind)s image: it is damaged or "
                               "cut off. Save or export the image again and upload the new "
                               "copy.") % {"name": name, "kind": kind}, code="image")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data))
            if image.format != kind:
                raise broken
            if image.width * image.height > max_image_pixels():
                raise ValidationError(_(
                    "“%(name)s” is too large an image (%(pixels)s megapixels); at most %(limit)s "
                    "megapixels are accepted. Reduce its size and upload it again.") % {
                    "name": name, "pixels": image.width * image.height // 1_000_000,
                    "limit": max_image_pixels() // 1_000_000}, code="pixels")
            image.load()  # decodes every pixel: a truncated file fails here
            image = ImageOps.exif_transpose(image)
    except ValidationError:
        raise
    except (OSError, ValueError, SyntaxError, Image.DecompressionBombError,
            Image.DecompressionBombWarning, EOFError):
        raise broken from None
    out = io.BytesIO()
    if kind == "JPEG":
        image.convert("L" if image.mode in ("1", "L") else "RGB").save(out, "JPEG", quality=90)
    else:
        if image.mode not in ("1", "L", "LA", "P", "RGB", "RGBA"):
            image = image.convert("RGBA")
        image.save(out, "PNG")
    return out.getvalue()


def _replace_content(upload, data: bytes) -> None:
    """Put `data` in place of the upload's content, so that what the caller saves next is it.
    Works for uploads kept in memory and for those spooled to a temporary file."""
    handle = upload.file
    handle.seek(0)
    handle.truncate()
    handle.write(data)
    handle.seek(0)
    upload.size = len(data)


def _check_package(name: str, upload) -> None:
    from clusters.packages import DTD, MACROS, TOO_BIG, package_problem

    limit = max_file_bytes() * 10
    try:
        with zipfile.ZipFile(upload) as package:
            problem = package_problem(package, limit)
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        problem = "broken"
    finally:
        upload.seek(0)
    if problem == TOO_BIG:
        raise ValidationError(_("“%(name)s” expands to more than %(mb)s MB when opened, so it "
                                "cannot be accepted safely.") % {
                                    "name": name, "mb": limit // (1024 * 1024)}, code="zipbomb")
    if problem in (DTD, MACROS):
        raise ValidationError(_("“%(name)s” contains macros or XML declarations that Word and "
                                "Excel files do not need. Save it again as an ordinary .docx or "
                                ".xlsx file and upload that copy.") % {"name": name},
                              code="package")
    if problem:
        raise ValidationError(_("“%(name)s” is damaged and cannot be opened.") % {"name": name},
                              code="content")


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
