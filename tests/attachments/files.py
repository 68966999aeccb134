"""Small real files of every accepted type, made by code, and a few hostile ones."""

from __future__ import annotations

import io
import struct
import zipfile
import zlib


def make_pdf(text: str) -> bytes:
    """Return a one-page PDF showing `text` (ASCII), built by hand with a correct xref table."""
    stream = f"BT /F1 12 Tf 72 712 Td ({text}) Tj ET".encode("ascii")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] "
        b"/Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        b"<< /Length %d >>\nstream\n%s\nendstream" % (len(stream), stream),
    ]
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n%s\nendobj\n" % (number, body))
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    for offset in offsets:
        out.write(b"%010d 00000 n \n" % offset)
    out.write(
        b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    )
    return out.getvalue()


def make_docx(text: str) -> bytes:
    import docx

    document = docx.Document()
    document.add_heading("Revenue turnaround", level=1)
    document.add_paragraph(text)
    table = document.add_table(rows=1, cols=1)
    table.rows[0].cells[0].text = "table cell words"
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def make_pptx(text: str) -> bytes:
    from pptx import Presentation
    from pptx.util import Inches

    presentation = Presentation()
    slide = presentation.slides.add_slide(presentation.slide_layouts[6])
    box = slide.shapes.add_textbox(Inches(1), Inches(1), Inches(6), Inches(1))
    box.text_frame.text = text
    out = io.BytesIO()
    presentation.save(out)
    return out.getvalue()


def make_xlsx(text: str) -> bytes:
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Collections"
    sheet["A1"] = text
    sheet["B2"] = 42
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def make_odt(text: str, doctype: str = "") -> bytes:
    content = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        f"{doctype}"
        '<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
        'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2">'
        "<office:body><office:text>"
        "<text:h>Champions network</text:h>"
        f"<text:p>{text}<text:s/>and<text:span> more</text:span></text:p>"
        "</office:text></office:body></office:document-content>"
    )
    manifest = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0">'
        '<manifest:file-entry manifest:full-path="/" '
        'manifest:media-type="application/vnd.oasis.opendocument.text"/>'
        '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
        "</manifest:manifest>"
    )
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.text")
        archive.writestr("META-INF/manifest.xml", manifest, zipfile.ZIP_DEFLATED)
        archive.writestr("content.xml", content, zipfile.ZIP_DEFLATED)
    return out.getvalue()


def make_png() -> bytes:
    """Return a valid one-pixel PNG."""

    def chunk(kind: bytes, body: bytes) -> bytes:
        return (
            struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))
        )

    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    pixels = zlib.compress(b"\x00\xff\x00\x00")
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")
    )


def make_jpeg() -> bytes:
    """Return the start of a JFIF JPEG (the Hub never decodes images, only recognises them)."""
    return b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00\xff\xd9"


SVG_WITH_SCRIPT = (
    b'<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg">'
    b"<script>alert(document.cookie)</script><circle r='4'/></svg>"
)


def make_zip(entries: dict[str, bytes], compression: int = zipfile.ZIP_DEFLATED) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression) as archive:
        for name, body in entries.items():
            archive.writestr(name, body)
    return out.getvalue()


def make_zip_bomb_docx(inflated_bytes: int = 20 * 1024 * 1024) -> bytes:
    """Return a DOCX-shaped zip whose document part is a long run of zeros (ratio ~1000:1)."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", b"<Types/>")
        with archive.open("word/document.xml", "w") as part:
            block = b"\0" * (1024 * 1024)
            for _ in range(inflated_bytes // len(block)):
                part.write(block)
    return out.getvalue()


def lie_about_size(data: bytes, member: str, declared: int) -> bytes:
    """Return the zip with `member`'s uncompressed size in the central directory changed."""
    name = member.encode()
    at = data.rfind(b"PK\x01\x02")
    while at != -1:
        name_length = struct.unpack("<H", data[at + 28 : at + 30])[0]
        if data[at + 46 : at + 46 + name_length] == name:
            return data[: at + 24] + struct.pack("<I", declared) + data[at + 28 :]
        at = data.rfind(b"PK\x01\x02", 0, at)
    raise ValueError(f"{member} is not in the archive")


def deflate_repeated(prefix: bytes, unit: bytes, times: int, suffix: bytes = b"") -> bytes:
    """Return a raw deflate stream of prefix + unit * times + suffix, made without inflating it.

    After a full flush the compressor starts afresh, so every copy of `unit` compresses to the same
    bytes: one is compressed and repeated. 1 MiB of zeros compresses to ~1 KB, so a 1 GiB part
    costs ~1 MB of test file and a millisecond to make.
    """
    compressor = zlib.compressobj(9, zlib.DEFLATED, -zlib.MAX_WBITS)
    head = compressor.compress(prefix) + compressor.flush(zlib.Z_FULL_FLUSH)
    block = compressor.compress(unit) + compressor.flush(zlib.Z_FULL_FLUSH)
    tail = compressor.compress(suffix) + compressor.flush(zlib.Z_FINISH)
    return head + block * times + tail


def make_raw_zip(parts: list[tuple[str, bytes, int, int]]) -> bytes:
    """Return a zip of (name, raw deflate data, declared size, declared CRC) parts, as given."""
    out = io.BytesIO()
    directory = []
    for name, raw, declared, crc in parts:
        encoded = name.encode()
        offset = out.tell()
        sizes = struct.pack("<3L", crc, len(raw), declared)
        out.write(b"PK\x03\x04" + struct.pack("<5H", 20, 0, 8, 0, 0) + sizes)
        out.write(struct.pack("<2H", len(encoded), 0) + encoded + raw)
        directory.append(
            b"PK\x01\x02"
            + struct.pack("<6H", 20, 20, 0, 8, 0, 0)
            + sizes
            + struct.pack("<5H2L", len(encoded), 0, 0, 0, 0, 0, offset)
            + encoded
        )
    start = out.tell()
    out.write(b"".join(directory))
    size = out.tell() - start
    out.write(b"PK\x05\x06" + struct.pack("<4H2LH", 0, 0, len(parts), len(parts), size, start, 0))
    return out.getvalue()


def _deflated(body: bytes) -> tuple[bytes, int, int]:
    compressor = zlib.compressobj(9, zlib.DEFLATED, -zlib.MAX_WBITS)
    return compressor.compress(body) + compressor.flush(), len(body), zlib.crc32(body)


W = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'


def make_lying_docx(document_xml_raw: bytes, declared: int = 1_000) -> bytes:
    """Return a DOCX whose document part is `document_xml_raw` (raw deflate), said to be
    `declared` bytes."""
    content_types = (
        b'<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
        b'content-types"><Override PartName="/word/document.xml" ContentType="application/'
        b'vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>'
    )
    return make_raw_zip(
        [
            ("[Content_Types].xml", *_deflated(content_types)),
            ("word/document.xml", document_xml_raw, declared, 0),
        ]
    )


def make_zero_bomb_docx(inflated_bytes: int = 1 << 30, declared: int = 1_000) -> bytes:
    """Return a ~1 MB DOCX whose document part declares 1,000 bytes and inflates to 1 GiB of
    zeros (the issue's attack)."""
    unit = b"\0" * (1 << 20)
    return make_lying_docx(deflate_repeated(b"", unit, inflated_bytes // len(unit)), declared)


def make_text_bomb_docx(paragraphs: int, words: str = "bomb") -> bytes:
    """Return a DOCX whose document part is well-formed XML of `paragraphs` short paragraphs,
    declaring 1,000 bytes: inflated, it is as large as `paragraphs` asks."""
    prefix = f"<w:document {W}><w:body>".encode()
    unit = f"<w:p><w:r><w:t>{words}</w:t></w:r></w:p>".encode() * 1024
    suffix = b"</w:body></w:document>"
    return make_lying_docx(deflate_repeated(prefix, unit, paragraphs // 1024, suffix))


def make_shared_stream_pdf(pages: int, stream_bytes: int, text: str = "shared") -> bytes:
    """Return a PDF whose `pages` pages all show one compressed content stream of about
    `stream_bytes` bytes (the issue's 190 KB PDF: 40 pages sharing a 60 MB stream)."""
    line = f"BT /F1 12 Tf 72 712 Td ({text}) Tj ET\n".encode("ascii")
    unit = line * max(1, min(stream_bytes, 65536) // len(line))
    times = max(1, stream_bytes // len(unit))
    checksum = 1
    for _ in range(times):
        checksum = zlib.adler32(unit, checksum)
    # A zlib stream (header, raw deflate, Adler-32), made from one compressed unit repeated.
    stream = b"\x78\xda" + deflate_repeated(b"", unit, times) + struct.pack(">L", checksum)
    kids = " ".join(f"{4 + n} 0 R" for n in range(pages)).encode()
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [%s] /Count %d >>" % (kids, pages),
        b"<< /Length %d /Filter /FlateDecode >>\nstream\n%s\nendstream" % (len(stream), stream),
    ]
    objects += [
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] "
        b"/Resources << /Font << /F1 %d 0 R >> >> /Contents 3 0 R >>" % (4 + pages)
    ] * pages
    objects.append(b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>")
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n%s\nendobj\n" % (number, body))
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    for offset in offsets:
        out.write(b"%010d 00000 n \n" % offset)
    out.write(
        b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    )
    return out.getvalue()
