#!/usr/bin/env bash
# train.sh: `train-step` (C, OpenBLAS) pretraining throughput versus the PyTorch reference
# (tests/bench/torch_moleblend.py train), configs small and base, 1 and 2 threads; GFLOP/s of
# base training against OpenBLAS sgemm measured in the same run; peak RSS of base at the batch.
#
#   BUILD=build-x tests/bench/train.sh [batch=64] [steps_small=8] [steps_base=2] [reps=3]
#
# Input: PCQM4Mv2-2k | conformer-ingest | relation-build | blend-mask --mode pretrain (blend
# records with masks and noise), every 3rd molecule (667), in order (--shuffle 0): step s uses
# molecules s*B .. s*B+B-1 on both sides (no epoch wrap for warm-up + timed steps <= 10 at B 64).
# Both sides: pretraining loss (4 parts), dropout 0.1 (attention, activation, DropPath, head),
# AdamW, clip 5; preset init (same architecture, own random weights); C --max-atoms 32.
#
# Timing (interleaved; best of reps), W warm-up steps (2 small, 1 base) then S timed steps:
#  - C: wall = elapsed_s, cpu = cpu_s (process CPU time) of the metrics rows, step W+S minus
#       step W (startup and warm-up excluded), from one run;
#  - torch: wall / time.process_time over the S timed steps (batches collated beforehand).
#  The machine is shared and heavily loaded: 1-thread ratios use CPU time, 2-thread ratios wall.
# GFLOP/s: useful model FLOPs of the timed base steps (torch_moleblend.train_flops: 3 x forward
# on real tokens, forward = 2 M L (4C^2 + 2CF) + 4 L C sum (n+1)^2 + 3D module + heads, M = sum
# (n+1); see README.md) divided by the C base 1-thread CPU time, versus `sgemm-bench M 768 768`
# (M = mean real tokens per batch, the shape of the encoder's Linear layers) CPU-time GFLOP/s at
# 1 thread in the same run.
# Peak RSS: /usr/bin/time "Maximum resident set size" of the base runs at the batch size.
# Last line: `train: <r>x PyTorch (small, 1 thread), base <b>x, <g>% of sgemm`.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
BUILD=${BUILD:-build}
case $BUILD in /*) ;; *) BUILD=$root/$BUILD ;; esac
PY=${PYTHON:-/usr/bin/python3}
MB_DATA=${MB_DATA:-$root/../shared/data}
B=${1:-64}
steps_small=${2:-8}
steps_base=${3:-2}
reps=${4:-3}
src=$MB_DATA/pcqm4mv2/pcqm4mv2-2k.sdf.gz
[ -f "$src" ] || { echo "skip: no $src"; exit 77; }
make -C "$root" BUILD="$BUILD" all "$BUILD/tests/tools/sgemm-bench" >/dev/null
bin=$BUILD/bin
sgemm=$BUILD/tests/tools/sgemm-bench
tm=$root/tests/bench/torch_moleblend.py
tmp=$(mktemp -d "${TMPDIR:-/tmp}/trainbench.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

"$bin/conformer-ingest" -q "$src" | "$bin/relation-build" | "$bin/mpk-shard" --take 0/3 |
    "$bin/blend-mask" --mode pretrain --seed 5 >"$tmp/in.mpk"
n=$("$PY" "$tm" count "$tmp/in.mpk")

# tsec FILE CMD...: run CMD under /usr/bin/time; FILE gets "wall cpu maxrss_kb"
tsec() {
    local f=$1; shift
    /usr/bin/time -f "%e %U %S %M" -o "$f.raw" "$@"
    awk '{ printf "%s %.3f %s\n", $1, $2 + $3, $4 }' "$f.raw" >"$f"
}
best() { sort -g "$1" | head -1; }   # smallest time
bestr() { sort -g "$1" | tail -1; }  # largest rate

declare -A RATIO
base_cpu=
for cfg in small base; do
    W=2; S=$steps_small
    [ $cfg = base ] && { W=1; S=$steps_base; }
    [ $(( (W + S) * B )) -le "$n" ] || { echo "need $(( (W + S) * B )) molecules, have $n" >&2; exit 2; }
    for th in 1 2; do
        export OPENBLAS_NUM_THREADS=$th OMP_NUM_THREADS=$th
        : >"$tmp/cw"; : >"$tmp/cc"; : >"$tmp/tw"; : >"$tmp/tc"; : >"$tmp/crss"; : >"$tmp/trss"
        for r in $(seq "$reps"); do
            common=(--config $cfg --max-atoms 32 --batch "$B" --shuffle 0 --threads $th -q)
            tsec "$tmp/b" "$bin/train-step" "${common[@]}" --steps $((W + S)) \
                --metrics "$tmp/m-$cfg-$th.tsv" "$tmp/in.mpk"
            # column 15 elapsed_s (wall), 16 cpu_s (process CPU time)
            for col in 15:cw 16:cc; do
                awk -v W=$W -v S=$S -v c=${col%:*} -F'\t' '$1 == "train" && $2 == W { t0 = $c }
                    $1 == "train" && $2 == W + S { print $c - t0 }' \
                    "$tmp/m-$cfg-$th.tsv" >>"$tmp/${col#*:}"
            done
            awk '{ print $3 }' "$tmp/b" >>"$tmp/crss"
            tsec "$tmp/t" "$PY" "$tm" train --config $cfg --batch "$B" --threads $th \
                --warmup $W --steps $S "$tmp/in.mpk" >"$tmp/tout"
            # torch train: N mols W s R mol/s cpu C s R mol/s loss X
            awk '{ print $5 }' "$tmp/tout" >>"$tmp/tw"
            awk '{ print $10 }' "$tmp/tout" >>"$tmp/tc"
            awk '{ print $3 }' "$tmp/t" >>"$tmp/trss"
        done
        cw=$(best "$tmp/cw"); cc=$(best "$tmp/cc"); tw=$(best "$tmp/tw"); tc=$(best "$tmp/tc")
        crss=$(bestr "$tmp/crss"); trss=$(bestr "$tmp/trss")
        read -r cwr ccr twr tcr rw rc <<<"$(awk -v m=$((S * B)) -v cw=$cw -v cc=$cc -v tw=$tw \
            -v tc=$tc 'BEGIN { if (cc < 0.01) cc = 0.01
                printf "%.2f %.2f %.2f %.2f %.2f %.2f\n", m / cw, m / cc, m / tw, m / tc,
                    tw / cw, tc / cc }')"
        printf '%-5s %d thread%s, batch %d, %d steps: C %7.2f mol/s wall, %7.2f mol/s cpu (peak RSS %d MB) | torch %7.2f mol/s wall, %7.2f mol/s cpu (peak RSS %d MB) | ratio wall %.2fx, cpu %.2fx\n' \
            $cfg $th "$([ $th = 1 ] || echo s)" "$B" "$S" "$cwr" "$ccr" $((crss / 1024)) "$twr" \
            "$tcr" $((trss / 1024)) "$rw" "$rc"
        if [ $th = 1 ]; then RATIO[$cfg-$th]=$rc; else RATIO[$cfg-$th]=$rw; fi
        [ $cfg = base ] && [ $th = 1 ] && base_cpu=$cc
        awk -F'\t' 'NR == 2 { printf "      C first step loss %s (denoise %s spd %s edge %s 3d %s)\n", $5, $6, $7, $8, $9 }' \
            "$tmp/m-$cfg-$th.tsv"
    done
done
read -r flops tok <<<"$(OPENBLAS_NUM_THREADS=1 "$PY" "$tm" flops --config base --batch "$B" \
    --warmup 1 --steps "$steps_base" "$tmp/in.mpk")"
M=$(printf '%.0f' "$tok")
sg=$(OPENBLAS_NUM_THREADS=1 "$sgemm" "$M" 768 768 2 1)
echo "$sg"
sgc=$(echo "$sg" | awk '{ for (i = 1; i < NF; i++) if ($(i + 1) == "GFLOP/s" && $(i + 2) == "cpu") print $i }')
read -r gf pct <<<"$(awk -v f="$flops" -v t="$base_cpu" -v s="$sgc" \
    'BEGIN { g = f / t * 1e-9; printf "%.1f %.0f\n", g, 100 * g / s }')"
echo "base training, 1 thread: $(awk -v f="$flops" 'BEGIN { printf "%.1f", f * 1e-9 }') GFLOP in $base_cpu s CPU = $gf GFLOP/s; sgemm ($M x 768 x 768) $sgc GFLOP/s cpu -> $pct%"
echo "summary (1 thread: cpu-time ratio, 2 threads: wall ratio): small ${RATIO[small-1]}x / ${RATIO[small-2]}x, base ${RATIO[base-1]}x / ${RATIO[base-2]}x"
echo "train: ${RATIO[small-1]}x PyTorch (small, 1 thread), base ${RATIO[base-1]}x, $pct% of sgemm"
