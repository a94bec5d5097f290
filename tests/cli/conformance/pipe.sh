# stdout into a pipe closed early (| head -c 10): no hang, the tool ends by SIGPIPE (141) or
# exits 0, never another signal or exit code; and a closed pipe between two tools
. "$(fixture bad/conformance/setup.sh)"
conf_inputs ckpt
for t in $ALL_TOOLS; do
    [ $t = train-step ] && continue       # writes nothing on stdout
    cmd=$(conf_cmd $t)
    rc=0
    timeout -k 5 60 $cmd < "$(conf_input $t)" 2> err.txt | head -c 10 > /dev/null || rc=$?
    [ $rc -ne 124 ] && [ $rc -ne 137 ] || fail "$t | head -c 10: hangs"
    [ $rc -eq 0 ] || [ $rc -eq 141 ] || { cat err.txt >&2; fail "$t | head -c 10: exit $rc"; }
    if grep -q 'Sanitizer\|runtime error' err.txt; then cat err.txt >&2; fail "$t: sanitizer"; fi
done
# train-step's metrics into a closed pipe
rc=0
timeout -k 5 60 train-step -q --config tiny --batch 4 --steps 3 --log-every 1 --metrics /dev/stdout \
    bl.mpk 2> err.txt | head -c 10 > /dev/null || rc=$?
[ $rc -eq 0 ] || [ $rc -eq 141 ] || [ $rc -eq 3 ] || { cat err.txt >&2; fail "train-step metrics: exit $rc"; }
# a pipeline whose reader stops early: the writer upstream ends (no hang), the reader is intact
rc=0
timeout -k 5 60 relation-build -q mol.mpk | mpk-shard -q --take 0/1 | head -c 100 > /dev/null || rc=$?
[ $rc -eq 0 ] || [ $rc -eq 141 ] || fail "relation-build | mpk-shard | head: exit $rc"
# a reader whose writer dies mid-record sees a truncated stream (exit 1), not a hang
rc=0
timeout -k 5 60 bash -c 'head -c 5000 rel.mpk | blend-mask -q > out.bin' 2> err.txt || rc=$?
[ $rc -eq 1 ] || { cat err.txt >&2; fail "blend-mask on a cut pipe: exit $rc"; }
grep_q 'record 0: .*truncated' err.txt
