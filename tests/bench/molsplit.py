"""Shared helpers for the blend benchmarks: MoleculeNet CSV loading and the deterministic
scaffold split of /work/shared/data/README.md (deepchem ScaffoldSplitter order: groups sorted by
(size, index of first molecule) descending; fill train within 80%, valid within 90%)."""
import csv
import gzip
import random

from rdkit import Chem, RDLogger
from rdkit.Chem.Scaffolds import MurckoScaffold

RDLogger.DisableLog("rdApp.*")

# name -> (file, smiles column, label columns, task type)
SETS = {
    "bbbp": ("bbbp.csv", "smiles", ["p_np"], "cls"),
    "bace": ("bace.csv", "mol", ["Class"], "cls"),
    "tox21": ("tox21.csv", "smiles", None, "cls"),
    "hiv": ("hiv.csv.gz", "smiles", ["HIV_active"], "cls"),
    "esol": ("delaney.csv", "smiles", ["logp"], "reg"),
    "freesolv": ("freesolv.csv", "smiles", ["freesolv"], "reg"),
}


def load_csv(data_dir, name):
    fn, scol, lcols, kind = SETS[name]
    path = "%s/moleculenet/%s" % (data_dir, fn)
    fp = gzip.open(path, "rt") if fn.endswith(".gz") else open(path)
    rows = list(csv.DictReader(fp))
    if lcols is None:
        lcols = [c for c in rows[0].keys() if c != scol]
    smiles = [r[scol] for r in rows]
    labels = [[float(r[c]) if r[c] != "" else float("nan") for c in lcols] for r in rows]
    return smiles, labels, lcols, kind


def scaffold(smi):
    m = Chem.MolFromSmiles(smi)
    if m is None:
        return None
    return MurckoScaffold.MurckoScaffoldSmiles(mol=m, includeChirality=False)


def scaffold_groups(keys):
    """keys: scaffold key per molecule -> list of index lists, in first-appearance order"""
    groups = {}
    for i, k in enumerate(keys):
        groups.setdefault(k, []).append(i)
    return list(groups.values())


def scaffold_split(keys, frac=(0.8, 0.1, 0.1)):
    n = len(keys)
    groups = scaffold_groups(keys)
    groups.sort(key=lambda g: (len(g), g[0]), reverse=True)
    train, valid, test = [], [], []
    c1, c2 = frac[0] * n, (frac[0] + frac[1]) * n
    for g in groups:
        if len(train) + len(g) <= c1:
            train += g
        elif len(train) + len(valid) + len(g) <= c2:
            valid += g
        else:
            test += g
    return sorted(train), sorted(valid), sorted(test)


def random_split(n, seed, frac=(0.8, 0.1, 0.1)):
    idx = list(range(n))
    random.Random(seed).shuffle(idx)
    a, b = int(frac[0] * n), int((frac[0] + frac[1]) * n)
    return sorted(idx[:a]), sorted(idx[a:b]), sorted(idx[b:])
