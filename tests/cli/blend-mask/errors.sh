# bad records: exit 1 naming the record; -k skips and counts; /dev/full -> exit 3
bad=$(fixture bad/blend)
expect_code 1 blend-mask "$bad/no-spd.mpk" > out.mpk 2> err.txt
grep_q "record 1 (id=m1): no 'spd' (run relation-build first)" err.txt
expect_code 1 blend-mask -k "$bad/no-spd.mpk" > out.mpk 2> err.txt
grep_q '3 records in, 2 out (2 blend, 0 2d, 0 3d), 1 rejected' err.txt
expect_code 1 blend-mask "$bad/short-spd.mpk" > out.mpk 2> err.txt
grep_q "record 1 (id=m1): 'spd' has 5 elements, expected 16" err.txt
expect_code 1 blend-mask "$bad/truncated.mpk" > out.mpk 2> err.txt
grep_q 'record 1: truncated' err.txt
expect_code 3 blend-mask "$(fixture good/blend/mols.mpk)" > /dev/full 2> err.txt
expect_code 3 blend-mask no-such-file.mpk > out.mpk 2> err.txt
