/* model.c: the MoleBLEND network (see model.h). */
#include "model.h"
#include "layers.h"
#include "util.h"

#include <math.h>
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
static size_t align16(size_t n) { return (n + 15) & ~(size_t)15; }

static float *alloc_block(size_t n)
{
    void *p = NULL;
    if (n == 0)
        n = 16;
    if (posix_memalign(&p, 64, n * sizeof(float)) != 0)
        enprintf(EXIT_IO, "out of memory (%zu floats)", n);
    memset(p, 0, n * sizeof(float));
    return p;
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
#define X(name, size, shape)                                                                    \
    t->name = mem + o;                                                                         \
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
        c->n_rbf < 1 || c->n_rbf > 4096) {
        snprintf(err, errlen, "bad model sizes (L %d C %d H %d F %d K %d)", c->n_layer,
                 c->d_model, c->n_head, c->d_ff, c->n_rbf);
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
    m->y_mean = ecalloc((size_t)nt, sizeof(float));
    m->y_std = ecalloc((size_t)nt, sizeof(float));
    for (int t = 0; t < nt; t++)
        m->y_std[t] = 1.0f;

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
        case MODEL_P_emb_lnw: case MODEL_P_ln1w: case MODEL_P_ln2w: case MODEL_P_n2_lnw:
            fill_const(t, n, 1.0f);
            break;
        case MODEL_P_emb_lnb: case MODEL_P_ln1b: case MODEL_P_ln2b: case MODEL_P_n2_lnb:
        case MODEL_P_qkvb: case MODEL_P_attprojb: case MODEL_P_fc1b: case MODEL_P_fc2b:
        case MODEL_P_g_b1: case MODEL_P_g_b2: case MODEL_P_cent_b: case MODEL_P_n2_b:
        case MODEL_P_spd_b: case MODEL_P_edge_b: case MODEL_P_p3_b1: case MODEL_P_p3_b2:
        case MODEL_P_dn_qkvb: case MODEL_P_dn_fb: case MODEL_P_ft_b1: case MODEL_P_ft_b2:
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
    free(m->params_memory);
    free(m->grads_memory);
    free(m->acts_memory);
    free(m->dacts_memory);
    free(m->y_mean);
    free(m->y_std);
    memset(m, 0, sizeof *m);
}

void model_zero_grad(struct model *m)
{
    memset(m->grads_memory, 0, m->num_params * sizeof(float));
}

@@FWD@@
const float *model_out(const struct model *m)
{
    return m->acts.ln2 + (size_t)(m->cfg.n_layer - 1) * m->B * m->T * m->cfg.d_model;
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
}
