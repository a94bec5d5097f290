# one case per bug found by the conformance work (fixtures in tests/data/bad/conformance/)
. "$(fixture bad/conformance/setup.sh)"
d=$(fixture bad/conformance)
# NUL byte inside a SMILES line: rejected by number, not read as a shorter molecule
expect_code 1 conformer-ingest -k "$d/nul-byte.smi" > o.mpk 2> err.txt
grep_q 'record 1 (line 2): NUL byte' err.txt
conf_balanced err.txt 2 1
# -q still names a rejected record (it used to print nothing and exit 1)
expect_code 1 conformer-ingest -q "$d/nul-byte.smi" > /dev/null 2> err.txt
grep_q 'record 1 (line 2): ' err.txt
# a coordinate beyond float range: rejected, never +Inf in 'pos'
expect_code 1 conformer-ingest -k "$d/huge-coord.xyz" > o.mpk 2> err.txt
grep_q 'record 0 (line 4): coordinate .1e39. out of range' err.txt
mpk2json o.mpk > o.jsonl 2> err.txt
! grep -q 'NaN/Inf' err.txt || fail "Inf coordinate written"
# a JSON number beyond double range: rejected by json2mpk
expect_code 1 json2mpk -k "$d/json-inf.jsonl" > o.mpk 2> err.txt
grep_q "line 1: record 0: number '1e999' out of range" err.txt
[ "$(count_recs o.mpk)" -eq 1 ] || fail "json2mpk lost the good record"
# no tool crashes on the open-issue fixtures (their exit codes are checked in open-issues.sh)
json2mpk -q "$d/huge-pos.jsonl" > hp.mpk
for f in "$d/huge-array.mpk" "$d/deep-nesting.mpk" hp.mpk; do
    for t in mpk2json relation-build mpk-shard; do
        # (ASan: a failed huge malloc returns NULL, as without ASan, instead of aborting)
        rc=0; ASAN_OPTIONS=$ASAN_OPTIONS:allocator_may_return_null=1 $t "$f" > /dev/null 2> err.txt \
            || rc=$?
        conf_nocrash $rc "$t $(basename "$f")"
    done
done
# empty strings (msgpack may hand them over as a NULL pointer): UB in mpk2json's put_str (UBSan)
expect_code 0 mpk2json "$d/empty-str.mpk" > o.jsonl
[ "$(cat o.jsonl)" = '{"":1,"a":""}' ] || fail "mpk2json empty strings: $(cat o.jsonl)"
# fixed after the conformance report (notes/conformance.md 1, 2, 5): hard checks now
# a 5-byte stream declaring a 4-billion-element array: bad data, not out of memory
for t in mpk2json relation-build; do
    expect_code 1 $t "$d/huge-array.mpk" > /dev/null 2> err.txt
    grep_q "record 0: " err.txt
done
# a record nested 32 levels deep: bad data naming the record
expect_code 1 mpk2json "$d/deep-nesting.mpk" > /dev/null 2> err.txt
grep_q "record 0: .*nesting" err.txt
# finite but huge coordinates (3e38): rejected by relation-build, never Inf distances
json2mpk -q "$d/huge-pos.jsonl" > bigpos.mpk
expect_code 1 relation-build -k bigpos.mpk > bigrel.mpk 2> err.txt
grep_q "record 1 (id=huge): " err.txt
conf_balanced err.txt 1 1
# the same coordinate in a blend-mask record: train-step rejects it (1), no NaN gradient (4)
conf_inputs
mpk2json bl.mpk | sed '3s/"pos":\[[-0-9.]*,[-0-9.]*,[-0-9.]*/"pos":[3e38,3e38,-3e38/' |
    json2mpk -q > bigbl.mpk
expect_code 1 train-step -q -k --config tiny --batch 2 --steps 2 --shuffle 0 bigbl.mpk 2> err.txt
grep_q "record 1\b" err.txt
