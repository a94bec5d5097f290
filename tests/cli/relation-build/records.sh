# hand-built records: 3D (dist), unknown keys pass through, no bond table (XYZ), disconnected
# fragments (unreachable pairs 510, no hops), single atom
need_py json
d=$(fixture good/relations)
json2mpk -q "$d/hand.jsonl" > in.mpk
relation-build in.mpk > out.mpk
mpk2json --no-header out.mpk | /usr/bin/python3 "$d/relkeys.py" > keys.txt
golden hand.keys keys.txt
# re-running on its own output replaces the keys (idempotent)
relation-build out.mpk | cmp - out.mpk || fail "second pass changed the records"
