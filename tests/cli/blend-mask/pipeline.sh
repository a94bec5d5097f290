# real data: conformer-ingest | relation-build | blend-mask; draw statistics over all molecules
need_data pcqm4mv2/pcqm4mv2-2k.sdf.gz moleculenet/freesolv.csv
need_cmd conformer-ingest relation-build
conformer-ingest -q "$MB_DATA/pcqm4mv2/pcqm4mv2-2k.sdf.gz" | relation-build -q |
    blend-mask -v --seed 11 > p.mpk 2> err.txt || { cat err.txt >&2; fail "pipeline failed"; }
grep_q '1999 records in, 1999 out (1999 blend, 0 2d, 0 3d), 0 rejected' err.txt
# SMILES input has no 3D: every record falls back to mode 2d
conformer-ingest -q "$MB_DATA/moleculenet/freesolv.csv" | relation-build -q | blend-mask -v > f.mpk 2> err.txt
grep_q '642 records in, 642 out (0 blend, 642 2d, 0 3d), 0 rejected' err.txt
need_py msgpack numpy
/usr/bin/python3 - "$(fixture good/blend)" <<'PY' || fail "draw statistics off"
import sys
import numpy as np
sys.path.insert(0, sys.argv[1])
from mbinspect import records
pc, ac, nz = np.zeros(3), np.zeros(2), []
for r in records("p.mpk"):
    pc += np.bincount(r["pmask"], minlength=3)
    ac += np.bincount(r["amask"], minlength=2)
    nz.append(np.array(r["noise"], dtype=np.float64))
nz = np.concatenate(nz)
def chi2(c, p):
    e = np.array(p) * c.sum()
    return float(((c - e) ** 2 / e).sum())
x2p, x2a = chi2(pc, [0.2, 0.2, 0.6]), chi2(ac, [0.4, 0.6])
sd, mu = nz.std(), nz.mean()
print("pairs %d chi2 %.2f (< 13.82), atoms %d chi2 %.2f (< 10.83), noise mean %.5f sd %.5f"
      % (pc.sum(), x2p, ac.sum(), x2a, mu, sd))
ok = x2p < 13.82 and x2a < 10.83 and abs(mu) < 4 * 0.2 / np.sqrt(nz.size) and abs(sd - 0.2) < 0.004
sys.exit(0 if ok else 1)
PY
