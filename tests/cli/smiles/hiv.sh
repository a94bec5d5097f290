# HIV (41,127 molecules, gzip'd CSV read through zcat): every record parses; every 8th record
# (STRIDE=1 for all) is compared with RDKit as in moleculenet.sh.
need_data moleculenet/hiv.csv.gz
need_py rdkit
need_cmd zcat
drv=$MB_BUILD/tests/test-smifile
[ -x "$drv" ] || skip "no $drv (make check-build)"
zcat "$MB_DATA/moleculenet/hiv.csv.gz" | "$drv" --dump - hiv.csv.gz >hiv.dump
n=$(grep -c '^ok' hiv.dump || true)
[ "$n" -eq 41127 ] || { grep '^err' hiv.dump | head >&2; fail "parsed $n of 41127"; }
/usr/bin/python3 "$MB_ROOT/tests/bench/smiles-check.py" "$MB_DATA/moleculenet/hiv.csv.gz" \
    hiv.dump --strict --stride=${STRIDE:-8} >hiv.check || { cat hiv.check >&2; fail "differs from RDKit"; }
cat hiv.check
