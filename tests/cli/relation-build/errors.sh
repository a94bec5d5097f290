# bad records: exit 1 naming the record; -k skips and counts; --max-atoms; usage and I/O errors
bad=$(fixture bad/relations)
json2mpk -q "$bad/bad.jsonl" > bad.mpk
expect_code 1 relation-build bad.mpk > out.mpk 2> err.txt
grep_q 'record 1 (id=pentavalent-c): Explicit valence for atom # 0 C, 5, is greater than permitted' err.txt
[ "$(count_recs out.mpk)" -eq 1 ] || fail "strict mode should stop after the first good record"
expect_code 1 relation-build -k --max-atoms 10 bad.mpk > out.mpk 2> err.txt
grep_q "record 2 (id=odd-aromatic): Can't kekulize mol" err.txt
grep_q 'record 4 (id=big): 12 atoms > --max-atoms 10' err.txt
grep_q '5 records in, 2 out, 3 rejected' err.txt
[ "$(count_recs out.mpk)" -eq 2 ] || fail "expected 2 records with -k"
# the default limit (512) lets the 12-atom chain through
expect_code 1 relation-build -k bad.mpk > out.mpk 2> err.txt
grep_q '5 records in, 3 out, 2 rejected' err.txt
# truncated stream, usage, I/O
head -c 100 bad.mpk > trunc.mpk
expect_code 1 relation-build trunc.mpk > out.mpk 2> err.txt
grep_q 'truncated' err.txt
expect_code 2 relation-build --max-atoms 0 bad.mpk > out.mpk 2> err.txt
expect_code 2 relation-build --bogus > out.mpk 2> err.txt
expect_code 0 relation-build -h > help.txt
grep_q 'max-atoms' help.txt
expect_code 3 relation-build no-such-file.mpk > out.mpk 2> err.txt
good=$(fixture good/relations)
json2mpk -q "$good/hand.jsonl" > ok.mpk
expect_code 3 relation-build ok.mpk > /dev/full 2> err.txt
