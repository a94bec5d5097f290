/* metrics.c: see metrics.h */
#include "metrics.h"
#include "util.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

struct sl {
    double s, l;
};

/* descending score; ties in any order (all tie handling is done on whole runs of equal scores) */
static int cmp_desc(const void *a, const void *b)
{
    double x = ((const struct sl *)a)->s, y = ((const struct sl *)b)->s;
    return (x < y) - (x > y);
}

/* sorted by descending score; npos/nneg counted */
static struct sl *sort_pairs(const double *score, const double *label, size_t n, size_t *npos)
{
    struct sl *v = emalloc(emul(n ? n : 1, sizeof *v));
    *npos = 0;
    for (size_t i = 0; i < n; i++) {
        v[i].s = score[i];
        v[i].l = label[i];
        *npos += label[i] == 1;
    }
    qsort(v, n, sizeof *v, cmp_desc);
    return v;
}

/* Walk runs of equal scores from the top. AUC by the trapezoid rule over the ROC points after
 * each run: area += nneg_run * (tp_before + tp_run / 2), normalised by npos * nneg. This is
 * exactly the Mann-Whitney statistic with ties counted 1/2. */
static double auc_sorted(const struct sl *v, size_t n, size_t npos)
{
    size_t nneg = n - npos;
    if (npos == 0 || nneg == 0)
        return NAN;
    double area = 0, tp = 0;
    for (size_t i = 0; i < n;) {
        size_t j = i;
        double rp = 0, rn = 0;
        while (j < n && v[j].s == v[i].s) {
            if (v[j].l == 1)
                rp++;
            else
                rn++;
            j++;
        }
        area += rn * (tp + rp / 2);
        tp += rp;
        i = j;
    }
    return area / ((double)npos * (double)nneg);
}

/* AP = sum over thresholds (runs) of (tp_k - tp_{k-1}) / npos * precision_k */
static double ap_sorted(const struct sl *v, size_t n, size_t npos)
{
    if (npos == 0)
        return NAN;
    double ap = 0, tp = 0, seen = 0;
    for (size_t i = 0; i < n;) {
        size_t j = i;
        double rp = 0;
        while (j < n && v[j].s == v[i].s) {
            rp += v[j].l == 1;
            j++;
        }
        tp += rp;
        seen += (double)(j - i);
        if (rp > 0)
            ap += rp / (double)npos * (tp / seen);
        i = j;
    }
    return ap;
}

double metrics_roc_auc(const double *score, const double *label, size_t n)
{
    size_t npos;
    struct sl *v = sort_pairs(score, label, n, &npos);
    double a = auc_sorted(v, n, npos);
    free(v);
    return a;
}

double metrics_average_precision(const double *score, const double *label, size_t n)
{
    size_t npos;
    struct sl *v = sort_pairs(score, label, n, &npos);
    double a = ap_sorted(v, n, npos);
    free(v);
    return a;
}

int metrics_classification(struct metrics_cls *out, const double *score, const double *label,
                           size_t n, double thr, const char **err)
{
    static const char *dummy;
    if (!err)
        err = &dummy;
    memset(out, 0, sizeof *out);
    out->auc = out->ap = out->acc = NAN;
    struct sl *v = emalloc(emul(n ? n : 1, sizeof *v));
    size_t m = 0, npos = 0, correct = 0;
    for (size_t i = 0; i < n; i++) {
        if (isnan(label[i]))
            continue;
        if (label[i] != 0 && label[i] != 1) {
            free(v);
            *err = "classification label is not 0, 1 or missing";
            return -1;
        }
        if (!isfinite(score[i])) {
            free(v);
            *err = "score is not finite";
            return -1;
        }
        v[m].s = score[i];
        v[m].l = label[i];
        npos += label[i] == 1;
        correct += (score[i] > thr) == (label[i] == 1);
        m++;
    }
    out->n = m;
    out->npos = npos;
    if (m) {
        qsort(v, m, sizeof *v, cmp_desc);
        out->auc = auc_sorted(v, m, npos);
        out->ap = ap_sorted(v, m, npos);
        out->acc = (double)correct / (double)m;
    }
    free(v);
    return 0;
}

int metrics_regression(struct metrics_reg *out, const double *pred, const double *label, size_t n,
                       const char **err)
{
    static const char *dummy;
    if (!err)
        err = &dummy;
    memset(out, 0, sizeof *out);
    out->mae = out->rmse = out->r2 = NAN;
    double mean = 0, sae = 0, sse = 0, sst = 0;
    size_t m = 0;
    /* two passes (mean first) for a stable SS_tot */
    for (size_t i = 0; i < n; i++) {
        if (isnan(label[i]))
            continue;
        if (!isfinite(pred[i]) || !isfinite(label[i])) {
            *err = !isfinite(pred[i]) ? "prediction is not finite" : "label is infinite";
            return -1;
        }
        mean += label[i];
        m++;
    }
    out->n = m;
    if (!m)
        return 0;
    mean /= (double)m;
    for (size_t i = 0; i < n; i++) {
        if (isnan(label[i]))
            continue;
        double d = pred[i] - label[i], t = label[i] - mean;
        sae += fabs(d);
        sse += d * d;
        sst += t * t;
    }
    out->mae = sae / (double)m;
    out->rmse = sqrt(sse / (double)m);
    out->r2 = sst > 0 ? 1 - sse / sst : NAN;
    return 0;
}

double metrics_nanmean(const double *v, size_t n, size_t *count)
{
    double s = 0;
    size_t c = 0;
    for (size_t i = 0; i < n; i++)
        if (!isnan(v[i])) {
            s += v[i];
            c++;
        }
    if (count)
        *count = c;
    return c ? s / (double)c : NAN;
}
