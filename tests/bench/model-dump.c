/* model-dump.c: run the C model (eval mode) on the first B records of a moleblend stream and
 * dump parameters and outputs for tests/bench/model-vs-torch.py.
 *   model-dump CONFIG SEED RECORDS OUTDIR [B=16] [scramble_sd=0.1]
 * Writes OUTDIR/params.bin (every parameter tensor in model_param_names order, float32),
 * OUTDIR/emb.bin (B, C), OUTDIR/atoms.bin (B, N, C), OUTDIR/loss.txt (total and 4 parts). */
#include "../unit/model-fixtures.h"
#include "util.h"

#include <stdio.h>
#include <stdlib.h>

static void dump(const char *dir, const char *name, const float *p, size_t n)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "wb");
    if (!f || fwrite(p, sizeof(float), n, f) != n || fclose(f))
        enprintf(3, "%s:", path);
}

int main(int argc, char **argv)
{
    if (argc < 5)
        enprintf(2, "usage: model-dump CONFIG SEED RECORDS OUTDIR [B] [scramble_sd]");
    int B = argc > 5 ? atoi(argv[5]) : 16;
    float sd = argc > 6 ? (float)atof(argv[6]) : 0.1f;
    struct model_config c;
    char err[256];
    if (model_config_preset(&c, argv[1]) < 0)
        enprintf(2, "bad config");
    c.max_batch = B;
    c.max_atoms = 128;
    struct model m;
    if (model_init(&m, &c, (uint64_t)atoll(argv[2]), err, sizeof err) < 0)
        enprintf(1, "%s", err);
    if (sd > 0) {
        struct rng r;
        rng_init(&r, 99);
        fx_scramble(&m, sd, &r);
    }
    struct rec_reader rd;
    if (rec_reader_open(&rd, argv[3], 1 << 28) < 0)
        return 3;
    rd.want_schema = MOL_SCHEMA;
    struct mol *ms = ecalloc((size_t)B, sizeof *ms);
    const struct mol **mp = ecalloc((size_t)B, sizeof *mp);
    int k = 0;
    msgpack_object *o;
    while (k < B && rec_read_next(&rd, &o) == 1) {
        const char *e;
        mol_init(&ms[k]);
        if (mol_unpack(&ms[k], o, 0, &e) < 0)
            enprintf(1, "record %d: %s", k, e);
        mp[k] = &ms[k];
        k++;
    }
    rec_reader_close(&rd);
    struct batch b;
    batch_init(&b, B, c.max_atoms, 0);
    struct batch_opts bo = {1, MODE_2D, NULL};
    if (batch_build(&b, mp, k, &bo, err, sizeof err) < 0 ||
        model_forward(&m, &b, 0, NULL, err, sizeof err) < 0)
        enprintf(1, "%s", err);
    dump(argv[4], "params.bin", m.params_memory, m.num_params);
    float *emb = emalloc((size_t)k * c.d_model * sizeof(float));
    model_graph_emb(&m, emb);
    dump(argv[4], "emb.bin", emb, (size_t)k * c.d_model);
    float *atoms = emalloc((size_t)k * b.N * c.d_model * sizeof(float));
    for (int q = 0; q < k; q++)
        memcpy(atoms + (size_t)q * b.N * c.d_model,
               model_out(&m) + ((size_t)q * m.T + 1) * c.d_model,
               (size_t)b.N * c.d_model * sizeof(float));
    dump(argv[4], "atoms.bin", atoms, (size_t)k * b.N * c.d_model);
    char path[4096];
    snprintf(path, sizeof path, "%s/loss.txt", argv[4]);
    FILE *f = fopen(path, "w");
    fprintf(f, "%d %d %.9g %.9g %.9g %.9g %.9g\n", k, b.N, m.loss_d,
            m.loss_parts[MODEL_LOSS_DENOISE], m.loss_parts[MODEL_LOSS_SPD],
            m.loss_parts[MODEL_LOSS_EDGE], m.loss_parts[MODEL_LOSS_3D]);
    fclose(f);
    for (int q = 0; q < k; q++)
        mol_free(&ms[q]);
    free(ms), free(mp), free(emb), free(atoms);
    batch_free(&b);
    model_free(&m);
    return 0;
}
