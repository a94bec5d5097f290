/* layers.c: forward/backward kernel pairs (see layers.h). BLAS paths use OpenBLAS cblas_sgemm;
 * the `_ref` versions are plain loops kept for the tests. */
/* GCC: let -O2 vectorise the elementwise loops (GELU, exp, Gaussian basis). no-trapping-math
 * only drops the assumption that comparisons may raise FP exceptions (results are unchanged;
 * this is not -ffast-math); float reductions stay in source order. Clang does this anyway. */
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC optimize("no-trapping-math", "tree-vectorize", "vect-cost-model=dynamic")
#endif
#include "layers.h"

#include <cblas.h>
#include <math.h>
#include <string.h>

char *openblas_get_corename(void); /* OpenBLAS (not in every cblas.h) */

const char *layers_blas_core(void)
{
    return openblas_get_corename();
}

/* ------------------------------------------------------------------------------------------ */
/* Linear (PyTorch nn.Linear: y = x W^T + b) */

void matmul_forward(float *out, const float *inp, const float *w, const float *b, int M, int C,
                    int OC)
{
    float beta = 0.0f;
    if (b) {
        for (int m = 0; m < M; m++)
            memcpy(out + (size_t)m * OC, b, (size_t)OC * sizeof(float));
        beta = 1.0f;
    }
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, M, OC, C, 1.0f, inp, C, w, C, beta, out,
                OC);
}

void matmul_forward_ref(float *out, const float *inp, const float *w, const float *b, int M, int C,
                        int OC)
{
    for (int m = 0; m < M; m++)
        for (int o = 0; o < OC; o++) {
            double s = b ? b[o] : 0.0;
            for (int c = 0; c < C; c++)
                s += (double)inp[(size_t)m * C + c] * w[(size_t)o * C + c];
            out[(size_t)m * OC + o] = (float)s;
        }
}

/* dinp += dout W ; dW += dout^T inp ; db += column sums of dout */
void matmul_backward(float *dinp, float *dw, float *db, const float *dout, const float *inp,
                     const float *w, int M, int C, int OC)
{
    if (dinp)
        cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, M, C, OC, 1.0f, dout, OC, w, C, 1.0f,
                    dinp, C);
    if (dw)
        cblas_sgemm(CblasRowMajor, CblasTrans, CblasNoTrans, OC, C, M, 1.0f, dout, OC, inp, C, 1.0f,
                    dw, C);
    if (db)
        for (int m = 0; m < M; m++) {
            const float *d = dout + (size_t)m * OC;
            for (int o = 0; o < OC; o++)
                db[o] += d[o];
        }
}

void matmul_backward_into(float *dinp, float *dw, float *db, const float *dout, const float *inp,
                          const float *w, int M, int C, int OC)
{
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, M, C, OC, 1.0f, dout, OC, w, C, 0.0f,
                dinp, C);
    matmul_backward(NULL, dw, db, dout, inp, w, M, C, OC);
}

void matmul_backward_ref(float *dinp, float *dw, float *db, const float *dout, const float *inp,
                         const float *w, int M, int C, int OC)
{
    for (int m = 0; m < M; m++)
        for (int o = 0; o < OC; o++) {
            float d = dout[(size_t)m * OC + o];
            for (int c = 0; c < C; c++) {
                if (dinp)
                    dinp[(size_t)m * C + c] += d * w[(size_t)o * C + c];
                if (dw)
                    dw[(size_t)o * C + c] += d * inp[(size_t)m * C + c];
            }
            if (db)
                db[o] += d;
        }
}

/* ------------------------------------------------------------------------------------------ */
/* LayerNorm (https://pytorch.org/docs/stable/generated/torch.nn.LayerNorm.html) */

/* Row reductions in 8 interleaved float lanes (so they vectorise without reassociation flags),
 * the lanes and the tail then added in double: a fixed order, so results are deterministic. */
enum { LN_LANES = 8 };

static double lanes_sum(const float *l, const float *x, int c, int C)
{
    double s = 0;
    for (int k = 0; k < LN_LANES; k++)
        s += l[k];
    for (; c < C; c++)
        s += x[c];
    return s;
}

void layernorm_forward(float *out, float *mean, float *rstd, const float *inp, const float *w,
                       const float *b, int M, int C, float eps)
{
    for (int m = 0; m < M; m++) {
        const float *x = inp + (size_t)m * C;
        float *o = out + (size_t)m * C;
        float l[LN_LANES] = {0}, t[LN_LANES];
        int c = 0;
        for (; c + LN_LANES <= C; c += LN_LANES)
            for (int k = 0; k < LN_LANES; k++)
                l[k] += x[c + k];
        float mu = (float)(lanes_sum(l, x, c, C) / C);
        for (int k = 0; k < LN_LANES; k++)
            l[k] = 0;
        for (c = 0; c + LN_LANES <= C; c += LN_LANES)
            for (int k = 0; k < LN_LANES; k++) {
                t[k] = x[c + k] - mu;
                l[k] += t[k] * t[k];
            }
        double v = 0;
        for (int k = 0; k < LN_LANES; k++)
            v += l[k];
        for (; c < C; c++)
            v += (double)(x[c] - mu) * (x[c] - mu);
        v /= C;
        float s = (float)(1.0 / sqrt(v + eps));
        for (c = 0; c < C; c++)
            o[c] = ((x[c] - mu) * s) * w[c] + b[c];
        mean[m] = mu;
        rstd[m] = s;
    }
}

/* dx = rstd * (g - mean(g) - xhat * mean(g * xhat)), g = dout * w */
void layernorm_backward(float *dinp, float *dw, float *db, const float *dout, const float *inp,
                        const float *w, const float *mean, const float *rstd, int M, int C)
{
    for (int m = 0; m < M; m++) {
        const float *x = inp + (size_t)m * C, *d = dout + (size_t)m * C;
        float *dx = dinp + (size_t)m * C;
        float mu = mean[m], s = rstd[m];
        float lg[LN_LANES] = {0}, lx[LN_LANES] = {0};
        int c = 0;
        for (; c + LN_LANES <= C; c += LN_LANES)
            for (int k = 0; k < LN_LANES; k++) {
                float xh = (x[c + k] - mu) * s;
                float g = d[c + k] * w[c + k];
                lg[k] += g;
                lx[k] += g * xh;
            }
        double g_mean = 0, gx_mean = 0;
        for (int k = 0; k < LN_LANES; k++) {
            g_mean += lg[k];
            gx_mean += lx[k];
        }
        for (; c < C; c++) {
            float xh = (x[c] - mu) * s;
            float g = d[c] * w[c];
            g_mean += g;
            gx_mean += g * xh;
        }
        float gm = (float)(g_mean / C), gxm = (float)(gx_mean / C);
        for (c = 0; c < C; c++) {
            float xh = (x[c] - mu) * s;
            float g = d[c] * w[c];
            db[c] += d[c];
            dw[c] += d[c] * xh;
            dx[c] += s * (g - gm - xh * gxm);
        }
    }
}

/* ------------------------------------------------------------------------------------------ */
/* GELU (erf) */

void gelu_forward(float *out, const float *inp, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        float x = inp[i];
        out[i] = 0.5f * x * (1.0f + layers_erff(x * 0.70710678118654752f));
    }
}

/* d/dx = Phi(x) + x phi(x) */
void gelu_backward(float *dinp, const float *inp, const float *dout, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        float x = inp[i];
        float cdf = 0.5f * (1.0f + layers_erff(x * 0.70710678118654752f));
        float pdf = layers_expf(-0.5f * x * x) * 0.3989422804014327f;
        dinp[i] += dout[i] * (cdf + x * pdf);
    }
}

/* the same from the stored forward output y = x Phi(x): Phi(x) = y / x (x != 0; 0.5 at 0)
 * instead of a second erf (within a few ulp of gelu_backward, which serves as its ref);
 * OVERWRITES dinp (one writer) instead of accumulating */
void gelu_backward_out(float *dinp, const float *inp, const float *out, const float *dout,
                       size_t n)
{
    for (size_t i = 0; i < n; i++) {
        float x = inp[i];
        float q = out[i] / (x == 0.0f ? 1.0f : x); /* unconditional: lets the loop vectorise */
        float cdf = x == 0.0f ? 0.5f : q;
        float pdf = layers_expf(-0.5f * x * x) * 0.3989422804014327f;
        dinp[i] = dout[i] * (cdf + x * pdf);
    }
}

/* ------------------------------------------------------------------------------------------ */
/* Dropout */

void dropout_forward(float *out, const float *inp, size_t n, float p, struct rng *rng)
{
    if (p <= 0 || !rng) {
        if (out != inp)
            memcpy(out, inp, n * sizeof(float));
        return;
    }
    float scale = 1.0f / (1.0f - p);
    for (size_t i = 0; i < n; i++)
        out[i] = rng_uniformf(rng) < p ? 0.0f : inp[i] * scale;
}

void dropout_backward(float *dinp, const float *dout, const float *out, size_t n, float p)
{
    float scale = p > 0 ? 1.0f / (1.0f - p) : 1.0f;
    for (size_t i = 0; i < n; i++)
        if (p <= 0 || out[i] != 0.0f)
            dinp[i] += dout[i] * scale;
}

/* ------------------------------------------------------------------------------------------ */
/* Attention core */

/* softmax of one row in place (fp32 with a max shift; -inf entries give 0). The exponentials
 * are one elementwise (vectorised) loop; the sum runs in LN_LANES float lanes, then in double. */
static void softmax_row(float *x, int n)
{
    float mx = -INFINITY;
    for (int j = 0; j < n; j++)
        mx = x[j] > mx ? x[j] : mx;
    for (int j = 0; j < n; j++)
        x[j] = x[j] == -INFINITY ? 0.0f : layers_expf(x[j] - mx);
    float l[LN_LANES] = {0};
    int j = 0;
    for (; j + LN_LANES <= n; j += LN_LANES)
        for (int k = 0; k < LN_LANES; k++)
            l[k] += x[j + k];
    float inv = (float)(1.0 / lanes_sum(l, x, j, n));
    for (j = 0; j < n; j++)
        x[j] *= inv;
}

static void dropout_row(float *attd, const float *att, int n, float p, struct rng *rng)
{
    float scale = 1.0f / (1.0f - p);
    for (int j = 0; j < n; j++)
        attd[j] = rng_uniformf(rng) < p ? 0.0f : att[j] * scale;
}

void attention_forward(float *out, float *att, float *attd, const float *qkv, const float *bias,
                       const int *len, int B, int T, int C, int H, float p, struct rng *rng)
{
    int D = C / H, C3 = 3 * C;
    float scale = 1.0f / sqrtf((float)D);
    int drop = p > 0 && rng;
    size_t off = 0; /* first packed row of molecule b */
    for (int b = 0; b < B; b++) {
        int Tb = len ? len[b] : T;
        for (int h = 0; h < H; h++) {
            const float *q = qkv + off * C3 + h * D;
            const float *k = q + C, *v = q + 2 * C;
            size_t bh = ((size_t)b * H + h) * T * T;
            float *a = att + bh, *ad = attd + bh;
            for (int i = 0; i < Tb; i++)
                memcpy(a + (size_t)i * Tb, bias + bh + (size_t)i * T, (size_t)Tb * sizeof(float));
            cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, Tb, Tb, D, scale, q, C3, k, C3,
                        1.0f, a, Tb);
            for (int i = 0; i < Tb; i++) {
                softmax_row(a + (size_t)i * Tb, Tb);
                if (drop)
                    dropout_row(ad + (size_t)i * Tb, a + (size_t)i * Tb, Tb, p, rng);
            }
            if (!drop && ad != a)
                memcpy(ad, a, (size_t)Tb * Tb * sizeof(float));
            cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, Tb, D, Tb, 1.0f, ad, Tb, v, C3,
                        0.0f, out + off * C + h * D, C);
        }
        off += (size_t)Tb;
    }
}

void attention_forward_ref(float *out, float *att, float *attd, const float *qkv, const float *bias,
                           const int *len, int B, int T, int C, int H, float p, struct rng *rng)
{
    int D = C / H, C3 = 3 * C;
    float scale = 1.0f / sqrtf((float)D);
    int drop = p > 0 && rng;
    size_t off = 0;
    for (int b = 0; b < B; b++) {
        int Tb = len ? len[b] : T;
        for (int h = 0; h < H; h++) {
            size_t bh = ((size_t)b * H + h) * T * T;
            for (int i = 0; i < Tb; i++) {
                float *a = att + bh + (size_t)i * Tb;
                const float *q = qkv + (off + i) * C3 + h * D;
                for (int j = 0; j < Tb; j++) {
                    const float *k = qkv + (off + j) * C3 + C + h * D;
                    float s = 0;
                    for (int d = 0; d < D; d++)
                        s += q[d] * k[d];
                    a[j] = s * scale + bias[bh + (size_t)i * T + j];
                }
                softmax_row(a, Tb);
                if (drop)
                    dropout_row(attd + bh + (size_t)i * Tb, a, Tb, p, rng);
                else
                    memmove(attd + bh + (size_t)i * Tb, a, (size_t)Tb * sizeof(float));
            }
            for (int i = 0; i < Tb; i++)
                for (int d = 0; d < D; d++) {
                    float s = 0;
                    for (int j = 0; j < Tb; j++)
                        s +=
                            attd[bh + (size_t)i * Tb + j] * qkv[(off + j) * C3 + 2 * C + h * D + d];
                    out[(off + i) * C + h * D + d] = s;
                }
        }
        off += (size_t)Tb;
    }
}

/* datt -> dropout backward -> softmax backward (dl = a (g - sum a g)) in place on one row */
static void softmax_drop_backward_row(float *g, const float *a, const float *ad, int n, float p)
{
    if (p > 0) {
        float scale = 1.0f / (1.0f - p);
        for (int j = 0; j < n; j++)
            g[j] = ad[j] != 0.0f ? g[j] * scale : 0.0f;
    }
    float s = 0;
    for (int j = 0; j < n; j++)
        s += a[j] * g[j];
    for (int j = 0; j < n; j++)
        g[j] = a[j] * (g[j] - s);
}

void attention_backward(float *dqkv, float *dbias, float *datt, const float *dout, const float *qkv,
                        const float *att, const float *attd, const int *len, int B, int T, int C,
                        int H, float p)
{
    int D = C / H, C3 = 3 * C;
    float scale = 1.0f / sqrtf((float)D);
    size_t off = 0;
    for (int b = 0; b < B; b++) {
        int Tb = len ? len[b] : T;
        for (int h = 0; h < H; h++) {
            const float *q = qkv + off * C3 + h * D;
            const float *k = q + C, *v = q + 2 * C;
            float *dq = dqkv + off * C3 + h * D;
            float *dk = dq + C, *dv = dq + 2 * C;
            const float *dy = dout + off * C + h * D;
            size_t bh = ((size_t)b * H + h) * T * T;
            const float *a = att + bh, *ad = attd + bh;
            float *g = datt + bh;
            /* d attd = dy V^T ; dV += attd^T dy */
            cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, Tb, Tb, D, 1.0f, dy, C, v, C3,
                        0.0f, g, Tb);
            cblas_sgemm(CblasRowMajor, CblasTrans, CblasNoTrans, Tb, D, Tb, 1.0f, ad, Tb, dy, C,
                        1.0f, dv, C3);
            for (int i = 0; i < Tb; i++)
                softmax_drop_backward_row(g + (size_t)i * Tb, a + (size_t)i * Tb,
                                          ad + (size_t)i * Tb, Tb, p);
            if (dbias)
                for (int i = 0; i < Tb; i++)
                    for (int j = 0; j < Tb; j++)
                        dbias[bh + (size_t)i * T + j] += g[(size_t)i * Tb + j];
            /* dQ += scale dl K ; dK += scale dl^T Q */
            cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, Tb, D, Tb, scale, g, Tb, k, C3,
                        1.0f, dq, C3);
            cblas_sgemm(CblasRowMajor, CblasTrans, CblasNoTrans, Tb, D, Tb, scale, g, Tb, q, C3,
                        1.0f, dk, C3);
        }
        off += (size_t)Tb;
    }
}

void attention_backward_ref(float *dqkv, float *dbias, float *datt, const float *dout,
                            const float *qkv, const float *att, const float *attd, const int *len,
                            int B, int T, int C, int H, float p)
{
    int D = C / H, C3 = 3 * C;
    float scale = 1.0f / sqrtf((float)D);
    size_t off = 0;
    for (int b = 0; b < B; b++) {
        int Tb = len ? len[b] : T;
        for (int h = 0; h < H; h++) {
            size_t bh = ((size_t)b * H + h) * T * T;
            for (int i = 0; i < Tb; i++) {
                float *g = datt + bh + (size_t)i * Tb;
                const float *dy = dout + (off + i) * C + h * D;
                for (int j = 0; j < Tb; j++) {
                    const float *v = qkv + (off + j) * C3 + 2 * C + h * D;
                    float *dv = dqkv + (off + j) * C3 + 2 * C + h * D;
                    float s = 0;
                    for (int d = 0; d < D; d++) {
                        s += dy[d] * v[d];
                        dv[d] += attd[bh + (size_t)i * Tb + j] * dy[d];
                    }
                    g[j] = s;
                }
                softmax_drop_backward_row(g, att + bh + (size_t)i * Tb, attd + bh + (size_t)i * Tb,
                                          Tb, p);
                const float *q = qkv + (off + i) * C3 + h * D;
                float *dq = dqkv + (off + i) * C3 + h * D;
                for (int j = 0; j < Tb; j++) {
                    const float *k = qkv + (off + j) * C3 + C + h * D;
                    float *dk = dqkv + (off + j) * C3 + C + h * D;
                    if (dbias)
                        dbias[bh + (size_t)i * T + j] += g[j];
                    for (int d = 0; d < D; d++) {
                        dq[d] += scale * g[j] * k[d];
                        dk[d] += scale * g[j] * q[d];
                    }
                }
            }
        }
        off += (size_t)Tb;
    }
}

/* ------------------------------------------------------------------------------------------ */
/* Bilinear pair head */

void bilinear_prepare(float *wt, const float *w, int NO, int R)
{
    for (int k = 0; k < NO; k++)
        for (int p = 0; p < R; p++)
            memcpy(wt + ((size_t)p * NO + k) * R, w + ((size_t)k * R + p) * R,
                   (size_t)R * sizeof(float));
}

void bilinear_forward(float *logit, float *a, const float *r, const float *c, const float *wt,
                      const float *bias, const int *len, int B, int N, int NO, int R)
{
    int BN = B * N, NOR = NO * R;
    /* a (BN, NO*R) = r (BN, R) wt (R, NO*R): a[b,i,k,q] = sum_p r[p] W[k,p,q] */
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, BN, NOR, R, 1.0f, r, R, wt, NOR, 0.0f, a,
                NOR);
    for (int b = 0; b < B; b++) {
        int n = len ? len[b] : N;
        if (n <= 0)
            continue;
        float *lg = logit + (size_t)b * N * NO * N;
        for (int ik = 0; ik < n * NO; ik++) {
            float bk = bias[ik % NO];
            for (int j = 0; j < n; j++)
                lg[(size_t)ik * N + j] = bk;
        }
        /* logit_b (n*NO, n) += a_b (n*NO, R) c_b^T (rows i < n are the first n*NO rows) */
        cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, n * NO, n, R, 1.0f,
                    a + (size_t)b * N * NOR, R, c + (size_t)b * N * R, R, 1.0f, lg, N);
    }
}

void bilinear_forward_ref(float *logit, const float *r, const float *c, const float *w,
                          const float *bias, int B, int N, int NO, int R)
{
    for (int b = 0; b < B; b++)
        for (int i = 0; i < N; i++)
            for (int k = 0; k < NO; k++)
                for (int j = 0; j < N; j++) {
                    double s = bias[k];
                    const float *ri = r + ((size_t)b * N + i) * R;
                    const float *cj = c + ((size_t)b * N + j) * R;
                    for (int p = 0; p < R; p++)
                        for (int q = 0; q < R; q++)
                            s += (double)ri[p] * w[((size_t)k * R + p) * R + q] * cj[q];
                    logit[(((size_t)b * N + i) * NO + k) * N + j] = (float)s;
                }
}

void bilinear_backward(float *dr, float *dc, float *dw, float *dbias, float *da, float *dwt,
                       const float *dlogit, const float *r, const float *c, const float *a,
                       const float *wt, const int *len, int B, int N, int NO, int R)
{
    int BN = B * N, NOR = NO * R;
    for (int b = 0; b < B; b++) {
        int n = len ? len[b] : N;
        n = n < 0 ? 0 : n;
        const float *dl = dlogit + (size_t)b * N * NO * N;
        float *dab = da + (size_t)b * N * NOR;
        for (int ik = 0; ik < n * NO; ik++) {
            float s = 0;
            for (int j = 0; j < n; j++)
                s += dl[(size_t)ik * N + j];
            dbias[ik % NO] += s;
        }
        /* padding rows (i >= n) of da are 0: the loss never looks at their logits */
        memset(dab + (size_t)n * NOR, 0, (size_t)(N - n) * NOR * sizeof(float));
        if (!n)
            continue;
        /* da_b (n*NO, R) = dl (n*NO, n) c_b (n, R) */
        cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, n * NO, R, n, 1.0f, dl, N,
                    c + (size_t)b * N * R, R, 0.0f, dab, R);
        /* dc_b (n, R) += dl^T (n, n*NO) a_b (n*NO, R) */
        cblas_sgemm(CblasRowMajor, CblasTrans, CblasNoTrans, n, R, n * NO, 1.0f, dl, N,
                    a + (size_t)b * N * NOR, R, 1.0f, dc + (size_t)b * N * R, R);
    }
    /* dwt (R, NO*R) = r^T da ; dr += da wt^T */
    cblas_sgemm(CblasRowMajor, CblasTrans, CblasNoTrans, R, NOR, BN, 1.0f, r, R, da, NOR, 0.0f, dwt,
                NOR);
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, BN, R, NOR, 1.0f, da, NOR, wt, NOR, 1.0f,
                dr, R);
    for (int p = 0; p < R; p++)
        for (int k = 0; k < NO; k++)
            for (int q = 0; q < R; q++)
                dw[((size_t)k * R + p) * R + q] += dwt[((size_t)p * NO + k) * R + q];
}

void bilinear_backward_ref(float *dr, float *dc, float *dw, float *dbias, const float *dlogit,
                           const float *r, const float *c, const float *w, int B, int N, int NO,
                           int R)
{
    for (int b = 0; b < B; b++)
        for (int i = 0; i < N; i++)
            for (int k = 0; k < NO; k++)
                for (int j = 0; j < N; j++) {
                    float g = dlogit[(((size_t)b * N + i) * NO + k) * N + j];
                    const float *ri = r + ((size_t)b * N + i) * R;
                    const float *cj = c + ((size_t)b * N + j) * R;
                    float *dri = dr + ((size_t)b * N + i) * R;
                    float *dcj = dc + ((size_t)b * N + j) * R;
                    dbias[k] += g;
                    for (int p = 0; p < R; p++)
                        for (int q = 0; q < R; q++) {
                            float wv = w[((size_t)k * R + p) * R + q];
                            dri[p] += g * wv * cj[q];
                            dcj[q] += g * wv * ri[p];
                            dw[((size_t)k * R + p) * R + q] += g * ri[p] * cj[q];
                        }
                }
}

/* ------------------------------------------------------------------------------------------ */
/* Embedding sum */

void embedding_forward(float *out, const int32_t *idx, const float *E, int M, int nf, int C,
                       int accumulate)
{
    for (int m = 0; m < M; m++) {
        float *o = out + (size_t)m * C;
        if (!accumulate)
            memset(o, 0, (size_t)C * sizeof(float));
        for (int f = 0; f < nf; f++) {
            int32_t id = idx[(size_t)m * nf + f];
            if (id <= 0)
                continue;
            const float *e = E + (size_t)id * C;
            for (int c = 0; c < C; c++)
                o[c] += e[c];
        }
    }
}

void embedding_backward(float *dE, const float *dout, const int32_t *idx, int M, int nf, int C)
{
    for (int m = 0; m < M; m++) {
        const float *d = dout + (size_t)m * C;
        for (int f = 0; f < nf; f++) {
            int32_t id = idx[(size_t)m * nf + f];
            if (id <= 0)
                continue;
            float *e = dE + (size_t)id * C;
            for (int c = 0; c < C; c++)
                e[c] += d[c];
        }
    }
}
