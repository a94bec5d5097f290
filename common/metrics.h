/* metrics.h: evaluation metrics for fine-tuned predictions (evaluate, train-step validation).
 *
 * Classification: ROC-AUC with exact tie handling (average ranks = Mann-Whitney U, a tied
 * positive/negative pair counts 1/2; equals the trapezoid area under the ROC curve), average
 * precision (PR-AUC, sklearn average_precision_score: sum over distinct thresholds of
 * (R_k - R_{k-1}) * P_k, tied scores form one threshold), accuracy at score > threshold.
 * Regression: MAE, RMSE, R^2 (1 - SS_res/SS_tot).
 * Missing labels are NaN and are skipped (masked). Metrics that are undefined are NaN: AUC and AP
 * when the valid labels are all one class (AP: no positive), R^2 when the labels are constant,
 * everything when no valid label is left. */
#ifndef MB_METRICS_H
#define MB_METRICS_H

#include <stddef.h>

struct metrics_cls {
    size_t n;     /* valid (non-missing) labels */
    size_t npos;  /* positives among them */
    double auc;   /* ROC-AUC, NaN if one class */
    double ap;    /* average precision, NaN if no positive */
    double acc;   /* accuracy of (score > thr), NaN if n == 0 */
};

struct metrics_reg {
    size_t n;
    double mae, rmse, r2;
};

/* label[i]: 1 positive, 0 negative, NaN missing (any other value: returns -1 with *err set).
 * score: any finite value (NaN score: returns -1). thr: decision threshold for accuracy (0 for
 * logits). Allocates O(n) temporary memory (exits 3 on OOM, util.h). 0 or -1. */
int metrics_classification(struct metrics_cls *out, const double *score, const double *label,
                           size_t n, double thr, const char **err);
/* ROC-AUC alone (labels 0/1 only, no missing): NaN if one class. */
double metrics_roc_auc(const double *score, const double *label, size_t n);
/* Average precision alone (labels 0/1 only): NaN if no positive. */
double metrics_average_precision(const double *score, const double *label, size_t n);

/* label NaN = missing; pred must be finite. 0 or -1. */
int metrics_regression(struct metrics_reg *out, const double *pred, const double *label, size_t n,
                       const char **err);

/* Mean of the non-NaN values (NaN if none) and their count. */
double metrics_nanmean(const double *v, size_t n, size_t *count);

#endif
