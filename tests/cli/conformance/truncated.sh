# every stream tool on a msgpack stream cut inside the header, inside a record's scalars, inside
# a typed (ext) array and one byte before the end: exit 1 naming the record, no crash, and the
# records before the cut come out intact (filters) -- nothing corrupt, nothing dropped silently
. "$(fixture bad/conformance/setup.sh)"
conf_inputs ckpt
for t in $STREAM_TOOLS; do
    in=$(conf_input $t)
    fuzz-mol offsets "$in" > offs.txt
    nhdr=$(mpk2json "$in" | grep -c '"schema"' || true)  # header records, all at the top
    nrec=$(($(wc -l < offs.txt) - nhdr))
    [ $nrec -ge 4 ] || fail "$in: only $nrec records"
    # cut points "offset record-index": in the first object (header), record 1 near its start,
    # record 2 in the middle of its arrays (typed arrays are the bulk of a record), last byte
    set -- $(sed -n $((nhdr + 2))p offs.txt)
    cuts="5:0 $(($1 + 7)):1"
    set -- $(sed -n $((nhdr + 3))p offs.txt)
    cuts="$cuts $(($1 + ($2 - $1) * 3 / 5)):2"
    set -- $(tail -n 1 offs.txt)
    cuts="$cuts $(($2 - 1)):$((nrec - 1))"
    for c in $cuts; do
        off=${c%:*} idx=${c#*:}
        fuzz-mol truncate $off "$in" > cut.mpk
        rc=0; $(conf_cmd $t) < cut.mpk > out.bin 2> err.txt || rc=$?
        conf_nocrash $rc "$t on $in cut at $off"
        [ $rc -eq 1 ] || { cat err.txt >&2; fail "$t on $in cut at $off: exit $rc, expected 1"; }
        grep_q "^$t: <stdin>: record $idx: .*truncated" err.txt
        case $t in
        relation-build | blend-mask | encode | mpk-shard)
            # streaming filters: the complete records before the cut are all written, valid
            got=$(mpk2json < out.bin | grep -vc '"schema"' || true)
            [ "$got" -eq "$idx" ] || fail "$t cut at $off (record $idx): $got records out" ;;
        mpk2json)
            got=$(grep -vc '"schema"' out.bin || true)
            [ "$got" -eq "$idx" ] || fail "$t cut at $off (record $idx): $got records out" ;;
        esac
    done
done
# -k: a truncated last record: the others pass; the cut is reported; a summary, if printed
# (the tools print one only when a record was rejected), adds up
fuzz-mol truncate -1 rel.mpk > cut.mpk
n=$(count_recs rel.mpk)
for t in relation-build blend-mask encode; do
    cmd=$(conf_cmd $t)
    expect_code 1 ${cmd/-q/-k} < cut.mpk > out.bin 2> err.txt
    grep_q "record $((n - 1)): .*truncated" err.txt
    if grep -q 'records in' err.txt; then
        s=$(conf_summary err.txt); set -- $s
        [ $1 -eq $(($2 + $3)) ] && [ $2 -eq $((n - 1)) ] || fail "$t -k: summary '$s'"
    fi
    [ "$(count_recs out.bin)" -eq $((n - 1)) ] || fail "$t -k: wrong record count out"
done
# a truncated zstd stream: exit 1 (bad data) naming the record, never a crash
blend-mask -q --zstd 3 rel.mpk > z.mpk
sz=$(wc -c < z.mpk)
for off in 3 20 $((sz / 2)) $((sz - 3)); do
    fuzz-mol truncate $off z.mpk > cut.mpk
    for t in blend-mask mpk2json mpk-shard; do
        rc=0; $(conf_cmd $t) < cut.mpk > /dev/null 2> err.txt || rc=$?
        conf_nocrash $rc "$t on zstd stream cut at $off"
        [ $rc -eq 1 ] || { cat err.txt >&2; fail "$t on zstd cut at $off: exit $rc, expected 1"; }
        grep_q "record [0-9]*: " err.txt
    done
done
# a stream of only part of a header, and an empty stream: empty input is no error
printf '\x83\xa6sch' > hdr.mpk
for t in $STREAM_TOOLS; do
    [ $t = train-step ] && continue
    rc=0; $(conf_cmd $t) < hdr.mpk > /dev/null 2> err.txt || rc=$?
    [ $rc -eq 1 ] || { cat err.txt >&2; fail "$t on a cut header: exit $rc"; }
    grep_q "record 0: " err.txt
done
# several inputs (rec_inputs): a truncated first file stops a strict run there (exit 1, the
# complete records before the cut written); with -k the next file is read too (exit 1)
fuzz-mol truncate -1 rel.mpk > cut.mpk
n=$(count_recs rel.mpk)
for t in relation-build blend-mask encode split; do
    cmd=$(conf_cmd $t)
    [ $t = relation-build ] && { fuzz-mol truncate -1 mol.mpk > cut.mpk; n=$(count_recs mol.mpk); }
    [ $t = blend-mask ] && { fuzz-mol truncate -1 rel.mpk > cut.mpk; n=$(count_recs rel.mpk); }
    good=$(conf_input $t)
    expect_code 1 $cmd cut.mpk "$good" > out.bin 2> err.txt
    grep_q "^$t: cut.mpk: record $((n - 1)): .*truncated" err.txt
    [ $t = split ] || [ "$(count_recs out.bin)" -eq $((n - 1)) ] || fail "$t strict: records out"
    expect_code 1 ${cmd/-q/-k} cut.mpk "$good" > out.bin 2> err.txt
    grep_q "^$t: cut.mpk: record $((n - 1)): .*truncated" err.txt
    [ "$(count_recs out.bin)" -eq $((2 * n - 1)) ] || fail "$t -k: $(count_recs out.bin) records out, want $((2 * n - 1))"
done
