/* test-layers.c: every BLAS/optimised kernel against its naive `_ref` twin (forward and
 * backward), backward accumulation (two calls give twice the gradients), and the plain kernels
 * (LayerNorm, GELU, dropout, embedding) against finite differences / hand values. */
#include "check.h"
#include "layers.h"
#include "util.h"

#include <string.h>

static struct rng R;

static float *rnd(size_t n, float sd)
{
    float *p = emalloc(n * sizeof(float));
    for (size_t i = 0; i < n; i++)
        p[i] = (float)(sd * rng_normal(&R));
    return p;
}

static float *zeros(size_t n)
{
    return ecalloc(n, sizeof(float));
}

static void test_matmul(void)
{
    int M = 37, C = 19, OC = 23;
    float *x = rnd((size_t)M * C, 1), *w = rnd((size_t)OC * C, 1), *b = rnd(OC, 1);
    float *o1 = zeros((size_t)M * OC), *o2 = zeros((size_t)M * OC);
    matmul_forward(o1, x, w, b, M, C, OC);
    matmul_forward_ref(o2, x, w, b, M, C, OC);
    CHECK_TENSOR(o1, o2, M * OC, 1e-4, 1e-4, "matmul fwd");
    float *d = rnd((size_t)M * OC, 1);
    float *dx1 = zeros((size_t)M * C), *dw1 = zeros((size_t)OC * C), *db1 = zeros(OC);
    float *dx2 = zeros((size_t)M * C), *dw2 = zeros((size_t)OC * C), *db2 = zeros(OC);
    matmul_backward(dx1, dw1, db1, d, x, w, M, C, OC);
    matmul_backward_ref(dx2, dw2, db2, d, x, w, M, C, OC);
    CHECK_TENSOR(dx1, dx2, M * C, 1e-4, 1e-4, "matmul dinp");
    CHECK_TENSOR(dw1, dw2, OC * C, 1e-4, 1e-4, "matmul dw");
    CHECK_TENSOR(db1, db2, OC, 1e-4, 1e-4, "matmul db");
    /* accumulation: a second call doubles */
    matmul_backward(dx1, dw1, db1, d, x, w, M, C, OC);
    for (int i = 0; i < M * C; i++)
        dx2[i] *= 2;
    for (int i = 0; i < OC * C; i++)
        dw2[i] *= 2;
    CHECK_TENSOR(dx1, dx2, M * C, 1e-4, 1e-4, "matmul dinp x2");
    CHECK_TENSOR(dw1, dw2, OC * C, 1e-4, 1e-4, "matmul dw x2");
    /* matmul_backward_into overwrites dinp (garbage in it) and accumulates dw, db */
    float *dx3 = rnd((size_t)M * C, 100), *dw3 = zeros((size_t)OC * C), *db3 = zeros(OC);
    matmul_backward_into(dx3, dw3, db3, d, x, w, M, C, OC);
    matmul_backward_into(dx3, dw3, db3, d, x, w, M, C, OC);
    for (int i = 0; i < M * C; i++)
        dx2[i] *= 0.5f;
    CHECK_TENSOR(dx3, dx2, M * C, 1e-4, 1e-4, "matmul_backward_into dinp");
    CHECK_TENSOR(dw3, dw1, OC * C, 1e-4, 1e-4, "matmul_backward_into dw x2");
    free(dx3), free(dw3), free(db3);
    free(x), free(w), free(b), free(o1), free(o2), free(d);
    free(dx1), free(dw1), free(db1), free(dx2), free(dw2), free(db2);
}

static void attention_case(float p)
{
    int B = 2, T = 7, C = 12, H = 3;
    size_t nq = (size_t)B * T * 3 * C, na = (size_t)B * H * T * T, no = (size_t)B * T * C;
    float *qkv = rnd(nq, 1), *bias = rnd(na, 0.5f);
    for (int b = 0; b < B; b++) /* pad columns 5, 6 of molecule 1 */
        for (int h = 0; h < H; h++)
            for (int i = 0; i < T; i++)
                for (int j = 5; j < T && b == 1; j++)
                    bias[(((size_t)b * H + h) * T + i) * T + j] = -INFINITY;
    float *o1 = zeros(no), *a1 = zeros(na), *ad1 = zeros(na);
    float *o2 = zeros(no), *a2 = zeros(na), *ad2 = zeros(na);
    struct rng r1, r2;
    rng_init(&r1, 5), rng_init(&r2, 5);
    attention_forward(o1, a1, ad1, qkv, bias, NULL, B, T, C, H, p, &r1);
    attention_forward_ref(o2, a2, ad2, qkv, bias, NULL, B, T, C, H, p, &r2);
    CHECK_TENSOR(o1, o2, no, 1e-5, 1e-4, "attention out");
    CHECK_TENSOR(a1, a2, na, 1e-6, 1e-4, "attention probs");
    CHECK_TENSOR(ad1, ad2, na, 1e-6, 1e-4, "attention dropped probs");
    int zeros_ok = 1;
    for (int h = 0; h < H; h++)
        for (int i = 0; i < T; i++)
            for (int j = 5; j < T; j++)
                zeros_ok &= a1[(((size_t)1 * H + h) * T + i) * T + j] == 0.0f;
    CHECK_MSG(zeros_ok, "pad columns must get probability 0");
    float *dy = rnd(no, 1);
    float *dq1 = zeros(nq), *db1 = zeros(na), *g1 = zeros(na);
    float *dq2 = zeros(nq), *db2 = zeros(na), *g2 = zeros(na);
    attention_backward(dq1, db1, g1, dy, qkv, a1, ad1, NULL, B, T, C, H, p);
    attention_backward_ref(dq2, db2, g2, dy, qkv, a1, ad1, NULL, B, T, C, H, p);
    CHECK_TENSOR(dq1, dq2, nq, 1e-5, 1e-4, "attention dqkv");
    CHECK_TENSOR(db1, db2, na, 1e-6, 1e-4, "attention dbias");
    attention_backward(dq1, db1, g1, dy, qkv, a1, ad1, NULL, B, T, C, H, p);
    for (size_t i = 0; i < nq; i++)
        dq2[i] *= 2;
    CHECK_TENSOR(dq1, dq2, nq, 1e-5, 1e-4, "attention dqkv x2");
    if (p == 0) { /* finite differences on a few qkv and bias entries, loss = sum(out * dy) */
        int bad = 0;
        for (int k = 0; k < 12; k++) {
            int isb = k % 2;
            size_t i =
                isb ? (size_t)rng_below(&R, (uint32_t)na) : (size_t)rng_below(&R, (uint32_t)nq);
            float *x = isb ? bias : qkv;
            if (x[i] == -INFINITY)
                continue;
            float old = x[i];
            double l[2];
            for (int s = 0; s < 2; s++) {
                x[i] = old + (s ? -1e-2f : 1e-2f);
                attention_forward_ref(o2, a2, ad2, qkv, bias, NULL, B, T, C, H, 0, NULL);
                l[s] = 0;
                for (size_t q = 0; q < no; q++)
                    l[s] += (double)o2[q] * dy[q];
            }
            x[i] = old;
            double num = (l[0] - l[1]) / 2e-2, an = isb ? db2[i] : dq2[i] / 2;
            if (fabs(num - an) > 1e-3 + 1e-2 * fabs(num))
                bad++, printf("#   attention fd %s[%zu]: %g vs %g\n", isb ? "bias" : "qkv", i, an,
                              num);
        }
        CHECK(bad == 0);
    }
    free(qkv), free(bias), free(o1), free(a1), free(ad1), free(o2), free(a2), free(ad2);
    free(dy), free(dq1), free(db1), free(g1), free(dq2), free(db2), free(g2);
}

static void test_attention(void)
{
    attention_case(0.0f);
}
static void test_attention_dropout(void)
{
    attention_case(0.3f);
}

static void test_bilinear(void)
{
    int B = 2, N = 5, NO = 7, R_ = 6;
    size_t nr = (size_t)B * N * R_, nl = (size_t)B * N * NO * N;
    float *r = rnd(nr, 1), *c = rnd(nr, 1), *w = rnd((size_t)NO * R_ * R_, 1), *bs = rnd(NO, 1);
    float *wt = zeros((size_t)NO * R_ * R_), *a = zeros((size_t)B * N * NO * R_);
    float *l1 = zeros(nl), *l2 = zeros(nl);
    bilinear_prepare(wt, w, NO, R_);
    bilinear_forward(l1, a, r, c, wt, bs, NULL, B, N, NO, R_);
    bilinear_forward_ref(l2, r, c, w, bs, B, N, NO, R_);
    CHECK_TENSOR(l1, l2, nl, 1e-4, 1e-4, "bilinear fwd");
    float *dl = rnd(nl, 1);
    float *dr1 = zeros(nr), *dc1 = zeros(nr), *dw1 = zeros((size_t)NO * R_ * R_), *db1 = zeros(NO);
    float *dr2 = zeros(nr), *dc2 = zeros(nr), *dw2 = zeros((size_t)NO * R_ * R_), *db2 = zeros(NO);
    float *da = zeros((size_t)B * N * NO * R_), *dwt = zeros((size_t)NO * R_ * R_);
    bilinear_backward(dr1, dc1, dw1, db1, da, dwt, dl, r, c, a, wt, NULL, B, N, NO, R_);
    bilinear_backward_ref(dr2, dc2, dw2, db2, dl, r, c, w, B, N, NO, R_);
    CHECK_TENSOR(dr1, dr2, nr, 1e-4, 1e-4, "bilinear dr");
    CHECK_TENSOR(dc1, dc2, nr, 1e-4, 1e-4, "bilinear dc");
    CHECK_TENSOR(dw1, dw2, NO * R_ * R_, 1e-4, 1e-4, "bilinear dw");
    CHECK_TENSOR(db1, db2, NO, 1e-4, 1e-4, "bilinear db");
    bilinear_backward(dr1, dc1, dw1, db1, da, dwt, dl, r, c, a, wt, NULL, B, N, NO, R_);
    for (size_t i = 0; i < nr; i++)
        dr2[i] *= 2, dc2[i] *= 2;
    CHECK_TENSOR(dr1, dr2, nr, 1e-4, 1e-4, "bilinear dr x2");
    CHECK_TENSOR(dc1, dc2, nr, 1e-4, 1e-4, "bilinear dc x2");
    free(r), free(c), free(w), free(bs), free(wt), free(a), free(l1), free(l2), free(dl);
    free(dr1), free(dc1), free(dw1), free(db1), free(dr2), free(dc2), free(dw2), free(db2);
    free(da), free(dwt);
}

/* per-molecule lengths: only logits i, j < len[b] are written (the rest keep a sentinel), and
 * the backward equals the full reference when dlogit is 0 outside the real block */
static void test_bilinear_len(void)
{
    int B = 3, N = 6, NO = 5, R_ = 4, len[3] = {6, 3, 0};
    size_t nr = (size_t)B * N * R_, nl = (size_t)B * N * NO * N;
    float *r = rnd(nr, 1), *c = rnd(nr, 1), *w = rnd((size_t)NO * R_ * R_, 1), *bs = rnd(NO, 1);
    float *wt = zeros((size_t)NO * R_ * R_), *a = zeros((size_t)B * N * NO * R_);
    float *l1 = zeros(nl), *l2 = zeros(nl), *dl = rnd(nl, 1);
    for (size_t x = 0; x < nl; x++)
        l1[x] = 12345.0f;
    bilinear_prepare(wt, w, NO, R_);
    bilinear_forward(l1, a, r, c, wt, bs, len, B, N, NO, R_);
    bilinear_forward_ref(l2, r, c, w, bs, B, N, NO, R_);
    int bad = 0;
    for (int b = 0; b < B; b++)
        for (int i = 0; i < N; i++)
            for (int k = 0; k < NO; k++)
                for (int j = 0; j < N; j++) {
                    size_t x = (((size_t)b * N + i) * NO + k) * N + j;
                    int real = i < len[b] && j < len[b];
                    if (real ? fabsf(l1[x] - l2[x]) > 1e-4f * (1 + fabsf(l2[x]))
                             : l1[x] != 12345.0f)
                        bad++;
                    if (!real)
                        dl[x] = 0.0f;
                }
    CHECK_MSG(bad == 0, "bilinear len fwd: %d entries wrong", bad);
    float *dr1 = zeros(nr), *dc1 = zeros(nr), *dw1 = zeros((size_t)NO * R_ * R_), *db1 = zeros(NO);
    float *dr2 = zeros(nr), *dc2 = zeros(nr), *dw2 = zeros((size_t)NO * R_ * R_), *db2 = zeros(NO);
    float *da = rnd((size_t)B * N * NO * R_, 1), *dwt = zeros((size_t)NO * R_ * R_);
    bilinear_backward(dr1, dc1, dw1, db1, da, dwt, dl, r, c, a, wt, len, B, N, NO, R_);
    bilinear_backward_ref(dr2, dc2, dw2, db2, dl, r, c, w, B, N, NO, R_);
    CHECK_TENSOR(dr1, dr2, nr, 1e-4, 1e-4, "bilinear len dr");
    CHECK_TENSOR(dc1, dc2, nr, 1e-4, 1e-4, "bilinear len dc");
    CHECK_TENSOR(dw1, dw2, NO * R_ * R_, 1e-4, 1e-4, "bilinear len dw");
    CHECK_TENSOR(db1, db2, NO, 1e-4, 1e-4, "bilinear len db");
    free(r), free(c), free(w), free(bs), free(wt), free(a), free(l1), free(l2), free(dl);
    free(dr1), free(dc1), free(dw1), free(db1), free(dr2), free(dc2), free(dw2), free(db2);
    free(da), free(dwt);
}

/* LayerNorm and GELU backward against central differences of sum(out * w) */
static void test_layernorm_gelu_fd(void)
{
    int M = 3, C = 10;
    float *x = rnd((size_t)M * C, 1), *g = rnd(C, 1), *bb = rnd(C, 1), *wo = rnd((size_t)M * C, 1);
    float *o = zeros((size_t)M * C), *mu = zeros(M), *rs = zeros(M);
    float *dx = zeros((size_t)M * C), *dg = zeros(C), *db = zeros(C);
    layernorm_forward(o, mu, rs, x, g, bb, M, C, 1e-5f);
    layernorm_backward(dx, dg, db, wo, x, g, mu, rs, M, C);
    int bad = 0;
    for (int i = 0; i < M * C + 2 * C; i++) {
        float *p = i < M * C ? x + i : i < M * C + C ? g + (i - M * C) : bb + (i - M * C - C);
        float an = i < M * C ? dx[i] : i < M * C + C ? dg[i - M * C] : db[i - M * C - C];
        float old = *p;
        double l[2];
        for (int s = 0; s < 2; s++) {
            *p = old + (s ? -1e-2f : 1e-2f);
            layernorm_forward(o, mu, rs, x, g, bb, M, C, 1e-5f);
            l[s] = 0;
            for (int q = 0; q < M * C; q++)
                l[s] += (double)o[q] * wo[q];
        }
        *p = old;
        double num = (l[0] - l[1]) / 2e-2;
        if (fabs(num - an) > 2e-3 + 1e-2 * fabs(num))
            bad++, printf("#   layernorm fd %d: %g vs %g\n", i, an, num);
    }
    CHECK(bad == 0);
    /* GELU: values and derivative */
    float xs[5] = {-3, -1, 0, 0.5f, 2}, ys[5], dys[5] = {0};
    float ones[5] = {1, 1, 1, 1, 1};
    gelu_forward(ys, xs, 5);
    CHECK_CLOSE(ys[1], -0.158655254, 1e-6);
    CHECK_CLOSE(ys[4], 1.954499736, 1e-6);
    gelu_backward(dys, xs, ones, 5);
    for (int i = 0; i < 5; i++) {
        float a = xs[i] + 1e-2f, b = xs[i] - 1e-2f, ya, yb;
        gelu_forward(&ya, &a, 1);
        gelu_forward(&yb, &b, 1);
        CHECK_CLOSE(dys[i], (ya - yb) / 2e-2, 1e-3);
    }
    /* gelu_backward_out (from the stored output; overwrites d2) against gelu_backward */
    size_t n = 4001;
    float *gx = rnd(n, 1), *gy = zeros(n), *gd = rnd(n, 1), *d1 = zeros(n), *d2 = rnd(n, 50);
    for (size_t i = 0; i < n; i++)
        gx[i] = i == 0 ? 0.0f : i == 1 ? 1e-30f : i == 2 ? -9.0f : i == 3 ? 9.0f : 6 * gx[i];
    gelu_forward(gy, gx, n);
    gelu_backward(d1, gx, gd, n);
    gelu_backward_out(d2, gx, gy, gd, n);
    int far = 0;
    for (size_t i = 0; i < n; i++)
        if (!(fabsf(d1[i] - d2[i]) <= 1e-6f * (1 + fabsf(gd[i]))))
            far++, printf("#   gelu_backward_out %zu: x %g: %g vs %g\n", i, gx[i], d2[i], d1[i]);
    CHECK(far == 0);
    free(gx), free(gy), free(gd), free(d1), free(d2);
    free(x), free(g), free(bb), free(wo), free(o), free(mu), free(rs), free(dx), free(dg), free(db);
}

static void test_dropout_embedding(void)
{
    size_t n = 10000;
    float *x = rnd(n, 1), *y = zeros(n), *dx = zeros(n), *d = rnd(n, 1);
    struct rng r;
    rng_init(&r, 3);
    dropout_forward(y, x, n, 0.25f, &r);
    size_t kept = 0;
    int ok = 1;
    for (size_t i = 0; i < n; i++) {
        if (y[i] != 0) {
            kept++;
            ok &= fabsf(y[i] - x[i] / 0.75f) < 1e-5f;
        }
    }
    CHECK(ok);
    CHECK(kept > 7200 && kept < 7800);
    dropout_backward(dx, d, y, n, 0.25f);
    ok = 1;
    for (size_t i = 0; i < n; i++)
        ok &= dx[i] == (y[i] != 0 ? d[i] / 0.75f : 0.0f) || fabsf(dx[i] - d[i] / 0.75f) < 1e-6f;
    CHECK(ok);
    /* embedding sum with padding id 0 skipped */
    float E[4 * 3] = {9, 9, 9, 1, 2, 3, 4, 5, 6, 7, 8, 9}, out[2 * 3], dE[12] = {0};
    int32_t idx[4] = {1, 3, 0, 2};
    float dout[6] = {1, 1, 1, 2, 2, 2};
    embedding_forward(out, idx, E, 2, 2, 3, 0);
    CHECK_CLOSE(out[0], 8, 0);
    CHECK_CLOSE(out[5], 6, 0);
    embedding_backward(dE, dout, idx, 2, 2, 3);
    CHECK_CLOSE(dE[0], 0, 0); /* padding row gets no gradient */
    CHECK_CLOSE(dE[3], 1, 0);
    CHECK_CLOSE(dE[6], 2, 0);
    CHECK_CLOSE(dE[9], 1, 0);
    free(x), free(y), free(dx), free(d);
}

int main(void)
{
    rng_init(&R, 42);
    RUN(test_matmul);
    RUN(test_attention);
    RUN(test_attention_dropout);
    RUN(test_bilinear);
    RUN(test_bilinear_len);
    RUN(test_layernorm_gelu_fd);
    RUN(test_dropout_embedding);
    CHECK_EXIT();
}
