#!/usr/bin/env bash
# Agreement of relation-build's OGB atom/bond features and shortest paths with RDKit 2022.09 +
# OGB's atom_to_feature_vector / bond_to_feature_vector on every molecule of the shared data:
# MoleculeNet CSVs through SMILES (Chem.MolFromSmiles), PCQM4Mv2 and sdf-3d through SDF
# (Chem.SDMolSupplier), and the multi-hop paths against a transcription of Graphormer's
# algos.floyd_warshall/gen_edge_input on the first --paths molecules of each set.
# The reference featurisation is written out in features-vs-rdkit.py.
#   BUILD=build-x tests/bench/features-vs-rdkit.sh [--limit N] [--paths N] [--top K] [--corpus3d K]
# Last line: "features: atoms <p>% bonds <q>% spd <r>%" (an atom counts only if all 9 features
# match, a bond only if all 3 do).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
BUILD=${BUILD:-build}
case $BUILD in /*) ;; *) BUILD=$root/$BUILD ;; esac
data=${MB_DATA:-$root/../shared/data}
[ -d "$data/moleculenet" ] || { echo "features-vs-rdkit: no shared data (set MB_DATA)" >&2; exit 77; }
/usr/bin/python3 -c 'import rdkit, msgpack, numpy' 2>/dev/null ||
    { echo "features-vs-rdkit: needs /usr/bin/python3 with rdkit, msgpack, numpy" >&2; exit 77; }
for t in conformer-ingest relation-build; do
    [ -x "$BUILD/bin/$t" ] || { echo "features-vs-rdkit: build $BUILD/bin/$t first" >&2; exit 1; }
done
exec /usr/bin/python3 "$here/features-vs-rdkit.py" "$BUILD/bin" "$data" "$@"
