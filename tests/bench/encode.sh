#!/usr/bin/env bash
# encode.sh: `encode` (C, OpenBLAS) versus the PyTorch reference (tests/bench/torch_moleblend.py)
# on the same molecules with the same weights, configs small and base, 1 and 2 threads.
#
#   BUILD=build-x tests/bench/encode.sh [n_small=2000] [n_base=130] [reps=3]
#
# Input: PCQM4Mv2-2k | conformer-ingest | relation-build | blend-mask --mode pretrain (blend
# records: SPD, edge and 3D biases and the 3D centrality are all exercised; encode adds no noise),
# every k-th molecule (mpk-shard --take) so that about n molecules are used.
# Weights: train-step --config C --steps 1 --save, rewritten by ckpt2torch.py --scramble 0.02
# (init-like magnitudes, AdamW moments dropped); torch loads the same file (ckpt2torch mapping).
# Batch 64 on both sides; C --max-atoms 32 (PCQM4Mv2-2k has at most 18 heavy atoms).
#
# Timing, interleaved C / torch, best of `reps`:
#  - C: what `encode -v` reports for the time after its start-up (model_init, checkpoint load,
#    arena first touch excluded) = steady-state encoding, including record reading/writing and
#    batch building; "startup" = whole process wall minus that;
#  - torch: batch collation + forward of the same molecules (torch import, record reading and
#    checkpoint loading excluded).
#  Both wall-clock and CPU time (user+sys; torch: time.process_time) are reported. The machine
#  is shared and heavily loaded, so the 1-thread ratio on the last line uses CPU time (robust to
#  time slicing); 2-thread ratios use wall time (CPU time does not show parallel speed-up).
# Also printed: max relative difference of the embeddings (check-encode on the C output,
# max |c - t| / max |t| per molecule over emb) and peak RSS (/usr/bin/time %M) of both.
# Last line: `encode: <r>x PyTorch (small, 1 thread)`.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
BUILD=${BUILD:-build}
case $BUILD in /*) ;; *) BUILD=$root/$BUILD ;; esac
PY=${PYTHON:-/usr/bin/python3}
MB_DATA=${MB_DATA:-$root/../shared/data}
n_small=${1:-2000}
n_base=${2:-130}
reps=${3:-3}
src=$MB_DATA/pcqm4mv2/pcqm4mv2-2k.sdf.gz
[ -f "$src" ] || { echo "skip: no $src"; exit 77; }
make -C "$root" BUILD="$BUILD" all >/dev/null
bin=$BUILD/bin
tm=$root/tests/bench/torch_moleblend.py
c2t=$root/tests/bench/ckpt2torch.py
tmp=$(mktemp -d "${TMPDIR:-/tmp}/encbench.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

"$bin/conformer-ingest" -q "$src" | "$bin/relation-build" |
    "$bin/blend-mask" --mode pretrain --seed 3 >"$tmp/all.mpk"
total=$("$PY" "$tm" count "$tmp/all.mpk")

# tsec FILE CMD...: run CMD under /usr/bin/time; FILE gets "wall cpu maxrss_kb"
tsec() {
    local f=$1; shift
    /usr/bin/time -f "%e %U %S %M" -o "$f.raw" "$@"
    awk '{ printf "%s %.3f %s\n", $1, $2 + $3, $4 }' "$f.raw" >"$f"
}
# min over lines of column c
colmin() { awk -v c="$2" 'NR == 1 || $c < m { m = $c } END { print m }' "$1"; }
colmax() { awk -v c="$2" 'NR == 1 || $c > m { m = $c } END { print m }' "$1"; }

declare -A RATIO
for cfg in small base; do
    n=$n_small; [ $cfg = base ] && n=$n_base
    k=$(( (total + n - 1) / n ))
    "$bin/mpk-shard" --take "0/$k" "$tmp/all.mpk" >"$tmp/in-$cfg.mpk"
    n=$("$PY" "$tm" count "$tmp/in-$cfg.mpk")
    "$bin/mpk-shard" --take 0/200 "$tmp/all.mpk" >"$tmp/few.mpk"
    "$bin/train-step" -q --config $cfg --max-atoms 32 --batch 8 --steps 1 --shuffle 0 \
        --save "$tmp/t-$cfg.ckpt" "$tmp/few.mpk"
    "$PY" "$c2t" "$tmp/t-$cfg.ckpt" --scramble 0.02 --seed 7 -o "$tmp/$cfg.ckpt"
    rm -f "$tmp/t-$cfg.ckpt"
    ck=$tmp/$cfg.ckpt
    for th in 1 2; do
        export OPENBLAS_NUM_THREADS=$th OMP_NUM_THREADS=$th
        : >"$tmp/c0" ; : >"$tmp/cn" ; : >"$tmp/cs"; : >"$tmp/tw"; : >"$tmp/tc"; : >"$tmp/trss"
        for r in $(seq "$reps"); do
            # encode -v reports "after start-up W s wall, C s CPU" (model init and checkpoint
            # load excluded, record reading/writing and batch building included)
            tsec "$tmp/x" "$bin/encode" -v --ckpt "$ck" --batch 64 --max-atoms 32 --threads $th \
                "$tmp/in-$cfg.mpk" >"$tmp/out-$cfg-$th.mpk" 2>"$tmp/enc.err"
            cat "$tmp/x" >>"$tmp/cn"
            sed -n 's/.*after start-up \([0-9.]*\) s wall, \([0-9.]*\) s CPU.*/\1 \2/p' \
                "$tmp/enc.err" >>"$tmp/cs"
            tsec "$tmp/x" "$PY" "$tm" encode --ckpt "$ck" --batch 64 --threads $th \
                "$tmp/in-$cfg.mpk" >"$tmp/tout"
            # torch encode: N mols W s R mol/s cpu C s R mol/s
            awk '{ print $7 }' "$tmp/tout" >>"$tmp/tw"
            awk '{ print $12 }' "$tmp/tout" >>"$tmp/tc"
            awk '{ print $3 }' "$tmp/x" >>"$tmp/trss"
        done
        cw=$(colmin "$tmp/cn" 1); crss=$(colmax "$tmp/cn" 3)
        sw=$(colmin "$tmp/cs" 1); sc=$(colmin "$tmp/cs" 2)
        tw=$(sort -g "$tmp/tw" | tail -1); tc=$(sort -g "$tmp/tc" | tail -1)
        trss=$(colmax "$tmp/trss" 1)
        c0w=$(awk -v a="$cw" -v b="$sw" 'BEGIN { printf "%.1f", a - b }')
        read -r cwr ccr rw rc cwhole <<<"$(awk -v n=$n -v sw=$sw -v sc=$sc -v cw=$cw \
            -v tw=$tw -v tc=$tc 'BEGIN {
                printf "%.1f %.1f %.2f %.2f %.1f\n", n / sw, n / sc, n / sw / tw, n / sc / tc, n / cw }')"
        printf '%-5s %d thread%s, %d mols: C %s mol/s wall, %s mol/s cpu (whole process %s mol/s wall, startup %.1f s, peak RSS %d MB) | torch %s mol/s wall, %s mol/s cpu (peak RSS %d MB) | ratio wall %sx, cpu %sx\n' \
            $cfg $th "$([ $th = 1 ] || echo s)" $n "$cwr" "$ccr" "$cwhole" "$c0w" $((crss / 1024)) \
            "$tw" "$tc" $((trss / 1024)) "$rw" "$rc"
        if [ $th = 1 ]; then RATIO[$cfg-$th]=$rc; else RATIO[$cfg-$th]=$rw; fi
    done
    OPENBLAS_NUM_THREADS=1 "$PY" "$tm" check-encode --ckpt "$ck" --batch 64 \
        "$tmp/out-$cfg-1.mpk" | sed "s/^encode/$cfg embeddings:/" || true
done
echo "summary (1 thread: cpu-time ratio, 2 threads: wall ratio): small ${RATIO[small-1]}x / ${RATIO[small-2]}x, base ${RATIO[base-1]}x / ${RATIO[base-2]}x"
echo "encode: ${RATIO[small-1]}x PyTorch (small, 1 thread)"
