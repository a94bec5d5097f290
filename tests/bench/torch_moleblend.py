#!/usr/bin/python3
"""PyTorch reference of the MoleBLEND network as moleblend implements it (SPEC.md sections 1-4, 6).

Benchmark anchor and numerical oracle only: never a runtime dependency of the tools.
Reads moleblend record streams (msgpack, typed-array ext codes 0x10..0x17; zstd via `zstd -dc`),
builds padded batches exactly as SPEC 1 describes, and runs forward (and backward for training).

  torch_moleblend.py encode --config small --threads 1 --batch 64 records.mpk [--ckpt C --emb-out F]
  torch_moleblend.py train  --config small --threads 1 --batch 64 --steps 20 records.mpk
  torch_moleblend.py loss   --ckpt C --batch 16 records.mpk      (eval-mode loss parts, grad norm)
  torch_moleblend.py check-encode --ckpt C encode-output.mpk      (C emb/aemb vs this model)
  torch_moleblend.py grad-check --ckpt C --after C1 records.mpk   (gradient signs vs one C step)
  torch_moleblend.py count|flops records.mpk                      (helpers of train.sh/encode.sh)
--ckpt reads a moleblend checkpoint through ckpt2torch.py (same directory): sizes and weights.
Used by forward-vs-torch.sh, encode.sh, train.sh and model-vs-torch.py (keep MoleBlend's module
names: they are the state_dict keys of the ckpt2torch mapping).
"""
import argparse
import math
import subprocess
import sys
import time

import msgpack
import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as Fn

EXT_DTYPES = {0x10: np.uint8, 0x11: np.int8, 0x12: np.uint16, 0x13: np.int16, 0x14: np.uint32,
              0x15: np.int32, 0x16: np.float32, 0x17: np.float64}

PRESETS = {  # L, C, H, F, K
    "tiny": (2, 16, 2, 16, 8),
    "small": (4, 128, 8, 128, 128),
    "base": (12, 768, 32, 768, 128),
}


def ext_hook(code, data):
    if code in EXT_DTYPES:
        return np.frombuffer(data, dtype=EXT_DTYPES[code])
    return msgpack.ExtType(code, data)


def read_stream(path):
    """Yield data records (dicts) of a moleblend stream, skipping header records."""
    if path == "-":
        raw = sys.stdin.buffer.read()
    else:
        with open(path, "rb") as f:
            raw = f.read()
    if raw[:4] == b"\x28\xb5\x2f\xfd":
        raw = subprocess.run(["zstd", "-dc"], input=raw, capture_output=True, check=True).stdout
    up = msgpack.Unpacker(raw=False, ext_hook=ext_hook, strict_map_key=False)
    up.feed(raw)
    for rec in up:
        if isinstance(rec, dict) and "schema" in rec:
            continue
        yield rec


def collate(recs, mode=None, add_noise=True):
    """Padded batch tensors per SPEC 1 (N = max atoms in batch). mode forces 0 blend / 1 2D /
    2 3D; add_noise=False drops the records' coordinate noise (encode: eval, no noise)."""
    B = len(recs)
    N = max(int(r["n"]) for r in recs)
    x = torch.zeros(B, N, 9, dtype=torch.long)
    deg = torch.zeros(B, N, dtype=torch.long)
    spos = torch.zeros(B, N, N, dtype=torch.long)
    edge = torch.zeros(B, N, N, 5, 3, dtype=torch.long)
    pos = torch.zeros(B, N, 3)
    noise = torch.zeros(B, N, 3)
    ztype = torch.zeros(B, N, N, 2, dtype=torch.long)
    ztype[..., 0] = 1
    ztype[..., 1] = 513
    pm = torch.zeros(B, N, N, dtype=torch.long)
    am = torch.zeros(B, N, dtype=torch.long)
    sel = torch.zeros(B, 3, N, N)  # per molecule, per pair: which modality is added
    has3d = torch.zeros(B, dtype=torch.bool)
    modes = []
    off = torch.arange(9) * 512
    eoff = torch.arange(3) * 512
    for b, r in enumerate(recs):
        n = int(r["n"])
        af = torch.from_numpy(np.array(r["af"], dtype=np.int64).reshape(n, 9))
        x[b, :n] = af + 2 + off
        deg[b, :n] = torch.from_numpy(np.array(r["deg"], dtype=np.int64)) + 1
        spd = torch.from_numpy(np.array(r["spd"], dtype=np.int64).reshape(n, n))
        spos[b, :n, :n] = spd + 1
        nb = int(r.get("nb", 0))
        if nb:
            bf = torch.from_numpy(np.array(r["bf"], dtype=np.int64).reshape(nb, 3)) + 3 + eoff
            bfz = torch.cat([bf, torch.zeros(1, 3, dtype=torch.long)])  # index nb = no bond
            path = torch.from_numpy(np.array(r["path"], dtype=np.int64).reshape(n, n, 5))
            path = torch.where(path == 0xFFFF, torch.full_like(path, nb), path)
            edge[b, :n, :n] = bfz[path]
        z = torch.from_numpy(np.array(r["z"], dtype=np.int64))
        ztype[b, :n, :n, 0] = (z + 2)[:, None].expand(n, n)
        ztype[b, :n, :n, 1] = (z + 514)[None, :].expand(n, n)
        md = mode if mode is not None else int(r.get("mode", 1))
        if "pos" in r and r.get("is3d", True):
            pos[b, :n] = torch.from_numpy(np.array(r["pos"], dtype=np.float32).reshape(n, 3))
            has3d[b] = True
        elif md != 1:
            md = 1
        if add_noise and "noise" in r and md == 0:
            noise[b, :n] = torch.from_numpy(np.array(r["noise"], dtype=np.float32).reshape(n, 3))
        if md == 0:
            pm[b, :n, :n] = torch.from_numpy(np.array(r["pmask"], dtype=np.int64).reshape(n, n))
            am[b, :n] = torch.from_numpy(np.array(r["amask"], dtype=np.int64))
            for k in range(3):
                sel[b, k, :n, :n] = (pm[b, :n, :n] == k).float()
        elif md == 1:
            sel[b, 0, :n, :n] = 1
            sel[b, 1, :n, :n] = 1
        else:
            sel[b, 2, :n, :n] = 1
            am[b, :n] = 1
        modes.append(md)
    return dict(x=x, deg=deg, spos=spos, edge=edge, pos=pos, noise=noise, ztype=ztype, sel=sel,
                am=am, has3d=has3d, modes=modes, N=N, B=B)


class TransformN2(nn.Module):
    def __init__(self, C, out, d=32):
        super().__init__()
        self.r = nn.Linear(C, d)
        self.c = nn.Linear(C, d)
        self.rln = nn.LayerNorm(d, eps=1e-12)
        self.cln = nn.LayerNorm(d, eps=1e-12)
        self.out = nn.Linear(d * d, out)
        self.d = d

    def forward(self, h):  # h (B,N,C) -> (B,N,N,out) via bilinear form
        r = self.rln(Fn.gelu(self.r(h)))
        c = self.cln(Fn.gelu(self.c(h)))
        W = self.out.weight.view(-1, self.d, self.d)  # (out, p, q)
        return torch.einsum("bip,opq,bjq->bijo", r, W, c) + self.out.bias


class Layer(nn.Module):
    def __init__(self, C, H, F, droppath, attn_dropout=0.1, act_dropout=0.1):
        super().__init__()
        self.H = H
        self.attn_dropout, self.act_dropout = attn_dropout, act_dropout
        self.q = nn.Linear(C, C)
        self.k = nn.Linear(C, C)
        self.v = nn.Linear(C, C)
        self.o = nn.Linear(C, C)
        self.ln1 = nn.LayerNorm(C)
        self.fc1 = nn.Linear(C, F)
        self.fc2 = nn.Linear(F, C)
        self.ln2 = nn.LayerNorm(C)
        self.droppath = droppath

    def dp(self, a):
        if not self.training or self.droppath == 0:
            return a
        keep = 1 - self.droppath
        m = (torch.rand(1, a.shape[1], 1) < keep).float() / keep  # per token, shared over batch
        return a * m

    def forward(self, x, bias):
        B, T, C = x.shape
        H, dh = self.H, C // self.H
        q = (self.q(x) * dh ** -0.5).view(B, T, H, dh).transpose(1, 2)
        k = self.k(x).view(B, T, H, dh).transpose(1, 2)
        v = self.v(x).view(B, T, H, dh).transpose(1, 2)
        a = torch.softmax(q @ k.transpose(-1, -2) + bias, dim=-1)
        a = Fn.dropout(a, self.attn_dropout, self.training)
        o = self.o((a @ v).transpose(1, 2).reshape(B, T, C))
        x = self.ln1(x + self.dp(o))
        f = self.fc2(Fn.dropout(Fn.gelu(self.fc1(x)), self.act_dropout, self.training))
        return self.ln2(x + self.dp(f))


class MoleBlend(nn.Module):
    def __init__(self, config="small", has3d=True, pretrain=True, ntasks=0, droppath=0.1,
                 dims=None, regression=False, attn_dropout=0.1, act_dropout=0.1,
                 head_dropout=0.1):
        """config: preset name, or dims = (L, C, H, F, K) (e.g. from a checkpoint)."""
        super().__init__()
        L, C, H, F, K = dims if dims is not None else PRESETS[config]
        self.head_dropout = head_dropout
        self.regression = regression
        self.L, self.C, self.H, self.K = L, C, H, K
        self.atom_encoder = nn.Embedding(512 * 9 + 1, C, padding_idx=0)
        self.in_degree = nn.Embedding(512, C, padding_idx=0)
        self.out_degree = nn.Embedding(512, C, padding_idx=0)
        self.graph_token = nn.Embedding(1, C)
        self.virtual_dist = nn.Embedding(1, H)
        self.spatial = nn.Embedding(512, H, padding_idx=0)
        self.edge_encoder = nn.Embedding(512 * 3 + 1, H, padding_idx=0)
        self.edge_dis = nn.Embedding(128 * H * H, 1)
        self.emb_ln = nn.LayerNorm(C)
        self.layers = nn.ModuleList(
            [Layer(C, H, F, dp, attn_dropout, act_dropout)
             for dp in torch.linspace(0, droppath, L).tolist()])
        self.has3d = has3d
        if has3d:
            self.g_means = nn.Embedding(1, K)
            self.g_stds = nn.Embedding(1, K)
            self.g_mul = nn.Embedding(1536, 1, padding_idx=0)
            self.g_bias = nn.Embedding(1536, 1, padding_idx=0)
            self.g_proj1 = nn.Linear(K, K)
            self.g_proj2 = nn.Linear(K, H)
            self.centrality = nn.Linear(K, C)
        self.pretrain = pretrain
        if pretrain:
            self.spd_head = TransformN2(C, 11)
            self.edge_head = TransformN2(C, 5 * 24)
            self.pos_head = TransformN2(C, 256)
            self.pos_out = nn.ModuleList([nn.Linear(256, 1) for _ in range(3)])
            self.dq = nn.Linear(C, C)
            self.dk = nn.Linear(C, C)
            self.dv = nn.Linear(C, C)
            self.dout = nn.ModuleList([nn.Linear(C, 1) for _ in range(3)])
        self.ntasks = ntasks
        if ntasks:
            self.head1 = nn.Linear(C, C)
            self.head2 = nn.Linear(C, ntasks)
            self.register_buffer("y_mean", torch.zeros(ntasks))
            self.register_buffer("y_std", torch.ones(ntasks))
        self.apply(self._init)

    @staticmethod
    def _init(m):  # SPEC 2.7 effective init
        if isinstance(m, nn.Linear):
            m.weight.data.normal_(0, 0.02)
            m.bias.data.zero_()
        elif isinstance(m, nn.Embedding):
            m.weight.data.normal_(0, 0.02)
            if m.padding_idx is not None:
                m.weight.data[m.padding_idx].zero_()

    def forward(self, bt):
        B, N, C, H = bt["B"], bt["N"], self.C, self.H
        T = N + 1
        pad = bt["x"][:, :, 0] == 0  # (B,N)
        pos = bt["pos"] + bt["noise"]
        h = self.atom_encoder(bt["x"]).sum(dim=2)  # (B,N,C)
        degf = self.in_degree(bt["deg"]) + self.out_degree(bt["deg"])
        am = bt["am"].float().unsqueeze(-1)
        # biases (B,H,N,N)
        spd_b = self.spatial(bt["spos"]).permute(0, 3, 1, 2)
        s = bt["spos"].clone()
        s[s == 0] = 1
        s = torch.where(s > 1, s - 1, s).clamp(0, 5).float()
        e = self.edge_encoder(bt["edge"]).mean(-2)  # (B,N,N,5,H)
        W = self.edge_dis.weight.view(128, H, H)[:5]
        e = torch.einsum("bijdh,dhk->bijk", e, W) / s.unsqueeze(-1)
        edge_b = e.permute(0, 3, 1, 2)
        sel = bt["sel"]
        bias = sel[:, 0:1] * spd_b + sel[:, 1:2] * edge_b
        cen = torch.zeros(B, N, C)
        delta_pos = None
        if self.has3d and bt["has3d"].any():
            delta = pos.unsqueeze(1) - pos.unsqueeze(2)  # (B,i,j,3) = pos_j - pos_i
            dist = delta.norm(dim=-1)
            delta_pos = delta / (dist.unsqueeze(-1) + 1e-5)
            mul = self.g_mul(bt["ztype"]).sum(-2)
            bb = self.g_bias(bt["ztype"]).sum(-2)
            xg = mul * dist.unsqueeze(-1) + bb  # (B,N,N,1)
            mean = self.g_means.weight.view(-1)
            std = self.g_stds.weight.view(-1).abs() + 0.01
            g = torch.exp(-0.5 * ((xg - mean) / std) ** 2) / (math.sqrt(2 * 3.14159) * std)
            b3 = self.g_proj2(Fn.gelu(self.g_proj1(g))).permute(0, 3, 1, 2)
            b3 = b3.masked_fill(pad[:, None, None, :], float("-inf"))
            b3 = torch.where(sel[:, 2:3] > 0, b3, torch.zeros_like(b3))
            bias = bias + b3
            gz = g.masked_fill(pad[:, None, :, None], 0.0)
            cen = self.centrality(gz.sum(dim=2)) * 0.01
        # atom-level feature: degree (am=0) or centrality (am=1)
        h = h + (1 - am) * degf + am * cen
        x = torch.cat([self.graph_token.weight.expand(B, 1, C), h], dim=1)
        x = self.emb_ln(x)
        full = torch.zeros(B, H, T, T)
        padT = torch.cat([torch.zeros(B, 1, dtype=torch.bool), pad], dim=1)
        full = full.masked_fill(padT[:, None, None, :], float("-inf"))
        t = self.virtual_dist.weight.view(1, H, 1)
        full[:, :, 1:, 0] += t
        full[:, :, 0, :] += t
        full[:, :, 1:, 1:] += bias
        for layer in self.layers:
            x = layer(x, full)
        out = dict(emb=x[:, 0], atoms=x[:, 1:], bias=full[:, :, 1:, 1:], delta_pos=delta_pos, pad=pad)
        if self.ntasks:
            out["logit"] = self.head2(Fn.gelu(self.head1(x[:, 0])))
            out["pred"] = (out["logit"] * self.y_std + self.y_mean if self.regression
                           else out["logit"])
        return out

    def pretrain_loss(self, bt, out, w=(6.0, 0.1, 0.1, 0.5)):
        hA = out["atoms"]
        pad = out["pad"]
        B, N = pad.shape
        real = ~pad
        pair = real[:, :, None] & real[:, None, :]
        spd = bt["spos"] - 1  # (B,N,N), -1 pad
        tgt = torch.where(spd >= 11, torch.full_like(spd, 10), spd - 1)
        valid = pair & (spd >= 1) & (spd < 510)
        tgt = torch.where(valid, tgt, torch.full_like(tgt, -100))
        l_spd = Fn.cross_entropy(self.spd_head(hA).reshape(-1, 11), tgt.reshape(-1), ignore_index=-100)
        e = bt["edge"] - 3 - torch.arange(3) * 512  # raw, negative where no bond
        bt_, st_, cj_ = e[..., 0], e[..., 1], e[..., 2]
        etgt = 6 * bt_ + 2 * st_ + cj_
        ev = (bt["edge"][..., 0] > 0) & (bt_ <= 3) & (st_ <= 2) & pair.unsqueeze(-1)
        etgt = torch.where(ev, etgt, torch.full_like(etgt, -100))
        l_edge = Fn.cross_entropy(self.edge_head(hA).reshape(-1, 24), etgt.reshape(-1),
                                  ignore_index=-100)
        parts = [torch.tensor(0.0), l_spd, l_edge, torch.tensor(0.0)]
        if out["delta_pos"] is not None:
            z = self.pos_head(hA)
            p3 = torch.cat([o(z) for o in self.pos_out], dim=-1)  # (B,N,N,3)
            clean = bt["pos"]
            tv = clean.unsqueeze(1) - clean.unsqueeze(2)
            eye = torch.eye(N, dtype=torch.bool)[None]
            v3 = pair & ~eye & (tv.abs().sum(-1) > 0) & bt["has3d"][:, None, None]
            cos = Fn.cosine_similarity(p3, tv, dim=-1)
            lm = ((1 - cos) * v3).sum((1, 2))
            cnt = v3.sum((1, 2))
            ok = cnt > 0
            if ok.any():
                parts[3] = (lm[ok] / cnt[ok]).mean()
            # denoise head
            C, H = self.C, self.H
            dh = C // H
            q = (self.dq(hA) * dh ** -0.5).view(B, N, H, dh).transpose(1, 2)
            k = self.dk(hA).view(B, N, H, dh).transpose(1, 2)
            v = self.dv(hA).view(B, N, H, dh).transpose(1, 2)  # (B,H,N,dh)
            a = torch.softmax(q @ k.transpose(-1, -2) + out["bias"], dim=-1)
            a = torch.nan_to_num(a)  # rows of pad atoms
            a = Fn.dropout(a, self.head_dropout, self.training)
            dp = out["delta_pos"]  # (B,N,N,3)
            F3 = []
            for ax in range(3):
                o = (a * dp[..., ax].unsqueeze(1)) @ v  # (B,H,N,dh)
                F3.append(self.dout[ax](o.transpose(1, 2).reshape(B, N, C)))
            F3 = torch.cat(F3, dim=-1)
            dm = real & (bt["am"] == 1) & bt["has3d"][:, None]
            if dm.any():
                parts[0] = (1 - Fn.cosine_similarity(F3[dm], bt["noise"][dm], dim=-1)).mean()
        loss = sum(wi * p for wi, p in zip(w, parts))
        return loss, parts


def train_flops(dims, ns, pretrain=True):
    """Useful model FLOPs of one training step (forward + backward = 3 x forward) on a batch of
    molecules with ns atoms, counted on REAL tokens and pairs (no padding; the C model packs the
    M = sum(n_i + 1) real tokens, torch computes padded tensors, which is not counted):
      encoder linear   2 M L (3C^2 + C^2 + 2CF)              (qkv, out_proj, fc1, fc2)
      attention        4 L C sum (n_i + 1)^2                  (q k^T and A v)
      3D module        2 P (K^2 + K H) + 2 A K C              (P = sum n_i^2, A = sum n_i)
      heads            2 A C 32 * 6                           (TransformN2 r/c projections)
                       2 A 32 32 134 + 2 P 32 134             (bilinear SPD 11 + edge 120 + 3D 3)
                       2 A C 3C + 8 P C + 6 A C               (denoising head qkv, qk^T, 3 x A v)
    Embedding lookups, LayerNorm, GELU, softmax and the optimizer are not counted. Training =
    3 x forward (the backward of a matmul costs two matmuls of the same size)."""
    L, C, H, F, K = dims
    M = sum(n + 1 for n in ns)
    TT = sum((n + 1) ** 2 for n in ns)
    A = sum(ns)
    P = sum(n * n for n in ns)
    f = 2 * M * L * (4 * C * C + 2 * C * F) + 4 * L * TT * C
    f += 2 * P * (K * K + K * H) + 2 * A * K * C
    if pretrain:
        f += 2 * A * C * 32 * 6
        f += 2 * A * 32 * 32 * 134 + 2 * P * 32 * 134
        f += 2 * A * C * 3 * C + 8 * P * C + 6 * A * C
    return 3.0 * f


LOOKUP_TABLES = ("atom_emb", "in_deg_emb", "out_deg_emb", "spd_emb", "edge_emb", "edge_dis",
                 "g_mul", "g_bias")


def grad_check(model, recs, args):
    """Per-tensor backward check against the C model without a C gradient dump: the C side ran
    ONE AdamW step (train-step --init CKPT --lr LR --warmup 0 --steps 1, weight decay 0, dropout
    off). At step 1, AdamW moves every parameter by -lr * g / (|g| + eps) (bias-corrected m/sqrt(v)
    with m = g, v = g^2), i.e. by -lr * sign(g) wherever |g| >> eps = 1e-8, whatever the clip
    factor. So sign(before - after) must equal sign(torch grad) for every element whose torch
    gradient is significant (|g| > 1e-3 max|g| of its tensor and > 1e-6). Prints one line per C
    tensor with the agreement; exit 1 if any tensor has a disagreeing significant element."""
    import ckpt2torch
    hb, before = ckpt2torch.read_ckpt(args.ckpt)
    ha, after = ckpt2torch.read_ckpt(args.after)
    model.eval()
    bt = collate(recs[:args.batch], args.mode)
    out = model(bt)
    loss, parts = model.pretrain_loss(bt, out)
    loss.backward()
    params = dict(model.named_parameters())
    stats = {}
    for cname, key, fn in ckpt2torch.mapping(hb, before):
        g = params[key].grad
        g = np.zeros(params[key].shape, np.float32) if g is None else g.numpy()
        step = fn(before[cname]).astype(np.float64) - fn(after[cname]).astype(np.float64)
        thr = max(1e-3 * float(np.abs(g).max()), 1e-6)
        sig = np.abs(g) > thr
        agree = int((np.sign(step[sig]) == np.sign(g[sig])).sum())
        # rows of lookup tables that the batch does not use (and padding rows) have no gradient
        # and must not move (elsewhere an exact 0 in torch can be rounding noise in C, e.g. the
        # key bias, whose gradient is 0 in exact arithmetic: softmax is shift-invariant)
        zero = (g == 0) if cname in LOOKUP_TABLES else np.zeros(g.shape, bool)
        moved = int((step[zero] != 0).sum())
        s = stats.setdefault(cname, [0, 0, 0, 0])
        s[0] += int(sig.sum())
        s[1] += agree
        s[2] += moved
        s[3] += int(zero.sum())
    bad = 0
    for cname, (nsig, agree, moved, nzero) in stats.items():
        ok = agree == nsig and moved == 0
        bad += not ok
        print(f"grad {cname:12s} {agree:8d}/{nsig:<8d} significant signs agree, "
              f"{moved}/{nzero} unused table entries moved {'ok' if ok else 'MISMATCH'}")
    print(f"grad-check: {len(stats) - bad}/{len(stats)} tensors agree")
    return 1 if bad else 0


def rel_diff(c, t):
    """max |c - t| / max |t| (max-norm relative difference of one molecule's vector/matrix)"""
    return float(np.abs(c - t).max() / max(np.abs(t).max(), 1e-30))


def check_encode(model, recs, args):
    """Compare C `encode` output records (emb, aemb) with this model's eval forward. Prints
    per-mode max relative difference; returns 1 if any exceeds args.tol."""
    model.eval()
    recs = [r for r in recs if "emb" in r]
    if not recs:
        print("check-encode: no records with 'emb'", file=sys.stderr)
        return 1
    worst = {}
    with torch.no_grad():
        for i in range(0, len(recs), args.batch):
            chunk = recs[i:i + args.batch]
            bt = collate(chunk, args.mode, add_noise=False)
            out = model(bt)
            for b, r in enumerate(chunk):
                md = bt["modes"][b]
                ce = np.asarray(r["emb"], dtype=np.float32)
                d = rel_diff(ce, out["emb"][b].numpy())
                if "aemb" in r:
                    n = int(r["n"])
                    ca = np.asarray(r["aemb"], dtype=np.float32).reshape(n, -1)
                    d = max(d, rel_diff(ca, out["atoms"][b, :n].numpy()))
                w = worst.setdefault(md, [0.0, 0])
                w[0] = max(w[0], d)
                w[1] += 1
    names = {0: "blend", 1: "2d", 2: "3d"}
    bad = 0
    for md, (d, n) in sorted(worst.items()):
        ok = d <= args.tol
        bad += not ok
        print(f"encode {names[md]:5s} {n:4d} mols: max rel diff {d:.2e} {'ok' if ok else 'MISMATCH'}")
    return 1 if bad else 0


def dump_floats(path, arr):
    np.ascontiguousarray(arr, dtype=np.float32).tofile(path)


def main():
    ap = argparse.ArgumentParser(description="PyTorch MoleBLEND reference (oracle, benchmark)")
    ap.add_argument("cmd", choices=["encode", "train", "loss", "check-encode", "count", "flops",
                                    "grad-check"],
                    help="encode: eval forward, graph-token embeddings; train: timed AdamW steps "
                         "(pretraining); loss: eval-mode pretraining loss of the first batch; "
                         "check-encode: compare the emb (and aemb) keys of a C `encode` output "
                         "stream with this model (needs --ckpt); exit 1 above --tol; "
                         "count: print the number of data records; flops: training FLOPs of "
                         "steps warmup..warmup+steps-1 (see train_flops); grad-check: per-tensor "
                         "gradient signs vs one C AdamW step (--ckpt before, --after after)")
    ap.add_argument("input")
    ap.add_argument("--config", default="small", help="preset (ignored with --ckpt)")
    ap.add_argument("--ckpt", default=None, help="moleblend checkpoint: sizes and weights")
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--batch", type=int, default=64)
    ap.add_argument("--steps", type=int, default=10)
    ap.add_argument("--warmup", type=int, default=2)
    ap.add_argument("--limit", type=int, default=0, help="use only the first N records")
    ap.add_argument("--mode", type=int, default=None, help="force mode 0 blend, 1 2D, 2 3D")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--lr", type=float, default=1e-4)
    ap.add_argument("--dropout", default=None,
                    help="attention,activation,droppath,head dropout (train; default 0.1 each)")
    ap.add_argument("--emb-out", default=None, help="encode: write embeddings (B, C) float32 raw")
    ap.add_argument("--atoms-out", default=None, help="encode: write atom states, n_i x C per "
                                                     "molecule concatenated, float32 raw")
    ap.add_argument("--state-dict", default=None, help="load weights from this torch file")
    ap.add_argument("--tol", type=float, default=1e-4, help="check-encode: max relative diff")
    ap.add_argument("--after", default=None, help="grad-check: checkpoint after one C step")
    args = ap.parse_args()
    if args.cmd == "count":
        print(sum(1 for _ in read_stream(args.input)))
        return 0
    if args.cmd == "flops":
        recs = list(read_stream(args.input))
        nb = len(recs) // args.batch
        tot, tok = 0.0, 0
        for s in range(args.warmup, args.warmup + args.steps):
            chunk = recs[(s % nb) * args.batch:(s % nb + 1) * args.batch]
            ns = [int(r["n"]) for r in chunk]
            tot += train_flops(PRESETS[args.config], ns)
            tok += sum(n + 1 for n in ns)
        print(f"{tot:.6g} {tok / args.steps:.1f}")  # training FLOPs, mean real tokens per batch
        return 0
    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    recs = list(read_stream(args.input))
    if args.limit:
        recs = recs[:args.limit]
    pretrain = args.cmd != "encode"
    drop = [0.1] * 4 if args.dropout is None else [float(v) for v in args.dropout.split(",")]
    if args.ckpt:
        import ckpt2torch
        header, model = ckpt2torch.model_from_ckpt(args.ckpt, pretrain=pretrain)
    else:
        model = MoleBlend(args.config, has3d=True, pretrain=pretrain)
    for i, layer in enumerate(model.layers):
        layer.attn_dropout, layer.act_dropout = drop[0], drop[1]
        layer.droppath = drop[2] * i / max(1, len(model.layers) - 1)
    model.head_dropout = drop[3]
    if args.state_dict:
        model.load_state_dict(torch.load(args.state_dict), strict=False)
    if args.cmd == "check-encode":
        return check_encode(model, recs, args)
    if args.cmd == "grad-check":
        return grad_check(model, recs, args)
    if args.cmd == "encode":
        model.eval()
        embs, atoms = [], []
        t0, c0 = time.perf_counter(), time.process_time()
        with torch.no_grad():
            for i in range(0, len(recs), args.batch):
                bt = collate(recs[i:i + args.batch], args.mode, add_noise=False)
                out = model(bt)
                embs.append(out["emb"])
                if args.atoms_out:
                    for b, r in enumerate(recs[i:i + args.batch]):
                        atoms.append(out["atoms"][b, :int(r["n"])])
        el, cpu = time.perf_counter() - t0, time.process_time() - c0
        if args.emb_out:
            dump_floats(args.emb_out, torch.cat(embs).numpy())
        if args.atoms_out:
            dump_floats(args.atoms_out, torch.cat(atoms).numpy())
        print(f"torch encode: {len(recs)} mols {el:.3f} s {len(recs) / el:.1f} mol/s "
              f"cpu {cpu:.3f} s {len(recs) / cpu:.1f} mol/s")
    elif args.cmd == "loss":
        model.eval()
        bt = collate(recs[:args.batch], args.mode)
        out = model(bt)
        loss, parts = model.pretrain_loss(bt, out)
        loss.backward()
        gn = math.sqrt(sum(float((p.grad.double() ** 2).sum())
                           for p in model.parameters() if p.grad is not None))
        print("loss\t%.9g\tdenoise\t%.9g\tspd\t%.9g\tedge\t%.9g\t3d\t%.9g\tgrad_norm\t%.9g"
              % ((float(loss),) + tuple(float(p) for p in parts) + (gn,)))
    else:
        model.train()
        opt = torch.optim.AdamW(model.parameters(), lr=args.lr, betas=(0.9, 0.999), eps=1e-8,
                                weight_decay=0.0)
        # batches are collated before the clock starts (the C side's timing includes reading
        # and batch building: conservative for C)
        batches = [collate(recs[i:i + args.batch], args.mode)
                   for i in range(0, len(recs) - args.batch + 1, args.batch)]
        if not batches:
            batches = [collate(recs, args.mode)]
        nmol = 0
        t0, c0 = time.perf_counter(), time.process_time()
        for step in range(args.steps + args.warmup):
            if step == args.warmup:
                t0, c0 = time.perf_counter(), time.process_time()
                nmol = 0
            bt = batches[step % len(batches)]
            out = model(bt)
            loss, parts = model.pretrain_loss(bt, out)
            opt.zero_grad()
            loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), 5.0)
            opt.step()
            nmol += bt["B"]
        el, cpu = time.perf_counter() - t0, time.process_time() - c0
        print(f"torch train: {nmol} mols {el:.3f} s {nmol / el:.2f} mol/s "
              f"cpu {cpu:.3f} s {nmol / cpu:.2f} mol/s loss {loss.item():.4f}")


if __name__ == "__main__":
    sys.exit(main())
