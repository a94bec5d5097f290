#!/usr/bin/env bash
# relation-build throughput on PCQM4Mv2 (molecules per CPU-second of one process, best of 3, on
# a pre-ingested stream replicated REPS times), and the wall-clock speed-up of GNU parallel over
# mpk-shard shards on 2 cores against the single-process run of the same stream (median ratio
# of PAR_PAIRS alternating pairs, default 7). For the speed-up
# each process reads its input PAR_LOOPS times (default 16: 960k molecules, ~11 s of work in one
# process; all of PCQM4Mv2 is 3.7M molecules) so that GNU parallel's own start-up (~0.2 s of
# perl, measured and printed) stays small next to the work, as in a real preprocessing run;
# both sides discard their output alike.
#   BUILD=build-x [PAR_LOOPS=16] [PAR_PAIRS=7] tests/bench/relations.sh [REPS]      (default 30 x 1,999 molecules)
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
loops=${PAR_LOOPS:-16}
one="" job=""
for _ in $(seq "$loops"); do one="$one '$tmp/in.mpk'"; job="$job {}"; done
pairs=${PAR_PAIRS:-7}
: >"$tmp/pairs"
for _ in $(seq "$pairs"); do # alternating: 1 process, then GNU parallel over 2 shards
    a=$(wall sh -c "'$bin/relation-build' --max-atoms 256 $one > /dev/null")
    b=$(wall sh -c "parallel -j 2 '$bin/relation-build --max-atoms 256 $job > /dev/null' ::: '$tmp/shard-0.mpk' '$tmp/shard-1.mpk'")
    echo "$a $b" >>"$tmp/pairs"
done
w0=1e9
for _ in 1 2 3; do # GNU parallel's fixed cost: two empty jobs
    c=$(wall parallel -j 2 true ::: a b)
    w0=$(awk -v x="$w0" -v y="$c" 'BEGIN {print (y < x) ? y : x}')
done
echo "GNU parallel start-up (2 empty jobs): ${w0}s; molecules per process run: $((nmol * loops))"
# The VM's cores slow down by up to 30% for seconds at a time (a noisy neighbour; no steal is
# reported), on either side of a pair. The speed-up is the median of the pairs' ratios (a
# slowed run moves one ratio, not the median); the best-of ratio (fastest 1-process run over
# fastest parallel run) is printed too: it needs both cores fast at once, so it is the lower.
sort -g -k1,1 "$tmp/pairs" | awk '{ printf "  pair: 1 process %.2fs, parallel %.2fs, ratio %.2fx\n", $1, $2, $1 / $2 }'
sp=$(awk '{ printf "%.6f\n", $1 / $2 }' "$tmp/pairs" | sort -g |
    awk '{ r[NR] = $1 } END { printf "%.2f", NR % 2 ? r[(NR + 1) / 2] : (r[NR / 2] + r[NR / 2 + 1]) / 2 }')
read -r w1 w2 bsp <<<"$(awk 'NR == 1 || $1 < a { a = $1 } NR == 1 || $2 < b { b = $2 }
    END { printf "%.2f %.2f %.2f\n", a, b, a / b }' "$tmp/pairs")"
echo "wall: best 1 process ${w1}s, best parallel 2 shards ${w2}s (ratio ${bsp}x); median pair ratio ${sp}x (load average: $(cut -d' ' -f1-3 /proc/loadavg))"
echo "relations: $rate mol/s/core, parallel ${sp}x"
