# conformer-ingest on broken text inputs: truncated SDF/XYZ/CSV, binary garbage, empty files,
# a molecule larger than --max-atoms, corrupt .gz/.zip (exit 3); counts always add up
. "$(fixture bad/conformance/setup.sh)"
G=$MB_ROOT/tests/data/good
sdf=$CONF_SDF
nsdf=$(grep -c '^\$\$\$\$' "$sdf")
# ci EXIT ARGS...: run conformer-ingest, expect EXIT and a summary that adds up
ci() {
    local want=$1; shift
    expect_code "$want" conformer-ingest "$@" > out.mpk 2> err.txt
    conf_summary err.txt > sum.txt
    set -- $(cat sum.txt)
    [ $1 -eq $(($2 + $3)) ] || fail "conformer-ingest: summary in $1 != out $2 + rejected $3"
    [ "$(count_recs out.mpk)" -eq $2 ] || fail "conformer-ingest: $2 written but $(count_recs out.mpk) in the stream"
}
# truncated SDF inside the second molecule's atom block: record 1 rejected, record 0 written
awk '{ print } /^\$\$\$\$/ { n++ } n == 1 && ++k == 10 { exit }' "$sdf" > t.sdf
ci 1 t.sdf; grep_q 'record 1 (line [0-9]*): ' err.txt
[ "$(cat sum.txt)" = "2 1 1" ] || fail "truncated SDF: summary $(cat sum.txt)"
# truncated at every line of the first molecule: never a crash, 0 or 1 records
nl=$(awk '/^\$\$\$\$/ { print NR; exit }' "$sdf")
for ((k = 1; k <= nl; k++)); do
    head -n $k "$sdf" > t.sdf
    rc=0; conformer-ingest -q t.sdf > out.mpk 2> err.txt || rc=$?
    [ $rc -le 1 ] || { cat err.txt >&2; fail "SDF cut after line $k: exit $rc"; }
    [ $rc -eq 0 ] || grep_q 'record 0 (line [0-9]*): ' err.txt
done
# truncated XYZ and CSV
head -c 200 "$G/ingest/mols.xyz" > t.xyz
ci 1 t.xyz; grep_q 'record 1 (line [0-9]*): ' err.txt
ci 1 -k t.xyz
head -n 3 "$G/ingest/mols.csv" > t.csv
printf 'm9,"CC(O,1.0,x\n' >> t.csv
ci 1 -k t.csv; grep_q 'record 2 (line 4): .*unterminated' err.txt
[ "$(cat sum.txt)" = "3 2 1" ] || fail "truncated CSV: summary $(cat sum.txt)"
# binary garbage under every format and under content detection
head -c 4000 /dev/urandom > g.bin
for f in "" "--format sdf" "--format xyz" "--format smi" "--format csv" "--format tsv"; do
    ci 1 -k $f g.bin
    ci 1 $f g.bin
done
# NUL bytes inside a SMILES file: the line is rejected, the others pass
printf 'CCO a\nC\000C b\nc1ccccc1 c\n' > nul.smi
ci 1 -k nul.smi; [ "$(cat sum.txt)" = "3 2 1" ] || fail "NUL line: summary $(cat sum.txt)"
# empty inputs: no records, exit 0, header only
for f in e.sdf e.xyz e.smi e.csv; do : > $f; ci 0 $f; done
ci 0 < /dev/null
# a molecule larger than --max-atoms: rejected with its record number, others written with -k
ci 1 --max-atoms 10 "$sdf"; grep_q 'record 0 (line 1): .*more than --max-atoms 10' err.txt
ci 1 -k --max-atoms 22 "$sdf"
set -- $(cat sum.txt); [ $1 -eq $nsdf ] && [ $2 -gt 0 ] && [ $3 -gt 0 ] || fail "max-atoms -k: $*"
# corrupt compressed inputs and archives: exit 3 with the file named
gzip -c "$sdf" > b.sdf.gz
head -c 2000 b.sdf.gz > cut.sdf.gz
expect_code 3 conformer-ingest cut.sdf.gz > /dev/null 2> err.txt; grep_q 'cut.sdf.gz' err.txt
{ head -c 1000 b.sdf.gz; head -c 500 /dev/urandom; } > bad.sdf.gz
expect_code 3 conformer-ingest -k bad.sdf.gz > /dev/null 2> err.txt; grep_q 'bad.sdf.gz' err.txt
if command -v zip > /dev/null; then
    cp "$sdf" big.sdf
    zip -q m.zip big.sdf
    head -c $(($(wc -c < m.zip) / 2)) m.zip > cut.zip
    expect_code 3 conformer-ingest cut.zip > /dev/null 2> err.txt; grep_q 'cut.zip' err.txt
    fuzz-mol truncate -30 m.zip > noeocd.zip
    rc=0; conformer-ingest noeocd.zip > /dev/null 2> err.txt || rc=$?
    [ $rc -eq 3 ] || [ $rc -eq 0 ] || { cat err.txt >&2; fail "zip without its end record: exit $rc"; }
fi
if command -v zstd > /dev/null; then
    zstd -q -c "$sdf" > b.sdf.zst
    head -c 3000 b.sdf.zst > cut.sdf.zst
    expect_code 3 conformer-ingest cut.sdf.zst > /dev/null 2> err.txt; grep_q 'cut.sdf.zst' err.txt
fi
# a file that cannot be opened, a directory: exit 3 naming it
expect_code 3 conformer-ingest no-such-file.sdf > /dev/null 2> err.txt; grep_q 'no-such-file.sdf' err.txt
mkdir d.sdf
expect_code 3 conformer-ingest d.sdf > /dev/null 2> err.txt; grep_q 'd.sdf' err.txt
# coordinates beyond float range (1e39) or absurd (1e7 A) are rejected, never written as Inf
printf '2\n\nC 0 0 0\nO 1e39 0 0\n2\n\nC 0 0 0\nO 1.5 0 0\n' > big.xyz
ci 1 -k big.xyz; grep_q 'record 0 (line 4): coordinate .1e39. out of range' err.txt
[ "$(cat sum.txt)" = "2 1 1" ] || fail "huge XYZ coordinate: summary $(cat sum.txt)"
head -n "$nl" "$sdf" | sed '5s/^........../ 9999999.9/' > big.sdf
ci 1 big.sdf; grep_q 'record 0 (line 5): bad coordinate' err.txt
