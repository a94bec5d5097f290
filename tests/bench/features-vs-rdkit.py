#!/usr/bin/python3
"""features-vs-rdkit.py: compare relation-build's OGB features and shortest paths with RDKit.

Usage: features-vs-rdkit.py BUILD_BIN_DIR DATA_DIR [--limit N] [--paths N] [--top K]
                            [--corpus3d K]
--limit N: first N molecules of each set; --paths N: check hop paths on the first N molecules of
each set (default 300); --top K: disagreement patterns shown; --corpus3d K: also the first K
shards of corpus3d (5,000 molecules each; needs the zstd command).

For every data set (MoleculeNet CSVs read as SMILES; PCQM4Mv2 and sdf-3d read as SDF) this runs
  conformer-ingest -k FILE | relation-build -k
and featurises the same molecules with RDKit exactly as OGB's smiles2graph does
(ogb.utils.features.atom_to_feature_vector / bond_to_feature_vector, written out below), with the
molecule built as MoleBLEND builds it (SPEC 1.1): Chem.MolFromSmiles(s) for SMILES, and
Chem.SDMolSupplier(file) (sanitize, removeHs) for SDF. Then it reports per-feature exact
agreement, the most frequent disagreement patterns, agreement on which molecules are rejected,
the shortest-path matrix agreement against Chem.GetDistanceMatrix (unreachable = 510) and, on a
subset, the multi-hop bond paths against a Python transcription of Graphormer's
algos.floyd_warshall + gen_edge_input.
Last line: "features: atoms <p>% bonds <q>% spd <r>%" (an atom counts only if all 9 features
match, a bond only if all 3 match).
"""
import collections
import gzip
import os
import subprocess
import sys

import msgpack
import numpy as np
from rdkit import Chem, RDLogger

RDLogger.DisableLog("rdApp.*")

# ---- OGB featurisation (ogb/utils/features.py), written out ---------------------------------
ALLOWABLE = {
    "possible_atomic_num_list": list(range(1, 119)) + ["misc"],
    "possible_chirality_list": ["CHI_UNSPECIFIED", "CHI_TETRAHEDRAL_CW", "CHI_TETRAHEDRAL_CCW",
                                "CHI_OTHER", "misc"],
    "possible_degree_list": [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, "misc"],
    "possible_formal_charge_list": [-5, -4, -3, -2, -1, 0, 1, 2, 3, 4, 5, "misc"],
    "possible_numH_list": [0, 1, 2, 3, 4, 5, 6, 7, 8, "misc"],
    "possible_number_radical_e_list": [0, 1, 2, 3, 4, "misc"],
    "possible_hybridization_list": ["SP", "SP2", "SP3", "SP3D", "SP3D2", "misc"],
    "possible_is_aromatic_list": [False, True],
    "possible_is_in_ring_list": [False, True],
    "possible_bond_type_list": ["SINGLE", "DOUBLE", "TRIPLE", "AROMATIC", "misc"],
    "possible_bond_stereo_list": ["STEREONONE", "STEREOZ", "STEREOE", "STEREOCIS", "STEREOTRANS",
                                  "STEREOANY"],
    "possible_is_conjugated_list": [False, True],
}


def safe_index(lst, e):
    try:
        return lst.index(e)
    except ValueError:
        return len(lst) - 1


def atom_to_feature_vector(atom):
    return [
        safe_index(ALLOWABLE["possible_atomic_num_list"], atom.GetAtomicNum()),
        # OGB calls .index() here, which raises on RDKit 2022.09's newer tags
        # (CHI_TRIGONALBIPYRAMIDAL, ...); SPEC 1.2 maps them to misc
        safe_index(ALLOWABLE["possible_chirality_list"], str(atom.GetChiralTag())),
        safe_index(ALLOWABLE["possible_degree_list"], atom.GetTotalDegree()),
        safe_index(ALLOWABLE["possible_formal_charge_list"], atom.GetFormalCharge()),
        safe_index(ALLOWABLE["possible_numH_list"], atom.GetTotalNumHs()),
        safe_index(ALLOWABLE["possible_number_radical_e_list"], atom.GetNumRadicalElectrons()),
        safe_index(ALLOWABLE["possible_hybridization_list"], str(atom.GetHybridization())),
        ALLOWABLE["possible_is_aromatic_list"].index(atom.GetIsAromatic()),
        ALLOWABLE["possible_is_in_ring_list"].index(atom.IsInRing()),
    ]


def bond_to_feature_vector(bond):
    return [
        safe_index(ALLOWABLE["possible_bond_type_list"], str(bond.GetBondType())),
        ALLOWABLE["possible_bond_stereo_list"].index(str(bond.GetStereo())),
        ALLOWABLE["possible_is_conjugated_list"].index(bond.GetIsConjugated()),
    ]


ATOM_NAMES = ["atomic_num", "chirality", "degree", "charge", "numH", "radical", "hybrid",
              "aromatic", "in_ring"]
BOND_NAMES = ["bond_type", "stereo", "conjugated"]

# ---- Graphormer algos.floyd_warshall + gen_edge_input, transcribed ---------------------------


def floyd_warshall(adj):
    n = adj.shape[0]
    M = adj.astype(np.int64).copy()
    path = np.zeros((n, n), dtype=np.int64)
    for i in range(n):
        for j in range(n):
            if i == j:
                M[i][j] = 0
            elif M[i][j] == 0:
                M[i][j] = 510
    Ml = M.tolist()
    P = path.tolist()
    for k in range(n):
        Mk = Ml[k]
        for i in range(n):
            Mi = Ml[i]
            mik = Mi[k]
            Pi = P[i]
            for j in range(n):
                c = mik + Mk[j]
                if Mi[j] > c:
                    Mi[j] = c
                    Pi[j] = k
    for i in range(n):
        for j in range(n):
            if Ml[i][j] >= 510:
                P[i][j] = 510
                Ml[i][j] = 510
            if adj[i][j]:
                P[i][j] = -1
    return Ml, P


def get_all_edges(P, i, j):
    k = P[i][j]
    if k == -1:
        return []
    return get_all_edges(P, i, k) + [k] + get_all_edges(P, k, j)


def ref_paths(n, bonds):
    """(n,n,5) bond index of hop d (-1 none), Graphormer semantics."""
    adj = np.zeros((n, n), dtype=np.int64)
    bidx = {}
    for b, (x, y) in enumerate(bonds):
        adj[x][y] = adj[y][x] = 1
        bidx[(x, y)] = b
        bidx[(y, x)] = b
    M, P = floyd_warshall(adj)
    out = -np.ones((n, n, 5), dtype=np.int64)
    for i in range(n):
        for j in range(n):
            if i == j or P[i][j] == 510:
                continue
            nodes = [i] + get_all_edges(P, i, j) + [j]
            for d in range(min(len(nodes) - 1, 5)):
                out[i, j, d] = bidx[(nodes[d], nodes[d + 1])]
    return out


# ---- records -----------------------------------------------------------------------------
EXT = {0x10: np.uint8, 0x11: np.int8, 0x12: np.uint16, 0x13: np.int16, 0x14: np.uint32,
       0x15: np.int32, 0x16: np.float32, 0x17: np.float64}


def ext_hook(code, data):
    if code in EXT:
        return np.frombuffer(data, dtype=EXT[code])
    return msgpack.ExtType(code, data)


def arr(rec, key):
    v = rec.get(key)
    if v is None:
        return None
    return np.asarray(v)


def run_tools(bindir, path, extra_ingest=()):
    import tempfile
    errf = tempfile.TemporaryFile()
    ing = subprocess.Popen([os.path.join(bindir, "conformer-ingest"), "-k", "-q", *extra_ingest,
                            path], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    rb = subprocess.Popen([os.path.join(bindir, "relation-build"), "-k", "-q"], stdin=ing.stdout,
                          stdout=subprocess.PIPE, stderr=errf)
    ing.stdout.close()
    recs = []
    up = msgpack.Unpacker(rb.stdout, raw=False, ext_hook=ext_hook, strict_map_key=False,
                          max_buffer_size=1 << 30)
    for o in up:
        if isinstance(o, dict) and "schema" not in o:
            recs.append(o)
    rb.wait()
    ing.wait()
    errf.seek(0)
    err = errf.read()
    rejects = [ln for ln in err.decode(errors="replace").splitlines() if "record" in ln]
    return recs, rejects


class Stats:
    def __init__(self):
        self.atoms = self.atoms_ok = self.bonds = self.bonds_ok = 0
        self.afeat = np.zeros(9, dtype=np.int64)
        self.bfeat = np.zeros(3, dtype=np.int64)
        self.pairs = self.pairs_ok = 0
        self.paths = self.paths_ok = 0
        self.mols = self.mols_cmp = 0
        self.rej_both = self.rej_ours_only = self.rej_rdkit_only = 0
        self.size_mismatch = 0
        self.apat = collections.Counter()
        self.aex = {}
        self.bpat = collections.Counter()
        self.bex = {}
        self.rex = []


def compare(st, rec, mol, label, path_budget):
    n = mol.GetNumAtoms()
    z = arr(rec, "z")
    if z is None or len(z) != n or int(rec.get("nb", 0)) != mol.GetNumBonds():
        st.size_mismatch += 1
        return
    st.mols_cmp += 1
    af = arr(rec, "af").reshape(n, 9)
    for a in mol.GetAtoms():
        i = a.GetIdx()
        ref = atom_to_feature_vector(a)
        ours = [int(x) for x in af[i]]
        st.atoms += 1
        ok = True
        for f in range(9):
            if ref[f] == ours[f]:
                st.afeat[f] += 1
            else:
                ok = False
                key = (ATOM_NAMES[f], a.GetSymbol(), ref[f], ours[f])
                st.apat[key] += 1
                st.aex.setdefault(key, label)
        st.atoms_ok += ok
    nb = mol.GetNumBonds()
    bf = arr(rec, "bf").reshape(nb, 3) if nb else np.zeros((0, 3))
    bonds = arr(rec, "bonds").reshape(nb, 2) if nb else np.zeros((0, 2), dtype=int)
    for b in mol.GetBonds():
        k = b.GetIdx()
        ref = bond_to_feature_vector(b)
        ours = [int(x) for x in bf[k]]
        st.bonds += 1
        if {int(bonds[k][0]), int(bonds[k][1])} != {b.GetBeginAtomIdx(), b.GetEndAtomIdx()}:
            key = ("bond_atoms", "", 0, 0)
            st.bpat[key] += 1
            st.bex.setdefault(key, label)
            continue
        ok = True
        for f in range(3):
            if ref[f] == ours[f]:
                st.bfeat[f] += 1
            else:
                ok = False
                key = (BOND_NAMES[f], b.GetBeginAtom().GetSymbol() + "-" +
                       b.GetEndAtom().GetSymbol(), ref[f], ours[f])
                st.bpat[key] += 1
                st.bex.setdefault(key, label)
        st.bonds_ok += ok
    if n:
        dm = Chem.GetDistanceMatrix(mol)
        dm = np.where(dm > 1e6, 510, dm).astype(np.int64)
        spd = arr(rec, "spd").reshape(n, n).astype(np.int64)
        st.pairs += n * n
        st.pairs_ok += int((dm == spd).sum())
        if path_budget > 0 and rec.get("path") is not None:
            ref = ref_paths(n, [(int(x), int(y)) for x, y in bonds])
            ours = arr(rec, "path").reshape(n, n, 5).astype(np.int64)
            ours = np.where(ours == 0xFFFF, -1, ours)
            st.paths += n * n
            st.paths_ok += int((ref == ours).all(axis=2).sum())
            return 1
    return 0


def csv_smiles(path):
    """SMILES per data row, in file order (the column conformer-ingest picks)."""
    op = gzip.open if path.endswith(".gz") else open
    import csv
    with op(path, "rt", newline="") as fh:
        rows = list(csv.reader(fh))
    head = [h.strip().lower() for h in rows[0]]
    col = None
    for cand in ("smiles", "mol", "smi"):
        if cand in head:
            col = head.index(cand)
            break
    if col is None:
        col = 0
    return [r[col] if col < len(r) else "" for r in rows[1:]]


def bench_set(st, bindir, path, kind, limit, path_limit):
    recs, rejects = run_tools(bindir, path)
    byrec = {}
    for r in recs:
        byrec[int(r.get("rec", -1))] = r
    if kind == "smiles":
        smis = csv_smiles(path)
        mols = ((i, Chem.MolFromSmiles(s), s) for i, s in enumerate(smis))
        total = len(smis)
    else:
        if path.endswith(".gz"):
            sup = Chem.ForwardSDMolSupplier(gzip.open(path, "rb"))
        else:
            sup = Chem.ForwardSDMolSupplier(open(path, "rb"))
        mols = ((i, m, "%s#%d" % (os.path.basename(path), i)) for i, m in enumerate(sup))
        total = None
    pb = path_limit
    for i, mol, label in mols:
        if limit and i >= limit:
            break
        st.mols += 1
        r = byrec.get(i)
        if kind == "smiles" and mol is not None:
            label = Chem.MolToSmiles(mol) if len(label) > 120 else label
        if mol is None and r is None:
            st.rej_both += 1
            continue
        if mol is None:
            st.rej_rdkit_only += 1
            if len(st.rex) < 12:
                st.rex.append("rdkit rejects, we accept: %s" % label)
            continue
        if r is None:
            st.rej_ours_only += 1
            if len(st.rex) < 12:
                st.rex.append("we reject, rdkit accepts: %s" % label)
            continue
        pb -= compare(st, r, mol, label, pb) or 0
    return total


def pct(a, b):
    return 100.0 * a / b if b else 100.0


def main():
    args = sys.argv[1:]
    if len(args) < 2:
        print(__doc__)
        sys.exit(2)
    bindir, data = args[0], args[1]
    limit, path_limit, top, corpus = 0, 300, 25, 0
    i = 2
    while i < len(args):
        if args[i] == "--limit":
            limit = int(args[i + 1]); i += 2
        elif args[i] == "--paths":
            path_limit = int(args[i + 1]); i += 2
        elif args[i] == "--top":
            top = int(args[i + 1]); i += 2
        elif args[i] == "--corpus3d":
            corpus = int(args[i + 1]); i += 2
        else:
            print("bad argument %s" % args[i]); sys.exit(2)
    sets = []
    for f in ("bbbp.csv", "bace.csv", "tox21.csv", "delaney.csv", "freesolv.csv", "hiv.csv.gz"):
        p = os.path.join(data, "moleculenet", f)
        if os.path.exists(p):
            sets.append((p, "smiles"))
    p = os.path.join(data, "pcqm4mv2", "pcqm4mv2-2k.sdf.gz")
    if os.path.exists(p):
        sets.append((p, "sdf"))
    d3 = os.path.join(data, "sdf-3d")
    if os.path.isdir(d3):
        for f in sorted(os.listdir(d3)):
            if f.endswith(".sdf"):
                sets.append((os.path.join(d3, f), "sdf"))
    tmpdir = None
    if corpus:
        import shutil
        import tempfile
        tmpdir = tempfile.mkdtemp(prefix="fvr")
        c3 = os.path.join(data, "corpus3d")
        for f in sorted(x for x in os.listdir(c3) if x.endswith(".sdf.zst"))[:corpus]:
            if shutil.which("zstd"):
                out = os.path.join(tmpdir, f[:-4])
                subprocess.run(["zstd", "-q", "-d", "-f", "-o", out, os.path.join(c3, f)],
                               check=True)
                sets.append((out, "sdf"))
    tot = Stats()
    print("%-26s %7s %8s %8s %8s %8s %6s %6s" % ("set", "mols", "atoms%", "bonds%", "spd%",
                                                  "paths%", "rejBoth", "rejDiff"))
    for path, kind in sets:
        st = Stats()
        bench_set(st, bindir, path, kind, limit, path_limit)
        print("%-26s %7d %8.3f %8.3f %8.3f %8.3f %6d %6d" % (
            os.path.basename(path), st.mols, pct(st.atoms_ok, st.atoms), pct(st.bonds_ok, st.bonds),
            pct(st.pairs_ok, st.pairs), pct(st.paths_ok, st.paths), st.rej_both,
            st.rej_ours_only + st.rej_rdkit_only + st.size_mismatch))
        for k in ("atoms", "atoms_ok", "bonds", "bonds_ok", "pairs", "pairs_ok", "paths",
                  "paths_ok", "mols", "mols_cmp", "rej_both", "rej_ours_only", "rej_rdkit_only",
                  "size_mismatch"):
            setattr(tot, k, getattr(tot, k) + getattr(st, k))
        tot.afeat += st.afeat
        tot.bfeat += st.bfeat
        tot.apat.update(st.apat)
        tot.bpat.update(st.bpat)
        for k, v in st.aex.items():
            tot.aex.setdefault(k, v)
        for k, v in st.bex.items():
            tot.bex.setdefault(k, v)
        tot.rex.extend(st.rex[: max(0, 12 - len(tot.rex))])
    print()
    print("molecules %d compared %d; rejected by both %d, only by us %d, only by RDKit %d, "
          "atom/bond count mismatch %d" % (tot.mols, tot.mols_cmp, tot.rej_both,
                                           tot.rej_ours_only, tot.rej_rdkit_only,
                                           tot.size_mismatch))
    print("per-feature agreement (atoms %d, bonds %d):" % (tot.atoms, tot.bonds))
    for f in range(9):
        print("  atom %-11s %9.4f%%" % (ATOM_NAMES[f], pct(tot.afeat[f], tot.atoms)))
    for f in range(3):
        print("  bond %-11s %9.4f%%" % (BOND_NAMES[f], pct(tot.bfeat[f], tot.bonds)))
    print("  multi-hop paths (first %d molecules of each set) %.4f%% of %d pairs" % (
        path_limit, pct(tot.paths_ok, tot.paths), tot.paths))
    print("top atom disagreements (feature, element, rdkit, ours): count  example")
    for k, c in tot.apat.most_common(top):
        print("  %-40s %6d  %s" % (str(k), c, tot.aex[k][:100]))
    print("top bond disagreements (feature, atoms, rdkit, ours): count  example")
    for k, c in tot.bpat.most_common(top):
        print("  %-40s %6d  %s" % (str(k), c, tot.bex[k][:100]))
    if tot.rex:
        print("rejection disagreements (first %d):" % len(tot.rex))
        for r in tot.rex:
            print("  " + r[:140])
    if tmpdir:
        import shutil
        shutil.rmtree(tmpdir, ignore_errors=True)
    print("features: atoms %.3f%% bonds %.3f%% spd %.3f%%" % (
        pct(tot.atoms_ok, tot.atoms), pct(tot.bonds_ok, tot.bonds), pct(tot.pairs_ok, tot.pairs)))


if __name__ == "__main__":
    main()
