#!/usr/bin/python3
"""Test oracle for the blend-mask / split / evaluate CLI cases: decode a moleblend.mol stream.
  mbinspect.py dump FILE           one line per data record: id mode epoch pmask amask noise?
  mbinspect.py check-blend FILE    structural checks of a blend-mask output (exit 1 on failure)
  mbinspect.py ids FILE            ids, one per line
"""
import struct
import sys

import msgpack

CODES = {0x10: "B", 0x11: "b", 0x12: "H", 0x13: "h", 0x14: "I", 0x15: "i", 0x16: "f", 0x17: "d"}


def ext_hook(code, data):
    f = CODES[code]
    return list(struct.unpack("<%d%s" % (len(data) // struct.calcsize(f), f), data))


def records(path):
    with open(path, "rb") as fp:
        for o in msgpack.Unpacker(fp, ext_hook=ext_hook, raw=False, strict_map_key=False):
            if "schema" not in o:
                yield o


def dump(path):
    for r in records(path):
        print(r.get("id"), r.get("mode"), r.get("epoch"),
              "".join(map(str, r.get("pmask", []))) or "-",
              "".join(map(str, r.get("amask", []))) or "-",
              "noise" if "noise" in r else "-")


def check_blend(path, mode):
    bad = 0
    for r in records(path):
        n = r["n"]
        has3d = "pos" in r and r.get("is3d") and any(v != 0 for v in r["pos"])
        want = {"pretrain": 0 if has3d else 1, "2d": 1, "3d": 2}[mode]
        if r.get("mode") != want:
            print("record %s: mode %s, want %s" % (r["id"], r.get("mode"), want)); bad += 1
        if want == 0:
            ok = (len(r.get("pmask", [])) == n * n and len(r.get("amask", [])) == n
                  and len(r.get("noise", [])) == 3 * n
                  and all(v in (0, 1, 2) for v in r["pmask"]) and all(v in (0, 1) for v in r["amask"]))
        else:
            ok = not any(k in r for k in ("pmask", "amask", "noise"))
        if not ok:
            print("record %s: masks wrong for mode %s" % (r["id"], want)); bad += 1
    sys.exit(1 if bad else 0)


if __name__ == "__main__":
    cmd, path = sys.argv[1], sys.argv[2]
    if cmd == "dump":
        dump(path)
    elif cmd == "check-blend":
        check_blend(path, sys.argv[3])
    elif cmd == "ids":
        for r in records(path):
            print(r.get("id"))
