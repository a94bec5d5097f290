/* scaffold.c: Bemis-Murcko scaffold + canonical graph key (see scaffold.h) */
#include "scaffold.h"

#include "mol.h"
#include "perceive.h"
#include "rng.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- a small graph in CSR form ---- */
struct csr {
    uint32_t n;
    uint32_t *off;  /* [n+1] */
    uint32_t *nbr;  /* [2m] neighbour */
    uint32_t *bid;  /* [2m] bond index (input graph) or bond type (canonical graph) */
};

static void csr_build(struct csr *g, uint32_t n, uint32_t m, const uint32_t *a, const uint32_t *b,
                      const uint32_t *val)
{
    g->n = n;
    g->off = ecalloc((size_t)n + 1, sizeof *g->off);
    g->nbr = emalloc(emul(2 * (size_t)m + 1, sizeof *g->nbr));
    g->bid = emalloc(emul(2 * (size_t)m + 1, sizeof *g->bid));
    for (uint32_t e = 0; e < m; e++) {
        g->off[a[e] + 1]++;
        g->off[b[e] + 1]++;
    }
    for (uint32_t i = 0; i < n; i++)
        g->off[i + 1] += g->off[i];
    uint32_t *fill = ecalloc(n ? n : 1, sizeof *fill);
    for (uint32_t e = 0; e < m; e++) {
        uint32_t x = a[e], y = b[e];
        g->nbr[g->off[x] + fill[x]] = y;
        g->bid[g->off[x] + fill[x]++] = val ? val[e] : e;
        g->nbr[g->off[y] + fill[y]] = x;
        g->bid[g->off[y] + fill[y]++] = val ? val[e] : e;
    }
    free(fill);
}

static void csr_free(struct csr *g)
{
    free(g->off);
    free(g->nbr);
    free(g->bid);
    memset(g, 0, sizeof *g);
}

/* Bridges (Tarjan low-link, iterative): isring[e] = 1 for bonds on a cycle. */
static void find_ring_bonds(const struct csr *g, uint32_t nb, uint8_t *isring)
{
    uint32_t n = g->n, t = 0;
    uint32_t *disc = ecalloc(n ? n : 1, sizeof *disc), *low = ecalloc(n ? n : 1, sizeof *low);
    uint32_t *stk = emalloc(emul(n ? n : 1, sizeof *stk)), *it = ecalloc(n ? n : 1, sizeof *it);
    uint32_t *pbond = emalloc(emul(n ? n : 1, sizeof *pbond));
    for (uint32_t e = 0; e < nb; e++)
        isring[e] = 1;
    for (uint32_t r = 0; r < n; r++) {
        if (disc[r])
            continue;
        uint32_t sp = 0;
        stk[sp++] = r;
        disc[r] = low[r] = ++t;
        pbond[r] = UINT32_MAX;
        it[r] = g->off[r];
        while (sp) {
            uint32_t v = stk[sp - 1];
            if (it[v] < g->off[v + 1]) {
                uint32_t k = it[v]++, w = g->nbr[k], e = g->bid[k];
                if (e == pbond[v])
                    continue;
                if (!disc[w]) {
                    disc[w] = low[w] = ++t;
                    pbond[w] = e;
                    it[w] = g->off[w];
                    stk[sp++] = w;
                } else if (disc[w] < low[v]) {
                    low[v] = disc[w];
                }
            } else {
                sp--;
                if (sp) {
                    uint32_t u = stk[sp - 1];
                    if (low[v] < low[u])
                        low[u] = low[v];
                    if (low[v] > disc[u])
                        isring[pbond[v]] = 0; /* bridge */
                }
            }
        }
    }
    free(disc), free(low), free(stk), free(it), free(pbond);
}

/* ---- canonical labelling ---- */
struct canon {
    uint32_t k;
    struct csr g;        /* scaffold graph, bid = bond type 1..5 */
    const uint32_t *lab; /* [k] atom labels */
    uint64_t *nsig;      /* [2m] sorted neighbour signatures per atom (CSR layout) */
    uint32_t *order, *tmp;
    uint32_t *col;       /* colouring being sorted */
    uint64_t *best;      /* best encoding so far, length k + m */
    uint64_t *cur;
    size_t enclen;
    int have_best;
    uint64_t leaves;
    int capped;
};

static int sig_cmp(const struct canon *c, const uint32_t *col, uint32_t a, uint32_t b)
{
    if (col[a] != col[b])
        return col[a] < col[b] ? -1 : 1;
    uint32_t da = c->g.off[a + 1] - c->g.off[a], db = c->g.off[b + 1] - c->g.off[b];
    if (da != db)
        return da < db ? -1 : 1;
    const uint64_t *x = c->nsig + c->g.off[a], *y = c->nsig + c->g.off[b];
    for (uint32_t i = 0; i < da; i++)
        if (x[i] != y[i])
            return x[i] < y[i] ? -1 : 1;
    return 0;
}

static void sort_u64(uint64_t *v, uint32_t n)
{
    for (uint32_t i = 1; i < n; i++) { /* neighbour lists are short: insertion sort */
        uint64_t x = v[i];
        uint32_t j = i;
        while (j && v[j - 1] > x) {
            v[j] = v[j - 1];
            j--;
        }
        v[j] = x;
    }
}

/* stable merge sort of c->order by signature */
static void sort_order(struct canon *c, const uint32_t *col)
{
    uint32_t n = c->k, *a = c->order, *b = c->tmp;
    for (uint32_t w = 1; w < n; w *= 2) {
        for (uint32_t lo = 0; lo < n; lo += 2 * w) {
            uint32_t mid = lo + w < n ? lo + w : n, hi = lo + 2 * w < n ? lo + 2 * w : n;
            uint32_t i = lo, j = mid, o = lo;
            while (i < mid && j < hi)
                b[o++] = sig_cmp(c, col, a[j], a[i]) < 0 ? a[j++] : a[i++];
            while (i < mid)
                b[o++] = a[i++];
            while (j < hi)
                b[o++] = a[j++];
        }
        uint32_t *t = a;
        a = b;
        b = t;
    }
    if (a != c->order)
        memcpy(c->order, a, (size_t)n * sizeof *a);
}

/* 1-WL refinement; colours become ranks (number of atoms with a smaller signature).
 * Returns the number of distinct colours. */
static uint32_t refine(struct canon *c, uint32_t *col)
{
    uint32_t k = c->k, ncol = 0, prev = 0;
    uint32_t *newcol = c->col;
    for (;;) {
        for (uint32_t i = 0; i < k; i++) {
            for (uint32_t e = c->g.off[i]; e < c->g.off[i + 1]; e++)
                c->nsig[e] = ((uint64_t)col[c->g.nbr[e]] << 8) | c->g.bid[e];
            sort_u64(c->nsig + c->g.off[i], c->g.off[i + 1] - c->g.off[i]);
        }
        for (uint32_t i = 0; i < k; i++)
            c->order[i] = i;
        sort_order(c, col);
        ncol = 0;
        for (uint32_t r = 0; r < k; r++) {
            if (r == 0 || sig_cmp(c, col, c->order[r - 1], c->order[r]) != 0) {
                ncol++;
                newcol[c->order[r]] = r;
            } else {
                newcol[c->order[r]] = newcol[c->order[r - 1]];
            }
        }
        memcpy(col, newcol, (size_t)k * sizeof *col);
        if (ncol == prev || ncol == k)
            break;
        prev = ncol;
    }
    return ncol;
}

static int cmp_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return (x > y) - (x < y);
}

static void leaf(struct canon *c, const uint32_t *col)
{
    uint32_t k = c->k;
    size_t m = 0;
    for (uint32_t i = 0; i < k; i++)
        c->cur[col[i]] = c->lab[i];
    for (uint32_t i = 0; i < k; i++)
        for (uint32_t e = c->g.off[i]; e < c->g.off[i + 1]; e++) {
            uint32_t j = c->g.nbr[e];
            if (col[i] < col[j])
                c->cur[k + m++] = ((uint64_t)col[i] << 32) | ((uint64_t)col[j] << 8) | c->g.bid[e];
        }
    qsort(c->cur + k, m, sizeof *c->cur, cmp_u64);
    c->leaves++;
    if (!c->have_best || memcmp(c->cur, c->best, c->enclen * sizeof *c->cur) < 0) {
        /* memcmp on little-endian u64 is not numeric order, but any fixed total order works */
        memcpy(c->best, c->cur, c->enclen * sizeof *c->cur);
        c->have_best = 1;
    }
}

static void search(struct canon *c, uint32_t *col)
{
    uint32_t k = c->k;
    if (refine(c, col) == k) {
        leaf(c, col);
        return;
    }
    /* first non-singleton cell: smallest colour value shared by two atoms */
    uint32_t *cnt = ecalloc(k, sizeof *cnt), x = UINT32_MAX;
    for (uint32_t i = 0; i < k; i++)
        cnt[col[i]]++;
    for (uint32_t v = 0; v < k; v++)
        if (cnt[v] > 1) {
            x = v;
            break;
        }
    free(cnt);
    uint32_t *c2 = emalloc((size_t)k * sizeof *c2);
    for (uint32_t v = 0; v < k; v++) {
        if (col[v] != x)
            continue;
        if (c->leaves >= SCAFFOLD_MAX_LEAVES) {
            c->capped = 1;
            break;
        }
        for (uint32_t u = 0; u < k; u++)
            c2[u] = col[u] == x && u != v ? x + 1 : col[u];
        search(c, c2);
    }
    free(c2);
}

/* H count RDKit computes for an atom whose noImplicit flag was cleared (MurckoDecompose on a
 * bracket / chiral keeper): smallest allowed valence >= bond valence, minus the bond valence.
 * bv2 = twice the bond valence (aromatic bonds count 3). Returns -1 if no rule is known. */
static int default_h(int z, int chg, int bv2)
{
    static const struct {
        uint8_t z;
        int8_t chg;
        uint8_t v[3];
    } tab[] = {
        {5, 0, {3}},       {5, -1, {4}},      {6, 0, {4}},       {7, 0, {3}},
        {7, 1, {4}},       {7, -1, {2}},      {8, 0, {2}},       {8, 1, {3}},
        {8, -1, {1}},      {9, 0, {1}},       {14, 0, {4}},      {15, 0, {3, 5, 7}},
        {15, 1, {4}},      {16, 0, {2, 4, 6}}, {16, 1, {3, 5}},  {16, -1, {1}},
        {17, 0, {1}},      {33, 0, {3, 5, 7}}, {33, 1, {4}},     {34, 0, {2, 4, 6}},
        {34, 1, {3, 5}},   {35, 0, {1}},      {52, 0, {2, 4, 6}}, {53, 0, {1, 3, 5}},
    };
    int bv = bv2 / 2; /* aromatic halves round down (a fused aromatic C: 4.5 -> 4) */
    for (size_t t = 0; t < sizeof tab / sizeof *tab; t++) {
        if (tab[t].z != z || tab[t].chg != chg)
            continue;
        for (int k = 0; k < 3 && tab[t].v[k]; k++)
            if (tab[t].v[k] >= bv)
                return tab[t].v[k] - bv;
        return 0;
    }
    return -1;
}

static uint32_t bond_code(uint8_t bo)
{
    switch (bo) {
    case BO_SINGLE: return 1;
    case BO_DOUBLE: return 2;
    case BO_TRIPLE: return 3;
    case BO_AROMATIC: return 4;
    default: return 5;
    }
}

int scaffold_key(const struct scaffold_graph *g, struct buf *key, uint8_t *keep_out,
                 struct scaffold_stats *st, char *err, size_t errlen)
{
    struct scaffold_stats dummy;
    uint32_t n = g->n, nb = g->nb;
    if (!st)
        st = &dummy;
    memset(st, 0, sizeof *st);
    for (uint32_t e = 0; e < 2 * nb; e++)
        if (g->bonds[e] >= n) {
            snprintf(err, errlen, "bond %u refers to atom %u >= n", e / 2, g->bonds[e]);
            return -1;
        }
    buf_reserve(key, 1);
    key->p[key->len] = 0;
    if (!n)
        return 0;

    /* adjacency of the input graph */
    uint32_t *ea = emalloc(emul(nb + 1, sizeof *ea)), *eb = emalloc(emul(nb + 1, sizeof *eb));
    for (uint32_t e = 0; e < nb; e++)
        ea[e] = g->bonds[2 * e], eb[e] = g->bonds[2 * e + 1];
    struct csr G;
    csr_build(&G, n, nb, ea, eb, NULL);
    uint8_t *ringb = ecalloc(nb + 1, 1), *ringa = ecalloc(n, 1);
    find_ring_bonds(&G, nb, ringb);
    for (uint32_t e = 0; e < nb; e++)
        if (ringb[e] && ea[e] != eb[e])
            ringa[ea[e]] = ringa[eb[e]] = 1;
        else
            ringb[e] = 0; /* a self-loop is not a ring */

    /* prune non-ring atoms of degree <= 1 until none is left: keepers = ring systems + linkers */
    uint8_t *keeper = emalloc(n), *kept = emalloc(n);
    uint32_t *deg = emalloc((size_t)n * sizeof *deg), *q = emalloc((size_t)n * sizeof *q), qn = 0;
    for (uint32_t i = 0; i < n; i++) {
        keeper[i] = 1;
        deg[i] = G.off[i + 1] - G.off[i];
        if (!ringa[i] && deg[i] <= 1)
            q[qn++] = i, keeper[i] = 0;
    }
    while (qn) {
        uint32_t v = q[--qn];
        for (uint32_t e = G.off[v]; e < G.off[v + 1]; e++) {
            uint32_t w = G.nbr[e];
            if (keeper[w] && --deg[w] <= 1 && !ringa[w])
                q[qn++] = w, keeper[w] = 0;
        }
    }
    /* non-keepers double-bonded to a keeper stay (RDKit MurckoDecompose) */
    for (uint32_t i = 0; i < n; i++) {
        kept[i] = keeper[i];
        if (keeper[i])
            continue;
        for (uint32_t e = G.off[i]; e < G.off[i + 1]; e++)
            if (keeper[G.nbr[e]] && g->btype[G.bid[e]] == BO_DOUBLE)
                kept[i] = 1;
    }
    for (uint32_t i = 0; i < n; i++)
        if (g->z[i] == 1 && !ringa[i])
            kept[i] = 0; /* hydrogen atoms never belong to a scaffold */

    /* local indices and labels: element, aromatic, charge, H (after RDKit's H fix-ups) */
    uint32_t *loc = emalloc((size_t)n * sizeof *loc), k = 0;
    for (uint32_t i = 0; i < n; i++)
        loc[i] = kept[i] ? k++ : UINT32_MAX;
    uint32_t *lab = emalloc((size_t)(k ? k : 1) * sizeof *lab);
    for (uint32_t i = 0; i < n; i++) {
        if (!kept[i])
            continue;
        int chg = g->chg ? g->chg[i] : 0, h = g->hs ? g->hs[i] : 0;
        int arom = g->arom ? g->arom[i] != 0 : 0, noimp = g->noimp ? g->noimp[i] != 0 : 0;
        int lost = 0, lostord = 0, bv2 = 0;
        for (uint32_t e = G.off[i]; e < G.off[i + 1]; e++) {
            uint32_t w = G.nbr[e];
            uint8_t bo = g->btype[G.bid[e]];
            int o2 = bo == BO_TRIPLE ? 6 : bo == BO_DOUBLE ? 4 : bo == BO_AROMATIC ? 3 : 2;
            if (kept[w]) {
                bv2 += o2;
                continue;
            }
            lost++;
            lostord += o2 / 2;
        }
        /* RDKit MurckoDecompose: a keeper losing a neighbour gets one explicit H if it is an
         * aromatic heteroatom or an aromatic C+; otherwise its H is recomputed from valence
         * (noImplicit and chirality cleared), which for the usual default valences means it
         * gains the order of the bonds it lost; aromatic C- was observed to gain none (RDKit
         * 2022.09 re-kekulizes around it). Retained double-bonded non-keepers are not touched:
         * bracket ones keep their H, others get implicit H recomputed. */
        if (!lost)
            ;
        else if (keeper[i] && arom && g->z[i] != 6)
            h = 1;
        else if (keeper[i] && arom && g->z[i] == 6 && chg == 1)
            h = 1;
        else if (keeper[i] && arom && g->z[i] == 6 && chg < 0)
            ;
        else if (!keeper[i] && noimp)
            ;
        else if (noimp && default_h(g->z[i], chg, bv2) >= 0)
            h = default_h(g->z[i], chg, bv2); /* noImplicit cleared: valence model decides */
        else
            h += lostord;
        if (!g->hs)
            h = 0;
        if (h > 15)
            h = 15;
        if (chg < -64)
            chg = -64;
        if (chg > 63)
            chg = 63;
        lab[loc[i]] = (uint32_t)g->z[i] << 16 | (uint32_t)arom << 15 | (uint32_t)(chg + 64) << 4 |
                      (uint32_t)h;
    }
    st->natoms = k;

    if (k) {
        /* scaffold graph */
        uint32_t m = 0;
        uint32_t *sa = emalloc(emul(nb + 1, sizeof *sa)), *sb = emalloc(emul(nb + 1, sizeof *sb));
        uint32_t *sv = emalloc(emul(nb + 1, sizeof *sv));
        for (uint32_t e = 0; e < nb; e++)
            if (kept[ea[e]] && kept[eb[e]] && ea[e] != eb[e]) {
                sa[m] = loc[ea[e]], sb[m] = loc[eb[e]], sv[m] = bond_code(g->btype[e]);
                m++;
            }
        struct canon c;
        memset(&c, 0, sizeof c);
        c.k = k;
        c.lab = lab;
        csr_build(&c.g, k, m, sa, sb, sv);
        c.nsig = emalloc(emul(2 * (size_t)m + 1, sizeof *c.nsig));
        c.order = emalloc((size_t)k * sizeof *c.order);
        c.tmp = emalloc((size_t)k * sizeof *c.tmp);
        c.col = emalloc((size_t)k * sizeof *c.col);
        c.enclen = k + m;
        c.best = emalloc(c.enclen * sizeof *c.best);
        c.cur = emalloc(c.enclen * sizeof *c.cur);
        /* initial colours: ranks of (label, degree) */
        uint64_t *inv = emalloc((size_t)k * sizeof *inv);
        uint32_t *col = emalloc((size_t)k * sizeof *col);
        for (uint32_t i = 0; i < k; i++)
            inv[i] = ((uint64_t)lab[i] << 16) | (c.g.off[i + 1] - c.g.off[i]);
        uint64_t *sorted = emalloc((size_t)k * sizeof *sorted);
        memcpy(sorted, inv, (size_t)k * sizeof *sorted);
        qsort(sorted, k, sizeof *sorted, cmp_u64);
        for (uint32_t i = 0; i < k; i++) {
            uint32_t lo = 0, hi = k; /* first index with sorted[idx] >= inv[i] */
            while (lo < hi) {
                uint32_t mid = (lo + hi) / 2;
                if (sorted[mid] < inv[i])
                    lo = mid + 1;
                else
                    hi = mid;
            }
            col[i] = lo;
        }
        search(&c, col);
        st->leaves = c.leaves;
        st->capped = c.capped;
        /* key text: atoms "Z[a][+c|-c][hH]" in canonical order, then "|" and edges "i-j:t" */
        for (uint32_t r = 0; r < k; r++) {
            uint32_t L = (uint32_t)c.best[r];
            int z = (int)(L >> 16), a = (L >> 15) & 1, ch = (int)((L >> 4) & 0x7f) - 64,
                h = (int)(L & 15);
            buf_printf(key, "%s%d%s", r ? "." : "", z, a ? "a" : "");
            if (ch)
                buf_printf(key, "%+d", ch);
            if (h)
                buf_printf(key, "h%d", h);
        }
        buf_putc(key, '|');
        for (uint32_t e = 0; e < m; e++) {
            uint64_t E = c.best[k + e];
            buf_printf(key, "%s%u-%u:%u", e ? "," : "", (uint32_t)(E >> 32),
                       (uint32_t)((E >> 8) & 0xffffff), (uint32_t)(E & 0xff));
        }
        buf_reserve(key, 1);
        key->p[key->len] = 0;
        free(inv), free(col), free(sorted);
        free(c.nsig), free(c.order), free(c.tmp), free(c.col), free(c.best), free(c.cur);
        csr_free(&c.g);
        free(sa), free(sb), free(sv);
    }
    if (keep_out)
        memcpy(keep_out, kept, n);
    free(loc), free(lab), free(keeper), free(kept), free(deg), free(q);
    free(ringb), free(ringa), free(ea), free(eb);
    csr_free(&G);
    return 0;
}

int scaffold_key_perceived(const struct mol *m, const struct perceive *p, struct buf *key,
                           struct scaffold_stats *st, char *err, size_t errlen)
{
    struct scaffold_graph g = {
        .n = m->n, .nb = m->nb, .z = m->z,
        .chg = p->chg ? p->chg : m->chg,
        .hs = p->hs, .arom = p->arom ? p->arom : m->arom, .noimp = m->noimp,
        .bonds = m->bonds, .btype = p->btype ? p->btype : m->bo,
    };
    if (m->n && !m->z) {
        snprintf(err, errlen, "no atoms 'z'");
        return -1;
    }
    if (m->nb && (!m->bonds || !g.btype)) {
        snprintf(err, errlen, "no bonds / bond orders");
        return -1;
    }
    return scaffold_key(&g, key, NULL, st, err, errlen);
}

int scaffold_key_input(const struct mol *m, struct buf *key, struct scaffold_stats *st, char *err,
                       size_t errlen)
{
    struct scaffold_graph g = {
        .n = m->n, .nb = m->nb, .z = m->z, .chg = m->chg, .hs = NULL, .arom = m->arom,
        .noimp = m->noimp, .bonds = m->bonds, .btype = m->bo,
    };
    if (m->n && !m->z) {
        snprintf(err, errlen, "no atoms 'z'");
        return -1;
    }
    if (m->nb && (!m->bonds || !m->bo)) {
        snprintf(err, errlen, "no bonds / bond orders 'bo'");
        return -1;
    }
    return scaffold_key(&g, key, NULL, st, err, errlen);
}

/* ---- splits ---- */
const char *const split_names[3] = {"train", "valid", "test"};

struct keyidx {
    const char *key;
    size_t idx;
};

static int cmp_keyidx(const void *a, const void *b)
{
    const struct keyidx *x = a, *y = b;
    int c = strcmp(x->key, y->key);
    if (c)
        return c;
    return (x->idx > y->idx) - (x->idx < y->idx);
}

struct group {
    size_t first, size, start; /* start: offset of its members in the sorted keyidx array */
};

/* (size, first) descending */
static int cmp_group(const void *a, const void *b)
{
    const struct group *x = a, *y = b;
    if (x->size != y->size)
        return x->size < y->size ? 1 : -1;
    return (x->first < y->first) - (x->first > y->first);
}

size_t split_scaffold_assign(const char *const *keys, size_t n, const double frac[3], uint8_t *out,
                             uint32_t *group_of)
{
    struct keyidx *ki = emalloc(emul(n ? n : 1, sizeof *ki));
    for (size_t i = 0; i < n; i++)
        ki[i].key = keys[i] ? keys[i] : "", ki[i].idx = i;
    qsort(ki, n, sizeof *ki, cmp_keyidx);
    struct group *g = emalloc(emul(n ? n : 1, sizeof *g));
    size_t ng = 0;
    for (size_t i = 0; i < n; i++) {
        if (i == 0 || strcmp(ki[i].key, ki[i - 1].key)) {
            g[ng].first = ki[i].idx; /* members are sorted by index: the first is the smallest */
            g[ng].size = 0;
            g[ng].start = i;
            ng++;
        }
        g[ng - 1].size++;
    }
    qsort(g, ng, sizeof *g, cmp_group);
    double c1 = frac[0] * (double)n, c2 = (frac[0] + frac[1]) * (double)n;
    size_t ntr = 0, nva = 0;
    for (size_t k = 0; k < ng; k++) {
        int s;
        if ((double)(ntr + g[k].size) <= c1)
            s = SPLIT_TRAIN, ntr += g[k].size;
        else if ((double)(ntr + nva + g[k].size) <= c2)
            s = SPLIT_VALID, nva += g[k].size;
        else
            s = SPLIT_TEST;
        for (size_t j = 0; j < g[k].size; j++) {
            size_t i = ki[g[k].start + j].idx;
            out[i] = (uint8_t)s;
            if (group_of)
                group_of[i] = (uint32_t)k;
        }
    }
    free(ki);
    free(g);
    return ng;
}

void split_random_assign(size_t n, uint64_t seed, const double frac[3], uint8_t *out)
{
    struct rng r;
    size_t *p = emalloc(emul(n ? n : 1, sizeof *p));
    rng_init(&r, seed);
    for (size_t i = 0; i < n; i++)
        p[i] = i;
    for (size_t i = n; i > 1; i--) {
        size_t j = (size_t)(rng_uniform(&r) * (double)i), t = p[i - 1];
        if (j >= i)
            j = i - 1;
        p[i - 1] = p[j], p[j] = t;
    }
    size_t a = (size_t)(frac[0] * (double)n), b = (size_t)((frac[0] + frac[1]) * (double)n);
    for (size_t k = 0; k < n; k++)
        out[p[k]] = k < a ? SPLIT_TRAIN : k < b ? SPLIT_VALID : SPLIT_TEST;
    free(p);
}
