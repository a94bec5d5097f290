#!/usr/bin/python3
"""Cross-check the C model (common/model.c) against the independent PyTorch reference
tests/bench/torch_moleblend.py: same parameters, same records, eval mode; compares the four
pretraining loss parts, the total loss, the graph-token embeddings and the atom states.

usage: model-vs-torch.py BUILD_DIR RECORDS [--config tiny] [--batch 16] [--sd 0.1]
Builds tests/bench/model-dump.c against BUILD_DIR/libcommon.a. Exit 1 on a mismatch.
"""
import argparse
import os
import subprocess
import sys
import tempfile

import numpy as np
import torch

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, HERE)
import torch_moleblend as tm  # noqa: E402


def param_table(L, C, H, F, K):
    """(name, shape) of every C parameter tensor of a pretraining model, in model.h order."""
    return [("atom_emb", (4609, C)), ("in_deg_emb", (512, C)), ("out_deg_emb", (512, C)),
            ("graph_token", (1, C)), ("vdist", (1, H)), ("spd_emb", (512, H)),
            ("edge_emb", (1537, H)), ("edge_dis", (128 * H * H, 1)), ("emb_lnw", (C,)),
            ("emb_lnb", (C,)), ("qkvw", (L, 3 * C, C)), ("qkvb", (L, 3 * C)),
            ("attprojw", (L, C, C)), ("attprojb", (L, C)), ("ln1w", (L, C)), ("ln1b", (L, C)),
            ("fc1w", (L, F, C)), ("fc1b", (L, F)), ("fc2w", (L, C, F)), ("fc2b", (L, C)),
            ("ln2w", (L, C)), ("ln2b", (L, C)), ("g_means", (1, K)), ("g_stds", (1, K)),
            ("g_mul", (1536, 1)), ("g_bias", (1536, 1)), ("g_w1", (K, K)), ("g_b1", (K,)),
            ("g_w2", (H, K)), ("g_b2", (H,)), ("cent_w", (C, K)), ("cent_b", (C,)),
            ("n2_w", (3, 2, 32, C)), ("n2_b", (3, 2, 32)), ("n2_lnw", (3, 2, 32)),
            ("n2_lnb", (3, 2, 32)), ("spd_w", (11, 1024)), ("spd_b", (11,)),
            ("edge_w", (120, 1024)), ("edge_b", (120,)), ("p3_w1", (256, 1024)),
            ("p3_b1", (256,)), ("p3_w2", (3, 256)), ("p3_b2", (3,)), ("dn_qkvw", (3 * C, C)),
            ("dn_qkvb", (3 * C,)), ("dn_fw", (3, C)), ("dn_fb", (3,))]


def load(model, flat, L, C, H, F, K):
    P = {}
    off = 0
    for name, shape in param_table(L, C, H, F, K):
        n = int(np.prod(shape))
        P[name] = torch.from_numpy(flat[off:off + n].reshape(shape).copy())
        off += n
    assert off == flat.size, (off, flat.size)
    sd = {"atom_encoder.weight": P["atom_emb"], "in_degree.weight": P["in_deg_emb"],
          "out_degree.weight": P["out_deg_emb"], "graph_token.weight": P["graph_token"],
          "virtual_dist.weight": P["vdist"], "spatial.weight": P["spd_emb"],
          "edge_encoder.weight": P["edge_emb"], "edge_dis.weight": P["edge_dis"],
          "emb_ln.weight": P["emb_lnw"], "emb_ln.bias": P["emb_lnb"],
          "g_means.weight": P["g_means"], "g_stds.weight": P["g_stds"],
          "g_mul.weight": P["g_mul"], "g_bias.weight": P["g_bias"],
          "g_proj1.weight": P["g_w1"], "g_proj1.bias": P["g_b1"],
          "g_proj2.weight": P["g_w2"], "g_proj2.bias": P["g_b2"],
          "centrality.weight": P["cent_w"], "centrality.bias": P["cent_b"]}
    for l in range(L):
        for i, nm in enumerate("qkv"):
            sd[f"layers.{l}.{nm}.weight"] = P["qkvw"][l, i * C:(i + 1) * C]
            sd[f"layers.{l}.{nm}.bias"] = P["qkvb"][l, i * C:(i + 1) * C]
        for nm, w, b in (("o", "attprojw", "attprojb"), ("ln1", "ln1w", "ln1b"),
                         ("fc1", "fc1w", "fc1b"), ("fc2", "fc2w", "fc2b"), ("ln2", "ln2w", "ln2b")):
            sd[f"layers.{l}.{nm}.weight"] = P[w][l]
            sd[f"layers.{l}.{nm}.bias"] = P[b][l]
    for hd, name in enumerate(("spd_head", "edge_head", "pos_head")):
        for s, side in enumerate("rc"):
            sd[f"{name}.{side}.weight"] = P["n2_w"][hd, s]
            sd[f"{name}.{side}.bias"] = P["n2_b"][hd, s]
            sd[f"{name}.{side}ln.weight"] = P["n2_lnw"][hd, s]
            sd[f"{name}.{side}ln.bias"] = P["n2_lnb"][hd, s]
    sd["spd_head.out.weight"], sd["spd_head.out.bias"] = P["spd_w"], P["spd_b"]
    sd["edge_head.out.weight"], sd["edge_head.out.bias"] = P["edge_w"], P["edge_b"]
    sd["pos_head.out.weight"], sd["pos_head.out.bias"] = P["p3_w1"], P["p3_b1"]
    for a in range(3):
        sd[f"pos_out.{a}.weight"] = P["p3_w2"][a:a + 1]
        sd[f"pos_out.{a}.bias"] = P["p3_b2"][a:a + 1]
        sd[f"dout.{a}.weight"] = P["dn_fw"][a:a + 1]
        sd[f"dout.{a}.bias"] = P["dn_fb"][a:a + 1]
    for i, nm in enumerate(("dq", "dk", "dv")):
        sd[f"{nm}.weight"] = P["dn_qkvw"][i * C:(i + 1) * C]
        sd[f"{nm}.bias"] = P["dn_qkvb"][i * C:(i + 1) * C]
    missing, unexpected = model.load_state_dict(sd, strict=True), None
    return missing


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("build")
    ap.add_argument("records")
    ap.add_argument("--config", default="tiny")
    ap.add_argument("--batch", type=int, default=16)
    ap.add_argument("--sd", type=float, default=0.1)
    args = ap.parse_args()
    torch.set_num_threads(1)
    L, C, H, F, K = tm.PRESETS[args.config]
    with tempfile.TemporaryDirectory() as tmp:
        exe = os.path.join(tmp, "model-dump")
        lib = os.path.join(args.build, "libcommon.a")
        subprocess.run(["cc", "-std=c11", "-O2", "-D_POSIX_C_SOURCE=200809L", "-D_DEFAULT_SOURCE",
                        "-I" + os.path.join(ROOT, "common"), "-o", exe,
                        os.path.join(HERE, "model-dump.c"), lib, "-lopenblas", "-larchive",
                        "-lzstd", "-lmsgpackc", "-lm", "-lpthread"], check=True)
        subprocess.run([exe, args.config, "1", args.records, tmp, str(args.batch), str(args.sd)],
                       check=True)
        flat = np.fromfile(os.path.join(tmp, "params.bin"), dtype=np.float32)
        k, N, *cl = open(os.path.join(tmp, "loss.txt")).read().split()
        k, N = int(k), int(N)
        closs = [float(x) for x in cl]
        cemb = np.fromfile(os.path.join(tmp, "emb.bin"), dtype=np.float32).reshape(k, C)
        catoms = np.fromfile(os.path.join(tmp, "atoms.bin"), dtype=np.float32).reshape(k, N, C)
    model = tm.MoleBlend(args.config, has3d=True, pretrain=True)
    load(model, flat, L, C, H, F, K)
    model.eval()
    recs = list(tm.read_stream(args.records))[:k]
    bt = tm.collate(recs)
    with torch.no_grad():
        out = model(bt)
        loss, parts = model.pretrain_loss(bt, out)
    tloss = [float(loss)] + [float(p) for p in parts]
    names = ["total", "denoise", "spd", "edge", "3d"]
    bad = 0
    for nm, a, b in zip(names, closs, tloss):
        ok = abs(a - b) <= 1e-4 * (1 + abs(b))
        bad += not ok
        print(f"{nm:8s} C {a:.7f}  torch {b:.7f}  {'ok' if ok else 'MISMATCH'}")
    temb = out["emb"].numpy()
    tat = out["atoms"].numpy()
    real = ~out["pad"].numpy()
    de = np.abs(temb - cemb).max()
    da = np.abs(tat - catoms)[real].max()
    print(f"graph emb max diff {de:.2e}, atom states max diff {da:.2e} ({k} molecules, N {N})")
    bad += not (de < 1e-4 and da < 1e-4)
    print("OK" if not bad else "MISMATCH")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
