#!/usr/bin/env bash
# ECFP4 / Coulomb-matrix + random forest baselines (tests/bench/baseline-rf.py) on the shared data.
#   tests/bench/baseline-rf.sh [--hiv] [--trees N] [--seeds 0,1,2] [--sets bbbp,..]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
data=${MB_DATA:-$here/../../../shared/data}
[ -d "$data/moleculenet" ] || { echo "baseline-rf: no shared data in $data (set MB_DATA)" >&2; exit 77; }
/usr/bin/python3 -c 'import rdkit, sklearn, numpy' 2>/dev/null ||
    { echo "baseline-rf: needs /usr/bin/python3 with rdkit, sklearn, numpy" >&2; exit 77; }
exec /usr/bin/python3 "$here/baseline-rf.py" --data "$data" "$@"
