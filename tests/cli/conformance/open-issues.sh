# problems reported to their owners (/work/notes/conformance.md): each check passes once fixed;
# while any is open the case SKIPs naming them. A crash (signal) always fails.
. "$(fixture bad/conformance/setup.sh)"
open=""
# check NAME WANT CMD...: CMD must exit WANT
check() {
    local name=$1 want=$2 rc=0; shift 2
    ASAN_OPTIONS=$ASAN_OPTIONS:allocator_may_return_null=1 "$@" > /dev/null 2> err.txt || rc=$?
    [ $rc -lt 128 ] || { cat err.txt >&2; fail "$name: died by signal (exit $rc)"; }
    [ $rc -eq "$want" ] || open="$open $name(exit $rc)"
}
# 1. a 5-byte stream declaring a 4-billion-element array: bad data (1), not out of memory (3)
d=$(fixture bad/conformance)
for t in mpk2json relation-build; do check "huge-array-$t" 1 $t "$d/huge-array.mpk"; done
# 2. a record nested 32 levels deep: bad data (1), not out of memory (3)
check deep-nesting 1 mpk2json "$d/deep-nesting.mpk"
# 3. relation-build: finite but huge coordinates (3e38) give Inf distances, written silently
conf_inputs
json2mpk -q "$d/huge-pos.jsonl" > bigpos.mpk
rc=0; relation-build -q bigpos.mpk > bigrel.mpk 2> err.txt || rc=$?
[ $rc -lt 128 ] || fail "relation-build on huge coordinates: died by signal"
if [ $rc -eq 0 ]; then
    mpk2json bigrel.mpk > /dev/null 2> err.txt
    ! grep -q 'NaN/Inf' err.txt || open="$open relation-build-inf-dist"
fi
# 4. train-step: the same huge coordinate in a blend-mask record: rejected (1), not a NaN
# gradient (4)
mpk2json bl.mpk | sed '3s/"pos":\[[-0-9.]*,[-0-9.]*,[-0-9.]*/"pos":[3e38,3e38,-3e38/' | json2mpk -q > bigbl.mpk
check train-step-huge-pos 1 train-step -q -k --config tiny --batch 2 --steps 2 --shuffle 0 bigbl.mpk
[ -z "$open" ] || skip "open issues (notes/conformance.md):$open"
