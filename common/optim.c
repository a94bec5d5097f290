/* optim.c: AdamW, warmup+cosine LR, clipping, NaN scan (see optim.h). */
#include "optim.h"

#include <math.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif

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
int adamw_step(const struct adamw *a, float *p, const float *g, float *m, float *v, size_t n,
               double lr, long t)
{
    float b1 = (float)a->beta1, b2 = (float)a->beta2;
    float c1 = (float)(1.0 - a->beta1), c2 = (float)(1.0 - a->beta2);
    float decay = (float)(1.0 - lr * a->weight_decay);
    double bc1 = 1.0 - pow(a->beta1, (double)t), bc2 = 1.0 - pow(a->beta2, (double)t);
    float step = (float)(lr / bc1);
    float sbc2 = (float)sqrt(bc2);
    float eps = (float)a->eps;
    float chk = 0; /* p*0 is 0 for finite p, NaN for Inf/NaN: one NaN poisons the sum */
    size_t i = 0;
#ifdef __SSE2__
    /* the same IEEE operations, four lanes at a time (libm sqrtf keeps the scalar loop from
     * vectorising because of errno): bit-identical to the scalar loop below */
    __m128 vb1 = _mm_set1_ps(b1), vb2 = _mm_set1_ps(b2), vc1 = _mm_set1_ps(c1);
    __m128 vc2 = _mm_set1_ps(c2), vdecay = _mm_set1_ps(decay), vstep = _mm_set1_ps(step);
    __m128 vs2 = _mm_set1_ps(sbc2), veps = _mm_set1_ps(eps), vzero = _mm_setzero_ps();
    __m128 vchk = _mm_setzero_ps();
    for (; i + 4 <= n; i += 4) {
        __m128 gi = _mm_loadu_ps(g + i);
        __m128 mi = _mm_add_ps(_mm_mul_ps(vb1, _mm_loadu_ps(m + i)), _mm_mul_ps(vc1, gi));
        __m128 vi = _mm_add_ps(_mm_mul_ps(vb2, _mm_loadu_ps(v + i)),
                               _mm_mul_ps(_mm_mul_ps(vc2, gi), gi));
        _mm_storeu_ps(m + i, mi);
        _mm_storeu_ps(v + i, vi);
        __m128 denom = _mm_add_ps(_mm_div_ps(_mm_sqrt_ps(vi), vs2), veps);
        __m128 pi = _mm_sub_ps(_mm_mul_ps(_mm_loadu_ps(p + i), vdecay),
                               _mm_mul_ps(vstep, _mm_div_ps(mi, denom)));
        _mm_storeu_ps(p + i, pi);
        vchk = _mm_add_ps(vchk, _mm_mul_ps(pi, vzero));
    }
    float lanes[4];
    _mm_storeu_ps(lanes, vchk);
    chk = (lanes[0] + lanes[1]) + (lanes[2] + lanes[3]);
#endif
    for (; i < n; i++) {
        float gi = g[i];
        float mi = b1 * m[i] + c1 * gi;
        float vi = b2 * v[i] + c2 * gi * gi;
        m[i] = mi;
        v[i] = vi;
        float denom = sqrtf(vi) / sbc2 + eps;
        float pi = p[i] * decay - step * (mi / denom);
        p[i] = pi;
        chk += pi * 0.0f;
    }
    return chk == 0.0f ? 0 : -1;
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
    /* four partial sums: independent dependency chains (the order is fixed, so the result is
     * still deterministic) */
    double s0 = 0, s1 = 0, s2 = 0, s3 = 0;
    size_t i = 0;
    for (; i + 4 <= n; i += 4) {
        s0 += (double)g[i] * (double)g[i];
        s1 += (double)g[i + 1] * (double)g[i + 1];
        s2 += (double)g[i + 2] * (double)g[i + 2];
        s3 += (double)g[i + 3] * (double)g[i + 3];
    }
    for (; i < n; i++)
        s0 += (double)g[i] * (double)g[i];
    return sqrt((s0 + s1) + (s2 + s3));
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
