/* model-fixtures.h: random but valid molecule records for the model tests (test-grad,
 * test-model): a random spanning forest (optionally two components), OGB-range features, SPD
 * and 5-hop bond paths by BFS, coordinates, blend masks and noise. Header-only (static). */
#ifndef MB_MODEL_FIXTURES_H
#define MB_MODEL_FIXTURES_H

#include "batch.h"
#include "model.h"
#include "mol.h"
#include "rng.h"

#include <math.h>
#include <string.h>

/* Fill m with n atoms and the given bonds (pairs), random OGB-range features, SPD and 5-hop
 * bond paths by BFS, coordinates, blend masks and noise. */
static void fx_mol_bonds(struct mol *m, int n, int mode, const uint16_t *bonds, int nb,
                         struct rng *r)
{
    mol_init(m);
    m->n = (uint32_t)n;
    m->mode = mode;
    m->nb = (uint32_t)nb;
    memcpy(mol_alloc(m, MOL_F_bonds, 2 * (size_t)nb), bonds, 2 * (size_t)nb * sizeof(uint16_t));
    static const int vocab[9] = {119, 5, 12, 12, 10, 6, 6, 2, 2};
    static const int zs[5] = {6, 7, 8, 9, 16};
    uint8_t *af = mol_alloc(m, MOL_F_af, 9 * (size_t)n);
    uint8_t *z = mol_alloc(m, MOL_F_z, (size_t)n);
    uint8_t *deg = mol_alloc(m, MOL_F_deg, (size_t)n);
    for (int i = 0; i < n; i++) {
        for (int f = 0; f < 9; f++)
            af[i * 9 + f] = (uint8_t)rng_below(r, (uint32_t)vocab[f]);
        z[i] = (uint8_t)zs[rng_below(r, 5)];
    }
    uint8_t *bf = mol_alloc(m, MOL_F_bf, 3 * (size_t)nb);
    for (int k = 0; k < nb; k++) {
        bf[3 * k] = (uint8_t)rng_below(r, 5);     /* 4 = misc -> edge class ignored */
        bf[3 * k + 1] = (uint8_t)rng_below(r, 4); /* 3 = CIS -> ignored */
        bf[3 * k + 2] = (uint8_t)rng_below(r, 2);
        deg[bonds[2 * k]]++, deg[bonds[2 * k + 1]]++;
    }
    /* BFS from every atom: spd and the bond on each hop of one shortest path */
    uint16_t *spd = mol_alloc(m, MOL_F_spd, (size_t)n * n);
    uint16_t *path = mol_alloc(m, MOL_F_path, (size_t)n * n * 5);
    for (size_t x = 0; x < (size_t)n * n * 5; x++)
        path[x] = MOL_NO_BOND;
    for (int s = 0; s < n; s++) {
        int dist[64], par[64], pb[64], q[64], qh = 0, qt = 0;
        for (int i = 0; i < n; i++)
            dist[i] = -1;
        dist[s] = 0, q[qt++] = s;
        while (qh < qt) {
            int u = q[qh++];
            for (int k = 0; k < nb; k++) {
                int a = bonds[2 * k], b = bonds[2 * k + 1], v = a == u ? b : b == u ? a : -1;
                if (v < 0 || dist[v] >= 0)
                    continue;
                dist[v] = dist[u] + 1, par[v] = u, pb[v] = k, q[qt++] = v;
            }
        }
        for (int t = 0; t < n; t++) {
            spd[s * n + t] = (uint16_t)(dist[t] < 0 ? MOL_SPD_UNREACHABLE : dist[t]);
            if (dist[t] <= 0)
                continue;
            for (int v = t; v != s; v = par[v]) {
                int hop = dist[v] - 1;
                if (hop < 5)
                    path[((size_t)s * n + t) * 5 + hop] = (uint16_t)pb[v];
            }
        }
    }
    float *pos = mol_alloc(m, MOL_F_pos, 3 * (size_t)n);
    float *noise = mol_alloc(m, MOL_F_noise, 3 * (size_t)n);
    for (int i = 0; i < 3 * n; i++) {
        pos[i] = (float)(3.0 * rng_uniform(r) - 1.5);
        noise[i] = (float)(0.2 * rng_normal(r));
    }
    m->has_pos = 1, m->is3d = 1;
    uint8_t *pm = mol_alloc(m, MOL_F_pmask, (size_t)n * n);
    uint8_t *am = mol_alloc(m, MOL_F_amask, (size_t)n);
    for (int i = 0; i < n * n; i++)
        pm[i] = (uint8_t)rng_below(r, 3);
    for (int i = 0; i < n; i++)
        am[i] = (uint8_t)rng_below(r, 2);
}

/* Fill m with a random molecule of n (<= 64) atoms: a random spanning tree plus one ring
 * closure, or (two_parts) two components. */
static void fx_mol(struct mol *m, int n, int mode, int two_parts, struct rng *r)
{
    uint16_t bonds[2 * 64];
    int nb = 0, cut = two_parts ? n / 2 : -1;
    for (int i = 1; i < n; i++) {
        if (i == cut)
            continue; /* atom `cut` starts the second component */
        int lo = i > cut && cut > 0 ? cut : 0;
        int j = lo + (int)rng_below(r, (uint32_t)(i - lo));
        bonds[2 * nb] = (uint16_t)j, bonds[2 * nb + 1] = (uint16_t)i, nb++;
    }
    if (n >= 5 && !two_parts) { /* one ring closure */
        bonds[2 * nb] = 0, bonds[2 * nb + 1] = (uint16_t)(n - 1), nb++;
    }
    fx_mol_bonds(m, n, mode, bonds, nb, r);
}

/* Params away from the tiny-init regime, so every path carries signal: N(0, sd) everywhere,
 * LN gains ~1, Gaussian stds in [0.5, 1.5] (away from the |std| kink), means in [0, 3],
 * mul ~ 1, padding rows stay 0. */
static void fx_scramble(struct model *m, float sd, struct rng *r)
{
    for (int t = 0; t < MODEL_NPARAM; t++) {
        float *p = m->params_memory + m->param_offsets[t];
        for (size_t i = 0; i < m->param_sizes[t]; i++)
            p[i] = (float)(sd * rng_normal(r));
    }
    struct model_params *p = &m->params;
    int C = m->cfg.d_model, H = m->cfg.n_head, L = m->cfg.n_layer;
    for (int i = 0; i < C; i++)
        p->emb_lnw[i] += 1.0f;
    for (int i = 0; i < L * C; i++)
        p->ln1w[i] += 1.0f, p->ln2w[i] += 1.0f;
    if (m->param_sizes[MODEL_P_n2_lnw])
        for (int i = 0; i < 6 * MODEL_R; i++)
            p->n2_lnw[i] += 1.0f;
    memset(p->atom_emb, 0, (size_t)C * sizeof(float));
    memset(p->in_deg_emb, 0, (size_t)C * sizeof(float));
    memset(p->out_deg_emb, 0, (size_t)C * sizeof(float));
    memset(p->spd_emb, 0, (size_t)H * sizeof(float));
    memset(p->edge_emb, 0, (size_t)H * sizeof(float));
    if (m->cfg.has_3d) {
        for (int k = 0; k < m->cfg.n_rbf; k++) {
            p->g_stds[k] = 0.5f + rng_uniformf(r);
            p->g_means[k] = 3.0f * rng_uniformf(r);
        }
        for (int i = 0; i < MODEL_PAIR_VOCAB; i++)
            p->g_mul[i] = 0.5f + 0.2f * (float)rng_normal(r);
        p->g_mul[0] = p->g_bias[0] = 0;
    }
}

#endif
