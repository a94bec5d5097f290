# rejected records: strict stops at the first (exit 1), -k skips and counts (exit 1 at the end),
# --reject gets the raw bytes; N = W + R; I/O errors exit 3; usage exit 2
b=$(fixture bad/ingest)
g=$(fixture good/ingest)
cp "$b"/truncated.sdf "$b"/badcounts.sdf "$b"/badrow.csv .
# truncated SDF: first record written, the cut one rejected naming record and line
expect_code 1 conformer-ingest truncated.sdf > out.mpk 2> err.txt
grep_q 'conformer-ingest: truncated.sdf: record 1 (line 40): record ends in the atom block' err.txt
grep_q 'read 2, written 1, rejected 1' err.txt
[ "$(count_recs out.mpk)" -eq 1 ] || fail "the good record before the truncation is missing"
# bad counts line in the middle: strict stops there, -k goes on
expect_code 1 conformer-ingest badcounts.sdf > out.mpk 2> err.txt
grep_q "badcounts.sdf: record 2 (line 69): bad counts line" err.txt
grep_q 'read 3, written 2, rejected 1' err.txt
expect_code 1 conformer-ingest -k --reject rej.sdf badcounts.sdf > out.mpk 2> err.txt
grep_q 'read 4, written 3, rejected 1' err.txt
[ "$(count_recs out.mpk)" -eq 3 ] || fail "-k should write the 3 good records"
# the reject file holds the bad record verbatim (lines 66..88 of the input, with its $$$$)
sed -n '66,88p' badcounts.sdf > want.sdf
cmp want.sdf rej.sdf || fail "--reject content differs from the raw record"
# ... and the reject file re-ingests to the same single reject
expect_code 1 conformer-ingest -k rej.sdf > /dev/null 2> err.txt
grep_q 'read 1, written 0, rejected 1' err.txt
# CSV with bad SMILES rows
expect_code 1 conformer-ingest -k --reject rej.csv badrow.csv > out.mpk 2> err.txt
grep_q "badrow.csv: record 1 (line 3): bad SMILES 'C1CC'" err.txt
grep_q "badrow.csv: record 3 (line 5): bad SMILES 'CXx'" err.txt
grep_q 'read 5, written 3, rejected 2' err.txt
[ "$(cat rej.csv)" = "$(printf 'C1CC,2\nCXx,4')" ] || fail "CSV rejects: $(cat rej.csv)"
mpk2json --no-header out.mpk > j.txt
grep_q '"rec":4,"line":6,' j.txt
# oversize molecule: 600 heavy atoms > default 512; --max-atoms raises/lowers the bound
{ echo smiles; printf 'C%.0s' $(seq 600); echo; echo CCO; } > big.csv
expect_code 1 conformer-ingest -k big.csv > out.mpk 2> err.txt
grep_q "big.csv: record 0 (line 2): molecule '0' has 600 heavy atoms, more than --max-atoms 512" err.txt
grep_q 'read 2, written 1, rejected 1' err.txt
expect_code 0 conformer-ingest --max-atoms 600 big.csv > out.mpk 2> err.txt
expect_code 1 conformer-ingest --max-atoms 3 "$g/mols.smi" > out.mpk 2> err.txt
grep_q "record 1 (line 3): molecule 'benzene' has 6 heavy atoms, more than --max-atoms 3" err.txt
# oversize member
expect_code 1 conformer-ingest --max-member-bytes 100 "$g/mols.sdf" > out.mpk 2> err.txt
grep_q 'mols.sdf: member is more than the limit of 100 bytes' err.txt
# I/O: /dev/full, missing file, corrupt compressed input -> 3
expect_code 3 conformer-ingest "$g/mols.sdf" > /dev/full 2> err.txt
expect_code 3 conformer-ingest no-such.sdf > out.mpk 2> err.txt
grep_q 'no-such.sdf: cannot open' err.txt
if command -v gzip > /dev/null; then
    for i in $(seq 200); do cat "$g/mols.sdf"; done | gzip -c > big.sdf.gz
    head -c $(( $(wc -c < big.sdf.gz) / 2 )) big.sdf.gz > cut.sdf.gz
    expect_code 3 conformer-ingest cut.sdf.gz > out.mpk 2> err.txt
    grep_q 'cut.sdf.gz: .*runcated' err.txt
fi
# usage errors -> 2
expect_code 2 conformer-ingest --format pdb "$g/mols.sdf" > out.mpk 2> err.txt
expect_code 2 conformer-ingest --max-atoms 0 "$g/mols.sdf" > out.mpk 2> err.txt
expect_code 2 conformer-ingest --bogus > out.mpk 2> err.txt
conformer-ingest --help > help.txt
grep_q 'Exit status' help.txt
# --check-valence: RDKit's explicit-valence rejection at ingest time (off by default)
printf 'CC(C)(C)(C)C penta\nCCO ok\n' > v.smi
expect_code 0 conformer-ingest -q v.smi > out.mpk
expect_code 1 conformer-ingest -k --check-valence v.smi > out.mpk 2> err.txt
grep_q 'v.smi: record 0 (line 1): atom 2 (C): explicit valence 5 > permitted 4' err.txt
grep_q 'read 2, written 1, rejected 1' err.txt
