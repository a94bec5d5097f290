#!/usr/bin/python3
"""smiles-check.py: compare common/smiles.c (via `test-smifile --dump`) with RDKit.

usage: smiles-check.py DATA.csv[.gz] DUMP [--time] [--strict] [--stride=K]

DATA is the CSV the dump was made from (SMILES column: smiles/SMILES/mol/canonical_smiles...).
DUMP is the output of `test-smifile --dump DATA`. For every record:
  - RDKit MolFromSmiles(s) (sanitized) accepts it  =>  ours must parse it, with the same number of
    heavy atoms and of bonds between heavy atoms (required; exit 1 otherwise);
  - against MolFromSmiles(s, sanitize=False) (the parser's raw output, H atoms kept): atoms
    (Z, charge, isotope, aromatic flag, bracket-H count, no-implicit, atom map = class, chiral tag),
    bonds in the same order with the same begin/end atom, bond type and ENDUPRIGHT/ENDDOWNRIGHT
    direction. Reported; with --strict any difference fails.
smiles-check.py --gen DATA.csv OUT.csv [N] writes 4 RDKit-written variants (2 random atom
orders, Kekule, all H explicit) of the first N (default 300) stereo-bearing molecules of DATA.
--stride=K checks only every K-th record (the dump must still hold them all).
--time also times RDKit MolFromSmiles over the file (molecules/s); --bench=DRIVER (path of
test-smifile) also times smi_iter_next + smiles_parse over the same text (best of 3) and prints
the ratio. Benchmark only (not part of make test):
  zcat hiv.csv.gz >/tmp/hiv.csv; build/tests/test-smifile --dump /tmp/hiv.csv >/tmp/hiv.dump
  tests/bench/smiles-check.py /tmp/hiv.csv /tmp/hiv.dump --bench=build/tests/test-smifile
"""
import csv
import gzip
import io
import os
import subprocess
import sys
import tempfile
import time

from rdkit import Chem, RDLogger

RDLogger.DisableLog("rdApp.*")

NAMES = ["smiles", "canonical_smiles", "isomeric_smiles", "mol", "smi"]
BT = {
    Chem.BondType.SINGLE: 1,
    Chem.BondType.DOUBLE: 2,
    Chem.BondType.TRIPLE: 3,
    Chem.BondType.QUADRUPLE: 0,
    Chem.BondType.AROMATIC: 4,
    Chem.BondType.DATIVE: 5,
}
BD = {Chem.BondDir.NONE: 0, Chem.BondDir.ENDUPRIGHT: 1, Chem.BondDir.ENDDOWNRIGHT: 2}


def read_smiles(path):
    raw = open(path, "rb").read()
    if path.endswith(".gz"):
        raw = gzip.decompress(raw)
    txt = raw.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(txt)))
    head = [h.strip().lower() for h in rows[0]]
    col = None
    for nm in NAMES:
        if nm in head:
            col = head.index(nm)
            break
    if col is None:
        col = 0
    return [r[col].strip() for r in rows[1:] if r]


def parse_dump(path):
    out = {}
    for line in open(path):
        f = line.rstrip("\n").split(" ", 6)
        if f[0] == "ok":
            idx = int(f[1])
            atoms = [tuple(int(x) for x in a.split(",")) for a in f[5].split(";")] if int(f[3]) else []
            bonds = [tuple(int(x) for x in b.split(",")) for b in f[6].split(";")] if f[6] != "-" else []
            out[idx] = ("ok", atoms, bonds)
        else:
            out[int(f[1])] = ("err", " ".join(f[3:]), None)
    return out


def raw_tuple(m):
    atoms = []
    for a in m.GetAtoms():
        tag = int(a.GetChiralTag())
        atoms.append((a.GetAtomicNum(), a.GetFormalCharge(), a.GetIsotope(), a.GetNumExplicitHs(),
                      int(a.GetNoImplicit()), int(a.GetIsAromatic()), tag,
                      a.GetAtomMapNum()))
    bonds = [(b.GetBeginAtomIdx(), b.GetEndAtomIdx(), BT.get(b.GetBondType(), 0),
              BD.get(b.GetBondDir(), 0)) for b in m.GetBonds()]
    return atoms, bonds


def gen(data, out, limit):
    w = csv.writer(open(out, "w", newline=""))
    w.writerow(["smiles"])
    n = 0
    for s in read_smiles(data):
        if n >= limit:
            break
        if not any(c in s for c in "@/\\"):
            continue
        m = Chem.MolFromSmiles(s)
        if m is None:
            continue
        for v in Chem.MolToRandomSmilesVect(m, 2, randomSeed=n + 1):
            w.writerow([v])
        mk = Chem.Mol(m)
        Chem.Kekulize(mk, clearAromaticFlags=True)
        w.writerow([Chem.MolToSmiles(mk, kekuleSmiles=True)])
        w.writerow([Chem.MolToSmiles(Chem.AddHs(m), allHsExplicit=True)])
        n += 1
    return 0


def main():
    if sys.argv[1] == "--gen":
        return gen(sys.argv[2], sys.argv[3], int(sys.argv[4]) if len(sys.argv) > 4 else 300)
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    strict = "--strict" in sys.argv
    stride = 1
    for a in sys.argv[1:]:
        if a.startswith("--stride="):
            stride = int(a.split("=", 1)[1])
    smiles = read_smiles(args[0])
    ours = parse_dump(args[1])
    n = len(smiles)
    st = dict(records=n, checked=0, rdkit_ok=0, ours_ok=0, must_parse_fail=0, count_agree=0,
              count_disagree=0, raw_compared=0, raw_agree=0, atom_diff=0, bond_diff=0,
              chir_diff=0, bdir_diff=0, chiral_atoms=0, dir_bonds=0, ours_only=0)
    shown = 0

    def show(i, what):
        nonlocal shown
        if shown < 15:
            print(f"  record {i}: {what}: {smiles[i]}")
        shown += 1

    if len(ours) != n:
        print(f"dump has {len(ours)} records, data {n}")
        return 1
    for i, s in enumerate(smiles):
        if i % stride:
            continue
        st["checked"] += 1
        o = ours[i]
        ms = Chem.MolFromSmiles(s)
        mu = Chem.MolFromSmiles(s, sanitize=False)
        st["ours_ok"] += o[0] == "ok"
        if ms is not None:
            st["rdkit_ok"] += 1
            if o[0] != "ok":
                st["must_parse_fail"] += 1
                show(i, "RDKit accepts, ours rejects: " + o[1])
                continue
            heavy = [a[0] != 1 for a in o[1]]
            nh = sum(heavy)
            nbh = sum(1 for b in o[2] if heavy[b[0]] and heavy[b[1]])
            rh = sum(1 for a in ms.GetAtoms() if a.GetAtomicNum() != 1)
            rbh = sum(1 for b in ms.GetBonds()
                      if b.GetBeginAtom().GetAtomicNum() != 1 and b.GetEndAtom().GetAtomicNum() != 1)
            if (nh, nbh) == (rh, rbh):
                st["count_agree"] += 1
            else:
                st["count_disagree"] += 1
                show(i, f"heavy atoms/bonds ours {nh}/{nbh} rdkit {rh}/{rbh}")
        elif o[0] == "ok":
            st["ours_only"] += 1
        if mu is None or o[0] != "ok":
            continue
        st["raw_compared"] += 1
        ra, rb = raw_tuple(mu)
        oa, ob = o[1], o[2]
        st["chiral_atoms"] += sum(1 for a in ra if a[6])
        st["dir_bonds"] += sum(1 for b in rb if b[3])
        ok = True
        if [a[:6] + a[7:] for a in ra] != [a[:6] + a[7:] for a in oa]:
            st["atom_diff"] += 1
            ok = False
            show(i, f"atoms differ: rdkit {ra} ours {oa}")
        elif [a[6] for a in ra] != [a[6] for a in oa]:
            st["chir_diff"] += 1
            ok = False
            show(i, f"chiral tags differ: rdkit {[a[6] for a in ra]} ours {[a[6] for a in oa]}")
        if [b[:3] for b in rb] != [b[:3] for b in ob]:
            st["bond_diff"] += 1
            ok = False
            show(i, f"bonds differ: rdkit {rb} ours {ob}")
        elif [b[3] for b in rb] != [b[3] for b in ob]:
            st["bdir_diff"] += 1
            ok = False
            show(i, f"bond dirs differ: rdkit {[b[3] for b in rb]} ours {[b[3] for b in ob]}")
        st["raw_agree"] += ok
    print(" ".join(f"{k}={v}" for k, v in st.items()))
    drv = [a.split("=", 1)[1] for a in sys.argv if a.startswith("--bench=")]
    if "--time" in sys.argv or drv:
        t0 = time.perf_counter()
        sub = smiles[::stride]
        for s in sub:
            Chem.MolFromSmiles(s)
        dt = time.perf_counter() - t0
        rd = len(sub) / dt
        print(f"rdkit_MolFromSmiles_per_second {rd:.0f}")
    if drv:
        path = args[0]
        tmp = None
        if path.endswith(".gz"):
            tmp = tempfile.NamedTemporaryFile(suffix=".csv", delete=False)
            tmp.write(gzip.decompress(open(path, "rb").read()))
            tmp.close()
            path = tmp.name
        best = 0.0
        for _ in range(3):
            out = subprocess.run([drv[0], "--bench", path, "x.csv", "3"], check=True,
                                 capture_output=True, text=True).stdout.split()
            best = max(best, float(out[out.index("per_second") + 1]))
        if tmp:
            os.unlink(tmp.name)
        print(f"ours_smifile_per_second {best:.0f} ratio_vs_rdkit {best / rd:.1f}")
    bad = st["must_parse_fail"] + st["count_disagree"]
    if strict:
        bad += st["records"] and (st["raw_compared"] - st["raw_agree"])
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
