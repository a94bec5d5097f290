# encode: usage errors, bad records (named; -k skips them), too large molecules, bad checkpoints
mkmols -n 6 -s 1 >tr.mpk
train-step --config tiny --batch 4 --steps 1 --seed 1 -q --save c.ckpt tr.mpk
encode --help >h.txt
grep_q 'usage: encode' h.txt
expect_code 2 encode tr.mpk
expect_code 2 encode --ckpt c.ckpt --mode 4d tr.mpk
echo '{"id":"x1","n":2,"z":[6,6]}' | json2mpk >norel.mpk
cat tr.mpk norel.mpk tr.mpk >mixed.mpk
expect_code 1 encode --ckpt c.ckpt mixed.mpk >out.mpk 2>err.txt
grep_q 'mixed.mpk: record 6 (id=x1): .*relation' err.txt
expect_code 1 encode --ckpt c.ckpt -k mixed.mpk >out.mpk 2>err.txt
[ "$(count_recs out.mpk)" -eq 12 ] || fail "expected 12 records with -k"
grep_q '13 records in, 12 encoded, 1 bad' err.txt
# larger than --max-atoms: named, with a hint
mkmols -n 2 -s 1 --min-atoms 12 --max-atoms 12 >big.mpk
expect_code 1 encode --ckpt c.ckpt --max-atoms 10 big.mpk >/dev/null 2>err.txt
grep_q 'record 0 (id=mk0).*raise --max-atoms' err.txt
# a 2D fine-tuned checkpoint has no 3D module
mkmols -n 8 -s 2 --mode none >ft.mpk
train-step --finetune --task classification --labels hasN --config tiny --batch 4 --steps 2 -q \
    --save ft.ckpt ft.mpk
expect_code 2 encode --ckpt ft.ckpt --mode 3d ft.mpk >/dev/null
encode --ckpt ft.ckpt ft.mpk | mpk2json >ft.json
grep_q '"pred":\[' ft.json
# truncated input, damaged checkpoint
n=$(wc -c <tr.mpk)
head -c $((n - 5)) tr.mpk >cut.mpk
expect_code 1 encode --ckpt c.ckpt cut.mpk >/dev/null 2>err.txt
grep_q 'record 5' err.txt
head -c 3000 c.ckpt >trunc.ckpt
expect_code 3 encode --ckpt trunc.ckpt tr.mpk >/dev/null 2>err.txt
grep_q 'truncated' err.txt
# without --max-atoms the model grows for larger molecules (same output as a large enough limit)
mkmols -n 8 -s 3 --max-atoms 6 >small.mpk
train-step --config tiny --batch 4 --steps 1 --max-atoms 8 -q --save s8.ckpt small.mpk
mkmols -n 5 -s 4 --min-atoms 3 --max-atoms 20 >mixed-size.mpk
encode --ckpt s8.ckpt mixed-size.mpk >grow.mpk
encode --ckpt s8.ckpt --max-atoms 32 mixed-size.mpk >fixed.mpk
[ "$(count_recs grow.mpk)" -eq 5 ] || fail "growth lost records"
mpk2json <grow.mpk >grow.json; mpk2json <fixed.mpk >fixed.json
python3 - <<'PY' || fail "grown model gives other embeddings"
import json
a = [json.loads(l) for l in open("grow.json")][1:]
b = [json.loads(l) for l in open("fixed.json")][1:]
assert len(a) == len(b) == 5
for x, y in zip(a, b):
    for u, v in zip(x["emb"], y["emb"]):
        assert abs(u - v) <= 1e-4 * (1 + abs(v)), (u, v)
PY
