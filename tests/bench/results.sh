#!/usr/bin/env bash
# results.sh: the README's property-prediction table, end to end with the pipelines.
#
#   tests/bench/results.sh [-o OUTDIR] [-s "0 1 2"] [-d "bbbp bace ..."] [-P PRE_EPOCHS] [-E FT_EPOCHS]
#
# (a) `small` pretrained on corpus3d + PCQM4Mv2-2k (pipelines/preprocess + pipelines/pretrain),
# (b) the same model from scratch, (c) ECFP4 + random forest (tests/bench/baseline-rf.py), on
# ../shared/data: BBBP, BACE, Tox21 (ROC-AUC, scaffold split), ESOL, FreeSolv (RMSE, scaffold),
# QM9-6000 dipole and PCQM4Mv2-2k gap (MAE, 3D-only input, random split), seeds 0 1 2.
# Writes OUTDIR/results.md (the table) and every run's directory; prints the table last.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
P=$root/pipelines
D=${MB_DATA:-$root/../shared/data}
out=results-out seeds="0 1 2" sets="bbbp bace tox21 esol freesolv qm9 pcqm" pre_epochs=4 ft_epochs=30
threads=${THREADS:-$(nproc)}
while getopts "o:s:d:P:E:h" o; do
    case $o in
    o) out=$OPTARG ;; s) seeds=$OPTARG ;; d) sets=$OPTARG ;; P) pre_epochs=$OPTARG ;;
    E) ft_epochs=$OPTARG ;; h) sed -n '2,12p' "$0"; exit 0 ;; *) exit 2 ;;
    esac
done
[ -d "$D" ] || { echo "results.sh: no shared data at $D" >&2; exit 2; }
mkdir -p "$out"
log() { echo "results.sh: [$(date +%T)] $*" >&2; }

# dataset table: name file labels task mode split metric [ingest options]
spec() {
    case $1 in
    bbbp) echo "$D/moleculenet/bbbp.csv|p_np|classification|2d|scaffold|roc_auc|" ;;
    bace) echo "$D/moleculenet/bace.csv|Class|classification|2d|scaffold|roc_auc|--smiles-col mol" ;;
    tox21) echo "$D/moleculenet/tox21.csv|NR-AR,NR-AR-LBD,NR-AhR,NR-Aromatase,NR-ER,NR-ER-LBD,NR-PPAR-gamma,SR-ARE,SR-ATAD5,SR-HSE,SR-MMP,SR-p53|classification|2d|scaffold|roc_auc|" ;;
    esol) echo "$D/moleculenet/delaney.csv|logp|regression|2d|scaffold|rmse|" ;;
    freesolv) echo "$D/moleculenet/freesolv.csv|freesolv|regression|2d|scaffold|rmse|" ;;
    qm9) echo "$D/qm9/qm9_6000.extxyz.zst|mu|regression|3d|random|mae|--keep-h --perceive-bonds" ;;
    pcqm) echo "$D/pcqm4mv2/pcqm4mv2-2k.sdf.gz|homo_lumo_gap_ev|regression|3d|random|mae|" ;;
    *) echo "unknown dataset $1" >&2; exit 2 ;;
    esac
}

# (a) pretraining once
pre=$out/pretrain/pretrain.ckpt
if [ ! -s "$pre" ]; then
    log "preprocess corpus3d + PCQM4Mv2-2k"
    "$P/preprocess" -o "$out/shards" "$D"/corpus3d/*.sdf.zst "$D/pcqm4mv2/pcqm4mv2-2k.sdf.gz"
    log "pretrain small, $pre_epochs epochs"
    "$P/pretrain" -c small -e "$pre_epochs" -b 32 -l 2e-4 -t "$threads" -a 64 -o "$out/pretrain" \
        "$out"/shards/*.rel.mpk.zst 2> "$out/pretrain.log"
fi

for ds in $sets; do
    IFS='|' read -r file labels task mode splitk metric iopts <<< "$(spec "$ds")"
    for seed in $seeds; do
        for run in pretrained scratch; do
            dir=$out/$ds-$run-s$seed
            [ -s "$dir/results.json" ] && continue
            init=()
            [ $run = pretrained ] && init=(-i "$pre")
            log "$ds $run seed $seed"
            # shellcheck disable=SC2086
            "$P/finetune" -L "$labels" -T "$task" -m "$mode" -S "$splitk" -s "$seed" -c small \
                -e "$ft_epochs" -b 32 -l 1e-4 -t "$threads" -a 128 "${init[@]}" -o "$dir" "$file" \
                -- $iopts > "$dir.table" 2> "$dir.log" || { log "FAILED $dir (see $dir.log)"; continue; }
        done
    done
done

# (c) baseline: ECFP4 / Coulomb-matrix + random forest on the same splits (its own table)
[ -s "$out/baseline-rf.md" ] ||
    MB_DATA=$D bash "$root/tests/bench/baseline-rf.sh" > "$out/baseline-rf.md" 2> "$out/baseline-rf.log" ||
    log "baseline failed (see $out/baseline-rf.log)"

# table: mean ± std over seeds of the metric (macro ROC-AUC x100, RMSE, MAE)
{
    echo "| dataset (metric, split, input) | MoleBLEND small, pretrained | same, from scratch |"
    echo "|---|---|---|"
    for ds in $sets; do
        IFS='|' read -r file labels task mode splitk metric iopts <<< "$(spec "$ds")"
        row="| $ds ($metric, $splitk, $mode) |"
        for run in pretrained scratch; do
            vals=$(for seed in $seeds; do
                f=$out/$ds-$run-s$seed/results.json
                [ -s "$f" ] || continue
                if [ "$metric" = roc_auc ]; then jq -r '.macro.roc_auc * 100' "$f"
                else jq -r ".tasks | map(.$metric) | add / length" "$f"; fi
            done)
            row="$row $(echo "$vals" | awk 'NF { x[n++] = $1; s += $1 } END {
                if (!n) { print "n/a"; exit } m = s / n; v = 0
                for (i = 0; i < n; i++) v += (x[i] - m) ^ 2
                printf "%.3f ± %.3f (n=%d)", m, (n > 1 ? sqrt(v / (n - 1)) : 0), n }') |"
        done
        echo "$row"
    done
    echo
    echo "ECFP4 / Coulomb-matrix + random forest (tests/bench/baseline-rf.sh):"
    echo
    cat "$out/baseline-rf.md" 2>/dev/null || echo "(baseline not run)"
} > "$out/results.md"
cat "$out/results.md"
