# scaffold groups of a small hand-made set (golden), tagged stream vs --out files, random split
need_cmd conformer-ingest
conformer-ingest -q "$(fixture good/blend/split.csv)" > in.mpk
split --scaffold --groups groups.tsv in.mpk > tagged.mpk
cut -f1,2,3,4 groups.tsv > groups.txt
golden groups.golden groups.txt
# scaffold classes the golden file encodes: toluene/xylene/benzene(kekule)/ethylbenzene share one
for i in 1 2 12 17; do awk -F'\t' -v i=$i '$1 == i { print $4 }' groups.tsv; done | sort -u | wc -l | grep -qx 1 ||
    fail "benzene derivatives are not one group"
awk -F'\t' '$1 == 5 || $1 == 6 { print $4 }' groups.tsv | sort -u | wc -l | grep -qx 1 ||
    fail "N-methylpyrrole and pyrrole are not one group"
awk -F'\t' '$1 == 0 || $1 == 9 || $1 == 16 { print $5 }' groups.tsv | sort -u > empty.txt
[ "$(cat empty.txt)" = "" ] || fail "acyclic molecules do not have the empty scaffold"
split --scaffold --out part in.mpk
for s in train valid test; do [ -s part-$s.mpk ] || fail "no part-$s.mpk"; done
n=$(($(count_recs part-train.mpk) + $(count_recs part-valid.mpk) + $(count_recs part-test.mpk)))
[ "$n" -eq 20 ] || fail "--out files hold $n records, expected 20"
[ "$(count_recs part-train.mpk)" -eq "$(grep -c 'train' groups.txt)" ] || fail "train count differs"
mpk2json < tagged.mpk | grep -c '"split": *"valid"' > nvalid.txt || true
[ "$(cat nvalid.txt)" -eq "$(grep -c 'valid' groups.txt)" ] || fail "tagged valid count differs"
# random: deterministic per seed, floor(0.8 n) / floor(0.9 n) - floor(0.8 n) / rest
split --random --seed 5 --groups r5.tsv in.mpk > /dev/null
split --random --seed 5 --groups r5b.tsv in.mpk > /dev/null
split --random --seed 6 --groups r6.tsv in.mpk > /dev/null
cmp r5.tsv r5b.tsv || fail "--random --seed 5 is not deterministic"
! cmp -s r5.tsv r6.tsv || fail "--seed 6 gave the same random split"
[ "$(cut -f3 r5.tsv | sort | uniq -c | tr -s ' ' | tr '\n' ';')" = " 2 test; 16 train; 2 valid;" ] ||
    fail "random split sizes wrong: $(cut -f3 r5.tsv | sort | uniq -c)"
