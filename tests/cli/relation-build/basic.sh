# features and relations of hand-picked SMILES (ingest -> relation-build) against a golden file,
# and against RDKit itself when /usr/bin/python3 has rdkit
need_py json
d=$(fixture good/relations)
cp "$d/mols.csv" .
conformer-ingest -q --id-col id mols.csv > in.mpk
relation-build in.mpk > out.mpk
[ "$(count_recs out.mpk)" -eq 10 ] || fail "expected 10 records"
mpk2json --no-header out.mpk > out.jsonl
/usr/bin/python3 "$d/relkeys.py" < out.jsonl > keys.txt
golden mols.keys keys.txt
# the same through stdin, and with --no-paths/--no-dist
relation-build < in.mpk | cmp - out.mpk || fail "stdin and file input differ"
relation-build --no-paths in.mpk | mpk2json --no-header | grep -q '"path"' && fail "--no-paths wrote path"
# RDKit oracle (optional: the golden file above already pins the values)
if /usr/bin/python3 -c 'import rdkit, numpy' 2>/dev/null; then
    /usr/bin/python3 "$d/check_rdkit.py" out.jsonl > rd.txt || { cat rd.txt >&2; fail "differs from RDKit"; }
fi
