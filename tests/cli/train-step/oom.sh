# nosan (ASan reserves terabytes of address space: no ulimit -v under it)
# running out of memory is exit 3 with a message, never a crash: `base` needs ~1.5 GB of
# parameter, gradient and AdamW arenas (util_bigalloc), more than the 800 MB allowed here
mkmols -n 8 -s 1 > in.mpk
rc=0
( ulimit -v 800000 && exec train-step -q --config base --batch 4 --steps 1 in.mpk ) 2> err.txt || rc=$?
[ "$rc" = 3 ] || { cat err.txt >&2; fail "exit $rc, expected 3"; }
grep_q "^train-step: out of memory" err.txt
# the same run fits without the limit at the `tiny` size
( ulimit -v 800000 && exec train-step -q --config tiny --batch 4 --steps 1 in.mpk ) 2> err.txt ||
    { cat err.txt >&2; fail "tiny under 800 MB failed"; }
