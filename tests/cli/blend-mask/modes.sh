# pretrain / 2d / 3d outputs contain what SPEC 3 and 6 say (oracle: python msgpack decoder)
need_py msgpack
in=$(fixture good/blend/mols.mpk)
py() { /usr/bin/python3 "$(fixture good/blend/mbinspect.py)" "$@"; }
blend-mask --seed 1 "$in" > p.mpk
py check-blend p.mpk pretrain || fail "pretrain output wrong"
blend-mask --mode 2d "$in" > d2.mpk
py check-blend d2.mpk 2d || fail "2d output wrong"
# 3d: records without 3D are errors; with -k they are skipped and counted
expect_code 1 blend-mask --mode 3d "$in" > d3.mpk 2> err.txt
grep_q 'record 2 (id=m2): --mode 3d needs 3D positions' err.txt
expect_code 1 blend-mask -k --mode 3d "$in" > d3.mpk 2> err.txt
grep_q '7 records in, 3 out (0 blend, 0 2d, 3 3d), 4 rejected' err.txt
py check-blend d3.mpk 3d || fail "3d output wrong"
py dump p.mpk | awk '{print $1, $2, $3, length($4), length($5), $6}' > summary.txt
golden modes.summary summary.txt
