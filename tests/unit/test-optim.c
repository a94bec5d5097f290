/* test-optim.c: AdamW against hand-computed values, LR schedule, clipping, NaN scan. */
#include "check.h"
#include "optim.h"

#include <math.h>

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
}

int main(void)
{
    RUN(test_adamw_hand);
    RUN(test_adamw_zero_lr);
    RUN(test_schedule);
    RUN(test_clip);
    RUN(test_nonfinite);
    CHECK_EXIT();
}
