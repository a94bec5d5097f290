# the 6,000-frame QM9 extended XYZ: every frame read, atoms/heavy atoms/mu equal to an independent
# Python reading, and perceived bonds connect (nearly) every molecule: a few QM9 geometries are
# really dissociated (frame 5278 is N2 plus a fragment), so up to 20 of 6,000 may not be
need_data qm9/qm9_6000.extxyz.zst
need_cmd zstd
zstd -q -dc "$MB_DATA/qm9/qm9_6000.extxyz.zst" > q.xyz
"$MB_BUILD/tests/test-xyz" --dump q.xyz --perceive --label mu > ours.tsv
/usr/bin/python3 - q.xyz ours.tsv <<'PY'
import sys
lines = open(sys.argv[1]).read().split("\n")
ref, i = [], 0
while i < len(lines):
    if not lines[i].strip():
        i += 1
        continue
    n = int(lines[i])
    kv = dict(t.split("=", 1) for t in lines[i + 1].split() if "=" in t)
    syms = [lines[i + 2 + k].split()[0] for k in range(n)]
    ref.append((n, sum(s != "H" for s in syms), float(kv["mu"])))
    i += 2 + n
ours = [l.split("\t") for l in open(sys.argv[2]).read().splitlines()]
assert len(ref) == 6000, len(ref)
assert len(ours) == len(ref), (len(ours), len(ref))
bad = apart = 0
for k, (r, o) in enumerate(zip(ref, ours)):
    n, nb, heavy, hb = int(o[2]), int(o[3]), int(o[4]), int(o[5])
    if o[1] != "ok" or (n, heavy) != r[:2] or abs(float(o[6]) - r[2]) > 1e-12:
        bad += 1; print("frame", k, o, r)
    elif nb < n - 1 or hb < heavy - 1:
        apart += 1; print("frame", k, "not connected:", o)
print("%d frames, %d differ, %d not connected by perceived bonds" % (len(ref), bad, apart))
sys.exit(1 if bad or apart > 20 else 0)
PY
