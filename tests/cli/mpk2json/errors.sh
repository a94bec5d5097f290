# truncated / malformed input -> exit 1 naming the record; /dev/full -> 3; missing file -> 3;
# bad JSON -> exit 1 naming the line; out-of-range typed values; NaN printed as null + warning
src=$(fixture good/ingest/records.jsonl)
json2mpk < "$src" > a.mpk
head -c $(( $(wc -c < a.mpk) - 5 )) a.mpk > trunc.mpk
expect_code 1 mpk2json trunc.mpk > out.jsonl 2> err.txt
grep_q 'trunc.mpk: record 2: truncated record at end of stream' err.txt
[ "$(wc -l < out.jsonl)" -eq 3 ] || fail "records before the truncation should be printed"
expect_code 1 mpk2json "$(fixture bad/ingest/truncated.mpk)" > out.jsonl 2> err.txt
grep_q 'record 1: truncated' err.txt
printf '\xc1' > bad.mpk
expect_code 1 mpk2json bad.mpk > out.jsonl 2> err.txt
grep_q 'malformed msgpack' err.txt
expect_code 3 mpk2json a.mpk > /dev/full 2> err.txt
expect_code 3 mpk2json no-such.mpk > out.jsonl 2> err.txt
grep_q 'no-such.mpk: cannot open' err.txt
expect_code 2 mpk2json --bogus < a.mpk > out.jsonl 2> err.txt
mpk2json --help > j.txt
grep_q 'usage: mpk2json' j.txt
# json2mpk errors
printf '{"n":1}\n{"n":2,\n' > bad.jsonl
expect_code 1 json2mpk < bad.jsonl > out.mpk 2> err.txt
grep_q 'line 2: record 1: ' err.txt
printf '{"n":1,"z":[300]}\n{"n":1,"z":[6]}\n{"n":1,"pos":["x"]}\n{"n":1,"z":[7]}\n' > range.jsonl
expect_code 1 json2mpk < range.jsonl > out.mpk 2> err.txt
grep_q "line 1: record 0: 'z' element 0 is not a u8 value" err.txt
expect_code 1 json2mpk -k < range.jsonl > out.mpk 2> err.txt
grep_q 'read 4, written 2, rejected 2' err.txt
[ "$(mpk2json out.mpk | tr '\n' ' ')" = '{"n":1,"z":[6]} {"n":1,"z":[7]} ' ] || fail "-k kept the wrong records"
printf '{"a":1}x\n' > trail.jsonl
expect_code 1 json2mpk < trail.jsonl > out.mpk 2> err.txt
grep_q 'trailing characters' err.txt
expect_code 3 json2mpk < "$src" > /dev/full 2> err.txt
# escapes: \u escapes and surrogate pairs decode to UTF-8; control chars print as \u00XX
printf '{"s":"\\u00e9\\ud83d\\ude00\\u0007/\\/"}\n' | json2mpk | mpk2json > esc.jsonl
[ "$(cat esc.jsonl)" = "$(printf '{"s":"\xc3\xa9\xf0\x9f\x98\x80\\u0007//"}')" ] || fail "escapes: $(cat esc.jsonl)"
# NaN (float64 0x7ff8...) prints as null with a warning
printf '\x81\xa1x\xcb\x7f\xf8\x00\x00\x00\x00\x00\x00' | mpk2json > nan.jsonl 2> err.txt
[ "$(cat nan.jsonl)" = '{"x":null}' ] || fail "NaN: $(cat nan.jsonl)"
grep_q 'warning: 1 NaN/Inf' err.txt
