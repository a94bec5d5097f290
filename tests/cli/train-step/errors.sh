# damaged or mismatched checkpoints, bad records and unwritable outputs
mkmols -n 12 -s 1 >tr.mpk
O="--config tiny --batch 4 --seed 1 -q"
train-step $O --steps 3 --save c.ckpt tr.mpk
n=$(wc -c <c.ckpt)
head -c $((n / 2)) c.ckpt >trunc.ckpt
expect_code 3 train-step $O --steps 6 --resume trunc.ckpt tr.mpk 2>err.txt
grep_q 'truncated' err.txt
expect_code 3 ckpt-info trunc.ckpt 2>err.txt
grep_q 'truncated' err.txt
# corrupt: one byte changed in the middle (zstd checksum)
python3 -c "
import sys; b = bytearray(open('c.ckpt','rb').read()); b[len(b)//2] ^= 0x55
open('bad.ckpt','wb').write(b)"
expect_code 3 train-step $O --steps 6 --resume bad.ckpt tr.mpk 2>err.txt
grep_q 'corrupt' err.txt
# not a checkpoint at all
expect_code 3 train-step $O --steps 6 --resume tr.mpk tr.mpk 2>err.txt
grep_q 'not a moleblend checkpoint' err.txt
expect_code 3 encode --ckpt tr.mpk tr.mpk >/dev/null 2>err.txt
expect_code 3 train-step $O --init nonexistent.ckpt tr.mpk 2>err.txt
grep_q 'cannot open' err.txt
# mismatched: a fine-tuned checkpoint does not resume as pretraining of another task... and
# a checkpoint without optimizer state cannot be resumed
train-step --finetune --task classification --labels hasO --init c.ckpt --batch 4 --steps 3 \
    --valid tr.mpk --best best.ckpt -q tr.mpk
expect_code 3 train-step $O --steps 6 --resume best.ckpt tr.mpk 2>err.txt
grep_q 'optimizer' err.txt
# mismatched: 3D fine-tuning from a 2D-only checkpoint (no 3D module tensors)
train-step --finetune --task classification --labels hasO --config tiny --batch 4 --steps 2 -q \
    --save ft2d.ckpt tr.mpk
expect_code 3 train-step --finetune --task classification --labels hasO --mode 3d --init ft2d.ckpt \
    --batch 4 --steps 2 -q tr.mpk 2>err.txt
grep_q "tensor 'g_means' is missing; hint" err.txt
# resuming with input that is too short
mkmols -n 2 -s 1 >short.mpk
expect_code 1 train-step $O --steps 6 --resume c.ckpt short.mpk 2>err.txt
grep_q 'cannot resume' err.txt
# records without relation-build keys: exit 1 naming the record; -k skips them
echo '{"id":"x1","n":2,"z":[6,6]}' | json2mpk >norel.mpk
cat tr.mpk norel.mpk >mixed.mpk
expect_code 1 train-step $O --steps 4 --shuffle 0 mixed.mpk 2>err.txt
grep_q 'mixed.mpk: record 12 (id=x1): .*relation' err.txt
expect_code 1 train-step $O --steps 40 --shuffle 0 -k mixed.mpk 2>err.txt
grep_q 'skipped:.* 1 bad' err.txt
# truncated input stream
n=$(wc -c <tr.mpk)
head -c $((n - 7)) tr.mpk >cut.mpk
expect_code 1 train-step $O --steps 40 cut.mpk 2>err.txt
grep_q 'record 11' err.txt
# metrics to a full device, checkpoint into a missing directory
expect_code 3 train-step $O --steps 2 --metrics /dev/full tr.mpk
expect_code 3 train-step $O --steps 2 --save no/such/dir/c.ckpt tr.mpk 2>err.txt
grep_q 'cannot create' err.txt
