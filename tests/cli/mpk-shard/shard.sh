# -n N -o PATTERN: round-robin by record index, header in every shard, union = input;
# --take k/N: the same records as shard k; deterministic
g=$(fixture good/ingest)
conformer-ingest -q "$g/mols.sdf" "$g/mols.smi" "$g/mols.csv" > all.mpk   # 12 records
mpk2json --no-header all.mpk > all.jsonl
[ "$(wc -l < all.jsonl)" -eq 12 ] || fail "fixture stream should hold 12 records"
mpk-shard -n 5 -o 'part-%02d.mpk.zst' all.mpk
for k in 0 1 2 3 4; do
    [ "$(head -c 4 part-0$k.mpk.zst | od -An -tx1 | tr -d ' ')" = "28b52ffd" ] || fail "part $k not zstd"
    mpk2json part-0$k.mpk.zst > p$k.jsonl
    head -n 1 p$k.jsonl > h.txt
    grep_q '"schema":"moleblend.mol"' h.txt
    # shard k holds records k, k+5, k+10 of the input, in order
    awk -v k=$k 'NR % 5 == (k + 1) % 5' all.jsonl > want.jsonl
    grep -v '"schema"' p$k.jsonl > got.jsonl || true
    cmp want.jsonl got.jsonl || fail "shard $k holds the wrong records"
    mpk-shard --take $k/5 all.mpk > t$k.mpk
    mpk2json --no-header t$k.mpk > tk.jsonl
    cmp want.jsonl tk.jsonl || fail "--take $k/5 differs from shard $k"
    mpk-shard --take $k/5 < all.mpk | cmp - t$k.mpk || fail "--take from stdin differs"
done
# the shards together are the input (as a multiset), nothing lost or duplicated
cat p0.jsonl p1.jsonl p2.jsonl p3.jsonl p4.jsonl | grep -v '"schema"' | sort > u.txt
sort all.jsonl | cmp - u.txt || fail "union of shards differs from input"
# more shards than records: empty shards still carry the header
mpk-shard -n 20 -o 's%d.mpk' all.mpk
[ "$(mpk2json s19.mpk | wc -l)" -eq 1 ] || fail "empty shard should hold only the header"
# concatenated input: index runs across files, headers copied
mpk-shard --take 0/2 all.mpk all.mpk > c.mpk
[ "$(count_recs c.mpk)" -eq 12 ] || fail "take 0/2 of 24 records"
[ "$(mpk2json c.mpk | grep -c '"schema"')" -eq 2 ] || fail "both headers should pass"
# errors
expect_code 2 mpk-shard -n 2 all.mpk > /dev/null 2> err.txt
expect_code 2 mpk-shard -n 2 -o 'x%s' all.mpk 2> err.txt
expect_code 2 mpk-shard -n 2 -o 'x%d%d' all.mpk 2> err.txt
expect_code 2 mpk-shard --take 2/2 all.mpk > /dev/null 2> err.txt
expect_code 2 mpk-shard --take 1 all.mpk > /dev/null 2> err.txt
expect_code 1 mpk-shard --take 0/1 "$(fixture bad/ingest/truncated.mpk)" > o.mpk 2> err.txt
grep_q 'record 1: truncated' err.txt
expect_code 3 mpk-shard --take 0/1 all.mpk > /dev/full 2> err.txt
expect_code 3 mpk-shard -n 2 -o 'no-such-dir/x%d.mpk' all.mpk 2> err.txt
