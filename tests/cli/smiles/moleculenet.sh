# Every molecule of the MoleculeNet CSVs parses, and agrees with RDKit MolFromSmiles: same heavy
# atoms and bonds (required), and the raw graph (atoms, bond order/direction, chiral tags) equals
# MolFromSmiles(s, sanitize=False) (--strict). Tox21 is checked on every 2nd record to stay fast
# (all records: STRIDE=1).
need_data moleculenet/bbbp.csv moleculenet/bace.csv moleculenet/delaney.csv \
    moleculenet/freesolv.csv moleculenet/tox21.csv
need_py rdkit
drv=$MB_BUILD/tests/test-smifile
[ -x "$drv" ] || skip "no $drv (make check-build)"
for f in bbbp bace delaney freesolv tox21; do
    stride=1
    [ $f = tox21 ] && stride=${STRIDE:-2}
    "$drv" --dump "$MB_DATA/moleculenet/$f.csv" >$f.dump
    ! grep -q '^err' $f.dump || { grep '^err' $f.dump | head >&2; fail "$f: records rejected"; }
    /usr/bin/python3 "$MB_ROOT/tests/bench/smiles-check.py" "$MB_DATA/moleculenet/$f.csv" \
        $f.dump --strict --stride=$stride >$f.check || { cat $f.check >&2; fail "$f differs from RDKit"; }
    echo "$f: $(tail -n 1 $f.check)"
done
