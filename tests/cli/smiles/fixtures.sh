# Good fixture: the unit-test SMILES (rings, branches, brackets, chirality, bond directions)
# agree exactly with RDKit. Bad fixture: every bad row is reported with its line and reason
# (golden), good rows around them still parse.
drv=$MB_BUILD/tests/test-smifile
[ -x "$drv" ] || skip "no $drv (make check-build)"
"$drv" --dump "$(fixture good/smiles/cases.csv)" >good.dump
! grep -q '^err' good.dump || { cat good.dump >&2; fail "good fixture rejected"; }
[ "$(wc -l <good.dump)" -eq "$(($(wc -l <"$(fixture good/smiles/cases.csv)") - 1))" ] || fail "record count"
"$drv" --dump "$(fixture bad/smiles/bad.csv)" >bad.out
golden bad.golden bad.out
if /usr/bin/python3 -c 'import rdkit' 2>/dev/null; then
    /usr/bin/python3 "$MB_ROOT/tests/bench/smiles-check.py" "$(fixture good/smiles/cases.csv)" \
        good.dump --strict >good.check || { cat good.check >&2; fail "good fixture differs from RDKit"; }
    cat good.check
fi
