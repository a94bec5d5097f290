/* optim.c: AdamW, warmup+cosine LR, clipping, NaN scan (see optim.h). */
#include "optim.h"

#include <math.h>

void adamw_defaults(struct adamw *a)
{
    a->beta1 = 0.9;
    a->beta2 = 0.999;
    a->eps = 1e-8;
    a->weight_decay = 0.0;
}

/* https://pytorch.org/docs/stable/generated/torch.optim.AdamW.html ; the per-element update is
 * done in float with the step constants computed in double, in the order of torch's
 * _single_tensor_adamw: p *= 1-lr*wd; m = b1*m + (1-b1)*g; v = b2*v + (1-b2)*g*g;
 * p -= lr/bc1 * m / (sqrt(v)/sqrt(bc2) + eps). */
void adamw_step(const struct adamw *a, float *p, const float *g, float *m, float *v, size_t n,
                double lr, long t)
{
    float b1 = (float)a->beta1, b2 = (float)a->beta2;
    float c1 = (float)(1.0 - a->beta1), c2 = (float)(1.0 - a->beta2);
    float decay = (float)(1.0 - lr * a->weight_decay);
    double bc1 = 1.0 - pow(a->beta1, (double)t), bc2 = 1.0 - pow(a->beta2, (double)t);
    float step = (float)(lr / bc1);
    float sbc2 = (float)sqrt(bc2);
    float eps = (float)a->eps;
    for (size_t i = 0; i < n; i++) {
        float gi = g[i];
        float mi = b1 * m[i] + c1 * gi;
        float vi = b2 * v[i] + c2 * gi * gi;
        m[i] = mi;
        v[i] = vi;
        float denom = sqrtf(vi) / sbc2 + eps;
        p[i] = p[i] * decay - step * (mi / denom);
    }
}

double lr_at(const struct lr_sched *s, long t)
{
    if (t < 0)
        t = 0;
    if (s->warmup > 0 && t <= s->warmup)
        return s->peak * (double)t / (double)s->warmup;
    if (s->total <= 0)
        return s->peak;
    if (t > s->total)
        return s->min_lr;
    if (s->total <= s->warmup)
        return s->peak;
    double x = (double)(t - s->warmup) / (double)(s->total - s->warmup);
    return s->min_lr + 0.5 * (s->peak - s->min_lr) * (1.0 + cos(M_PI * x));
}

double grad_norm(const float *g, size_t n)
{
    double s = 0;
    for (size_t i = 0; i < n; i++)
        s += (double)g[i] * (double)g[i];
    return sqrt(s);
}

double grad_clip(float *g, size_t n, double norm, double max_norm)
{
    if (max_norm <= 0 || !isfinite(norm))
        return 1.0;
    double coef = max_norm / (norm + 1e-6);
    if (coef >= 1.0)
        return 1.0;
    float c = (float)coef;
    for (size_t i = 0; i < n; i++)
        g[i] *= c;
    return coef;
}

long scan_nonfinite(const float *x, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (!isfinite(x[i]))
            return (long)i;
    return -1;
}
