# golden output for each input format (records through mpk2json), fixtures copied so src is relative
g=$(fixture good/ingest)
cp "$g"/mols.sdf "$g"/mols.smi "$g"/mols.csv "$g"/mols.tsv "$g"/mols.xyz .
for f in mols.sdf mols.smi mols.csv mols.tsv mols.xyz; do
    conformer-ingest "$f" > "$f.mpk" 2> "$f.err"
    mpk2json "$f.mpk" > "$f.jsonl"
    golden "$f.jsonl" "$f.jsonl"
    grep_q 'conformer-ingest: read [0-9]*, written [0-9]*, rejected 0' "$f.err"
done
# counts: 4 SDF molecules, 5 SMILES lines (comment skipped), 3 CSV rows, 2 TSV rows, 3 frames
for x in "mols.sdf 4" "mols.smi 5" "mols.csv 3" "mols.tsv 2" "mols.xyz 3"; do
    set -- $x
    [ "$(mpk2json --no-header "$1.mpk" | wc -l)" -eq "$2" ] || fail "$1: expected $2 records"
    grep_q "read $2, written $2, rejected 0" "$1.err"
done
# heavy atoms only by default: ethanol has 3 atoms, nh = 3,2,1; benzene 6 atoms each nh 1
grep_q '"id":"ethanol".*"n":3,"nb":2,.*"nh":\[3,2,1\]' mols.sdf.jsonl
grep_q '"id":"benzene".*"n":6,"nb":6,.*"nh":\[1,1,1,1,1,1\]' mols.sdf.jsonl
# deuterium is an isotope: kept as atoms (RDKit RemoveHs keeps isotopic H)
grep_q '"id":"dideuterio-chloromethane".*"n":4,' mols.sdf.jsonl
# SD tags become labels (numbers as numbers); CSV columns too; TSV id/labels
grep_q '"labels":{"logp":-0.31,"note":"fixture 0"}' mols.sdf.jsonl
grep_q '"id":"2","src":"mols.csv".*"labels":{"id":"m3","logp":null,"note":"quote \\"inside\\""}' mols.csv.jsonl
grep_q '"src":"mols.smi","rec":2,"line":4,' mols.smi.jsonl
# header record first
head -n 1 mols.sdf.jsonl | grep_q '"schema":"moleblend.mol","version":1,"producer":"conformer-ingest' /dev/stdin
# XYZ: no bonds, so every H stays (an unbonded H is never removed); --perceive-bonds adds single
# bonds and then H removal folds them into nh (H2 stays: H bonded only to H)
grep_q '"id":"ethanol","src":"mols.xyz","rec":1,"line":6,"fmt":"xyz","n":9,"nb":0,' mols.xyz.jsonl
conformer-ingest -q --perceive-bonds mols.xyz > pb.mpk
mpk2json pb.mpk > pb.jsonl
golden perceive.jsonl pb.jsonl
grep_q '"id":"ethanol".*"n":3,"nb":2,.*"nh":\[3,2,1\],"bonds":\[0,1,1,2\]' pb.jsonl
grep_q '"id":"plain comment".*"n":2,"nb":1,' pb.jsonl
# --perceive-bonds=TOL: a tiny tolerance still finds these bonds; 0 A is accepted
conformer-ingest -q --perceive-bonds=0.1 mols.xyz > pb2.mpk
# forced format: the SDF read as SMILES fails (strict), --format sdf on a .txt works
cp mols.sdf mols.txt
expect_code 0 conformer-ingest -q --format sdf mols.txt > /dev/null
expect_code 1 conformer-ingest -q --format smi mols.sdf > /dev/null
# --keep-h: all atoms, nh stays 0
conformer-ingest -q --keep-h mols.sdf > kh.mpk
mpk2json --no-header kh.mpk > kh.jsonl
grep_q '"id":"ethanol".*"n":9,"nb":8,' kh.jsonl
# CSV options: --id-col, --smiles-col by number, --delim
conformer-ingest -q --id-col id --smiles-col 2 mols.csv > o.mpk
mpk2json --no-header o.mpk > o.jsonl
grep_q '"id":"m3",' o.jsonl
printf 'SMILES;v\nCCO;1,5\n' > semi.txt
conformer-ingest -q --delim ';' semi.txt > o.mpk
mpk2json --no-header o.mpk > o.jsonl
grep_q '"smiles":"CCO",.*"labels":{"v":"1,5"}' o.jsonl
# the JSON Lines view works with jq (when installed)
if command -v jq > /dev/null; then
    mpk2json --no-header mols.sdf.mpk | jq -r .id > ids.txt
    [ "$(tr '\n' ' ' < ids.txt)" = "ethanol benzene acetate dideuterio-chloromethane " ] || fail "jq ids: $(cat ids.txt)"
fi
