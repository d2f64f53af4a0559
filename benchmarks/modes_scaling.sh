#!/usr/bin/env bash
# modes_scaling.sh -- Hessian + lowest 1 % normal modes (soft_spots analyzer): wall time and peak
# RSS of mgscope on the 2000-atom inherent structure and its periodic replicas, 1 and 2 threads,
# with a time limit and a memory watchdog, so that sizes the solver cannot handle are stopped and
# reported instead of hanging the machine.
#
# Usage: benchmarks/modes_scaling.sh [SIZE ...]
#   SIZE  2k    the shared 2000-atom inherent structure (replicate 1 1 1)
#         4k    4,000 atoms   (replicate 2 1 1)
#         8k    8,000 atoms   (replicate 2 2 1)
#         16k   16,000 atoms  (replicate 2 2 2)
#         32k   32,000 atoms  (replicate 4 2 2)
#         128k  128,000 atoms (replicate 4 4 4)
#         default: 2k 4k 8k 16k. Sizes may also be given as one quoted list ("2k 4k").
#
# Environment (all optional):
#   SHARED     the project's shared folder            (default: <repo>/../shared)
#   MGSCOPE    mgscope binary; when unset the script builds it (Release, tests off) in BUILD_DIR
#   BUILD_DIR  build folder for that                   (default: /tmp/mgscope_bench_build)
#   LMP        LAMMPS binary                           (default: lmp)
#   DATA_DIR   minimised replicas (made if missing)    (default: /tmp/mgref/modes)
#   WORK       scratch + results folder                (default: a new /tmp/mgscope_modes.XXXXXX)
#   THREADS    thread counts to run                    (default: "1 2")
#   TIMEOUT    wall-time limit per run, seconds        (default: 900)
#   MAX_RSS_GB the watchdog kills a run whose resident memory passes this (default: 12)
#   FRACTION   soft_spots "fraction" of the 3N modes   (default: 0.01)
#   MODES      soft_spots "modes": a fixed number of modes instead of FRACTION (default: unset)
#   HARMONIC_MSD  true adds the harmonic MSD (3N sparse solves beyond 5000 atoms; default: false)
#   SOLVER     soft_spots "solver": lanczos (filtered block Lanczos on the factored Hessian) or
#              shift_invert (dense factor up to 8000 atoms, sparse LDLT beyond) (default: lanczos;
#              auto is the same above 500 atoms)
#   POTENTIAL_ONLY  1 also times the potential analyzer alone on each size (read + neighbor
#              list + EAM energies/forces: the part of soft_spots that is not the Hessian/modes)
#
# Each run is `timeout TIMEOUT /usr/bin/time -v mgscope run -t T RUN`; a watchdog samples the
# resident memory and CPU time of mgscope every second (WORK/<size>/rss_ANALYZER_tT.tsv: seconds,
# MiB, CPU s so far) and stops the run past MAX_RSS_GB. A run stopped by either limit is reported
# as such, with its elapsed time, the CPU time and the largest RSS seen.
#
# Output: a Markdown table on stdout (also WORK/results.md), one CSV row per run in
# WORK/runs.csv, run files, logs, time -v reports and json summaries in WORK/<size>/.
# Exit status 0 when every run finished, 4 when some run was stopped by a limit, 1 on an error.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$HERE/.." && pwd)
SHARED=${SHARED:-$REPO/../shared}
LMP=${LMP:-lmp}
DATA_DIR=${DATA_DIR:-/tmp/mgref/modes}
THREADS=${THREADS:-1 2}
TIMEOUT=${TIMEOUT:-900}
MAX_RSS_GB=${MAX_RSS_GB:-12}
FRACTION=${FRACTION:-0.01}
HARMONIC_MSD=${HARMONIC_MSD:-false}
SOLVER=${SOLVER:-lanczos}
MODES=${MODES:-}
POTENTIAL_ONLY=${POTENTIAL_ONLY:-0}
BUILD_DIR=${BUILD_DIR:-/tmp/mgscope_bench_build}
EAM=${EAM:-/usr/share/lammps/potentials/CuZr_mm.eam.fs}
TIME=/usr/bin/time

die() { echo "modes_scaling: error: $*" >&2; exit 1; }
say() { echo "modes_scaling: $*" >&2; }
usage() { sed -n '2,/^set -euo/p' "${BASH_SOURCE[0]}" | sed '$d; s/^# \{0,1\}//'; }

# ---------------------------------------------------------------- arguments
SIZES=()
while [ $# -gt 0 ]; do
  case "$1" in -h|--help) usage; exit 0 ;; esac
  for tok in ${1//,/ }; do
    case "$tok" in
      2k|4k|8k|16k|32k|128k) SIZES+=("$tok") ;;
      *) die "unknown size '$tok' (sizes: 2k 4k 8k 16k 32k 128k)" ;;
    esac
  done
  shift
done
[ ${#SIZES[@]} -gt 0 ] || SIZES=(2k 4k 8k 16k)
case "$HARMONIC_MSD" in true|false) ;; *) die "HARMONIC_MSD must be true or false" ;; esac
case "$SOLVER" in auto|lanczos|shift_invert) ;; *) die "SOLVER must be auto, lanczos or shift_invert" ;; esac
case "$MODES" in ''|[1-9]*) ;; *) die "MODES must be a positive integer" ;; esac

replicate_of() {
  case $1 in 2k) echo "1 1 1" ;; 4k) echo "2 1 1" ;; 8k) echo "2 2 1" ;; 16k) echo "2 2 2" ;; 32k) echo "4 2 2" ;; 128k) echo "4 4 4" ;; esac
}

# ---------------------------------------------------------------- tools
[ -x "$TIME" ] || die "$TIME not found (Debian package 'time')"
command -v timeout >/dev/null || die "timeout not found (coreutils)"
command -v "$LMP" >/dev/null || die "LAMMPS binary '$LMP' not found (Debian package 'lammps')"
command -v python3 >/dev/null || die "python3 not found (needed for the report)"
[ -f "$SHARED/data/cuzr2k_IS.data" ] || die "shared folder not found at '$SHARED' (set SHARED=...)"
SHARED=$(cd "$SHARED" && pwd)
[ -f "$EAM" ] || die "potential file $EAM not found (Debian package 'lammps-data' or 'lammps')"

if [ -z "${MGSCOPE:-}" ]; then
  command -v cmake >/dev/null || die "cmake not found; install it or set MGSCOPE=/path/to/mgscope"
  say "building mgscope (Release) in $BUILD_DIR"
  gen=(); command -v ninja >/dev/null && gen=(-G Ninja)
  cmake -S "$REPO" -B "$BUILD_DIR" "${gen[@]}" -DCMAKE_BUILD_TYPE=Release -DMGS_BUILD_TESTS=OFF \
    > "$BUILD_DIR.configure.log" 2>&1 || die "cmake configure failed, see $BUILD_DIR.configure.log"
  cmake --build "$BUILD_DIR" --target mgscope > "$BUILD_DIR.build.log" 2>&1 \
    || die "build failed, see $BUILD_DIR.build.log"
  MGSCOPE=$BUILD_DIR/mgscope
fi
[ -x "$MGSCOPE" ] || die "mgscope binary '$MGSCOPE' is not executable"

if [ -z "${WORK:-}" ]; then WORK=$(mktemp -d /tmp/mgscope_modes.XXXXXX); fi
mkdir -p "$WORK" "$DATA_DIR"
WORK=$(cd "$WORK" && pwd)
RUNS=$WORK/runs.csv
echo "size,atoms,analyzer,threads,status,wall_s,peak_rss_kb,cpu_s,modes,lowest_THz,products,degree" > "$RUNS"

# ---------------------------------------------------------------- inputs
# The replicas of the inherent structure, CG-minimised with the same potential (a periodic
# replica of a minimum is a minimum, so this takes a handful of steps; done to be safe), written
# with 17 significant digits so mgscope's force check sees the LAMMPS minimum.
LMP_IN=$DATA_DIR/replicate_minimize.in
cat > "$LMP_IN" <<EOF
# replicate + CG minimisation of the shared 2000-atom inherent structure (modes_scaling.sh)
# Usage: lmp -in replicate_minimize.in -var nx 2 -var ny 2 -var nz 2 -var out rep.dump
variable nx  index 1
variable ny  index 1
variable nz  index 1
variable out index rep.dump
units           metal
boundary        p p p
atom_style      atomic
atom_modify     map array
read_data       $SHARED/data/cuzr2k_IS.data
replicate       \${nx} \${ny} \${nz}
pair_style      eam/fs
pair_coeff      * * $EAM Cu Zr
thermo          100
min_style       cg
minimize        0 1e-10 10000 100000
write_dump      all custom \${out} id type x y z modify sort id format float %.17g
EOF

input_of() { local r; r=$(replicate_of "$1"); echo "$DATA_DIR/cuzr2k_IS_rep${r// /}.dump"; }

for size in "${SIZES[@]}"; do
  f=$(input_of "$size")
  if [ ! -s "$f" ] || ! cmp -s "$LMP_IN" "$f.in"; then   # missing, or made by another input
    read -r nx ny nz <<< "$(replicate_of "$size")"
    say "$size: making $f (LAMMPS replicate $nx $ny $nz + CG minimisation)"
    "$LMP" -in "$LMP_IN" -var nx "$nx" -var ny "$ny" -var nz "$nz" -var out "$f.tmp" \
      -log "$f.log" -screen none || die "LAMMPS failed, see $f.log"
    mv "$f.tmp" "$f"
    cp "$LMP_IN" "$f.in"
    say "  $(grep -m1 'Force two-norm' "$f.log" | sed 's/^ *//')"
  fi
done

# ---------------------------------------------------------------- runs
# PID and its descendants, one a line, parents first.
tree_pids() {
  local pids=$1 kids
  while [ -n "$pids" ]; do
    printf '%s\n' $pids
    kids=$(for p in $pids; do cat "/proc/$p/task/$p/children" 2>/dev/null || true; done)
    pids=$(echo $kids)
  done
}

# Largest resident set of PID and its descendants right now, in KiB.
rss_tree() {
  { for p in $(tree_pids "$1"); do awk '/^VmRSS:/ {print $2}' "/proc/$p/status" 2>/dev/null || true; done; echo 0; } \
    | sort -n | tail -n 1
}

# CPU seconds (user + system) used so far by PID and its descendants.
cpu_tree() {
  for p in $(tree_pids "$1"); do sed 's/^.*) //' "/proc/$p/stat" 2>/dev/null || true; done \
    | awk -v hz="$(getconf CLK_TCK)" '{t += $12 + $13} END {printf "%.1f", t / hz}'
}

run_one() {  # size n analyzer threads input dir
  local size=$1 n=$2 an=$3 t=$4 in=$5 dir=$6
  local tag=${an}_t$t
  local rf=$dir/$tag.json js=$dir/$tag.summary.json tf=$dir/$tag.time log=$dir/$tag.log rs=$dir/rss_$tag.tsv
  local analyzer count="\"fraction\": $FRACTION"
  [ -z "$MODES" ] || count="\"modes\": $MODES"
  if [ "$an" = soft_spots ]; then
    analyzer="{\"type\": \"soft_spots\", \"style\": \"eam/fs\", \"file\": \"$EAM\", \"elements\": [\"Cu\", \"Zr\"],
       $count, \"harmonic_msd\": $HARMONIC_MSD, \"solver\": \"$SOLVER\"}"
  else
    analyzer="{\"type\": \"potential\", \"style\": \"eam/fs\", \"file\": \"$EAM\", \"elements\": [\"Cu\", \"Zr\"]}"
  fi
  cat > "$rf" <<EOF
{
  "description": "modes_scaling.sh: $an on $size ($n atoms), $t thread(s)",
  "input": {"path": "$in",
            "types": {"1": {"element": "Cu", "mass": 63.546}, "2": {"element": "Zr", "mass": 91.224}}},
  "analyzers": [$analyzer],
  "outputs": [{"format": "json", "path": "$js"}]
}
EOF
  rm -f "$js" "$tf"
  local start=$SECONDS
  # mgscope traps SIGTERM/SIGINT and stops only between frames, so the limit sends SIGKILL.
  "$TIME" -v -o "$tf" timeout --signal=KILL "$TIMEOUT" "$MGSCOPE" run -t "$t" "$rf" > "$log" 2>&1 &
  local pid=$! max=0 cur cpu_seen="" status=ok limit=$((MAX_RSS_GB * 1024 * 1024))
  : > "$rs"
  while kill -0 "$pid" 2>/dev/null; do
    cur=$(rss_tree "$pid"); cur=${cur:-0}
    cpu_seen=$(cpu_tree "$pid")
    if [ "$cur" -gt "$max" ]; then max=$cur; fi
    echo "$((SECONDS - start)) $((cur / 1024)) $cpu_seen" >> "$rs"
    if [ "$cur" -gt "$limit" ]; then
      say "  $size $an $t thread(s): resident memory $((cur / 1024)) MiB > ${MAX_RSS_GB} GiB, stopping it"
      status=memory_limit
      kill -KILL $(tree_pids "$pid" | tail -n +2) 2>/dev/null || true   # timeout and mgscope
      break
    fi
    sleep 1
  done
  local rc=0
  wait "$pid" || rc=$?
  local wall=$((SECONDS - start)) rss=$max cpu=$cpu_seen modes="" low="" products="" degree=""
  if [ "$status" = ok ] && { [ $rc = 124 ] || [ $rc = 137 ]; }; then status=timeout; fi
  if [ "$status" = ok ] && [ $rc != 0 ]; then status="failed_rc$rc"; fi
  # a run killed by a limit keeps the watchdog's figures (time -v around timeout does not see them)
  if [ "$status" = ok ] && [ -s "$tf" ]; then
    wall=$(awk -F': ' '/Elapsed \(wall clock\)/ {n = split($2, a, ":"); s = 0; for (i = 1; i <= n; i++) s = s * 60 + a[i]; print s}' "$tf")
    rss=$(awk -F': ' -v w="$max" '/Maximum resident set size/ {print ($2 > w ? $2 : w)}' "$tf")
    cpu=$(awk -F': ' '/User time/ {u = $2} /System time/ {s = $2} END {printf "%.1f", u + s}' "$tf")
  fi
  if [ "$status" = ok ] && [ "$an" = soft_spots ] && [ -s "$js" ]; then
    read -r modes low products degree < <(python3 - "$js" <<'EOF'
import json, sys
d = json.load(open(sys.argv[1]))
def find(o):
    if isinstance(o, dict):
        if "modes_used" in o: return o
        for v in o.values():
            r = find(v)
            if r: return r
    if isinstance(o, list):
        for v in o:
            r = find(v)
            if r: return r
ss = find(d) or {}
low = ss.get("lowest_frequency_THz")
lz = ss.get("lanczos", {})
print(ss.get("modes_used", "-"), f"{low:.4f}" if low is not None else "-",
      lz.get("operator_products", "-"), lz.get("filter_degree", "-"))
EOF
)
  fi
  [ "$status" = ok ] || { say "  $size $an $t thread(s): $status after ${wall} s, largest RSS seen $((rss / 1024)) MiB"; tail -n 5 "$log" >&2; }
  echo "$size,$n,$an,$t,$status,$wall,$rss,$cpu,$modes,$low,$products,$degree" >> "$RUNS"
  [ "$status" != ok ] || say "  $size $an $t thread(s): ${wall} s (CPU ${cpu} s), $((rss / 1024)) MiB, $modes modes"
  [ "$status" = ok ]
}

say "mgscope: $MGSCOPE; sizes: ${SIZES[*]}; threads: $THREADS; limits: ${TIMEOUT} s, ${MAX_RSS_GB} GiB"
say "work folder: $WORK"
LOAD_START=$(cut -d' ' -f1-3 /proc/loadavg)
stopped=0
for size in "${SIZES[@]}"; do
  in=$(input_of "$size")
  n=$(sed -n 4p "$in")
  dir=$WORK/$size
  mkdir -p "$dir"
  cat "$in" > /dev/null   # warm page cache
  if [ "$POTENTIAL_ONLY" = 1 ]; then run_one "$size" "$n" potential 1 "$in" "$dir" || stopped=1; fi
  for t in $THREADS; do
    run_one "$size" "$n" soft_spots "$t" "$in" "$dir" || stopped=1
  done
done
LOAD_END=$(cut -d' ' -f1-3 /proc/loadavg)

# ---------------------------------------------------------------- report
git_rev=$(git -C "$REPO" rev-parse --short HEAD 2>/dev/null || echo unknown)
python3 - "$RUNS" "$git_rev" "$LOAD_START" "$LOAD_END" "$(getconf _NPROCESSORS_ONLN)" "$TIMEOUT" "$MAX_RSS_GB" \
  > "$WORK/results.md" <<'EOF'
import csv, math, sys
runs, rev, load0, load1, ncpu, tmax, gmax = sys.argv[1:8]
rows = list(csv.DictReader(open(runs)))
p = print
p("| size | atoms | analyzer | threads | status | wall s | CPU s | peak RSS MiB | bytes/atom | modes | lowest THz | D products | filter degree |")
p("|---|---:|---|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|")
for r in rows:
    n, rss = int(r["atoms"]), int(r["peak_rss_kb"] or 0)
    st = r["status"] if r["status"] == "ok" else f"**{r['status']}**"
    wall = r["wall_s"] if r["status"] == "ok" else f">{r['wall_s']}"
    rs = f"{rss / 1024:.0f}" if r["status"] == "ok" else f">={rss / 1024:.0f}"
    cpu = r["cpu_s"] if r["status"] == "ok" else f">{r['cpu_s']}"
    p(f"| {r['size']} | {n:,} | {r['analyzer']} | {r['threads']} | {st} | {wall} | {cpu} | {rs} | "
      f"{rss * 1024 / n:.0f} | {r['modes']} | {r['lowest_THz']} | {r['products']} | {r['degree']} |")
p("")
ok = [r for r in rows if r["analyzer"] == "soft_spots" and r["status"] == "ok"]
for t in sorted({r["threads"] for r in ok}):
    pts = sorted((int(r["atoms"]), float(r["wall_s"]), float(r["cpu_s"]), int(r["peak_rss_kb"]))
                 for r in ok if r["threads"] == t)
    for (n0, w0, c0, m0), (n1, w1, c1, m1) in zip(pts, pts[1:]):
        e = lambda a, b: f"{math.log(b / a) / math.log(n1 / n0):.2f}" if a > 0 and b > 0 else "-"
        p(f"- {t} thread(s), {n0:,} -> {n1:,} atoms: wall x{w1 / w0:.1f} (N^{e(w0, w1)}), "
          f"CPU x{c1 / c0:.1f} (N^{e(c0, c1)}), peak RSS x{m1 / m0:.1f} (N^{e(m0, m1)})")
p(f"\nmgscope {rev}; {ncpu} cores; limits {tmax} s and {gmax} GiB per run; "
  f"load average (1/5/15 min) {load0} at start, {load1} at end.")
for r in rows:
    if r["analyzer"] == "soft_spots" and r["atoms"] == "16000" and r["status"] == "ok":
        w, m = float(r["wall_s"]), int(r["peak_rss_kb"]) / 1024 ** 2
        p(f"Target (16,000 atoms, {r['threads']} thread(s)): < 300 s and < 8 GB: "
          f"{'met' if w < 300 and m < 8 else 'NOT met'} ({w:.0f} s, {m:.1f} GiB)")
EOF
cat "$WORK/results.md"
say "results: $WORK/results.md; single runs: $RUNS"
[ $stopped = 0 ] || exit 4
