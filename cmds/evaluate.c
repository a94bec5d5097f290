/* evaluate: score predictions against labels (MoleculeNet-style metrics, schemas/eval.md).
 *
 * Input:  moleblend.mol@1 records carrying `pred` f32[T] (from encode with a fine-tuned
 *         checkpoint: original units for regression, raw logits for classification) and the
 *         labels named by --labels (T keys, in the order of pred) in the `labels` map.
 * Output: a table (stdout; stderr when --json -) and optionally JSON (--json FILE, "-" = stdout).
 * Classification: per-task ROC-AUC, PR-AUC (average precision), accuracy (logit > 0); tasks whose
 *         valid labels are one class get no AUC; macro = mean over tasks that have one (SPEC 6.1).
 *         Labels 0/1; nil, empty, NaN and -1 are missing (masked).
 * Regression: MAE, RMSE, R^2 per task and their macro mean.
 * Exit: 0 ok, 1 bad record / no record, 2 usage, 3 I/O, 4 non-finite prediction. */
#include "cli.h"
#include "metrics.h"
#include "mol.h"
#include "rec.h"
#include "util.h"

#include <getopt.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#define EVAL_VERSION "1"
#define EVAL_MAX_TASKS 4096

static const char usage_line[] =
    "[-hkqvV] [--task classification|regression] [--labels a,b,..] [--pred-key KEY]\n"
    "       [--split NAME] [--json FILE] [file...]";

struct task {
    char *name;
    double *pred, *lab; /* growable columns, nrec entries */
    struct metrics_cls c;
    struct metrics_reg g;
};

static void usage(FILE *fp)
{
    fprintf(fp, "usage: %s %s\n", argv0, usage_line);
    fprintf(fp,
            "Score fine-tuned predictions ('pred') against labels.\n"
            "  --task T         classification (default) or regression\n"
            "  --labels a,b,..  label keys in the order of pred (default: the label keys of the\n"
            "                   first record, in record order)\n"
            "  --pred-key KEY   array holding the predictions (default pred)\n"
            "  --split NAME     only records whose 'split' is NAME (others are counted, not used)\n"
            "  --json FILE      write JSON to FILE; with '-' JSON goes to stdout, the table to stderr\n");
    cli_usage(fp, CLI_KEEP, 17);
    fputs("Exit: 0 ok, 1 bad record, 2 usage, 3 I/O, 4 non-finite prediction.\n", fp);
}

/* label value: number, NaN for missing (nil, absent text, -1 in classification). 0 or -1. */
static int label_value(const struct mol_label *l, int cls, double *v)
{
    *v = NAN;
    if (l->kind == LAB_NIL)
        return 0;
    if (l->kind == LAB_STR) {
        char *end;
        const char *s = l->str ? l->str : "";
        while (*s == ' ')
            s++;
        if (!*s)
            return 0;
        *v = strtod(s, &end);
        while (*end == ' ')
            end++;
        if (*end)
            return -1;
    } else {
        *v = l->num;
    }
    if (cls && *v == -1)
        *v = NAN;
    if (isinf(*v))
        return -1;
    return 0;
}

static void json_num(FILE *fp, double v)
{
    if (isfinite(v))
        fprintf(fp, "%.10g", v);
    else
        fputs("null", fp);
}

static void json_str(FILE *fp, const char *s)
{
    fputc('"', fp);
    for (; *s; s++) {
        unsigned char ch = (unsigned char)*s;
        if (ch == '"' || ch == '\\')
            fprintf(fp, "\\%c", ch);
        else if (ch < 0x20)
            fprintf(fp, "\\u%04x", ch);
        else
            fputc(ch, fp);
    }
    fputc('"', fp);
}

static void fmt_num(char *buf, size_t sz, double v, int pct)
{
    if (isnan(v))
        snprintf(buf, sz, "%s", "-");
    else
        snprintf(buf, sz, pct ? "%.4f" : "%.4g", v);
}

int main(int argc, char **argv)
{
    int cls = 1, ret = EXIT_OK, c;
    const char *labels_opt = NULL, *pred_key = "pred", *json_path = NULL, *split = NULL;
    enum { O_TASK = 256, O_LABELS, O_PRED, O_JSON, O_SPLIT };
    static const struct option lo[] = {
        CLI_LONG_BASE, CLI_LONG_KEEP, {"task", required_argument, 0, O_TASK},
        {"labels", required_argument, 0, O_LABELS}, {"pred-key", required_argument, 0, O_PRED},
        {"json", required_argument, 0, O_JSON}, {"split", required_argument, 0, O_SPLIT},
        {0, 0, 0, 0}};
    struct cli co = CLI_INIT(usage_line);

    util_set_argv0(argv[0]);
    opterr = 0;
    while ((c = getopt_long(argc, argv, CLI_SHORT_BASE "k", lo, NULL)) != -1) {
        switch (c) {
        case O_TASK:
            if (!strcmp(optarg, "classification"))
                cls = 1;
            else if (!strcmp(optarg, "regression"))
                cls = 0;
            else
                eusage(usage_line, "--task: expected classification or regression, not '%s'",
                       optarg);
            break;
        case O_LABELS: labels_opt = optarg; break;
        case O_PRED: pred_key = optarg; break;
        case O_JSON: json_path = optarg; break;
        case O_SPLIT: split = optarg; break;
        default: cli_common(&co, c, argc, argv, usage, EVAL_VERSION);
        }
    }
    int pf = mol_field_by_key(pred_key);
    if (pf < 0 || mol_fields[pf].type != REC_F32)
        eusage(usage_line, "--pred-key: '%s' is not a float array key of the molecule record",
               pred_key);

    struct task *tasks = NULL;
    size_t ntask = 0, nrec = 0, cap = 0;
    if (labels_opt) {
        char *s = estrdup(labels_opt), *save = NULL;
        for (char *t = strtok_r(s, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
            if (ntask == EVAL_MAX_TASKS)
                eusage(usage_line, "--labels: more than %d keys", EVAL_MAX_TASKS);
            tasks = erealloc(tasks, (ntask + 1) * sizeof *tasks);
            memset(&tasks[ntask], 0, sizeof *tasks);
            tasks[ntask++].name = estrdup(t);
        }
        free(s);
        if (!ntask)
            eusage(usage_line, "--labels: no label key given");
    }

    uint64_t nin = 0, nbad = 0, nskip = 0;
    struct rec_inputs in;
    msgpack_object *obj;
    rec_inputs_open(&in, argv + optind, argc - optind, MOL_SCHEMA, MOL_VERSION, co.keep);
    const struct rec_reader *rd = &in.r; /* names the current record in messages */
    while (rec_inputs_next(&in, &obj) == 1) {
        struct mol m;
        const char *err = NULL;
        int code = EXIT_DATA;
        char msg[160];
        nin++;
        if (mol_unpack(&m, obj, 0, &err))
            goto bad;
        if (split && (!m.split || strcmp(m.split, split))) {
            nskip++;
            mol_free(&m);
            continue;
        }
        if (!ntask) { /* default: the label keys of the first record */
            for (uint32_t i = 0; i < m.nlab && ntask < EVAL_MAX_TASKS; i++) {
                tasks = erealloc(tasks, (ntask + 1) * sizeof *tasks);
                memset(&tasks[ntask], 0, sizeof *tasks);
                tasks[ntask++].name = estrdup(m.lab[i].key);
            }
            if (!ntask) {
                err = "record has no labels (and no --labels given)";
                goto bad;
            }
        }
        const float *pred = (const float *)(pf == MOL_F_pred ? m.pred : NULL);
        size_t plen = m.len[pf];
        if (pf != MOL_F_pred) { /* any other f32 key */
            switch (pf) {
#define X(f, t, rt, key, len)                                                                      \
case MOL_F_##f:                                                                                \
    pred = (const float *)(const void *)m.f;                                                   \
    break;
                MOL_ARRAYS(X)
#undef X
            }
        }
        if (!pred) {
            snprintf(msg, sizeof msg, "no '%s' (run encode with a fine-tuned checkpoint)",
                     pred_key);
            err = msg;
            goto bad;
        }
        if (plen != ntask) {
            snprintf(msg, sizeof msg, "'%s' has %zu values but %zu labels are evaluated",
                     pred_key, plen, ntask);
            err = msg;
            goto bad;
        }
        if (nrec == cap) {
            cap = cap ? 2 * cap : 256;
            for (size_t t = 0; t < ntask; t++) {
                tasks[t].pred = erealloc(tasks[t].pred, emul(cap, sizeof(double)));
                tasks[t].lab = erealloc(tasks[t].lab, emul(cap, sizeof(double)));
            }
        }
        for (size_t t = 0; t < ntask; t++) {
            const struct mol_label *l = mol_get_label(&m, tasks[t].name);
            double v;
            if (!l) {
                snprintf(msg, sizeof msg, "no label '%.100s'", tasks[t].name);
                err = msg;
                goto bad;
            }
            if (label_value(l, cls, &v) || (cls && !isnan(v) && v != 0 && v != 1)) {
                snprintf(msg, sizeof msg, "label '%.80s' is not %s", tasks[t].name,
                         cls ? "0, 1 or missing" : "a number or missing");
                err = msg;
                goto bad;
            }
            if (!isfinite(pred[t])) {
                snprintf(msg, sizeof msg, "%s[%zu] is not finite", pred_key, t);
                err = msg;
                code = EXIT_NUMERIC;
                goto bad;
            }
            tasks[t].pred[nrec] = pred[t];
            tasks[t].lab[nrec] = v;
        }
        nrec++;
        mol_free(&m);
        continue;
    bad:
        werecord(rd->name, rd->index - 1, m.id, "%s", err);
        mol_free(&m);
        nbad++;
        if (ret != EXIT_NUMERIC)
            ret = code;
        if (!co.keep)
            break;
    }
    ret = rec_inputs_close(&in, ret);
    size_t ngood = nrec; /* good records read (the summary adds up: in = good + skipped + bad) */
    if (ret != EXIT_OK && !co.keep) {
        nrec = 0; /* strict mode: no metrics from a partial read */
        weprintf("no metrics: stopped at the first bad record (-k skips bad records)");
    }
    else if (ret == EXIT_OK && nrec == 0) {
        weprintf("no records to evaluate (%llu read, %llu not in split)", (unsigned long long)nin,
                 (unsigned long long)nskip);
        ret = EXIT_DATA;
    }

    /* metrics */
    double *col[3];
    for (int k = 0; k < 3; k++)
        col[k] = ecalloc(ntask ? ntask : 1, sizeof(double));
    for (size_t t = 0; t < ntask && nrec; t++) {
        struct task *tk = &tasks[t];
        if (cls) {
            metrics_classification(&tk->c, tk->pred, tk->lab, nrec, 0.0, NULL);
            col[0][t] = tk->c.auc, col[1][t] = tk->c.ap, col[2][t] = tk->c.acc;
        } else {
            metrics_regression(&tk->g, tk->pred, tk->lab, nrec, NULL);
            col[0][t] = tk->g.mae, col[1][t] = tk->g.rmse, col[2][t] = tk->g.r2;
        }
    }
    size_t nscored = 0;
    double macro[3];
    for (int k = 0; k < 3; k++)
        macro[k] = metrics_nanmean(col[k], ntask, k == 0 ? &nscored : NULL);
    if (nrec && cls && nscored < ntask)
        weprintf("warning: %zu of %zu tasks have one class only (no ROC-AUC)", ntask - nscored,
                 ntask);

    /* table */
    if (nrec) {
        FILE *tf = json_path && !strcmp(json_path, "-") ? stderr : stdout;
        const char *h[3] = {"ROC-AUC", "PR-AUC", "accuracy"}, *hr[3] = {"MAE", "RMSE", "R2"};
        const char **hh = cls ? h : hr;
        fprintf(tf, "%-24s %7s %7s %10s %10s %10s\n", "task", "n", cls ? "pos" : "", hh[0], hh[1],
                hh[2]);
        for (size_t t = 0; t < ntask; t++) {
            char a[32], b[32], d[32], pos[32] = "";
            fmt_num(a, sizeof a, col[0][t], cls);
            fmt_num(b, sizeof b, col[1][t], cls);
            fmt_num(d, sizeof d, col[2][t], cls);
            if (cls)
                snprintf(pos, sizeof pos, "%zu", tasks[t].c.npos);
            fprintf(tf, "%-24.24s %7zu %7s %10s %10s %10s\n", tasks[t].name,
                    cls ? tasks[t].c.n : tasks[t].g.n, pos, a, b, d);
        }
        {
            char a[32], b[32], d[32], nt[32];
            fmt_num(a, sizeof a, macro[0], cls);
            fmt_num(b, sizeof b, macro[1], cls);
            fmt_num(d, sizeof d, macro[2], cls);
            snprintf(nt, sizeof nt, "%zu/%zu", nscored, ntask);
            fprintf(tf, "%-24s %7zu %7s %10s %10s %10s\n", "macro", nrec, nt, a, b, d);
        }
    }

    /* JSON */
    if (json_path && nrec) {
        FILE *jf = !strcmp(json_path, "-") ? stdout : fopen(json_path, "w");
        if (!jf) {
            weprintf("%s:", json_path);
            ret = EXIT_IO;
        } else {
            fprintf(jf, "{\"task\": \"%s\", \"records\": %zu, \"skipped\": %llu, \"tasks\": [",
                    cls ? "classification" : "regression", nrec, (unsigned long long)nbad);
            for (size_t t = 0; t < ntask; t++) {
                fprintf(jf, "%s\n  {\"name\": ", t ? "," : "");
                json_str(jf, tasks[t].name);
                if (cls) {
                    fprintf(jf, ", \"n\": %zu, \"n_pos\": %zu, \"roc_auc\": ", tasks[t].c.n,
                            tasks[t].c.npos);
                    json_num(jf, col[0][t]);
                    fputs(", \"pr_auc\": ", jf);
                    json_num(jf, col[1][t]);
                    fputs(", \"accuracy\": ", jf);
                    json_num(jf, col[2][t]);
                } else {
                    fprintf(jf, ", \"n\": %zu, \"mae\": ", tasks[t].g.n);
                    json_num(jf, col[0][t]);
                    fputs(", \"rmse\": ", jf);
                    json_num(jf, col[1][t]);
                    fputs(", \"r2\": ", jf);
                    json_num(jf, col[2][t]);
                }
                fputc('}', jf);
            }
            fprintf(jf, "],\n \"macro\": {\"%s\": ", cls ? "roc_auc" : "mae");
            json_num(jf, macro[0]);
            fprintf(jf, ", \"%s\": ", cls ? "pr_auc" : "rmse");
            json_num(jf, macro[1]);
            fprintf(jf, ", \"%s\": ", cls ? "accuracy" : "r2");
            json_num(jf, macro[2]);
            fprintf(jf, ", \"tasks_scored\": %zu}}\n", nscored);
            int e = fshut(jf, jf == stdout ? "<stdout>" : json_path);
            if (e)
                ret = EXIT_IO;
        }
    }
    if (!(json_path && !strcmp(json_path, "-"))) {
        if (fshut(stdout, "<stdout>"))
            ret = EXIT_IO;
    }
    if (verbosity >= 2 || nbad)
        weprintf("%llu records in, %zu evaluated, %llu not in split, %llu rejected",
                 (unsigned long long)nin, ngood, (unsigned long long)nskip,
                 (unsigned long long)nbad);
    for (size_t t = 0; t < ntask; t++) {
        free(tasks[t].name);
        free(tasks[t].pred);
        free(tasks[t].lab);
    }
    free(tasks);
    for (int k = 0; k < 3; k++)
        free(col[k]);
    return ret;
}
