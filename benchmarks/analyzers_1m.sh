#!/usr/bin/env bash
# analyzers_1m.sh -- the structural analyzers (voronoi, free_volume, five_fold with and without
# CNA, motifs, rdf) on one 1,024,000-atom frame with 1 and 2 threads: the time of each analyzer
# next to the shared services it reuses (cell/neighbor lists, the Voronoi tessellation), from
# `mgscope run --timings`, and whole-process wall time and peak memory from GNU time.
#
# Usage: benchmarks/analyzers_1m.sh [REPS]          (default 3 repetitions; the minimum is kept)
# Environment (optional): SHARED, MGSCOPE (default: build/mgscope of this checkout), BIG_DIR
# (the replicated frame, made with shared/lammps/make_big.sh if missing; default /tmp/mgref/big),
# WORK (scratch; default a new /tmp/mgscope_an1m.XXXXXX), CORES (default "1 2").
#
# Runs, per thread count:
#   voronoi_only  the voronoi analyzer alone (the service + its per-atom indices)
#   structure     voronoi + free_volume + five_fold + motifs: one shared tessellation
#   cna           five_fold with cna_cutoff 3.7 Å (neighbor list service + CNA)
#   rdf           rdf to 10 Å (neighbor list service + pair histogram, S(q))
# Every run writes only its JSON summary, so the figures are the analyses, not per-atom output.
# The Voronoi-derived analyzers' cost is reported as a fraction of `service: voronoi`; the
# whole-process difference structure - voronoi_only is printed beside it as a cross-check.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
WORK=${WORK:-$(mktemp -d /tmp/mgscope_an1m.XXXXXX)}
CORES=${CORES:-1 2}
REPS=${1:-3}

. "$HERE/big_frame.sh"
mkdir -p "$WORK"

write_run() {  # $1 name, $2 analyzers (JSON array body)
  cat > "$WORK/$1.json" <<EOF
{"input": {"path": "$FRAME",
           "types": {"1": {"element": "Cu", "mass": 63.546}, "2": {"element": "Zr", "mass": 91.224}}},
 "analyzers": [$2],
 "outputs": [{"format": "json", "path": "$WORK/out_$1.json"}]}
EOF
}
write_run voronoi_only '{"type": "voronoi"}'
write_run structure '{"type": "voronoi"}, {"type": "free_volume"},
  {"type": "five_fold"}, {"type": "motifs"}'
write_run cna '{"type": "five_fold", "cna_cutoff": 3.7}'
write_run rdf '{"type": "rdf", "r_max": 10.0}'

echo "# analyzers_1m: $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg), $(wc -l < "$FRAME") lines in $FRAME"
for t in $CORES; do
  for run in voronoi_only structure cna rdf; do
    for ((r = 1; r <= REPS; r++)); do
      log="$WORK/${run}_t${t}_r${r}.log"
      /usr/bin/time -f 'WALL %e\nMAXRSS_KB %M\nCPU %U %S' "$MGSCOPE" run -q --timings -t "$t" \
        "$WORK/$run.json" 2> "$log"
    done
  done
done
echo "# load at end $(cut -d' ' -f1-3 /proc/loadavg)"

python3 - "$WORK" "$REPS" $CORES <<'EOF'
import re, sys
work, reps, cores = sys.argv[1], int(sys.argv[2]), sys.argv[3:]
def parse(path):
    stages, wall, rss = {}, None, None
    for line in open(path, encoding="utf-8"):
        m = re.match(r"\s{2}(.+?)\s+([0-9.]+) s\s+[0-9.]+ %$", line)
        if m: stages[m.group(1)] = float(m.group(2))
        if line.startswith("WALL"): wall = float(line.split()[1])
        if line.startswith("MAXRSS_KB"): rss = int(line.split()[1]) / 1024 / 1024
    return stages, wall, rss
def best(run, t):
    logs = [parse(f"{work}/{run}_t{t}_r{r}.log") for r in range(1, reps + 1)]
    stages = {k: min(l[0][k] for l in logs) for k in logs[0][0]}
    return stages, min(l[1] for l in logs), max(l[2] for l in logs)
runs = ["voronoi_only", "structure", "cna", "rdf"]
res = {(run, t): best(run, t) for run in runs for t in cores}
print(f"\n| run | threads | wall s | peak GB | stage | s | % of Voronoi service |")
print("|---|---:|---:|---:|---|---:|---:|")
for run in runs:
    for t in cores:
        stages, wall, rss = res[(run, t)]
        vor = stages.get("service: voronoi")
        first = True
        for k, v in stages.items():
            if v < 0.005 and not k.startswith("analyzer"): continue
            share = f"{100 * v / vor:.1f}" if vor and k.startswith("analyzer") else ""
            head = f"| {run} | {t} | {wall:.2f} | {rss:.2f} " if first else "| | | | "
            print(f"{head}| {k} | {v:.3f} | {share} |")
            first = False
print()
for t in cores:
    s, w, _ = res[("structure", t)]
    v, wv, _ = res[("voronoi_only", t)]
    vor = s["service: voronoi"]
    derived = sum(x for k, x in s.items() if k.startswith("analyzer"))
    print(f"threads {t}: Voronoi service {vor:.2f} s; voronoi + free_volume + five_fold + motifs "
          f"analyzers {derived:.2f} s = {100 * derived / vor:.1f} % of it; whole process "
          f"{w:.2f} s vs {wv:.2f} s for voronoi alone (+{100 * (w - wv) / wv:.1f} %)")
for run in runs:
    if len(cores) == 2:
        a, b = res[(run, cores[0])][1], res[(run, cores[1])][1]
        print(f"{run}: wall {a:.2f} s with {cores[0]} thread(s), {b:.2f} s with {cores[1]}: speedup {a / b:.2f}")
EOF
