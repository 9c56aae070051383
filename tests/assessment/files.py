"""Evidence files for tests, built in code: complete PDFs, pictures and Office packages as
Excel, Word and cameras write them, and a renamed executable."""

from __future__ import annotations

import io
import struct
import zipfile
import zlib

from openpyxl import Workbook

PDF_BYTES = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
EXE_BYTES = b"MZ\x90\x00\x03" + b"\x00" * 64

DOCX_MAIN = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
XLSM_MAIN = "application/vnd.ms-excel.sheet.macroEnabled.main+xml"
XLSX_MAIN = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"
OFFICE_DOCUMENT = (
    "http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument"
)


def real_xlsx() -> bytes:
    buffer = io.BytesIO()
    Workbook().save(buffer)
    return buffer.getvalue()


def real_docx(main: str = "word/document.xml") -> bytes:
    """A minimal Word document as Word writes it: content types, package relationships and the
    main part (Word Online names it word/document2.xml)."""
    return zip_bytes(
        {
            "[Content_Types].xml": (
                '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Types xmlns="http://'
                'schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" '
                'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
                '<Default Extension="xml" ContentType="application/xml"/>'
                f'<Override PartName="/{main}" ContentType="{DOCX_MAIN}"/></Types>'
            ),
            "_rels/.rels": (
                '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Relationships xmlns="'
                'http://schemas.openxmlformats.org/package/2006/relationships"><Relationship '
                f'Id="rId1" Type="{OFFICE_DOCUMENT}" Target="{main}"/></Relationships>'
            ),
            main: (
                '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/'
                'main"><w:body><w:p><w:r><w:t>数据分类分级制度</w:t></w:r></w:p></w:body>'
                "</w:document>"
            ),
        }
    )


def zip_bytes(parts: dict[str, str | bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in parts.items():
            archive.writestr(name, content)
    return buffer.getvalue()


def repacked_xlsx(
    add: dict[str, str | bytes] | None = None,
    drop: tuple[str, ...] = (),
    content_types=lambda xml: xml,
) -> bytes:
    """openpyxl's workbook with parts added or dropped and [Content_Types].xml edited."""
    with zipfile.ZipFile(io.BytesIO(real_xlsx())) as source:
        parts = {name: source.read(name) for name in source.namelist() if name not in drop}
    parts["[Content_Types].xml"] = content_types(parts["[Content_Types].xml"].decode())
    return zip_bytes({**parts, **(add or {})})


def tiny_pdf(tail: bytes = b"") -> bytes:
    """A complete one-page PDF, with its cross-reference table and `%%EOF` trailer."""
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] >>",
    ]
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return bytes(out) + tail


def _png_chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


# A 1×1 grey picture, complete down to its IEND chunk.
REAL_PNG = (
    b"\x89PNG\r\n\x1a\n"
    + _png_chunk(b"IHDR", struct.pack(">IIBBBBB", 1, 1, 8, 0, 0, 0, 0))
    + _png_chunk(b"IDAT", zlib.compress(b"\x00\x80"))
    + _png_chunk(b"IEND", b"")
)
# A 1×1 grey baseline JPEG: quantisation and one-code Huffman tables, one 8×8 block, EOI.
REAL_JPEG = (
    b"\xff\xd8"
    + b"\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00"
    + b"\xff\xdb\x00\x43\x00"
    + b"\x01" * 64
    + b"\xff\xc0\x00\x0b\x08\x00\x01\x00\x01\x01\x01\x11\x00"
    + b"\xff\xc4\x00\x14\x00\x01"
    + b"\x00" * 15
    + b"\x00"
    + b"\xff\xc4\x00\x14\x10\x01"
    + b"\x00" * 15
    + b"\x00"
    + b"\xff\xda\x00\x08\x01\x01\x00\x00\x3f\x00"
    + b"\x3f"
    + b"\xff\xd9"
)


PNG_BYTES, JPEG_BYTES = REAL_PNG, REAL_JPEG


def office_bytes(main_type: str) -> bytes:
    """A minimal OOXML package whose [Content_Types].xml declares `main_type` for its main
    part, with the package relationship pointing at it."""
    return zip_bytes(
        {
            "[Content_Types].xml": (
                '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/'
                f'2006/content-types"><Override PartName="/xl/workbook.xml" '
                f'ContentType="{main_type}"/></Types>'
            ),
            "_rels/.rels": (
                '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/'
                f'package/2006/relationships"><Relationship Id="rId1" Type="{OFFICE_DOCUMENT}" '
                'Target="xl/workbook.xml"/></Relationships>'
            ),
            "xl/workbook.xml": "<workbook/>",
        }
    )
