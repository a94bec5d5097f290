# SD reader + mol_remove_h + mol_check_valence against RDKit's SDMolSupplier (sanitize, removeHs)
# on the shared SD files: same accepted/rejected records, same heavy-atom and bond counts
need_data pcqm4mv2/pcqm4mv2-2k.sdf.gz qm9/qm9_mini.sdf sdf-3d/MiniDrugBank.sdf
need_py rdkit
/usr/bin/python3 "$MB_ROOT/tests/bench/molfile-check.py" --valence --max-mismatch 0 \
    --test-sdf "$MB_BUILD/tests/test-sdf" "$MB_DATA/pcqm4mv2/pcqm4mv2-2k.sdf.gz" \
    "$MB_DATA/qm9/qm9_mini.sdf" "$MB_DATA"/sdf-3d/*.sdf > check.txt || { cat check.txt >&2; fail "mismatches with RDKit"; }
cat check.txt
grep_q '^pcqm4mv2-2k.sdf.gz: 1999 records; both parsed 1999, equal heavy atoms+bonds 1999;' check.txt
# qm9_mini record 19 (gdb_20_invalid) is rejected by both
grep_q '^qm9_mini.sdf: 21 records; both parsed 20, equal heavy atoms+bonds 20; rejected by both 1,' check.txt
grep_q ' 0 mismatches' check.txt
