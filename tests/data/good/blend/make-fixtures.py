#!/usr/bin/python3
"""Regenerate the blend-mask / evaluate / split fixtures (msgpack molecule records).
Run from this directory: /usr/bin/python3 make-fixtures.py. Output is deterministic."""
import struct
import msgpack

U8, U16, F32 = 0x10, 0x12, 0x16


def arr(code, fmt, vals):
    return msgpack.ExtType(code, struct.pack("<%d%s" % (len(vals), fmt), *vals))


def header():
    return {"schema": "moleblend.mol", "version": 1, "producer": "make-fixtures.py"}


def chain(k, n, pos=True, is3d=True, zero=False):
    """a path graph of n carbons with shortest paths |i-j|"""
    r = {"id": "m%d" % k, "src": "fixture.sdf", "rec": k, "line": 0, "fmt": "sdf",
         "n": n, "nb": n - 1 if n else 0,
         "z": arr(U8, "B", [6] * n),
         "bonds": arr(U16, "H", [x for i in range(n - 1) for x in (i, i + 1)]),
         "bo": arr(U8, "B", [1] * (n - 1 if n else 0)),
         "deg": arr(U8, "B", [(i > 0) + (i < n - 1) for i in range(n)]),
         "spd": arr(U16, "H", [abs(i - j) for i in range(n) for j in range(n)]),
         "labels": {"y": float(k % 3)}}
    if pos:
        r["is3d"] = is3d
        r["pos"] = arr(F32, "f", [0.0] * (3 * n) if zero else
                       [1.5 * i if c == 0 else 0.1 * c * (i % 2) for i in range(n) for c in range(3)])
    return r


def write(path, recs, hdr=True):
    with open(path, "wb") as f:
        if hdr:
            f.write(msgpack.packb(header()))
        for r in recs:
            f.write(msgpack.packb(r))


# good: 3D molecules, one without positions, one 2D depiction, one all-zero positions
write("mols.mpk", [chain(0, 4), chain(1, 6), chain(2, 3, pos=False), chain(3, 5, is3d=False),
                   chain(4, 4, zero=True), chain(5, 1), chain(6, 7)])
# bad: record 1 has no spd (relation-build not run)
bad = chain(1, 4)
del bad["spd"]
write("../../bad/blend/no-spd.mpk", [chain(0, 4), bad, chain(2, 4)])
# bad: record 1 has a spd of the wrong length
bad = chain(1, 4)
bad["spd"] = arr(U16, "H", [0] * 5)
write("../../bad/blend/short-spd.mpk", [chain(0, 3), bad])
# bad: truncated stream (last record cut)
data = msgpack.packb(header()) + msgpack.packb(chain(0, 4)) + msgpack.packb(chain(1, 5))[:-7]
open("../../bad/blend/truncated.mpk", "wb").write(data)

# evaluate: predictions with labels. Scores on a coarse grid (many ties), missing labels,
# one single-class task; a regression set.
import random
rng = random.Random(5)
cls, reg = [], []
for k in range(60):
    y1 = rng.random() < 0.4
    s1 = round(rng.gauss(1.0 if y1 else -0.5, 1.2) * 2) / 2  # ties
    y2 = None if rng.random() < 0.25 else float(rng.random() < 0.5)
    s2 = round(rng.gauss(0, 1) * 2) / 2
    lab = {"a": float(y1), "b": y2, "c": 0.0}
    cls.append({"id": "c%d" % k, "rec": k, "n": 0, "nb": 0, "labels": lab,
                "pred": arr(F32, "f", [s1, s2, rng.gauss(0, 1)])})
    t = rng.gauss(0, 2)
    reg.append({"id": "r%d" % k, "rec": k, "n": 0, "nb": 0,
                "labels": {"y": t if k % 7 else None},
                "split": "test" if k % 3 == 0 else "train",
                "pred": arr(F32, "f", [t + rng.gauss(0, 0.5)])})
write("pred-cls.mpk", cls)
write("pred-reg.mpk", reg)
bad = list(cls[:3])
bad[1] = dict(bad[1]); bad[1]["pred"] = arr(F32, "f", [float("nan"), 0.0, 0.0])
write("../../bad/blend/pred-nan.mpk", bad)
bad = list(cls[:3])
bad[2] = dict(bad[2]); bad[2]["labels"] = {"a": 2.0, "b": 1.0, "c": 0.0}
write("../../bad/blend/label-2.mpk", bad)
bad = list(cls[:3])
bad[1] = dict(bad[1]); bad[1]["pred"] = arr(F32, "f", [0.0, 0.0])
write("../../bad/blend/pred-short.mpk", bad)
