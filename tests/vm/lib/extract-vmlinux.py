#!/usr/bin/env python3
"""Extracts the uncompressed ELF vmlinux from a bzImage (vmlinuz).

Why: under TCG the kernel's own boot-time decompressor costs ~3 s of emulated CPU; qemu loads an
ELF vmlinux directly through its PVH entry note (Debian sets CONFIG_PVH=y), so we decompress once
on the host and cache the result. Same approach as the kernel's scripts/extract-vmlinux: find the
magic of a compressed stream inside the image, decompress from there, keep the first ELF found.

Usage: extract-vmlinux.py VMLINUZ OUT
"""
import gzip, lzma, shutil, subprocess, sys, zlib

MAGICS = [  # (name, magic bytes, decompressor of bytes from the magic on)
    ("xz", b"\xfd7zXZ\x00", lambda b: lzma.LZMADecompressor(lzma.FORMAT_XZ).decompress(b)),
    ("gzip", b"\x1f\x8b\x08", lambda b: zlib.decompressobj(16 + zlib.MAX_WBITS).decompress(b)),
    ("lzma", b"\x5d\x00\x00\x00", lambda b: lzma.LZMADecompressor(lzma.FORMAT_ALONE).decompress(b)),
    ("zstd", b"\x28\xb5\x2f\xfd", lambda b: tool(["zstd", "-dc"], b)),
    ("lz4", b"\x02\x21\x4c\x18", lambda b: tool(["lz4", "-dc"], b)),
]


def tool(cmd, data):
    # Not in the standard library: use the command if the host has it; trailing bytes after the
    # stream make these tools exit non-zero, so keep whatever they wrote to stdout.
    if shutil.which(cmd[0]) is None:
        return b""
    return subprocess.run(cmd, input=data, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL).stdout


def main(src, dst):
    image = open(src, "rb").read()
    for name, magic, decompress in MAGICS:
        pos = image.find(magic)
        while pos >= 0:
            try:
                out = decompress(image[pos:])
            except (lzma.LZMAError, zlib.error, EOFError, OSError):
                out = b""
            if out[:4] == b"\x7fELF":
                with open(dst, "wb") as f:
                    f.write(out)
                print(f"extract-vmlinux: {name} payload at offset {pos}, {len(out)} bytes")
                return 0
            pos = image.find(magic, pos + 1)
    print(f"extract-vmlinux: no compressed ELF found in {src}", file=sys.stderr)
    return 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2]))
