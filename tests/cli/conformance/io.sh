# every tool reads stdin, '-' and named files alike; concatenated streams (a header again
# mid-stream) count every record; a missing input file exits 3 naming it
. "$(fixture bad/conformance/setup.sh)"
conf_inputs ckpt
for t in $ALL_TOOLS; do
    [ $t = ckpt-info ] && continue
    in=$(conf_input $t)
    cmd=$(conf_cmd $t)
    case $t in conformer-ingest) cp "$in" in.sdf; in=in.sdf ;; esac
    $cmd < "$in" > a.out 2> /dev/null
    $cmd - < "$in" > b.out 2> /dev/null
    cmp a.out b.out || fail "$t: stdin and '-' differ"
    [ $t = conformer-ingest ] || { $cmd "$in" > c.out 2> /dev/null; cmp a.out c.out || fail "$t: stdin and file differ"; }
    [ $t = train-step ] || [ -s a.out ] || fail "$t wrote nothing"
    expect_code 3 $cmd no-such-file < /dev/null > /dev/null 2> err.txt
    grep_q "^$t: .*no-such-file" err.txt
done
expect_code 3 ckpt-info no-such-file > /dev/null 2> err.txt
grep_q "^ckpt-info: .*no-such-file" err.txt
# two named files and a concatenated stream: every record once, in order
n=$(count_recs rel.mpk)
for t in relation-build blend-mask mpk-shard encode; do
    in=$(conf_input $t)
    cmd=$(conf_cmd $t)
    $cmd "$in" "$in" > two.out
    cat "$in" "$in" | $cmd > cat.out
    [ "$(count_recs two.out)" -eq $((2 * n)) ] || fail "$t FILE FILE: $(count_recs two.out) records"
    [ "$(count_recs cat.out)" -eq $((2 * n)) ] || fail "$t on cat FILE FILE: $(count_recs cat.out) records"
done
expect_code 0 mpk2json rel.mpk rel.mpk > two.jsonl
[ "$(grep -vc '"schema"' two.jsonl)" -eq $((2 * n)) ] || fail "mpk2json FILE FILE"
# a stream of another schema is refused (exit 1), not misread
printf '{"schema":"other.thing","version":1}\n{"a":1}\n' | json2mpk -q > other.mpk
for t in relation-build blend-mask split encode; do
    rc=0; $(conf_cmd $t) < other.mpk > /dev/null 2> err.txt || rc=$?
    [ $rc -eq 1 ] || { cat err.txt >&2; fail "$t on schema other.thing: exit $rc"; }
    grep_q "schema" err.txt
done
