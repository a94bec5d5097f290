#!/usr/bin/python3
"""molfile-check.py: compare moleblend's SDF reader (common/sdf.c + mol_remove_h, driven through
`test-sdf --dump`) with RDKit's SDMolSupplier (default: sanitize=True, removeHs=True), record by
record: accepted/rejected, heavy-atom count and bond count after H removal. Also times both.

usage: molfile-check.py [--test-sdf PATH] [--valence] [--max-mismatch N] [--quiet] FILE...
  FILE may be .sdf, .sdf.gz or .sdf.zst.  --valence also applies mol_check_valence
  (RDKit's sanitisation valence test) on our side. Exit 1 if --max-mismatch is exceeded.
"""
import argparse
import gzip
import os
import subprocess
import sys
import tempfile
import time

from rdkit import Chem, RDLogger


def plain_copy(path, tmpdir):
    if path.endswith(".gz"):
        out = os.path.join(tmpdir, os.path.basename(path)[:-3])
        with gzip.open(path, "rb") as f, open(out, "wb") as g:
            g.write(f.read())
        return out
    if path.endswith(".zst"):
        out = os.path.join(tmpdir, os.path.basename(path)[:-4])
        with open(out, "wb") as g:
            subprocess.run(["zstd", "-dc", path], stdout=g, check=True)
        return out
    return path


def rdkit_side(path):
    t0 = time.perf_counter()
    res = []
    for m in Chem.SDMolSupplier(path):
        res.append(None if m is None else (m.GetNumAtoms(), m.GetNumBonds()))
    return res, time.perf_counter() - t0


def our_side(exe, path, valence):
    cmd = [exe, "--dump", path] + (["--valence"] if valence else [])
    out = subprocess.run(cmd, stdout=subprocess.PIPE, check=True, text=True).stdout
    res, errs = [], {}
    for line in out.splitlines():
        f = line.split("\t")
        if f[1] == "ok":
            res.append((int(f[2]), int(f[3])))
        else:
            res.append(None)
            errs[int(f[0])] = f[4]
    t = subprocess.run(cmd + ["--time"], stdout=subprocess.PIPE, check=True, text=True).stdout
    secs = float(t.split()[-2])
    return res, errs, secs


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--test-sdf", default=os.environ.get("MB_BUILD", "build") + "/tests/test-sdf")
    ap.add_argument("--valence", action="store_true")
    ap.add_argument("--max-mismatch", type=int, default=-1)
    ap.add_argument("--quiet", action="store_true")
    ap.add_argument("files", nargs="+")
    a = ap.parse_args()
    RDLogger.DisableLog("rdApp.*")
    total = dict(n=0, both=0, agree=0, rej_both=0, rej_rd=0, rej_us=0, rd_s=0.0, us_s=0.0)
    with tempfile.TemporaryDirectory() as tmp:
        for path in a.files:
            p = plain_copy(path, tmp)
            rd, rd_s = rdkit_side(p)
            us, errs, us_s = our_side(a.test_sdf, p, a.valence)
            s = dict(n=len(rd), both=0, agree=0, rej_both=0, rej_rd=0, rej_us=0)
            notes = []
            if len(rd) != len(us):
                notes.append("record count differs: rdkit %d ours %d" % (len(rd), len(us)))
            for i in range(min(len(rd), len(us))):
                r, u = rd[i], us[i]
                if r is None and u is None:
                    s["rej_both"] += 1
                elif r is None:
                    s["rej_rd"] += 1
                    notes.append("#%d rejected by rdkit only (ours %s)" % (i, u))
                elif u is None:
                    s["rej_us"] += 1
                    notes.append("#%d rejected by us only: %s" % (i, errs.get(i)))
                else:
                    s["both"] += 1
                    if r == u:
                        s["agree"] += 1
                    else:
                        notes.append("#%d heavy/bonds rdkit %s ours %s" % (i, r, u))
            print("%s: %d records; both parsed %d, equal heavy atoms+bonds %d; rejected by both %d,"
                  " rdkit only %d, ours only %d; rdkit %.0f mol/s, ours %.0f mol/s (x%.1f)" % (
                      os.path.basename(path), s["n"], s["both"], s["agree"], s["rej_both"],
                      s["rej_rd"], s["rej_us"], s["n"] / max(rd_s, 1e-9), s["n"] / max(us_s, 1e-9),
                      rd_s / max(us_s, 1e-9)))
            if not a.quiet:
                for line in notes[:20]:
                    print("   ", line)
                if len(notes) > 20:
                    print("    ... %d more" % (len(notes) - 20))
            for k in s:
                total[k] += s[k]
            total["rd_s"] += rd_s
            total["us_s"] += us_s
    mism = total["n"] - total["agree"] - total["rej_both"]
    print("TOTAL: %d records, %d agree (%.2f%%), %d mismatches; rdkit %.2f s, ours %.2f s (x%.1f)" % (
        total["n"], total["agree"] + total["rej_both"],
        100.0 * (total["agree"] + total["rej_both"]) / max(total["n"], 1), mism,
        total["rd_s"], total["us_s"], total["rd_s"] / max(total["us_s"], 1e-9)))
    if a.max_mismatch >= 0 and mism > a.max_mismatch:
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
