#!/usr/bin/env bash
# Test runner: every unit binary in $BUILD/tests and every CLI case tests/cli/<tool>/<case>.sh.
# Prints "ok N - name" / "not ok N - name" / "ok N - name # SKIP why" and ends with the line
# "N passed, N failed, N skipped". Exit status 1 if anything failed.
#   tests/run.sh [pattern]   run only tests whose name contains pattern
#   UPDATE=1                 regenerate golden files of CLI cases
#   VERBOSE=1                show output of passing tests too
set -u
root=$(cd "$(dirname "$0")/.." && pwd)
BUILD=${BUILD:-build}
case $BUILD in /*) ;; *) BUILD=$root/$BUILD ;; esac
pat=${1:-}
export MB_ROOT=$root MB_BUILD=$BUILD
if [ -z "${MB_DATA:-}" ]; then
    for d in "$root/../shared/data" "$root/../../shared/data"; do
        [ -d "$d" ] && { MB_DATA=$(cd "$d" && pwd); break; }
    done
fi
export MB_DATA=${MB_DATA:-/nonexistent}
export PATH="$BUILD/bin:$BUILD/tests/tools:$PATH"
export OPENBLAS_NUM_THREADS=1 LC_ALL=C
# under the sanitizers a report must not pass for "bad data" (exit 1)
if [ -n "${MB_SAN:-}" ]; then
    export ASAN_OPTIONS=${ASAN_OPTIONS:-exitcode=86} UBSAN_OPTIONS=${UBSAN_OPTIONS:-exitcode=87:print_stacktrace=1}
fi
out=$(mktemp -d "${TMPDIR:-/tmp}/mbtest.XXXXXX")
trap 'rm -rf "$out"' EXIT
n=0 pass=0 failc=0 skip=0

report() { # status name detail-file
    n=$((n + 1))
    case $1 in
    pass) pass=$((pass + 1)); echo "ok $n - $2"; [ -n "${VERBOSE:-}" ] && sed 's/^/#   /' "$3" ;;
    skip) skip=$((skip + 1)); echo "ok $n - $2 # SKIP $(tail -n 1 "$3" | tr -d '\n')" ;;
    *) failc=$((failc + 1)); echo "not ok $n - $2"; tail -n 40 "$3" | sed 's/^/#   /' ;;
    esac
}

# unit binaries: a binary prints "ok - x"/"not ok - x" lines; each counts as one test
for t in "$BUILD"/tests/test-*; do
    [ -x "$t" ] || continue
    name=unit/$(basename "$t")
    case $name in *"$pat"*) ;; *) continue ;; esac
    log=$out/$(basename "$t").log
    (cd "$out" && "$t") >"$log" 2>&1
    rc=$?
    if [ $rc -eq 77 ]; then report skip "$name" "$log"; continue; fi
    sub=0
    while IFS= read -r line; do
        case $line in
        "ok - "*) report pass "$name: ${line#ok - }" /dev/null; sub=1 ;;
        "not ok - "*) echo "$line" >"$log.one"; grep -v '^ok - ' "$log" >>"$log.one"
                      report fail "$name: ${line#not ok - }" "$log.one"; sub=1 ;;
        "skip - "*) echo "${line#skip - }" >"$log.one"; report skip "$name" "$log.one"; sub=1 ;;
        esac
    done <"$log"
    if [ $rc -ne 0 ]; then
        echo "exit status $rc" >>"$log"
        report fail "$name (exit $rc)" "$log"
    elif [ $sub -eq 0 ]; then
        report pass "$name" "$log"
    fi
done

# CLI and pipeline cases
for c in $(cd "$root/tests/cli" 2>/dev/null && ls */*.sh 2>/dev/null | sort); do
    name=cli/${c%.sh}
    case $name in *"$pat"*) ;; *) continue ;; esac
    [ -n "${MB_SAN:-}" ] && grep -q '^# nosan' "$root/tests/cli/$c" && continue
    scratch=$out/case.$n
    mkdir -p "$scratch"
    log=$scratch.log
    (cd "$scratch" && CASE_DIR="$root/tests/cli/$(dirname "$c")" CASE="$(basename "$c" .sh)" \
        bash -c 'set -eu -o pipefail; . "$MB_ROOT/tests/lib.sh"; . "$CASE_DIR/$CASE.sh"' </dev/null) >"$log" 2>&1
    rc=$?
    if [ $rc -eq 0 ]; then report pass "$name" "$log"
    elif [ $rc -eq 77 ]; then report skip "$name" "$log"
    else echo "exit status $rc" >>"$log"; report fail "$name" "$log"; fi
    rm -rf "$scratch"
done

echo "$pass passed, $failc failed, $skip skipped"
[ $failc -eq 0 ] && [ $n -gt 0 ]
