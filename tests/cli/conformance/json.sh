# json2mpk / mpk2json / mpk-shard on broken input: truncated JSON lines, bad values, garbage;
# counts add up, records named by line and record number
. "$(fixture bad/conformance/setup.sh)"
conf_inputs
n=$(grep -vc '"schema"' mol.jsonl)
# a JSON Lines file cut in the middle of a record: the records before it are converted
sz=$(wc -c < mol.jsonl)
for off in 30 $((sz / 3)) $((sz - 2)); do
    head -c $off mol.jsonl > t.jsonl
    lines=$(wc -l < t.jsonl)                 # complete lines; the cut one is line lines+1
    expect_code 1 json2mpk t.jsonl > o.mpk 2> err.txt
    grep_q "t.jsonl: line $((lines + 1)): record [0-9]*: " err.txt
    expect_code 1 json2mpk -k t.jsonl > o.mpk 2> err.txt
    s=$(conf_summary err.txt); set -- $s
    [ $1 -eq $(($2 + 1)) ] && [ $3 -eq 1 ] || fail "json2mpk -k cut at $off: summary '$s'"
    [ "$(count_recs o.mpk)" -eq $2 ] || fail "json2mpk -k: $2 written, stream has $(count_recs o.mpk)"
done
# values that do not fit their typed array, numbers JSON cannot hold, garbage: rejected by line
sed -e '3s/"z":\[/"z":[300,/' -e '5s/"pos":\[/"pos":[1e999,/' -e '7s/"bonds":\[/"bonds":["x",/' \
    -e '9s/^{/\x01{/' mol.jsonl > bad.jsonl
expect_code 1 json2mpk -k bad.jsonl > o.mpk 2> err.txt
for l in 3 5 7 9; do grep_q "line $l: record $((l - 2)): " err.txt; done
conf_balanced err.txt $((n - 4)) 4
# garbage, NUL bytes, an empty file: no crash, exit 0 or 1
head -c 3000 /dev/urandom > g.bin
printf '{"a":1}\n\000\000\n{"b":2}\n' > nul.jsonl
: > empty.jsonl
for f in g.bin nul.jsonl empty.jsonl; do
    rc=0; json2mpk -k $f > o.mpk 2> err.txt || rc=$?
    [ $rc -le 1 ] || { cat err.txt >&2; fail "json2mpk on $f: exit $rc"; }
done
# (random bytes as msgpack may declare a 4-billion-element array: see open-issues.sh)
for f in "$CONF_SDF" nul.jsonl empty.jsonl; do
    rc=0; mpk2json $f > o.txt 2> err.txt || rc=$?
    [ $rc -le 1 ] || { cat err.txt >&2; fail "mpk2json on $f: exit $rc"; }
    rc=0; mpk-shard -q --take 0/1 $f > o.mpk 2> err.txt || rc=$?
    [ $rc -le 1 ] || { cat err.txt >&2; fail "mpk-shard on $f: exit $rc"; }
done
expect_code 1 json2mpk -k nul.jsonl > o.mpk 2> /dev/null
[ "$(count_recs o.mpk)" -eq 2 ] || fail "json2mpk: NUL line lost a good record"
# the round trip of the valid stream is exact
json2mpk -q mol.jsonl | mpk2json > back.jsonl
cmp mol.jsonl back.jsonl || fail "mpk2json | json2mpk | mpk2json changed the records"
