# A headerless CSV that starts with '#' comment lines (RDKit's NCI first_5k.tpsa.csv layout):
# the comments are skipped, the first row is data, unnamed columns become col1, col2...
printf '# TPSA data calculated with some program\n# second comment\nCC(=O)O,37.3\nc1ccccc1,0\n\nCCN,26.02\n' > t.csv
conformer-ingest t.csv > t.mpk 2> err.txt
grep_q 'read 3, written 3, rejected 0' err.txt
mpk2json --no-header t.mpk | jq -c '[.smiles, .labels.col2, .line]' > got.txt
printf '%s\n' '["CC(=O)O",37.3,3]' '["c1ccccc1",0,4]' '["CCN",26.02,6]' > want.txt
diff -u want.txt got.txt || fail "comment/headerless CSV parsed wrongly"
