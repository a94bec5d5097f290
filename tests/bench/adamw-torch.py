#!/usr/bin/env python3
"""AdamW of common/optim.c (tests/tools/adamw-run) against torch.optim.AdamW (the anchor).

usage: adamw-torch.py ADAMW_RUN [N] [STEPS]
Same p0 and gradients for both; prints the max relative difference of p, m, v after the
steps, and the time per parameter per step of each and their ratio (C / torch).
Exit 1 if max |C - torch| exceeds 1e-6 of the largest torch value (p, m and v each)."""
import subprocess, sys, time
import numpy as np
import torch

exe = sys.argv[1]
n = int(sys.argv[2]) if len(sys.argv) > 2 else 100000
steps = int(sys.argv[3]) if len(sys.argv) > 3 else 5
lr, wd = 1e-3, 0.01
rng = np.random.default_rng(0)
p0 = rng.standard_normal(n).astype(np.float32)
# gradients with a wide range of magnitudes, some exact zeros
gs = [(rng.standard_normal(n) * 10.0 ** rng.uniform(-6, 1, n)).astype(np.float32) for _ in range(steps)]
for g in gs:
    g[rng.integers(0, n, n // 50)] = 0
blob = p0.tobytes() + b"".join(g.tobytes() for g in gs)
t0 = time.perf_counter()
r = subprocess.run([exe, str(n), str(steps), repr(lr), repr(wd)], input=blob,
                   capture_output=True, check=True)
c_wall = time.perf_counter() - t0
out = np.frombuffer(r.stdout, np.float32)
cp, cm, cv = out[:n], out[n:2 * n], out[2 * n:]
c_ns = float(r.stderr.decode().split(",")[-1].split()[0])

torch.set_num_threads(1)
p = torch.tensor(p0.copy(), requires_grad=True)
opt = torch.optim.AdamW([p], lr=lr, betas=(0.9, 0.999), eps=1e-8, weight_decay=wd)
t = 0.0
for g in gs:
    p.grad = torch.tensor(g)
    t0 = time.perf_counter()
    opt.step()
    t += time.perf_counter() - t0
st = opt.state[p]
tp, tm, tv = p.detach().numpy(), st["exp_avg"].numpy(), st["exp_avg_sq"].numpy()
t_ns = 1e9 * t / (n * steps)

def rel(a, b):
    # max error relative to the array's scale: torch's vector kernels use fused multiply-adds,
    # so elements that cancel to ~0 differ in relative terms while the update is the same
    a, b = a.astype(np.float64), b.astype(np.float64)
    return float(np.max(np.abs(a - b)) / (np.max(np.abs(b)) + 1e-30))

dp, dm, dv = rel(cp, tp), rel(cm, tm), rel(cv, tv)
print("adamw: n=%d steps=%d  max |C - torch| / max |torch|: p %.2e m %.2e v %.2e" % (n, steps, dp, dm, dv))
print("adamw: C %.3f ns/param/step, torch %.3f ns/param/step, ratio C/torch %.2f"
      % (c_ns, t_ns, c_ns / t_ns))
sys.exit(0 if max(dp, dm, dv) <= 1e-6 else 1)
