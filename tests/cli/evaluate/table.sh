# human table (golden), default label keys, JSON to stdout with the table on stderr
d=$(fixture good/blend)
evaluate "$d/pred-cls.mpk" > table.txt 2> err.txt
golden cls.table table.txt
grep_q 'warning: 1 of 3 tasks have one class only' err.txt
evaluate --task regression --split test "$d/pred-reg.mpk" > reg.txt
golden reg.table reg.txt
evaluate --labels a,b,c --json - "$d/pred-cls.mpk" > j.json 2> t.txt
grep_q '"tasks_scored": 2' j.json
grep_q '^a  ' t.txt
evaluate --help > help.txt
grep_q '^usage: evaluate' help.txt
expect_code 2 evaluate --task ranking "$d/pred-cls.mpk"
expect_code 2 evaluate --pred-key spd "$d/pred-cls.mpk"
