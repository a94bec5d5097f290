# bad predictions / labels: exit codes and record numbers
b=$(fixture bad/blend)
expect_code 4 evaluate "$b/pred-nan.mpk" > out.txt 2> err.txt
grep_q 'record 1 (id=c1): pred\[0\] is not finite' err.txt
[ ! -s out.txt ] || fail "strict mode printed metrics after an error"
expect_code 1 evaluate "$b/label-2.mpk" > out.txt 2> err.txt
grep_q "record 2 (id=c2): label 'a' is not 0, 1 or missing" err.txt
expect_code 1 evaluate -k "$b/pred-short.mpk" > out.txt 2> err.txt
grep_q "record 1 (id=c1): 'pred' has 2 values but 3 labels" err.txt
grep_q '3 records in, 2 evaluated, 0 not in split, 1 rejected' err.txt
grep_q '^macro' out.txt
expect_code 1 evaluate --labels a,zz "$(fixture good/blend/pred-cls.mpk)" > out.txt 2> err.txt
grep_q "'pred' has 3 values but 2 labels" err.txt
expect_code 1 evaluate --labels a,b,zz "$(fixture good/blend/pred-cls.mpk)" > out.txt 2> err.txt
grep_q "no label 'zz'" err.txt
expect_code 1 evaluate "$(fixture good/blend/mols.mpk)" > out.txt 2> err.txt
grep_q "no 'pred'" err.txt
expect_code 1 evaluate --split nosuch "$(fixture good/blend/pred-reg.mpk)" > out.txt 2> err.txt
grep_q 'no records to evaluate' err.txt
expect_code 3 evaluate "$(fixture good/blend/pred-cls.mpk)" > /dev/full 2> err.txt
