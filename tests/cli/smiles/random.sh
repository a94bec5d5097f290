# RDKit-written variants of stereo-bearing BBBP molecules (random atom orders, Kekule form, all
# H explicit; tests/bench/smiles-check.py --gen): ring-closure order, chiral tags relative to bond
# order and bond directions must equal MolFromSmiles(s, sanitize=False) exactly.
need_data moleculenet/bbbp.csv
need_py rdkit
drv=$MB_BUILD/tests/test-smifile
[ -x "$drv" ] || skip "no $drv (make check-build)"
chk=$MB_ROOT/tests/bench/smiles-check.py
/usr/bin/python3 "$chk" --gen "$MB_DATA/moleculenet/bbbp.csv" rand.csv ${NMOL:-250}
"$drv" --dump rand.csv >rand.dump
/usr/bin/python3 "$chk" rand.csv rand.dump --strict >rand.check || { cat rand.check >&2; fail "differs from RDKit"; }
cat rand.check
