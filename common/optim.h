/* optim.h: AdamW, learning-rate schedule, gradient clipping and the NaN/Inf scan.
 * Flat loops over the model's one parameter block (STYLE 2.5); no model knowledge here. */
#ifndef MB_OPTIM_H
#define MB_OPTIM_H

#include <stddef.h>

/* AdamW hyperparameters (SPEC 5.1 / 6.1 defaults: beta 0.9/0.999, eps 1e-8). */
struct adamw {
    double beta1, beta2, eps, weight_decay;
};
void adamw_defaults(struct adamw *a);

/* One AdamW update of n parameters, PyTorch torch.optim.AdamW formula:
 *   p -= lr*wd*p                       (decoupled weight decay)
 *   m = b1*m + (1-b1)*g ;  v = b2*v + (1-b2)*g^2
 *   p -= lr * (m / (1-b1^t)) / (sqrt(v / (1-b2^t)) + eps)
 * t is the 1-based update count. m and v start at zero. Returns 0, or -1 when an updated
 * parameter is not finite (scan_nonfinite finds which). */
int adamw_step(const struct adamw *a, float *p, const float *g, float *m, float *v, size_t n,
               double lr, long t);

/* Warmup + cosine schedule (SPEC 5.1), t = 1-based update number:
 *   t <= warmup:  lr = peak * t / warmup
 *   t <= total:   lr = min + 0.5*(peak-min)*(1 + cos(pi*(t-warmup)/(total-warmup)))
 *   t > total:    lr = min
 * total = 0 means no decay (constant peak after warmup). */
struct lr_sched {
    double peak, min_lr;
    long warmup, total;
};
double lr_at(const struct lr_sched *s, long t);

/* L2 norm of n values, accumulated in double. NaN/Inf propagate. */
double grad_norm(const float *g, size_t n);
/* Scale g so its global norm is at most max_norm (PyTorch clip_grad_norm_: coef =
 * max_norm/(norm+1e-6), applied when < 1). Returns the coefficient used (1 = untouched). */
double grad_clip(float *g, size_t n, double norm, double max_norm);
/* Index of the first non-finite value, or -1 when all are finite. */
long scan_nonfinite(const float *x, size_t n);

#endif
