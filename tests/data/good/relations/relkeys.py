#!/usr/bin/python3
"""relkeys.py: print the relation-build keys of each record of an mpk2json stream (stdin),
one block per record, for golden files. Distances are rounded to 1e-4."""
import json
import sys

for line in sys.stdin:
    r = json.loads(line)
    if "schema" in r:
        continue
    n = r.get("n", 0)
    out = ["id=%s n=%d nb=%d" % (r.get("id"), n, r.get("nb", 0))]
    af = r.get("af", [])
    out.append("af " + " ".join("".join("%d," % v for v in af[9 * i:9 * i + 9])[:-1]
                                for i in range(n)))
    bf = r.get("bf", [])
    out.append("bf " + " ".join(",".join(str(v) for v in bf[3 * i:3 * i + 3])
                                for i in range(len(bf) // 3)))
    out.append("deg " + " ".join(str(v) for v in r.get("deg", [])))
    spd = r.get("spd", [])
    out.append("spd " + " | ".join(" ".join(str(v) for v in spd[i * n:i * n + n])
                                   for i in range(n)))
    path = r.get("path")
    if path is not None:
        hops = []
        for t in range(n * n):
            h = [str(v) for v in path[5 * t:5 * t + 5] if v != 65535]
            hops.append("-".join(h) if h else ".")
        out.append("path " + " ".join(hops))
    if "dist" in r:
        out.append("dist " + " ".join("%.4f" % v for v in r["dist"]))
    extra = sorted(k for k in r if k in ("foo", "bar"))
    if extra:
        out.append("extra " + " ".join("%s=%s" % (k, json.dumps(r[k], sort_keys=True))
                                       for k in extra))
    print("\n".join(out))
