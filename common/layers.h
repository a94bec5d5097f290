/* layers.h: forward/backward kernel pairs of the MoleBLEND network (llm.c style).
 * Outputs first, then caches, inputs, weights, dims. Every backward ACCUMULATES (+=) into its
 * d-outputs (cblas beta = 1). A naive `_ref` version sits beside every BLAS/optimised kernel
 * (tests/unit/test-layers.c compares them). Row-major throughout; Linear weights are
 * (OC, C) as in PyTorch: out = inp W^T + b. */
#ifndef MB_LAYERS_H
#define MB_LAYERS_H

#include "rng.h"

#include <math.h>
#include <stddef.h>
#include <stdint.h>

/* Name of the OpenBLAS kernels in use ("Haswell", "SkylakeX", ...: OpenBLAS's own choice for
 * the CPU, or OPENBLAS_CORETYPE); train-step and encode print it with -vv. */
const char *layers_blas_core(void);

/* ---- Vectorisable float exp and erf (polynomial; no libm call, no errno):
 * layers_expf: Cephes expf range reduction + degree-6 polynomial, max rel err 8e-8 on
 * [-87, 88] (inputs clamped there; -inf gives ~1e-38, callers handle -inf themselves;
 * NaN propagates).
 * layers_erff: rational minimax approximation on [-4, 4] (as in Eigen/TensorFlow),
 * max abs err 4e-7; +-1 outside. ---- */
static inline float layers_expf(float x)
{
    x = x > 88.0f ? 88.0f : x < -87.0f ? -87.0f : x;
    float n = floorf(x * 1.44269504088896341f + 0.5f);
    float r = x - n * 0.693359375f + n * 2.12194440e-4f;
    float p = 1.9875691500e-4f;
    p = p * r + 1.3981999507e-3f;
    p = p * r + 8.3334519073e-3f;
    p = p * r + 4.1665795894e-2f;
    p = p * r + 1.6666665459e-1f;
    p = p * r + 5.0000001201e-1f;
    p = p * r * r + r + 1.0f;
    union {
        int32_t i;
        float f;
    } u;
    /* NaN in -> NaN out: p is NaN already; keep the int conversion defined (UBSan) */
    u.i = ((int32_t)(n == n ? n : 0.0f) + 127) << 23;
    return p * u.f;
}

static inline float layers_erff(float a)
{
    float x = a > 4.0f ? 4.0f : a < -4.0f ? -4.0f : a;
    float x2 = x * x;
    float p = -2.72614225801306e-10f;
    p = p * x2 + 2.77068142495902e-08f;
    p = p * x2 + -2.10102402082508e-06f;
    p = p * x2 + -5.69250639462346e-05f;
    p = p * x2 + -7.34990630326855e-04f;
    p = p * x2 + -2.95459980854025e-03f;
    p = p * x2 + -1.60960333262415e-02f;
    p = p * x;
    float q = -1.45660718464996e-05f;
    q = q * x2 + -2.13374055278905e-04f;
    q = q * x2 + -1.68282697438203e-03f;
    q = q * x2 + -7.37332916720468e-03f;
    q = q * x2 + -1.42647390514189e-02f;
    return p / q;
}

/* ---- Linear: out (M, OC) = inp (M, C) W^T (OC, C) + b (OC, may be NULL) ---- */
void matmul_forward(float *out, const float *inp, const float *w, const float *b, int M, int C,
                    int OC);
void matmul_forward_ref(float *out, const float *inp, const float *w, const float *b, int M, int C,
                        int OC);
/* dinp, dw, db may be NULL (not needed) */
void matmul_backward(float *dinp, float *dw, float *db, const float *dout, const float *inp,
                     const float *w, int M, int C, int OC);
/* the same, but dinp (not NULL) is OVERWRITTEN (beta 0) instead of accumulated into */
void matmul_backward_into(float *dinp, float *dw, float *db, const float *dout, const float *inp,
                          const float *w, int M, int C, int OC);
void matmul_backward_ref(float *dinp, float *dw, float *db, const float *dout, const float *inp,
                         const float *w, int M, int C, int OC);

/* ---- LayerNorm over the last dim C of M rows (biased variance, eps) ---- */
void layernorm_forward(float *out, float *mean, float *rstd, const float *inp, const float *w,
                       const float *b, int M, int C, float eps);
void layernorm_backward(float *dinp, float *dw, float *db, const float *dout, const float *inp,
                        const float *w, const float *mean, const float *rstd, int M, int C);

/* ---- GELU, exact erf form: 0.5 x (1 + erf(x / sqrt 2)) ---- */
void gelu_forward(float *out, const float *inp, size_t n);
void gelu_backward(float *dinp, const float *inp, const float *dout, size_t n);
/* gelu_backward given out = gelu_forward(inp) as well (no erf; within a few ulp of it), but
 * dinp = (not +=): for a gradient with a single writer, which then needs no zeroing */
void gelu_backward_out(float *dinp, const float *inp, const float *out, const float *dout,
                       size_t n);

/* ---- Dropout with a kept-value rule: out = inp * scale where kept (scale = 1/(1-p)).
 * Backward: dinp += dout * scale where out != 0 (the dropped entries are exactly 0).
 * p == 0 or rng == NULL: out = inp. ---- */
void dropout_forward(float *out, const float *inp, size_t n, float p, struct rng *rng);
void dropout_backward(float *dinp, const float *dout, const float *out, size_t n, float p);

/* ---- Multi-head attention core on packed tokens. Molecule b owns Tb = len[b] consecutive rows
 * of qkv (rows, 3C) and out (rows, C) (len == NULL: every molecule has T rows). q unscaled:
 * att[b,h,i,j] = softmax_j(scale q_i.k_j + bias[b,h,i,j]) over j < Tb, attd = dropout(att),
 * out[i, h*D+d] = sum_j attd[b,h,i,j] v[j, h*D+d]. bias is (B,H,T,T) (row stride T, only the
 * Tb x Tb corner read); att/attd blocks are T*T floats per (b,h) holding Tb x Tb with row
 * stride Tb. attd may == att when p == 0. ---- */
void attention_forward(float *out, float *att, float *attd, const float *qkv, const float *bias,
                       const int *len, int B, int T, int C, int H, float p, struct rng *rng);
void attention_forward_ref(float *out, float *att, float *attd, const float *qkv, const float *bias,
                           const int *len, int B, int T, int C, int H, float p, struct rng *rng);
/* dqkv +=, dbias (B,H,T,T) += (corner; may be NULL), datt scratch (att layout) overwritten. */
void attention_backward(float *dqkv, float *dbias, float *datt, const float *dout, const float *qkv,
                        const float *att, const float *attd, const int *len, int B, int T, int C,
                        int H, float p);
void attention_backward_ref(float *dqkv, float *dbias, float *datt, const float *dout,
                            const float *qkv, const float *att, const float *attd, const int *len,
                            int B, int T, int C, int H, float p);

/* ---- Bilinear pair head (TransformN2 + Linear(1024, NO) as a bilinear form, SPEC 4.1):
 * logit[b,i,k,j] = r[b,i,:]^T W[k] c[b,j,:] + bias[k], W (NO, R, R) row-major [k][p][q].
 * wt (R, NO*R) scratch = W as [p][k][q] (bilinear_prepare); a (B,N,NO,R) cache = r W.
 * len (B) real atoms per molecule or NULL (= N): only logits i, j < len[b] are written, and the
 * backward reads dlogit only there (padding rows of da become 0). ---- */
void bilinear_prepare(float *wt, const float *w, int NO, int R);
void bilinear_forward(float *logit, float *a, const float *r, const float *c, const float *wt,
                      const float *bias, const int *len, int B, int N, int NO, int R);
void bilinear_forward_ref(float *logit, const float *r, const float *c, const float *w,
                          const float *bias, int B, int N, int NO, int R);
/* dr, dc (B,N,R) +=; dw (NO,R,R) +=; dbias (NO) +=; da scratch (B,N,NO,R) overwritten;
 * dwt scratch (R, NO*R) overwritten. */
void bilinear_backward(float *dr, float *dc, float *dw, float *dbias, float *da, float *dwt,
                       const float *dlogit, const float *r, const float *c, const float *a,
                       const float *wt, const int *len, int B, int N, int NO, int R);
void bilinear_backward_ref(float *dr, float *dc, float *dw, float *dbias, const float *dlogit,
                           const float *r, const float *c, const float *w, int B, int N, int NO,
                           int R);

/* ---- Embedding sum: out[m,:] (+)= sum_f E[idx[m*nf+f], :] (row 0 = padding, skipped) ---- */
void embedding_forward(float *out, const int32_t *idx, const float *E, int M, int nf, int C,
                       int accumulate);
void embedding_backward(float *dE, const float *dout, const int32_t *idx, int M, int nf, int C);

#endif
