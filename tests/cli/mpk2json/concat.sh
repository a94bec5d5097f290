# concatenated streams (plain + zstd + plain) read as one; several files; stdin
src=$(fixture good/ingest/records.jsonl)
json2mpk < "$src" > a.mpk
json2mpk --zstd < "$src" > b.mpk.zst
[ "$(head -c 4 b.mpk.zst | od -An -tx1 | tr -d ' ')" = "28b52ffd" ] || fail "--zstd did not compress"
cat a.mpk b.mpk.zst a.mpk | mpk2json > cat.jsonl
mpk2json a.mpk b.mpk.zst - < a.mpk > files.jsonl
cmp cat.jsonl files.jsonl || fail "stdin concatenation and file list differ"
[ "$(grep -c '"schema"' cat.jsonl)" -eq 3 ] || fail "expected 3 headers"
[ "$(grep -vc '"schema"' cat.jsonl)" -eq 9 ] || fail "expected 9 data records"
mpk2json a.mpk > one.jsonl
cat one.jsonl one.jsonl one.jsonl | cmp - cat.jsonl || fail "concatenation changed records"
