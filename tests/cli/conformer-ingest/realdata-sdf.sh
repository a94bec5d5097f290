# real data (skips without $MB_DATA): exact record counts, zero rejects, read straight from
# .gz / .tar.gz; qm9_mini's record 19 is malformed on purpose (data README) and is the only reject
# fast record count (mpk-shard -v reports the records it read; mpk2json of 40k records is slow)
nrec() { mpk-shard -v --take 0/1 "$1" 2>&1 >/dev/null | sed -n 's/^mpk-shard: \([0-9]*\) records read.*/\1/p'; }
need_data pcqm4mv2/pcqm4mv2-2k.sdf.gz freesolv/sdffiles.tar.gz sdf-3d qm9/qm9_mini.sdf
first() { mpk2json --no-header "$1" > first.jsonl; head -n 1 first.jsonl; }
check() { # FILE COUNT [options]
    local f=$1 want=$2; shift 2
    conformer-ingest "$@" "$MB_DATA/$f" > out.mpk 2> err.txt || { cat err.txt >&2; fail "$f failed"; }
    grep_q "read $want, written $want, rejected 0" err.txt
    [ "$(nrec out.mpk)" -eq "$want" ] || fail "$f: record count"
}
check pcqm4mv2/pcqm4mv2-2k.sdf.gz 1999
mpk2json out.mpk > j.txt
grep_q '"id":"pcqm4mv2-1998",.*"is3d":true' j.txt
first out.mpk > j.txt
grep_q '"homo_lumo_gap_ev":3.0476751256}' j.txt
# all heavy: no H atom left (z = 1) in any record with default options
mpk2json --no-header out.mpk > all.jsonl
grep -o '"z":\[[^]]*\]' all.jsonl > z.txt
[ "$(wc -l < z.txt)" -eq 1999 ] || fail "z arrays"
[ "$(grep -c '[[,]1[],]' z.txt || true)" -eq 0 ] || fail "H atoms left in pcqm4mv2"
# mpk2json | json2mpk reproduces the real stream bit for bit
mpk2json out.mpk | json2mpk | cmp - out.mpk || fail "pcqm4mv2 JSON round trip is not bit-exact"
check freesolv/sdffiles.tar.gz 642
[ "$(mpk2json --no-header out.mpk | grep -c '"src":"[^"]*sdffiles.tar.gz:sdffiles/mobley_[0-9]*.sdf"')" -eq 642 ] ||
    fail "freesolv member names"
check sdf-3d/MMFF94_dative.sdf 761
check sdf-3d/setEEM1.sdf 500
check sdf-3d/zinc.leads.500.q.sdf 500
check sdf-3d/MiniDrugBank.sdf 371
check sdf-3d/solubility.train.sdf 1025
check sdf-3d/solubility.test.sdf 257
first out.mpk > j.txt
grep_q '"is3d":false' j.txt
# --keep-h keeps every atom: pcqm4mv2 atoms with H = heavy atoms + sum(nh)
conformer-ingest -q --keep-h "$MB_DATA/pcqm4mv2/pcqm4mv2-2k.sdf.gz" > kh.mpk
first kh.mpk |
    grep_q '"id":"pcqm4mv2-0000",.*"n":30,' /dev/stdin
expect_code 1 conformer-ingest -k "$MB_DATA/qm9/qm9_mini.sdf" > out.mpk 2> err.txt
grep_q 'qm9_mini.sdf: record 19 (line [0-9]*): ' err.txt
grep_q 'read 21, written 20, rejected 1' err.txt
