#!/usr/bin/python3
"""moleblend checkpoint (schemas/checkpoint.md) <-> PyTorch state_dict of
tests/bench/torch_moleblend.MoleBlend.

  ckpt2torch.py CKPT [-o model.pt]          write the torch state_dict (torch.save)
  ckpt2torch.py CKPT --list                 C tensor -> torch key(s) mapping, with shapes
  ckpt2torch.py CKPT --scramble SD -o OUT   rewrite CKPT with every parameter redrawn
                                            N(0, SD) (padding rows stay 0, LayerNorm weights
                                            1 + N(0, SD)), header kept: an oracle checkpoint
                                            whose outputs are far from the trivial init

Library use (torch_moleblend.py, forward-vs-torch.sh):
  header, tensors = read_ckpt(path)           # tensors: name -> np.float32 array (C layout)
  model = model_from_ckpt(path)               # MoleBlend with the checkpoint's config + weights
  sd = to_state_dict(header, tensors)         # torch key -> tensor

Name and layout mapping (C model.h X-macro shape comments -> torch modules):
  atom_emb (4609,C)          atom_encoder.weight          in/out_deg_emb -> in/out_degree.weight
  graph_token (1,C)          graph_token.weight           vdist (1,H) -> virtual_dist.weight
  spd_emb (512,H)            spatial.weight               edge_emb (1537,H) -> edge_encoder.weight
  edge_dis (128,H,H)         edge_dis.weight (128*H*H,1)  (row-major [d][h][h'] = flat index)
  emb_lnw/emb_lnb            emb_ln.weight/bias
  qkvw (L,3C,C), qkvb (L,3C) layers.l.{q,k,v}.weight/bias = rows [0,C), [C,2C), [2C,3C)
  attprojw/b, ln1w/b, fc1w/b, fc2w/b, ln2w/b (L,...)   layers.l.{o,ln1,fc1,fc2,ln2}
  g_means/g_stds (K)         g_means/g_stds.weight (1,K)
  g_mul/g_bias (1536,1)      g_mul/g_bias.weight
  g_w1 (K,K), g_b1           g_proj1     g_w2 (H,K), g_b2 -> g_proj2
  cent_w (C,K), cent_b       centrality
  n2_w (3,2,32,C), n2_b, n2_lnw, n2_lnb (3,2,32): head hd in (spd_head, edge_head, pos_head),
                             side s in (r, c): {head}.{r|c}.weight/bias, {head}.{r|c}ln.weight/bias
  spd_w (11,32,32)           spd_head.out.weight (11,1024), column p*32+q  (r index p, c index q)
  edge_w (120,32,32)         edge_head.out.weight (120,1024)   spd_b/edge_b -> .out.bias
  p3_w1 (256,32,32), p3_b1   pos_head.out.weight (256,1024) / bias
  p3_w2 (3,256), p3_b2 (3)   pos_out.{0,1,2}.weight (1,256) / bias (1)
  dn_qkvw (3C,C), dn_qkvb    dq/dk/dv.weight/bias = rows [0,C), [C,2C), [2C,3C)
  dn_fw (3,C), dn_fb (3)     dout.{0,1,2}.weight (1,C) / bias (1)
  ft_w1 (C,C), ft_b1         head1      ft_w2 (NT,C), ft_b2 -> head2
"""
import argparse
import os
import subprocess
import sys

import msgpack
import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

ZSTD_MAGIC = b"\x28\xb5\x2f\xfd"
N2_HEADS = ("spd_head", "edge_head", "pos_head")


def _raw(path):
    with open(path, "rb") as f:
        raw = f.read()
    if raw[:4] == ZSTD_MAGIC:
        raw = subprocess.run(["zstd", "-dc"], input=raw, capture_output=True, check=True).stdout
    return raw


def read_ckpt(path, with_adam=False):
    """(header dict, {name: float32 array in C layout}); AdamW moments only if with_adam."""
    up = msgpack.Unpacker(raw=False, strict_map_key=False, max_buffer_size=0)
    up.feed(_raw(path))
    header = next(up)
    if not isinstance(header, dict) or header.get("schema") != "moleblend.ckpt":
        raise ValueError(f"{path}: not a moleblend.ckpt file")
    tensors, ended = {}, False
    for rec in up:
        if "end" in rec:
            ended = True
            break
        name = rec["name"]
        if name.startswith("adam_") and not with_adam:
            continue
        d = rec["data"]
        buf = d.data if isinstance(d, msgpack.ExtType) else d
        tensors[name] = np.frombuffer(buf, "<f4").reshape(rec["shape"]).copy()
    if not ended:
        raise ValueError(f"{path}: truncated (no trailer)")
    return header, tensors


def write_ckpt(path, header, tensors, level=3):
    """Write a checkpoint the C reader accepts (header, tensors in the given order, trailer)."""
    out = bytearray(msgpack.packb(header, use_bin_type=True))
    n = 0
    for name, arr in tensors.items():
        a = np.ascontiguousarray(arr, dtype="<f4")
        rec = {"name": name, "shape": list(a.shape), "dtype": "f32",
               "data": msgpack.ExtType(0x16, a.tobytes())}
        out += msgpack.packb(rec, use_bin_type=True)
        n += 1
    out += msgpack.packb({"end": n}, use_bin_type=True)
    z = subprocess.run(["zstd", "-q", f"-{level}", "-c"], input=bytes(out), capture_output=True,
                       check=True).stdout
    tmp = f"{path}.tmp.{os.getpid()}"
    with open(tmp, "wb") as f:
        f.write(z)
    os.replace(tmp, path)


def dims(header):
    """(L, C, H, F, K, NT, has_3d, task) of a checkpoint header."""
    c = header["config"]
    return (int(c["n_layer"]), int(c["d_model"]), int(c["n_head"]), int(c["d_ff"]),
            int(c["n_rbf"]), int(c.get("n_tasks", 0)), int(c.get("has_3d", 1)),
            int(c.get("task", 1)))


def mapping(header, tensors):
    """List of (C name, torch key, function C array -> torch-shaped array)."""
    L, C, H, F, K, NT, g3, task = dims(header)
    M = []

    def add(cname, key, fn=lambda a: a):
        if cname in tensors:
            M.append((cname, key, fn))

    add("atom_emb", "atom_encoder.weight")
    add("in_deg_emb", "in_degree.weight")
    add("out_deg_emb", "out_degree.weight")
    add("graph_token", "graph_token.weight", lambda a: a.reshape(1, C))
    add("vdist", "virtual_dist.weight", lambda a: a.reshape(1, H))
    add("spd_emb", "spatial.weight")
    add("edge_emb", "edge_encoder.weight")
    add("edge_dis", "edge_dis.weight", lambda a: a.reshape(-1, 1))
    add("emb_lnw", "emb_ln.weight")
    add("emb_lnb", "emb_ln.bias")
    for l in range(L):
        for i, nm in enumerate("qkv"):
            add("qkvw", f"layers.{l}.{nm}.weight", lambda a, l=l, i=i: a[l, i * C:(i + 1) * C])
            add("qkvb", f"layers.{l}.{nm}.bias", lambda a, l=l, i=i: a[l, i * C:(i + 1) * C])
        for nm, w, b in (("o", "attprojw", "attprojb"), ("ln1", "ln1w", "ln1b"),
                         ("fc1", "fc1w", "fc1b"), ("fc2", "fc2w", "fc2b"),
                         ("ln2", "ln2w", "ln2b")):
            add(w, f"layers.{l}.{nm}.weight", lambda a, l=l: a[l])
            add(b, f"layers.{l}.{nm}.bias", lambda a, l=l: a[l])
    add("g_means", "g_means.weight", lambda a: a.reshape(1, -1))
    add("g_stds", "g_stds.weight", lambda a: a.reshape(1, -1))
    add("g_mul", "g_mul.weight", lambda a: a.reshape(-1, 1))
    add("g_bias", "g_bias.weight", lambda a: a.reshape(-1, 1))
    add("g_w1", "g_proj1.weight")
    add("g_b1", "g_proj1.bias")
    add("g_w2", "g_proj2.weight")
    add("g_b2", "g_proj2.bias")
    add("cent_w", "centrality.weight")
    add("cent_b", "centrality.bias")
    for hd, head in enumerate(N2_HEADS):
        for s, side in enumerate("rc"):
            add("n2_w", f"{head}.{side}.weight", lambda a, hd=hd, s=s: a[hd, s])
            add("n2_b", f"{head}.{side}.bias", lambda a, hd=hd, s=s: a[hd, s])
            add("n2_lnw", f"{head}.{side}ln.weight", lambda a, hd=hd, s=s: a[hd, s])
            add("n2_lnb", f"{head}.{side}ln.bias", lambda a, hd=hd, s=s: a[hd, s])
    # (NO, 32, 32) [k][p][q] -> (NO, 1024) column p*32+q: a plain row-major reshape
    add("spd_w", "spd_head.out.weight", lambda a: a.reshape(a.shape[0], -1))
    add("spd_b", "spd_head.out.bias")
    add("edge_w", "edge_head.out.weight", lambda a: a.reshape(a.shape[0], -1))
    add("edge_b", "edge_head.out.bias")
    add("p3_w1", "pos_head.out.weight", lambda a: a.reshape(a.shape[0], -1))
    add("p3_b1", "pos_head.out.bias")
    for ax in range(3):
        add("p3_w2", f"pos_out.{ax}.weight", lambda a, ax=ax: a[ax:ax + 1])
        add("p3_b2", f"pos_out.{ax}.bias", lambda a, ax=ax: a[ax:ax + 1])
        add("dn_fw", f"dout.{ax}.weight", lambda a, ax=ax: a[ax:ax + 1])
        add("dn_fb", f"dout.{ax}.bias", lambda a, ax=ax: a[ax:ax + 1])
    for i, nm in enumerate(("dq", "dk", "dv")):
        add("dn_qkvw", f"{nm}.weight", lambda a, i=i: a[i * C:(i + 1) * C])
        add("dn_qkvb", f"{nm}.bias", lambda a, i=i: a[i * C:(i + 1) * C])
    add("ft_w1", "head1.weight")
    add("ft_b1", "head1.bias")
    add("ft_w2", "head2.weight")
    add("ft_b2", "head2.bias")
    return M


def to_state_dict(header, tensors):
    import torch
    sd = {}
    for cname, key, fn in mapping(header, tensors):
        sd[key] = torch.from_numpy(np.ascontiguousarray(fn(tensors[cname]), dtype=np.float32))
    used = {c for c, _, _ in mapping(header, tensors)}
    unknown = sorted(set(tensors) - used)
    if unknown:
        raise ValueError(f"checkpoint tensors without a torch mapping: {unknown}")
    return sd


def model_from_ckpt(path, pretrain=None, strict=True):
    """MoleBlend with the checkpoint's sizes and weights. pretrain None: as the checkpoint."""
    import torch_moleblend as tm
    header, tensors = read_ckpt(path)
    L, C, H, F, K, NT, g3, task = dims(header)
    if pretrain is None:
        pretrain = task == 1
    if not pretrain:
        for k in [n for n in tensors if n.startswith(("n2_", "spd_w", "spd_b", "edge_w",
                                                      "edge_b", "p3_", "dn_"))]:
            del tensors[k]
    ntasks = NT if task in (2, 3) else 0
    model = tm.MoleBlend(dims=(L, C, H, F, K), has3d=bool(g3), pretrain=pretrain,
                         ntasks=ntasks, regression=task == 3)
    sd = to_state_dict(header, tensors)
    missing, unexpected = model.load_state_dict(sd, strict=False)
    if strict and (missing or unexpected):
        raise ValueError(f"{path}: missing {missing} unexpected {unexpected}")
    if ntasks and task == 3 and header.get("target_mean") is not None:
        import torch
        with torch.no_grad():
            model.y_mean.copy_(torch.tensor(header["target_mean"], dtype=torch.float32))
            model.y_std.copy_(torch.tensor(header["target_std"], dtype=torch.float32))
    return header, model


PAD_ROW0 = ("atom_emb", "in_deg_emb", "out_deg_emb", "spd_emb", "edge_emb", "g_mul", "g_bias")


def scramble(tensors, sd, seed):
    """Redraw every parameter tensor N(0, sd) (AdamW moments are dropped); padding rows 0;
    LayerNorm weights 1 + N(0, sd); Gaussian stds |N(0,1)|*1.5 + 0.5 and means U(0, 4) so
    the kernels cover real distances."""
    rng = np.random.default_rng(seed)
    out = {}
    for name, a in tensors.items():
        if name.startswith("adam_"):
            continue
        b = rng.normal(0.0, sd, a.shape).astype(np.float32)
        if name in PAD_ROW0:
            b[0] = 0
        if name.endswith("lnw") or name in ("ln1w", "ln2w"):
            b += 1
        if name == "g_stds":
            b = (np.abs(rng.normal(0, 1, a.shape)) * 1.5 + 0.5).astype(np.float32)
        if name == "g_means":
            b = rng.uniform(0, 4, a.shape).astype(np.float32)
        if name == "g_mul":
            b = (1 + b).astype(np.float32)
            b[0] = 0
        out[name] = b
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("ckpt")
    ap.add_argument("-o", "--output")
    ap.add_argument("--list", action="store_true", help="print the name mapping")
    ap.add_argument("--scramble", type=float, default=None, metavar="SD",
                    help="write a checkpoint with redrawn parameters to -o")
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args()
    header, tensors = read_ckpt(args.ckpt, with_adam=args.scramble is not None)
    if args.scramble is not None:
        if not args.output:
            ap.error("--scramble needs -o OUT")
        new = scramble(tensors, args.scramble, args.seed)
        header = dict(header)
        header["has_adam"] = False
        header["producer"] = "ckpt2torch.py --scramble"
        write_ckpt(args.output, header, new)
        return 0
    if args.list:
        for cname, key, fn in mapping(header, tensors):
            print(f"{cname}\t{list(tensors[cname].shape)}\t{key}\t{list(fn(tensors[cname]).shape)}")
        return 0
    import torch
    sd = to_state_dict(header, tensors)
    if args.output:
        torch.save(sd, args.output)
    print(f"{len(tensors)} tensors -> {len(sd)} torch keys", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
