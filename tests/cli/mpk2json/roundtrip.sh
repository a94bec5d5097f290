# json2mpk | mpk2json: golden JSON text, then bit-exact msgpack round trip (plain and --pretty)
src=$(fixture good/ingest/records.jsonl)
json2mpk < "$src" > a.mpk
mpk2json a.mpk > a.jsonl
golden roundtrip.jsonl a.jsonl
# the printed text converts back to the same bytes (floats, typed arrays, key order)
json2mpk < a.jsonl > b.mpk
cmp a.mpk b.mpk || fail "mpk2json | json2mpk is not bit-exact"
mpk2json --pretty a.mpk > p.json
[ "$(wc -l < p.json)" -gt 8 ] || fail "--pretty did not indent"
json2mpk < p.json > c.mpk
cmp a.mpk c.mpk || fail "--pretty output does not convert back bit-exactly"
# typed keys become typed ext objects: {"n":1,"z":[6]} = 82 a1 6e 01 a1 7a d4 10 06 (fixext1 u8)
echo '{"n":1,"z":[6]}' | json2mpk | od -An -tx1 | tr -d ' \n' > bytes.txt
[ "$(cat bytes.txt)" = "82a16e01a17ad41006" ] || fail "z not packed as u8 ext: $(cat bytes.txt)"
# f32 pos: 0.1 -> float 0x3dcccccd, ext 0x16 with 4 bytes (fixext4 d6)
echo '{"pos":[0.1]}' | json2mpk | od -An -tx1 | tr -d ' \n' > bytes.txt
[ "$(cat bytes.txt)" = "81a3706f73d616cdcccc3d" ] || fail "pos not packed as f32 ext: $(cat bytes.txt)"
# unknown keys stay plain msgpack arrays (93 = fixarray 3)
echo '{"foo":[1,2,3]}' | json2mpk | od -An -tx1 | tr -d ' \n' > bytes.txt
[ "$(cat bytes.txt)" = "81a3666f6f93010203" ] || fail "unknown key changed: $(cat bytes.txt)"
# headers: kept by default, dropped by --no-header; counts
[ "$(mpk2json a.mpk | grep -c '"schema"')" -eq 1 ] || fail "header not printed"
[ "$(mpk2json --no-header a.mpk | grep -c '"schema"' || true)" -eq 0 ] || fail "--no-header kept it"
[ "$(mpk2json --no-header a.mpk | wc -l)" -eq 3 ] || fail "expected 3 data records"
# negative zero survives (f32 array, float scalar, and the integer-looking "-0")
printf '{"pos":[-0.0,0,-0],"x":-0.0}\n' | json2mpk > z.mpk
od -An -tx1 z.mpk | tr -d ' \n' > bytes.txt
[ "$(cat bytes.txt)" = "82a3706f73c70c16000000800000000000000080a178cb8000000000000000" ] ||
    fail "-0: $(cat bytes.txt)"
[ "$(mpk2json z.mpk)" = '{"pos":[-0,0,-0],"x":-0.0}' ] || fail "-0 printed as $(mpk2json z.mpk)"
