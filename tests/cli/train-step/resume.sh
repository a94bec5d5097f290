# interrupted + resumed training repeats the uninterrupted run bit for bit (metrics rows
# without the wall-clock columns, and the final checkpoint bytes)
mkmols -n 24 -s 1 >tr.mpk
O="--config tiny --batch 4 --lr 1e-3 --decay-steps 20 --warmup 3 --shuffle 8 --seed 7 --epochs 5 -q"
train-step $O --steps 20 --metrics a.tsv --save a.ckpt tr.mpk
train-step $O --steps 10 --metrics b.tsv --save b.ckpt tr.mpk
ckpt-info --no-tensors b.ckpt >b.info
grep_q '^step	10$' b.info
grep_q '^data	pos 40 ' b.info
train-step $O --steps 20 --resume b.ckpt --metrics b.tsv --save b2.ckpt tr.mpk
cut -f1-13 a.tsv >a.cut
cut -f1-13 b.tsv >b.cut
[ "$(grep -c '^train' a.cut)" -eq 20 ] || fail "expected 20 train rows"
diff a.cut b.cut >&2 || fail "resumed run differs from the uninterrupted one"
cmp a.ckpt b2.ckpt || fail "final checkpoints differ"
# a mid-run --save-every checkpoint resumes the same way
train-step $O --steps 20 --save-every 7 --save c.ckpt --metrics c.tsv tr.mpk
train-step $O --steps 14 --save-every 7 --save d.ckpt tr.mpk
train-step $O --steps 20 --resume d.ckpt --save d.ckpt tr.mpk
cmp c.ckpt d.ckpt || fail "resume from a --save-every checkpoint differs"
