#!/usr/bin/python3
"""Fingerprint / Coulomb-matrix + random-forest baselines on the splits moleblend uses.

2D sets (MoleculeNet CSVs, scaffold split of /work/shared/data/README.md, implemented in
molsplit.py exactly like `split --scaffold`): ECFP4 (Morgan radius 2, 2048 bits) + random forest
(500 trees), test ROC-AUC (BBBP, BACE, Tox21 = mean over its 12 tasks, HIV with --hiv) or RMSE
(ESOL, FreeSolv). 3D sets (random 80/10/10 split per seed): PCQM4Mv2-2k HOMO-LUMO gap and
QM9-6000 dipole mu, sorted Coulomb-matrix eigenvalues (all atoms incl. H) + forest, test MAE,
next to the train-mean MAE; pcqm-gap-ecfp: the same split with ECFP4 of the SDF's heavy-atom
graph instead (the README's 0.41 eV anchor is reached by neither exactly; see the table). Seeds 0,1,2 (forest seed; for the 3D sets also the split seed).
Output: a markdown table with mean ± std over the seeds and the README reference numbers.

usage: baseline-rf.py [--data DIR] [--sets a,b,..] [--hiv] [--trees N] [--seeds 0,1,2]
"""
import argparse
import gzip
import math
import os
import subprocess
import sys
import time

import numpy as np
from rdkit import Chem, DataStructs, RDLogger
from rdkit.Chem import AllChem
from sklearn.ensemble import RandomForestClassifier, RandomForestRegressor
from sklearn.metrics import roc_auc_score

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import molsplit  # noqa: E402

RDLogger.DisableLog("rdApp.*")

REF = {"bbbp": "69.8", "bace": "86.8", "tox21": "72.3", "hiv": "79.5", "esol": "1.64",
       "freesolv": "4.39", "pcqm-gap": "0.41 (mean 1.00)", "pcqm-gap-ecfp": "0.41 (mean 1.00)", "qm9-mu": "0.83 (mean 1.21)"}


def ecfp(smiles):
    x = np.zeros((len(smiles), 2048), dtype=np.uint8)
    for i, s in enumerate(smiles):
        fp = AllChem.GetMorganFingerprintAsBitVect(Chem.MolFromSmiles(s), 2, nBits=2048)
        DataStructs.ConvertToNumpyArray(fp, x[i])
    return x


def run_2d(data, name, seeds, trees):
    smiles, labels, cols, kind = molsplit.load_csv(data, name)
    keys = [molsplit.scaffold(s) for s in smiles]
    tr, va, te = molsplit.scaffold_split(keys)
    x = ecfp(smiles)
    y = np.array(labels)
    scores = []
    for seed in seeds:
        per_task = []
        for t in range(y.shape[1]):
            mtr = [i for i in tr if not math.isnan(y[i, t])]
            mte = [i for i in te if not math.isnan(y[i, t])]
            if kind == "cls":
                if len(set(y[mte, t])) < 2 or len(set(y[mtr, t])) < 2:
                    continue
                rf = RandomForestClassifier(n_estimators=trees, n_jobs=2, random_state=seed)
                rf.fit(x[mtr], y[mtr, t].astype(int))
                p = rf.predict_proba(x[mte])[:, 1]
                per_task.append(100 * roc_auc_score(y[mte, t], p))
            else:
                rf = RandomForestRegressor(n_estimators=trees, n_jobs=2, random_state=seed)
                rf.fit(x[mtr], y[mtr, t])
                p = rf.predict(x[mte])
                per_task.append(math.sqrt(np.mean((p - y[mte, t]) ** 2)))
        scores.append(float(np.mean(per_task)))
    metric = "ROC-AUC %" if kind == "cls" else "RMSE"
    split = "scaffold %d/%d/%d" % (len(tr), len(va), len(te))
    return metric, split, scores, None


def coulomb_eig(z, pos, nmax):
    z = np.asarray(z, dtype=float)
    pos = np.asarray(pos, dtype=float) / 0.529177210903  # Angstrom -> Bohr
    d = np.linalg.norm(pos[:, None, :] - pos[None, :, :], axis=-1)
    with np.errstate(divide="ignore"):
        cm = np.outer(z, z) / d
    np.fill_diagonal(cm, 0.5 * z ** 2.4)
    ev = np.sort(np.linalg.eigvalsh(cm))[::-1]
    out = np.zeros(nmax)
    out[: len(ev)] = ev
    return out


def load_pcqm(data, ecfp_too=False):
    path = data + "/pcqm4mv2/pcqm4mv2-2k.sdf.gz"
    mols = []
    with gzip.open(path, "rb") as fp:
        for m in Chem.ForwardSDMolSupplier(fp, removeHs=False, sanitize=False):
            if m is None or not m.HasProp("homo_lumo_gap_ev"):
                continue
            z = [a.GetAtomicNum() for a in m.GetAtoms()]
            pos = m.GetConformer().GetPositions()
            rec = (z, pos, float(m.GetProp("homo_lumo_gap_ev")))
            if ecfp_too:  # heavy-atom graph, sanitised, as SDMolSupplier(removeHs=True) gives
                mm = Chem.Mol(m)
                Chem.SanitizeMol(mm)
                mm = Chem.RemoveHs(mm)
                fp2 = AllChem.GetMorganFingerprintAsBitVect(mm, 2, nBits=2048)
                x = np.zeros(2048, dtype=np.uint8)
                DataStructs.ConvertToNumpyArray(fp2, x)
                rec = rec + (x,)
            mols.append(rec)
    return mols


def load_qm9(data):
    path = data + "/qm9/qm9_6000.extxyz.zst"
    txt = subprocess.run(["zstd", "-dc", path], check=True, capture_output=True, text=True).stdout
    lines = txt.splitlines()
    sym = {"H": 1, "C": 6, "N": 7, "O": 8, "F": 9}
    mols, i = [], 0
    while i < len(lines):
        if not lines[i].strip():
            i += 1
            continue
        n = int(lines[i])
        head = lines[i + 1].split()
        mu = float([h for h in head if h.startswith("mu=")][0][3:])
        z, pos = [], []
        for ln in lines[i + 2: i + 2 + n]:
            f = ln.split()
            z.append(sym[f[0]])
            pos.append([float(v) for v in f[1:4]])
        mols.append((z, np.array(pos), mu))
        i += 2 + n
    return mols


def run_3d(data, name, seeds, trees):
    mols = load_pcqm(data, name == "pcqm-gap-ecfp") if name.startswith("pcqm") else load_qm9(data)
    nmax = max(len(m[0]) for m in mols)
    if name == "pcqm-gap-ecfp":
        x = np.array([m[3] for m in mols])
    else:
        x = np.array([coulomb_eig(m[0], m[1], nmax) for m in mols])
    y = np.array([m[2] for m in mols])
    scores, means = [], []
    for seed in seeds:
        tr, va, te = molsplit.random_split(len(mols), seed)
        rf = RandomForestRegressor(n_estimators=trees, n_jobs=2, random_state=seed)
        rf.fit(x[tr], y[tr])
        scores.append(float(np.mean(np.abs(rf.predict(x[te]) - y[te]))))
        means.append(float(np.mean(np.abs(y[tr].mean() - y[te]))))
    split = "random %d/%d/%d" % (len(tr), len(va), len(te))
    return "MAE", split, scores, float(np.mean(means))


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--data", default=os.environ.get("MB_DATA", "/work/shared/data"))
    ap.add_argument("--sets", default="bbbp,bace,tox21,esol,freesolv,pcqm-gap,pcqm-gap-ecfp,qm9-mu")
    ap.add_argument("--hiv", action="store_true", help="also HIV (41k molecules, slow)")
    ap.add_argument("--trees", type=int, default=500)
    ap.add_argument("--seeds", default="0,1,2")
    a = ap.parse_args()
    seeds = [int(s) for s in a.seeds.split(",")]
    sets = a.sets.split(",") + (["hiv"] if a.hiv else [])
    print("| dataset | split | metric | ECFP4/CM + RF (mean ± std, %d seeds) | train-mean | README ref | s |"
          % len(seeds))
    print("|---|---|---|---|---|---|---|")
    for name in sets:
        t0 = time.time()
        if name in ("pcqm-gap", "pcqm-gap-ecfp", "qm9-mu"):
            metric, split, sc, base = run_3d(a.data, name, seeds, a.trees)
        else:
            metric, split, sc, base = run_2d(a.data, name, seeds, a.trees)
        fmt = "%.1f ± %.1f" if metric.startswith("ROC") else "%.3f ± %.3f"
        print("| %s | %s | %s | %s | %s | %s | %.0f |" % (
            name, split, metric, fmt % (np.mean(sc), np.std(sc)),
            "-" if base is None else "%.3f" % base, REF.get(name, "-"), time.time() - t0),
            flush=True)


if __name__ == "__main__":
    main()
