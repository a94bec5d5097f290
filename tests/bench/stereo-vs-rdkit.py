#!/usr/bin/python3
"""stereo-vs-rdkit: compare common/stereo.c (chirality, bond stereo, legacy CIP ranks) with
RDKit 2022.09 on the shared datasets ($MB_DATA).

Default (isolated) mode: every molecule is read by RDKit (MolFromSmiles for the MoleculeNet CSVs,
MolFromMolBlock = SDMolSupplier's sanitize + removeHs for the SDF sets). The stereo driver
(tests/tools/stereo-rd) gets RDKit's own graph and perception (total H, hybridisation, explicit
valence, perceived bond types, SSSR rings) plus the pre-stereo input (SMILES: the parsed chiral tags
and bond directions, after sanitisation; SDF: the molecule with all its hydrogens, coordinates and
molfile bond stereo flags, from which the driver runs stereo_tags_from_coords and removes the H
atoms as RDKit does), so the numbers measure the stereo rules alone. Agreement is per atom
(chirality exact), per bond (stereo exact) and per molecule (final CIP rank vector exact).

Mode --pipeline: the real tools (conformer-ingest | relation-build, from --bin or $BUILD/bin)
against RDKit reading the same file; records are matched by their "rec" index, so molecules
rejected by either side are left out (counted). This measures ingest + perception + stereo.

--make-fixture OUT writes the unit-test fixture (tests/data/good/stereo/rdkit-cases.mpk) from the
hand-picked FIXTURE_SMILES below (SMILES, ETKDG 3D with H, 2D wedged), with RDKit's answers.

usage: stereo-vs-rdkit.py [--pipeline] [--bin DIR] [--limit N] [--sets a,b] [--examples K]
                          [--make-fixture OUT]
"""
import argparse
import collections
import gzip
import io
import os
import subprocess
import sys
import tarfile

import msgpack
from rdkit import Chem, RDLogger

RDLogger.DisableLog("rdApp.*")

BT = {Chem.BondType.SINGLE: 1, Chem.BondType.DOUBLE: 2, Chem.BondType.TRIPLE: 3,
      Chem.BondType.AROMATIC: 4, Chem.BondType.DATIVE: 5}
DIRS = {Chem.BondDir.ENDUPRIGHT: 1, Chem.BondDir.ENDDOWNRIGHT: 2}
CHI = ["UNSPEC", "CW", "CCW", "OTHER"]
ST = ["NONE", "Z", "E", "CIS", "TRANS", "ANY"]  # OGB order
# RDKit Bond::BondStereo enum (NONE, ANY, Z, E, CIS, TRANS) -> OGB raw index
RD2OGB = {0: 0, 1: 5, 2: 1, 3: 2, 4: 3, 5: 4}


def chi_name(v):
    return CHI[v] if v < 4 else "misc"


def chir_code(a):
    t = int(a.GetChiralTag())
    return t if t in (0, 1, 2, 3) else 4


def describe(m, final, smi=None, chir=None, bdir=None, pos=None, is3d=False, bst=None):
    """Record for stereo-rd: graph + perception of m (sanitised), expectations from final."""
    ri = m.GetRingInfo()
    n, nb = m.GetNumAtoms(), m.GetNumBonds()
    bonds = []
    for b in m.GetBonds():
        bonds += [b.GetBeginAtomIdx(), b.GetEndAtomIdx()]
    rec = {
        "n": n, "nb": nb,
        "z": [a.GetAtomicNum() for a in m.GetAtoms()],
        "iso": [a.GetIsotope() for a in m.GetAtoms()],
        "chg": [a.GetFormalCharge() for a in m.GetAtoms()],
        "aclass": [a.GetAtomMapNum() for a in m.GetAtoms()],
        "nh": [a.GetTotalNumHs() for a in m.GetAtoms()],
        "hs": [a.GetTotalNumHs() for a in m.GetAtoms()],
        "hyb": [int(a.GetHybridization()) for a in m.GetAtoms()],
        "val": [a.GetExplicitValence() for a in m.GetAtoms()],
        "ring": [int(a.IsInRing()) for a in m.GetAtoms()],
        "bonds": bonds,
        "bo": [BT.get(b.GetBondType(), 0) for b in m.GetBonds()],
        "btype": [BT.get(b.GetBondType(), 0) for b in m.GetBonds()],
        "bring": [int(b.IsInRing()) for b in m.GetBonds()],
        "bmin": [ri.MinBondRingSize(b.GetIdx()) for b in m.GetBonds()],
        "rings": [list(r) for r in ri.AtomRings()],
        "ringb": [list(r) for r in ri.BondRings()],
        "is3d": int(is3d),
    }
    if chir is not None:
        rec["chir"] = chir
    if bdir is not None:
        rec["bdir"] = bdir
    if pos is not None:
        rec["pos"] = pos
    if bst is not None:
        rec["bst"] = bst
    exp = {
        "chir": [chir_code(a) for a in final.GetAtoms()],
        "st": [RD2OGB.get(int(b.GetStereo()), 0) for b in final.GetBonds()],
        "rank": [a.GetUnsignedProp("_CIPRank") if a.HasProp("_CIPRank") else -1
                 for a in final.GetAtoms()],
        "smi": smi if smi else Chem.MolToSmiles(final),
        "final": final,
    }
    return rec, exp


def from_smiles(smi):
    final = Chem.MolFromSmiles(smi)
    if final is None:
        return None
    try:
        m0 = Chem.MolFromSmiles(smi, sanitize=False)
        m0 = Chem.RemoveHs(m0, updateExplicitCount=True)  # sanitises; no stereo perception
    except Exception:
        return None
    if m0.GetNumAtoms() != final.GetNumAtoms():
        return None
    chir = [int(a.GetChiralTag()) for a in m0.GetAtoms()]
    bdir = [DIRS.get(b.GetBondDir(), 0) for b in m0.GetBonds()]
    return describe(m0, final, smi=smi, chir=chir, bdir=bdir)


def from_molblock(block):
    """SDF: the driver gets the molecule WITH its hydrogens (as conformer-ingest reads it), runs
    stereo_tags_from_coords, removes the H atoms RDKit's removeHs removes, then stereo_assign."""
    final = Chem.MolFromMolBlock(block)  # sanitize + removeHs, as SDMolSupplier
    if final is None or final.GetNumConformers() == 0:
        return None
    raw = Chem.MolFromMolBlock(block, sanitize=False, removeHs=False)
    if raw is None:
        return None
    for a in raw.GetAtoms():
        a.SetIntProp("orig", a.GetIdx())
    kept = [a.GetIdx() for a in raw.GetAtoms() if a.GetAtomicNum() != 1]
    if len(kept) != final.GetNumAtoms():
        # some H atoms survive removeHs (isotopes, H2, ...): find which
        tmp = Chem.Mol(raw)
        Chem.SanitizeMol(tmp)
        tmp = Chem.RemoveHs(tmp)
        kept = [a.GetIntProp("orig") for a in tmp.GetAtoms()]
    if len(kept) != final.GetNumAtoms() or any(
            raw.GetAtomWithIdx(k).GetAtomicNum() != final.GetAtomWithIdx(i).GetAtomicNum()
            for i, k in enumerate(kept)):
        return None
    conf = raw.GetConformer()
    rpos = []
    for i in range(raw.GetNumAtoms()):
        p = conf.GetAtomPosition(i)
        rpos += [p.x, p.y, p.z]
    rbonds = []
    for b in raw.GetBonds():
        rbonds += [b.GetBeginAtomIdx(), b.GetEndAtomIdx()]
    keep = [0] * raw.GetNumAtoms()
    for k in kept:
        keep[k] = 1
    rec, exp = describe(final, final, is3d=conf.Is3D())
    rec.update({
        "rn": raw.GetNumAtoms(), "rnb": raw.GetNumBonds(),
        "rz": [a.GetAtomicNum() for a in raw.GetAtoms()],
        "riso": [a.GetIsotope() for a in raw.GetAtoms()],
        "rchg": [a.GetFormalCharge() for a in raw.GetAtoms()],
        "raclass": [a.GetAtomMapNum() for a in raw.GetAtoms()],
        "rbonds": rbonds,
        "rbo": [BT.get(b.GetBondType(), 0) for b in raw.GetBonds()],
        "rbst": [b.GetIntProp("_MolFileBondStereo") if b.HasProp("_MolFileBondStereo") else 0
                 for b in raw.GetBonds()],
        "rpos": rpos, "keep": keep,
    })
    return rec, exp


def csv_smiles(path, col):
    op = gzip.open if path.endswith(".gz") else open
    import csv
    with op(path, "rt") as f:
        for row in csv.DictReader(f):
            yield row[col]


def sdf_blocks_text(text):
    cur = []
    for line in text.splitlines(keepends=True):
        if line.startswith("$$$$"):
            yield "".join(cur)
            cur = []
        else:
            cur.append(line)
    if "".join(cur).strip():
        yield "".join(cur)


def sdf_blocks(path):
    if path.endswith(".zst"):
        text = subprocess.run(["zstd", "-dc", path], check=True, capture_output=True).stdout
        text = text.decode("latin-1")
    elif path.endswith(".gz"):
        with gzip.open(path, "rt", encoding="latin-1") as f:
            text = f.read()
    elif path.endswith(".tar.gz"):
        text = ""
    else:
        with open(path, encoding="latin-1") as f:
            text = f.read()
    for blk in sdf_blocks_text(text):
        yield blk.split("M  END")[0] + "M  END\n"


def tar_sdf_blocks(path):
    with tarfile.open(path) as t:
        for mem in sorted(t.getmembers(), key=lambda x: x.name):
            if mem.isfile() and mem.name.endswith(".sdf"):
                text = t.extractfile(mem).read().decode("latin-1")
                for blk in sdf_blocks_text(text):
                    yield blk.split("M  END")[0] + "M  END\n"


def datasets(data):
    mn = os.path.join(data, "moleculenet")
    sets = [
        ("bbbp", "smi", os.path.join(mn, "bbbp.csv"), "smiles"),
        ("bace", "smi", os.path.join(mn, "bace.csv"), "mol"),
        ("tox21", "smi", os.path.join(mn, "tox21.csv"), "smiles"),
        ("hiv", "smi", os.path.join(mn, "hiv.csv.gz"), "smiles"),
        ("esol", "smi", os.path.join(mn, "delaney.csv"), "smiles"),
        ("freesolv", "smi", os.path.join(mn, "freesolv.csv"), "smiles"),
        ("pcqm4mv2", "sdf", os.path.join(data, "pcqm4mv2", "pcqm4mv2-2k.sdf.gz"), None),
        ("freesolv-sdf", "tar", os.path.join(data, "freesolv", "sdffiles.tar.gz"), None),
    ]
    d3 = os.path.join(data, "sdf-3d")
    if os.path.isdir(d3):
        for f in sorted(os.listdir(d3)):
            if f.endswith(".sdf"):
                sets.append(("sdf-3d/" + f[:-4], "sdf", os.path.join(d3, f), None))
    dc = os.path.join(data, "corpus3d")
    if os.path.isdir(dc):
        for f in sorted(os.listdir(dc)):
            if f.endswith(".sdf.zst"):
                sets.append(("corpus3d/" + f[:-8], "sdf", os.path.join(dc, f), None))
    return sets


def run_driver(binp, recs):
    buf = io.BytesIO()
    for r in recs:
        buf.write(msgpack.packb(r, use_bin_type=True))
    out = subprocess.run([binp, "-"], input=buf.getvalue(), capture_output=True, check=False)
    if out.returncode != 0:
        sys.stderr.write(out.stderr.decode())
    res = {}
    for line in out.stdout.decode().splitlines():
        k, rest = line.split(" ", 1)
        if rest.startswith("ERR"):
            res[int(k)] = None
            continue
        a, b, c = rest.split("|")
        res[int(k)] = ([int(x) for x in a.split()], [int(x) for x in b.split()],
                       [int(x) for x in c.split()])
    return res


def atom_ctx(m, i):
    a = m.GetAtomWithIdx(i)
    return "%s deg%d H%d %s%s" % (a.GetSymbol(), a.GetDegree(), a.GetTotalNumHs(),
                                  str(a.GetHybridization()), " ring" if a.IsInRing() else "")


def bond_ctx(m, i):
    b = m.GetBondWithIdx(i)
    ri = m.GetRingInfo()
    return "%s%s %s-%s" % (str(b.GetBondType()),
                           " ring%d" % ri.MinBondRingSize(i) if b.IsInRing() else "",
                           b.GetBeginAtom().GetSymbol(), b.GetEndAtom().GetSymbol())


def rdkit_expect_file(kind, path, col, limit):
    """{key: (chir list, stereo list, smiles)} as RDKit reads the file (None = RDKit failed)."""
    out = {}
    if kind == "smi":
        for k, smi in enumerate(csv_smiles(path, col)):
            if limit and k >= limit:
                break
            m = Chem.MolFromSmiles(smi)
            out[("", k)] = None if m is None else (
                [chir_code(a) for a in m.GetAtoms()],
                [RD2OGB.get(int(b.GetStereo()), 0) for b in m.GetBonds()], smi)
        return out
    if kind == "tar":
        with tarfile.open(path) as t:
            for mem in t.getmembers():
                if not (mem.isfile() and mem.name.endswith(".sdf")):
                    continue
                data = t.extractfile(mem).read()
                sup = Chem.ForwardSDMolSupplier(io.BytesIO(data))
                for k, m in enumerate(sup):
                    out[(mem.name, k)] = None if m is None else (
                        [chir_code(a) for a in m.GetAtoms()],
                        [RD2OGB.get(int(b.GetStereo()), 0) for b in m.GetBonds()],
                        Chem.MolToSmiles(m))
        return out
    if path.endswith(".zst"):
        data = subprocess.run(["zstd", "-dc", path], check=True, capture_output=True).stdout
    elif path.endswith(".gz"):
        with gzip.open(path, "rb") as f:
            data = f.read()
    else:
        with open(path, "rb") as f:
            data = f.read()
    sup = Chem.ForwardSDMolSupplier(io.BytesIO(data))
    for k, m in enumerate(sup):
        if limit and k >= limit:
            break
        out[("", k)] = None if m is None else (
            [chir_code(a) for a in m.GetAtoms()],
            [RD2OGB.get(int(b.GetStereo()), 0) for b in m.GetBonds()], Chem.MolToSmiles(m))
    return out


def pipeline_records(bindir, path):
    """Run conformer-ingest | relation-build on path; yield JSON records."""
    import json
    ing = subprocess.Popen([os.path.join(bindir, "conformer-ingest"), "-k", "-q", path],
                           stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    rb = subprocess.Popen([os.path.join(bindir, "relation-build"), "-k", "-q", "--no-paths",
                           "--no-dist", "--max-atoms", "4096"], stdin=ing.stdout,
                          stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    js = subprocess.Popen([os.path.join(bindir, "mpk2json")], stdin=rb.stdout,
                          stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    ing.stdout.close()
    rb.stdout.close()
    for line in js.stdout:
        r = json.loads(line)
        if "schema" in r:
            continue
        yield r
    js.wait()
    rb.wait()
    ing.wait()


def run_pipeline(args, data):
    bindir = args.bin or os.path.join(os.environ.get("BUILD", "build"), "bin")
    for tool in ("conformer-ingest", "relation-build", "mpk2json"):
        if not os.access(os.path.join(bindir, tool), os.X_OK):
            print("%s not found in %s" % (tool, bindir))
            return 2
    want = [s for s in args.sets.split(",") if s]
    tot = collections.Counter()
    pat = collections.Counter()
    ex = collections.defaultdict(list)
    print("%-28s %7s %7s %9s %9s %8s %8s" % ("set", "rdkit", "ours", "atoms", "chir-ok",
                                           "bonds", "st-ok"))
    for name, kind, path, col in datasets(data):
        if want and not any(name.startswith(w) for w in want):
            continue
        if not os.path.exists(path):
            continue
        exp = rdkit_expect_file(kind, path, col, args.limit)
        c = collections.Counter()
        c["rdkit"] = sum(1 for v in exp.values() if v is not None)
        for r in pipeline_records(bindir, path):
            src = r.get("src", "")
            member = src.split(":", 1)[1] if (kind == "tar" and ":" in src) else ""
            key = (member, r.get("rec", -1))
            e = exp.get(key)
            if e is None:
                c["ours_only"] += 1
                continue
            c["ours"] += 1
            af, bf = r.get("af"), r.get("bf")
            if af is None or len(e[0]) != r["n"] or len(e[1]) != r["nb"]:
                c["graph_mismatch"] += 1
                continue
            ch = af[1::9]
            st = bf[1::3] if bf else []
            c["atoms"] += r["n"]
            c["bonds"] += r["nb"]
            for i in range(r["n"]):
                if ch[i] == e[0][i]:
                    c["chir_ok"] += 1
                else:
                    k = "atom exp %s got %s" % (e[0][i], ch[i])
                    pat[k] += 1
                    if len(ex[k]) < args.examples:
                        ex[k].append("%s atom %d (%s #%s)" % (e[2], i, name, key[1]))
            for i in range(r["nb"]):
                if st[i] == e[1][i]:
                    c["st_ok"] += 1
                else:
                    k = "bond exp %s got %s" % (ST[e[1][i]], ST[st[i]])
                    pat[k] += 1
                    if len(ex[k]) < args.examples:
                        ex[k].append("%s bond %d (%s #%s)" % (e[2], i, name, key[1]))
        tot.update(c)
        print("%-28s %7d %7d %9d %9.5f %8d %8.5f  (graph mismatch %d)" % (
            name, c["rdkit"], c["ours"], c["atoms"], c["chir_ok"] / max(1, c["atoms"]),
            c["bonds"], c["st_ok"] / max(1, c["bonds"]), c["graph_mismatch"]))
        sys.stdout.flush()
    print("%-28s %7d %7d %9d %9.5f %8d %8.5f  (graph mismatch %d)" % (
        "TOTAL", tot["rdkit"], tot["ours"], tot["atoms"], tot["chir_ok"] / max(1, tot["atoms"]),
        tot["bonds"], tot["st_ok"] / max(1, tot["bonds"]), tot["graph_mismatch"]))
    for key, cnt in pat.most_common(args.top):
        print("  %6d  %s" % (cnt, key))
        for x in ex[key]:
            print("            e.g. %s" % x)
    return 0


# Hand-picked molecules for the fixture tests/data/good/stereo/rdkit-cases.mpk (not from the
# shared data): centres, ring stereo, pseudo-asymmetry, E/Z with directions in all positions,
# conjugated and ring double bonds, heteroatom centres, isotopes, map numbers.
FIXTURE_SMILES = [
    "N[C@@H](C)C(=O)O", "N[C@H](C)C(=O)O", "C[C@H](C)O", "C[C@@H](O)CC", "OC[C@H](C)O",
    "C[C@H](O)[C@@H](C)O", "C[C@H](O)[C@H](C)O", "C[C@H](F)[C@H](O)[C@@H](C)F",
    "C[C@H](F)[C@H](O)[C@H](C)F", "C[C@H]1CC[C@@H](C)CC1", "C[C@H]1CC[C@H](C)CC1",
    "C[C@H]1CCCCC1", "C[C@H]1C[C@@H](C)C1", "O[C@H]1CC[C@@H](N)CC1", "C[C@@]1(O)CC[C@](C)(O)CC1",
    "OC[C@H]1O[C@@H](O)[C@H](O)[C@@H](O)[C@@H]1O",
    "C[C@H]1CC[C@H]2[C@@H]1CC[C@@H]1[C@H]2CC[C@@H]2C[C@H](O)CC[C@@]21C",
    "CC(C)[C@@H]1CC[C@@H](C)C[C@H]1O",
    "C[C@]12CC[C@H]3[C@@H](CC=C4C[C@@H](O)CC[C@@]43C)[C@@H]1CC[C@@H]2O",
    "F/C=C/F", "F/C=C\\F", "C/C=C/C", "C/C=C\\C", "F\\C=C\\F", "C(/F)=C/F", "CC/C=C(/C)CC",
    "C/C(CC)=C(/C)CC", "C/C=C/C=C/C", "C/C=C\\C=C/C=C/C(=O)O", "CC(C)=C/C", "C/C(C)=C/C",
    "C1=C/CCCCCC/1", "C1=C\\CCCCCC/1", "C1=CCCCC1", "C/C1=C/CCCCCCC1",
    "CO/N=C/c1ccccc1", "CO/N=C\\c1ccccc1", "C/N=C/C", "O/N=C(/C)c1ccccc1", "N/N=C/C(=O)O",
    "C/C=N/O", "C[S@](=O)CC", "C[S@@](=O)c1ccccc1", "C[S+]([O-])CC", "C[P@](=O)(OC)CC",
    "C[N@]1CC1C", "C[N@@+](C)(CC)CCC", "C[N@H+](CC)CCC", "[2H][C@](C)(O)C", "[13CH3][C@H](O)C",
    "C[C@H](O)[CH2:1]C", "C[C@@H]([CH3:7])O", "Cl/C=C/[C@H](C)O", "C/C=C/[C@@H](O)/C=C/C",
    "C/C=C/[C@@H](O)/C=C\\C", "OC(=O)/C=C/C(=O)O", "OC(=O)/C=C\\C(=O)O",
    "c1ccccc1/C=C/c1ccccc1", "N#C/C(=C/c1ccccc1)C(=O)O",
    "CC[C@H](C)[C@H](N)C(=O)O", "C[C@@H]1O[C@@H](C)O[C@@H](C)O1", "C[C@@H]1C[C@H]2CC[C@@H]1C2",
    "C[C@H]1C[C@@H]1C", "C1C[C@H]2CC[C@@H]1C2", "O=C1C[C@H]2C[C@@H]1CC2",
    "[C@@H]1(O)[C@H](O)[C@@H](O)[C@H](O)[C@@H](O)[C@H]1O", "F[C@](Cl)(Br)I", "F[C@@](Cl)(Br)I",
    "F[Pt@SP1](Cl)(Br)I", "F[P@TB1](Cl)(Br)(I)C", "C[Co@OH1](F)(Cl)(Br)(I)N", "CC=[C@AL1]=CC",
    "[H][C@@](C)(O)CC", "N[C@@H](C)C(=O)O.[Na+]",
]


def make_fixture(out):
    """Write the fixture: SMILES records (isolated mode), 3D molblocks (ETKDG, seed 42, raw mode
    with H) and 2D wedged molblocks, each with RDKit's answers in x_chir / x_st / x_rank."""
    from rdkit.Chem import AllChem
    recs = []

    def add(d, label):
        if d is None:
            print("fixture: skipped %s" % label, file=sys.stderr)
            return
        rec, exp = d
        rec["x_chir"] = exp["chir"]
        rec["x_st"] = exp["st"]
        rec["x_rank"] = exp["rank"]
        rec["label"] = label
        recs.append(rec)

    for smi in FIXTURE_SMILES:
        add(from_smiles(smi), "smiles " + smi)
    for k, smi in enumerate(FIXTURE_SMILES):
        m = Chem.AddHs(Chem.MolFromSmiles(smi))
        if AllChem.EmbedMolecule(m, randomSeed=42 + k) != 0:
            continue
        add(from_molblock(Chem.MolToMolBlock(m)), "3d " + smi)
        m2 = Chem.MolFromSmiles(smi)
        AllChem.Compute2DCoords(m2)
        add(from_molblock(Chem.MolToMolBlock(m2)), "2d " + smi)
    with open(out, "wb") as f:
        for r in recs:
            f.write(msgpack.packb(r, use_bin_type=True))
    print("fixture: %d records -> %s" % (len(recs), out))
    return 0


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--bin", default=None, help="directory holding stereo-rd")
    ap.add_argument("--limit", type=int, default=0, help="molecules per set (0 = all)")
    ap.add_argument("--sets", default="", help="comma-separated set names (prefix match)")
    ap.add_argument("--examples", type=int, default=2)
    ap.add_argument("--top", type=int, default=12)
    ap.add_argument("--pipeline", action="store_true",
                    help="compare the real pipeline (conformer-ingest | relation-build) instead")
    ap.add_argument("--make-fixture", metavar="OUT", help="write the unit-test fixture and exit")
    args = ap.parse_args()
    if args.make_fixture:
        return make_fixture(args.make_fixture)
    data = os.environ.get("MB_DATA", "/work/shared/data")
    if not os.path.isfile(os.path.join(data, "README.md")):
        print("skip - no data ($MB_DATA)")
        return 0
    if args.pipeline:
        return run_pipeline(args, data)
    build = os.environ.get("BUILD", "build")
    binp = os.path.join(args.bin or os.path.join(build, "tests", "tools"), "stereo-rd")
    if not os.access(binp, os.X_OK):
        print("stereo-rd not found at %s (make BUILD=... check-build)" % binp)
        return 2
    want = [s for s in args.sets.split(",") if s]
    tot = collections.Counter()
    pat_a, pat_b = collections.Counter(), collections.Counter()
    ex_a, ex_b = collections.defaultdict(list), collections.defaultdict(list)
    print("%-28s %7s %9s %9s %8s %8s %8s %7s" % ("set", "mols", "atoms", "chir-ok", "bonds",
                                               "st-ok", "rank-ok", "skip"))
    for name, kind, path, col in datasets(data):
        if want and not any(name.startswith(w) for w in want):
            continue
        if not os.path.exists(path):
            continue
        if kind == "smi":
            src = ((s, from_smiles) for s in csv_smiles(path, col))
        elif kind == "tar":
            src = ((b, from_molblock) for b in tar_sdf_blocks(path))
        else:
            src = ((b, from_molblock) for b in sdf_blocks(path))
        recs, exps, skipped = [], [], 0
        for item, fn in src:
            if args.limit and len(recs) + skipped >= args.limit:
                break
            try:
                d = fn(item)
            except Exception:
                d = None
            if d is None:
                skipped += 1
                continue
            d[1]["src"] = len(recs) + skipped
            recs.append(d[0])
            exps.append(d[1])
        res = run_driver(binp, recs)
        c = collections.Counter()
        for k, e in enumerate(exps):
            r = res.get(k)
            c["mols"] += 1
            n, nb = len(e["chir"]), len(e["st"])
            c["atoms"] += n
            c["bonds"] += nb
            c["stereo_atoms"] += sum(1 for x in e["chir"] if x)
            c["stereo_bonds"] += sum(1 for x in e["st"] if x)
            if r is None:
                c["err"] += 1
                continue
            ch, st, rk = r
            c["rank_ok"] += int(rk == e["rank"])
            molok = True
            for i in range(n):
                if ch[i] == e["chir"][i]:
                    c["chir_ok"] += 1
                else:
                    molok = False
                    key = "atom exp %s got %s | %s" % (chi_name(e["chir"][i]), chi_name(ch[i]),
                                                       atom_ctx(e["final"], i))
                    pat_a[key] += 1
                    if len(ex_a[key]) < args.examples:
                        ex_a[key].append("%s atom %d (%s #%d)" % (e["smi"], i, name,
                                                                  e["src"]))
            for i in range(nb):
                if st[i] == e["st"][i]:
                    c["st_ok"] += 1
                else:
                    molok = False
                    key = "bond exp %s got %s | %s" % (ST[e["st"][i]], ST[st[i]],
                                                       bond_ctx(e["final"], i))
                    pat_b[key] += 1
                    if len(ex_b[key]) < args.examples:
                        ex_b[key].append("%s bond %d (%s #%d)" % (e["smi"], i, name,
                                                                  e["src"]))
            c["mol_ok"] += int(molok)
        tot.update(c)
        tot["skip"] += skipped
        print("%-28s %7d %9d %9.5f %8d %8.5f %8.4f %7d" % (
            name, c["mols"], c["atoms"], c["chir_ok"] / max(1, c["atoms"]), c["bonds"],
            c["st_ok"] / max(1, c["bonds"]), c["rank_ok"] / max(1, c["mols"]), skipped))
        sys.stdout.flush()
    print("%-28s %7d %9d %9.5f %8d %8.5f %8.4f %7d" % (
        "TOTAL", tot["mols"], tot["atoms"], tot["chir_ok"] / max(1, tot["atoms"]), tot["bonds"],
        tot["st_ok"] / max(1, tot["bonds"]), tot["rank_ok"] / max(1, tot["mols"]), tot["skip"]))
    print("stereo atoms (RDKit): %d, stereo bonds (RDKit): %d, molecules fully equal: %d/%d, "
          "driver errors: %d" % (tot["stereo_atoms"], tot["stereo_bonds"], tot["mol_ok"],
                                 tot["mols"], tot["err"]))
    print("atom disagreements: %d, bond disagreements: %d" % (sum(pat_a.values()),
                                                              sum(pat_b.values())))
    for pat, ex in ((pat_a, ex_a), (pat_b, ex_b)):
        for key, cnt in pat.most_common(args.top):
            print("  %6d  %s" % (cnt, key))
            for x in ex[key]:
                print("            e.g. %s" % x)
    return 0


if __name__ == "__main__":
    sys.exit(main())
