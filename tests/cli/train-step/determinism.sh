# same seed -> identical checkpoint bytes and losses; another seed -> different
mkmols -n 16 -s 2 >tr.mpk
O="--config tiny --batch 4 --lr 1e-3 --steps 6 --epochs 2 --shuffle 16 -q"
train-step $O --seed 3 --save a.ckpt --metrics a.tsv tr.mpk
train-step $O --seed 3 --save b.ckpt --metrics b.tsv tr.mpk
train-step $O --seed 4 --save c.ckpt --metrics c.tsv tr.mpk
cmp a.ckpt b.ckpt || fail "same seed, different checkpoints"
cut -f1-13 a.tsv >a.cut; cut -f1-13 b.tsv >b.cut; cut -f1-13 c.tsv >c.cut
cmp a.cut b.cut || fail "same seed, different losses"
! cmp -s a.cut c.cut || fail "another seed gave the same losses"
# stdin gives the same run as the file
P="--config tiny --batch 4 --lr 1e-3 --shuffle 16 --seed 3 --decay-steps 4 -q"
train-step $P --save d.ckpt <tr.mpk
train-step $P --save e.ckpt tr.mpk
cmp d.ckpt e.ckpt || fail "stdin and file runs differ"
# JSON lines metrics hold the same numbers
train-step $O --seed 3 --metrics e.jsonl tr.mpk
[ "$(wc -l <e.jsonl)" -eq 6 ] || fail "expected 6 jsonl rows"
grep_q '"kind":"train","step":6' e.jsonl
