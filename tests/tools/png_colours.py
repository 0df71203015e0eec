#!/usr/bin/env python3
"""png_colours.py FILE.png RRGGBB...: for each colour, how many pixels of the image have
it exactly and where they are: "RRGGBB COUNT X0 Y0 X1 Y1" (bounding box; "RRGGBB 0" when
there is none). Reads 8-bit RGB/RGBA non-interlaced PNGs (what headless Chromium writes)
with python3's zlib only: the dry-run screenshot test asks whether the GO/NO-GO badge and
the totals box are on the first screen."""
import struct
import sys
import zlib


def read_png(path):
    data = open(path, "rb").read()
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        sys.exit("%s: not a PNG" % path)
    pos, idat, hdr = 8, [], None
    while pos < len(data):
        length, kind = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + length]
        pos += 12 + length
        if kind == b"IHDR":
            hdr = struct.unpack(">IIBBBBB", body)
        elif kind == b"IDAT":
            idat.append(body)
        elif kind == b"IEND":
            break
    w, h, depth, ctype, _, _, interlace = hdr
    if depth != 8 or ctype not in (2, 6) or interlace:
        sys.exit("%s: only 8-bit RGB/RGBA non-interlaced PNGs" % path)
    bpp = 3 if ctype == 2 else 4
    raw = zlib.decompress(b"".join(idat))
    stride = w * bpp
    rows, prev = [], bytearray(stride)
    for y in range(h):
        ft = raw[y * (stride + 1)]
        line = bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        if ft == 1:
            for i in range(bpp, stride):
                line[i] = (line[i] + line[i - bpp]) & 255
        elif ft == 2:
            line = bytearray((a + b) & 255 for a, b in zip(line, prev))
        elif ft == 3:
            for i in range(stride):
                left = line[i - bpp] if i >= bpp else 0
                line[i] = (line[i] + ((left + prev[i]) >> 1)) & 255
        elif ft == 4:
            for i in range(stride):
                a = line[i - bpp] if i >= bpp else 0
                b = prev[i]
                c = prev[i - bpp] if i >= bpp else 0
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                line[i] = (line[i] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
        rows.append(line)
        prev = line
    return w, h, bpp, rows


def main():
    w, h, bpp, rows = read_png(sys.argv[1])
    for hexc in sys.argv[2:]:
        want = bytes.fromhex(hexc)
        n, box = 0, None
        for y, line in enumerate(rows):
            x = line.find(want)
            while x != -1:
                if x % bpp == 0:
                    px = x // bpp
                    n += 1
                    box = (px, y, px, y) if box is None else (
                        min(box[0], px), min(box[1], y), max(box[2], px), max(box[3], y))
                x = line.find(want, x + 1)
        print(hexc, n, *(box or ()))


if __name__ == "__main__":
    main()
