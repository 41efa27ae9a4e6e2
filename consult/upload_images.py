"""Photographs people upload, such as a receipt taken with a phone: JPEG or PNG, recognised by decoding
the picture itself, never by its name.

The picture is written again without its metadata: a phone's photo carries where and when it was taken,
which a receipt does not need. Its orientation is applied first, so it still reads the right way up.
"""
import io

from PIL import Image, ImageOps, UnidentifiedImageError

from .uploads import CheckedFile, UploadRefused, _name_extension, check_document, display_name

JPEG = "image/jpeg"
PNG = "image/png"
FORMATS = {"JPEG": (JPEG, "jpg"), "PNG": (PNG, "png")}
NAME_EXTENSIONS = {JPEG: {"jpg", "jpeg", "jfif"}, PNG: {"png"}}
# A receipt photographed at 50 megapixels is already generous; more is a decompression bomb.
MAX_PIXELS = 60_000_000


def check_image(data: bytes, filename: str, max_bytes: int) -> CheckedFile:
    """Accept a JPEG or PNG picture that decodes whole; returns it without metadata."""
    if not data:
        raise UploadRefused("empty")
    if len(data) > max_bytes:
        raise UploadRefused("too_big", max_bytes=max_bytes)
    picture = _decoded(data)
    mimetype, extension = FORMATS[picture.format]
    named = _name_extension(filename)
    if named and named not in NAME_EXTENSIONS[mimetype]:
        raise UploadRefused("mismatch", named=named, actual=extension)
    return CheckedFile(data=_without_metadata(picture), mimetype=mimetype, extension=extension,
                       filename=display_name(filename, extension))


def _decoded(data: bytes) -> Image.Image:
    if not data.startswith((b"\xff\xd8\xff", b"\x89PNG\r\n\x1a\n")):
        raise UploadRefused("type")
    try:
        with Image.open(io.BytesIO(data)) as probe:
            if probe.format not in FORMATS or probe.width * probe.height > MAX_PIXELS:
                raise UploadRefused("type")
            probe.verify()  # the whole file, not only its header
        picture = Image.open(io.BytesIO(data))
        picture.load()
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError) as error:
        raise UploadRefused("type") from error
    return picture


def _without_metadata(picture: Image.Image) -> bytes:
    kind = picture.format
    upright = ImageOps.exif_transpose(picture)
    buffer = io.BytesIO()
    if kind == "JPEG":
        upright.convert("RGB").save(buffer, "JPEG", quality=90)
    else:
        upright.save(buffer, "PNG", optimize=True)
    return buffer.getvalue()


def check_document_or_image(data: bytes, filename: str, max_bytes: int) -> CheckedFile:
    """A document (PDF, DOCX, ODT, text) or a photograph (JPEG, PNG)."""
    if data.startswith((b"\xff\xd8\xff", b"\x89PNG\r\n\x1a\n")):
        return check_image(data, filename, max_bytes)
    try:
        return check_document(data, filename, max_bytes)
    except UploadRefused as refused:
        if refused.code == "mismatch" and refused.details.get("named") in {"jpg", "jpeg", "jfif", "png"}:
            raise UploadRefused("type") from refused
        raise
