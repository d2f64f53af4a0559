#!/usr/bin/env python3
"""Seed corpora for the fuzz harnesses: small versions of the shared data and the repository's
run files and bad inputs, written into OUT/{dump,data,run_file} (never into the repository).

usage: make_seeds.py OUT SHARED_DATA_DIR REPO_DIR
Dumps keep their first two frames, cut to a few atoms each (NUMBER OF ATOMS rewritten); data
files keep a few atoms (the "N atoms" line rewritten, Velocities cut to the same ids). Small
seeds keep each fuzz iteration fast (run.sh sets -max_len)."""
import glob, gzip, os, shutil, struct, sys, zlib

KEEP = 12


def opener(path):
    return gzip.open(path, "rt", errors="replace") if path.endswith(".gz") else open(path, errors="replace")


def small_dump(path, frames=2):
    out, frame, lines = [], 0, iter(opener(path))
    for line in lines:
        if line.startswith("ITEM: TIMESTEP"):
            frame += 1
            if frame > frames:
                break
        if line.startswith("ITEM: NUMBER OF ATOMS"):
            n = int(next(lines))
            keep = min(n, KEEP)
            out += [line, f"{keep}\n"]
            continue
        if line.startswith("ITEM: ATOMS"):
            out.append(line)
            for _ in range(keep):
                out.append(next(lines))
            for _ in range(n - keep):
                next(lines)
            continue
        out.append(line)
    return "".join(out)


def small_data(path):
    out, section, kept, count = [], None, set(), 0
    for line in opener(path):
        s = line.split("#")[0].split()
        if len(s) == 2 and s[1] == "atoms":
            out.append(f"{KEEP} atoms\n")
            continue
        if s and s[0][0].isalpha():
            section, count = s[0], 0
            out.append(line)
            continue
        if section in ("Atoms", "Velocities") and s:
            if section == "Atoms" and count < KEEP:
                kept.add(s[0])
                count += 1
                out.append(line)
            elif section == "Velocities" and s[0] in kept:
                out.append(line)
            continue
        out.append(line)
    return "".join(out)


def small_eam(path, fs, points=20):
    """The potential with every table subsampled to `points` values (5 per line), same layout."""
    lines = open(path).read().split("\n")
    head, words = lines[:3], " ".join(lines[3:]).split()
    ne = int(words[0])
    names = words[1:1 + ne]
    nrho, drho, nr, dr, cut = int(words[1 + ne]), float(words[2 + ne]), int(words[3 + ne]), float(words[4 + ne]), float(words[5 + ne])
    pos = 6 + ne
    srho, sr = max(1, nrho // points), max(1, nr // points)

    def table(n, step):
        nonlocal pos
        vals = words[pos:pos + n][::step][:points]
        pos += n
        return "\n".join(" ".join(vals[k:k + 5]) for k in range(0, len(vals), 5))

    out = head + [f"{ne} " + " ".join(names), f"{points} {drho * srho!r} {points} {dr * sr!r} {cut!r}"]
    for _ in range(ne):
        out.append(" ".join(words[pos:pos + 4]))
        pos += 4
        out.append(table(nrho, srho))
        for _ in range(ne if fs else 1):
            out.append(table(nr, sr))
    for i in range(ne):
        for _ in range(i + 1):
            out.append(table(nr, sr))
    return "\n".join(out) + "\n"


def tiff(width, height, bits, fmt, pixels, resolution=None):
    """A minimal little-endian single-strip grayscale TIFF (fmt 1 uint, 3 float)."""
    data = b"".join(struct.pack("<" + {8: "B", 16: "H", 32: "f" if fmt == 3 else "I"}[bits], v)
                    for v in pixels)
    entries = [(256, 3, 1, width), (257, 3, 1, height), (258, 3, 1, bits), (259, 3, 1, 1),
               (262, 3, 1, 1), (273, 4, 1, 0), (277, 3, 1, 1), (278, 3, 1, height),
               (279, 4, 1, len(data)), (339, 3, 1, fmt)]
    if resolution:
        entries += [(282, 5, 1, 0), (283, 5, 1, 0), (296, 3, 1, 3)]
    entries.sort()
    ifd_at = 8
    extra_at = ifd_at + 2 + 12 * len(entries) + 4
    data_at = extra_at + (16 if resolution else 0)
    out = b"II*\x00" + struct.pack("<I", ifd_at) + struct.pack("<H", len(entries))
    extra = b""
    for tag, typ, count, value in entries:
        if tag == 273:
            value = data_at
        if typ == 5:
            value = extra_at + len(extra)
            extra += struct.pack("<II", int(resolution), 1)
        if typ == 3:
            out += struct.pack("<HHIHH", tag, typ, count, value, 0)
        else:
            out += struct.pack("<HHII", tag, typ, count, value)
    return out + struct.pack("<I", 0) + extra + data


def png_gray(width, height, pixels):
    raw = b"".join(b"\x00" + bytes(pixels[j * width:(j + 1) * width]) for j in range(height))
    def chunk(kind, body):
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))


def npy(shape, descr, pixels):
    header = "{'descr': '%s', 'fortran_order': False, 'shape': (%d, %d), }" % ((descr,) + shape)
    header += " " * (63 - (10 + len(header)) % 64) + "\n"
    body = b"".join(struct.pack("<" + {"<f8": "d", "<u2": "H"}[descr], v) for v in pixels)
    return b"\x93NUMPY\x01\x00" + struct.pack("<H", len(header)) + header.encode() + body


def map_seeds():
    w, h = 6, 5
    ramp = [(i * 7 + j * 13) % 256 for j in range(h) for i in range(w)]
    return [
        ("u8.tif", 0, tiff(w, h, 8, 1, ramp)),
        ("u16_res.tif", 0, tiff(w, h, 16, 1, [v * 200 for v in ramp], resolution=5e7)),
        ("f32.tif", 0, tiff(w, h, 32, 3, [v / 7.0 for v in ramp])),
        ("gray.png", 1, png_gray(w, h, ramp)),
        ("p2.pgm", 2, ("P2\n# seed\n%d %d\n255\n" % (w, h) + " ".join(map(str, ramp)) + "\n").encode()),
        ("p5.pgm", 2, b"P5\n%d %d\n255\n" % (w, h) + bytes(ramp)),
        ("f8.npy", 3, npy((h, w), "<f8", [v / 3.0 for v in ramp])),
        ("u2.npy", 3, npy((h, w), "<u2", ramp)),
        ("map.csv", 4, "\n".join(",".join(str(v) for v in ramp[j * w:(j + 1) * w]) for j in range(h)).encode()),
    ]


def main():
    out, shared, repo = sys.argv[1:4]
    dirs = {k: os.path.join(out, k) for k in ("dump", "data", "run_file", "potential", "map")}
    for d in dirs.values():
        os.makedirs(d, exist_ok=True)
    shared_files = sorted(glob.glob(os.path.join(shared, "**", "*"), recursive=True))
    for f in shared_files:
        name = os.path.basename(f).replace(".gz", "")
        try:
            if ".dump" in f:
                text = small_dump(f)
                open(os.path.join(dirs["dump"], name), "w").write(text)
                open(os.path.join(dirs["dump"], "one_frame_" + name), "w").write(small_dump(f, 1))
                with gzip.open(os.path.join(dirs["dump"], name + ".gz"), "wt") as g:
                    g.write(small_dump(f, 1))
            elif f.endswith(".data") or f.endswith(".data.gz"):
                open(os.path.join(dirs["data"], name), "w").write(small_data(f))
        except Exception as e:  # a seed we cannot shrink is skipped, not fatal
            print(f"make_seeds: skipped {f}: {e}", file=sys.stderr)
    bad = os.path.join(repo, "tests", "bad_inputs")
    for f in glob.glob(os.path.join(bad, "dumps", "*")) + glob.glob(os.path.join(bad, "good", "*")):
        if os.path.isfile(f) and os.path.getsize(f) < 64 * 1024:
            shutil.copy(f, os.path.join(dirs["dump"], "bad_" + os.path.basename(f)))
    for f in glob.glob(os.path.join(bad, "data", "*")):
        if os.path.isfile(f):
            shutil.copy(f, os.path.join(dirs["data"], "bad_" + os.path.basename(f)))
    for f in glob.glob(os.path.join(repo, "configs", "*.json")) + glob.glob(os.path.join(bad, "runs", "*.json")) \
            + glob.glob(os.path.join(repo, "examples", "**", "*.json"), recursive=True):
        if os.path.basename(f) != "run.schema.json":
            shutil.copy(f, os.path.join(dirs["run_file"], os.path.basename(os.path.dirname(f)) + "_" + os.path.basename(f)))
    # Potentials: the first byte picks the style (even: eam/fs, odd: eam/alloy), see fuzz_potential.
    for f in sorted(glob.glob("/usr/share/lammps/potentials/*.eam.fs")) + sorted(glob.glob("/usr/share/lammps/potentials/*.eam.alloy")):
        fs = f.endswith(".eam.fs")
        try:
            with open(os.path.join(dirs["potential"], os.path.basename(f)), "wb") as g:
                g.write((b"\x00" if fs else b"\x01") + small_eam(f, fs).encode())
        except Exception as e:
            print(f"make_seeds: skipped {f}: {e}", file=sys.stderr)
    # Maps: the first byte picks the extension (0 .tif, 1 .png, 2 .pgm, 3 .npy, 4 .csv), see fuzz_map.
    for name, ext, body in map_seeds():
        with open(os.path.join(dirs["map"], name), "wb") as g:
            g.write(bytes([ext]) + body)
    for f in glob.glob(os.path.join(repo, "examples", "maps", "*.tif*")):
        with open(f, "rb") as src, open(os.path.join(dirs["map"], os.path.basename(f)), "wb") as g:
            g.write(b"\x00" + src.read())
    for k, d in dirs.items():
        print(f"make_seeds: {k}: {len(os.listdir(d))} seeds")


if __name__ == "__main__":
    main()
