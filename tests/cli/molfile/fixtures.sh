# hand-written molfile/SD and XYZ fixtures through common/sdf.c, xyz.c, molops.c (dump mode of the
# unit binaries): every field of every record, and the error line of every bad record
T=$MB_BUILD/tests
[ -x "$T/test-sdf" ] && [ -x "$T/test-xyz" ] || fail "unit binaries test-sdf/test-xyz not built"
g=$(fixture good/molfile)
b=$(fixture bad/molfile)
"$T/test-sdf" --dump "$g/mixed.sdf" --full --keep-h > mixed-keep-h.txt
golden mixed-keep-h.txt mixed-keep-h.txt
"$T/test-sdf" --dump "$g/mixed.sdf" --full > mixed.txt
golden mixed.txt mixed.txt
# 10 bad records between 11 good ones: each bad one is reported with its line, none is lost
"$T/test-sdf" --dump "$b/bad.sdf" > bad-sdf.txt
golden bad-sdf.txt bad-sdf.txt
[ "$(grep -c $'\tok\t' bad-sdf.txt)" -eq 11 ] || fail "good records lost around bad ones"
[ "$(grep -c $'\tbad\t' bad-sdf.txt)" -eq 10 ] || fail "bad records not all rejected"
for f in plain.xyz ase.extxyz dsgdb9nsd_000002.xyz; do
    "$T/test-xyz" --dump "$g/$f" --perceive --full > "$f.txt"
    golden "$f.txt" "$f.txt"
done
"$T/test-xyz" --dump "$b/bad.xyz" > bad-xyz.txt
golden bad-xyz.txt bad-xyz.txt
[ "$(grep -c $'\tok\t' bad-xyz.txt)" -eq 5 ] || fail "good frames lost around bad ones"
