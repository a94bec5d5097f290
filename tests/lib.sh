# Helpers for CLI cases (sourced by tests/run.sh, after set -eu -o pipefail).
# Each case runs in its own scratch dir (cwd). Variables: MB_ROOT, MB_BUILD, MB_DATA, CASE_DIR, CASE.
# Exit 0 = pass, 77 = skip (last line of output is the reason), anything else = fail.

fail() { echo "FAIL: $*" >&2; exit 1; }
skip() { echo "$*"; exit 77; }

# need_data REL...: skip unless every $MB_DATA/REL exists
need_data() { for p in "$@"; do [ -e "$MB_DATA/$p" ] || skip "no shared data $p"; done; }
# need_py MODULE...: skip unless /usr/bin/python3 imports every module
need_py() { for m in "$@"; do /usr/bin/python3 -c "import $m" 2>/dev/null || skip "no python3 module $m"; done; }
need_cmd() { for c in "$@"; do command -v "$c" >/dev/null 2>&1 || skip "no command $c"; done; }

# expect_code N cmd...: run cmd, its exit status must be N; a death by signal always fails.
expect_code() {
    local want=$1 rc=0; shift
    "$@" || rc=$?
    [ $rc -lt 128 ] || fail "'$*' died by signal (exit $rc)"
    [ $rc -eq "$want" ] || fail "'$*' exited $rc, expected $want"
}

# golden NAME FILE: compare FILE with $CASE_DIR/NAME (UPDATE=1 rewrites it)
golden() {
    local g=$CASE_DIR/$1
    if [ -n "${UPDATE:-}" ]; then cp "$2" "$g"; echo "updated $g"; return 0; fi
    [ -f "$g" ] || fail "missing golden file $g (run with UPDATE=1)"
    diff -u "$g" "$2" >&2 || fail "output differs from $1"
}

# grep_q PATTERN FILE: like grep -q but shows the file on failure
grep_q() { grep -q -- "$1" "$2" || { cat "$2" >&2; fail "no '$1' in $2"; }; }

# count_recs FILE: number of data records in a msgpack stream
count_recs() { mpk2json < "$1" | grep -vc '"schema"' || true; }

# fixture NAME: path of tests/data/NAME
fixture() { echo "$MB_ROOT/tests/data/$1"; }
