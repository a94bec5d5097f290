#!/usr/bin/env bash
# relation-build throughput on PCQM4Mv2 (molecules per CPU-second of one process, best of 3, on
# a pre-ingested stream replicated REPS times), and the wall-clock speed-up of GNU parallel over
# mpk-shard shards on 2 cores against the single-process run of the same stream. For the speed-up
# each process reads its input PAR_LOOPS times (default 6; ~6 s of work in one process, as a
# real preprocessing run is minutes long) so that GNU parallel's own start-up (0.15-0.2 s of
# perl) stays small next to the work; both sides discard their output alike; best of 5 each.
#   BUILD=build-x [PAR_LOOPS=6] tests/bench/relations.sh [REPS]      (default 30 x 1,999 molecules)
# Last line: "relations: <n> mol/s/core, parallel <s>x"
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
BUILD=${BUILD:-build}
case $BUILD in /*) ;; *) BUILD=$root/$BUILD ;; esac
data=${MB_DATA:-$root/../shared/data}
reps=${1:-30}
src=$data/pcqm4mv2/pcqm4mv2-2k.sdf.gz
[ -f "$src" ] || { echo "relations: no shared data $src (set MB_DATA)" >&2; exit 77; }
bin=$BUILD/bin
tmp=$(mktemp -d "${TMPDIR:-/tmp}/relbench.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
"$bin/conformer-ingest" -q "$src" > "$tmp/one.mpk"
for _ in $(seq "$reps"); do cat "$tmp/one.mpk"; done > "$tmp/in.mpk"
nmol=$(( $("$bin/mpk2json" --no-header "$tmp/one.mpk" | wc -l) * reps ))
cpu() { # user+sys CPU seconds of a command (stdout discarded)
    /usr/bin/time -f '%U %S' -o "$tmp/time" "$@" > /dev/null
    awk '{printf "%.3f\n", $1 + $2}' "$tmp/time"
}
best=1e9
for _ in 1 2 3; do
    c=$(cpu "$bin/relation-build" --max-atoms 256 "$tmp/in.mpk")
    best=$(awk -v a="$best" -v b="$c" 'BEGIN {print (b < a) ? b : a}')
done
rate=$(awk -v n="$nmol" -v t="$best" 'BEGIN {printf "%d", n / t}')
echo "relation-build: $nmol molecules, best CPU time ${best}s -> $rate mol/s/core"
# stage cost breakdown: reading + writing alone (mpk-shard --take 0/1 copies the stream)
c0=$(cpu "$bin/mpk-shard" --take 0/1 "$tmp/in.mpk")
echo "  stream copy alone (mpk-shard --take 0/1): ${c0}s CPU"
c1=$(cpu "$bin/relation-build" --max-atoms 256 --no-paths --no-dist "$tmp/in.mpk")
echo "  without path/dist: ${c1}s CPU"
# parallel: 2 shards on 2 cores vs 1 process, wall clock (the machine may be shared: see load)
"$bin/mpk-shard" -q -n 2 -o "$tmp/shard-%d.mpk" "$tmp/in.mpk"
wall() { local t0 t1; t0=$(date +%s.%N); "$@"; t1=$(date +%s.%N); echo "$t1 - $t0" | bc; }
loops=${PAR_LOOPS:-6}
one="" job=""
for _ in $(seq "$loops"); do one="$one '$tmp/in.mpk'"; job="$job {}"; done
w1=1e9 w2=1e9
for _ in 1 2 3 4 5; do # best of 5, alternating
    a=$(wall sh -c "'$bin/relation-build' --max-atoms 256 $one > /dev/null")
    b=$(wall sh -c "parallel -j 2 '$bin/relation-build --max-atoms 256 $job > /dev/null' ::: '$tmp/shard-0.mpk' '$tmp/shard-1.mpk'")
    w1=$(awk -v x="$w1" -v y="$a" 'BEGIN {print (y < x) ? y : x}')
    w2=$(awk -v x="$w2" -v y="$b" 'BEGIN {print (y < x) ? y : x}')
done
sp=$(awk -v a="$w1" -v b="$w2" 'BEGIN {printf "%.2f", a / b}')
echo "wall: 1 process ${w1}s, parallel 2 shards ${w2}s (load average: $(cut -d' ' -f1-3 /proc/loadavg))"
echo "relations: $rate mol/s/core, parallel ${sp}x"
