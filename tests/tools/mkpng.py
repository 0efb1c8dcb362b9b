#!/usr/bin/env python3
"""mkpng.py OUT WIDTH HEIGHT [R G B] - write a solid-colour RGB PNG with the
standard library only, streaming rows through zlib so a 12000x12000 image
takes little memory. Used by the CLI tests to make images of any size."""
import struct
import sys
import zlib


def chunk(kind, data):
    body = kind + data
    return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body) & 0xFFFFFFFF)


def write_png(path, width, height, rgb=(128, 128, 128)):
    row = b"\x00" + bytes(rgb) * width  # filter type 0, then the pixels
    z = zlib.compressobj(9)
    idat = bytearray()
    for _ in range(height):
        idat += z.compress(row)
    idat += z.flush()
    with open(path, "wb") as f:
        f.write(b"\x89PNG\r\n\x1a\n")
        f.write(chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)))
        f.write(chunk(b"IDAT", bytes(idat)))
        f.write(chunk(b"IEND", b""))


if __name__ == "__main__":
    if len(sys.argv) not in (4, 7):
        sys.exit("usage: mkpng.py OUT WIDTH HEIGHT [R G B]")
    colour = tuple(int(v) for v in sys.argv[4:7]) or (128, 128, 128)
    write_png(sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), colour)
