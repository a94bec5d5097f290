#!/usr/bin/env bash
# forward-vs-torch.sh: numerical oracle of the C MoleBLEND model against the PyTorch reference
# tests/bench/torch_moleblend.py, through the real tools and the checkpoint format.
#
#   BUILD=build-x tests/bench/forward-vs-torch.sh [config=small] [take=40] [batch=16] [scramble=0.3]
#
# 1. Records: PCQM4Mv2-2k | conformer-ingest | relation-build | blend-mask --mode pretrain/2d/3d,
#    every `take`-th molecule (mpk-shard --take 0/take; 2k/40 = 50 molecules).
# 2. Checkpoint: train-step --config CONFIG --steps 1 --save; then (scramble > 0) every parameter
#    is redrawn N(0, scramble) by ckpt2torch.py --scramble so that attention, the blend and all
#    heads are far from the near-uniform init (a scrambled checkpoint is what the C tools load).
# 3. Embeddings: `encode --ckpt --atoms` on the blend (masks, no noise), 2d and 3d records versus
#    torch_moleblend.py check-encode with the same checkpoint (ckpt2torch mapping): max relative
#    difference max|c - t| / max|t| per molecule over emb and aemb, target <= 1e-4.
# 4. Losses: `train-step --init CKPT --steps 1 --dropout 0,0,0,0 --shuffle 0 --metrics` (first
#    batch of the blend records, with noise, dropout off; the metrics row is the forward before
#    the update) versus torch_moleblend.py loss: total, the four parts and the global gradient
#    norm before clipping, relative difference <= 1e-4.
# 5. Gradients, per tensor: the same run saves the parameters after its single AdamW step
#    (--lr 1e-3 --warmup 0, weight decay 0), which moves every parameter by -lr*sign(g) where
#    |g| >> 1e-8; torch_moleblend.py grad-check compares those signs with torch autograd for
#    every significant element (|g| > 1e-3 max|g| of the tensor) of all 48 tensors, and checks
#    that unused lookup-table rows (no gradient) did not move.
# Exit 0 when everything agrees, 1 on a mismatch, 77 when torch or the data are missing.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
BUILD=${BUILD:-build}
case $BUILD in /*) ;; *) BUILD=$root/$BUILD ;; esac
PY=${PYTHON:-/usr/bin/python3}
MB_DATA=${MB_DATA:-$root/../shared/data}
config=${1:-small}
take=${2:-40}
batch=${3:-16}
sd=${4:-0.3}
bin=$BUILD/bin
src=$MB_DATA/pcqm4mv2/pcqm4mv2-2k.sdf.gz
[ -f "$src" ] || { echo "skip: no $src"; exit 77; }
"$PY" -c 'import torch, msgpack' 2>/dev/null || { echo "skip: no torch/msgpack in $PY"; exit 77; }
for t in conformer-ingest relation-build blend-mask mpk-shard train-step encode; do
    [ -x "$bin/$t" ] || { echo "missing $bin/$t (make BUILD=$BUILD)" >&2; exit 2; }
done
tm=$root/tests/bench/torch_moleblend.py
c2t=$root/tests/bench/ckpt2torch.py
tmp=$(mktemp -d "${TMPDIR:-/tmp}/fvt.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
export OPENBLAS_NUM_THREADS=${OPENBLAS_NUM_THREADS:-1}

"$bin/conformer-ingest" -q "$src" | "$bin/mpk-shard" --take "0/$take" |
    "$bin/relation-build" >"$tmp/rel.mpk"
for m in pretrain 2d 3d; do
    "$bin/blend-mask" --mode $m --seed 11 "$tmp/rel.mpk" >"$tmp/$m.mpk"
done
"$bin/train-step" -q --config "$config" --batch 8 --steps 1 --shuffle 0 --save "$tmp/t.ckpt" \
    "$tmp/pretrain.mpk"
ck=$tmp/t.ckpt
if [ "$sd" != 0 ]; then
    "$PY" "$c2t" "$ck" --scramble "$sd" --seed 5 -o "$tmp/s.ckpt"
    ck=$tmp/s.ckpt
fi
echo "config $config, every ${take}th PCQM4Mv2-2k molecule, batch $batch, scramble sd $sd"
bad=0
for m in pretrain 2d 3d; do
    "$bin/encode" --ckpt "$ck" --atoms --batch "$batch" "$tmp/$m.mpk" >"$tmp/e-$m.mpk"
done
# one stream (headers are skipped by the reader), one torch start; reported per mode
cat "$tmp"/e-pretrain.mpk "$tmp"/e-2d.mpk "$tmp"/e-3d.mpk >"$tmp/e-all.mpk"
"$PY" "$tm" check-encode --ckpt "$ck" --batch "$batch" "$tmp/e-all.mpk" || bad=1
"$bin/train-step" -q --init "$ck" --lr 1e-3 --warmup 0 --decay-steps 1000 --steps 1 \
    --batch "$batch" --shuffle 0 --dropout 0,0,0,0 --metrics "$tmp/m.tsv" --save "$tmp/after.ckpt" \
    "$tmp/pretrain.mpk"
"$PY" "$tm" loss --ckpt "$ck" --batch "$batch" "$tmp/pretrain.mpk" >"$tmp/t.txt"
"$PY" - "$tmp/m.tsv" "$tmp/t.txt" <<'PY' || bad=1
import sys
hdr, row = [l.rstrip("\n").split("\t") for l in open(sys.argv[1])][:2]
c = dict(zip(hdr, row))
f = open(sys.argv[2]).read().split()
t = dict(zip(f[0::2], map(float, f[1::2])))
bad = 0
for k in ("loss", "denoise", "spd", "edge", "3d", "grad_norm"):
    cv, tv = float(c[k]), t[k]
    rel = abs(cv - tv) / max(abs(tv), 1e-30)
    ok = rel <= 1e-4
    bad += not ok
    print(f"loss  {k:9s} C {cv:.9g}  torch {tv:.9g}  rel diff {rel:.1e} {'ok' if ok else 'MISMATCH'}")
sys.exit(1 if bad else 0)
PY
"$PY" "$tm" grad-check --ckpt "$ck" --after "$tmp/after.ckpt" --batch "$batch" \
    "$tmp/pretrain.mpk" >"$tmp/g.txt" || bad=1
grep -v " ok$" "$tmp/g.txt" || true
if [ $bad = 0 ]; then echo "forward-vs-torch: OK"; else echo "forward-vs-torch: MISMATCH"; fi
exit $bad
