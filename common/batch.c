/* batch.c: struct mol records -> padded batch tensors (see batch.h). */
#include "batch.h"
#include "util.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void batch_init(struct batch *b, int max_batch, int max_atoms, int n_tasks)
{
    size_t B = (size_t)max_batch, N = (size_t)max_atoms;
    memset(b, 0, sizeof *b);
    b->max_batch = max_batch;
    b->max_atoms = max_atoms;
    b->n_tasks = n_tasks;
    b->n = ecalloc(B, sizeof *b->n);
    b->mode = ecalloc(B, sizeof *b->mode);
    b->has_pos = ecalloc(B, sizeof *b->has_pos);
    b->atom = ecalloc(B * N * 9, sizeof *b->atom);
    b->deg = ecalloc(B * N, sizeof *b->deg);
    b->spatial = ecalloc(B * N * N, sizeof *b->spatial);
    b->edge = ecalloc(B * N * N * BATCH_HOPS * 3, sizeof *b->edge);
    b->z = ecalloc(B * N, sizeof *b->z);
    b->pos = ecalloc(B * N * 3, sizeof *b->pos);
    b->pos_clean = ecalloc(B * N * 3, sizeof *b->pos_clean);
    b->noise = ecalloc(B * N * 3, sizeof *b->noise);
    b->pmask = ecalloc(B * N * N, sizeof *b->pmask);
    b->amask = ecalloc(B * N, sizeof *b->amask);
    b->spd_cls = ecalloc(B * N * N, sizeof *b->spd_cls);
    b->edge_cls = ecalloc(B * N * N * BATCH_HOPS, sizeof *b->edge_cls);
    b->y = ecalloc(B * (size_t)(n_tasks > 0 ? n_tasks : 1), sizeof *b->y);
}

void batch_free(struct batch *b)
{
    free(b->n);
    free(b->mode);
    free(b->has_pos);
    free(b->atom);
    free(b->deg);
    free(b->spatial);
    free(b->edge);
    free(b->z);
    free(b->pos);
    free(b->pos_clean);
    free(b->noise);
    free(b->pmask);
    free(b->amask);
    free(b->spd_cls);
    free(b->edge_cls);
    free(b->y);
    memset(b, 0, sizeof *b);
}

#define FAIL(...)                                                                                  \
    do {                                                                                           \
        snprintf(err, errlen, __VA_ARGS__);                                                        \
        return -1;                                                                                 \
    } while (0)

int batch_build(struct batch *b, const struct mol *const *mols, int B,
                const struct batch_opts *opts, char *err, size_t errlen)
{
    if (B < 1 || B > b->max_batch)
        FAIL("batch of %d molecules (max %d)", B, b->max_batch);
    int N = 0;
    for (int k = 0; k < B; k++) {
        const struct mol *m = mols[k];
        int mode = m->mode >= 0 ? m->mode : opts->default_mode;
        if (m->n < 1)
            FAIL("molecule %d: no atoms", k);
        if ((int)m->n > b->max_atoms)
            FAIL("molecule %d: %u atoms (max %d)", k, m->n, b->max_atoms);
        if (!m->af || !m->deg || !m->spd || !m->path)
            FAIL("molecule %d: missing relation fields af/deg/spd/path (run relation-build)", k);
        if (m->nb > 0 && !m->bf)
            FAIL("molecule %d: missing bond features bf", k);
        if (mode < MODE_BLEND || mode > MODE_3D)
            FAIL("molecule %d: bad blend mode %d", k, mode);
        if (mode == MODE_BLEND && (!m->pmask || !m->amask))
            FAIL("molecule %d: blend mode without pmask/amask (run blend-mask)", k);
        if (mode != MODE_2D && (!m->pos || !m->z))
            FAIL("molecule %d: mode %d needs positions", k, mode);
        if ((int)m->n > N)
            N = (int)m->n;
    }
    b->B = B;
    b->N = N;
    size_t NN = (size_t)N * N;
    memset(b->atom, 0, (size_t)B * N * 9 * sizeof *b->atom);
    memset(b->deg, 0, (size_t)B * N * sizeof *b->deg);
    memset(b->spatial, 0, (size_t)B * NN * sizeof *b->spatial);
    memset(b->edge, 0, (size_t)B * NN * BATCH_HOPS * 3 * sizeof *b->edge);
    memset(b->pos, 0, (size_t)B * N * 3 * sizeof *b->pos);
    memset(b->pos_clean, 0, (size_t)B * N * 3 * sizeof *b->pos_clean);
    memset(b->noise, 0, (size_t)B * N * 3 * sizeof *b->noise);
    memset(b->pmask, 0, (size_t)B * NN);
    memset(b->amask, 0, (size_t)B * N);
    memset(b->spd_cls, -1, (size_t)B * NN);
    memset(b->edge_cls, -1, (size_t)B * NN * BATCH_HOPS);
    for (size_t i = 0; i < (size_t)B * N; i++)
        b->z[i] = -1;
    for (int k = 0; k < B; k++) {
        const struct mol *m = mols[k];
        int n = (int)m->n;
        b->n[k] = n;
        b->mode[k] = m->mode >= 0 ? m->mode : opts->default_mode;
        b->has_pos[k] = m->pos != NULL;
        for (int i = 0; i < n; i++) {
            for (int f = 0; f < 9; f++) {
                int raw = m->af[i * 9 + f]; /* uint8: always < 510 */
                b->atom[((size_t)k * N + i) * 9 + f] = raw + 2 + 512 * f;
            }
            b->deg[(size_t)k * N + i] = m->deg[i] + 1;
            if (m->z)
                b->z[(size_t)k * N + i] = m->z[i];
            if (m->pos) {
                for (int a = 0; a < 3; a++) {
                    float p = m->pos[i * 3 + a];
                    float e = opts->add_noise && m->noise ? m->noise[i * 3 + a] : 0.0f;
                    if (!isfinite(p) || !isfinite(e))
                        FAIL("molecule %d: atom %d: non-finite position or noise", k, i);
                    b->pos_clean[((size_t)k * N + i) * 3 + a] = p;
                    b->pos[((size_t)k * N + i) * 3 + a] = p + e;
                    b->noise[((size_t)k * N + i) * 3 + a] = e;
                }
            }
            if (b->mode[k] == MODE_BLEND) {
                if (m->amask[i] > AM_3D)
                    FAIL("molecule %d: atom %d: bad amask %d", k, i, m->amask[i]);
                b->amask[(size_t)k * N + i] = m->amask[i];
            }
        }
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                size_t pij = ((size_t)k * N + i) * N + j;
                int s = m->spd[(size_t)i * n + j];
                if (s > MOL_SPD_UNREACHABLE)
                    FAIL("molecule %d: spd out of range", k);
                b->spatial[pij] = s + 1;
                if (i != j && s >= 1 && s < MOL_SPD_UNREACHABLE)
                    b->spd_cls[pij] = (int8_t)((s < 11 ? s : 11) - 1);
                if (b->mode[k] == MODE_BLEND) {
                    int pm = m->pmask[(size_t)i * n + j];
                    if (pm > PM_3D)
                        FAIL("molecule %d: bad pmask %d", k, pm);
                    b->pmask[pij] = (uint8_t)pm;
                }
                for (int d = 0; d < BATCH_HOPS; d++) {
                    int bi = m->path[((size_t)i * n + j) * 5 + d];
                    if (bi == MOL_NO_BOND)
                        continue;
                    if (bi >= (int)m->nb)
                        FAIL("molecule %d: path bond index %d out of range", k, bi);
                    int bt = m->bf[bi * 3], st = m->bf[bi * 3 + 1], cj = m->bf[bi * 3 + 2];
                    int32_t *e = b->edge + (pij * BATCH_HOPS + d) * 3;
                    e[0] = bt + 3;
                    e[1] = st + 3 + 512;
                    e[2] = cj + 3 + 1024;
                    if (bt <= 3 && st <= 2 && cj <= 1)
                        b->edge_cls[pij * BATCH_HOPS + d] = (int8_t)(6 * bt + 2 * st + cj);
                }
            }
        }
        for (int t = 0; t < b->n_tasks; t++) {
            float v = NAN;
            if (opts->task_keys) {
                const struct mol_label *l = mol_get_label(m, opts->task_keys[t]);
                if (l && l->kind == LAB_NUM)
                    v = (float)l->num;
            }
            b->y[(size_t)k * b->n_tasks + t] = v;
        }
    }
    return 0;
}
