# distance-based bond perception (mol_perceive_bonds, all atoms) against the bonds written in
# SD files with DFT / force-field geometries
need_data pcqm4mv2/pcqm4mv2-2k.sdf.gz qm9/qm9_mini.sdf sdf-3d/MiniDrugBank.sdf
T=$MB_BUILD/tests
gzip -dc "$MB_DATA/pcqm4mv2/pcqm4mv2-2k.sdf.gz" > pcqm.sdf
count() { "$T/test-sdf" --dump "$1" --perceive --keep-h | awk -F'\t' '$2 == "ok" && $6 == "same"' | wc -l; }
n=$(count pcqm.sdf); echo "pcqm4mv2-2k: $n of 1999 identical bond sets"
[ "$n" -ge 1995 ] || fail "pcqm4mv2: only $n of 1999 molecules perceive the file's bonds"
n=$(count "$MB_DATA/qm9/qm9_mini.sdf"); echo "qm9_mini: $n of 20"
[ "$n" -eq 20 ] || fail "qm9_mini: $n of 20"
n=$(count "$MB_DATA/sdf-3d/MiniDrugBank.sdf"); echo "MiniDrugBank: $n of 371"
[ "$n" -ge 365 ] || fail "MiniDrugBank: $n of 371"
