#!/usr/bin/env bash
# voronoi_vs_lammps.sh -- read + Voronoi + write: wall time and peak RSS of mgscope (1 and 2
# threads) against LAMMPS (rerun + compute voronoi/atom + per-atom dump, 1 and 2 MPI ranks), in
# the same run, and a check that both give the same per-atom volumes.
#
# Usage: benchmarks/voronoi_vs_lammps.sh [-r REPS] [SIZE ...] [REPS]
#   SIZE  16k   16,000-atom replica of the shared 2000-atom inherent structure (2x2x2)
#         108k  OVITO's 108,000-atom Cu64Zr36 glass (shared/data/external, gz, no id column)
#         128k  128,000-atom replica (4x4x4)
#         1m    1,024,000-atom replica (8x8x8)
#         default: 16k 108k 128k 1m. Sizes may also be given as one quoted list ("16k 108k").
#   REPS  repetitions per configuration (default 3; the median is reported). A bare integer
#         argument is taken as REPS.
#
# Environment (all optional):
#   SHARED     the project's shared folder            (default: <repo>/../shared)
#   MGSCOPE    mgscope binary; when unset the script builds it (Release, tests off) in BUILD_DIR
#   BUILD_DIR  build folder for that                   (default: /tmp/mgscope_bench_build)
#   LMP        LAMMPS binary                           (default: lmp)
#   MPIRUN     MPI launcher                            (default: mpirun)
#   MPIRUN_ARGS  extra launcher flags                  (default: none)
#   BIG_DIR    replicated frames (made if missing)     (default: /tmp/mgref/big)
#   WORK       scratch + results folder                (default: a new /tmp/mgscope_bench.XXXXXX)
#   CORES      thread / rank counts to run             (default: "1 2")
#   MGS_108K_INPUT  gz (default: mgscope reads the shared .dump.gz as is) or plain (mgscope reads
#              the gunzipped copy in /tmp, like LAMMPS does)
#   TOL        max relative volume difference accepted (default: 1e-6; LAMMPS writes %.10g)
#   KEEP_DUMPS 1 keeps the per-atom output dumps of the last repetition in WORK (default: deleted)
#
# Output: a Markdown table on stdout (also WORK/results.md), every single run in WORK/runs.csv,
# logs in WORK/<size>/. Exit status 0 when all runs succeeded and the tools agree, 3 when the
# volume check failed, 1 on any other error.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$HERE/.." && pwd)
SHARED=${SHARED:-$REPO/../shared}
LMP=${LMP:-lmp}
MPIRUN=${MPIRUN:-mpirun}
MPIRUN_ARGS=${MPIRUN_ARGS:-}
BIG_DIR=${BIG_DIR:-/tmp/mgref/big}
CORES=${CORES:-1 2}
MGS_108K_INPUT=${MGS_108K_INPUT:-gz}
TOL=${TOL:-1e-6}
KEEP_DUMPS=${KEEP_DUMPS:-0}
BUILD_DIR=${BUILD_DIR:-/tmp/mgscope_bench_build}
TIME=/usr/bin/time

die() { echo "voronoi_vs_lammps: error: $*" >&2; exit 1; }
say() { echo "voronoi_vs_lammps: $*" >&2; }

usage() { sed -n '2,/^set -euo/p' "${BASH_SOURCE[0]}" | sed '$d; s/^# \{0,1\}//'; }

# ---------------------------------------------------------------- arguments
REPS=${REPS:-3}
SIZES=()
while [ $# -gt 0 ]; do
  case "$1" in
    -h|--help) usage; exit 0 ;;
    -r|--reps) [ $# -ge 2 ] || die "$1 needs a number"; REPS=$2; shift 2; continue ;;
  esac
  for tok in ${1//,/ }; do
    case "$tok" in
      16k|108k|128k|1m) SIZES+=("$tok") ;;
      1M) SIZES+=("1m") ;;
      *[!0-9]*|'') die "unknown size '$tok' (sizes: 16k 108k 128k 1m; a bare integer is REPS)" ;;
      *) REPS=$tok ;;
    esac
  done
  shift
done
[ ${#SIZES[@]} -gt 0 ] || SIZES=(16k 108k 128k 1m)
case "$REPS" in ''|*[!0-9]*|0) die "REPS must be a positive integer, got '$REPS'" ;; esac
case "$MGS_108K_INPUT" in gz|plain) ;; *) die "MGS_108K_INPUT must be gz or plain" ;; esac

# ---------------------------------------------------------------- tools
[ -x "$TIME" ] || die "$TIME not found (Debian package 'time')"
command -v "$LMP" >/dev/null || die "LAMMPS binary '$LMP' not found (Debian package 'lammps')"
command -v python3 >/dev/null || die "python3 not found (needed for the volume check)"
case " $CORES " in *" "[2-9]" "*|*" "[1-9][0-9]" "*)
  command -v "$MPIRUN" >/dev/null || die "MPI launcher '$MPIRUN' not found" ;; esac
[ -d "$SHARED/data" ] || die "shared folder not found at '$SHARED' (set SHARED=...)"
SHARED=$(cd "$SHARED" && pwd)
OVITO_GZ=$SHARED/data/external/ovito_CuZr64_36_108k.dump.gz
[ -f "$SHARED/lammps/09_time_voronoi.in" ] || die "$SHARED/lammps/09_time_voronoi.in not found"

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
echo "size,atoms,tool,cores,rep,wall_s,peak_rss_kb,cpu_s,lammps_loop_s" > "$RUNS"
CHECKS=$WORK/checks.txt
: > "$CHECKS"

# ---------------------------------------------------------------- input frames
need_big=0
for s in "${SIZES[@]}"; do
  case $s in
    16k) [ -s "$BIG_DIR/cuzr2k_IS_rep2.dump" ] || need_big=1 ;;
    128k) [ -s "$BIG_DIR/cuzr2k_IS_rep4.dump" ] || need_big=1 ;;
    1m) [ -s "$BIG_DIR/cuzr2k_IS_rep8.dump" ] || need_big=1 ;;
  esac
done
if [ $need_big = 1 ]; then
  say "making the replicated frames in $BIG_DIR (make_big.sh)"
  IN=$SHARED/data OUT=$BIG_DIR bash "$SHARED/lammps/make_big.sh" >&2 \
    || die "make_big.sh failed"
fi

# OVITO's 108k frame: LAMMPS read_dump needs an id column and a plain file, so write a gunzipped
# copy with ids 1..N in file order (the numbering mgscope gives atoms of a file without ids).
# Stays in /tmp: the file is GPL-3.0 example data and must not enter the repository.
OVITO_IDS=$BIG_DIR/ovito_CuZr64_36_108k_ids.dump
OVITO_PLAIN=$BIG_DIR/ovito_CuZr64_36_108k.dump
prepare_ovito() {
  [ -f "$OVITO_GZ" ] || die "$OVITO_GZ not found"
  mkdir -p "$BIG_DIR"
  if [ ! -s "$OVITO_IDS" ] || [ "$OVITO_GZ" -nt "$OVITO_IDS" ]; then
    say "writing $OVITO_IDS (gunzipped, id column added in file order) for LAMMPS"
    gzip -dc "$OVITO_GZ" | awk '
      left > 0 { print ++n, $0; left--; next }
      /^ITEM: NUMBER OF ATOMS/ { print; getline; natoms = $1 + 0; print; next }
      /^ITEM: ATOMS/ { if ($3 == "id") { print "already has ids" > "/dev/stderr"; exit 1 }
                       sub(/^ITEM: ATOMS /, "ITEM: ATOMS id "); print; n = 0; left = natoms; next }
      { print }' > "$OVITO_IDS.tmp" || die "could not convert $OVITO_GZ"
    mv "$OVITO_IDS.tmp" "$OVITO_IDS"
  fi
  if [ "$MGS_108K_INPUT" = plain ] && { [ ! -s "$OVITO_PLAIN" ] || [ "$OVITO_GZ" -nt "$OVITO_PLAIN" ]; }; then
    gzip -dc "$OVITO_GZ" > "$OVITO_PLAIN.tmp" && mv "$OVITO_PLAIN.tmp" "$OVITO_PLAIN"
  fi
}

# size -> "mgscope input|LAMMPS input"
inputs_of() {
  case $1 in
    16k) echo "$BIG_DIR/cuzr2k_IS_rep2.dump|$BIG_DIR/cuzr2k_IS_rep2.dump" ;;
    128k) echo "$BIG_DIR/cuzr2k_IS_rep4.dump|$BIG_DIR/cuzr2k_IS_rep4.dump" ;;
    1m) echo "$BIG_DIR/cuzr2k_IS_rep8.dump|$BIG_DIR/cuzr2k_IS_rep8.dump" ;;
    108k) if [ "$MGS_108K_INPUT" = gz ]; then echo "$OVITO_GZ|$OVITO_IDS"
          else echo "$OVITO_PLAIN|$OVITO_IDS"; fi ;;
  esac
}

# ---------------------------------------------------------------- LAMMPS input
# 09_time_voronoi.in with one change: the dump also writes x y z, so both tools write the same
# columns (mgscope's lammps_dump always writes id type x y z).
LMP_IN=$WORK/voronoi_rerun.in
cat > "$LMP_IN" <<'EOF'
# read_dump bootstrap + rerun with compute voronoi/atom and a per-atom dump
# (shared/lammps/09_time_voronoi.in, plus x y z in the dump to match mgscope's columns)
# Usage: [mpirun -np 2] lmp -in voronoi_rerun.in -var f <dump> -var o <out dump>
variable f    index in.dump
variable o    index voro_out.dump
variable gcut index 8.0
units           metal
boundary        p p p
atom_style      atomic
atom_modify     map array sort 0 0.0
region          r block 0 10 0 10 0 10
create_box      2 r
mass            * 1.0
read_dump       ${f} 0 x y z box yes add keep
comm_modify     cutoff ${gcut}
compute         vor all voronoi/atom
dump            d all custom 1 ${o} id type x y z c_vor[1] c_vor[2]
dump_modify     d format float %.10g
rerun           ${f} dump x y z box yes
EOF

# Per-rank timing wrapper: /usr/bin/time around mpirun reports the largest single process, not
# the sum over ranks, so each rank also records its own peak RSS.
RANK_TIME=$WORK/rank_time.sh
cat > "$RANK_TIME" <<'EOF'
#!/bin/sh
# rank_time.sh PREFIX CMD...: run CMD under /usr/bin/time, writing PREFIX.<rank>
p=$1; shift
exec /usr/bin/time -f "%e %M %U %S" -o "$p.${OMPI_COMM_WORLD_RANK:-${PMI_RANK:-${PMIX_RANK:-0}}}" "$@"
EOF
chmod +x "$RANK_TIME"

# ---------------------------------------------------------------- runs
header_check() {  # the mgscope dump must carry voronoi_volume
  local hdr
  hdr=$(head -n 50 "$1" | grep -m1 '^ITEM: ATOMS' || true)
  case " $hdr " in
    *" voronoi_volume "*) ;;
    *) die "mgscope output $1 has no voronoi_volume column (header: '${hdr:-none}')" ;;
  esac
}

natoms_of() {  # NUMBER OF ATOMS of the first frame (plain or gz)
  if [[ $1 == *.gz ]]; then gzip -dc "$1" | sed -n 4p; else sed -n 4p "$1"; fi
}

run_mgscope() {  # size n c rep input dir
  local size=$1 n=$2 c=$3 rep=$4 in=$5 dir=$6
  local rf=$dir/mgscope_t$c.json out=$dir/mgscope_t$c.dump tf=$dir/time.mgscope_t$c
  cat > "$rf" <<EOF
{
  "description": "voronoi_vs_lammps.sh: read + Voronoi + per-atom dump ($size, $c thread(s))",
  "input": {"path": "$in"},
  "analyzers": [{"type": "voronoi"}],
  "outputs": [{"format": "lammps_dump", "path": "$out",
               "fields": ["voronoi_volume", "voronoi_coordination"]}]
}
EOF
  rm -f "$out"
  if ! "$TIME" -f "%e %M %U %S" -o "$tf" "$MGSCOPE" run -q -t "$c" "$rf" \
         > "$dir/mgscope_t$c.log" 2>&1; then
    cat "$dir/mgscope_t$c.log" >&2
    die "mgscope failed ($size, $c threads); run file $rf, log $dir/mgscope_t$c.log"
  fi
  header_check "$out"
  local wall rss usr sys cpu
  read -r wall rss usr sys < <(tail -n 1 "$tf")
  cpu=$(awk -v a="$usr" -v b="$sys" 'BEGIN {printf "%.2f", a + b}')
  echo "$size,$n,mgscope,$c,$rep,$wall,$rss,$cpu," >> "$RUNS"
  say "  $size mgscope $c thread(s) rep $rep: ${wall} s (CPU ${cpu} s), $((rss / 1024)) MiB"
}

run_lammps() {  # size n c rep input dir
  local size=$1 n=$2 c=$3 rep=$4 in=$5 dir=$6
  local out=$dir/lammps_np$c.dump log=$dir/lammps_np$c.log tf=$dir/time.lammps_np$c
  local cmd=(env OMP_NUM_THREADS=1 "$LMP" -in "$LMP_IN" -var f "$in" -var o "$out" -log "$log" -screen none)
  rm -f "$out" "$tf".*
  local ok=1
  if [ "$c" = 1 ]; then
    "$TIME" -f "%e %M %U %S" -o "$tf" "${cmd[@]}" > "$dir/lammps_np$c.stdout" 2>&1 || ok=0
  else
    # shellcheck disable=SC2086
    OMP_NUM_THREADS=1 "$TIME" -f "%e %M %U %S" -o "$tf" "$MPIRUN" --allow-run-as-root --oversubscribe $MPIRUN_ARGS \
      -np "$c" "$RANK_TIME" "$tf" "${cmd[@]}" > "$dir/lammps_np$c.stdout" 2>&1 || ok=0
  fi
  if [ $ok = 0 ] || [ ! -s "$out" ]; then
    tail -n 20 "$log" "$dir/lammps_np$c.stdout" >&2 2>/dev/null || true
    die "LAMMPS failed ($size, $c rank(s)); log $log"
  fi
  local wall rss usr sys cpu loop
  read -r wall rss usr sys < <(tail -n 1 "$tf")
  cpu=$(awk -v a="$usr" -v b="$sys" 'BEGIN {printf "%.2f", a + b}')
  if [ "$c" != 1 ]; then  # sums over the ranks (mpirun's own few MB and CPU left out)
    local f cnt=0
    for f in "$tf".*; do cnt=$((cnt + 1)); done
    [ $cnt = "$c" ] || die "LAMMPS $c ranks: found $cnt per-rank timing files ($tf.*)"
    read -r rss cpu < <(for f in "$tf".*; do tail -n 1 "$f"; done \
                          | awk '{m += $2; u += $3 + $4} END {printf "%d %.2f\n", m, u}')
  fi
  loop=$(awk '/^Loop time of/ {t = $4} END {print t}' "$log")
  echo "$size,$n,lammps,$c,$rep,$wall,$rss,$cpu,$loop" >> "$RUNS"
  say "  $size LAMMPS $c rank(s) rep $rep: ${wall} s (CPU ${cpu} s, rerun loop ${loop} s), $((rss / 1024)) MiB"
}

say "mgscope: $MGSCOPE ($("$MGSCOPE" --version 2>/dev/null || echo '?'))"
say "LAMMPS: $(command -v "$LMP"); sizes: ${SIZES[*]}; repetitions: $REPS; cores: $CORES"
say "work folder: $WORK"
LOAD_START=$(cut -d' ' -f1-3 /proc/loadavg)
check_failed=0

for size in "${SIZES[@]}"; do
  [ "$size" = 108k ] && prepare_ovito
  IFS='|' read -r mgs_in lmp_in < <(inputs_of "$size")
  [ -s "$mgs_in" ] || die "input $mgs_in missing"
  [ -s "$lmp_in" ] || die "input $lmp_in missing"
  n=$(natoms_of "$lmp_in")
  dir=$WORK/$size
  mkdir -p "$dir"
  say "$size: $n atoms; mgscope reads $mgs_in, LAMMPS reads $lmp_in"
  cat "$mgs_in" "$lmp_in" > /dev/null   # same warm page cache for both tools
  for rep in $(seq 1 "$REPS"); do
    for c in $CORES; do
      # alternate which tool goes first, so slow drift of the machine load hits both alike
      if [ $((rep % 2)) = 1 ]; then
        run_mgscope "$size" "$n" "$c" "$rep" "$mgs_in" "$dir"
        run_lammps "$size" "$n" "$c" "$rep" "$lmp_in" "$dir"
      else
        run_lammps "$size" "$n" "$c" "$rep" "$lmp_in" "$dir"
        run_mgscope "$size" "$n" "$c" "$rep" "$mgs_in" "$dir"
      fi
    done
  done
  # correctness: per-atom volume (and face count) of every mgscope output against LAMMPS
  ref_c=${CORES%% *}
  for c in $CORES; do
    if ! python3 "$HERE/compare_voronoi_dumps.py" --tol "$TOL" \
          --label "$size: LAMMPS ${ref_c} rank(s) vs mgscope $c thread(s)" \
          "$dir/lammps_np$ref_c.dump" "$dir/mgscope_t$c.dump" | tee -a "$CHECKS" >&2; then
      check_failed=1
    fi
    if [ "$c" != "$ref_c" ]; then
      if ! python3 "$HERE/compare_voronoi_dumps.py" --tol "$TOL" \
            --label "$size: LAMMPS ${ref_c} rank(s) vs LAMMPS $c rank(s)" \
            "$dir/lammps_np$ref_c.dump" "$dir/lammps_np$c.dump" | tee -a "$CHECKS" >&2; then
        check_failed=1
      fi
    fi
  done
  if [ "$KEEP_DUMPS" != 1 ]; then rm -f "$dir"/*.dump; fi
done
LOAD_END=$(cut -d' ' -f1-3 /proc/loadavg)

# ---------------------------------------------------------------- report
git_rev=$(git -C "$REPO" rev-parse --short HEAD 2>/dev/null || echo unknown)
if [ -n "$(git -C "$REPO" status --porcelain 2>/dev/null | grep -v '^??' || true)" ]; then
  git_rev="$git_rev (+ uncommitted changes)"
fi
python3 - "$RUNS" "$CHECKS" "$REPS" "$git_rev" "$LOAD_START" "$LOAD_END" "$(getconf _NPROCESSORS_ONLN)" \
  "$MGS_108K_INPUT" "${SIZES[@]}" > "$WORK/results.md" <<'EOF'
import csv, statistics, sys
runs, checks, reps, rev, load0, load1, ncpu, gzmode = sys.argv[1:9]
order = sys.argv[9:]
rows = list(csv.DictReader(open(runs)))
med = {}
for key in {(r["size"], r["tool"], int(r["cores"])) for r in rows}:
    sel = [r for r in rows if (r["size"], r["tool"], int(r["cores"])) == key]
    loops = [float(r["lammps_loop_s"]) for r in sel if r["lammps_loop_s"]]
    walls = [float(r["wall_s"]) for r in sel]
    med[key] = dict(atoms=int(sel[0]["atoms"]), n=len(sel), wmin=min(walls), wmax=max(walls),
                    wall=statistics.median(walls),
                    rss=statistics.median(int(r["peak_rss_kb"]) for r in sel),
                    cpu=statistics.median(float(r["cpu_s"]) for r in sel),
                    loop=statistics.median(loops) if loops else None)
out = []
p = out.append
p("| size | atoms | tool | threads / ranks | median wall s (min–max) | CPU s | peak RSS MiB | bytes/atom "
  "| LAMMPS / mgscope (equal cores) | speed-up vs 1 core | parallel efficiency | LAMMPS rerun loop s |")
p("|---|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
for size in order:
    for tool in ("mgscope", "lammps"):
        for c in sorted(k[2] for k in med if k[0] == size and k[1] == tool):
            m = med[(size, tool, c)]
            ratio = ""
            if tool == "mgscope" and (size, "lammps", c) in med:
                ratio = f"{med[(size, 'lammps', c)]['wall'] / m['wall']:.2f}x"
            sp = eff = ""
            if c > 1 and (size, tool, 1) in med:
                s = med[(size, tool, 1)]["wall"] / m["wall"]
                sp, eff = f"{s:.2f}x", f"{100 * s / c:.0f} %"
            loop = f"{m['loop']:.2f}" if m["loop"] is not None else ""
            name = "mgscope" if tool == "mgscope" else "LAMMPS"
            unit = "t" if tool == "mgscope" else " rank" + ("s" if c > 1 else "")
            p(f"| {size} | {m['atoms']:,} | {name} | {c}{unit} | {m['wall']:.2f} ({m['wmin']:.2f}–{m['wmax']:.2f}) | {m['cpu']:.2f} | "
              f"{m['rss'] / 1024:.0f} | {m['rss'] * 1024 / m['atoms']:.0f} | {ratio} | {sp} | {eff} | {loop} |")
p("")
p(f"Median of {reps} repetition(s); mgscope and LAMMPS runs alternated. Peak RSS: max resident set "
  "(GNU time %M); for LAMMPS on several ranks the sum of the ranks' peaks. Wall time is the whole "
  "command (LAMMPS: start-up, read_dump bootstrap, rerun, MPI launch; its rerun loop alone in the "
  "last column). CPU s: user + system time summed over threads / ranks; wall much above "
  "CPU / cores means the run waited for a core (a loaded machine).")
if "108k" in order:
    p(f"108k: mgscope reads the shared .dump.gz {'as is (decompression included)' if gzmode == 'gz' else 'gunzipped to /tmp'}; "
      "LAMMPS reads a gunzipped copy in /tmp with an id column added (read_dump needs ids).")
p(f"mgscope {rev}; {ncpu} cores; load average (1/5/15 min) {load0} at start, {load1} at end.")
p("")
p("Targets:")
def verdict(ok): return "met" if ok else "NOT met"
for size in order:
    for c in (1, 2):
        if (size, "mgscope", c) in med and (size, "lammps", c) in med and size == "1m":
            r = med[(size, "lammps", c)]["wall"] / med[(size, "mgscope", c)]["wall"]
            p(f"- {size}, {c} core(s): mgscope {r:.2f}x faster than LAMMPS (target >= 2x): {verdict(r >= 2)}")
if not any(s == "1m" for s in order):
    p("- speed target (>= 2x LAMMPS at equal cores on 1M atoms): 1m not run")
for size in order:
    if (size, "mgscope", 1) in med and (size, "mgscope", 2) in med:
        e = med[(size, "mgscope", 1)]["wall"] / med[(size, "mgscope", 2)]["wall"] / 2
        p(f"- {size}: mgscope parallel efficiency on 2 threads {100 * e:.0f} % (target >= 90 %): {verdict(e >= 0.9)}")
for size in order:
    b = max(m["rss"] * 1024 / m["atoms"] for k, m in med.items() if k[0] == size and k[1] == "mgscope")
    p(f"- {size}: mgscope peak memory {b:.0f} bytes/atom (target <= 1024): {verdict(b <= 1024)}")
p("")
p("Agreement (per-atom Voronoi volume, matched by id):")
for line in open(checks):
    p(f"- {line.strip()}")
print("\n".join(out))
EOF
cat "$WORK/results.md"
say "results: $WORK/results.md; single runs: $RUNS"
if [ $check_failed = 1 ]; then
  say "the volume check FAILED (see 'Agreement' above)"
  exit 3
fi
