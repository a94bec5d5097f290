# SIGTERM in the middle of a run: it stops after the current update, saves --save, exits 143;
# resuming from that checkpoint gives the uninterrupted run's metrics and checkpoint bit for bit,
# wherever the signal arrived
mkmols -n 24 -s 1 >tr.mpk
O="--config tiny --batch 4 --lr 1e-3 --warmup 10 --shuffle 8 --seed 3 --epochs 40 --steps 200 \
   --log-every 7 -q"
train-step $O --metrics a.tsv --save a.ckpt tr.mpk
train-step $O --metrics b.tsv --save b.ckpt tr.mpk 2>err.txt &
pid=$!
# wait for the first metrics rows, then interrupt
for i in $(seq 1 100); do [ -s b.tsv ] && [ "$(wc -l <b.tsv)" -gt 3 ] && break; sleep 0.1; done
kill -TERM $pid 2>/dev/null || true
rc=0
wait $pid || rc=$?
if [ $rc -eq 143 ]; then
    grep_q 'interrupted by signal 15 at step [0-9]*; saved b.ckpt' err.txt
    step=$(ckpt-info --no-tensors b.ckpt | sed -n 's/^step	//p')
    [ "$step" -lt 200 ] || fail "interrupted run reached the end"
    echo "interrupted at step $step"
    train-step $O --metrics b.tsv --save b.ckpt --resume b.ckpt tr.mpk
else
    [ $rc -eq 0 ] || fail "train-step exited $rc"
    echo "the run ended before the signal"
fi
cut -f1-13 a.tsv >a.cut; cut -f1-13 b.tsv >b.cut
diff a.cut b.cut >&2 || fail "interrupted + resumed metrics differ"
cmp a.ckpt b.ckpt || fail "interrupted + resumed checkpoint differs"
