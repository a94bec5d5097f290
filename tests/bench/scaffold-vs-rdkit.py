#!/usr/bin/python3
"""Compare `split --scaffold` groupings (--groups TSV) with RDKit MurckoScaffoldSmiles.

usage: scaffold-vs-rdkit.py NAME GROUPS.tsv CSV-PATH SMILES-COL
Prints one markdown row: molecules, groups (ours / RDKit), molecules whose scaffold group is
exactly the same set in both, pair agreement (Rand index), adjusted Rand index, split label
agreement, and up to 3 example disagreements on stderr."""
import csv
import gzip
import os
import sys
from collections import defaultdict

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import molsplit  # noqa: E402


def comb2(x):
    return x * (x - 1) // 2


def main():
    name, gpath, cpath, scol = sys.argv[1:5]
    fp = gzip.open(cpath, "rt") if cpath.endswith(".gz") else open(cpath)
    smiles = [r[scol] for r in csv.DictReader(fp)]
    ours, our_split = [], []
    for line in open(gpath):
        f = line.rstrip("\n").split("\t")
        ours.append(f[4] if len(f) > 4 else "")
        our_split.append(f[2])
    if len(ours) != len(smiles):
        sys.exit("%s: %d groups lines but %d molecules" % (name, len(ours), len(smiles)))
    ref = [molsplit.scaffold(s) for s in smiles]
    tr, va, te = molsplit.scaffold_split(ref)
    ref_split = [""] * len(ref)
    for lab, idx in (("train", tr), ("valid", va), ("test", te)):
        for i in idx:
            ref_split[i] = lab
    n = len(ref)
    ga, gb = defaultdict(list), defaultdict(list)
    for i in range(n):
        ga[ours[i]].append(i)
        gb[ref[i]].append(i)
    same = sum(1 for i in range(n) if ga[ours[i]] == gb[ref[i]])
    # contingency table for Rand / ARI
    cont = defaultdict(int)
    for i in range(n):
        cont[(ours[i], ref[i])] += 1
    sij = sum(comb2(v) for v in cont.values())
    sa = sum(comb2(len(v)) for v in ga.values())
    sb = sum(comb2(len(v)) for v in gb.values())
    tot = comb2(n)
    rand = (tot + 2 * sij - sa - sb) / tot if tot else 1.0
    exp = sa * sb / tot if tot else 0
    ari = (sij - exp) / (0.5 * (sa + sb) - exp) if (sa + sb) / 2 != exp else 1.0
    split_same = sum(a == b for a, b in zip(our_split, ref_split))
    print("| %s | %d | %d / %d | %d (%.2f%%) | %.6f | %.6f | %.2f%% |" % (
        name, n, len(ga), len(gb), same, 100.0 * same / n, rand, ari, 100.0 * split_same / n))
    shown = 0
    for i in range(n):
        if ga[ours[i]] != gb[ref[i]] and shown < 3:
            print("  %s mol %d %s: RDKit scaffold %r (%d members), ours %d members" % (
                name, i, smiles[i], ref[i], len(gb[ref[i]]), len(ga[ours[i]])), file=sys.stderr)
            shown += 1


if __name__ == "__main__":
    main()
