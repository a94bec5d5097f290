/* test-metrics.c: ROC-AUC / average precision / regression metrics against brute force. */
#include "check.h"
#include "metrics.h"
#include "rng.h"

#include <string.h>

/* Mann-Whitney by definition: over all (pos, neg) pairs, 1 if s_pos > s_neg, 1/2 if equal */
static double auc_brute(const double *s, const double *l, size_t n)
{
    double num = 0, den = 0;
    for (size_t i = 0; i < n; i++)
        for (size_t j = 0; j < n; j++)
            if (l[i] == 1 && l[j] == 0) {
                den++;
                num += s[i] > s[j] ? 1 : s[i] == s[j] ? 0.5 : 0;
            }
    return den ? num / den : NAN;
}

/* AP by definition: distinct thresholds t (descending), precision and recall of (s >= t) by a
 * full scan each, AP = sum (R_k - R_{k-1}) P_k */
static double ap_brute(const double *s, const double *l, size_t n)
{
    double npos = 0, ap = 0, rprev = 0, t = INFINITY;
    for (size_t i = 0; i < n; i++)
        npos += l[i] == 1;
    if (!npos)
        return NAN;
    for (;;) {
        double next = -INFINITY; /* largest score below t */
        int found = 0;
        for (size_t i = 0; i < n; i++)
            if (s[i] < t && (!found || s[i] > next))
                next = s[i], found = 1;
        if (!found)
            break;
        t = next;
        double tp = 0, cnt = 0;
        for (size_t i = 0; i < n; i++)
            if (s[i] >= t) {
                cnt++;
                tp += l[i] == 1;
            }
        double r = tp / npos;
        ap += (r - rprev) * (tp / cnt);
        rprev = r;
    }
    return ap;
}

static void test_known_values(void)
{
    /* sklearn documentation examples: roc_auc_score 0.75, average_precision_score 0.8333 */
    double y[4] = {0, 0, 1, 1}, s[4] = {0.1, 0.4, 0.35, 0.8};
    CHECK_CLOSE(metrics_roc_auc(s, y, 4), 0.75, 1e-12);
    CHECK_CLOSE(metrics_average_precision(s, y, 4), 0.8333333333333333, 1e-12);
    /* all tied: AUC 1/2, AP = prevalence */
    double t[4] = {1, 1, 1, 1};
    CHECK_CLOSE(metrics_roc_auc(t, y, 4), 0.5, 1e-12);
    CHECK_CLOSE(metrics_average_precision(t, y, 4), 0.5, 1e-12);
    /* perfect and inverted */
    double p[4] = {-3, -2, 2, 3};
    CHECK_CLOSE(metrics_roc_auc(p, y, 4), 1.0, 1e-12);
    double q[4] = {3, 2, -2, -3};
    CHECK_CLOSE(metrics_roc_auc(q, y, 4), 0.0, 1e-12);
    /* one class: undefined */
    double one[3] = {1, 1, 1}, sc[3] = {0.1, 0.2, 0.3};
    CHECK(isnan(metrics_roc_auc(sc, one, 3)));
    double zero[3] = {0, 0, 0};
    CHECK(isnan(metrics_average_precision(sc, zero, 3)));
}

static void test_random_ties(void)
{
    struct rng r;
    rng_init(&r, 42);
    double worst_auc = 0, worst_ap = 0;
    for (int rep = 0; rep < 200; rep++) {
        size_t n = 1 + rng_below(&r, 300);
        uint32_t levels = 1 + rng_below(&r, rep % 2 ? 5 : 50); /* many ties */
        double *s = malloc(n * sizeof *s), *l = malloc(n * sizeof *l);
        double prev = 0.05 + 0.9 * rng_uniform(&r);
        for (size_t i = 0; i < n; i++) {
            s[i] = (double)rng_below(&r, levels) - 2.0;
            l[i] = rng_uniform(&r) < prev;
        }
        double a = metrics_roc_auc(s, l, n), b = auc_brute(s, l, n);
        double c = metrics_average_precision(s, l, n), d = ap_brute(s, l, n);
        CHECK_MSG(isnan(a) == isnan(b), "rep %d: AUC nan mismatch", rep);
        CHECK_MSG(isnan(c) == isnan(d), "rep %d: AP nan mismatch", rep);
        if (!isnan(a) && fabs(a - b) > worst_auc)
            worst_auc = fabs(a - b);
        if (!isnan(c) && fabs(c - d) > worst_ap)
            worst_ap = fabs(c - d);
        /* with missing labels: same as dropping them */
        struct metrics_cls m;
        double *lm = malloc(n * sizeof *lm), *s2 = malloc(n * sizeof *s2), *l2 = malloc(n * sizeof *l2);
        size_t k = 0, correct = 0;
        for (size_t i = 0; i < n; i++) {
            lm[i] = rng_uniform(&r) < 0.3 ? NAN : l[i];
            if (!isnan(lm[i])) {
                s2[k] = s[i], l2[k] = l[i], k++;
                correct += (s[i] > 0) == (l[i] == 1);
            }
        }
        CHECK(metrics_classification(&m, s, lm, n, 0.0, NULL) == 0);
        CHECK_EQ_INT(m.n, k);
        double b2 = auc_brute(s2, l2, k);
        CHECK(isnan(m.auc) == isnan(b2));
        if (!isnan(b2))
            CHECK_CLOSE(m.auc, b2, 1e-12);
        if (k)
            CHECK_CLOSE(m.acc, (double)correct / (double)k, 1e-12);
        free(s), free(l), free(lm), free(s2), free(l2);
    }
    CHECK_MSG(worst_auc < 1e-12, "max |AUC - brute| = %g", worst_auc);
    CHECK_MSG(worst_ap < 1e-12, "max |AP - brute| = %g", worst_ap);
}

static void test_bad_input(void)
{
    struct metrics_cls m;
    const char *err = NULL;
    double s[2] = {0, 1}, l[2] = {0, 2};
    CHECK(metrics_classification(&m, s, l, 2, 0, &err) == -1 && err);
    double s2[2] = {NAN, 1}, l2[2] = {0, 1};
    err = NULL;
    CHECK(metrics_classification(&m, s2, l2, 2, 0, &err) == -1 && err);
    /* empty / all missing */
    double l3[2] = {NAN, NAN};
    CHECK(metrics_classification(&m, s, l3, 2, 0, &err) == 0);
    CHECK(m.n == 0 && isnan(m.auc) && isnan(m.acc));
    struct metrics_reg g;
    CHECK(metrics_regression(&g, s2, l2, 2, &err) == -1);
}

static void test_regression(void)
{
    struct metrics_reg g;
    double y[5] = {1, 2, 3, NAN, 4}, p[5] = {1.5, 2, 2, 100, 4};
    CHECK(metrics_regression(&g, p, y, 5, NULL) == 0);
    CHECK_EQ_INT(g.n, 4);
    CHECK_CLOSE(g.mae, (0.5 + 0 + 1 + 0) / 4, 1e-12);
    CHECK_CLOSE(g.rmse, sqrt((0.25 + 1) / 4), 1e-12);
    CHECK_CLOSE(g.r2, 1 - 1.25 / 5.0, 1e-12); /* SS_tot about mean 2.5: 2.25+.25+.25+2.25 */
    double c[2] = {3, 3}, q[2] = {3, 4};
    CHECK(metrics_regression(&g, q, c, 2, NULL) == 0);
    CHECK(isnan(g.r2));
    double v[4] = {1, NAN, 3, NAN};
    size_t cnt;
    CHECK_CLOSE(metrics_nanmean(v, 4, &cnt), 2.0, 1e-12);
    CHECK_EQ_INT(cnt, 2);
}

int main(void)
{
    RUN(test_known_values);
    RUN(test_random_ties);
    RUN(test_bad_input);
    RUN(test_regression);
    CHECK_EXIT();
}
