# a diverging run (--lr 1e30) stops with exit 4 naming step and batch; checkpoints stay intact
mkmols -n 16 -s 1 >tr.mpk
O="--config tiny --batch 4 --seed 1 -q"
train-step $O --steps 2 --save c.ckpt tr.mpk
cp c.ckpt keep.ckpt
expect_code 4 train-step $O --steps 10 --lr 1e30 --warmup 0 --save c.ckpt tr.mpk 2>err.txt
grep_q 'step [0-9]*, batch = molecules' err.txt
cmp c.ckpt keep.ckpt || fail "checkpoint changed by the failed run"
[ -z "$(ls | grep 'tmp')" ] || fail "temporary file left behind"
# saving every step: the last checkpoint written is finite and loadable
expect_code 4 train-step $O --steps 10 --lr 1e30 --warmup 0 --save d.ckpt --save-every 1 tr.mpk 2>/dev/null
ckpt-info --stats d.ckpt >d.info
if grep -q NONFINITE d.info; then fail "non-finite checkpoint saved"; fi
grep_q '^step	1$' d.info
