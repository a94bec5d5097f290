# fine-tuning from a pretrained checkpoint (heads dropped, fresh head), regression stats in the
# checkpoint, best-checkpoint keeping, and encode predictions in original units
mkmols -n 16 -s 1 >pre.mpk
mkmols -n 24 -s 2 --mode none >tr.mpk
mkmols -n 8 -s 3 --mode none >va.mpk
train-step --config tiny --batch 4 --steps 4 --seed 1 -q --save pre.ckpt pre.mpk
train-step --finetune --task regression --labels size --init pre.ckpt --batch 4 --epochs 2 \
    --lr 1e-3 --seed 1 -q --valid va.mpk --eval-every 3 --best best.ckpt --save ft.ckpt \
    --metrics m.tsv tr.mpk
ckpt-info ft.ckpt >ft.info
grep_q '^objective	finetune$' ft.info
grep_q '^task	regression$' ft.info
grep_q '^input_mode	2d$' ft.info
grep_q 'size(mean' ft.info
grep_q 'tensor	ft_w2	\[1,16\]' ft.info
if grep -q 'tensor	n2_w' ft.info; then fail "pretraining head kept"; fi
if grep -q 'tensor	g_w1' ft.info; then fail "3D module kept in a 2D fine-tune"; fi
# mean of the training labels, computed here independently
want=$(mpk2json <tr.mpk | python3 -c '
import sys, json
v = [json.loads(l)["labels"]["size"] for l in sys.stdin if "labels" in l]
print("%.6f" % (sum(v) / len(v)))')
got=$(sed -n 's/.*size(mean \([^ ]*\) .*/\1/p' ft.info)
python3 -c "import sys; sys.exit(abs($got - $want) > 1e-5)" || fail "label mean $got != $want"
[ "$(grep -c "^valid" m.tsv)" -eq 4 ] || fail "expected 4 validation rows (steps 3, 6, 9, 12)"
[ -s best.ckpt ] || fail "no best checkpoint"
grep_q '^best_valid	[0-9]' ft.info
encode --ckpt best.ckpt va.mpk >out.mpk
mpk2json <out.mpk | python3 -c '
import sys, json
n = 0
for l in sys.stdin:
    d = json.loads(l)
    if "schema" in d: continue
    assert len(d["pred"]) == 1 and len(d["emb"]) == 16, d.keys()
    assert 0.0 < d["pred"][0] < 2.5, d["pred"]   # original units: label range ~0..2
    n += 1
assert n == 8, n
' || fail "encode predictions"
# classification with multi-task masked labels, from scratch
train-step --finetune --task classification --labels hasO,hasN --config tiny --batch 4 --steps 5 \
    -q --save cl.ckpt tr.mpk
ckpt-info --no-tensors cl.ckpt >cl.info
grep_q '^labels	2 hasO,hasN$' cl.info
# a label value other than 0/1/-1 is a data error naming the record
expect_code 1 train-step --finetune --task classification --labels size --config tiny --batch 4 \
    --steps 5 -q tr.mpk 2>err.txt
grep_q 'record [0-9]* (id=mk[0-9]*): label .size.' err.txt
