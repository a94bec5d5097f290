# ckpt-info lists header, config and every tensor with its shape
mkmols -n 8 -s 1 >tr.mpk
train-step --config tiny --batch 4 --steps 2 --seed 1 -q --save c.ckpt tr.mpk
ckpt-info c.ckpt >info.txt
grep_q '^schema	moleblend.ckpt 1$' info.txt
grep_q '^objective	pretrain$' info.txt
grep_q '^config	d_model	16$' info.txt
grep_q '^config	n_layer	2$' info.txt
grep_q '^tensor	qkvw	\[2,48,16\]	1536$' info.txt
grep_q '^tensor	adam_v/qkvw	\[2,48,16\]	1536$' info.txt
grep_q '^has_adam	yes$' info.txt
# three families of equal size: params, adam_m, adam_v
p=$(grep -c '^tensor	[a-z0-9_]*	' info.txt); m=$(grep -c '^tensor	adam_m/' info.txt)
[ "$p" -eq "$m" ] || fail "params $p vs adam_m $m"
ckpt-info --help >h.txt
grep_q usage h.txt
expect_code 2 ckpt-info
expect_code 3 ckpt-info nonexistent.ckpt
expect_code 3 ckpt-info c.ckpt >/dev/full
