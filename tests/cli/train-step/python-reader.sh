# the Python reader printed in schemas/checkpoint.md reads a checkpoint: same tensors, shapes and
# values as ckpt-info --stats, and the header config
need_py msgpack numpy
need_cmd zstd
mkmols -n 8 -s 1 >tr.mpk
train-step --config tiny --batch 4 --steps 2 --seed 1 -q --save c.ckpt tr.mpk
sed -n '/^```python$/,/^```$/p' "$MB_ROOT/schemas/checkpoint.md" | sed '1d;$d' >reader.py
[ -s reader.py ] || fail "no python block in schemas/checkpoint.md"
cat >>reader.py <<'PY'
h, t = read_ckpt("c.ckpt")
assert h["schema"] == "moleblend.ckpt" and h["version"] == 1
assert h["config"]["d_model"] == 16 and h["step"] == 2
for name, a in t.items():
    print("%s\t[%s]\t%d\tmin %.6g max %.6g" % (name, ",".join(map(str, a.shape)), a.size,
                                               a.min(), a.max()))
PY
/usr/bin/python3 reader.py >py.txt
ckpt-info --stats c.ckpt | awk -F'\t' '$1 == "tensor" { split($5, s, " "); 
    printf "%s\t%s\t%s\tmin %s max %s\n", $2, $3, $4, s[2], s[4] }' >c.txt
[ "$(wc -l <c.txt)" -gt 100 ] || fail "too few tensors listed"
diff c.txt py.txt >&2 || fail "python reader and ckpt-info disagree"
