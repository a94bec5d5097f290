# metrics agree with scikit-learn on data with many ties, missing labels and a one-class task
need_py msgpack sklearn numpy
d=$(fixture good/blend)
evaluate --labels a,b,c --json cls.json "$d/pred-cls.mpk" > table.txt
evaluate --task regression --labels y --json reg.json "$d/pred-reg.mpk" > /dev/null
evaluate --task regression --split test --json - "$d/pred-reg.mpk" > regtest.json 2> table2.txt
/usr/bin/python3 - "$d" <<'PY' || fail "metrics differ from scikit-learn"
import json, math, sys
import numpy as np
from sklearn.metrics import (roc_auc_score, average_precision_score, accuracy_score,
                             mean_absolute_error, mean_squared_error, r2_score)
sys.path.insert(0, sys.argv[1])
from mbinspect import records  # noqa: E402  (tests/data/good/blend/mbinspect.py)
bad = 0
def close(name, a, b):
    global bad
    if a is None or abs(a - b) > 1e-7:
        print("%s: evaluate %s, sklearn %s" % (name, a, b)); bad = 1
recs = list(records(sys.argv[1] + "/pred-cls.mpk"))
got = json.load(open("cls.json"))
aucs = []
for t, key in enumerate("abc"):
    y = np.array([np.nan if r["labels"][key] is None else r["labels"][key] for r in recs])
    s = np.array([r["pred"][t] for r in recs], dtype=np.float32).astype(np.float64)
    m = ~np.isnan(y)
    g = got["tasks"][t]
    if len(set(y[m])) == 2:
        close(key + " auc", g["roc_auc"], roc_auc_score(y[m], s[m])); aucs.append(roc_auc_score(y[m], s[m]))
        close(key + " ap", g["pr_auc"], average_precision_score(y[m], s[m]))
    elif g["roc_auc"] is not None:
        print(key, "one-class task got an AUC"); bad = 1
    close(key + " acc", g["accuracy"], accuracy_score(y[m], s[m] > 0))
close("macro auc", got["macro"]["roc_auc"], float(np.mean(aucs)))
for path, js, split in (("/pred-reg.mpk", "reg.json", None), ("/pred-reg.mpk", "regtest.json", "test")):
    recs = [r for r in records(sys.argv[1] + path) if split is None or r.get("split") == split]
    got = json.load(open(js))["tasks"][0]
    y = np.array([r["labels"]["y"] for r in recs if r["labels"]["y"] is not None])
    p = np.array([r["pred"][0] for r in recs if r["labels"]["y"] is not None], dtype=np.float32).astype(float)
    close("mae", got["mae"], mean_absolute_error(y, p))
    close("rmse", got["rmse"], math.sqrt(mean_squared_error(y, p)))
    close("r2", got["r2"], r2_score(y, p))
sys.exit(bad)
PY
grep_q '^macro' table2.txt
