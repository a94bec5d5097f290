/* ckpt-info: list a checkpoint's header, model config and tensors (schemas/checkpoint.md).
 *
 * usage: ckpt-info [-hV] [--tensors | --no-tensors] [--stats] CKPT...
 * Prints text on stdout: the header (producer, objective, step, data position, LR schedule,
 * labels...), the config map, then one line per tensor "name [shape] count" (and with --stats:
 * min, max, mean, rms). Reading every tensor also verifies the file (checksum, trailer).
 * Exit: 0 ok, 2 usage, 3 unreadable, truncated or corrupt checkpoint. */
#include "ckpt.h"
#include "cli.h"
#include "util.h"

#include <getopt.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

static const char usage_line[] = "[-hV] [--no-tensors] [--stats] CKPT...";

static void usage(FILE *fp)
{
    fprintf(fp,
            "usage: ckpt-info %s\n\nList a train-step checkpoint: header, config, tensors with "
            "shapes.\n"
            "  --no-tensors   header and config only (still verifies the file)\n"
            "  --stats        min/max/mean/rms per tensor\n",
            usage_line);
    cli_usage(fp, 0, 15);
    fputs("Exit: 0 ok, 2 usage, 3 unreadable or corrupt checkpoint.\n", fp);
}

static void print_meta(const char *path, const struct ckpt_meta *m)
{
    printf("file\t%s\n", path);
    printf("schema\t%s %d\n", CKPT_SCHEMA, CKPT_VERSION);
    printf("producer\t%s\n", m->producer ? m->producer : "-");
    printf("preset\t%s\n", m->preset ? m->preset : "-");
    printf("objective\t%s\n", m->objective ? m->objective : "-");
    printf("task\t%s\n", m->task ? m->task : "-");
    printf("input_mode\t%s\n", m->input_mode ? m->input_mode : "-");
    printf("step\t%lld\n", (long long)m->step);
    printf("epoch\t%lld\n", (long long)m->epoch);
    printf("data\tpos %llu read %llu seed %llu shuffle %lld batch %lld\n",
           (unsigned long long)m->data_pos, (unsigned long long)m->data_read,
           (unsigned long long)m->seed, (long long)m->shuffle, (long long)m->batch);
    printf("lr\tpeak %g min %g warmup %lld total %lld\n", m->lr.peak, m->lr.min_lr,
           (long long)m->lr.warmup, (long long)m->lr.total);
    printf("adamw\tbeta1 %g beta2 %g eps %g weight_decay %g clip %g\n", m->adamw.beta1,
           m->adamw.beta2, m->adamw.eps, m->adamw.weight_decay, m->adamw.clip);
    if (isnan(m->best_valid))
        printf("best_valid\t-\n");
    else
        printf("best_valid\t%.9g\n", m->best_valid);
    printf("has_adam\t%s\n", m->has_adam ? "yes" : "no");
    printf("labels\t%d", m->nlabels);
    for (int i = 0; i < m->nlabels; i++) {
        printf("%s%s", i ? "," : " ", m->labels[i]);
        if (m->target_mean)
            printf("(mean %.9g std %.9g)", m->target_mean[i], m->target_std[i]);
    }
    putchar('\n');
    for (int i = 0; i < m->ncfg; i++)
        printf("config\t%s\t%.9g\n", m->cfg[i].key, m->cfg[i].val);
}

static int info(const char *path, int tensors, int stats)
{
    struct ckpt_reader r;
    struct ckpt_meta meta;
    struct ckpt_tensor t;
    char err[CKPT_ERRLEN];
    int ret;
    size_t total = 0, nt = 0;
    if (ckpt_open(&r, path, &meta, err)) {
        weprintf("%s", err);
        return EXIT_IO;
    }
    print_meta(path, &meta);
    while ((ret = ckpt_next(&r, &t, err)) == 1) {
        nt++;
        total += t.n;
        if (!tensors)
            continue;
        printf("tensor\t%s\t[", t.name);
        for (int i = 0; i < t.ndim; i++)
            printf("%s%u", i ? "," : "", t.shape[i]);
        printf("]\t%zu", t.n);
        if (stats && t.n) {
            float *x = emalloc(t.n * sizeof *x);
            double mn = INFINITY, mx = -INFINITY, s = 0, s2 = 0;
            size_t nonfinite = 0;
            ckpt_tensor_copy(x, &t);
            for (size_t i = 0; i < t.n; i++) {
                if (!isfinite(x[i])) {
                    nonfinite++;
                    continue;
                }
                mn = x[i] < mn ? x[i] : mn;
                mx = x[i] > mx ? x[i] : mx;
                s += x[i];
                s2 += (double)x[i] * x[i];
            }
            printf("\tmin %.6g max %.6g mean %.6g rms %.6g", mn, mx, s / (double)t.n,
                   sqrt(s2 / (double)t.n));
            if (nonfinite)
                printf(" NONFINITE %zu", nonfinite);
            free(x);
        }
        putchar('\n');
    }
    ckpt_close(&r);
    ckpt_meta_free(&meta);
    if (ret < 0) {
        weprintf("%s", err);
        return EXIT_IO;
    }
    printf("total\t%zu tensors\t%zu floats\n", nt, total);
    return 0;
}

int main(int argc, char **argv)
{
    static const struct option lo[] = {CLI_LONG_BASE,
                                       {"no-tensors", no_argument, 0, 'n'},
                                       {"tensors", no_argument, 0, 't'},
                                       {"stats", no_argument, 0, 's'},
                                       {0, 0, 0, 0}};
    struct cli co = CLI_INIT(usage_line);
    int c, tensors = 1, stats = 0, ret = 0;
    util_set_argv0(argv[0]);
    opterr = 0;
    while ((c = getopt_long(argc, argv, CLI_SHORT_BASE, lo, NULL)) != -1) {
        switch (c) {
        case 'n': tensors = 0; break;
        case 't': tensors = 1; break;
        case 's': stats = 1; break;
        default: cli_common(&co, c, argc, argv, usage, "0.1");
        }
    }
    if (optind == argc)
        eusage(usage_line, "no checkpoint given");
    for (int i = optind; i < argc; i++) {
        int r = info(argv[i], tensors, stats);
        if (r)
            ret = r;
    }
    if (fshut(stdout, "<stdout>"))
        ret = EXIT_IO;
    return ret;
}
