/* test-model.c: model-level properties of the MoleBLEND network (tiny config, dropout off
 * unless stated): permutation equivariance of atom outputs / invariance of the molecule
 * embedding and losses, rotation + translation invariance, padding independence, bit-exact
 * determinism for a seed, parameter counts of the presets (SPEC 2.1), batch limits, and a
 * short SGD run that lowers the loss. */
#include "check.h"
#include "model-fixtures.h"
#include "util.h"

#include <stdlib.h>
#include <string.h>

static struct model_config tiny(int task, int has_3d, int n_tasks)
{
    struct model_config c;
    model_config_preset(&c, "tiny");
    c.max_atoms = 12;
    c.max_batch = 4;
    c.task = task;
    c.has_3d = has_3d;
    c.n_tasks = n_tasks;
    return c;
}

static void setup(struct model *m, struct model_config c, uint64_t seed)
{
    char err[256];
    struct rng r;
    rng_init(&r, seed + 100);
    CHECK(model_init(m, &c, seed, err, sizeof err) == 0);
    fx_scramble(m, 0.2f, &r);
}

static int run(struct model *m, struct batch *b, const struct mol *const *mols, int B)
{
    char err[256];
    struct batch_opts bo = {1, MODE_2D, NULL};
    if (batch_build(b, mols, B, &bo, err, sizeof err) < 0 ||
        model_forward(m, b, 0, NULL, err, sizeof err) < 0) {
        printf("# %s\n", err);
        return -1;
    }
    return 0;
}

/* permute the atoms of src into dst: new atom k = old atom perm[k] */
static void permute_mol(struct mol *dst, const struct mol *src, const int *perm)
{
    int n = (int)src->n, inv[64];
    mol_copy(dst, src);
    for (int k = 0; k < n; k++)
        inv[perm[k]] = k;
    for (int k = 0; k < n; k++) {
        int o = perm[k];
        memcpy(dst->af + 9 * k, src->af + 9 * o, 9);
        dst->z[k] = src->z[o], dst->deg[k] = src->deg[o], dst->amask[k] = src->amask[o];
        memcpy(dst->pos + 3 * k, src->pos + 3 * o, 3 * sizeof(float));
        memcpy(dst->noise + 3 * k, src->noise + 3 * o, 3 * sizeof(float));
        for (int l = 0; l < n; l++) {
            int ol = perm[l];
            dst->spd[k * n + l] = src->spd[o * n + ol];
            dst->pmask[k * n + l] = src->pmask[o * n + ol];
            memcpy(dst->path + ((size_t)k * n + l) * 5, src->path + ((size_t)o * n + ol) * 5,
                   5 * sizeof(uint16_t));
        }
    }
    for (uint32_t b = 0; b < src->nb; b++) {
        dst->bonds[2 * b] = (uint16_t)inv[src->bonds[2 * b]];
        dst->bonds[2 * b + 1] = (uint16_t)inv[src->bonds[2 * b + 1]];
    }
}

static double maxdiff(const float *a, const float *b, size_t n)
{
    double d = 0;
    for (size_t i = 0; i < n; i++) {
        double x = fabs((double)a[i] - b[i]);
        if (!(x <= d))
            d = x;
    }
    return d;
}

/* batch_build against SPEC 1.2-1.6 / 4.2-4.3 on a 13-atom chain plus an isolated atom:
 * token ids, degree index, spatial_pos, SPD classes (s >= 11 merged, diagonal/unreachable
 * ignored), edge ids per hop and joint edge classes (misc / CIS ignored), labels. */
static void test_batch_targets(void)
{
    char err[256];
    struct rng r;
    rng_init(&r, 13);
    uint16_t bonds[2 * 12];
    for (int k = 0; k < 12; k++)
        bonds[2 * k] = (uint16_t)k, bonds[2 * k + 1] = (uint16_t)(k + 1);
    struct mol a;
    fx_mol_bonds(&a, 14, MODE_BLEND, bonds, 12, &r);
    for (int k = 0; k < 12; k++) { /* bond k: type k%5, stereo k%4, conj k%2 */
        a.bf[3 * k] = (uint8_t)(k % 5), a.bf[3 * k + 1] = (uint8_t)(k % 4);
        a.bf[3 * k + 2] = (uint8_t)(k % 2);
    }
    struct mol_label *l = mol_add_label(&a, "y1");
    l->kind = LAB_NUM, l->num = 2.5;
    const struct mol *p = &a;
    const char *keys[2] = {"y1", "y2"};
    struct batch b;
    batch_init(&b, 2, 16, 2);
    struct batch_opts bo = {1, MODE_2D, keys};
    CHECK(batch_build(&b, &p, 1, &bo, err, sizeof err) == 0);
    int N = b.N;
    CHECK_EQ_INT(N, 14);
    CHECK_EQ_INT(b.atom[5 * 9 + 3], a.af[5 * 9 + 3] + 2 + 512 * 3);
    CHECK_EQ_INT(b.deg[0], 2);  /* chain end: deg 1 -> index 2 */
    CHECK_EQ_INT(b.deg[5], 3);  /* inner atom */
    CHECK_EQ_INT(b.deg[13], 1); /* isolated atom: deg 0 -> 1 */
    CHECK_EQ_INT(b.spatial[0 * N + 0], 1);
    CHECK_EQ_INT(b.spatial[0 * N + 12], 13);
    CHECK_EQ_INT(b.spatial[0 * N + 13], 511); /* unreachable */
    CHECK_EQ_INT(b.spd_cls[0 * N + 0], -1);   /* diagonal */
    CHECK_EQ_INT(b.spd_cls[0 * N + 1], 0);
    CHECK_EQ_INT(b.spd_cls[0 * N + 10], 9);
    CHECK_EQ_INT(b.spd_cls[0 * N + 11], 10);
    CHECK_EQ_INT(b.spd_cls[12 * N + 0], 10); /* s = 12 merged */
    CHECK_EQ_INT(b.spd_cls[3 * N + 13], -1); /* unreachable */
    /* pair (2, 9): hops 0..4 are bonds 2..6; later hops are beyond multi_hop_max_dist */
    for (int d = 0; d < 5; d++) {
        int k = 2 + d, bt = k % 5, st = k % 4, cj = k % 2;
        const int32_t *e = b.edge + ((size_t)(2 * N + 9) * 5 + d) * 3;
        CHECK_EQ_INT(e[0], bt + 3);
        CHECK_EQ_INT(e[1], st + 3 + 512);
        CHECK_EQ_INT(e[2], cj + 3 + 1024);
        int want = bt <= 3 && st <= 2 ? 6 * bt + 2 * st + cj : -1;
        CHECK_EQ_INT(b.edge_cls[(size_t)(2 * N + 9) * 5 + d], want);
    }
    /* pair (4, 6): 2 hops; hop 2.. absent */
    CHECK_EQ_INT(b.edge[((size_t)(4 * N + 6) * 5 + 2) * 3], 0);
    CHECK_EQ_INT(b.edge_cls[(size_t)(4 * N + 6) * 5 + 2], -1);
    CHECK_EQ_INT(b.edge_cls[(size_t)(4 * N + 4) * 5 + 0], -1); /* diagonal */
    /* noise added to the model positions, clean kept */
    CHECK_CLOSE(b.pos[3 * 4 + 1], a.pos[3 * 4 + 1] + a.noise[3 * 4 + 1], 1e-6);
    CHECK_CLOSE(b.pos_clean[3 * 4 + 1], a.pos[3 * 4 + 1], 0);
    CHECK_CLOSE(b.y[0], 2.5, 0);
    CHECK(isnan(b.y[1]));
    /* bad inputs */
    struct mol c;
    mol_copy(&c, &a);
    mol_drop(&c, MOL_F_pmask);
    p = &c;
    CHECK(batch_build(&b, &p, 1, &bo, err, sizeof err) == -1); /* blend without pmask */
    printf("# expected error: %s\n", err);
    c.mode = MODE_2D;
    CHECK(batch_build(&b, &p, 1, &bo, err, sizeof err) == 0);
    mol_drop(&c, MOL_F_spd);
    CHECK(batch_build(&b, &p, 1, &bo, err, sizeof err) == -1);
    printf("# expected error: %s\n", err);
    const struct mol *three[3] = {&a, &a, &a};
    CHECK(batch_build(&b, three, 3, &bo, err, sizeof err) == -1); /* > max_batch */
    mol_free(&c);
    batch_free(&b);
    mol_free(&a);
}

static void test_permutation(void)
{
    struct rng r;
    rng_init(&r, 7);
    int tasks[2] = {MODEL_TASK_PRETRAIN, MODEL_TASK_CLASS};
    for (int ti = 0; ti < 2; ti++) {
        struct model m;
        setup(&m, tiny(tasks[ti], ti == 0, 2), 1);
        struct mol a, pa;
        fx_mol(&a, 9, ti == 0 ? MODE_BLEND : MODE_2D, 0, &r);
        int perm[9] = {3, 8, 0, 5, 1, 7, 2, 6, 4};
        permute_mol(&pa, &a, perm);
        struct batch b;
        batch_init(&b, 4, 12, 2);
        const struct mol *p1 = &a, *p2 = &pa;
        int C = m.cfg.d_model, n = 9;
        CHECK(run(&m, &b, &p1, 1) == 0);
        float *o1 = emalloc((size_t)(n + 1) * C * sizeof(float)), d1[9 * 3], loss1 = m.loss;
        memcpy(o1, model_out(&m), (size_t)(n + 1) * C * sizeof(float));
        if (ti == 0)
            memcpy(d1, model_denoise_pred(&m), sizeof d1);
        CHECK(run(&m, &b, &p2, 1) == 0);
        const float *o2 = model_out(&m);
        double dg = maxdiff(o1, o2, (size_t)C), da = 0, dd = 0;
        for (int k = 0; k < n; k++) {
            double x = maxdiff(o1 + (size_t)(1 + perm[k]) * C, o2 + (size_t)(1 + k) * C, (size_t)C);
            da = x > da ? x : da;
            if (ti == 0) {
                x = maxdiff(d1 + 3 * perm[k], model_denoise_pred(&m) + 3 * k, 3);
                dd = x > dd ? x : dd;
            }
        }
        printf("# task %d: graph emb diff %.2g, atom diff %.2g, denoise diff %.2g, loss %.6f vs "
               "%.6f\n",
               tasks[ti], dg, da, dd, loss1, m.loss);
        CHECK(dg < 1e-4 && da < 1e-4 && dd < 1e-4);
        CHECK_CLOSE(loss1, m.loss, 1e-4 * (1 + fabs(loss1)));
        /* a non-trivial molecule: the outputs do differ between atoms */
        CHECK(maxdiff(o1 + C, o1 + 2 * C, (size_t)C) > 1e-3);
        free(o1);
        batch_free(&b);
        mol_free(&a), mol_free(&pa);
        model_free(&m);
    }
}

static void test_rigid_motion(void)
{
    struct rng r;
    rng_init(&r, 8);
    struct model m;
    setup(&m, tiny(MODEL_TASK_PRETRAIN, 1, 0), 2);
    struct mol a, ra, ta;
    fx_mol(&a, 8, MODE_BLEND, 0, &r);
    mol_copy(&ra, &a);
    mol_copy(&ta, &a);
    /* rotation from a random unit quaternion; translation (3, -2, 5) */
    double q[4], s = 0;
    for (int i = 0; i < 4; i++)
        q[i] = rng_normal(&r), s += q[i] * q[i];
    for (int i = 0; i < 4; i++)
        q[i] /= sqrt(s);
    double w = q[0], x = q[1], y = q[2], z = q[3];
    double Rm[3][3] = {{1 - 2 * (y * y + z * z), 2 * (x * y - w * z), 2 * (x * z + w * y)},
                       {2 * (x * y + w * z), 1 - 2 * (x * x + z * z), 2 * (y * z - w * x)},
                       {2 * (x * z - w * y), 2 * (y * z + w * x), 1 - 2 * (x * x + y * y)}};
    const double tr[3] = {3, -2, 5};
    for (uint32_t i = 0; i < a.n; i++)
        for (int k = 0; k < 3; k++) {
            double pr = 0, nr = 0;
            for (int l = 0; l < 3; l++)
                pr += Rm[k][l] * a.pos[3 * i + l], nr += Rm[k][l] * a.noise[3 * i + l];
            ra.pos[3 * i + k] = (float)(pr + tr[k]);
            ra.noise[3 * i + k] = (float)nr;
            ta.pos[3 * i + k] = (float)(a.pos[3 * i + k] + tr[k]);
        }
    struct batch b;
    batch_init(&b, 4, 12, 0);
    const struct mol *p = &a;
    int C = m.cfg.d_model, T = (int)a.n + 1;
    CHECK(run(&m, &b, &p, 1) == 0);
    float *o1 = emalloc((size_t)T * C * sizeof(float)), d1[8 * 3], l1 = m.loss;
    memcpy(o1, model_out(&m), (size_t)T * C * sizeof(float));
    memcpy(d1, model_denoise_pred(&m), sizeof d1);
    p = &ra;
    CHECK(run(&m, &b, &p, 1) == 0);
    double drot = maxdiff(o1, model_out(&m), (size_t)T * C);
    p = &ta;
    CHECK(run(&m, &b, &p, 1) == 0);
    double dtr = maxdiff(o1, model_out(&m), (size_t)T * C);
    double dtrd = maxdiff(d1, model_denoise_pred(&m), 8 * 3);
    printf("# rotation+translation: states diff %.2g; translation: states %.2g, denoise %.2g, "
           "loss %.6f vs %.6f\n",
           drot, dtr, dtrd, l1, m.loss);
    CHECK(drot < 2e-4);
    CHECK(dtr < 2e-4 && dtrd < 2e-4);
    CHECK_CLOSE(l1, m.loss, 1e-4 * (1 + fabs(l1)));
    free(o1);
    batch_free(&b);
    mol_free(&a), mol_free(&ra), mol_free(&ta);
    model_free(&m);
}

static void test_padding(void)
{
    struct rng r;
    rng_init(&r, 9);
    int tasks[2] = {MODEL_TASK_PRETRAIN, MODEL_TASK_REG};
    for (int ti = 0; ti < 2; ti++) {
        struct model m;
        setup(&m, tiny(tasks[ti], 1, 2), 3);
        struct mol ms[3];
        fx_mol(&ms[0], 11, MODE_BLEND, 0, &r);
        fx_mol(&ms[1], 5, ti ? MODE_3D : MODE_BLEND, 1, &r);
        fx_mol(&ms[2], 12, MODE_2D, 0, &r);
        struct batch b;
        batch_init(&b, 4, 12, 2);
        const struct mol *one = &ms[1], *all[3] = {&ms[0], &ms[1], &ms[2]};
        int C = m.cfg.d_model, n = 5;
        CHECK(run(&m, &b, &one, 1) == 0);
        float *o1 = emalloc((size_t)(n + 1) * C * sizeof(float)), d1[5 * 3], p1[2] = {0, 0};
        memcpy(o1, model_out(&m), (size_t)(n + 1) * C * sizeof(float));
        if (ti == 0)
            memcpy(d1, model_denoise_pred(&m), sizeof d1);
        else
            memcpy(p1, model_pred(&m), sizeof p1);
        CHECK(run(&m, &b, all, 3) == 0);
        const float *o3 = model_out(&m) + (size_t)1 * m.T * C; /* molecule 1 of 3 */
        double d = maxdiff(o1, o3, (size_t)(n + 1) * C), dd = 0;
        if (ti == 0)
            dd = maxdiff(d1, model_denoise_pred(&m) + (size_t)1 * m.N * 3, 5 * 3);
        else
            dd = maxdiff(p1, model_pred(&m) + 2, 2);
        printf("# task %d: padded N %d vs %d: states diff %.2g, head diff %.2g\n", tasks[ti], m.N,
               n, d, dd);
        CHECK(d < 1e-4 && dd < 1e-4);
        free(o1);
        batch_free(&b);
        for (int k = 0; k < 3; k++)
            mol_free(&ms[k]);
        model_free(&m);
    }
}

/* graph_only (encode without --atoms): the last layer on the graph-token rows only gives the
 * same molecule embeddings and fine-tune predictions as the full layer (mixed modes, padding) */
static void test_graph_only(void)
{
    struct rng r;
    rng_init(&r, 21);
    int tasks[2] = {MODEL_TASK_NONE, MODEL_TASK_REG};
    for (int ti = 0; ti < 2; ti++) {
        struct model m;
        setup(&m, tiny(tasks[ti], 1, ti ? 2 : 0), 5);
        struct mol ms[3];
        fx_mol(&ms[0], 11, MODE_BLEND, 0, &r);
        fx_mol(&ms[1], 5, MODE_3D, 1, &r);
        fx_mol(&ms[2], 12, MODE_2D, 0, &r);
        struct batch b;
        batch_init(&b, 4, 12, 2);
        const struct mol *all[3] = {&ms[0], &ms[1], &ms[2]};
        int C = m.cfg.d_model;
        float e1[3 * 64], e2[3 * 64], p1[2 * 3] = {0}, p2[2 * 3] = {0};
        CHECK(run(&m, &b, all, 3) == 0);
        model_graph_emb(&m, e1);
        if (ti)
            memcpy(p1, model_pred(&m), sizeof p1);
        m.graph_only = 1;
        CHECK(run(&m, &b, all, 3) == 0);
        model_graph_emb(&m, e2);
        if (ti)
            memcpy(p2, model_pred(&m), sizeof p2);
        double d = maxdiff(e1, e2, (size_t)3 * C), dp = maxdiff(p1, p2, 6), mx = 0;
        for (int x = 0; x < 3 * C; x++)
            mx = fabs(e1[x]) > mx ? fabs(e1[x]) : mx;
        printf("# task %d: graph-only vs full: emb diff %.2g (max |emb| %.2g), pred diff %.2g\n",
               tasks[ti], d, mx, dp);
        CHECK(mx > 0.1 && d < 1e-5 && dp < 1e-5);
        batch_free(&b);
        for (int k = 0; k < 3; k++)
            mol_free(&ms[k]);
        model_free(&m);
    }
}

static void test_determinism(void)
{
    char err[256];
    struct model_config c = tiny(MODEL_TASK_PRETRAIN, 1, 0);
    struct model m1, m2, m3;
    CHECK(model_init(&m1, &c, 77, err, sizeof err) == 0);
    CHECK(model_init(&m2, &c, 77, err, sizeof err) == 0);
    CHECK(model_init(&m3, &c, 78, err, sizeof err) == 0);
    CHECK(memcmp(m1.params_memory, m2.params_memory, m1.num_params * sizeof(float)) == 0);
    CHECK(memcmp(m1.params_memory, m3.params_memory, m1.num_params * sizeof(float)) != 0);
    /* SPEC 2.7: padding rows zero, LN 1/0, biases 0, weights ~ N(0, 0.02) */
    CHECK(m1.params.atom_emb[0] == 0 && m1.params.spd_emb[0] == 0 && m1.params.g_mul[0] == 0);
    CHECK(m1.params.ln1w[0] == 1 && m1.params.ln1b[0] == 0 && m1.params.qkvb[0] == 0);
    double s2 = 0;
    size_t nq = m1.param_sizes[MODEL_P_qkvw];
    for (size_t i = 0; i < nq; i++)
        s2 += (double)m1.params.qkvw[i] * m1.params.qkvw[i];
    CHECK_CLOSE(sqrt(s2 / nq), 0.02, 0.003);
    struct rng r;
    rng_init(&r, 10);
    struct mol ms[2];
    fx_mol(&ms[0], 7, MODE_BLEND, 0, &r);
    fx_mol(&ms[1], 9, MODE_BLEND, 0, &r);
    const struct mol *mp[2] = {&ms[0], &ms[1]};
    struct batch b;
    batch_init(&b, 4, 12, 0);
    struct batch_opts bo = {1, MODE_2D, NULL};
    CHECK(batch_build(&b, mp, 2, &bo, err, sizeof err) == 0);
    struct model *mm[2] = {&m1, &m2};
    float loss[2];
    for (int k = 0; k < 2; k++) {
        struct rng dr;
        rng_init(&dr, 5);
        CHECK(model_forward(mm[k], &b, 1, &dr, err, sizeof err) == 0);
        model_zero_grad(mm[k]);
        model_backward(mm[k]);
        loss[k] = mm[k]->loss;
    }
    CHECK(memcmp(&loss[0], &loss[1], sizeof(float)) == 0);
    CHECK(memcmp(m1.grads_memory, m2.grads_memory, m1.num_params * sizeof(float)) == 0);
    /* training mode (dropout, DropPath) differs from eval */
    CHECK(model_forward(&m1, &b, 0, NULL, err, sizeof err) == 0);
    CHECK(m1.loss != loss[0]);
    batch_free(&b);
    mol_free(&ms[0]), mol_free(&ms[1]);
    model_free(&m1), model_free(&m2), model_free(&m3);
}

static void test_param_counts(void)
{
    struct model_config c;
    CHECK(model_config_preset(&c, "base") == 0);
    c.task = MODEL_TASK_NONE;
    c.has_3d = 0;
    size_t n2d = model_config_num_params(&c);
    c.has_3d = 1;
    size_t n3d = model_config_num_params(&c);
    c.task = MODEL_TASK_PRETRAIN;
    size_t npt = model_config_num_params(&c);
    /* SPEC 2.1; the SPEC's pretraining total 50,120,106 also counts the unused LM head
     * (lm_head_transform_weight 768x768+768, its LN 2x768, embed_out 768, learned bias 1) */
    size_t lm_head = 768 * 768 + 768 + 2 * 768 + 768 + 1;
    printf("# base: 2D %zu (SPEC 47084608), +3D %zu (SPEC 47207648), pretraining %zu "
           "(SPEC 50120106 - unused LM head %zu = %zu)\n",
           n2d, n3d, npt, lm_head, (size_t)50120106 - lm_head);
    CHECK_EQ_INT(n2d, 47084608);
    CHECK_EQ_INT(n3d, 47207648);
    CHECK_EQ_INT(npt, 50120106 - lm_head);
    c.task = MODEL_TASK_CLASS;
    c.has_3d = 0;
    c.n_tasks = 12;
    CHECK_EQ_INT(model_config_num_params(&c), 47084608 + 768 * 768 + 768 + 12 * 768 + 12);
    CHECK(model_config_preset(&c, "small") == 0);
    printf("# small pretraining: %zu params\n", model_config_num_params(&c));
    CHECK(model_config_preset(&c, "tiny") == 0);
    CHECK(model_config_preset(&c, "huge") == -1);
}

static void test_limits(void)
{
    char err[256];
    struct model m;
    struct model_config c = tiny(MODEL_TASK_PRETRAIN, 1, 0);
    c.max_atoms = 6;
    CHECK(model_init(&m, &c, 1, err, sizeof err) == 0);
    struct rng r;
    rng_init(&r, 11);
    struct mol a;
    fx_mol(&a, 8, MODE_BLEND, 0, &r);
    const struct mol *p = &a;
    struct batch b;
    batch_init(&b, 4, 12, 0);
    struct batch_opts bo = {1, MODE_2D, NULL};
    CHECK(batch_build(&b, &p, 1, &bo, err, sizeof err) == 0);
    CHECK(model_forward(&m, &b, 0, NULL, err, sizeof err) == -1); /* 8 atoms > model max 6 */
    printf("# expected error: %s\n", err);
    batch_free(&b);
    batch_init(&b, 1, 7, 0);
    CHECK(batch_build(&b, &p, 1, &bo, err, sizeof err) == -1); /* > batch max_atoms */
    batch_free(&b);
    model_free(&m);
    /* 3D mode on a model without the 3D module */
    c = tiny(MODEL_TASK_CLASS, 0, 1);
    CHECK(model_init(&m, &c, 1, err, sizeof err) == 0);
    batch_init(&b, 4, 12, 1);
    CHECK(batch_build(&b, &p, 1, &bo, err, sizeof err) == 0);
    CHECK(model_forward(&m, &b, 0, NULL, err, sizeof err) == -1);
    batch_free(&b);
    model_free(&m);
    mol_free(&a);
}

/* plain SGD on one batch lowers the pretraining loss (eval mode, so deterministic) */
static void test_sgd_lowers_loss(void)
{
    char err[256];
    struct model m;
    struct model_config c = tiny(MODEL_TASK_PRETRAIN, 1, 0);
    CHECK(model_init(&m, &c, 5, err, sizeof err) == 0);
    struct rng r;
    rng_init(&r, 12);
    struct mol ms[3];
    const struct mol *mp[3];
    for (int k = 0; k < 3; k++)
        fx_mol(&ms[k], 6 + k, MODE_BLEND, 0, &r), mp[k] = &ms[k];
    struct batch b;
    batch_init(&b, 4, 12, 0);
    struct batch_opts bo = {1, MODE_2D, NULL};
    CHECK(batch_build(&b, mp, 3, &bo, err, sizeof err) == 0);
    float first = 0, last = 0;
    for (int step = 0; step < 40; step++) {
        CHECK(model_forward(&m, &b, 0, NULL, err, sizeof err) == 0);
        if (step == 0)
            first = m.loss;
        last = m.loss;
        model_zero_grad(&m);
        model_backward(&m);
        for (size_t i = 0; i < m.num_params; i++)
            m.params_memory[i] -= 0.05f * m.grads_memory[i];
    }
    printf("# loss %.4f -> %.4f (parts: denoise %.3f spd %.3f edge %.3f 3d %.3f)\n", first, last,
           m.loss_parts[0], m.loss_parts[1], m.loss_parts[2], m.loss_parts[3]);
    CHECK(last < first - 0.1f);
    batch_free(&b);
    for (int k = 0; k < 3; k++)
        mol_free(&ms[k]);
    model_free(&m);
}

int main(void)
{
    RUN(test_batch_targets);
    RUN(test_permutation);
    RUN(test_rigid_motion);
    RUN(test_padding);
    RUN(test_graph_only);
    RUN(test_determinism);
    RUN(test_param_counts);
    RUN(test_limits);
    RUN(test_sgd_lowers_loss);
    CHECK_EXIT();
}
