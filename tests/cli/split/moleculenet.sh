# scaffold split sizes on the shared MoleculeNet sets (shared/data/README.md "Scaffold splits")
need_data moleculenet/bbbp.csv moleculenet/bace.csv moleculenet/tox21.csv moleculenet/delaney.csv moleculenet/freesolv.csv
need_cmd conformer-ingest
check() { # file, expected "train T, valid V, test E", expected scaffold count or -
    conformer-ingest -q "$MB_DATA/moleculenet/$1" | split --scaffold -v > /dev/null 2> err.txt ||
        { cat err.txt >&2; fail "split failed on $1"; }
    grep_q "train $2" err.txt
    [ "$3" = - ] || grep_q "($3 scaffolds" err.txt
}
check bbbp.csv "1631, valid 204, test 204" 1025
check bace.csv "1210, valid 151, test 152" -
check tox21.csv "6264, valid 783, test 784" -
check delaney.csv "902, valid 113, test 113" -
check freesolv.csv "513, valid 64, test 65" -
# the same through relation-build (split must accept any later stage's records)
if command -v relation-build >/dev/null 2>&1; then
    conformer-ingest -q "$MB_DATA/moleculenet/freesolv.csv" | relation-build -q |
        split --scaffold -v > fs.mpk 2> err.txt || { cat err.txt >&2; fail "pipeline failed"; }
    grep_q "train 513, valid 64, test 65" err.txt
    [ "$(count_recs fs.mpk)" -eq 642 ] || fail "freesolv: $(count_recs fs.mpk) records out, expected 642"
fi
