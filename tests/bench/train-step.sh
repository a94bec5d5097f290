#!/usr/bin/env bash
# train-step.sh: throughput of train-step and encode on real PCQM4Mv2 molecules, with the time
# split by phase (train-step -vv). Anchor: the bare model (forward + backward) inside the same
# run; the ratio printed is the tool's own overhead (loading, batching, AdamW + clipping + NaN
# scans, checkpoint) per unit of model time.
#   BUILD=build tests/bench/train-step.sh [config=small] [batch=32] [steps=20] [threads=1]
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
BUILD=${BUILD:-build}
case $BUILD in /*) ;; *) BUILD=$root/$BUILD ;; esac
config=${1:-small} batch=${2:-32} steps=${3:-20} threads=${4:-1}
data=${MB_DATA:-$root/../shared/data}/pcqm4mv2/pcqm4mv2-2k.sdf.gz
[ -f "$data" ] || { echo "train-step.sh: no $data" >&2; exit 77; }
export PATH=$BUILD/bin:$PATH OPENBLAS_NUM_THREADS=$threads
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
conformer-ingest "$data" 2>/dev/null | relation-build >"$tmp/rel.mpk"
blend-mask --seed 1 "$tmp/rel.mpk" >"$tmp/bl.mpk"
train-step --config "$config" --batch "$batch" --steps "$steps" --lr 1e-4 --shuffle 1024 \
    --threads "$threads" -vv --save "$tmp/c.ckpt" "$tmp/bl.mpk" 2>"$tmp/log"
grep -E 'steps \(|time:' "$tmp/log" | sed 's/^/  /'
sed -n 's/.*data+batches \([0-9.]*\) s, forward \([0-9.]*\) s, backward \([0-9.]*\) s, optimizer \([0-9.]*\) s, checkpoints \([0-9.]*\) s.*/\1 \2 \3 \4 \5/p' "$tmp/log" |
    awk -v b="$batch" -v s="$steps" '{ model = $2 + $3; over = $1 + $4 + $5
        printf "train-step %s: model %.1f ms/step (%.1f mol/s), tool overhead %.1f ms/step, ratio overhead/model %.3f\n",
               "'"$config"'", 1000 * model / s, b * s / model, 1000 * over / s, over / model }'
t0=$(date +%s.%N)
encode --ckpt "$tmp/c.ckpt" --batch "$batch" --max-atoms 64 -k "$tmp/rel.mpk" >"$tmp/enc.mpk" 2>/dev/null || true
t1=$(date +%s.%N)
n=$(mpk2json --no-header <"$tmp/enc.mpk" | wc -l)
awk -v n="$n" -v t0="$t0" -v t1="$t1" 'BEGIN { printf "encode %s: %d molecules in %.2f s wall (%.0f mol/s, incl. start-up)\n", "'"$config"'", n, t1 - t0, n / (t1 - t0) }'
