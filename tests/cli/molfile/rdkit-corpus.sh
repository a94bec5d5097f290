# one 5,000-molecule corpus3d shard (zstd SDF) against RDKit's SDMolSupplier, as rdkit-sdf.sh
need_data corpus3d/corpus3d-0-000.sdf.zst
need_py rdkit
need_cmd zstd
/usr/bin/python3 "$MB_ROOT/tests/bench/molfile-check.py" --valence --max-mismatch 0 --quiet \
    --test-sdf "$MB_BUILD/tests/test-sdf" "$MB_DATA/corpus3d/corpus3d-0-000.sdf.zst" > check.txt ||
    { cat check.txt >&2; fail "mismatches with RDKit"; }
cat check.txt
grep_q '5000 records; both parsed 5000, equal heavy atoms+bonds 5000;' check.txt
