#!/usr/bin/python3
"""check_rdkit.py MPK2JSON_OUTPUT: compare af/bf/spd of SMILES records with RDKit + OGB
featurisation (the reference code of tests/bench/features-vs-rdkit.py). Exit 1 on any
difference, printing it."""
import importlib.util
import json
import os
import sys

import numpy as np
from rdkit import Chem

here = os.path.dirname(os.path.abspath(__file__))
spec = importlib.util.spec_from_file_location(
    "fvr", os.path.join(here, "..", "..", "..", "bench", "features-vs-rdkit.py"))
fvr = importlib.util.module_from_spec(spec)
spec.loader.exec_module(fvr)

bad = 0
count = 0
for line in open(sys.argv[1]):
    r = json.loads(line)
    if "schema" in r:
        continue
    m = Chem.MolFromSmiles(r["smiles"])
    n = m.GetNumAtoms()
    count += 1
    for a in m.GetAtoms():
        ref = fvr.atom_to_feature_vector(a)
        ours = r["af"][9 * a.GetIdx():9 * a.GetIdx() + 9]
        if ref != ours:
            print("%s atom %d: rdkit %s ours %s" % (r["id"], a.GetIdx(), ref, ours))
            bad += 1
    for b in m.GetBonds():
        ref = fvr.bond_to_feature_vector(b)
        ours = r["bf"][3 * b.GetIdx():3 * b.GetIdx() + 3]
        if ref != ours:
            print("%s bond %d: rdkit %s ours %s" % (r["id"], b.GetIdx(), ref, ours))
            bad += 1
    dm = Chem.GetDistanceMatrix(m)
    dm = np.where(dm > 1e6, 510, dm).astype(int).reshape(-1).tolist()
    if dm != r["spd"]:
        print("%s: spd differs" % r["id"])
        bad += 1
print("%d molecules, %d differences" % (count, bad))
sys.exit(1 if bad or not count else 0)
