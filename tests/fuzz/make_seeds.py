#!/usr/bin/env python3
"""Seed corpora for the fuzz harnesses: small versions of the shared data and the repository's
run files and bad inputs, written into OUT/{dump,data,run_file} (never into the repository).

usage: make_seeds.py OUT SHARED_DATA_DIR REPO_DIR
Dumps keep their first two frames, cut to a few atoms each (NUMBER OF ATOMS rewritten); data
files keep a few atoms (the "N atoms" line rewritten, Velocities cut to the same ids). Small
seeds keep each fuzz iteration fast (run.sh sets -max_len)."""
import glob, gzip, os, shutil, sys

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


def main():
    out, shared, repo = sys.argv[1:4]
    dirs = {k: os.path.join(out, k) for k in ("dump", "data", "run_file", "potential")}
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
    for k, d in dirs.items():
        print(f"make_seeds: {k}: {len(os.listdir(d))} seeds")


if __name__ == "__main__":
    main()
