/* model-bench.c: time model_forward + model_backward (one training step without the optimizer)
 * on random PCQM-sized molecules, and report the GEMM GFLOP/s reached next to a plain
 * cblas_sgemm of the model's dominant shape (BT x C x C). Built and run by model-bench.sh.
 *   model-bench CONFIG BATCH ATOMS STEPS [train=1] [mode=0 blend|1 2D|2 3D] [RECORDS]
 * With RECORDS (a moleblend stream after relation-build + blend-mask), the batch is its first
 * BATCH molecules (ATOMS = the model's max atoms) instead of random ones. */
#include "../unit/model-fixtures.h"
#include "util.h"

#include <cblas.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static double cpu_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return ts.tv_sec + ts.tv_nsec * 1e-9;
}

int main(int argc, char **argv)
{
    const char *cfgname = argc > 1 ? argv[1] : "small";
    int B = argc > 2 ? atoi(argv[2]) : 64, n = argc > 3 ? atoi(argv[3]) : 28;
    int steps = argc > 4 ? atoi(argv[4]) : 5, train = argc > 5 ? atoi(argv[5]) : 1;
    int mode = argc > 6 ? atoi(argv[6]) : MODE_BLEND;
    struct model_config c;
    char err[256];
    if (model_config_preset(&c, cfgname) < 0 || B < 1 || n < 2 || n > 60)
        return 2;
    c.max_batch = B;
    c.max_atoms = n;
    if (mode == MODE_2D)
        c.has_3d = 0, c.task = MODEL_TASK_CLASS, c.n_tasks = 1;
    struct model m;
    if (model_init(&m, &c, 1, err, sizeof err) < 0) {
        fprintf(stderr, "%s\n", err);
        return 1;
    }
    struct rng r;
    rng_init(&r, 2);
    struct mol *ms = ecalloc((size_t)B, sizeof *ms);
    const struct mol **mp = ecalloc((size_t)B, sizeof *mp);
    if (argc > 7) {
        struct rec_reader rd;
        msgpack_object *o;
        if (rec_reader_open(&rd, argv[7], 1 << 28) < 0)
            return 3;
        rd.want_schema = MOL_SCHEMA;
        int k = 0;
        while (k < B && rec_read_next(&rd, &o) == 1) {
            const char *e;
            mol_init(&ms[k]);
            if (mol_unpack(&ms[k], o, 0, &e) < 0)
                enprintf(1, "record %d: %s", k, e);
            mp[k] = &ms[k];
            k++;
        }
        rec_reader_close(&rd);
        if (k < B)
            enprintf(1, "only %d records", k);
    } else {
        for (int k = 0; k < B; k++)
            fx_mol(&ms[k], k == 0 ? n : n - (int)rng_below(&r, (uint32_t)(n / 3)), mode, 0, &r),
                mp[k] = &ms[k];
    }
    struct batch b;
    batch_init(&b, B, n, c.n_tasks);
    struct batch_opts bo = {1, MODE_2D, NULL};
    if (batch_build(&b, mp, B, &bo, err, sizeof err) < 0)
        return 1;
    for (int x = 0; x < B * c.n_tasks; x++)
        b.y[x] = (float)(x & 1);
    double tf = 0, tb = 0, cpu = 0;
    for (int s = 0; s < steps + 1; s++) {
        double c0 = cpu_now();
        double t0 = util_now();
        if (model_forward(&m, &b, train, &r, err, sizeof err) < 0)
            return 1;
        double t1 = util_now();
        model_zero_grad(&m);
        model_backward(&m);
        double t2 = util_now();
        if (s > 0)
            tf += t1 - t0, tb += t2 - t1, cpu += cpu_now() - c0;
    }
    tf /= steps, tb /= steps, cpu /= steps;
    /* GEMM flops of the encoder (forward): projections + attention */
    double T = n + 1, C = c.d_model, F = c.d_ff, L = c.n_layer, H = c.n_head, K = c.n_rbf;
    /* real tokens and pairs only (the model packs them; PyTorch computes the padding too) */
    double Mt = 0, T2 = 0, P2 = 0;
    for (int k = 0; k < B; k++)
        Mt += b.n[k] + 1, T2 += (double)(b.n[k] + 1) * (b.n[k] + 1), P2 += (double)b.n[k] * b.n[k];
    double fl = L * (2 * Mt * C * (4 * C + 2 * F) + 4 * T2 * C);
    if (c.has_3d)
        fl += 2.0 * P2 * K * (K + H);
    (void)T;
    /* reference: sgemm (B*T x C) x (C x C) */
    int M = (int)(B * T), Ci = c.d_model;
    float *x = ecalloc((size_t)M * Ci, 4), *w = ecalloc((size_t)Ci * Ci, 4),
          *y = ecalloc((size_t)M * Ci, 4);
    for (size_t i = 0; i < (size_t)M * Ci; i++)
        x[i] = (float)(i % 7) * 0.1f;
    int reps = 20;
    double t0 = cpu_now();
    for (int i = 0; i < reps; i++)
        cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, M, Ci, Ci, 1, x, Ci, w, Ci, 0, y, Ci);
    double tg = (cpu_now() - t0) / reps, gemm = 2.0 * M * Ci * Ci / tg / 1e9;
    printf("config %s B %d N %d train %d: forward %.2f ms, backward %.2f ms, step %.2f ms wall, "
           "%.2f ms cpu, %.1f mol/s wall, %.1f mol/cpu-s\n",
           cfgname, B, n, train, tf * 1e3, tb * 1e3, (tf + tb) * 1e3, cpu * 1e3, B / (tf + tb),
           B / cpu);
    printf("encoder GEMM work: %.2f GFLOP fwd, ~%.2f fwd+bwd: %.1f GFLOP/s; plain sgemm %dx%dx%d: "
           "%.1f GFLOP/s (ratio %.0f%%; per cpu-second)\n",
           fl / 1e9, 3 * fl / 1e9, 3 * fl / cpu / 1e9, M, Ci, Ci, gemm,
           100 * (3 * fl / cpu / 1e9) / gemm);
    printf("loss %.4f\n", m.loss);
    free(x), free(w), free(y);
    for (int k = 0; k < B; k++)
        mol_free(&ms[k]);
    free(ms), free(mp);
    batch_free(&b);
    model_free(&m);
    return 0;
}
