/* perceive.c: RDKit 2022.09 sanitisation as seen by the OGB featuriser (see perceive.h).
 *
 * Order of the steps follows MolOps::sanitizeMol: cleanUp, valence (updatePropertyCache),
 * rings, Kekulize, assignRadicals, setAromaticity (default model), setConjugation,
 * setHybridization. The rules were re-derived from RDKit's documented behaviour and checked
 * against RDKit on the shared data sets (tests/bench/features-vs-rdkit.sh). */
#include "perceive.h"

#include "mol.h"
#include "util.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* RDKit 2022.09 periodic table: valence list (count, values) and outer-shell electrons. */
struct elem {
    int8_t nv;
    int8_t v[4];
    uint8_t nouter;
};
static const struct elem ptab[119] = {
    {1, {-1, 0, 0, 0}, 0},
    {1, {1, 0, 0, 0}, 1},
    {1, {0, 0, 0, 0}, 2},
    {1, {1, 0, 0, 0}, 1},
    {1, {2, 0, 0, 0}, 2},
    {1, {3, 0, 0, 0}, 3},
    {1, {4, 0, 0, 0}, 4},
    {1, {3, 0, 0, 0}, 5},
    {1, {2, 0, 0, 0}, 6},
    {1, {1, 0, 0, 0}, 7},
    {1, {0, 0, 0, 0}, 8},
    {1, {1, 0, 0, 0}, 1},
    {2, {2, -1, 0, 0}, 2},
    {2, {3, 6, 0, 0}, 3},
    {2, {4, 6, 0, 0}, 4},
    {3, {3, 5, 7, 0}, 5},
    {3, {2, 4, 6, 0}, 6},
    {1, {1, 0, 0, 0}, 7},
    {1, {0, 0, 0, 0}, 8},
    {1, {1, 0, 0, 0}, 1},
    {2, {2, -1, 0, 0}, 2},
    {1, {-1, 0, 0, 0}, 3},
    {1, {-1, 0, 0, 0}, 4},
    {1, {-1, 0, 0, 0}, 5},
    {1, {-1, 0, 0, 0}, 6},
    {1, {-1, 0, 0, 0}, 7},
    {1, {-1, 0, 0, 0}, 8},
    {1, {-1, 0, 0, 0}, 9},
    {1, {-1, 0, 0, 0}, 10},
    {1, {-1, 0, 0, 0}, 11},
    {1, {-1, 0, 0, 0}, 2},
    {1, {3, 0, 0, 0}, 3},
    {1, {4, 0, 0, 0}, 4},
    {3, {3, 5, 7, 0}, 5},
    {3, {2, 4, 6, 0}, 6},
    {1, {1, 0, 0, 0}, 7},
    {1, {0, 0, 0, 0}, 8},
    {1, {1, 0, 0, 0}, 1},
    {2, {2, -1, 0, 0}, 2},
    {1, {-1, 0, 0, 0}, 3},
    {1, {-1, 0, 0, 0}, 4},
    {1, {-1, 0, 0, 0}, 5},
    {1, {-1, 0, 0, 0}, 6},
    {1, {-1, 0, 0, 0}, 7},
    {1, {-1, 0, 0, 0}, 8},
    {1, {-1, 0, 0, 0}, 9},
    {1, {-1, 0, 0, 0}, 10},
    {1, {-1, 0, 0, 0}, 11},
    {1, {-1, 0, 0, 0}, 2},
    {1, {3, 0, 0, 0}, 3},
    {2, {2, 4, 0, 0}, 4},
    {3, {3, 5, 7, 0}, 5},
    {3, {2, 4, 6, 0}, 6},
    {3, {1, 3, 5, 0}, 7},
    {4, {0, 2, 4, 6}, 8},
    {1, {1, 0, 0, 0}, 1},
    {2, {2, -1, 0, 0}, 2},
    {1, {-1, 0, 0, 0}, 3},
    {1, {-1, 0, 0, 0}, 4},
    {1, {-1, 0, 0, 0}, 3},
    {1, {-1, 0, 0, 0}, 4},
    {1, {-1, 0, 0, 0}, 5},
    {1, {-1, 0, 0, 0}, 6},
    {1, {-1, 0, 0, 0}, 7},
    {1, {-1, 0, 0, 0}, 8},
    {1, {-1, 0, 0, 0}, 9},
    {1, {-1, 0, 0, 0}, 10},
    {1, {-1, 0, 0, 0}, 11},
    {1, {-1, 0, 0, 0}, 12},
    {1, {-1, 0, 0, 0}, 13},
    {1, {-1, 0, 0, 0}, 14},
    {1, {-1, 0, 0, 0}, 15},
    {1, {-1, 0, 0, 0}, 4},
    {1, {-1, 0, 0, 0}, 5},
    {1, {-1, 0, 0, 0}, 6},
    {1, {-1, 0, 0, 0}, 7},
    {1, {-1, 0, 0, 0}, 8},
    {1, {-1, 0, 0, 0}, 9},
    {1, {-1, 0, 0, 0}, 10},
    {1, {-1, 0, 0, 0}, 11},
    {1, {-1, 0, 0, 0}, 2},
    {1, {3, 0, 0, 0}, 3},
    {2, {2, 4, 0, 0}, 4},
    {3, {3, 5, 7, 0}, 5},
    {3, {2, 4, 6, 0}, 6},
    {3, {1, 3, 5, 0}, 7},
    {1, {0, 0, 0, 0}, 8},
    {1, {1, 0, 0, 0}, 1},
    {2, {2, -1, 0, 0}, 2},
    {1, {-1, 0, 0, 0}, 3},
    {1, {-1, 0, 0, 0}, 4},
    {1, {-1, 0, 0, 0}, 3},
    {1, {-1, 0, 0, 0}, 4},
    {1, {-1, 0, 0, 0}, 5},
    {1, {-1, 0, 0, 0}, 6},
    {1, {-1, 0, 0, 0}, 7},
    {1, {-1, 0, 0, 0}, 8},
    {1, {-1, 0, 0, 0}, 9},
    {1, {-1, 0, 0, 0}, 10},
    {1, {-1, 0, 0, 0}, 11},
    {1, {-1, 0, 0, 0}, 12},
    {1, {-1, 0, 0, 0}, 13},
    {1, {-1, 0, 0, 0}, 14},
    {1, {-1, 0, 0, 0}, 15},
    {1, {-1, 0, 0, 0}, 2},
    {1, {-1, 0, 0, 0}, 2},
    {1, {-1, 0, 0, 0}, 2},
    {1, {-1, 0, 0, 0}, 2},
    {1, {-1, 0, 0, 0}, 2},
    {1, {-1, 0, 0, 0}, 2},
    {1, {-1, 0, 0, 0}, 2},
    {1, {-1, 0, 0, 0}, 2},
    {1, {-1, 0, 0, 0}, 2},
    {1, {-1, 0, 0, 0}, 2},
    {1, {-1, 0, 0, 0}, 2},
    {1, {-1, 0, 0, 0}, 2},
    {1, {-1, 0, 0, 0}, 2},
    {1, {-1, 0, 0, 0}, 2},
    {1, {-1, 0, 0, 0}, 2}
};

/* electron donor types (aromaticity) */
enum { ED_VACANT, ED_ONE, ED_TWO, ED_ONE_OR_TWO, ED_ANY, ED_NONE };

struct scratch {
    size_t cap_n, cap_nb;
    uint8_t *bo;       /* working bond code (BO_*), Kekulé after kekulization */
    uint8_t *inarom;   /* atom aromatic as given (flag or aromatic bond) */
    uint8_t *nhx;      /* explicit H as RDKit holds them (numExplicitHs) */
    uint8_t *edon, *acand, *aseen, *dcand, *done;
    int *istk, *jstk, *dist, *pbond, *match, *order;
    uint64_t *cyc;     /* candidate cycles as bond bitsets */
    size_t ncyc, cap_cyc;
    uint64_t *basis;   /* GF(2) basis rows */
    int *pivot;
    size_t nbasis, cap_basis, cap_pivot;
    int *clen;         /* cycle lengths */
    size_t cap_clen;
    int *cidx;
    size_t cap_cidx;
    /* candidate aromatic rings */
    int *crings;       /* indices into p->ring list */
    size_t cap_cr;
    int *neigh;        /* neighbour matrix of candidate rings (ncr*ncr bytes as int) */
    size_t cap_neigh;
    int *bcount;       /* per bond counter */
    uint8_t *inset;    /* per atom marker */
    long steps;
    int *comp, *cna, *cnb; /* ring systems: id per atom, atoms and bonds per system */
    uint32_t *roff, *radj, *rbnd; /* ring-bond adjacency (CSR, adjacency order) for find_rings */
};

static int grow(void **ptr, size_t *cap, size_t need, size_t esize)
{
    if (need <= *cap)
        return 0;
    size_t nc = *cap ? *cap : 16;
    while (nc < need)
        nc *= 2;
    void *q = realloc(*ptr, nc * esize);
    if (!q)
        return -1;
    *ptr = q;
    *cap = nc;
    return 0;
}

#define GROW(arr, capv, need) grow((void **)&(arr), &(capv), (need), sizeof *(arr))

void perceive_init(struct perceive *p)
{
    memset(p, 0, sizeof *p);
}

void perceive_free(struct perceive *p)
{
    free(p->hs);
    free(p->implh);
    free(p->deg);
    free(p->tdeg);
    free(p->ring);
    free(p->arom);
    free(p->hyb);
    free(p->rad);
    free(p->amin);
    free(p->val);
    free(p->btype);
    free(p->kek);
    free(p->bring);
    free(p->bconj);
    free(p->bmin);
    free(p->adj_off);
    free(p->adj_atom);
    free(p->adj_bond);
    free(p->ring_off);
    free(p->ring_atoms);
    free(p->ring_bonds);
    free(p->chg);
    struct scratch *s = p->priv;
    if (s) {
        free(s->bo);
        free(s->inarom);
        free(s->nhx);
        free(s->edon);
        free(s->acand);
        free(s->aseen);
        free(s->dcand);
        free(s->done);
        free(s->istk);
        free(s->jstk);
        free(s->dist);
        free(s->pbond);
        free(s->match);
        free(s->order);
        free(s->cyc);
        free(s->basis);
        free(s->pivot);
        free(s->clen);
        free(s->cidx);
        free(s->crings);
        free(s->neigh);
        free(s->bcount);
        free(s->inset);
        free(s->comp);
        free(s->cna);
        free(s->cnb);
        free(s->roff);
        free(s->radj);
        free(s->rbnd);
        free(s);
    }
    memset(p, 0, sizeof *p);
}

static int reserve(struct perceive *p, size_t n, size_t nb)
{
    struct scratch *s = p->priv;
    if (!s) {
        s = calloc(1, sizeof *s);
        if (!s)
            return -1;
        p->priv = s;
    }
    size_t n1 = n + 1, nb1 = nb + 1;
    if (n1 > p->cap_n) {
        size_t c = p->cap_n ? p->cap_n : 64;
        while (c < n1)
            c *= 2;
#define RA(x) UTIL_REALLOC_OR_FAIL(x, c)
        RA(p->hs); RA(p->implh); RA(p->deg); RA(p->tdeg); RA(p->ring); RA(p->arom); RA(p->hyb);
        RA(p->rad); RA(p->amin); RA(p->val); RA(p->adj_off); RA(p->chg);
        RA(s->inarom); RA(s->nhx); RA(s->edon); RA(s->acand); RA(s->aseen); RA(s->dcand);
        RA(s->done); RA(s->istk); RA(s->jstk); RA(s->dist); RA(s->pbond); RA(s->match);
        RA(s->order); RA(s->inset); RA(s->comp); RA(s->cna); RA(s->cnb); RA(s->roff);
        p->cap_n = c;
    }
    if (nb1 > p->cap_nb) {
        size_t c = p->cap_nb ? p->cap_nb : 64;
        while (c < nb1)
            c *= 2;
        RA(p->btype); RA(p->kek); RA(p->bring); RA(p->bconj); RA(p->bmin); RA(s->bo);
        RA(s->bcount);
        c *= 2;
        RA(p->adj_atom); RA(p->adj_bond); RA(s->radj); RA(s->rbnd);
        p->cap_nb = c / 2;
#undef RA
    }
    return 0;
}

static int default_valence(int z)
{
    return (z >= 0 && z <= 118) ? ptab[z].v[0] : -1;
}

static int nouter(int z)
{
    return (z >= 0 && z <= 118) ? ptab[z].nouter : 0;
}

static int is_early(int z)
{
    switch (z) {
    case 3: case 4: case 5: case 11: case 12: case 13: case 19: case 20: case 31: case 37:
    case 38: case 49: case 55: case 56: case 81: case 87: case 88:
        return 1;
    default:
        return z >= 21 && z <= 118 && default_valence(z) == -1 && nouter(z) < 4;
    }
}

static const char *const elsym[119] = {
    "*", "H", "He", "Li", "Be", "B", "C", "N", "O", "F", "Ne", "Na", "Mg", "Al", "Si", "P", "S",
    "Cl", "Ar", "K", "Ca", "Sc", "Ti", "V", "Cr", "Mn", "Fe", "Co", "Ni", "Cu", "Zn", "Ga", "Ge",
    "As", "Se", "Br", "Kr", "Rb", "Sr", "Y", "Zr", "Nb", "Mo", "Tc", "Ru", "Rh", "Pd", "Ag", "Cd",
    "In", "Sn", "Sb", "Te", "I", "Xe", "Cs", "Ba", "La", "Ce", "Pr", "Nd", "Pm", "Sm", "Eu", "Gd",
    "Tb", "Dy", "Ho", "Er", "Tm", "Yb", "Lu", "Hf", "Ta", "W", "Re", "Os", "Ir", "Pt", "Au", "Hg",
    "Tl", "Pb", "Bi", "Po", "At", "Rn", "Fr", "Ra", "Ac", "Th", "Pa", "U", "Np", "Pu", "Am", "Cm",
    "Bk", "Cf", "Es", "Fm", "Md", "No", "Lr", "Rf", "Db", "Sg", "Bh", "Hs", "Mt", "Ds", "Rg", "Cn",
    "Nh", "Fl", "Mc", "Lv", "Ts", "Og"};

/* Bond valence contribution to atom a, times 2 (aromatic = 3). */
static inline int contrib2(const struct mol *m, const uint8_t *bo, uint32_t b, uint32_t a)
{
    static const uint8_t tab[BO_DATIVE] = {0, 2, 4, 6, 3}; /* OTHER SINGLE DOUBLE TRIPLE AROM. */
    unsigned t = bo[b];
    if (t < BO_DATIVE)
        return tab[t];
    return t == BO_DATIVE && m->bonds[2 * b + 1] == a ? 2 : 0;
}

#define NBR_FOR(p, a, k) for (uint32_t k = (p)->adj_off[a]; k < (p)->adj_off[(a) + 1]; k++)

/* RDKit cleanUp: nitro N(=O)=O, azide N=N#N, halogen oxides X(=O)n. */
static void cleanup(const struct mol *m, struct perceive *p, uint8_t *bo)
{
    for (uint32_t a = 0; a < p->n; a++) {
        int z = m->z[a];
        if (z != 7 && z != 17 && z != 35 && z != 53)
            continue;
        if (p->chg[a] != 0)
            continue;
        int v2 = 0;
        NBR_FOR(p, a, k) v2 += contrib2(m, bo, p->adj_bond[k], a);
        v2 += 2 * (m->nh ? m->nh[a] : 0);
        if (z == 7 && v2 == 10) {
            /* 5-valent N=O (nitro, N-oxides): the first =O becomes [O-], N becomes [N+] */
            int o1 = -1;
            NBR_FOR(p, a, k) {
                uint32_t b = p->adj_bond[k], o = p->adj_atom[k];
                if (bo[b] == BO_DOUBLE && m->z[o] == 8 && o1 < 0)
                    o1 = (int)k;
            }
            if (o1 >= 0) {
                bo[p->adj_bond[o1]] = BO_SINGLE;
                p->chg[p->adj_atom[o1]] = -1;
                p->chg[a] = 1;
                continue;
            }
            /* azide-like: N with a double and a triple bond to N: N=N#N -> N=[N+]=[N-] */
            int tn = -1, dn = -1;
            NBR_FOR(p, a, k) {
                uint32_t b = p->adj_bond[k], o = p->adj_atom[k];
                if (bo[b] == BO_TRIPLE && m->z[o] == 7 && tn < 0) tn = (int)k;
                if (bo[b] == BO_DOUBLE && m->z[o] == 7 && dn < 0) dn = (int)k;
            }
            if (tn >= 0 && dn >= 0) {
                bo[p->adj_bond[tn]] = BO_DOUBLE;
                p->chg[p->adj_atom[tn]] = -1;
                p->chg[a] = 1;
            }
        } else if (z != 7 && (v2 == 14 || v2 == 10 || v2 == 6)) {
            /* halogen oxides with only O neighbours: every =O becomes [O-], charge on X */
            int nd = 0, allo = 1;
            NBR_FOR(p, a, k) {
                uint32_t b = p->adj_bond[k], o = p->adj_atom[k];
                if (m->z[o] != 8)
                    allo = 0;
                if (bo[b] == BO_DOUBLE && m->z[o] == 8)
                    nd++;
            }
            if (!allo || nd == 0)
                continue;
            NBR_FOR(p, a, k) {
                uint32_t b = p->adj_bond[k], o = p->adj_atom[k];
                if (bo[b] == BO_DOUBLE && m->z[o] == 8) {
                    bo[b] = BO_SINGLE;
                    p->chg[o] = -1;
                }
            }
            p->chg[a] = (int8_t)nd;
        }
    }
}

/* Explicit valence (calcExplicitValence, strict) and implicit H (calcImplicitValence) on the
 * input form, aromatic bonds counting 1.5. */
static int valences(const struct mol *m, struct perceive *p, char *err, size_t errlen)
{
    struct scratch *s = p->priv;
    for (uint32_t a = 0; a < p->n; a++) {
        int z = m->z[a];
        int bsum2 = 0;
        NBR_FOR(p, a, k) bsum2 += contrib2(m, s->bo, p->adj_bond[k], a);
        int nh = m->nh ? m->nh[a] : 0;
        /* H atoms removed by RemoveHs (after which RDKit sanitises) stay an explicit count only
         * on atoms that may take no implicit H, chiral-tagged atoms, aromatic N/P and atoms in a
         * non-default valence state; the others are recomputed as implicit H */
        if (nh && !(m->noimp && m->noimp[a]) && !(m->chir && m->chir[a])) {
            int tv = (bsum2 + 1) / 2 + nh, keep = 0;
            if ((z == 7 || z == 15) && s->inarom[a])
                keep = 1;
            for (int i = 1; z <= 118 && i < ptab[z].nv; i++)
                if (ptab[z].v[i] == tv)
                    keep = 1;
            if (!keep)
                nh = 0;
        }
        s->nhx[a] = (uint8_t)nh;
        double accum = bsum2 / 2.0 + nh;
        int dv = default_valence(z);
        int chg = p->chg[a], chr = chg;
        if (is_early(z))
            chr = -chr;
        if (z == 6 && chr > 0)
            chr = -chr;
        if (accum > dv + chr && s->inarom[a]) {
            int pval = dv + chr;
            for (int i = 0; z <= 118 && i < ptab[z].nv && ptab[z].v[i] != -1; i++) {
                int v = ptab[z].v[i] + chr;
                if (v > accum)
                    break;
                pval = v;
            }
            if (accum - pval <= 1.5)
                accum = pval;
        }
        int ev = (int)lround(accum + 0.1);
        {
            int eff = nouter(z) >= 4 ? ev - chg : ev + chg;
            int maxv = z <= 118 ? ptab[z].v[ptab[z].nv - 1] : -1;
            if (maxv > 0 && eff > maxv) {
                snprintf(err, errlen,
                         "Explicit valence for atom # %u %s, %d, is greater than permitted", a,
                         z <= 118 ? elsym[z] : "?", ev);
                return -1;
            }
        }
        p->val[a] = (int16_t)ev;
        /* implicit */
        int impl = 0;
        int noimp = m->noimp ? m->noimp[a] : 0;
        if (!noimp && z != 0 && dv != -1) {
            int eprv = ev + p->rad[a];
            if (m->arom && m->arom[a]) {
                if (eprv <= dv + chr) {
                    impl = dv + chr - eprv;
                } else {
                    int satis = 0;
                    for (int i = 0; i < ptab[z].nv && ptab[z].v[i] > 0; i++)
                        if (eprv == ptab[z].v[i] + chr)
                            satis = 1;
                    if (!satis) {
                        snprintf(err, errlen,
                                 "Explicit valence for aromatic atom # %u not equal to any "
                                 "accepted valence", a);
                        return -1;
                    }
                    impl = 0;
                }
            } else {
                impl = -1;
                for (int i = 0; i < ptab[z].nv && ptab[z].v[i] >= 0; i++) {
                    int tot = ptab[z].v[i] + chr;
                    if (eprv <= tot) {
                        impl = tot - eprv;
                        break;
                    }
                }
                if (impl < 0) {
                    if (ptab[z].v[ptab[z].nv - 1] != -1) {
                        snprintf(err, errlen,
                                 "Explicit valence for atom # %u %s greater than permitted", a,
                                 elsym[z]);
                        return -1;
                    }
                    impl = 0;
                }
            }
        }
        p->implh[a] = (uint8_t)(impl > 255 ? 255 : impl);
        int hs = s->nhx[a] + impl;
        p->hs[a] = (uint8_t)(hs > 255 ? 255 : hs);
        p->deg[a] = (uint8_t)(p->adj_off[a + 1] - p->adj_off[a] > 255 ? 255
                                                                       : p->adj_off[a + 1] -
                                                                             p->adj_off[a]);
        int td = p->deg[a] + hs;
        p->tdeg[a] = (uint8_t)(td > 255 ? 255 : td);
    }
    return 0;
}

/* ---- rings ---------------------------------------------------------------------------- */

/* Ring bonds = non-bridges (iterative DFS with low links). */
static void find_ring_bonds(struct perceive *p)
{
    struct scratch *s = p->priv;
    int *disc = s->dist, *low = s->order, *stk = s->istk, *it = s->jstk, *pb = s->pbond;
    uint32_t n = p->n;
    memset(p->bring, 1, p->nb);
    memset(p->ring, 0, n);
    for (uint32_t i = 0; i < n; i++)
        disc[i] = -1;
    int t = 0;
    for (uint32_t r = 0; r < n; r++) {
        if (disc[r] >= 0)
            continue;
        int sp = 0;
        stk[sp] = (int)r;
        it[sp] = (int)p->adj_off[r];
        pb[r] = -1;
        disc[r] = low[r] = t++;
        while (sp >= 0) {
            int v = stk[sp];
            if ((uint32_t)it[sp] < p->adj_off[v + 1]) {
                uint32_t k = (uint32_t)it[sp]++;
                int w = (int)p->adj_atom[k], b = (int)p->adj_bond[k];
                if (b == pb[v])
                    continue;
                if (disc[w] < 0) {
                    disc[w] = low[w] = t++;
                    pb[w] = b;
                    sp++;
                    stk[sp] = w;
                    it[sp] = (int)p->adj_off[w];
                } else if (disc[w] < low[v]) {
                    low[v] = disc[w];
                }
            } else {
                sp--;
                if (sp >= 0) {
                    int u = stk[sp];
                    if (low[v] < low[u])
                        low[u] = low[v];
                    p->bring[pb[v]] = low[v] <= disc[u];
                }
            }
        }
    }
    for (uint32_t a = 0; a < n; a++)
        NBR_FOR(p, a, k) if (p->bring[p->adj_bond[k]]) p->ring[a] = 1;
}

static int bit_get(const uint64_t *v, uint32_t i)
{
    return (int)((v[i >> 6] >> (i & 63)) & 1);
}

static void bit_set(uint64_t *v, uint32_t i)
{
    v[i >> 6] |= (uint64_t)1 << (i & 63);
}

static uint32_t bond_other(const struct mol *m, uint32_t b, uint32_t a)
{
    return m->bonds[2 * b] == a ? m->bonds[2 * b + 1] : m->bonds[2 * b];
}

/* Relevant cycles (the union of all minimum cycle bases; RDKit's symmetrized SSSR for the usual
 * cases) from Horton's candidate set, filtered by GF(2) independence of strictly smaller ones. */
static int find_rings(const struct mol *m, struct perceive *p)
{
    struct scratch *s = p->priv;
    uint32_t n = p->n, nb = p->nb;
    size_t W = (nb + 63) / 64;
    p->nrings = 0;
    memset(p->amin, 0, n);
    memset(p->bmin, 0, nb);
    if (GROW(p->ring_off, p->cap_r, 1))
        return -1;
    p->ring_off[0] = 0;
    size_t nrb = 0;
    for (uint32_t b = 0; b < nb; b++)
        nrb += p->bring[b];
    if (!nrb)
        return 0;
    s->ncyc = 0;
    /* ring bonds of each atom, in adjacency order: every walk below uses only these */
    const uint32_t *ro = s->roff, *ra = s->radj, *rbd = s->rbnd;
    {
        uint32_t t = 0;
        for (uint32_t a = 0; a < n; a++) {
            s->roff[a] = t;
            NBR_FOR(p, a, k) {
                if (p->bring[p->adj_bond[k]]) {
                    s->radj[t] = p->adj_atom[k];
                    s->rbnd[t++] = p->adj_bond[k];
                }
            }
        }
        s->roff[n] = t;
    }
    int *dist = s->dist, *pb = s->pbond, *q = s->istk;
    uint8_t *mark = s->inset;
    memset(mark, 0, n);
    /* ring systems (components of the ring bonds); a system with one independent cycle is
     * that cycle, the others go through Horton's candidates */
    int ncomp = 0;
    for (uint32_t a = 0; a < n; a++) {
        s->comp[a] = -1;
        dist[a] = -1;
    }
    for (uint32_t a = 0; a < n; a++) {
        if (!p->ring[a] || s->comp[a] >= 0)
            continue;
        int qh = 0, qt = 0, na = 0, nbd = 0;
        q[qt++] = (int)a;
        s->comp[a] = ncomp;
        while (qh < qt) {
            int v = q[qh++];
            na++;
            for (uint32_t k = ro[v]; k < ro[v + 1]; k++) {
                uint32_t b = rbd[k], w = ra[k];
                if (m->bonds[2 * b] == (uint32_t)v)
                    nbd++;
                if (s->comp[w] < 0) {
                    s->comp[w] = ncomp;
                    q[qt++] = (int)w;
                }
            }
        }
        s->cna[ncomp] = na;
        s->cnb[ncomp] = nbd;
        ncomp++;
    }
    for (int c = 0; c < ncomp; c++) {
        if (s->cnb[c] - s->cna[c] + 1 != 1)
            continue;
        if (GROW(s->cyc, s->cap_cyc, (s->ncyc + 1) * W) ||
            GROW(s->clen, s->cap_clen, s->ncyc + 1))
            return -1;
        uint64_t *cy = s->cyc + s->ncyc * W;
        memset(cy, 0, W * sizeof *cy);
        for (uint32_t b = 0; b < nb; b++)
            if (p->bring[b] && s->comp[m->bonds[2 * b]] == c)
                bit_set(cy, b);
        s->clen[s->ncyc++] = s->cnb[c];
    }
    for (uint32_t r = 0; r < n; r++) {
        if (!p->ring[r] || s->cnb[s->comp[r]] - s->cna[s->comp[r]] + 1 == 1)
            continue;
        int qh = 0, qt = 0;
        q[qt++] = (int)r;
        dist[r] = 0;
        pb[r] = -1;
        while (qh < qt) {
            int v = q[qh++];
            for (uint32_t k = ro[v]; k < ro[v + 1]; k++) {
                uint32_t b = rbd[k], w = ra[k];
                if (dist[w] >= 0)
                    continue;
                dist[w] = dist[v] + 1;
                pb[w] = (int)b;
                q[qt++] = (int)w;
            }
        }
        for (int qi = 0; qi < qt; qi++) {
            for (uint32_t kq = ro[q[qi]]; kq < ro[q[qi] + 1]; kq++) {
                uint32_t b = rbd[kq];
                if (m->bonds[2 * b] != (uint32_t)q[qi])
                    continue;
                uint32_t x = m->bonds[2 * b], y = m->bonds[2 * b + 1];
                if (dist[x] < 0 || dist[y] < 0 || pb[x] == (int)b || pb[y] == (int)b)
                    continue;
                if (abs(dist[x] - dist[y]) > 1)
                    continue;
                /* paths x->r and y->r must meet only at r */
                uint32_t v = x;
                while (v != r) {
                    mark[v] = 1;
                    v = bond_other(m, (uint32_t)pb[v], v);
                }
                int ok = 1;
                v = y;
                while (v != r) {
                    if (mark[v]) {
                        ok = 0;
                        break;
                    }
                    v = bond_other(m, (uint32_t)pb[v], v);
                }
                v = x;
                while (v != r) {
                    mark[v] = 0;
                    v = bond_other(m, (uint32_t)pb[v], v);
                }
                if (!ok)
                    continue;
                if (GROW(s->cyc, s->cap_cyc, (s->ncyc + 1) * W) ||
                    GROW(s->clen, s->cap_clen, s->ncyc + 1))
                    return -1;
                uint64_t *c = s->cyc + s->ncyc * W;
                memset(c, 0, W * sizeof *c);
                bit_set(c, b);
                for (v = x; v != r; v = bond_other(m, (uint32_t)pb[v], v))
                    bit_set(c, (uint32_t)pb[v]);
                for (v = y; v != r; v = bond_other(m, (uint32_t)pb[v], v))
                    bit_set(c, (uint32_t)pb[v]);
                int len = dist[x] + dist[y] + 1;
                /* dedupe */
                int dup = 0;
                for (size_t i = 0; i < s->ncyc && !dup; i++)
                    if (s->clen[i] == len) {
                        const uint64_t *o = s->cyc + i * W;
                        size_t w = 0;
                        while (w < W && o[w] == c[w])
                            w++;
                        dup = w == W;
                    }
                if (dup)
                    continue;
                s->clen[s->ncyc++] = len;
            }
        }
        for (int qi = 0; qi < qt; qi++)
            dist[q[qi]] = -1;
    }
    /* order by length (stable) */
    if (GROW(s->cidx, s->cap_cidx, s->ncyc + 1))
        return -1;
    for (size_t i = 0; i < s->ncyc; i++)
        s->cidx[i] = (int)i;
    for (size_t i = 1; i < s->ncyc; i++) { /* insertion sort: few cycles */
        int t = s->cidx[i];
        size_t j = i;
        while (j > 0 && s->clen[s->cidx[j - 1]] > s->clen[t]) {
            s->cidx[j] = s->cidx[j - 1];
            j--;
        }
        s->cidx[j] = t;
    }
    /* GF(2) elimination */
    if (GROW(s->basis, s->cap_basis, (nrb + 1) * W) || GROW(s->pivot, s->cap_pivot, nrb + 1))
        return -1;
    s->nbasis = 0;
    uint64_t *tmp = s->cyc + 0; /* reuse: we need a scratch row */
    (void)tmp;
    size_t nrel = 0, natoms_r = 0;
    uint64_t *row;
    if (GROW(s->cyc, s->cap_cyc, (s->ncyc + 1) * W))
        return -1;
    row = s->cyc + s->ncyc * W;
    size_t gs = 0;
    int *rel = s->order; /* relevant cycle indices (<= n of them is not guaranteed; cap) */
    size_t maxrel = n;
    while (gs < s->ncyc) {
        size_t ge = gs;
        int len = s->clen[s->cidx[gs]];
        while (ge < s->ncyc && s->clen[s->cidx[ge]] == len)
            ge++;
        size_t nb0 = s->nbasis, relstart = nrel;
        for (size_t i = gs; i < ge; i++) {
            const uint64_t *c = s->cyc + (size_t)s->cidx[i] * W;
            memcpy(row, c, W * sizeof *row);
            for (size_t j = 0; j < nb0; j++)
                if (bit_get(row, (uint32_t)s->pivot[j]))
                    for (size_t w = 0; w < W; w++)
                        row[w] ^= s->basis[j * W + w];
            int nz = 0;
            for (size_t w = 0; w < W; w++)
                nz |= row[w] != 0;
            if (nz && nrel < maxrel)
                rel[nrel++] = s->cidx[i];
        }
        for (size_t i = relstart; i < nrel; i++) {
            if (s->nbasis >= nrb)
                break;
            const uint64_t *c = s->cyc + (size_t)rel[i] * W;
            uint64_t *nr = s->basis + s->nbasis * W;
            memcpy(nr, c, W * sizeof *nr);
            for (size_t j = 0; j < s->nbasis; j++)
                if (bit_get(nr, (uint32_t)s->pivot[j]))
                    for (size_t w = 0; w < W; w++)
                        nr[w] ^= s->basis[j * W + w];
            int pv = -1;
            for (size_t w = 0; w < W && pv < 0; w++)
                if (nr[w])
                    pv = (int)(w * 64 + (size_t)__builtin_ctzll(nr[w]));
            if (pv >= 0)
                s->pivot[s->nbasis++] = pv;
        }
        gs = ge;
    }
    /* store rings in cycle order */
    for (size_t i = 0; i < nrel; i++)
        natoms_r += (size_t)s->clen[rel[i]];
    if (GROW(p->ring_off, p->cap_r, nrel + 1) || GROW(p->ring_atoms, p->cap_ra, natoms_r + 1))
        return -1;
    {
        size_t cap = p->cap_ra;
        void *q2 = realloc(p->ring_bonds, cap * sizeof *p->ring_bonds);
        if (!q2)
            return -1;
        p->ring_bonds = q2;
    }
    size_t pos = 0;
    for (size_t i = 0; i < nrel; i++) {
        const uint64_t *c = s->cyc + (size_t)rel[i] * W;
        int len = s->clen[rel[i]];
        uint32_t b0 = 0;
        while (!bit_get(c, b0))
            b0++;
        uint32_t a0 = m->bonds[2 * b0], cur = m->bonds[2 * b0 + 1], pbd = b0;
        p->ring_off[i] = (uint32_t)pos;
        p->ring_atoms[pos] = a0;
        p->ring_bonds[pos] = b0;
        pos++;
        for (int k = 1; k < len; k++) {
            p->ring_atoms[pos] = cur;
            uint32_t nbd = pbd;
            for (uint32_t kk = ro[cur]; kk < ro[cur + 1]; kk++) {
                uint32_t b = rbd[kk];
                if (b != pbd && bit_get(c, b)) {
                    nbd = b;
                    break;
                }
            }
            p->ring_bonds[pos] = nbd;
            pos++;
            cur = bond_other(m, nbd, cur);
            pbd = nbd;
        }
        for (int k = 0; k < len; k++) {
            uint32_t a = p->ring_atoms[p->ring_off[i] + (uint32_t)k];
            uint32_t b = p->ring_bonds[p->ring_off[i] + (uint32_t)k];
            uint8_t L = (uint8_t)(len > 255 ? 255 : len);
            if (!p->amin[a] || p->amin[a] > L)
                p->amin[a] = L;
            if (!p->bmin[b] || p->bmin[b] > L)
                p->bmin[b] = L;
        }
    }
    p->ring_off[nrel] = (uint32_t)pos;
    p->nrings = (uint32_t)nrel;
    return 0;
}

/* ---- kekulization ---------------------------------------------------------------------- */

static int kek_options(const struct perceive *p, const struct scratch *s, uint32_t v)
{
    int c = 0;
    NBR_FOR(p, v, k) {
        uint32_t b = p->adj_bond[k], w = p->adj_atom[k];
        if (s->bo[b] == BO_AROMATIC && s->dcand[w] && s->match[w] < 0)
            c++;
    }
    return c;
}

static int kek_solve(const struct perceive *p, struct scratch *s, const int *cands, int nc)
{
    if (++s->steps > 200000)
        return 0;
    int best = -1, bopt = 1 << 30;
    for (int i = 0; i < nc; i++) {
        int v = cands[i];
        if (s->match[v] >= 0)
            continue;
        int o = kek_options(p, s, (uint32_t)v);
        if (o < bopt) {
            bopt = o;
            best = v;
            if (o == 0)
                break;
        }
    }
    if (best < 0)
        return 1;
    if (bopt == 0)
        return 0;
    NBR_FOR(p, (uint32_t)best, k) {
        uint32_t b = p->adj_bond[k], w = p->adj_atom[k];
        if (s->bo[b] != BO_AROMATIC || !s->dcand[w] || s->match[w] >= 0)
            continue;
        s->match[best] = (int)b;
        s->match[w] = (int)b;
        if (kek_solve(p, s, cands, nc))
            return 1;
        s->match[best] = -1;
        s->match[w] = -1;
    }
    return 0;
}

static int kekulize(const struct mol *m, struct perceive *p, char *err, size_t errlen)
{
    struct scratch *s = p->priv;
    uint32_t n = p->n;
    int any = 0;
    for (uint32_t b = 0; b < p->nb; b++)
        any |= s->bo[b] == BO_AROMATIC;
    if (!any)
        return 0;
    int *cands = s->jstk, nc = 0;
    for (uint32_t a = 0; a < n; a++) {
        s->dcand[a] = 0;
        s->match[a] = -1;
        if (!s->inarom[a])
            continue;
        int z = m->z[a];
        int sbo = 0, narb = 0;
        NBR_FOR(p, a, k) {
            uint32_t b = p->adj_bond[k];
            if (s->bo[b] == BO_AROMATIC) {
                sbo += 1;
                narb++;
            } else {
                sbo += contrib2(m, s->bo, b, a) / 2;
            }
        }
        if (!narb)
            continue;
        sbo += p->hs[a];
        int dv = default_valence(z);
        int chr = p->chg[a];
        if (is_early(z))
            chr = -chr;
        if (z == 6 && chr > 0)
            chr = -chr;
        dv += chr;
        int tbo = p->val[a] + p->implh[a];
        int nrad = p->rad[a];
        int tdeg = p->deg[a] + p->implh[a];
        for (int vi = 1; z <= 118 && tbo > dv && vi < ptab[z].nv && ptab[z].v[vi] > 0; vi++)
            dv = ptab[z].v[vi] + chr;
        if (tdeg + nrad >= dv)
            continue;
        int noimp = m->noimp ? m->noimp[a] : 0;
        if (dv == sbo + 1 + nrad || (!nrad && noimp && dv == sbo + 2)) {
            s->dcand[a] = 1;
            cands[nc++] = (int)a;
        }
    }
    s->steps = 0;
    if (!kek_solve(p, s, cands, nc)) {
        int len = snprintf(err, errlen, "Can't kekulize mol.  Unkekulized atoms:");
        for (int i = 0; i < nc && len > 0 && (size_t)len < errlen; i++)
            if (s->match[cands[i]] < 0)
                len += snprintf(err + len, errlen - (size_t)len, " %d", cands[i]);
        return -1;
    }
    for (uint32_t b = 0; b < p->nb; b++) {
        if (s->bo[b] != BO_AROMATIC)
            continue;
        uint32_t x = m->bonds[2 * b];
        s->bo[b] = (s->match[x] == (int)b) ? BO_DOUBLE : BO_SINGLE;
    }
    return 0;
}

/* assignRadicals for atoms that may not take implicit H and carry none given */
static void assign_radicals(const struct mol *m, struct perceive *p)
{
    struct scratch *s = p->priv;
    for (uint32_t a = 0; a < p->n; a++) {
        int z = m->z[a];
        int noimp = m->noimp ? m->noimp[a] : 0;
        if (!noimp || p->rad[a] || z == 0 || z > 118)
            continue;
        if (ptab[z].nv == 1 && ptab[z].v[0] == -1) {
            /* no valence rule (metals): odd electron count */
            int e = nouter(z) - p->chg[a];
            p->rad[a] = (uint8_t)((e < 0 ? -e : e) % 2);
            continue;
        }
        int bsum2 = 0;
        NBR_FOR(p, a, k) bsum2 += contrib2(m, s->bo, p->adj_bond[k], a);
        int tv = (int)(bsum2 / 2.0 + s->nhx[a] + 0.1);
        int chg = p->chg[a], no = nouter(z);
        int base = (z == 1 || z == 2) ? 2 : 8;
        int nr = base - no - tv + chg;
        if (nr < 0) {
            nr = 0;
            if (ptab[z].nv > 1)
                for (int i = 0; i < ptab[z].nv; i++)
                    if (ptab[z].v[i] - tv + chg >= 0) {
                        nr = ptab[z].v[i] - tv + chg;
                        break;
                    }
        }
        int nr2 = no - tv - chg;
        if (nr2 >= 0 && nr2 < nr)
            nr = nr2;
        p->rad[a] = (uint8_t)nr;
    }
}

/* ---- aromaticity (RDKit default model) -------------------------------------------------- */

static int more_electroneg(int z1, int z2)
{
    int n1 = nouter(z1), n2 = nouter(z2);
    return n1 > n2 || (n1 == n2 && z1 < z2);
}

static int count_atom_elec(const struct mol *m, const struct perceive *p, uint32_t a)
{
    int z = m->z[a];
    int dv = default_valence(z);
    if (dv <= 1)
        return -1;
    const struct scratch *s = p->priv;
    int degree = p->deg[a] + p->hs[a];
    NBR_FOR(p, a, k) if (contrib2(m, s->bo, p->adj_bond[k], a) == 0) degree--;
    if (degree > 3)
        return -1;
    int nlp = nouter(z) - dv;
    nlp -= p->chg[a];
    if (nlp < 0)
        nlp = 0;
    int res = (dv - degree) + nlp - p->rad[a];
    if (res > 1 && p->val[a] - p->deg[a] > 1)
        res = 1;
    return res;
}

/* first non-ring bond with order >= 2; returns the other atom or -1 */
static int noncyclic_multiple(const struct perceive *p, const struct scratch *s, uint32_t a)
{
    NBR_FOR(p, a, k) {
        uint32_t b = p->adj_bond[k];
        if (!p->bring[b] && (s->bo[b] == BO_DOUBLE || s->bo[b] == BO_TRIPLE))
            return (int)p->adj_atom[k];
    }
    return -1;
}

static int cyclic_multiple(const struct perceive *p, const struct scratch *s, uint32_t a)
{
    NBR_FOR(p, a, k) {
        uint32_t b = p->adj_bond[k];
        if (p->bring[b] && (s->bo[b] == BO_DOUBLE || s->bo[b] == BO_TRIPLE))
            return 1;
    }
    return 0;
}

static int donor_type(const struct mol *m, const struct perceive *p, uint32_t a)
{
    const struct scratch *s = p->priv;
    int z = m->z[a];
    if (z == 0)
        return ED_ANY;
    int nelec = count_atom_elec(m, p, a);
    int who;
    if (nelec < 0)
        return ED_NONE;
    if (nelec == 0) {
        if (noncyclic_multiple(p, s, a) >= 0)
            return ED_VACANT;
        if (cyclic_multiple(p, s, a))
            return ED_ONE;
        return ED_NONE;
    }
    if (nelec == 1) {
        if ((who = noncyclic_multiple(p, s, a)) >= 0)
            return more_electroneg(m->z[who], z) ? ED_VACANT : ED_ONE;
        if (p->val[a] != p->deg[a] + s->nhx[a])
            return ED_ONE;
        if (p->chg[a] == 1)
            return ED_VACANT;
        return ED_NONE;
    }
    if ((who = noncyclic_multiple(p, s, a)) >= 0 && more_electroneg(m->z[who], z))
        nelec--;
    return (nelec % 2 == 1) ? ED_ONE : ED_TWO;
}

static int arom_cand(const struct mol *m, const struct perceive *p, uint32_t a, int ed)
{
    const struct scratch *s = p->priv;
    int z = m->z[a];
    if (z > 18 && z != 34 && z != 52)
        return 0;
    if (ed == ED_NONE)
        return 0;
    int dv = default_valence(z);
    if (dv > 0) {
        int zz = z - p->chg[a];
        int dvc = (zz >= 0 && zz <= 118) ? default_valence(zz) : -1;
        if (p->val[a] + p->implh[a] > dvc)
            return 0;
    }
    if (p->rad[a] && (z != 6 || p->chg[a]))
        return 0;
    if (p->val[a] - p->deg[a] > 1) {
        int nmult = 0;
        NBR_FOR(p, a, k) {
            uint8_t t = s->bo[p->adj_bond[k]];
            if (t == BO_DOUBLE || t == BO_TRIPLE)
                nmult++;
        }
        if (nmult > 1)
            return 0;
    }
    return 1;
}

static int huckel(const struct perceive *p, const struct scratch *s, const int *atoms, int na)
{
    int lo = 0, up = 0;
    (void)p;
    for (int i = 0; i < na; i++) {
        switch (s->edon[atoms[i]]) {
        case ED_ANY: up += 2; break;
        case ED_ONE_OR_TWO: lo += 1; up += 2; break;
        case ED_ONE: lo += 1; up += 1; break;
        case ED_TWO: lo += 2; up += 2; break;
        default: break;
        }
    }
    if (up >= 6) {
        for (int e = lo; e <= up; e++)
            if ((e - 2) % 4 == 0)
                return 1;
        return 0;
    }
    return up == 2;
}

#define RING_N(p, r) ((int)((p)->ring_off[(r) + 1] - (p)->ring_off[r]))

static int next_comb(int *comb, int k, int tot)
{
    int c = k - 1;
    while (comb[c] == tot - k + c) {
        c--;
        if (c < 0)
            return -1;
    }
    comb[c]++;
    for (int i = c + 1; i < k; i++)
        comb[i] = comb[i - 1] + 1;
    return c;
}

static int aromaticity(const struct mol *m, struct perceive *p, uint8_t *barom)
{
    struct scratch *s = p->priv;
    uint32_t n = p->n;
    memset(p->arom, 0, n);
    memset(barom, 0, p->nb);
    if (!p->nrings)
        return 0;
    memset(s->aseen, 0, n);
    memset(s->acand, 0, n);
    if (GROW(s->crings, s->cap_cr, p->nrings + 1))
        return -1;
    int ncr = 0;
    for (uint32_t r = 0; r < p->nrings; r++) {
        int all = 1, alldummy = 1;
        for (uint32_t k = p->ring_off[r]; k < p->ring_off[r + 1]; k++) {
            uint32_t a = p->ring_atoms[k];
            if (m->z[a] != 0)
                alldummy = 0;
            if (s->aseen[a]) {
                if (!s->acand[a])
                    all = 0;
                continue;
            }
            s->aseen[a] = 1;
            s->edon[a] = (uint8_t)donor_type(m, p, a);
            s->acand[a] = (uint8_t)arom_cand(m, p, a, s->edon[a]);
            if (!s->acand[a])
                all = 0;
        }
        if (all && !alldummy)
            s->crings[ncr++] = (int)r;
    }
    if (!ncr)
        return 0;
    /* neighbour map: candidate rings sharing a bond (rings over 24 bonds excluded) */
    if (GROW(s->neigh, s->cap_neigh, (size_t)ncr * (size_t)ncr + 1))
        return -1;
    int *nm = s->neigh;
    memset(nm, 0, (size_t)ncr * (size_t)ncr * sizeof *nm);
    for (int i = 0; i < ncr; i++) {
        int ri = s->crings[i];
        if (RING_N(p, ri) > 24)
            continue;
        for (int j = i + 1; j < ncr; j++) {
            int rj = s->crings[j];
            if (RING_N(p, rj) > 24)
                continue;
            int share = 0;
            for (uint32_t a = p->ring_off[ri]; a < p->ring_off[ri + 1]; a++)
                for (uint32_t b = p->ring_off[rj]; b < p->ring_off[rj + 1]; b++)
                    if (p->ring_bonds[a] == p->ring_bonds[b])
                        share++;
            nm[i * ncr + j] = nm[j * ncr + i] = share == 1; /* maxOverlapSize 1 */
        }
    }
    /* fused systems by DFS in RDKit's order */
    uint8_t *fdone = s->done; /* ncr <= nrings <= n */
    memset(fdone, 0, (size_t)ncr);
    int *fused = s->istk, *stk = s->jstk, *comb = s->pbond, *unon = s->order;
    int *sel = s->match;
    int curr = 0;
    long budget = 2000000;
    while (curr < ncr) {
        /* pickFusedRings: recursive preorder over neighbours in index order */
        int nf = 0, sp = 0;
        stk[sp++] = curr;
        /* emulate recursion: iterative with explicit neighbour cursor in dist[] */
        int *cursor = s->dist;
        fdone[curr] = 1;
        fused[nf++] = curr;
        cursor[0] = 0;
        while (sp > 0) {
            int v = stk[sp - 1];
            int j = cursor[sp - 1];
            while (j < ncr && !(nm[v * ncr + j] && !fdone[j]))
                j++;
            if (j >= ncr) {
                sp--;
                continue;
            }
            cursor[sp - 1] = j + 1;
            fdone[j] = 1;
            fused[nf++] = j;
            stk[sp] = j;
            cursor[sp] = 0;
            sp++;
        }
        /* applyHuckelToFused: stop growing combinations once every bond of the system
         * is aromatic */
        int nringbonds = 0, doneb = 0;
        for (int i = 0; i < nf; i++) {
            int r = s->crings[fused[i]];
            for (uint32_t t = p->ring_off[r]; t < p->ring_off[r + 1]; t++)
                s->bcount[p->ring_bonds[t]] = 0;
        }
        for (int i = 0; i < nf; i++) {
            int r = s->crings[fused[i]];
            for (uint32_t t = p->ring_off[r]; t < p->ring_off[r + 1]; t++)
                if (s->bcount[p->ring_bonds[t]] == 0) {
                    s->bcount[p->ring_bonds[t]] = 1;
                    nringbonds++;
                }
        }
        for (int i = 0; i < nf; i++) {
            int r = s->crings[fused[i]];
            for (uint32_t t = p->ring_off[r]; t < p->ring_off[r + 1]; t++)
                s->bcount[p->ring_bonds[t]] = 0; /* bit 16: done; low bits: counter */
        }
        int maxk = nf < 6 ? nf : 6;
        for (int k = 1; k <= maxk; k++) {
            if (doneb >= nringbonds)
                break;
            for (int i = 0; i < k; i++)
                comb[i] = i;
            do {
                if (--budget < 0)
                    break;
                /* fused check (only when the map is non-empty, i.e. always here) */
                if (k > 1) {
                    for (int i = 0; i < ncr; i++)
                        sel[i] = 0;
                    for (int i = 0; i < k; i++)
                        sel[fused[comb[i]]] = 1;
                    int cnt = 0, qs = 0;
                    int *qq = stk;
                    qq[qs++] = fused[comb[0]];
                    sel[fused[comb[0]]] = 2;
                    while (qs > 0) {
                        int v = qq[--qs];
                        cnt++;
                        for (int j = 0; j < ncr; j++)
                            if (sel[j] == 1 && nm[v * ncr + j]) {
                                sel[j] = 2;
                                qq[qs++] = j;
                            }
                    }
                    if (cnt != k)
                        continue;
                }
                /* atoms in one or two of the rings (RDKit #2895) */
                int nu = 0;
                for (int i = 0; i < k; i++) {
                    int r = s->crings[fused[comb[i]]];
                    for (uint32_t t = p->ring_off[r]; t < p->ring_off[r + 1]; t++)
                        s->inset[p->ring_atoms[t]] = 0;
                }
                for (int i = 0; i < k; i++) {
                    int r = s->crings[fused[comb[i]]];
                    for (uint32_t t = p->ring_off[r]; t < p->ring_off[r + 1]; t++) {
                        uint32_t a = p->ring_atoms[t];
                        if (s->inset[a] == 0)
                            unon[nu++] = (int)a;
                        if (s->inset[a] < 255)
                            s->inset[a]++;
                    }
                }
                {
                    int w = 0;
                    for (int i = 0; i < nu; i++)
                        if (s->inset[unon[i]] <= 2)
                            unon[w++] = unon[i];
                    nu = w;
                }
                if (!huckel(p, s, unon, nu))
                    continue;
                for (int i = 0; i < k; i++) {
                    int r = s->crings[fused[comb[i]]];
                    for (uint32_t t = p->ring_off[r]; t < p->ring_off[r + 1]; t++)
                        p->arom[p->ring_atoms[t]] = 1;
                }
                for (int i = 0; i < k; i++) {
                    int r = s->crings[fused[comb[i]]];
                    for (uint32_t t = p->ring_off[r]; t < p->ring_off[r + 1]; t++)
                        s->bcount[p->ring_bonds[t]] &= ~0xffff;
                }
                for (int i = 0; i < k; i++) {
                    int r = s->crings[fused[comb[i]]];
                    for (uint32_t t = p->ring_off[r]; t < p->ring_off[r + 1]; t++)
                        s->bcount[p->ring_bonds[t]]++;
                }
                for (int i = 0; i < k; i++) {
                    int r = s->crings[fused[comb[i]]];
                    for (uint32_t t = p->ring_off[r]; t < p->ring_off[r + 1]; t++) {
                        uint32_t b = p->ring_bonds[t];
                        if ((s->bcount[b] & 0xffff) == 1) {
                            barom[b] = 1;
                            if (!(s->bcount[b] & 0x10000)) {
                                s->bcount[b] |= 0x10000;
                                doneb++;
                            }
                        }
                    }
                }
            } while (next_comb(comb, k, nf) >= 0);
        }
        int rix;
        for (rix = 0; rix < ncr; rix++)
            if (!fdone[rix])
                break;
        if (rix == ncr)
            break;
        curr = rix;
    }
    return 0;
}

/* ---- conjugation and hybridization ------------------------------------------------------ */

/* isAtomConjugCand: first-row atoms, atoms outside groups 15/16, or terminal group-16 atoms
 * (total degree < 2: thiolates, thiocarbonyls), and in each case with electrons to share */
static int conj_cand(const struct mol *m, const struct perceive *p, uint32_t a)
{
    int z = m->z[a], no = nouter(z);
    return (z <= 10 || (no != 5 && no != 6) || (no == 6 && p->tdeg[a] < 2)) &&
           count_atom_elec(m, p, a) > 0;
}

/* p->bconj holds the aromatic bond flags on entry; s->bo the final bond types */
static void conjugation(const struct mol *m, struct perceive *p)
{
    struct scratch *s = p->priv;
    for (uint32_t a = 0; a < p->n; a++) {
        if (!conj_cand(m, p, a))
            continue;
        int sbo = p->deg[a] + p->hs[a];
        if (sbo < 2 || sbo > 3)
            continue;
        NBR_FOR(p, a, k1) {
            uint32_t b1 = p->adj_bond[k1];
            if (contrib2(m, s->bo, b1, a) < 3)
                continue;
            NBR_FOR(p, a, k2) {
                uint32_t b2 = p->adj_bond[k2], a2 = p->adj_atom[k2];
                if (b2 == b1)
                    continue;
                if (p->deg[a2] + p->hs[a2] > 3)
                    continue;
                if (conj_cand(m, p, a2)) {
                    p->bconj[b1] = 1;
                    p->bconj[b2] = 1;
                }
            }
        }
    }
}

/* |v1 . (v2 x v3)| >= 0.1 for the first three neighbours (RDKit's ZERO_VOLUME_TOL) */
static int chiral_volume_nonzero(const struct mol *m, const struct perceive *p, uint32_t a)
{
    const float *p0 = m->pos + 3 * (size_t)a;
    double v[3][3];
    for (int i = 0; i < 3; i++) {
        const float *q = m->pos + 3 * (size_t)p->adj_atom[p->adj_off[a] + (uint32_t)i];
        for (int c = 0; c < 3; c++)
            v[i][c] = (double)q[c] - (double)p0[c];
    }
    double cx = v[1][1] * v[2][2] - v[1][2] * v[2][1];
    double cy = v[1][2] * v[2][0] - v[1][0] * v[2][2];
    double cz = v[1][0] * v[2][1] - v[1][1] * v[2][0];
    double vol = v[0][0] * cx + v[0][1] * cy + v[0][2] * cz;
    return fabs(vol) >= 0.1;
}

static void hybridization(const struct mol *m, struct perceive *p)
{
    for (uint32_t a = 0; a < p->n; a++) {
        int z = m->z[a];
        if (z == 0) {
            p->hyb[a] = HYB_UNSPECIFIED;
            continue;
        }
        int norbs;
        if (z < 89) {
            int deg = p->tdeg[a];
            NBR_FOR(p, a, k) {
                uint32_t b = p->adj_bond[k];
                if (m->bo[b] == BO_DATIVE && m->bonds[2 * b + 1] != a)
                    deg--;
            }
            if (z <= 1) {
                norbs = deg;
            } else {
                int no = nouter(z);
                int tv = p->val[a] + p->implh[a];
                int chg = p->chg[a];
                int nfree = no - (tv + chg);
                if (tv + no - chg < 8) {
                    int nrad = p->rad[a];
                    norbs = deg + (nfree - nrad) / 2 + nrad;
                } else {
                    norbs = deg + nfree / 2;
                }
            }
        } else {
            norbs = p->tdeg[a];
        }
        int h;
        switch (norbs) {
        case 0: case 1: h = HYB_S; break;
        case 2: h = HYB_SP; break;
        case 3: h = HYB_SP2; break;
        case 4: {
            int cj = 0;
            NBR_FOR(p, a, k) cj |= p->bconj[p->adj_bond[k]];
            h = (p->tdeg[a] > 3 || !cj) ? HYB_SP3 : HYB_SP2;
            break;
        }
        case 5: h = HYB_SP3D; break;
        case 6: h = HYB_SP3D2; break;
        default: h = HYB_UNSPECIFIED; break;
        }
        /* an atom of total degree 4 carrying a tetrahedral chiral tag when hybridization is
         * set comes out SP3 (hypervalent S/Se, I, Xe, metals): the SMILES tag, or the tag
         * SDMolSupplier sets on 3D input from a non-zero chiral volume (assignChiralTypesFrom3D,
         * before sanitisation; removed again later for non-stereocentres). (RDKit 2022.09 may
         * instead give some metal centres non-tetrahedral tags from the geometry and then
         * SP3D/SP3D2; that is not modelled.) */
        if (h != HYB_SP3 && p->tdeg[a] == 4 &&
            ((m->chir && (m->chir[a] == 1 || m->chir[a] == 2)) ||
             (m->is3d && m->pos && p->deg[a] >= 3 && (z == 16 || z == 34 || p->hs[a] <= 1) &&
              chiral_volume_nonzero(m, p, a))))
            h = HYB_SP3;
        p->hyb[a] = (uint8_t)h;
    }
}

/* ---- driver ----------------------------------------------------------------------------- */

int perceive_run(const struct mol *m, struct perceive *p, char *err, size_t errlen)
{
    uint32_t n = m->n, nb = m->nb;
    if (n && !m->z) {
        snprintf(err, errlen, "no atomic numbers (\"z\")");
        return -1;
    }
    if (nb && (!m->bonds || !m->bo)) {
        snprintf(err, errlen, "bonds without \"bonds\"/\"bo\"");
        return -1;
    }
    if (reserve(p, n, nb)) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    struct scratch *s = p->priv;
    p->n = n;
    p->nb = nb;
    for (uint32_t a = 0; a < n; a++) {
        if (m->z[a] > 118) {
            snprintf(err, errlen, "atom %u: atomic number %u out of range", a, m->z[a]);
            return -1;
        }
        p->chg[a] = m->chg ? m->chg[a] : 0;
        p->rad[a] = m->rad ? m->rad[a] : 0;
        s->inarom[a] = m->arom ? m->arom[a] : 0;
    }
    /* CSR adjacency in bond order */
    memset(p->adj_off, 0, (n + 1) * sizeof *p->adj_off);
    for (uint32_t b = 0; b < nb; b++) {
        uint32_t x = m->bonds[2 * b], y = m->bonds[2 * b + 1];
        if (x >= n || y >= n || x == y) {
            snprintf(err, errlen, "bond %u: bad atom indices %u-%u", b, x, y);
            return -1;
        }
        p->adj_off[x + 1]++;
        p->adj_off[y + 1]++;
        s->bo[b] = m->bo[b] <= BO_DATIVE ? m->bo[b] : BO_OTHER;
        if (s->bo[b] == BO_AROMATIC) {
            s->inarom[x] = 1;
            s->inarom[y] = 1;
        }
    }
    for (uint32_t a = 0; a < n; a++)
        p->adj_off[a + 1] += p->adj_off[a];
    {
        uint32_t *fill = (uint32_t *)s->dist; /* n ints */
        for (uint32_t a = 0; a < n; a++)
            fill[a] = p->adj_off[a];
        for (uint32_t b = 0; b < nb; b++) {
            uint32_t x = m->bonds[2 * b], y = m->bonds[2 * b + 1];
            p->adj_atom[fill[x]] = y;
            p->adj_bond[fill[x]++] = b;
            p->adj_atom[fill[y]] = x;
            p->adj_bond[fill[y]++] = b;
        }
    }
    cleanup(m, p, s->bo);
    if (valences(m, p, err, errlen))
        return -1;
    find_ring_bonds(p);
    if (find_rings(m, p)) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    if (kekulize(m, p, err, errlen))
        return -1;
    for (uint32_t b = 0; b < nb; b++)
        p->kek[b] = s->bo[b];
    /* explicit valence on the Kekulé form */
    for (uint32_t a = 0; a < n; a++) {
        int v2 = 0;
        NBR_FOR(p, a, k) v2 += contrib2(m, s->bo, p->adj_bond[k], a);
        p->val[a] = (int16_t)(v2 / 2 + s->nhx[a]);
    }
    assign_radicals(m, p);
    if (aromaticity(m, p, p->bconj)) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    for (uint32_t b = 0; b < nb; b++) {
        uint8_t t = s->bo[b];
        if (p->bconj[b] && (t == BO_SINGLE || t == BO_DOUBLE))
            t = BO_AROMATIC;
        p->btype[b] = t;
        s->bo[b] = t;
    }
    conjugation(m, p);
    hybridization(m, p);
    return 0;
}

int perceive_hyb_index(int hyb)
{
    return (hyb >= HYB_SP && hyb <= HYB_SP3D2) ? hyb - HYB_SP : 5;
}

void perceive_atom_features(const struct mol *m, const struct perceive *p, uint8_t *af)
{
    for (uint32_t a = 0; a < p->n; a++) {
        uint8_t *f = af + 9 * (size_t)a;
        int z = m->z[a];
        f[AF_Z] = (uint8_t)((z >= 1 && z <= 118) ? z - 1 : 118);
        f[AF_CHIRAL] = 0;
        f[AF_DEGREE] = (uint8_t)(p->tdeg[a] <= 10 ? p->tdeg[a] : 11);
        int c = p->chg[a];
        f[AF_CHARGE] = (uint8_t)((c >= -5 && c <= 5) ? c + 5 : 11);
        f[AF_NUMH] = (uint8_t)(p->hs[a] <= 8 ? p->hs[a] : 9);
        f[AF_RADICAL] = (uint8_t)(p->rad[a] <= 4 ? p->rad[a] : 5);
        f[AF_HYB] = (uint8_t)perceive_hyb_index(p->hyb[a]);
        f[AF_AROM] = p->arom[a] ? 1 : 0;
        f[AF_RING] = p->ring[a] ? 1 : 0;
    }
}

void perceive_bond_features(const struct mol *m, const struct perceive *p, uint8_t *bf)
{
    (void)m;
    for (uint32_t b = 0; b < p->nb; b++) {
        uint8_t *f = bf + 3 * (size_t)b;
        switch (p->btype[b]) {
        case BO_SINGLE: f[BF_TYPE] = 0; break;
        case BO_DOUBLE: f[BF_TYPE] = 1; break;
        case BO_TRIPLE: f[BF_TYPE] = 2; break;
        case BO_AROMATIC: f[BF_TYPE] = 3; break;
        default: f[BF_TYPE] = 4; break;
        }
        f[BF_STEREO] = 0;
        f[BF_CONJ] = p->bconj[b] ? 1 : 0;
    }
}
