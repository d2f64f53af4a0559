#!/usr/bin/env python3
"""Regenerates the binary members of the bad-input catalogue (committed; run by hand).

Binary files are awkward to write by hand, so they come from this script, deterministically
(fixed gzip mtime, no random numbers): garbage bytes, NUL bytes, and gzip streams that are cut,
corrupted or carry a bad CRC, all made from one small valid two-frame dump.
"""
import gzip
import pathlib

here = pathlib.Path(__file__).resolve().parent / "dumps"


def valid_dump() -> bytes:
    lines = []
    for step in (0, 100):
        lines += ["ITEM: TIMESTEP", str(step), "ITEM: NUMBER OF ATOMS", "343",
                  "ITEM: BOX BOUNDS pp pp pp", "0 17.5", "0 17.5", "0 17.5",
                  "ITEM: ATOMS id type x y z"]
        n = 0
        for i in range(7):
            for j in range(7):
                for k in range(7):
                    n += 1
                    lines.append(f"{n} {1 + n % 2} {2.5 * i + 0.01 * step / 100:.6f} "
                                 f"{2.5 * j:.6f} {2.5 * k:.6f}")
    return ("\n".join(lines) + "\n").encode()


def gz(data: bytes) -> bytes:
    return gzip.compress(data, compresslevel=9, mtime=0)


def main() -> None:
    good = gz(valid_dump())
    (here / "gzip_truncated.dump.gz").write_bytes(good[: len(good) // 2])
    corrupt = bytearray(good)
    for i in range(len(good) // 2, len(good) // 2 + 64):
        corrupt[i] ^= 0x5A
    (here / "gzip_corrupt.dump.gz").write_bytes(bytes(corrupt))
    crc = bytearray(good)
    crc[-6] ^= 0x01  # inside the CRC32 trailer: the data decompresses, the check fails
    (here / "gzip_bad_crc.dump.gz").write_bytes(bytes(crc))
    (here / "gzip_magic_only.dump.gz").write_bytes(b"\x1f\x8b")
    (here / "gzip_of_binary.dump.gz").write_bytes(gz(bytes((i * 7919) % 256 for i in range(5000))))
    (here / "gzip_empty_stream.dump.gz").write_bytes(gz(b""))
    (here / "binary_garbage.dump").write_bytes(bytes((i * 7919) % 256 for i in range(5000)))
    (here / "nul_bytes.dump").write_bytes(b"\0" * 4096)
    # A text header followed by binary atom data, as a half-converted binary dump would look.
    head = b"ITEM: TIMESTEP\n0\nITEM: NUMBER OF ATOMS\n2\nITEM: BOX BOUNDS pp pp pp\n0 10\n0 10\n0 10\nITEM: ATOMS id type x y z\n"
    (here / "binary_atom_lines.dump").write_bytes(head + bytes((i * 31) % 256 for i in range(300)))


if __name__ == "__main__":
    main()
