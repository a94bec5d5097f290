/* test-optim.c: AdamW against hand-computed values, LR schedule, clipping, NaN scan. */
#include "check.h"
#include "optim.h"

#include <math.h>
#include <string.h>

/* One and two AdamW steps, lr 0.1, wd 0.01, beta (0.9, 0.999), eps 1e-8. By hand:
 *  p=1, g=0.5:   decay 1-0.1*0.01 -> 0.999; m=0.05, v=0.00025; mhat=0.5, vhat=0.25 (sqrt 0.5);
 *                step 0.1*0.5/(0.5+1e-8) = 0.099999998 -> p = 0.899000002
 *  p=-2, g=-1e-3: decay -> -1.998; m=-1e-4, v=1e-9; mhat=-1e-3, sqrt(vhat)=1e-3;
 *                step 0.1*(-1e-3)/(1e-3+1e-8) = -0.0999990 -> p = -1.898001
 *  p=3, g=0:     decay only -> 2.997 (m = v = 0)
 * second step, same grads, t=2:
 *  p=0.899 -> 0.899*0.999 = 0.898101; m=0.095, v=0.00049975; bc1=0.19, bc2=0.001999;
 *           mhat=0.5, vhat=0.25 -> step 0.099999998 -> p = 0.798101
 *  p=2.997 -> 2.997*0.999 = 2.994003 */
static void test_adamw_hand(void)
{
    struct adamw a;
    adamw_defaults(&a);
    CHECK_CLOSE(a.beta1, 0.9, 0);
    CHECK_CLOSE(a.beta2, 0.999, 0);
    CHECK_CLOSE(a.eps, 1e-8, 0);
    a.weight_decay = 0.01;
    float p[3] = {1.0f, -2.0f, 3.0f}, g[3] = {0.5f, -1e-3f, 0.0f}, m[3] = {0}, v[3] = {0};
    adamw_step(&a, p, g, m, v, 3, 0.1, 1);
    CHECK_CLOSE(m[0], 0.05, 1e-8);
    CHECK_CLOSE(v[0], 0.00025, 1e-10);
    CHECK_CLOSE(m[1], -1e-4, 1e-10);
    CHECK_CLOSE(v[1], 1e-9, 1e-15);
    CHECK_CLOSE(p[0], 0.899000002, 2e-7);
    CHECK_CLOSE(p[1], -1.898001, 2e-7);
    CHECK_CLOSE(p[2], 2.997, 2e-7);
    adamw_step(&a, p, g, m, v, 3, 0.1, 2);
    CHECK_CLOSE(m[0], 0.095, 1e-8);
    CHECK_CLOSE(v[0], 0.00049975, 1e-10);
    CHECK_CLOSE(p[0], 0.798101, 3e-7);
    CHECK_CLOSE(p[2], 2.994003, 3e-7);
}

/* Without weight decay and with lr 0 nothing moves, but the moments still update. */
static void test_adamw_zero_lr(void)
{
    struct adamw a;
    adamw_defaults(&a);
    float p[2] = {0.25f, -7.0f}, g[2] = {2.0f, 1.0f}, m[2] = {0}, v[2] = {0};
    adamw_step(&a, p, g, m, v, 2, 0.0, 1);
    CHECK(p[0] == 0.25f && p[1] == -7.0f);
    CHECK_CLOSE(m[0], 0.2, 1e-7);
    CHECK_CLOSE(v[1], 0.001, 1e-9);
}

/* adamw_step reports a parameter that overflows (the train-step NaN guard) */
static void test_adamw_overflow(void)
{
    struct adamw a;
    adamw_defaults(&a);
    float p[3] = {1.0f, 2.0f, 3.0f}, g[3] = {1.0f, 1.0f, 1.0f}, m[3] = {0}, v[3] = {0};
    CHECK_EQ_INT(adamw_step(&a, p, g, m, v, 3, 1e-3, 1), 0);
    CHECK_EQ_INT(adamw_step(&a, p, g, m, v, 3, 1e39, 2), -1); /* lr*update overflows float */
    CHECK(scan_nonfinite(p, 3) == 0);
    float q[2] = {1.0f, NAN}, h[2] = {0.5f, 0.5f}, mq[2] = {0}, vq[2] = {0};
    CHECK_EQ_INT(adamw_step(&a, q, h, mq, vq, 2, 1e-3, 1), -1);
}

/* the vector path (4 lanes) and the scalar tail give the same bits: one call on 11 values vs
 * 11 calls on one value each (scalar only) */
static void test_adamw_lanes(void)
{
    struct adamw a;
    adamw_defaults(&a);
    a.weight_decay = 0.05;
    float p1[11], p2[11], g[11], m1[11] = {0}, v1[11] = {0}, m2[11] = {0}, v2[11] = {0};
    for (int i = 0; i < 11; i++) {
        p1[i] = p2[i] = 0.37f * (float)(i - 5);
        g[i] = (float)((i * 7919) % 13 - 6) * 0.013f;
    }
    for (long t = 1; t <= 3; t++) {
        adamw_step(&a, p1, g, m1, v1, 11, 3e-3, t);
        for (int i = 0; i < 11; i++)
            adamw_step(&a, p2 + i, g + i, m2 + i, v2 + i, 1, 3e-3, t);
    }
    CHECK(memcmp(p1, p2, sizeof p1) == 0);
    CHECK(memcmp(m1, m2, sizeof m1) == 0);
    CHECK(memcmp(v1, v2, sizeof v1) == 0);
}

static void test_schedule(void)
{
    struct lr_sched s = {1e-3, 0.0, 10, 110};
    CHECK_CLOSE(lr_at(&s, 0), 0.0, 0);
    CHECK_CLOSE(lr_at(&s, 1), 1e-4, 1e-15);
    CHECK_CLOSE(lr_at(&s, 5), 5e-4, 1e-15);
    CHECK_CLOSE(lr_at(&s, 10), 1e-3, 1e-15);
    CHECK_CLOSE(lr_at(&s, 35), 0.5e-3 * (1 + cos(M_PI / 4)), 1e-15); /* 8.5355339e-4 */
    CHECK_CLOSE(lr_at(&s, 35), 8.5355339e-4, 1e-11);
    CHECK_CLOSE(lr_at(&s, 60), 5e-4, 1e-15);
    CHECK_CLOSE(lr_at(&s, 110), 0.0, 1e-15);
    CHECK_CLOSE(lr_at(&s, 500), 0.0, 0);
    s.min_lr = 1e-5;
    CHECK_CLOSE(lr_at(&s, 60), 1e-5 + 0.5 * 0.99e-3, 1e-15);
    CHECK_CLOSE(lr_at(&s, 110), 1e-5, 1e-15);
    CHECK_CLOSE(lr_at(&s, 111), 1e-5, 0);
    /* SPEC 5.1 released config: peak 1e-5, warmup 20k, total 200k */
    struct lr_sched r = {1e-5, 0.0, 20000, 200000};
    CHECK_CLOSE(lr_at(&r, 10000), 0.5e-5, 1e-18);
    CHECK_CLOSE(lr_at(&r, 110000), 0.5e-5, 1e-18);
    /* no warmup, no decay */
    struct lr_sched c = {3e-4, 0.0, 0, 0};
    CHECK_CLOSE(lr_at(&c, 1), 3e-4, 0);
    CHECK_CLOSE(lr_at(&c, 1000000), 3e-4, 0);
}

static void test_clip(void)
{
    float g[2] = {3.0f, 4.0f};
    double n = grad_norm(g, 2);
    CHECK_CLOSE(n, 5.0, 1e-12);
    CHECK_CLOSE(grad_clip(g, 2, n, 10.0), 1.0, 0);
    CHECK(g[0] == 3.0f && g[1] == 4.0f);
    double c = grad_clip(g, 2, n, 1.0);
    CHECK_CLOSE(c, 1.0 / (5.0 + 1e-6), 1e-12);
    CHECK_CLOSE(g[0], 0.6, 1e-6);
    CHECK_CLOSE(g[1], 0.8, 1e-6);
    CHECK_CLOSE(grad_norm(g, 2), 1.0, 1e-6);
    /* max_norm 0 disables clipping */
    CHECK_CLOSE(grad_clip(g, 2, 1.0, 0.0), 1.0, 0);
}

static void test_nonfinite(void)
{
    float x[4] = {1.0f, 2.0f, -3.0f, 4.0f};
    CHECK_EQ_INT(scan_nonfinite(x, 4), -1);
    x[2] = NAN;
    CHECK_EQ_INT(scan_nonfinite(x, 4), 2);
    x[2] = 0;
    x[3] = -INFINITY;
    CHECK_EQ_INT(scan_nonfinite(x, 4), 3);
    CHECK(!isfinite(grad_norm(x, 4)));
    x[3] = 1e30f; /* finite, but its square overflows float: the norm is in double */
    CHECK(isfinite(grad_norm(x, 4)));
    /* the partial sums cover every element, including a tail that is not a multiple of 4 */
    float y[7] = {1, 2, 3, 4, 5, 6, 7};
    CHECK_CLOSE(grad_norm(y, 7), sqrt(140.0), 1e-12);
    CHECK_CLOSE(grad_norm(y, 5), sqrt(55.0), 1e-12);
}

int main(void)
{
    RUN(test_adamw_hand);
    RUN(test_adamw_zero_lr);
    RUN(test_adamw_overflow);
    RUN(test_adamw_lanes);
    RUN(test_schedule);
    RUN(test_clip);
    RUN(test_nonfinite);
    CHECK_EXIT();
}
