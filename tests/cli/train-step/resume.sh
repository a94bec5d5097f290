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
# a run that went on after its last checkpoint (as if killed at step 15): on resume from the
# step-10 checkpoint its extra metrics rows are dropped, and the file matches the straight run
train-step $O --steps 10 --save e.ckpt --metrics e.tsv tr.mpk
train-step $O --steps 15 --resume e.ckpt --save other.ckpt --metrics e.tsv tr.mpk
[ "$(grep -c '^train' e.tsv)" -eq 15 ] || fail "expected 15 rows before the resume"
train-step $O --steps 20 --resume e.ckpt --save e.ckpt --metrics e.tsv tr.mpk
cut -f1-13 e.tsv >e.cut
diff a.cut e.cut >&2 || fail "metrics after an interrupted run differ"
cmp a.ckpt e.ckpt || fail "checkpoint after an interrupted run differs"
# --log-every 3: rows are means over 3 updates, and a resume inside an interval continues it
train-step $O --steps 20 --log-every 3 --metrics g.tsv tr.mpk
train-step $O --steps 10 --log-every 3 --metrics h.tsv --save h.ckpt tr.mpk
train-step $O --steps 20 --log-every 3 --metrics h.tsv --resume h.ckpt tr.mpk
cut -f1-13 g.tsv >g.cut; cut -f1-13 h.tsv >h.cut
[ "$(grep -c '^train' g.cut)" -eq 6 ] || fail "expected 6 rows with --log-every 3"
diff g.cut h.cut >&2 || fail "--log-every 3 resumed run differs"
# the mean of rows 1..3 of the per-step file equals the first --log-every 3 row
awk -F'\t' 'NR == FNR { if ($1 == "train" && $2 <= 3) s += $5; next }
    $1 == "train" && $2 == 3 { d = s / 3 - $5; ok = d < 1e-6 && d > -1e-6 }
    END { exit !ok }' a.tsv g.tsv ||
    fail "interval mean"
