# a short deterministic run of the mutation fuzzer over every tool (the long run:
# BUILD=build-san bash tests/data/bad/conformance/fuzz.sh 2000): every exit must be 0..4,
# no hang, no sanitizer report
. "$(fixture bad/conformance/setup.sh)"
n=16
[ -z "${MB_SAN:-}" ] || n=6
BUILD=$MB_BUILD bash "$(fixture bad/conformance/fuzz.sh)" $n "$PWD/repro" > table.txt 2>&1 || {
    cat table.txt >&2
    for f in repro/*.cmd; do [ -f "$f" ] && { cat "$f"; head -n 20 "${f%.cmd}.err"; } >&2; done
    fail "fuzz: bad runs (repros above)"
}
