# encode: emb of length C per record (aemb n x C with --atoms), every other key unchanged,
# same bits on repeated runs, batch size changes nothing but rounding
mkmols -n 10 -s 1 >tr.mpk
train-step --config tiny --batch 4 --steps 2 --seed 1 -q --save c.ckpt tr.mpk
mkmols -n 7 -s 9 >in.mpk
encode --ckpt c.ckpt --atoms in.mpk >a.mpk
encode --ckpt c.ckpt --atoms <in.mpk >b.mpk
cmp a.mpk b.mpk || fail "repeated runs differ"
encode --ckpt c.ckpt --atoms --batch 1 in.mpk >c.mpk
mpk2json <in.mpk >in.json
mpk2json <a.mpk >a.json
mpk2json <c.mpk >c.json
python3 - <<'PY' || fail "encode output"
import json, math
inp = [json.loads(l) for l in open("in.json")]
out = [json.loads(l) for l in open("a.json")]
one = [json.loads(l) for l in open("c.json")]
inp = [d for d in inp if "schema" not in d]
assert out[0]["schema"] == "moleblend.mol" and out[0]["producer"].startswith("encode")
out = [d for d in out if "schema" not in d]
one = [d for d in one if "schema" not in d]
assert len(out) == len(inp) == 7, (len(out), len(inp))
for i, o, s in zip(inp, out, one):
    assert len(o["emb"]) == 16 and len(o["aemb"]) == 16 * o["n"], (len(o["emb"]), o["n"])
    assert all(math.isfinite(x) for x in o["emb"] + o["aemb"])
    rest = {k: v for k, v in o.items() if k not in ("emb", "aemb")}
    assert rest == i, "other keys changed"
    for x, y in zip(o["emb"], s["emb"]):
        assert abs(x - y) <= 1e-4 * (1 + abs(x)), (x, y)
# different molecules, different embeddings
assert out[0]["emb"] != out[1]["emb"]
PY
# encoding the output again replaces emb instead of adding a second one
encode --ckpt c.ckpt --atoms a.mpk >d.mpk
cmp a.mpk d.mpk || fail "re-encoding changed the stream"
# input modes: records without blend keys follow --mode
mkmols -n 3 -s 4 --mode none >plain.mpk
encode --ckpt c.ckpt --mode 2d plain.mpk | mpk2json >e2.json
encode --ckpt c.ckpt --mode 3d plain.mpk | mpk2json >e3.json
! cmp -s e2.json e3.json || fail "--mode 2d and 3d gave the same embeddings"
grep -q '"mode"' e2.json && fail "encode added a mode key"
expect_code 3 encode --ckpt c.ckpt in.mpk >/dev/full
true
