# a record with a NaN/Inf coordinate, a bond index out of range, an array of the wrong length,
# a non-array where an array belongs, a bad atom count: strict mode exits 1 naming the record;
# -k skips exactly that record, counts it (in = out + rejected) and exits 1
. "$(fixture bad/conformance/setup.sh)"
conf_inputs ckpt
n=$(count_recs rel.mpk)
bad=5
for kind in nan-pos inf-pos bond-range short-z long-pos str-z neg-n huge-n; do
    for t in relation-build blend-mask split encode train-step; do
        in=$(conf_input $t)
        fuzz-mol corrupt $kind $bad "$in" > c.mpk
        cmd=$(conf_cmd $t)
        rc=0; $cmd < c.mpk > out.bin 2> err.txt || rc=$?
        conf_nocrash $rc "$t on $kind"
        [ $rc -eq 1 ] || { cat err.txt >&2; fail "$t on record $bad with $kind: exit $rc, expected 1"; }
        grep_q "^$t: <stdin>: record $bad\b.*: " err.txt
        [ "$(grep -c "record [0-9]" err.txt)" -eq 1 ] || fail "$t $kind: more than one record blamed"
        rc=0; ${cmd/-q/-k} < c.mpk > out.bin 2> err.txt || rc=$?
        [ $rc -eq 1 ] || { cat err.txt >&2; fail "$t -k on $kind: exit $rc, expected 1"; }
        grep_q "^$t: <stdin>: record $bad\b.*: " err.txt
        case $t in
        train-step)
            grep_q "skipped: .* 1 bad" err.txt ;;
        *)
            conf_balanced err.txt $((n - 1)) 1
            [ "$(count_recs out.bin)" -eq $((n - 1)) ] || fail "$t -k $kind: records out" ;;
        esac
    done
done
# every tool that reads molecule streams passes untouched records through: mpk2json shows the
# corrupt value, mpk-shard copies it, neither complains (they do not interpret records)
fuzz-mol corrupt short-z $bad rel.mpk > c.mpk
expect_code 0 mpk-shard -q --take 0/1 < c.mpk > out.bin
cmp out.bin c.mpk || [ "$(count_recs out.bin)" -eq "$n" ] || fail "mpk-shard changed the stream"
# evaluate: a non-finite prediction is a numeric error (exit 4) naming the record; -k skips it
fuzz-mol corrupt nan-pred 3 pred.mpk > p.mpk
expect_code 4 evaluate --labels y p.mpk > /dev/null 2> err.txt
grep_q "record 3\b.*not finite" err.txt
expect_code 4 evaluate -k --labels y p.mpk > /dev/null 2> err.txt
conf_balanced err.txt 11 1
# a record that is not a map, and a map without n: exit 1 naming the record
printf '\x92\x01\x02' | cat rel.mpk - > notmap.mpk
for t in relation-build blend-mask split encode; do
    rc=0; $(conf_cmd $t) < notmap.mpk > /dev/null 2> err.txt || rc=$?
    [ $rc -eq 1 ] || { cat err.txt >&2; fail "$t on a non-map record: exit $rc"; }
    grep_q "record $n\b" err.txt
done
