# oversized molecules: every stage with an atom limit rejects (or, train-step, skips and counts)
# the big record by number and passes the others; nothing is dropped silently
. "$(fixture bad/conformance/setup.sh)"
conf_inputs ckpt
big=$(awk 'BEGIN { for (i = 0; i < 600; i++) printf "C"; }')
printf 'CCO a\n%s big\nc1ccccc1O c\n' "$big" > m.smi
# conformer-ingest: default limit 512
expect_code 1 conformer-ingest m.smi > /dev/null 2> err.txt
grep_q 'record 1 (line 2): .*600 heavy atoms, more than --max-atoms 512' err.txt
expect_code 1 conformer-ingest -k m.smi > m.mpk 2> err.txt
conf_balanced err.txt 2 1
expect_code 0 conformer-ingest -q --max-atoms 1000 m.smi > m.mpk
# relation-build: default 512
expect_code 1 relation-build m.mpk > /dev/null 2> err.txt
grep_q 'record 1\b.*600 atoms' err.txt
expect_code 1 relation-build -k m.mpk > r.mpk 2> err.txt
conf_balanced err.txt 2 1
[ "$(count_recs r.mpk)" -eq 2 ] || fail "relation-build -k: records out"
expect_code 0 relation-build -q --max-atoms 600 m.mpk > r.mpk
# blend-mask takes any size; encode --max-atoms rejects; train-step --max-atoms skips, counted
expect_code 0 blend-mask -q --mode 2d r.mpk > b.mpk
expect_code 1 encode --ckpt c.ckpt --max-atoms 100 b.mpk > /dev/null 2> err.txt
grep_q 'record 1\b.*600 atoms' err.txt
expect_code 1 encode -k --ckpt c.ckpt --max-atoms 100 b.mpk > e.mpk 2> err.txt
conf_balanced err.txt 2 1
[ "$(count_recs e.mpk)" -eq 2 ] || fail "encode -k: records out"
expect_code 0 train-step --config tiny --mode 2d --batch 2 --steps 1 --max-atoms 100 b.mpk 2> err.txt
grep_q 'record 1\b.*600 atoms > --max-atoms 100' err.txt
grep_q 'skipped: 1 larger than --max-atoms' err.txt
