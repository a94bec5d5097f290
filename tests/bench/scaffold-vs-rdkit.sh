#!/usr/bin/env bash
# Agreement of `split --scaffold` scaffold groups with RDKit MurckoScaffoldSmiles on the shared
# MoleculeNet sets. Needs a built tree (BUILD=build by default), /usr/bin/python3 with rdkit.
#   BUILD=build-x tests/bench/scaffold-vs-rdkit.sh [--hiv]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
BUILD=${BUILD:-build}
case $BUILD in /*) ;; *) BUILD=$root/$BUILD ;; esac
data=${MB_DATA:-$root/../shared/data}
[ -d "$data/moleculenet" ] || { echo "scaffold-vs-rdkit: no shared data (set MB_DATA)" >&2; exit 77; }
/usr/bin/python3 -c 'import rdkit' 2>/dev/null || { echo "scaffold-vs-rdkit: no rdkit" >&2; exit 77; }
tmp=$(mktemp -d "${TMPDIR:-/tmp}/scafbench.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
sets="bbbp:bbbp.csv:smiles bace:bace.csv:mol tox21:tox21.csv:smiles esol:delaney.csv:smiles freesolv:freesolv.csv:smiles"
[ "${1:-}" = --hiv ] && sets="$sets hiv:hiv.csv.gz:smiles"
echo "| set | molecules | groups ours / RDKit | molecules with identical group | Rand index | adjusted Rand | same split label | split s |"
echo "|---|---|---|---|---|---|---|---|"
for s in $sets; do
    IFS=: read -r name file col <<<"$s"
    "$BUILD/bin/conformer-ingest" -q "$data/moleculenet/$file" > "$tmp/$name.mpk"
    t0=$(date +%s.%N)
    "$BUILD/bin/split" --scaffold --groups "$tmp/$name.tsv" "$tmp/$name.mpk" > /dev/null 2> "$tmp/$name.err" || {
        cat "$tmp/$name.err" >&2; echo "split failed on $name" >&2; exit 1; }
    t1=$(date +%s.%N)
    row=$(/usr/bin/python3 "$here/scaffold-vs-rdkit.py" "$name" "$tmp/$name.tsv" "$data/moleculenet/$file" "$col")
    echo "$row $(echo "$t1 - $t0" | bc | xargs printf '%.2f') |"
done
