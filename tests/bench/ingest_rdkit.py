#!/usr/bin/python3
"""RDKit anchor for tests/bench/ingest.sh.

Reads every input file with RDKit as MoleBLEND's data path does (SDMolSupplier with default
sanitize + removeHs for SDF; MolFromSmiles for the SMILES column of a CSV), timing only the
RDKit reading in CPU seconds (file to list of Mol; the counting afterwards is not timed), and compares each molecule with moleblend's record of the same (src, rec):
heavy-atom count (n vs GetNumAtoms), bond count (nb vs GetNumBonds) and total H count
(sum of OGB numH af[9*i+4] from relation-build vs sum of GetTotalNumHs). A molecule agrees when
both sides reject it, or both accept it and all three counts match.

usage: ingest_rdkit.py --ours OURS.mpk --ours-secs S [--no-h] FILE...
Prints one line per file, the first disagreements, and a final
"rdkit_secs=<s> mols=<n> agree=<k>" line.
"""
import argparse
import csv
import sys
import time

import msgpack
from rdkit import Chem, RDLogger

RDLogger.DisableLog("rdApp.*")


def counts(mols):
    """(heavy atoms, bonds, total H) per molecule, None for a rejected one (not timed)."""
    return [None if m is None else
            (m.GetNumAtoms(), m.GetNumBonds(), sum(a.GetTotalNumHs() for a in m.GetAtoms()))
            for m in mols]


def rdkit_sdf(path):
    t = time.process_time()
    mols = list(Chem.SDMolSupplier(path))
    secs = time.process_time() - t
    return counts(mols), secs


def smiles_column(header):
    low = [h.strip().lower() for h in header]
    for name in ("smiles", "canonical_smiles", "isomeric_smiles", "mol", "smi"):
        if name in low:
            return low.index(name)
    for i, h in enumerate(low):
        if "smiles" in h:
            return i
    return 0


def rdkit_csv(path):
    t = time.process_time()
    mols = []
    with open(path, newline="") as f:
        rows = csv.reader(f)
        col = smiles_column(next(rows))
        for row in rows:
            if row:
                mols.append(Chem.MolFromSmiles(row[col]))
    secs = time.process_time() - t
    return counts(mols), secs


def ours(path, use_h):
    recs = {}
    with open(path, "rb") as f:
        for r in msgpack.Unpacker(f, raw=False, strict_map_key=False):
            if "schema" in r:
                continue
            if use_h:
                af = r["af"]
                af = bytes(af.data) if isinstance(af, msgpack.ExtType) else bytes(af)
                h = sum(af[9 * i + 4] for i in range(r["n"]))
            else:
                nh = r.get("nh")
                h = None if nh is None else sum(bytes(nh.data))
            recs[(r["src"], r["rec"])] = (r["n"], r["nb"], h)
    return recs


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--ours", required=True)
    ap.add_argument("--ours-secs", type=float, required=True)
    ap.add_argument("--no-h", action="store_true", help="no relation-build: H from nh (SDF only)")
    ap.add_argument("files", nargs="+")
    a = ap.parse_args()
    mine = ours(a.ours, not a.no_h)
    tot_t = tot_n = tot_ok = 0
    shown = 0
    for path in a.files:
        res, secs = rdkit_sdf(path) if path.endswith(".sdf") else rdkit_csv(path)
        ok = 0
        for i, rd in enumerate(res):
            me = mine.get((path, i))
            if a.no_h and me is not None and rd is not None and me[2] is None:
                me = (me[0], me[1], rd[2])  # H not comparable without relation-build
            good = (rd is None and me is None) or (rd is not None and me is not None and rd == me)
            ok += good
            if not good and shown < 15:
                shown += 1
                print(f"  differs: {path} record {i}: rdkit (n, nb, H) {rd}, moleblend {me}")
        tot_t += secs
        tot_n += len(res)
        tot_ok += ok
        print(f"{path}: {len(res)} molecules, rdkit {len(res) / secs:.0f} mol/s, "
              f"agree {ok}/{len(res)}")
    print(f"rdkit_secs={tot_t:.4f} mols={tot_n} agree={tot_ok}")


if __name__ == "__main__":
    sys.exit(main())
