#!/usr/bin/env bash
# d2min_vs_numpy.sh -- read two frames + D2min + local strain + write: wall time and peak RSS of
# mgscope (1 and 2 threads) against a vectorised NumPy/SciPy implementation of the same
# definition (benchmarks/d2min_numpy.py), in the same run, and a check that both give the same
# per-atom D2min.
#
# Usage: benchmarks/d2min_vs_numpy.sh [-r REPS] [SIZE ...] [REPS]
#   SIZE  16k   16,000-atom replica of the shared 2000-atom inherent structure (2x2x2)
#         128k  128,000-atom replica (4x4x4)
#         1m    1,024,000-atom replica (8x8x8)
#         default: 16k 128k 1m. Sizes may also be given as one quoted list ("16k 128k").
#   REPS  repetitions per configuration (default 2; the best, i.e. the minimum, is reported with
#         the range beside it). A bare integer argument is taken as REPS.
#
# The pair: the replica is the reference (orthogonal); make_d2min_pair.py writes the current frame
# (simple shear GAMMA as a triclinic box, xy = GAMMA*Ly, plus Gaussian nonaffine displacements
# SIGMA per component, seed SEED, wrapped). Both tools read the same two files: mgscope runs on
# the current frame with "reference": {"path": <replica>, "frame": 0}.
#
# Environment (all optional):
#   SHARED     the project's shared folder            (default: <repo>/../shared)
#   MGSCOPE    mgscope binary; when unset the script builds it (Release, tests off) in BUILD_DIR
#   BUILD_DIR  build folder for that                   (default: /tmp/mgscope_bench_build)
#   PYTHON     Python with numpy and scipy              (default: /usr/bin/python3)
#   BIG_DIR    replicated frames (made if missing)     (default: /tmp/mgref/big)
#   WORK       scratch + results folder                (default: a new /tmp/mgscope_bench.XXXXXX)
#   CORES      mgscope thread counts to run            (default: "1 2")
#   CUTOFF     D2min neighbor cutoff, Å                (default: 5.0)
#   GAMMA SIGMA SEED  the pair (defaults: 0.01, 0.05 Å, 12345)
#   TOL        max relative D2min difference accepted  (default: 1e-8)
#   KEEP_DUMPS 1 keeps the current frames and outputs in WORK (default: deleted)
#   ATOM_ARRAYS 1 makes mgscope's npy output also write id, type and position arrays (default 0:
#              like the baseline, only the per-atom results, in increasing id order)
#   OUTPUT     mgscope's per-atom output: npy (default; .npy files, the baseline's own format)
#              or dump (a LAMMPS text dump, which costs mgscope ~1 s of formatting at 1M atoms)
#
# Output: a Markdown table on stdout (also WORK/results.md), every single run in WORK/runs.csv,
# run files and logs in WORK/<size>/. Exit status 0 when all runs succeeded and the tools agree,
# 3 when the D2min check failed, 1 on any other error.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$HERE/.." && pwd)
SHARED=${SHARED:-$REPO/../shared}
PYTHON=${PYTHON:-/usr/bin/python3}
BIG_DIR=${BIG_DIR:-/tmp/mgref/big}
CORES=${CORES:-1 2}
CUTOFF=${CUTOFF:-5.0}
GAMMA=${GAMMA:-0.01}
SIGMA=${SIGMA:-0.05}
SEED=${SEED:-12345}
TOL=${TOL:-1e-8}
KEEP_DUMPS=${KEEP_DUMPS:-0}
OUTPUT=${OUTPUT:-npy}
ATOM_ARRAYS=${ATOM_ARRAYS:-0}
case "$ATOM_ARRAYS" in 0|1) ;; *) echo "d2min_vs_numpy: error: ATOM_ARRAYS must be 0 or 1, got '$ATOM_ARRAYS'" >&2; exit 1 ;; esac
case "$OUTPUT" in npy|dump) ;; *) echo "d2min_vs_numpy: error: OUTPUT must be npy or dump, got '$OUTPUT'" >&2; exit 1 ;; esac
BUILD_DIR=${BUILD_DIR:-/tmp/mgscope_bench_build}
TIME=/usr/bin/time

die() { echo "d2min_vs_numpy: error: $*" >&2; exit 1; }
say() { echo "d2min_vs_numpy: $*" >&2; }

usage() { sed -n '2,/^set -euo/p' "${BASH_SOURCE[0]}" | sed '$d; s/^# \{0,1\}//'; }

# ---------------------------------------------------------------- arguments
REPS=${REPS:-2}
SIZES=()
while [ $# -gt 0 ]; do
  case "$1" in
    -h|--help) usage; exit 0 ;;
    -r|--reps) [ $# -ge 2 ] || die "$1 needs a number"; REPS=$2; shift 2; continue ;;
  esac
  for tok in ${1//,/ }; do
    case "$tok" in
      16k|128k|1m) SIZES+=("$tok") ;;
      1M) SIZES+=("1m") ;;
      *[!0-9]*|'') die "unknown size '$tok' (sizes: 16k 128k 1m; a bare integer is REPS)" ;;
      *) REPS=$tok ;;
    esac
  done
  shift
done
[ ${#SIZES[@]} -gt 0 ] || SIZES=(16k 128k 1m)
case "$REPS" in ''|*[!0-9]*|0) die "REPS must be a positive integer, got '$REPS'" ;; esac

# ---------------------------------------------------------------- tools
[ -x "$TIME" ] || die "$TIME not found (Debian package 'time')"
"$PYTHON" -c 'import numpy, scipy.spatial' 2>/dev/null \
  || die "$PYTHON cannot import numpy and scipy (set PYTHON=...)"
[ -d "$SHARED/lammps" ] || die "shared folder not found at '$SHARED' (set SHARED=...)"
SHARED=$(cd "$SHARED" && pwd)

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

if [ -z "${WORK:-}" ]; then WORK=$(mktemp -d /tmp/mgscope_bench.XXXXXX); fi
mkdir -p "$WORK"
WORK=$(cd "$WORK" && pwd)
RUNS=$WORK/runs.csv
echo "size,atoms,tool,cores,rep,wall_s,peak_rss_kb,cpu_s,numpy_compute_s,numpy_read_s" > "$RUNS"
CHECKS=$WORK/checks.txt
: > "$CHECKS"

# ---------------------------------------------------------------- input frames
ref_of() {
  case $1 in
    16k) echo "$BIG_DIR/cuzr2k_IS_rep2.dump" ;;
    128k) echo "$BIG_DIR/cuzr2k_IS_rep4.dump" ;;
    1m) echo "$BIG_DIR/cuzr2k_IS_rep8.dump" ;;
  esac
}
need_big=0
for s in "${SIZES[@]}"; do [ -s "$(ref_of "$s")" ] || need_big=1; done
if [ $need_big = 1 ]; then
  say "making the replicated frames in $BIG_DIR (make_big.sh)"
  IN=$SHARED/data OUT=$BIG_DIR bash "$SHARED/lammps/make_big.sh" >&2 || die "make_big.sh failed"
fi

# ---------------------------------------------------------------- runs
read_time() {  # time file -> "wall rss cpu"
  local wall rss usr sys
  read -r wall rss usr sys < <(tail -n 1 "$1")
  echo "$wall $rss $(awk -v a="$usr" -v b="$sys" 'BEGIN {printf "%.2f", a + b}')"
}

run_mgscope() {  # size n c rep ref cur dir
  local size=$1 n=$2 c=$3 rep=$4 ref=$5 cur=$6 dir=$7
  local rf=$dir/mgscope_t$c.json out=$dir/mgscope_t$c.$OUTPUT tf=$dir/time.mgscope_t$c
  local format=lammps_dump arrays=""
  [ "$OUTPUT" = npy ] && format=npy
  [ "$OUTPUT" = npy ] && [ "$ATOM_ARRAYS" = 0 ] && arrays='"atom_arrays": false, '
  cat > "$rf" <<EOF
{
  "description": "d2min_vs_numpy.sh: read two frames + D2min and strain + per-atom dump ($size, $c thread(s))",
  "input": {"path": "$cur"},
  "analyzers": [{"type": "d2min", "cutoff": $CUTOFF, "reference": {"path": "$ref", "frame": 0}}],
  "outputs": [{"format": "json", "path": "$dir/mgscope_t$c.summary.json"},
              {"format": "$format", "path": "$out", $arrays
               "fields": ["d2min_value", "d2min_shear_strain", "d2min_volumetric_strain"]}]
}
EOF
  rm -rf "$out"
  if ! "$TIME" -f "%e %M %U %S" -o "$tf" "$MGSCOPE" run -q -t "$c" "$rf" \
         > "$dir/mgscope_t$c.log" 2>&1; then
    cat "$dir/mgscope_t$c.log" >&2
    die "mgscope failed ($size, $c threads); run file $rf, log $dir/mgscope_t$c.log"
  fi
  [ -s "$out" ] || die "mgscope wrote no $out"
  local wall rss cpu
  read -r wall rss cpu < <(read_time "$tf")
  echo "$size,$n,mgscope,$c,$rep,$wall,$rss,$cpu,," >> "$RUNS"
  say "  $size mgscope $c thread(s) rep $rep: ${wall} s (CPU ${cpu} s), $((rss / 1024)) MiB"
}

run_numpy() {  # size n rep ref cur dir
  local size=$1 n=$2 rep=$3 ref=$4 cur=$5 dir=$6
  local tf=$dir/time.numpy tj=$dir/numpy_timings.json
  rm -f "$dir/numpy_d2min.npy" "$dir/numpy_strain.npy" "$tj"
  # numpy's BLAS/LAPACK thread pools stay at one thread: the batched 3x3 solves do not use them
  # anyway, and the baseline is single-threaded Python (compared with mgscope on 2 cores).
  if ! OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 MKL_NUM_THREADS=1 \
       "$TIME" -f "%e %M %U %S" -o "$tf" "$PYTHON" "$HERE/d2min_numpy.py" "$ref" "$cur" \
         "$dir/numpy_d2min.npy" --strain-out "$dir/numpy_strain.npy" --cutoff "$CUTOFF" \
         --timings "$tj" > "$dir/numpy.log" 2>&1; then
    cat "$dir/numpy.log" >&2
    die "d2min_numpy.py failed ($size); log $dir/numpy.log"
  fi
  local wall rss cpu comp rd
  read -r wall rss cpu < <(read_time "$tf")
  read -r comp rd < <("$PYTHON" -c 'import json,sys; t=json.load(open(sys.argv[1])); print("%.2f %.2f" % (t["compute"], t["read"]))' "$tj")
  echo "$size,$n,numpy,1,$rep,$wall,$rss,$cpu,$comp,$rd" >> "$RUNS"
  say "  $size NumPy rep $rep: ${wall} s (CPU ${cpu} s; its own timers: read ${rd} s, compute ${comp} s), $((rss / 1024)) MiB"
}

say "mgscope: $MGSCOPE ($("$MGSCOPE" --version 2>/dev/null || echo '?'))"
say "python: $PYTHON (numpy $("$PYTHON" -c 'import numpy; print(numpy.__version__)'), scipy $("$PYTHON" -c 'import scipy; print(scipy.__version__)'))"
say "sizes: ${SIZES[*]}; repetitions: $REPS; mgscope threads: $CORES; cutoff $CUTOFF Å"
say "work folder: $WORK"
LOAD_START=$(cut -d' ' -f1-3 /proc/loadavg)
check_failed=0

for size in "${SIZES[@]}"; do
  ref=$(ref_of "$size")
  [ -s "$ref" ] || die "input $ref missing"
  n=$(sed -n 4p "$ref")
  dir=$WORK/$size
  mkdir -p "$dir"
  cur=$dir/current.dump
  "$PYTHON" "$HERE/make_d2min_pair.py" "$ref" "$cur" --gamma "$GAMMA" --sigma "$SIGMA" \
    --seed "$SEED" 2>&1 | sed 's/^/d2min_vs_numpy:   /' >&2
  [ -s "$cur" ] || die "make_d2min_pair.py wrote no $cur"
  say "$size: $n atoms; reference $ref, current $cur"
  cat "$ref" "$cur" > /dev/null   # same warm page cache for both tools
  for rep in $(seq 1 "$REPS"); do
    # alternate which tool goes first, so slow drift of the machine load hits both alike
    if [ $((rep % 2)) = 1 ]; then
      for c in $CORES; do run_mgscope "$size" "$n" "$c" "$rep" "$ref" "$cur" "$dir"; done
      run_numpy "$size" "$n" "$rep" "$ref" "$cur" "$dir"
    else
      run_numpy "$size" "$n" "$rep" "$ref" "$cur" "$dir"
      for c in $CORES; do run_mgscope "$size" "$n" "$c" "$rep" "$ref" "$cur" "$dir"; done
    fi
  done
  # correctness: per-atom D2min (and strain) of every mgscope output against NumPy
  for c in $CORES; do
    if ! "$PYTHON" "$HERE/compare_d2min.py" --tol "$TOL" --strain "$dir/numpy_strain.npy" \
          --label "$size: mgscope $c thread(s) vs NumPy" \
          "$dir/mgscope_t$c.$OUTPUT" "$dir/numpy_d2min.npy" | tee -a "$CHECKS" >&2; then
      check_failed=1
    fi
  done
  if [ "$KEEP_DUMPS" != 1 ]; then rm -rf "$dir"/*.dump "$dir"/*.npy; fi
done
LOAD_END=$(cut -d' ' -f1-3 /proc/loadavg)

# ---------------------------------------------------------------- report
git_rev=$(git -C "$REPO" rev-parse --short HEAD 2>/dev/null || echo unknown)
if [ -n "$(git -C "$REPO" status --porcelain 2>/dev/null | grep -v '^??' || true)" ]; then
  git_rev="$git_rev (+ uncommitted changes)"
fi
"$PYTHON" - "$RUNS" "$CHECKS" "$REPS" "$git_rev" "$LOAD_START" "$LOAD_END" \
  "$(getconf _NPROCESSORS_ONLN)" "$CUTOFF" "$GAMMA" "$SIGMA" "$OUTPUT$([ "$ATOM_ARRAYS" = 1 ] && echo +atoms)" \
  "${SIZES[@]}" \
  > "$WORK/results.md" <<'EOF'
import csv, sys
runs, checks, reps, rev, load0, load1, ncpu, cutoff, gamma, sigma, output = sys.argv[1:12]
order = sys.argv[12:]
written = {"npy": "three .npy files of per-atom fields (in id order, no id/type/position arrays)",
           "npy+atoms": "three .npy files of per-atom fields plus id, type and position arrays",
           }.get(output, "a per-atom text dump of 3 fields")
rows = list(csv.DictReader(open(runs)))
best = {}
for key in {(r["size"], r["tool"], int(r["cores"])) for r in rows}:
    sel = [r for r in rows if (r["size"], r["tool"], int(r["cores"])) == key]
    b = min(sel, key=lambda r: float(r["wall_s"]))
    walls = [float(r["wall_s"]) for r in sel]
    best[key] = dict(atoms=int(sel[0]["atoms"]), wall=float(b["wall_s"]), wmin=min(walls),
                     wmax=max(walls), rss=int(b["peak_rss_kb"]), cpu=float(b["cpu_s"]),
                     comp=b["numpy_compute_s"], read=b["numpy_read_s"])
def cell(m):
    return f"{m['wall']:.2f} ({m['wmin']:.2f}–{m['wmax']:.2f})"
out = []
p = out.append
p("| size | atoms | mgscope 1t wall s | mgscope 2t wall s | NumPy wall s | NumPy compute-only s "
  "| NumPy / mgscope 2t | NumPy / mgscope 1t | parallel efficiency t1/(2·t2) "
  "| CPU s mgscope 1t / 2t / NumPy | peak RSS MiB mgscope 1t / 2t / NumPy | bytes/atom mgscope 2t |")
p("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
for size in order:
    m1, m2, np_ = (best.get((size, "mgscope", 1)), best.get((size, "mgscope", 2)),
                   best.get((size, "numpy", 1)))
    ref = m1 or m2 or np_
    if ref is None:
        continue
    f = lambda m: cell(m) if m else ""
    s2 = f"{np_['wall'] / m2['wall']:.1f}x" if np_ and m2 else ""
    s1 = f"{np_['wall'] / m1['wall']:.1f}x" if np_ and m1 else ""
    eff = f"{100 * m1['wall'] / (2 * m2['wall']):.0f} %" if m1 and m2 else ""
    cpu = " / ".join(f"{m['cpu']:.2f}" if m else "–" for m in (m1, m2, np_))
    rss = " / ".join(f"{m['rss'] / 1024:.0f}" if m else "–" for m in (m1, m2, np_))
    bpa = f"{m2['rss'] * 1024 / m2['atoms']:.0f}" if m2 else ""
    comp = f"{float(np_['comp']):.2f} (read {float(np_['read']):.2f})" if np_ else ""
    p(f"| {size} | {ref['atoms']:,} | {f(m1)} | {f(m2)} | {f(np_)} | {comp} | {s2} | {s1} | {eff} "
      f"| {cpu} | {rss} | {bpa} |")
p("")
p(f"Best (minimum) wall time of {reps} repetition(s), range in brackets; mgscope and NumPy runs "
  "alternated. Wall time (GNU time %e) is the whole command for both: start-up, reading both "
  f"dump files, neighbors, D²min + strain, writing (mgscope: json summary + {written}; "
  "NumPy: two .npy files). NumPy compute-only: its own timer without reading and "
  "writing. CPU s: user + system. Peak RSS: GNU time %M. Efficiency = t(1 thread) / (2 · "
  "t(2 threads)).")
p(f"Pair: replica as reference, simple shear γ = {gamma} (triclinic xy) + Gaussian nonaffine "
  f"σ = {sigma} Å; D²min cutoff {cutoff} Å, neighbors from the reference.")
p(f"mgscope {rev}; {ncpu} cores; load average (1/5/15 min) {load0} at start, {load1} at end.")
p("")
p("Targets:")
verdict = lambda ok: "met" if ok else "NOT met"
for size in order:
    m1, m2, np_ = (best.get((size, "mgscope", 1)), best.get((size, "mgscope", 2)),
                   best.get((size, "numpy", 1)))
    if m2 and np_:
        r = np_["wall"] / m2["wall"]
        p(f"- {size}: mgscope on 2 threads {r:.1f}x faster than NumPy (target >= 30x): {verdict(r >= 30)}")
    if m1 and m2:
        e = m1["wall"] / (2 * m2["wall"])
        p(f"- {size}: parallel efficiency {100 * e:.0f} % (target >= 90 %): {verdict(e >= 0.9)}")
p("")
p("Agreement (per-atom D²min, relative to NumPy; strain absolute; matched by id):")
for line in open(checks):
    p(f"- {line.strip()}")
print("\n".join(out))
EOF
cat "$WORK/results.md"
say "results: $WORK/results.md; single runs: $RUNS"
if [ $check_failed = 1 ]; then
  say "the D2min check FAILED (see 'Agreement' above)"
  exit 3
fi
