# Shared helpers for pipelines/* (sourced). bash, set -euo pipefail in each script.
mb_here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
mb_root=$(cd "$mb_here/.." && pwd)
# Prefer the tools of this checkout's build, then PATH (make install).
if [ -x "$mb_root/build/bin/conformer-ingest" ]; then
    export PATH="$mb_root/build/bin:$PATH"
fi
mb_prog=$(basename "$0")
die() { echo "$mb_prog: $*" >&2; exit 2; }
note() { echo "$mb_prog: $*" >&2; }
need_tools() {
    for t in "$@"; do command -v "$t" >/dev/null 2>&1 || die "missing tool '$t' (run make, or make install)"; done
}
# count_records FILE...: number of data records (fast: no decoding of the arrays)
count_records() {
    mpk-shard -v --take 0/1 "$@" 2>&1 >/dev/null | sed -n 's/^mpk-shard: \([0-9][0-9]*\) records read.*/\1/p'
}
