"""Small PDFs written byte by byte for the upload checks: plain ones, and ones whose dictionaries sit in a
compressed object stream behind a cross-reference stream (as Acrobat and most tools write them today)."""

import struct
import zlib

PAGE = b"<</Type/Pages/Kids[3 0 R]/Count 1>>"
LEAF = b"<</Type/Page/Parent 2 0 R/MediaBox[0 0 200 200]>>"


def plain(catalog_extra: bytes = b"", extra_objects: tuple[bytes, ...] = ()) -> bytes:
    """Catalog (1), pages (2), page (3), then `extra_objects` (4, 5, …), with a classic xref table."""
    objects = [b"<</Type/Catalog/Pages 2 0 R" + catalog_extra + b">>", PAGE, LEAF, *extra_objects]
    out = bytearray(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<</Size %d/Root 1 0 R>>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def object_stream(catalog_extra: bytes = b"", extra_objects: tuple[bytes, ...] = ()) -> bytes:
    """The same objects, all but nothing outside a Flate-compressed object stream: none of their names appears in
    the file's bytes."""
    inner = [b"<</Type/Catalog/Pages 2 0 R" + catalog_extra + b">>", PAGE, LEAF, *extra_objects]
    numbers = list(range(1, len(inner) + 1))
    header, body = b"", b""
    for number, obj in zip(numbers, inner, strict=True):
        header += b"%d %d " % (number, len(body))
        body += obj + b"\n"
    packed = zlib.compress(header + body)
    stream_number, xref_number = len(inner) + 1, len(inner) + 2
    out = bytearray(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    stream_offset = len(out)
    out += b"%d 0 obj\n<</Type/ObjStm/N %d/First %d/Filter/FlateDecode/Length %d>>\nstream\n" % (
        stream_number,
        len(inner),
        len(header),
        len(packed),
    )
    out += packed + b"\nendstream\nendobj\n"
    xref_offset = len(out)
    rows = [struct.pack(">BIH", 0, 0, 65535)]
    rows += [struct.pack(">BIH", 2, stream_number, index) for index in range(len(inner))]
    rows += [struct.pack(">BIH", 1, stream_offset, 0), struct.pack(">BIH", 1, xref_offset, 0)]
    table = zlib.compress(b"".join(rows))
    out += b"%d 0 obj\n<</Type/XRef/Size %d/W[1 4 2]/Root 1 0 R/Filter/FlateDecode/Length %d>>\nstream\n" % (
        xref_number,
        xref_number + 1,
        len(table),
    )
    out += table + b"\nendstream\nendobj\nstartxref\n%d\n%%%%EOF\n" % xref_offset
    return bytes(out)


JS_ACTION = b"<</S/JavaScript/JS(app.alert\\(1\\))>>"
# Each: (what the catalog adds, objects 4…): the kinds of active content the portal refuses.
ACTIVE = {
    "document JavaScript": (b"/Names<</JavaScript 4 0 R>>", (b"<</Names[(a) 5 0 R]>>", JS_ACTION)),
    "open action with JavaScript": (b"/OpenAction 4 0 R", (JS_ACTION,)),
    "launch action": (b"/OpenAction<</S/Launch/F(cmd.exe)>>", ()),
    "embedded file": (
        b"/Names<</EmbeddedFiles 4 0 R>>",
        (b"<</Names[(a.exe) 5 0 R]>>", b"<</Type/Filespec/F(a.exe)/EF<</F 6 0 R>>>>", b"<</Type/EmbeddedFile>>"),
    ),
    "escaped name": (b"/OpenAction<</S/J#61vaScript/J#53(app.alert\\(1\\))>>", ()),
    "page open action": (b"/AA<</O 4 0 R>>", (JS_ACTION,)),
}
