#!/usr/bin/env bash
# Stereochemistry (common/stereo.c) against RDKit 2022.09 on every molecule of the shared data.
#   BUILD=build-x tests/bench/stereo-vs-rdkit.sh [--pipeline] [--limit N] [--sets a,b] [--top K]
# Default (isolated): tests/tools/stereo-rd gets RDKit's own graph and perception, so the numbers
# measure the stereo rules alone (chirality per atom, bond stereo per bond, legacy CIP ranks per
# molecule). --pipeline: conformer-ingest | relation-build against RDKit reading the same files.
# Prints a per-set table, the totals and the most frequent disagreement patterns with examples.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
BUILD=${BUILD:-build}
case $BUILD in /*) ;; *) BUILD=$root/$BUILD ;; esac
data=${MB_DATA:-$root/../shared/data}
[ -d "$data/moleculenet" ] || { echo "stereo-vs-rdkit: no shared data (set MB_DATA)" >&2; exit 77; }
/usr/bin/python3 -c 'import rdkit, msgpack' 2>/dev/null ||
    { echo "stereo-vs-rdkit: needs /usr/bin/python3 with rdkit, msgpack" >&2; exit 77; }
pipeline=0
for a in "$@"; do [ "$a" = --pipeline ] && pipeline=1; done
if [ $pipeline = 1 ]; then
    for t in conformer-ingest relation-build mpk2json; do
        [ -x "$BUILD/bin/$t" ] ||
            { echo "stereo-vs-rdkit: $BUILD/bin/$t missing (make BUILD=...)" >&2; exit 2; }
    done
    exec env MB_DATA="$data" /usr/bin/python3 "$here/stereo-vs-rdkit.py" --bin "$BUILD/bin" "$@"
fi
[ -x "$BUILD/tests/tools/stereo-rd" ] ||
    { echo "stereo-vs-rdkit: no $BUILD/tests/tools/stereo-rd (make BUILD=... check-build)" >&2
      exit 2; }
exec env MB_DATA="$data" /usr/bin/python3 "$here/stereo-vs-rdkit.py" --bin "$BUILD/tests/tools" "$@"
