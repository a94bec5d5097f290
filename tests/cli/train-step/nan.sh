# a diverging run stops with exit 4 naming step and batch; checkpoints stay intact
mkmols -n 16 -s 1 >tr.mpk
O="--config tiny --batch 4 --seed 1 -q"
train-step $O --steps 2 --save c.ckpt tr.mpk
cp c.ckpt keep.ckpt
# --lr 1e39: the first update overflows float32: caught in the parameters
expect_code 4 train-step $O --steps 10 --lr 1e39 --warmup 0 --save c.ckpt tr.mpk 2>err.txt
grep_q 'step 1, batch = molecules 0..3 .*became non-finite' err.txt
cmp c.ckpt keep.ckpt || fail "checkpoint changed by the failed run"
[ -z "$(ls | grep 'tmp')" ] || fail "temporary file left behind"
# --lr 1e30: finite but huge parameters, the next forward gives a NaN/Inf loss (also under the
# sanitizers: the NaN must propagate through the vectorised exp/erf without undefined behaviour)
expect_code 4 train-step $O --steps 10 --lr 1e30 --warmup 0 --save c.ckpt tr.mpk 2>err.txt
grep_q 'step 2, batch = molecules 4..7 .*: loss is' err.txt
cmp c.ckpt keep.ckpt || fail "checkpoint changed by the failed run"
# saving every step: the last checkpoint written is finite and loadable
expect_code 4 train-step $O --steps 10 --lr 1e30 --warmup 0 --save d.ckpt --save-every 1 tr.mpk 2>/dev/null
ckpt-info --stats d.ckpt >d.info
if grep -q NONFINITE d.info; then fail "non-finite checkpoint saved"; fi
grep_q '^step	1$' d.info
