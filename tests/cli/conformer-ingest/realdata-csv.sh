# MoleculeNet CSVs (hiv read gzip'd): every row a record, SMILES column found by name, labels kept
# fast record count (mpk-shard -v reports the records it read; mpk2json of 40k records is slow)
nrec() { mpk-shard -v --take 0/1 "$1" 2>&1 >/dev/null | sed -n 's/^mpk-shard: \([0-9]*\) records read.*/\1/p'; }
need_data moleculenet/bbbp.csv moleculenet/hiv.csv.gz
first() { mpk2json --no-header "$1" > first.jsonl; head -n 1 first.jsonl; }
check() { # FILE COUNT
    conformer-ingest "$MB_DATA/moleculenet/$1" > out.mpk 2> err.txt || { cat err.txt >&2; fail "$1 failed"; }
    grep_q "read $2, written $2, rejected 0" err.txt
    [ "$(nrec out.mpk)" -eq "$2" ] || fail "$1: record count"
}
check bbbp.csv 2039
first out.mpk > j.txt
grep_q '"smiles":"\[Cl\].CC(C)NCC(O)COc1cccc2ccccc12",.*"labels":{"p_np":1.0}' j.txt
check bace.csv 1513
first out.mpk > j.txt
grep_q '"labels":{"Class":1.0}' j.txt
check tox21.csv 7831
first out.mpk > j.txt
grep_q '"NR-Aromatase":null' j.txt
check delaney.csv 1128
check freesolv.csv 642
check hiv.csv.gz 41127
