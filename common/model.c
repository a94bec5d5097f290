/* model.c: the MoleBLEND network (see model.h). */
/* GCC: let -O2 vectorise the elementwise loops (GELU, exp, Gaussian basis). no-trapping-math
 * only drops the assumption that comparisons may raise FP exceptions (results are unchanged;
 * this is not -ffast-math); float reductions stay in source order. Clang does this anyway. */
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC optimize("no-trapping-math", "tree-vectorize", "vect-cost-model=dynamic")
#endif
#include "model.h"
#include "layers.h"
#include "util.h"

#include <cblas.h>

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ------------------------------------------------------------------------------------------ */
/* tables */

const char *const model_param_names[MODEL_NPARAM] = {
#define X(name, size, shape) #name,
    MODEL_PARAM_TENSORS(X)
#undef X
};
const char *const model_param_shapes[MODEL_NPARAM] = {
#define X(name, size, shape) shape,
    MODEL_PARAM_TENSORS(X)
#undef X
};
const char *const model_act_names[MODEL_NACT] = {
#define X(name, size, shape) #name,
    MODEL_ACT_TENSORS(X)
#undef X
};

/* sizes of every parameter tensor for a config */
static void param_sizes(const struct model_config *c, size_t out[MODEL_NPARAM])
{
    const size_t C = (size_t)c->d_model, H = (size_t)c->n_head, L = (size_t)c->n_layer;
    const size_t F = (size_t)c->d_ff, K = (size_t)c->n_rbf, NT = (size_t)c->n_tasks;
    const size_t G3 = c->has_3d != 0, PT = c->task == MODEL_TASK_PRETRAIN;
    const size_t FT = c->task == MODEL_TASK_CLASS || c->task == MODEL_TASK_REG;
    (void)NT;
#define X(name, size, shape) out[MODEL_P_##name] = (size);
    MODEL_PARAM_TENSORS(X)
#undef X
}

/* sizes of every activation tensor for a config at (B, N) */
static void act_sizes(const struct model_config *c, size_t Bv, size_t Nv, size_t out[MODEL_NACT])
{
    const size_t C = (size_t)c->d_model, H = (size_t)c->n_head, L = (size_t)c->n_layer;
    const size_t F = (size_t)c->d_ff, K = (size_t)c->n_rbf, NT = (size_t)c->n_tasks;
    const size_t G3 = c->has_3d != 0, PT = c->task == MODEL_TASK_PRETRAIN;
    const size_t FT = c->task == MODEL_TASK_CLASS || c->task == MODEL_TASK_REG;
    const size_t B = Bv, N = Nv, T = Nv + 1;
    (void)NT;
#define X(name, size, shape) out[MODEL_A_##name] = (size);
    MODEL_ACT_TENSORS(X)
#undef X
}

/* round float counts up to 16 (64 bytes) so every tensor starts aligned */
static size_t align16(size_t n)
{
    return (n + 15) & ~(size_t)15;
}

/* A zeroed 64-byte aligned block of n floats (util_bigalloc: huge pages, zeroed lazily). */
static float *alloc_block(size_t n)
{
    return util_bigalloc(emul(n ? n : 16, sizeof(float)));
}

static void carve_params(struct model_params *t, float *mem, const size_t *off)
{
#define X(name, size, shape) t->name = mem + off[MODEL_P_##name];
    MODEL_PARAM_TENSORS(X)
#undef X
}

static void carve_acts(struct model_acts *t, float *mem, const size_t *sizes)
{
    size_t o = 0;
#define X(name, size, shape)                                                                       \
    t->name = mem + o;                                                                             \
    o += align16(sizes[MODEL_A_##name]);
    MODEL_ACT_TENSORS(X)
#undef X
}

/* ------------------------------------------------------------------------------------------ */
/* config */

int model_config_preset(struct model_config *cfg, const char *name)
{
    memset(cfg, 0, sizeof *cfg);
    if (!strcmp(name, "tiny")) {
        cfg->n_layer = 2, cfg->d_model = 16, cfg->n_head = 2, cfg->d_ff = 16, cfg->n_rbf = 8;
    } else if (!strcmp(name, "small")) {
        cfg->n_layer = 4, cfg->d_model = 128, cfg->n_head = 8, cfg->d_ff = 128, cfg->n_rbf = 128;
    } else if (!strcmp(name, "base")) {
        cfg->n_layer = 12, cfg->d_model = 768, cfg->n_head = 32, cfg->d_ff = 768;
        cfg->n_rbf = 128;
    } else {
        return -1;
    }
    cfg->max_atoms = 64;
    cfg->max_batch = 8;
    cfg->n_tasks = 0;
    cfg->has_3d = 1;
    cfg->task = MODEL_TASK_PRETRAIN;
    cfg->nominal_gauss_init = 0;
    cfg->attn_dropout = 0.1f;
    cfg->act_dropout = 0.1f;
    cfg->drop_path = 0.1f;
    cfg->head_dropout = 0.1f;
    cfg->w_denoise = 6.0f, cfg->w_spd = 0.1f, cfg->w_edge = 0.1f, cfg->w_3d = 0.5f;
    return 0;
}

int model_config_check(const struct model_config *c, char *err, size_t errlen)
{
    if (c->n_layer < 1 || c->n_layer > 256 || c->d_model < 1 || c->d_model > 16384 ||
        c->n_head < 1 || c->d_model % c->n_head != 0 || c->d_ff < 1 || c->d_ff > 65536 ||
        c->n_rbf < 1 || c->n_rbf > 4096 || c->n_head > 1024) {
        snprintf(err, errlen, "bad model sizes (L %d C %d H %d F %d K %d)", c->n_layer, c->d_model,
                 c->n_head, c->d_ff, c->n_rbf);
        return -1;
    }
    if (c->max_atoms < 1 || c->max_atoms > MOL_MAX_ATOMS_HARD || c->max_batch < 1 ||
        c->max_batch > 65536) {
        snprintf(err, errlen, "bad max_atoms %d / max_batch %d", c->max_atoms, c->max_batch);
        return -1;
    }
    if (c->task < MODEL_TASK_NONE || c->task > MODEL_TASK_REG) {
        snprintf(err, errlen, "bad task %d", c->task);
        return -1;
    }
    if ((c->task == MODEL_TASK_CLASS || c->task == MODEL_TASK_REG) &&
        (c->n_tasks < 1 || c->n_tasks > 100000)) {
        snprintf(err, errlen, "fine-tune head needs 1..100000 tasks (got %d)", c->n_tasks);
        return -1;
    }
    if (c->task == MODEL_TASK_PRETRAIN && !c->has_3d) {
        snprintf(err, errlen, "pretraining needs the 3D module (has_3d)");
        return -1;
    }
    float ps[4] = {c->attn_dropout, c->act_dropout, c->drop_path, c->head_dropout};
    for (int i = 0; i < 4; i++)
        if (!(ps[i] >= 0 && ps[i] < 1)) {
            snprintf(err, errlen, "dropout rates must be in [0, 1)");
            return -1;
        }
    return 0;
}

size_t model_config_num_params(const struct model_config *cfg)
{
    size_t s[MODEL_NPARAM], n = 0;
    param_sizes(cfg, s);
    for (int i = 0; i < MODEL_NPARAM; i++)
        n += s[i];
    return n;
}

/* ------------------------------------------------------------------------------------------ */
/* init / free */

static void fill_normal(float *p, size_t n, float std, struct rng *r)
{
    for (size_t i = 0; i < n; i++)
        p[i] = (float)(std * rng_normal(r));
}

static void fill_const(float *p, size_t n, float v)
{
    for (size_t i = 0; i < n; i++)
        p[i] = v;
}

int model_init(struct model *m, const struct model_config *cfg, uint64_t seed, char *err,
               size_t errlen)
{
    return model_init_flags(m, cfg, seed, 0, err, errlen);
}

int model_init_flags(struct model *m, const struct model_config *cfg, uint64_t seed,
                     unsigned flags, char *err, size_t errlen)
{
    memset(m, 0, sizeof *m);
    if (model_config_check(cfg, err, errlen) < 0)
        return -1;
    m->cfg = *cfg;
    param_sizes(cfg, m->param_sizes);
    size_t off = 0;
    for (int i = 0; i < MODEL_NPARAM; i++) {
        m->param_offsets[i] = off;
        off += m->param_sizes[i];
    }
    m->num_params = off;
    m->params_memory = alloc_block(off);
    m->grads_memory = alloc_block(off);
    carve_params(&m->params, m->params_memory, m->param_offsets);
    carve_params(&m->grads, m->grads_memory, m->param_offsets);
    act_sizes(cfg, (size_t)cfg->max_batch, (size_t)cfg->max_atoms, m->act_sizes);
    size_t na = 0;
    for (int i = 0; i < MODEL_NACT; i++)
        na += align16(m->act_sizes[i]);
    m->num_acts = na;
    m->acts_memory = alloc_block(na);
    m->dacts_memory = alloc_block(na);
    carve_acts(&m->acts, m->acts_memory, m->act_sizes);
    carve_acts(&m->dacts, m->dacts_memory, m->act_sizes);
    int nt = cfg->n_tasks > 0 ? cfg->n_tasks : 1;
    m->scratch_int = ecalloc((size_t)cfg->max_batch, sizeof(int));
    m->scratch_f = ecalloc(2 * (size_t)cfg->max_atoms, sizeof(float));
    m->g3_row = ecalloc((size_t)cfg->max_batch * cfg->max_atoms * cfg->max_atoms, sizeof(int32_t));
    m->tok_off = ecalloc((size_t)cfg->max_batch + 1, sizeof(size_t));
    m->tok_len = ecalloc((size_t)cfg->max_batch, sizeof(int));
    m->y_mean = ecalloc((size_t)nt, sizeof(float));
    m->y_std = ecalloc((size_t)nt, sizeof(float));
    for (int t = 0; t < nt; t++)
        m->y_std[t] = 1.0f;

    if (flags & MODEL_INIT_NO_RANDOM)
        return 0; /* parameters stay 0: the caller loads every tensor */

    /* SPEC 2.7 effective init: every Linear weight and Embedding N(0, 0.02), biases 0, padding
     * rows 0, LayerNorm 1/0, Gaussian means/stds/mul/bias N(0, 0.02). Tensors are drawn in
     * table order from one stream, so the init depends only on (config, seed). */
    struct rng r;
    rng_init(&r, seed);
    struct model_params *p = &m->params;
    const float s = 0.02f;
    const size_t C = (size_t)cfg->d_model;
    for (int i = 0; i < MODEL_NPARAM; i++) {
        float *t = m->params_memory + m->param_offsets[i];
        size_t n = m->param_sizes[i];
        if (n == 0)
            continue;
        switch (i) {
        case MODEL_P_emb_lnw:
        case MODEL_P_ln1w:
        case MODEL_P_ln2w:
        case MODEL_P_n2_lnw:
            fill_const(t, n, 1.0f);
            break;
        case MODEL_P_emb_lnb:
        case MODEL_P_ln1b:
        case MODEL_P_ln2b:
        case MODEL_P_n2_lnb:
        case MODEL_P_qkvb:
        case MODEL_P_attprojb:
        case MODEL_P_fc1b:
        case MODEL_P_fc2b:
        case MODEL_P_g_b1:
        case MODEL_P_g_b2:
        case MODEL_P_cent_b:
        case MODEL_P_n2_b:
        case MODEL_P_spd_b:
        case MODEL_P_edge_b:
        case MODEL_P_p3_b1:
        case MODEL_P_p3_b2:
        case MODEL_P_dn_qkvb:
        case MODEL_P_dn_fb:
        case MODEL_P_ft_b1:
        case MODEL_P_ft_b2:
            fill_const(t, n, 0.0f);
            break;
        default:
            fill_normal(t, n, s, &r);
        }
    }
    /* padding rows */
    memset(p->atom_emb, 0, C * sizeof(float));
    memset(p->in_deg_emb, 0, C * sizeof(float));
    memset(p->out_deg_emb, 0, C * sizeof(float));
    memset(p->spd_emb, 0, (size_t)cfg->n_head * sizeof(float));
    memset(p->edge_emb, 0, (size_t)cfg->n_head * sizeof(float));
    if (cfg->has_3d) {
        p->g_mul[0] = 0;
        p->g_bias[0] = 0;
        if (cfg->nominal_gauss_init) {
            for (int k = 0; k < cfg->n_rbf; k++) {
                p->g_means[k] = 3.0f * rng_uniformf(&r);
                p->g_stds[k] = 3.0f * rng_uniformf(&r);
            }
            fill_const(p->g_mul, MODEL_PAIR_VOCAB, 1.0f);
            fill_const(p->g_bias, MODEL_PAIR_VOCAB, 0.0f);
        }
    }
    return 0;
}

void model_free(struct model *m)
{
    util_bigfree(m->params_memory);
    util_bigfree(m->grads_memory);
    util_bigfree(m->acts_memory);
    util_bigfree(m->dacts_memory);
    free(m->scratch_int);
    free(m->scratch_f);
    free(m->g3_row);
    free(m->tok_off);
    free(m->tok_len);
    free(m->y_mean);
    free(m->y_std);
    memset(m, 0, sizeof *m);
}

void model_zero_grad(struct model *m)
{
    memset(m->grads_memory, 0, m->num_params * sizeof(float));
}

/* ------------------------------------------------------------------------------------------ */
/* forward / backward helpers */

/* does atom i of molecule b get the degree feature / the 3D centrality feature (SPEC 3.2, 6) */
static int atom_uses_deg(const struct batch *b, int k, int i)
{
    int mode = b->mode[k];
    return mode == MODE_2D || (mode == MODE_BLEND && b->amask[(size_t)k * b->N + i] == AM_DEGREE);
}

static int atom_uses_3d(const struct batch *b, int k, int i)
{
    int mode = b->mode[k];
    return mode == MODE_3D || (mode == MODE_BLEND && b->amask[(size_t)k * b->N + i] == AM_3D);
}

/* modalities of real pair (i, j) of molecule k: bit 0 SPD, bit 1 edge, bit 2 3D (SPEC 3.1) */
static int pair_modes(const struct batch *b, int k, int i, int j)
{
    switch (b->mode[k]) {
    case MODE_2D:
        return 3;
    case MODE_3D:
        return 4;
    default:
        return 1 << b->pmask[((size_t)k * b->N + i) * b->N + j];
    }
}

/* the 3D module runs for molecules that are not 2D-only */
static int mol_uses_3d(const struct batch *b, int k)
{
    return b->mode[k] != MODE_2D;
}

/* edge-bias divisor clamp(SPD, 1, 5) from spatial_pos (SPEC 1.6) */
static float edge_div(int32_t spatial)
{
    int s = spatial <= 1 ? 1 : spatial - 1;
    return (float)(s > 5 ? 5 : s);
}

#define GAUSS_A 2.5066272f /* sqrt(2 * 3.14159), as in the reference code */

static float lin_droppath(const struct model_config *c, int l)
{
    return c->n_layer > 1 ? c->drop_path * (float)l / (float)(c->n_layer - 1) : 0.0f;
}

/* 1 - cos(p, t) and its gradient w.r.t. p (scaled by g), torch cosine_similarity eps 1e-8 */
static double cos_loss(float *dp, const float *pv, const float *tv, float g)
{
    double pp = 0, tt = 0, pt = 0;
    for (int a = 0; a < 3; a++) {
        pp += (double)pv[a] * pv[a];
        tt += (double)tv[a] * tv[a];
        pt += (double)pv[a] * tv[a];
    }
    double np = sqrt(pp), nt = sqrt(tt);
    double npc = np > 1e-8 ? np : 1e-8, ntc = nt > 1e-8 ? nt : 1e-8;
    double cs = pt / (npc * ntc);
    if (dp)
        for (int a = 0; a < 3; a++) {
            double d = tv[a] / (npc * ntc);
            if (np > 1e-8)
                d -= cs * pv[a] / (np * np);
            dp[a] = (float)(-g * d);
        }
    return 1.0 - cs;
}

/* zero the used part (current B, N) of the gradient-activation tensors: seeds = 1 only the
 * loss seeds (the logits' gradients that the forward writes), seeds = 0 all the others (start
 * of the backward, so repeated backwards accumulate the same amounts) */
static void zero_dacts(struct model *m, int seeds)
{
    size_t used[MODEL_NACT];
    act_sizes(&m->cfg, (size_t)m->B, (size_t)m->N, used);
    float *base = m->dacts_memory;
    size_t o = 0;
    for (int i = 0; i < MODEL_NACT; i++) {
        int seed = i == MODEL_A_spd_log || i == MODEL_A_edge_log || i == MODEL_A_p3_pred ||
                   i == MODEL_A_dn_f || i == MODEL_A_ft_out;
        size_t u = used[i];
        if (i == MODEL_A_g3_g || i == MODEL_A_g3_h || i == MODEL_A_g3_hg)
            u = 0; /* overwritten by their single writer in g3_backward */
        else if (i == MODEL_A_g3_out)
            u = m->n_sel * (size_t)m->cfg.n_head;
        if (seed == seeds)
            memset(base + o, 0, u * sizeof(float));
        o += align16(m->act_sizes[i]);
    }
}

/* ------------------------------------------------------------------------------------------ */
/* forward pieces */

/* Gaussian basis + NonLinear + centrality sums (SPEC 2.6) for molecules using 3D */
static void g3_forward(struct model *m, const struct batch *b)
{
    const struct model_config *c = &m->cfg;
    const struct model_params *p = &m->params;
    struct model_acts *a = &m->acts;
    int B = m->B, N = m->N, K = c->n_rbf, H = c->n_head;
    size_t NN = (size_t)N * N;
    float sig[4096], inv[4096], cf[4096];
    for (int k = 0; k < K; k++) {
        sig[k] = fabsf(p->g_stds[k]) + 0.01f;
        inv[k] = 1.0f / sig[k];
        cf[k] = 1.0f / (GAUSS_A * sig[k]);
    }
    memset(a->dpos, 0, (size_t)B * NN * 3 * sizeof(float));
    memset(a->g3_dist, 0, (size_t)B * NN * sizeof(float));
    memset(a->g3_gsum, 0, (size_t)B * N * K * sizeof(float));
    /* Gaussian-basis rows are computed only for the real pairs that use them: pairs that show the
     * 3D bias (pair mode bit 2; rows 0..n_sel-1, the only ones that go through the NonLinear)
     * and pairs whose atom i takes the 3D centrality (the row sum feeds it; rows n_sel..).
     * Elsewhere the blend zeroes the 3D bias and the centrality is not added (SPEC 3.1, 3.2), so
     * the skipped values and their gradients are exactly 0 (g3_row = -1). */
    size_t P = 0, Q = 0;
    for (int k = 0; k < B; k++) {
        if (!mol_uses_3d(b, k))
            continue;
        int n = b->n[k];
        for (int i = 0; i < n; i++) {
            int ai = atom_uses_3d(b, k, i);
            for (int j = 0; j < n; j++) {
                int sel = (pair_modes(b, k, i, j) & 4) != 0;
                Q += sel;
                P += sel || ai;
            }
        }
    }
    m->n_pairs = P;
    m->n_sel = Q;
    size_t rsel = 0, rrest = Q;
    for (int k = 0; k < B; k++) {
        if (!mol_uses_3d(b, k))
            continue;
        int n = b->n[k];
        for (int i = 0; i < n; i++) {
            const float *pi = b->pos + ((size_t)k * N + i) * 3;
            int zi = b->z[(size_t)k * N + i] + 2;
            int ai = atom_uses_3d(b, k, i);
            float *gs = a->g3_gsum + ((size_t)k * N + i) * K;
            for (int j = 0; j < n; j++) {
                size_t pij = ((size_t)k * N + i) * N + j;
                int sel = (pair_modes(b, k, i, j) & 4) != 0;
                m->g3_row[pij] = sel ? (int32_t)rsel++ : ai ? (int32_t)rrest++ : -1;
                const float *pj = b->pos + ((size_t)k * N + j) * 3;
                int zj = b->z[(size_t)k * N + j] + 514;
                float d0 = pj[0] - pi[0], d1 = pj[1] - pi[1], d2 = pj[2] - pi[2];
                float dist = sqrtf(d0 * d0 + d1 * d1 + d2 * d2);
                float invd = 1.0f / (dist + 1e-5f);
                a->dpos[pij * 3] = d0 * invd;
                a->dpos[pij * 3 + 1] = d1 * invd;
                a->dpos[pij * 3 + 2] = d2 * invd;
                a->g3_dist[pij] = dist;
                if (m->g3_row[pij] < 0)
                    continue;
                float x = (p->g_mul[zi] + p->g_mul[zj]) * dist + (p->g_bias[zi] + p->g_bias[zj]);
                float *g = a->g3_g + (size_t)m->g3_row[pij] * K;
                for (int q = 0; q < K; q++) {
                    float u = (x - p->g_means[q]) * inv[q];
                    g[q] = layers_expf(-0.5f * u * u) * cf[q];
                    gs[q] += g[q];
                }
            }
        }
    }
    int M = (int)Q;
    matmul_forward(a->g3_h, a->g3_g, p->g_w1, p->g_b1, M, K, K);
    gelu_forward(a->g3_hg, a->g3_h, (size_t)M * K);
    matmul_forward(a->g3_out, a->g3_hg, p->g_w2, p->g_b2, M, K, H);
    matmul_forward(a->cent, a->g3_gsum, p->cent_w, p->cent_b, B * N, K, c->d_model);
}

/* attention bias (B, H, T, T): base -inf pad columns, t on graph-token row/column, blended
 * modality biases on real atom pairs (SPEC 1.6, 1.8, 3.1) */
static void bias_forward(struct model *m, const struct batch *b)
{
    const struct model_config *c = &m->cfg;
    const struct model_params *p = &m->params;
    float *bias = m->acts.bias;
    int B = m->B, N = m->N, T = m->T, H = c->n_head;
    size_t TT = (size_t)T * T;
    float v[1024], e[1024];
    for (int k = 0; k < B; k++) {
        int n = b->n[k];
        for (int h = 0; h < H; h++) {
            float *bh = bias + ((size_t)k * H + h) * TT;
            float t = p->vdist[h];
            for (int i = 0; i < T; i++) {
                float *row = bh + (size_t)i * T;
                row[0] = t;
                for (int j = 1; j < T; j++)
                    row[j] = j - 1 < n ? (i == 0 ? t : 0.0f) : -INFINITY;
            }
        }
        for (int i = 0; i < n; i++)
            for (int j = 0; j < n; j++) {
                size_t pij = ((size_t)k * N + i) * N + j;
                int md = pair_modes(b, k, i, j);
                memset(v, 0, (size_t)H * sizeof(float));
                if (md & 1) {
                    const float *sp = p->spd_emb + (size_t)b->spatial[pij] * H;
                    for (int h = 0; h < H; h++)
                        v[h] += sp[h];
                }
                if (md & 2) {
                    float inv_s = 1.0f / edge_div(b->spatial[pij]);
                    for (int d = 0; d < BATCH_HOPS; d++) {
                        const int32_t *id = b->edge + (pij * BATCH_HOPS + d) * 3;
                        if (!id[0] && !id[1] && !id[2])
                            continue;
                        memset(e, 0, (size_t)H * sizeof(float));
                        for (int f = 0; f < 3; f++)
                            if (id[f] > 0)
                                for (int h = 0; h < H; h++)
                                    e[h] += p->edge_emb[(size_t)id[f] * H + h];
                        const float *W = p->edge_dis + (size_t)d * H * H;
                        for (int h = 0; h < H; h++) {
                            float eh = e[h] * (1.0f / 3.0f) * inv_s;
                            for (int h2 = 0; h2 < H; h2++)
                                v[h2] += eh * W[(size_t)h * H + h2];
                        }
                    }
                }
                if (md & 4) {
                    const float *g3 = m->acts.g3_out + (size_t)m->g3_row[pij] * H;
                    for (int h = 0; h < H; h++)
                        v[h] += g3[h];
                }
                for (int h = 0; h < H; h++)
                    bias[((size_t)k * H + h) * TT + (size_t)(i + 1) * T + j + 1] += v[h];
            }
    }
}

/* token embedding + emb LN (SPEC 2.2, 3.2) */
static void embed_forward(struct model *m, const struct batch *b)
{
    const struct model_config *c = &m->cfg;
    const struct model_params *p = &m->params;
    struct model_acts *a = &m->acts;
    int B = m->B, N = m->N, C = c->d_model;
    for (int k = 0; k < B; k++) {
        float *x = a->emb_x + m->tok_off[k] * C; /* packed: graph token, then the n atoms */
        memcpy(x, p->graph_token, (size_t)C * sizeof(float));
        embedding_forward(x + C, b->atom + (size_t)k * N * 9, p->atom_emb, b->n[k], 9, C, 0);
        for (int i = 0; i < b->n[k]; i++) {
            float *xi = x + (size_t)(i + 1) * C;
            if (atom_uses_deg(b, k, i)) {
                int32_t dg = b->deg[(size_t)k * N + i];
                embedding_forward(xi, &dg, p->in_deg_emb, 1, 1, C, 1);
                embedding_forward(xi, &dg, p->out_deg_emb, 1, 1, C, 1);
            }
            if (c->has_3d && atom_uses_3d(b, k, i)) {
                const float *ce = a->cent + ((size_t)k * N + i) * C;
                for (int q = 0; q < C; q++)
                    xi[q] += 0.01f * ce[q];
            }
        }
    }
    layernorm_forward(a->emb_out, a->emb_mean, a->emb_rstd, a->emb_x, p->emb_lnw, p->emb_lnb, m->M,
                      C, 1e-5f);
}

/* attention probabilities after dropout of layer l: their own buffer when attention dropout
 * is on, else the probabilities themselves (no copy; the backward reads the same pointer) */
static float *attd_of(struct model *m, float *att, int l)
{
    if (m->train && m->cfg.attn_dropout > 0)
        return m->acts.attd + (size_t)l * m->B * m->cfg.n_head * m->T * m->T;
    return att;
}

/* The last layer for the graph-token rows only (model.graph_only): K and V of every token,
 * then per molecule the graph token's attention over its n + 1 tokens, out_proj, LN1, FFN and
 * LN2 on B rows (the rows of the other tokens feed nothing after the last layer). Equals row 0
 * of the full layer up to summation order. Uses the first B rows of the layer's buffers. */
static void last_layer_graph_only(struct model *m, const float *x, int l)
{
    const struct model_config *c = &m->cfg;
    const struct model_params *p = &m->params;
    struct model_acts *a = &m->acts;
    int B = m->B, T = m->T, C = c->d_model, H = c->n_head, F = c->d_ff, D = C / H, C3 = 3 * C;
    int BT = m->M;
    size_t btc = (size_t)BT * C, btf = (size_t)BT * F, bhtt = (size_t)B * H * T * T;
    float scale = 1.0f / sqrtf((float)D);
    float *qkv = a->qkv + (size_t)l * 3 * btc, *atty = a->atty + l * btc;
    float *attproj = a->attproj + l * btc, *res1 = a->res1 + l * btc, *ln1 = a->ln1 + l * btc;
    float *fch = a->fch + l * btf, *fchg = a->fchg + l * btf, *fcproj = a->fcproj + l * btc;
    float *res2 = a->res2 + l * btc, *ln2 = a->ln2 + l * btc;
    float *s = a->att + (size_t)l * bhtt; /* scores of one (molecule, head): T floats */
    matmul_forward(qkv, x, p->qkvw + (size_t)l * 3 * C * C, p->qkvb + (size_t)l * 3 * C, BT, C,
                   3 * C);
    for (int k = 0; k < B; k++) {
        int Tb = m->tok_len[k];
        const float *base = qkv + m->tok_off[k] * C3;
        for (int h = 0; h < H; h++) {
            const float *q = base + h * D, *brow = a->bias + ((size_t)k * H + h) * T * T;
            float mx = -INFINITY, sum = 0;
            for (int j = 0; j < Tb; j++) {
                const float *kj = base + (size_t)j * C3 + C + h * D;
                float d = 0;
                for (int e = 0; e < D; e++)
                    d += q[e] * kj[e];
                s[j] = brow[j] + scale * d;
                mx = s[j] > mx ? s[j] : mx;
            }
            for (int j = 0; j < Tb; j++) {
                s[j] = s[j] == -INFINITY ? 0.0f : layers_expf(s[j] - mx);
                sum += s[j];
            }
            float *o = atty + (size_t)k * C + h * D;
            for (int e = 0; e < D; e++)
                o[e] = 0;
            for (int j = 0; j < Tb; j++) {
                const float *vj = base + (size_t)j * C3 + 2 * C + h * D;
                float w = s[j] / sum;
                for (int e = 0; e < D; e++)
                    o[e] += w * vj[e];
            }
        }
    }
    matmul_forward(attproj, atty, p->attprojw + (size_t)l * C * C, p->attprojb + l * C, B, C, C);
    for (int k = 0; k < B; k++)
        for (int q = 0; q < C; q++)
            res1[(size_t)k * C + q] = x[m->tok_off[k] * C + q] + attproj[(size_t)k * C + q];
    layernorm_forward(ln1, a->ln1_mean + (size_t)l * BT, a->ln1_rstd + (size_t)l * BT, res1,
                      p->ln1w + l * C, p->ln1b + l * C, B, C, 1e-5f);
    matmul_forward(fch, ln1, p->fc1w + (size_t)l * F * C, p->fc1b + (size_t)l * F, B, C, F);
    gelu_forward(fchg, fch, (size_t)B * F);
    matmul_forward(fcproj, fchg, p->fc2w + (size_t)l * C * F, p->fc2b + l * C, B, F, C);
    for (size_t x2 = 0; x2 < (size_t)B * C; x2++)
        res2[x2] = ln1[x2] + fcproj[x2];
    layernorm_forward(ln2, a->ln2_mean + (size_t)l * BT, a->ln2_rstd + (size_t)l * BT, res2,
                      p->ln2w + l * C, p->ln2b + l * C, B, C, 1e-5f);
    memset(a->out, 0, (size_t)B * T * C * sizeof(float));
    for (int k = 0; k < B; k++)
        memcpy(a->out + (size_t)k * T * C, ln2 + (size_t)k * C, (size_t)C * sizeof(float));
}

static void layers_forward(struct model *m, int train, struct rng *rng)
{
    const struct model_config *c = &m->cfg;
    const struct model_params *p = &m->params;
    struct model_acts *a = &m->acts;
    int B = m->B, T = m->T, C = c->d_model, H = c->n_head, F = c->d_ff, L = c->n_layer;
    int BT = m->M; /* packed real tokens */
    size_t btc = (size_t)BT * C, btf = (size_t)BT * F, bhtt = (size_t)B * H * T * T;
    int graph_only = m->graph_only && !train && !m->probe && c->task != MODEL_TASK_PRETRAIN;
    for (int l = 0; l < L; l++) {
        const float *x = l == 0 ? a->emb_out : a->ln2 + (size_t)(l - 1) * btc;
        if (graph_only && l == L - 1) {
            last_layer_graph_only(m, x, l);
            return;
        }
        float *qkv = a->qkv + (size_t)l * 3 * btc;
        float *att = a->att + (size_t)l * bhtt, *attd = attd_of(m, att, l);
        float *atty = a->atty + l * btc, *attproj = a->attproj + l * btc;
        float *res1 = a->res1 + l * btc, *ln1 = a->ln1 + l * btc;
        float *fch = a->fch + l * btf, *fchg = a->fchg + l * btf;
        float *fcproj = a->fcproj + l * btc, *res2 = a->res2 + l * btc;
        float *ln2 = a->ln2 + l * btc;
        float *dp = a->droppath + (size_t)l * 2 * T;
        float pdp = train ? lin_droppath(c, l) : 0.0f;
        for (int t = 0; t < 2 * T; t++)
            dp[t] = pdp > 0 ? (rng_uniformf(rng) < pdp ? 0.0f : 1.0f / (1.0f - pdp)) : 1.0f;

        matmul_forward(qkv, x, p->qkvw + (size_t)l * 3 * C * C, p->qkvb + (size_t)l * 3 * C, BT, C,
                       3 * C);
        attention_forward(atty, att, attd, qkv, a->bias, m->tok_len, B, T, C, H,
                          train ? c->attn_dropout : 0.0f, rng);
        matmul_forward(attproj, atty, p->attprojw + (size_t)l * C * C, p->attprojb + l * C, BT, C,
                       C);
        for (int k = 0; k < B; k++)
            for (int t = 0; t < m->tok_len[k]; t++) {
                size_t bt = m->tok_off[k] + t;
                float s = dp[t];
                for (int q = 0; q < C; q++)
                    res1[bt * C + q] = x[bt * C + q] + s * attproj[bt * C + q];
            }
        layernorm_forward(ln1, a->ln1_mean + (size_t)l * BT, a->ln1_rstd + (size_t)l * BT, res1,
                          p->ln1w + l * C, p->ln1b + l * C, BT, C, 1e-5f);
        matmul_forward(fch, ln1, p->fc1w + (size_t)l * F * C, p->fc1b + (size_t)l * F, BT, C, F);
        gelu_forward(fchg, fch, btf);
        if (train)
            dropout_forward(fchg, fchg, btf, c->act_dropout, rng);
        matmul_forward(fcproj, fchg, p->fc2w + (size_t)l * C * F, p->fc2b + l * C, BT, F, C);
        for (int k = 0; k < B; k++)
            for (int t = 0; t < m->tok_len[k]; t++) {
                size_t bt = m->tok_off[k] + t;
                float s = dp[T + t];
                for (int q = 0; q < C; q++)
                    res2[bt * C + q] = ln1[bt * C + q] + s * fcproj[bt * C + q];
            }
        layernorm_forward(ln2, a->ln2_mean + (size_t)l * BT, a->ln2_rstd + (size_t)l * BT, res2,
                          p->ln2w + l * C, p->ln2b + l * C, BT, C, 1e-5f);
    }
    /* final states to the padded (B, T, C) layout of model_out; pad rows 0 */
    const float *last = a->ln2 + (size_t)(L - 1) * btc;
    memset(a->out, 0, (size_t)B * T * C * sizeof(float));
    for (int k = 0; k < B; k++)
        memcpy(a->out + (size_t)k * T * C, last + m->tok_off[k] * C,
               (size_t)m->tok_len[k] * C * sizeof(float));
}

/* cross entropy for the N columns j of one (b, i[, hop]) row block: logits l[k*S + j] for
 * NC classes, targets y[j*ys] (< 0 = ignore). Writes dl (scale*(p - onehot), 0 where ignored)
 * and returns the summed loss. Loops run along j (contiguous) so they vectorise. */
static double ce_cols(float *dl, const float *l, int NC, int S, int N, const int8_t *y, int ys,
                      float scale, float *mx, float *sum)
{
    for (int j = 0; j < N; j++)
        mx[j] = l[j];
    for (int k = 1; k < NC; k++)
        for (int j = 0; j < N; j++)
            mx[j] = l[(size_t)k * S + j] > mx[j] ? l[(size_t)k * S + j] : mx[j];
    for (int j = 0; j < N; j++)
        sum[j] = 0;
    for (int k = 0; k < NC; k++)
        for (int j = 0; j < N; j++) {
            float e = layers_expf(l[(size_t)k * S + j] - mx[j]);
            dl[(size_t)k * S + j] = e;
            sum[j] += e;
        }
    double loss = 0;
    for (int j = 0; j < N; j++) {
        int t = y[(size_t)j * ys];
        if (t >= 0)
            loss += mx[j] + log((double)sum[j]) - l[(size_t)t * S + j];
        sum[j] = t >= 0 ? scale / sum[j] : 0.0f; /* now the gradient factor */
    }
    for (int k = 0; k < NC; k++)
        for (int j = 0; j < N; j++)
            dl[(size_t)k * S + j] *= sum[j];
    for (int j = 0; j < N; j++) {
        int t = y[(size_t)j * ys];
        if (t >= 0)
            dl[(size_t)t * S + j] -= scale;
    }
    return loss;
}

/* Only the columns from the first to the last valid target are computed: the others (and
 * rows without any target, e.g. padding atoms) keep dl = 0 from zero_dacts(m, 1) of this
 * forward, which is what the full computation writes there. */
static double ce_rows(float *dl, const float *l, int NC, int N, const int8_t *y, int ys,
                      float scale, float *mx, float *sum)
{
    int j0 = 0, j1 = N;
    while (j0 < N && y[(size_t)j0 * ys] < 0)
        j0++;
    if (j0 == N)
        return 0.0;
    while (y[(size_t)(j1 - 1) * ys] < 0)
        j1--;
    return ce_cols(dl + j0, l + j0, NC, N, j1 - j0, y + (size_t)j0 * ys, ys, scale, mx, sum);
}

static void n2_forward(struct model *m, int hd)
{
    const struct model_config *c = &m->cfg;
    const struct model_params *p = &m->params;
    struct model_acts *a = &m->acts;
    int BN = m->B * m->N, C = c->d_model, R = MODEL_R;
    size_t side = (size_t)m->B * m->N * R; /* compact (current B, N) */
    size_t sideM = (size_t)m->B * m->N;
    for (int s = 0; s < 2; s++) {
        int hs = hd * 2 + s;
        float *pre = a->n2_pre + hs * side, *act = a->n2_act + hs * side;
        float *out = a->n2_out + hs * side;
        matmul_forward(pre, a->hat, p->n2_w + (size_t)hs * R * C, p->n2_b + hs * R, BN, C, R);
        gelu_forward(act, pre, (size_t)BN * R);
        layernorm_forward(out, a->n2_mean + hs * sideM, a->n2_rstd + hs * sideM, act,
                          p->n2_lnw + hs * R, p->n2_lnb + hs * R, BN, R, 1e-12f);
    }
}

static double heads_forward(struct model *m, const struct batch *b, int train, struct rng *rng)
{
    const struct model_config *c = &m->cfg;
    const struct model_params *p = &m->params;
    struct model_acts *a = &m->acts, *da = &m->dacts;
    int B = m->B, N = m->N, T = m->T, C = c->d_model, H = c->n_head, D = C / H, R = MODEL_R;
    const float *out = model_out(m);
    size_t side = (size_t)m->B * m->N * R;
    double total = 0;
    if (c->task == MODEL_TASK_PRETRAIN) {
        for (int k = 0; k < B; k++)
            memcpy(a->hat + (size_t)k * N * C, out + ((size_t)k * T + 1) * C,
                   (size_t)N * C * sizeof(float));
        for (int hd = 0; hd < 3; hd++)
            n2_forward(m, hd);
        /* SPD head: CE over valid pairs (SPEC 4.2) */
        bilinear_prepare(a->spd_wt, p->spd_w, 11, R);
        bilinear_forward(a->spd_log, a->spd_a, a->n2_out, a->n2_out + side, a->spd_wt, p->spd_b,
                         b->n, B, N, 11, R);
        int cnt = 0;
        for (size_t x = 0; x < (size_t)B * N * N; x++)
            cnt += b->spd_cls[x] >= 0;
        double ls = 0;
        float *mx = m->scratch_f, *sm = m->scratch_f + N;
        for (int k = 0; k < B && cnt; k++)
            for (int i = 0; i < N; i++) {
                size_t o = ((size_t)k * N + i) * 11 * N;
                ls +=
                    ce_rows(da->spd_log + o, a->spd_log + o, 11, N,
                            b->spd_cls + ((size_t)k * N + i) * N, 1, c->w_spd / (float)cnt, mx, sm);
            }
        m->loss_count[MODEL_LOSS_SPD] = cnt;
        m->loss_parts[MODEL_LOSS_SPD] = cnt ? (float)(ls / cnt) : 0.0f;
        total += c->w_spd * (cnt ? ls / cnt : 0.0);
        /* edge head: CE over valid (pair, hop) (SPEC 4.3) */
        bilinear_prepare(a->edge_wt, p->edge_w, 120, R);
        bilinear_forward(a->edge_log, a->edge_a, a->n2_out + 2 * side, a->n2_out + 3 * side,
                         a->edge_wt, p->edge_b, b->n, B, N, 120, R);
        cnt = 0;
        for (size_t x = 0; x < (size_t)B * N * N * BATCH_HOPS; x++)
            cnt += b->edge_cls[x] >= 0;
        ls = 0;
        for (int k = 0; k < B && cnt; k++)
            for (int i = 0; i < N; i++)
                for (int d = 0; d < BATCH_HOPS; d++) {
                    size_t o = (((size_t)k * N + i) * 120 + d * 24) * N;
                    ls += ce_rows(da->edge_log + o, a->edge_log + o, 24, N,
                                  b->edge_cls + ((size_t)k * N + i) * N * BATCH_HOPS + d,
                                  BATCH_HOPS, c->w_edge / (float)cnt, mx, sm);
                }
        m->loss_count[MODEL_LOSS_EDGE] = cnt;
        m->loss_parts[MODEL_LOSS_EDGE] = cnt ? (float)(ls / cnt) : 0.0f;
        total += c->w_edge * (cnt ? ls / cnt : 0.0);
        /* 3D head: fold Linear(1024,256) and the three Linear(256,1) into 3 bilinear forms */
        for (int ax = 0; ax < 3; ax++) {
            float *we = a->p3_weff + (size_t)ax * 1024;
            double bb = p->p3_b2[ax];
            memset(we, 0, 1024 * sizeof(float));
            for (int h2 = 0; h2 < MODEL_P3_HID; h2++) {
                float w2 = p->p3_w2[ax * MODEL_P3_HID + h2];
                const float *w1 = p->p3_w1 + (size_t)h2 * 1024;
                for (int q = 0; q < 1024; q++)
                    we[q] += w2 * w1[q];
                bb += (double)w2 * p->p3_b1[h2];
            }
            a->p3_beff[ax] = (float)bb;
        }
        bilinear_prepare(a->p3_wt, a->p3_weff, 3, R);
        bilinear_forward(a->p3_pred, a->p3_a, a->n2_out + 4 * side, a->n2_out + 5 * side, a->p3_wt,
                         a->p3_beff, b->n, B, N, 3, R);
        /* per-molecule mean of 1 - cos over valid pairs, then mean over molecules */
        int nmol = 0;
        int *npair = m->scratch_int;
        for (int k = 0; k < B; k++) {
            npair[k] = 0;
            if (!b->has_pos[k])
                continue;
            for (int i = 0; i < b->n[k]; i++)
                for (int j = 0; j < b->n[k]; j++) {
                    const float *pi = b->pos_clean + ((size_t)k * N + i) * 3;
                    const float *pj = b->pos_clean + ((size_t)k * N + j) * 3;
                    if (i != j && (pi[0] != pj[0] || pi[1] != pj[1] || pi[2] != pj[2]))
                        npair[k]++;
                }
            nmol += npair[k] > 0;
        }
        ls = 0;
        for (int k = 0; k < B; k++) {
            if (!npair[k])
                continue;
            double lm = 0;
            float g = c->w_3d / (float)npair[k] / (float)nmol;
            for (int i = 0; i < b->n[k]; i++)
                for (int j = 0; j < b->n[k]; j++) {
                    const float *pi = b->pos_clean + ((size_t)k * N + i) * 3;
                    const float *pj = b->pos_clean + ((size_t)k * N + j) * 3;
                    if (i == j || (pi[0] == pj[0] && pi[1] == pj[1] && pi[2] == pj[2]))
                        continue;
                    float tv[3] = {pj[0] - pi[0], pj[1] - pi[1], pj[2] - pi[2]}, pv[3], dp[3];
                    size_t o = (((size_t)k * N + i) * 3) * N + j;
                    for (int ax = 0; ax < 3; ax++)
                        pv[ax] = a->p3_pred[o + (size_t)ax * N];
                    lm += cos_loss(dp, pv, tv, g);
                    for (int ax = 0; ax < 3; ax++)
                        da->p3_pred[o + (size_t)ax * N] = dp[ax];
                }
            ls += lm / npair[k];
        }
        m->loss_count[MODEL_LOSS_3D] = nmol;
        m->loss_parts[MODEL_LOSS_3D] = nmol ? (float)(ls / nmol) : 0.0f;
        total += c->w_3d * (nmol ? ls / nmol : 0.0);
        /* denoising AtomTaskHead (SPEC 4.4b) */
        int C3 = 3 * C;
        float scale = 1.0f / sqrtf((float)D);
        float pdrop = train ? c->head_dropout : 0.0f;
        size_t bnc = (size_t)B * N * C;
        matmul_forward(a->dn_qkv, a->hat, p->dn_qkvw, p->dn_qkvb, B * N, C, C3);
        for (int k = 0; k < B; k++)
            for (int h = 0; h < H; h++) {
                const float *q = a->dn_qkv + (size_t)k * N * C3 + h * D;
                const float *kk = q + C, *v = q + 2 * C;
                size_t bh = ((size_t)k * H + h) * N * N;
                float *at = a->dn_att + bh, *ad = a->dn_attd + bh;
                const float *bs = a->bias + ((size_t)k * H + h) * T * T + T + 1;
                for (int i = 0; i < N; i++)
                    memcpy(at + (size_t)i * N, bs + (size_t)i * T, (size_t)N * sizeof(float));
                cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, N, N, D, scale, q, C3, kk, C3,
                            1.0f, at, N);
                for (int i = 0; i < N; i++) {
                    float *row = at + (size_t)i * N;
                    float rmx = -INFINITY, sum = 0;
                    for (int j = 0; j < N; j++)
                        rmx = row[j] > rmx ? row[j] : rmx;
                    for (int j = 0; j < N; j++) {
                        row[j] = row[j] == -INFINITY ? 0.0f : layers_expf(row[j] - rmx);
                        sum += row[j];
                    }
                    for (int j = 0; j < N; j++)
                        row[j] /= sum;
                }
                dropout_forward(ad, at, (size_t)N * N, pdrop, pdrop > 0 ? rng : NULL);
                for (int ax = 0; ax < 3; ax++) {
                    float *sc = a->dn_scr + (size_t)ax * N * N;
                    const float *dp = a->dpos + ((size_t)k * N * N) * 3 + ax;
                    for (size_t x = 0; x < (size_t)N * N; x++)
                        sc[x] = ad[x] * dp[x * 3];
                    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, N, D, N, 1.0f, sc, N, v,
                                C3, 0.0f, a->dn_o + ax * bnc + (size_t)k * N * C + h * D, C);
                }
            }
        for (int x = 0; x < B * N; x++)
            for (int ax = 0; ax < 3; ax++) {
                const float *o = a->dn_o + ax * bnc + (size_t)x * C, *w = p->dn_fw + ax * C;
                float sum = p->dn_fb[ax];
                for (int q = 0; q < C; q++)
                    sum += w[q] * o[q];
                a->dn_f[(size_t)x * 3 + ax] = sum;
            }
        int cnt3 = 0;
        for (int k = 0; k < B; k++)
            for (int i = 0; i < b->n[k]; i++)
                cnt3 += b->has_pos[k] && atom_uses_3d(b, k, i);
        ls = 0;
        for (int k = 0; k < B; k++)
            for (int i = 0; i < b->n[k]; i++) {
                if (!(b->has_pos[k] && atom_uses_3d(b, k, i)))
                    continue;
                size_t o = ((size_t)k * N + i) * 3;
                ls += cos_loss(da->dn_f + o, a->dn_f + o, b->noise + o, c->w_denoise / (float)cnt3);
            }
        m->loss_count[MODEL_LOSS_DENOISE] = cnt3;
        m->loss_parts[MODEL_LOSS_DENOISE] = cnt3 ? (float)(ls / cnt3) : 0.0f;
        total += c->w_denoise * (cnt3 ? ls / cnt3 : 0.0);
    }
    if (c->task == MODEL_TASK_CLASS || c->task == MODEL_TASK_REG) {
        int NT = c->n_tasks;
        for (int k = 0; k < B; k++)
            memcpy(a->ft_in + (size_t)k * C, out + (size_t)k * T * C, (size_t)C * sizeof(float));
        matmul_forward(a->ft_h, a->ft_in, p->ft_w1, p->ft_b1, B, C, C);
        gelu_forward(a->ft_hg, a->ft_h, (size_t)B * C);
        matmul_forward(a->ft_out, a->ft_hg, p->ft_w2, p->ft_b2, B, C, NT);
        int cnt = 0;
        for (int x = 0; x < B * NT; x++) {
            float y = b->n_tasks == NT ? b->y[x] : NAN;
            cnt += c->task == MODEL_TASK_CLASS ? (isfinite(y) && y >= 0) : isfinite(y);
        }
        double ls = 0;
        for (int x = 0; x < B * NT; x++) {
            int t = x % NT;
            float lg = a->ft_out[x];
            float y = b->n_tasks == NT ? b->y[x] : NAN;
            if (c->task == MODEL_TASK_CLASS) {
                a->ft_pred[x] = lg;
                if (!(isfinite(y) && y >= 0))
                    continue;
                /* BCE with logits: max(x,0) - x y + log(1 + exp(-|x|)) */
                ls += fmax(lg, 0) - (double)lg * y + log1p(exp(-fabs((double)lg)));
                double sg = 1.0 / (1.0 + exp(-(double)lg));
                da->ft_out[x] = (float)((sg - y) / cnt);
            } else {
                double pr = (double)lg * m->y_std[t] + m->y_mean[t];
                a->ft_pred[x] = (float)pr;
                if (!isfinite(y))
                    continue;
                ls += (pr - y) * (pr - y);
                da->ft_out[x] = (float)(2.0 * (pr - y) * m->y_std[t] / cnt);
            }
        }
        m->loss_count[MODEL_LOSS_TASK] = cnt;
        m->loss_parts[MODEL_LOSS_TASK] = cnt ? (float)(ls / cnt) : 0.0f;
        total += cnt ? ls / cnt : 0.0;
    }
    if (m->probe) {
        for (int k = 0; k < B; k++)
            for (int t = 0; t <= b->n[k]; t++)
                for (int q = 0; q < C; q++) {
                    size_t o = ((size_t)k * T + t) * C + q;
                    total += (double)m->probe[o] * out[o];
                }
    }
    return total;
}

int model_forward(struct model *m, const struct batch *b, int train, struct rng *rng, char *err,
                  size_t errlen)
{
    const struct model_config *c = &m->cfg;
    m->have_forward = 0;
    if (b->B < 1 || b->B > c->max_batch || b->N < 1 || b->N > c->max_atoms) {
        snprintf(err, errlen, "batch of %d molecules x %d atoms exceeds the model maximum %d x %d",
                 b->B, b->N, c->max_batch, c->max_atoms);
        return -1;
    }
    if (train && !rng) {
        snprintf(err, errlen, "training forward needs an rng");
        return -1;
    }
    for (int k = 0; k < b->B; k++) {
        if (b->mode[k] != MODE_2D && !c->has_3d) {
            snprintf(err, errlen, "molecule %d: blend/3D mode but the model has no 3D module", k);
            return -1;
        }
        if (b->mode[k] != MODE_2D && !b->has_pos[k]) {
            snprintf(err, errlen, "molecule %d: blend/3D mode without positions", k);
            return -1;
        }
    }
    m->batch = b;
    m->B = b->B;
    m->N = b->N;
    m->T = b->N + 1;
    m->train = train;
    memset(m->loss_parts, 0, sizeof m->loss_parts);
    memset(m->loss_count, 0, sizeof m->loss_count);
    m->M = 0;
    for (int k = 0; k < b->B; k++) { /* packed real tokens: graph token + n atoms */
        m->tok_off[k] = (size_t)m->M;
        m->tok_len[k] = b->n[k] + 1;
        m->M += b->n[k] + 1;
    }
    m->tok_off[b->B] = (size_t)m->M;
    m->n_pairs = m->n_sel = 0;
    if (c->has_3d)
        g3_forward(m, b);
    zero_dacts(m, 1); /* the loss seeds; after g3_forward (uses n_pairs) */
    embed_forward(m, b);
    bias_forward(m, b);
    layers_forward(m, train, rng);
    m->loss_d = heads_forward(m, b, train, rng);
    m->loss = (float)m->loss_d;
    m->have_forward = 1;
    return 0;
}

/* ------------------------------------------------------------------------------------------ */
/* backward pieces (reverse order of the forward) */

static void n2_backward(struct model *m, int hd)
{
    const struct model_config *c = &m->cfg;
    const struct model_params *p = &m->params;
    struct model_params *g = &m->grads;
    struct model_acts *a = &m->acts, *da = &m->dacts;
    int BN = m->B * m->N, C = c->d_model, R = MODEL_R;
    size_t side = (size_t)m->B * m->N * R;
    size_t sideM = (size_t)m->B * m->N;
    for (int s = 0; s < 2; s++) {
        int hs = hd * 2 + s;
        layernorm_backward(da->n2_act + hs * side, g->n2_lnw + hs * R, g->n2_lnb + hs * R,
                           da->n2_out + hs * side, a->n2_act + hs * side, p->n2_lnw + hs * R,
                           a->n2_mean + hs * sideM, a->n2_rstd + hs * sideM, BN, R);
        gelu_backward(da->n2_pre + hs * side, a->n2_pre + hs * side, da->n2_act + hs * side,
                      (size_t)BN * R);
        matmul_backward(da->hat, g->n2_w + (size_t)hs * R * C, g->n2_b + hs * R,
                        da->n2_pre + hs * side, a->hat, p->n2_w + (size_t)hs * R * C, BN, C, R);
    }
}

static void heads_backward(struct model *m)
{
    const struct model_config *c = &m->cfg;
    const struct batch *b = m->batch;
    const struct model_params *p = &m->params;
    struct model_params *g = &m->grads;
    struct model_acts *a = &m->acts, *da = &m->dacts;
    int B = m->B, N = m->N, T = m->T, C = c->d_model, H = c->n_head, D = C / H, R = MODEL_R;
    float *dout = da->out; /* (B, T, C) */
    size_t side = (size_t)m->B * m->N * R;
    if (m->probe)
        for (int k = 0; k < B; k++)
            for (int t = 0; t <= b->n[k]; t++)
                for (int q = 0; q < C; q++) {
                    size_t o = ((size_t)k * T + t) * C + q;
                    dout[o] += m->probe[o];
                }
    if (c->task == MODEL_TASK_CLASS || c->task == MODEL_TASK_REG) {
        int NT = c->n_tasks;
        matmul_backward(da->ft_hg, g->ft_w2, g->ft_b2, da->ft_out, a->ft_hg, p->ft_w2, B, C, NT);
        gelu_backward(da->ft_h, a->ft_h, da->ft_hg, (size_t)B * C);
        matmul_backward(da->ft_in, g->ft_w1, g->ft_b1, da->ft_h, a->ft_in, p->ft_w1, B, C, C);
        for (int k = 0; k < B; k++)
            for (int q = 0; q < C; q++)
                dout[(size_t)k * T * C + q] += da->ft_in[(size_t)k * C + q];
    }
    if (c->task != MODEL_TASK_PRETRAIN)
        return;
    /* denoising head */
    int C3 = 3 * C;
    float scale = 1.0f / sqrtf((float)D);
    float pdrop = m->train ? c->head_dropout : 0.0f;
    size_t bnc = (size_t)B * N * C;
    for (int x = 0; x < B * N; x++)
        for (int ax = 0; ax < 3; ax++) {
            float dF = da->dn_f[(size_t)x * 3 + ax];
            if (dF == 0.0f)
                continue;
            const float *o = a->dn_o + ax * bnc + (size_t)x * C, *w = p->dn_fw + ax * C;
            float *dO = da->dn_o + ax * bnc + (size_t)x * C, *dw = g->dn_fw + ax * C;
            g->dn_fb[ax] += dF;
            for (int q = 0; q < C; q++) {
                dw[q] += dF * o[q];
                dO[q] += dF * w[q];
            }
        }
    for (int k = 0; k < B; k++)
        for (int h = 0; h < H; h++) {
            const float *q = a->dn_qkv + (size_t)k * N * C3 + h * D;
            const float *kk = q + C, *v = q + 2 * C;
            float *dq = da->dn_qkv + (size_t)k * N * C3 + h * D;
            float *dk = dq + C, *dv = dq + 2 * C;
            size_t bh = ((size_t)k * H + h) * N * N;
            const float *at = a->dn_att + bh, *ad = a->dn_attd + bh;
            float *gA = da->dn_attd + bh; /* d attd, then d logits */
            for (int ax = 0; ax < 3; ax++) {
                float *sc = a->dn_scr + (size_t)ax * N * N;
                const float *dp = a->dpos + ((size_t)k * N * N) * 3 + ax;
                const float *dO = da->dn_o + ax * bnc + (size_t)k * N * C + h * D;
                /* G = dO_h V_h^T (N x N) ; d attd += G * dpos ; dV += (attd*dpos)^T dO */
                cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, N, N, D, 1.0f, dO, C, v, C3,
                            0.0f, sc, N);
                for (size_t x = 0; x < (size_t)N * N; x++) {
                    gA[x] += sc[x] * dp[x * 3];
                    sc[x] = ad[x] * dp[x * 3];
                }
                cblas_sgemm(CblasRowMajor, CblasTrans, CblasNoTrans, N, D, N, 1.0f, sc, N, dO, C,
                            1.0f, dv, C3);
            }
            float sc_drop = pdrop > 0 ? 1.0f / (1.0f - pdrop) : 1.0f;
            float *dbias = da->bias + ((size_t)k * H + h) * T * T + T + 1;
            for (int i = 0; i < N; i++) {
                float *gr = gA + (size_t)i * N;
                const float *ar = at + (size_t)i * N, *adr = ad + (size_t)i * N;
                float s = 0;
                for (int j = 0; j < N; j++) {
                    if (pdrop > 0)
                        gr[j] = adr[j] != 0.0f ? gr[j] * sc_drop : 0.0f;
                    s += ar[j] * gr[j];
                }
                for (int j = 0; j < N; j++) {
                    gr[j] = ar[j] * (gr[j] - s);
                    dbias[(size_t)i * T + j] += gr[j];
                }
            }
            cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, N, D, N, scale, gA, N, kk, C3,
                        1.0f, dq, C3);
            cblas_sgemm(CblasRowMajor, CblasTrans, CblasNoTrans, N, D, N, scale, gA, N, q, C3, 1.0f,
                        dk, C3);
        }
    matmul_backward(da->hat, g->dn_qkvw, g->dn_qkvb, da->dn_qkv, a->hat, p->dn_qkvw, B * N, C, C3);
    /* 3D head: bilinear backward into the folded weights, then unfold */
    bilinear_backward(da->n2_out + 4 * side, da->n2_out + 5 * side, da->p3_weff, da->p3_beff,
                      da->p3_a, da->p3_wt, da->p3_pred, a->n2_out + 4 * side, a->n2_out + 5 * side,
                      a->p3_a, a->p3_wt, m->batch->n, B, N, 3, R);
    for (int h2 = 0; h2 < MODEL_P3_HID; h2++) {
        float *dw1 = g->p3_w1 + (size_t)h2 * 1024;
        const float *w1 = p->p3_w1 + (size_t)h2 * 1024;
        for (int ax = 0; ax < 3; ax++) {
            float w2 = p->p3_w2[ax * MODEL_P3_HID + h2];
            const float *dwe = da->p3_weff + (size_t)ax * 1024;
            double dot = 0;
            for (int q = 0; q < 1024; q++) {
                dw1[q] += w2 * dwe[q];
                dot += (double)w1[q] * dwe[q];
            }
            g->p3_w2[ax * MODEL_P3_HID + h2] +=
                (float)(dot + (double)da->p3_beff[ax] * p->p3_b1[h2]);
            g->p3_b1[h2] += w2 * da->p3_beff[ax];
        }
    }
    for (int ax = 0; ax < 3; ax++)
        g->p3_b2[ax] += da->p3_beff[ax];
    /* edge and SPD heads */
    bilinear_backward(da->n2_out + 2 * side, da->n2_out + 3 * side, g->edge_w, g->edge_b,
                      da->edge_a, da->edge_wt, da->edge_log, a->n2_out + 2 * side,
                      a->n2_out + 3 * side, a->edge_a, a->edge_wt, m->batch->n, B, N, 120, R);
    bilinear_backward(da->n2_out, da->n2_out + side, g->spd_w, g->spd_b, da->spd_a, da->spd_wt,
                      da->spd_log, a->n2_out, a->n2_out + side, a->spd_a, a->spd_wt, m->batch->n, B, N, 11,
                      R);
    for (int hd = 0; hd < 3; hd++)
        n2_backward(m, hd);
    for (int k = 0; k < B; k++)
        for (size_t x = 0; x < (size_t)N * C; x++)
            dout[((size_t)k * T + 1) * C + x] += da->hat[(size_t)k * N * C + x];
}

static void layers_backward(struct model *m)
{
    const struct model_config *c = &m->cfg;
    const struct model_params *p = &m->params;
    struct model_params *g = &m->grads;
    struct model_acts *a = &m->acts, *da = &m->dacts;
    int B = m->B, T = m->T, C = c->d_model, H = c->n_head, F = c->d_ff, L = c->n_layer;
    int BT = m->M; /* packed real tokens */
    size_t btc = (size_t)BT * C, btf = (size_t)BT * F, bhtt = (size_t)B * H * T * T;
    float *dlast = da->ln2 + (size_t)(L - 1) * btc;
    for (int k = 0; k < B; k++) {
        const float *src = da->out + (size_t)k * T * C;
        float *dst = dlast + m->tok_off[k] * C;
        for (size_t q = 0; q < (size_t)m->tok_len[k] * C; q++)
            dst[q] += src[q];
    }
    for (int l = L - 1; l >= 0; l--) {
        const float *x = l == 0 ? a->emb_out : a->ln2 + (size_t)(l - 1) * btc;
        float *dx = l == 0 ? da->emb_out : da->ln2 + (size_t)(l - 1) * btc;
        const float *dp = a->droppath + (size_t)l * 2 * T;
        size_t o = (size_t)l * btc, of = (size_t)l * btf;
        /* LN2 */
        layernorm_backward(da->res2 + o, g->ln2w + l * C, g->ln2b + l * C, da->ln2 + o, a->res2 + o,
                           p->ln2w + l * C, a->ln2_mean + (size_t)l * BT,
                           a->ln2_rstd + (size_t)l * BT, BT, C);
        for (int k = 0; k < B; k++)
            for (int t = 0; t < m->tok_len[k]; t++) {
                size_t bt = m->tok_off[k] + t;
                float s = dp[T + t];
                for (int q = 0; q < C; q++) {
                    float d = da->res2[o + bt * C + q];
                    da->ln1[o + bt * C + q] += d;
                    da->fcproj[o + bt * C + q] += s * d;
                }
            }
        /* FFN */
        matmul_backward(da->fchg + of, g->fc2w + (size_t)l * C * F, g->fc2b + l * C, da->fcproj + o,
                        a->fchg + of, p->fc2w + (size_t)l * C * F, BT, F, C);
        if (m->train && c->act_dropout > 0) {
            float sc = 1.0f / (1.0f - c->act_dropout);
            for (size_t i = 0; i < btf; i++)
                da->fchg[of + i] = a->fchg[of + i] != 0.0f ? da->fchg[of + i] * sc : 0.0f;
        }
        gelu_backward(da->fch + of, a->fch + of, da->fchg + of, btf);
        matmul_backward(da->ln1 + o, g->fc1w + (size_t)l * F * C, g->fc1b + (size_t)l * F,
                        da->fch + of, a->ln1 + o, p->fc1w + (size_t)l * F * C, BT, C, F);
        /* LN1 */
        layernorm_backward(da->res1 + o, g->ln1w + l * C, g->ln1b + l * C, da->ln1 + o, a->res1 + o,
                           p->ln1w + l * C, a->ln1_mean + (size_t)l * BT,
                           a->ln1_rstd + (size_t)l * BT, BT, C);
        for (int k = 0; k < B; k++)
            for (int t = 0; t < m->tok_len[k]; t++) {
                size_t bt = m->tok_off[k] + t;
                float s = dp[t];
                for (int q = 0; q < C; q++) {
                    float d = da->res1[o + bt * C + q];
                    dx[bt * C + q] += d;
                    da->attproj[o + bt * C + q] += s * d;
                }
            }
        /* attention */
        matmul_backward(da->atty + o, g->attprojw + (size_t)l * C * C, g->attprojb + l * C,
                        da->attproj + o, a->atty + o, p->attprojw + (size_t)l * C * C, BT, C, C);
        attention_backward(da->qkv + 3 * o, da->bias, da->att + (size_t)l * bhtt, da->atty + o,
                           a->qkv + 3 * o, a->att + (size_t)l * bhtt,
                           attd_of(m, a->att + (size_t)l * bhtt, l),
                           m->tok_len, B, T, C, H, m->train ? c->attn_dropout : 0.0f);
        matmul_backward(dx, g->qkvw + (size_t)l * 3 * C * C, g->qkvb + (size_t)l * 3 * C,
                        da->qkv + 3 * o, x, p->qkvw + (size_t)l * 3 * C * C, BT, C, 3 * C);
    }
}

static void embed_backward(struct model *m)
{
    const struct model_config *c = &m->cfg;
    const struct batch *b = m->batch;
    const struct model_params *p = &m->params;
    struct model_params *g = &m->grads;
    struct model_acts *a = &m->acts, *da = &m->dacts;
    int B = m->B, N = m->N, C = c->d_model;
    layernorm_backward(da->emb_x, g->emb_lnw, g->emb_lnb, da->emb_out, a->emb_x, p->emb_lnw,
                       a->emb_mean, a->emb_rstd, m->M, C);
    for (int k = 0; k < B; k++) {
        const float *dx = da->emb_x + m->tok_off[k] * C;
        for (int q = 0; q < C; q++)
            g->graph_token[q] += dx[q];
        embedding_backward(g->atom_emb, dx + C, b->atom + (size_t)k * N * 9, b->n[k], 9, C);
        for (int i = 0; i < b->n[k]; i++) {
            const float *dxi = dx + (size_t)(i + 1) * C;
            if (atom_uses_deg(b, k, i)) {
                int32_t dg = b->deg[(size_t)k * N + i];
                embedding_backward(g->in_deg_emb, dxi, &dg, 1, 1, C);
                embedding_backward(g->out_deg_emb, dxi, &dg, 1, 1, C);
            }
            if (c->has_3d && atom_uses_3d(b, k, i)) {
                float *dce = da->cent + ((size_t)k * N + i) * C;
                for (int q = 0; q < C; q++)
                    dce[q] += 0.01f * dxi[q];
            }
        }
    }
}

static void bias_backward(struct model *m)
{
    const struct model_config *c = &m->cfg;
    const struct batch *b = m->batch;
    const struct model_params *p = &m->params;
    struct model_params *g = &m->grads;
    const float *dbias = m->dacts.bias;
    int B = m->B, N = m->N, T = m->T, H = c->n_head;
    size_t TT = (size_t)T * T;
    float gv[1024], e[1024], de[1024];
    for (int k = 0; k < B; k++) {
        for (int h = 0; h < H; h++) {
            const float *bh = dbias + ((size_t)k * H + h) * TT;
            double s = 0;
            for (int j = 0; j < T; j++)
                s += bh[j];
            for (int i = 1; i < T; i++)
                s += bh[(size_t)i * T];
            g->vdist[h] += (float)s;
        }
        int n = b->n[k];
        for (int i = 0; i < n; i++)
            for (int j = 0; j < n; j++) {
                size_t pij = ((size_t)k * N + i) * N + j;
                int md = pair_modes(b, k, i, j);
                for (int h = 0; h < H; h++)
                    gv[h] = dbias[((size_t)k * H + h) * TT + (size_t)(i + 1) * T + j + 1];
                if (md & 1) {
                    int32_t sp = b->spatial[pij];
                    if (sp > 0)
                        for (int h = 0; h < H; h++)
                            g->spd_emb[(size_t)sp * H + h] += gv[h];
                }
                if (md & 2) {
                    float inv_s = 1.0f / edge_div(b->spatial[pij]);
                    for (int d = 0; d < BATCH_HOPS; d++) {
                        const int32_t *id = b->edge + (pij * BATCH_HOPS + d) * 3;
                        if (!id[0] && !id[1] && !id[2])
                            continue;
                        memset(e, 0, (size_t)H * sizeof(float));
                        for (int f = 0; f < 3; f++)
                            if (id[f] > 0)
                                for (int h = 0; h < H; h++)
                                    e[h] += p->edge_emb[(size_t)id[f] * H + h];
                        const float *W = p->edge_dis + (size_t)d * H * H;
                        float *dW = g->edge_dis + (size_t)d * H * H;
                        float f3 = (1.0f / 3.0f) * inv_s;
                        for (int h = 0; h < H; h++) {
                            float eh = e[h] * f3, s = 0;
                            for (int h2 = 0; h2 < H; h2++) {
                                dW[(size_t)h * H + h2] += eh * gv[h2];
                                s += W[(size_t)h * H + h2] * gv[h2];
                            }
                            de[h] = s * f3;
                        }
                        for (int f = 0; f < 3; f++)
                            if (id[f] > 0)
                                for (int h = 0; h < H; h++)
                                    g->edge_emb[(size_t)id[f] * H + h] += de[h];
                    }
                }
                if (md & 4) {
                    float *d3 = m->dacts.g3_out + (size_t)m->g3_row[pij] * H;
                    for (int h = 0; h < H; h++)
                        d3[h] += gv[h];
                }
            }
    }
}

static void g3_backward(struct model *m)
{
    const struct model_config *c = &m->cfg;
    const struct batch *b = m->batch;
    const struct model_params *p = &m->params;
    struct model_params *g = &m->grads;
    struct model_acts *a = &m->acts, *da = &m->dacts;
    int B = m->B, N = m->N, K = c->n_rbf, H = c->n_head, C = c->d_model;
    int M = (int)m->n_sel;
    matmul_backward(da->g3_gsum, g->cent_w, g->cent_b, da->cent, a->g3_gsum, p->cent_w, B * N, K,
                    C);
    /* single writers: g3_hg, g3_h, g3_g are overwritten here (zero_dacts skips them) */
    matmul_backward_into(da->g3_hg, g->g_w2, g->g_b2, da->g3_out, a->g3_hg, p->g_w2, M, K, H);
    gelu_backward_out(da->g3_h, a->g3_h, a->g3_hg, da->g3_hg, (size_t)M * K);
    matmul_backward_into(da->g3_g, g->g_w1, g->g_b1, da->g3_h, a->g3_g, p->g_w1, M, K, K);
    float sig[4096], inv[4096];
    double dsig[4096], dmu[4096];
    for (int q = 0; q < K; q++) {
        sig[q] = fabsf(p->g_stds[q]) + 0.01f;
        inv[q] = 1.0f / sig[q];
        dsig[q] = dmu[q] = 0;
    }
    for (int k = 0; k < B; k++) {
        if (!mol_uses_3d(b, k))
            continue;
        int n = b->n[k];
        for (int i = 0; i < n; i++) {
            int zi = b->z[(size_t)k * N + i] + 2;
            const float *dgs = da->g3_gsum + ((size_t)k * N + i) * K;
            for (int j = 0; j < n; j++) {
                size_t pij = ((size_t)k * N + i) * N + j;
                int zj = b->z[(size_t)k * N + j] + 514;
                float dist = a->g3_dist[pij];
                float x = (p->g_mul[zi] + p->g_mul[zj]) * dist + (p->g_bias[zi] + p->g_bias[zj]);
                if (m->g3_row[pij] < 0)
                    continue; /* value and gradient 0 (g3_forward) */
                size_t row = (size_t)m->g3_row[pij];
                const float *gg = a->g3_g + row * K;
                const float *dg = row < m->n_sel ? da->g3_g + row * K : NULL;
                double dx = 0;
                for (int q = 0; q < K; q++) {
                    /* g = exp(-u^2/2) / (A sigma), u = (x - mu) / sigma */
                    double gq = (double)((dg ? dg[q] : 0.0f) + dgs[q]) * gg[q];
                    double u = (x - p->g_means[q]) * inv[q];
                    dx += -gq * u * inv[q];
                    dmu[q] += gq * u * inv[q];
                    dsig[q] += gq * (u * u - 1.0) * inv[q];
                }
                g->g_mul[zi] += (float)(dx * dist);
                g->g_mul[zj] += (float)(dx * dist);
                g->g_bias[zi] += (float)dx;
                g->g_bias[zj] += (float)dx;
            }
        }
    }
    for (int q = 0; q < K; q++) {
        g->g_means[q] += (float)dmu[q];
        g->g_stds[q] += (float)(dsig[q] * (p->g_stds[q] > 0 ? 1.0 : p->g_stds[q] < 0 ? -1.0 : 0.0));
    }
}

void model_backward(struct model *m)
{
    if (!m->have_forward)
        return;
    zero_dacts(m, 0);
    heads_backward(m);
    layers_backward(m);
    embed_backward(m);
    bias_backward(m);
    if (m->cfg.has_3d)
        g3_backward(m);
}

const float *model_out(const struct model *m)
{
    return m->acts.out;
}

void model_graph_emb(const struct model *m, float *out)
{
    const float *o = model_out(m);
    size_t C = (size_t)m->cfg.d_model;
    for (int b = 0; b < m->B; b++)
        memcpy(out + b * C, o + (size_t)b * m->T * C, C * sizeof(float));
}

const float *model_pred(const struct model *m)
{
    return m->param_sizes[MODEL_P_ft_w2] ? m->acts.ft_pred : NULL;
}

const float *model_denoise_pred(const struct model *m)
{
    return m->cfg.task == MODEL_TASK_PRETRAIN ? m->acts.dn_f : NULL;
}

void model_print_summary(const struct model *m, void *fp)
{
    FILE *f = fp;
    const struct model_config *c = &m->cfg;
    fprintf(f, "model: L %d C %d H %d F %d K %d, 3D %d, task %d, max B %d N %d\n", c->n_layer,
            c->d_model, c->n_head, c->d_ff, c->n_rbf, c->has_3d, c->task, c->max_batch,
            c->max_atoms);
    size_t backbone = 0, g3 = 0, heads = 0;
    for (int i = 0; i < MODEL_NPARAM; i++) {
        if (i < MODEL_P_g_means)
            backbone += m->param_sizes[i];
        else if (i < MODEL_P_n2_w)
            g3 += m->param_sizes[i];
        else
            heads += m->param_sizes[i];
    }
    fprintf(f, "model: params: 2D backbone %zu, 3D module %zu, heads %zu, total %zu\n", backbone,
            g3, heads, m->num_params);
    fprintf(f, "model: activations: %zu floats (%.1f MB, x2 with gradients)\n", m->num_acts,
            m->num_acts * 4.0 / 1e6);
    if (c->n_layer == 12 && c->d_model == 768 && c->n_head == 32 && c->d_ff == 768)
        fprintf(f,
                "model: SPEC 2.1 (base): 2D backbone 47084608 (here %zu), +3D 47207648 (here "
                "%zu), pretraining 50120106 incl. the unused LM head of 592897 (here %zu "
                "without it)\n",
                backbone, backbone + g3,
                c->task == MODEL_TASK_PRETRAIN ? m->num_params : (size_t)0);
}
