#!/usr/bin/env bash
# ingest benchmark: conformer-ingest vs RDKit (the anchor) on the same files.
#   tests/bench/ingest.sh [--quick]      (BUILD=build-dir, MB_DATA=/work/shared/data)
# Files: PCQM4Mv2-2k SDF, sdf-3d/*.sdf, corpus3d shards (2; --quick: 1), MoleculeNet CSVs
# (hiv only without --quick). Compressed inputs are decompressed to a temp dir first, so both
# sides read the same plain files. Speed: molecules per CPU second of conformer-ingest alone (best
# of 3 runs, output to /dev/null) vs RDKit SDMolSupplier (SDF, default sanitize+removeHs) / MolFromSmiles
# (CSV), timed inside Python. Agreement per molecule: heavy atoms, bonds and total H. Our H count
# needs the implicit-H valence model, which relation-build (perceive) applies: we compare the
# sum of OGB numH (af[9*i+4]) of `conformer-ingest | relation-build`; without relation-build
# only SDF H (explicit) are compared. Last line: "ingest: <x>x RDKit, agreement <p>%".
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
BUILD=${BUILD:-build}
case $BUILD in /*) ;; *) BUILD=$root/$BUILD ;; esac
bin=$BUILD/bin
data=${MB_DATA:-$root/../shared/data}
quick=0
[ "${1:-}" = "--quick" ] && quick=1
[ -x "$bin/conformer-ingest" ] || { echo "ingest: build first (make BUILD=...)" >&2; exit 2; }
[ -d "$data/pcqm4mv2" ] || { echo "ingest: no shared data at $data" >&2; exit 77; }
/usr/bin/python3 -c 'import rdkit, msgpack' 2>/dev/null || { echo "ingest: no python3 rdkit/msgpack" >&2; exit 77; }
export OPENBLAS_NUM_THREADS=1 LC_ALL=C
tmp=$(mktemp -d "${TMPDIR:-/tmp}/mbbench.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

files=()
zcat "$data/pcqm4mv2/pcqm4mv2-2k.sdf.gz" > "$tmp/pcqm4mv2-2k.sdf"; files+=("$tmp/pcqm4mv2-2k.sdf")
for f in "$data"/sdf-3d/*.sdf; do cp "$f" "$tmp/"; files+=("$tmp/$(basename "$f")"); done
shards=("$data"/corpus3d/corpus3d-0-000.sdf.zst "$data"/corpus3d/corpus3d-1-000.sdf.zst)
[ $quick -eq 1 ] && shards=("${shards[0]}")
for f in "${shards[@]}"; do
    b=$(basename "$f" .zst); zstd -q -d -c "$f" > "$tmp/$b"; files+=("$tmp/$b")
done
for f in bbbp bace tox21 delaney freesolv; do
    cp "$data/moleculenet/$f.csv" "$tmp/"; files+=("$tmp/$f.csv")
done
if [ $quick -eq 0 ]; then zcat "$data/moleculenet/hiv.csv.gz" > "$tmp/hiv.csv"; files+=("$tmp/hiv.csv"); fi

# speed: conformer-ingest alone, best of 3, CPU seconds (user+sys: robust on a loaded machine;
# RDKit is timed with process_time, also CPU seconds)
best=
for run in 1 2 3; do
    /usr/bin/time -f '%U %S' -o "$tmp/time" "$bin/conformer-ingest" -q -k "${files[@]}" > /dev/null || true
    t=$(awk '{print $1 + $2}' "$tmp/time")
    if [ -z "$best" ] || [ "$(echo "$t < $best" | bc -l)" -eq 1 ]; then best=$t; fi
done
# records for the comparison (each file separately so a reject never stops the others)
: > "$tmp/ours.mpk"
hflag=()
if [ -x "$bin/relation-build" ]; then
    echo "H counts: conformer-ingest | relation-build (OGB numH af[9*i+4], implicit-H valence model)"
    for f in "${files[@]}"; do
        "$bin/conformer-ingest" -q -k "$f" 2>/dev/null |
            "$bin/relation-build" -q -k --no-paths --no-dist >> "$tmp/ours.mpk" 2>/dev/null || true
    done
else
    echo "H counts: relation-build not built; comparing explicit H of SDF input only (nh)"
    hflag=(--no-h)
    for f in "${files[@]}"; do "$bin/conformer-ingest" -q -k "$f" >> "$tmp/ours.mpk" 2>/dev/null || true; done
fi
out=$(/usr/bin/python3 "$root/tests/bench/ingest_rdkit.py" --ours "$tmp/ours.mpk" --ours-secs "$best" \
      "${hflag[@]}" "${files[@]}" | sed "s|$tmp/||g")
echo "$out" | grep -v '^rdkit_secs='
last=$(echo "$out" | grep '^rdkit_secs=')
rsecs=$(echo "$last" | sed 's/.*rdkit_secs=\([0-9.]*\).*/\1/')
mols=$(echo "$last" | sed 's/.*mols=\([0-9]*\).*/\1/')
agree=$(echo "$last" | sed 's/.*agree=\([0-9]*\).*/\1/')
printf 'conformer-ingest: %d molecules in %.3f CPU s = %.0f mol/s; RDKit: %.3f CPU s = %.0f mol/s\n' \
    "$mols" "$best" "$(echo "$mols / $best" | bc -l)" "$rsecs" "$(echo "$mols / $rsecs" | bc -l)"
printf 'ingest: %.1fx RDKit, agreement %.2f%%\n' "$(echo "$rsecs / $best" | bc -l)" \
    "$(echo "100 * $agree / $mols" | bc -l)"
