# QM9 subset: zstd'd extended XYZ, 6,000 frames with H, labels from the comment line
need_data qm9/qm9_6000.extxyz.zst
conformer-ingest "$MB_DATA/qm9/qm9_6000.extxyz.zst" > out.mpk 2> err.txt || { cat err.txt >&2; fail "qm9 failed"; }
grep_q 'read 6000, written 6000, rejected 0' err.txt
mpk2json --no-header out.mpk > all.jsonl
[ "$(wc -l < all.jsonl)" -eq 6000 ] || fail "record count"
[ "$(grep -c '"fmt":"xyz","n":[0-9]*,"nb":0,"is3d":true,' all.jsonl)" -eq 6000 ] || fail "xyz records"
[ "$(grep -c '"labels":{.*"mu":' all.jsonl)" -eq 6000 ] || fail "mu label"
json2mpk < all.jsonl > back.mpk
mpk2json --no-header back.mpk | cmp - all.jsonl || fail "qm9 JSON round trip differs"
# bond perception + H removal: QM9 molecules have at most 9 heavy atoms
conformer-ingest -q --perceive-bonds "$MB_DATA/qm9/qm9_6000.extxyz.zst" > pb.mpk
mpk2json --no-header pb.mpk | grep -o '"n":[0-9]*,' | sort -u > n.txt
[ "$(tr -dc '0-9\n' < n.txt | sort -n | tail -n 1)" -le 9 ] || fail "more than 9 heavy atoms: $(cat n.txt)"
