# same seed -> identical bytes; another epoch or seed -> another draw; draw independent of batching
in=$(fixture good/blend/mols.mpk)
blend-mask --seed 3 "$in" > a.mpk
blend-mask --seed 3 < "$in" > b.mpk
cmp a.mpk b.mpk || fail "same seed gave different bytes"
blend-mask --seed 3 --epoch 1 "$in" > e1.mpk
! cmp -s a.mpk e1.mpk || fail "--epoch 1 gave the same draw as epoch 0"
blend-mask --seed 4 "$in" > s4.mpk
! cmp -s a.mpk s4.mpk || fail "--seed 4 gave the same draw as seed 3"
# concatenated input (two copies) = the draw of each copy repeated: no dependence on position
cat "$in" "$in" | blend-mask --seed 3 > cat.mpk
cat a.mpk a.mpk | cmp - cat.mpk >/dev/null 2>&1 || {
    # the writer emits one header only; compare record content via the oracle when available
    need_py msgpack
    /usr/bin/python3 "$(fixture good/blend/mbinspect.py)" dump a.mpk > da.txt
    cat da.txt da.txt > dd.txt
    /usr/bin/python3 "$(fixture good/blend/mbinspect.py)" dump cat.mpk > dc.txt
    diff dd.txt dc.txt >&2 || fail "draw depends on the record's position in the stream"
}
