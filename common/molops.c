/* molops.c: element table, bond perception, RDKit-compatible hydrogen removal (see molops.h) */
#include "molops.h"
#include "util.h"

#include <ctype.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

/* Tables indexed by atomic number 0..118, taken from RDKit 2022.09's periodic table
 * (element symbols, most common isotope, Rcov, last entry of the valence list, outer electrons). */
static const char *const sym_tab[ELEM_MAX + 1] = {
    "*",  "H",  "He", "Li", "Be", "B",  "C",  "N",  "O",  "F",  "Ne", "Na", "Mg", "Al", "Si",
    "P",  "S",  "Cl", "Ar", "K",  "Ca", "Sc", "Ti", "V",  "Cr", "Mn", "Fe", "Co", "Ni", "Cu",
    "Zn", "Ga", "Ge", "As", "Se", "Br", "Kr", "Rb", "Sr", "Y",  "Zr", "Nb", "Mo", "Tc", "Ru",
    "Rh", "Pd", "Ag", "Cd", "In", "Sn", "Sb", "Te", "I",  "Xe", "Cs", "Ba", "La", "Ce", "Pr",
    "Nd", "Pm", "Sm", "Eu", "Gd", "Tb", "Dy", "Ho", "Er", "Tm", "Yb", "Lu", "Hf", "Ta", "W",
    "Re", "Os", "Ir", "Pt", "Au", "Hg", "Tl", "Pb", "Bi", "Po", "At", "Rn", "Fr", "Ra", "Ac",
    "Th", "Pa", "U",  "Np", "Pu", "Am", "Cm", "Bk", "Cf", "Es", "Fm", "Md", "No", "Lr", "Rf",
    "Db", "Sg", "Bh", "Hs", "Mt", "Ds", "Rg", "Cn", "Nh", "Fl", "Mc", "Lv", "Ts", "Og"};

static const uint16_t iso_tab[ELEM_MAX + 1] = {
    0,   1,   4,   7,   9,   11,  12,  14,  16,  19,  20,  23,  24,  27,  28,  31,  32,  35,
    40,  39,  40,  45,  48,  50,  52,  55,  56,  59,  58,  63,  64,  69,  74,  75,  80,  79,
    84,  85,  88,  89,  90,  93,  98,  97,  102, 103, 106, 107, 114, 115, 120, 121, 130, 127,
    132, 133, 138, 139, 140, 141, 142, 145, 152, 153, 158, 159, 164, 165, 166, 169, 174, 175,
    180, 181, 184, 187, 192, 193, 195, 197, 202, 205, 208, 209, 209, 210, 211, 223, 223, 227,
    232, 231, 238, 236, 238, 241, 243, 247, 249, 252, 257, 258, 259, 262, 267, 268, 271, 270,
    269, 278, 281, 281, 285, 284, 289, 288, 293, 292, 294};

static const float rcov_tab[ELEM_MAX + 1] = {
    0.00f, 0.23f, 0.93f, 0.68f, 0.35f, 0.83f, 0.68f, 0.68f, 0.68f, 0.64f, 1.12f, 0.97f, 1.10f,
    1.35f, 1.20f, 0.75f, 1.02f, 0.99f, 1.57f, 1.33f, 0.99f, 1.44f, 1.47f, 1.33f, 1.35f, 1.35f,
    1.34f, 1.33f, 1.50f, 1.52f, 1.45f, 1.22f, 1.17f, 1.21f, 1.22f, 1.21f, 1.91f, 1.47f, 1.12f,
    1.78f, 1.56f, 1.48f, 1.47f, 1.35f, 1.40f, 1.45f, 1.50f, 1.59f, 1.69f, 1.63f, 1.46f, 1.46f,
    1.47f, 1.40f, 1.98f, 1.67f, 1.34f, 1.87f, 1.83f, 1.82f, 1.81f, 1.80f, 1.80f, 1.99f, 1.79f,
    1.76f, 1.75f, 1.74f, 1.73f, 1.72f, 1.94f, 1.72f, 1.57f, 1.43f, 1.37f, 1.35f, 1.37f, 1.32f,
    1.50f, 1.50f, 1.70f, 1.55f, 1.54f, 1.54f, 1.68f, 1.70f, 2.40f, 2.00f, 1.90f, 1.88f, 1.79f,
    1.61f, 1.58f, 1.55f, 1.53f, 1.51f, 1.50f, 1.50f, 1.50f, 1.50f, 1.50f, 1.50f, 1.50f, 1.50f,
    1.57f, 1.49f, 1.43f, 1.41f, 1.34f, 1.29f, 1.28f, 1.21f, 1.22f, 1.36f, 1.43f, 1.62f, 1.75f,
    1.65f, 1.57f};

/* largest allowed valence (-1: any) */
static const int8_t maxval_tab[ELEM_MAX + 1] = {
    -1, 1,  0,  1,  2,  3,  4,  3,  2,  1,  0,  1,  -1, 6,  6,  7,  6,  1,  0,  1,  -1, -1, -1, -1,
    -1, -1, -1, -1, -1, -1, -1, 3,  4,  7,  6,  1,  0,  1,  -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
    -1, 3,  4,  7,  6,  5,  6,  1,  -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
    -1, -1, -1, -1, -1, -1, -1, -1, -1, 3,  4,  7,  6,  5,  0,  1,  -1, -1, -1, -1, -1, -1, -1, -1,
    -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1};

static const uint8_t outer_tab[ELEM_MAX + 1] = {
    0, 1, 2, 1, 2, 3, 4, 5, 6, 7, 8, 1, 2, 3, 4, 5, 6, 7, 8, 1, 2, 3, 4,  5,  6,  7,  8,  9,  10, 11,
    2, 3, 4, 5, 6, 7, 8, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 2, 3, 4, 5, 6, 7, 8, 1, 2, 3, 4, 3,
    4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 4, 5, 6, 7, 8, 9, 10, 11, 2, 3, 4, 5, 6, 7, 8, 1, 2,
    3, 4, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2};

/* atomic numbers by first letter of the symbol, 0-terminated */
static const uint8_t first_tab[26][12] = {
    {13, 18, 33, 47, 79, 85, 89, 95, 0, 0, 0, 0},      {4, 5, 35, 56, 83, 97, 107, 0, 0, 0, 0, 0},
    {6, 17, 20, 24, 27, 29, 48, 55, 58, 96, 98, 112},  {66, 105, 110, 0, 0, 0, 0, 0, 0, 0, 0, 0},
    {63, 68, 99, 0, 0, 0, 0, 0, 0, 0, 0, 0},           {9, 26, 87, 100, 114, 0, 0, 0, 0, 0, 0, 0},
    {31, 32, 64, 0, 0, 0, 0, 0, 0, 0, 0, 0},           {1, 2, 67, 72, 80, 108, 0, 0, 0, 0, 0, 0},
    {49, 53, 77, 0, 0, 0, 0, 0, 0, 0, 0, 0},           {0},
    {19, 36, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0},            {3, 57, 71, 103, 116, 0, 0, 0, 0, 0, 0, 0},
    {12, 25, 42, 101, 109, 115, 0, 0, 0, 0, 0, 0},     {7, 10, 11, 28, 41, 60, 93, 102, 113, 0, 0, 0},
    {8, 76, 118, 0, 0, 0, 0, 0, 0, 0, 0, 0},           {15, 46, 59, 61, 78, 82, 84, 91, 94, 0, 0, 0},
    {0},                                               {37, 44, 45, 75, 86, 88, 104, 111, 0, 0, 0, 0},
    {14, 16, 21, 34, 38, 50, 51, 62, 106, 0, 0, 0},    {22, 43, 52, 65, 69, 73, 81, 90, 117, 0, 0, 0},
    {92}, {23}, {74}, {54}, {39, 70}, {30, 40}};

static void set_err(char *err, size_t errlen, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void set_err(char *err, size_t errlen, const char *fmt, ...)
{
    va_list ap;
    if (!err || !errlen)
        return;
    va_start(ap, fmt);
    vsnprintf(err, errlen, fmt, ap);
    va_end(ap);
}

int elem_from_symbol(const char *s, size_t n, uint16_t *iso)
{
    char a, b = 0;
    if (n == 0 || n > 3)
        return -1;
    if (n == 1 && s[0] == '*')
        return 0;
    a = (char)toupper((unsigned char)s[0]);
    if (n >= 2)
        b = (char)tolower((unsigned char)s[1]);
    if (n == 3) { /* only "R##"-like query labels are three characters long */
        return -1;
    }
    if (n == 1) {
        switch (a) {
        case 'A': case 'Q': case 'L': case 'R':
            return 0;
        case 'D':
            if (iso) *iso = 2;
            return 1;
        case 'T':
            if (iso) *iso = 3;
            return 1;
        }
    } else if ((a == 'R' && b == '#') || (a == 'L' && b == 'p')) {
        return 0;
    }
    if (a < 'A' || a > 'Z')
        return -1;
    for (int k = 0; k < 12 && first_tab[a - 'A'][k]; k++) {
        int z = first_tab[a - 'A'][k];
        if (sym_tab[z][1] == b)
            return z;
    }
    return -1;
}

const char *elem_symbol(int z)
{
    return z >= 0 && z <= ELEM_MAX ? sym_tab[z] : "?";
}

int elem_common_isotope(int z)
{
    return z >= 0 && z <= ELEM_MAX ? iso_tab[z] : 0;
}

double elem_covalent_radius(int z)
{
    return z >= 0 && z <= ELEM_MAX ? rcov_tab[z] : 1.5;
}

int mol_is_3d(const struct mol *m)
{
    if (!m->pos)
        return 0;
    for (uint32_t i = 0; i < m->n; i++)
        if (m->pos[3 * i + 2] != 0.0f)
            return 1;
    return 0;
}

/* ---- bond perception ---- */

static int max_nbrs(int z)
{
    switch (z) {
    case 1: case 9: case 17: case 35: case 53: return 1;
    case 8: return 2;
    case 5: case 6: case 7: return 4;
    case 15: return 5;
    case 16: return 6;
    default: return 8;
    }
}

struct cand {
    float rel; /* d / (r_i + r_j) */
    uint16_t i, j;
};

static int cmp_cand(const void *a, const void *b)
{
    const struct cand *x = a, *y = b;
    if (x->rel != y->rel)
        return x->rel < y->rel ? -1 : 1;
    if (x->i != y->i)
        return x->i < y->i ? -1 : 1;
    return (x->j > y->j) - (x->j < y->j);
}

static int cmp_pair(const void *a, const void *b)
{
    const uint16_t *x = a, *y = b;
    if (x[0] != y[0])
        return x[0] < y[0] ? -1 : 1;
    return (x[1] > y[1]) - (x[1] < y[1]);
}

static const float *sort_x_base;
static int cmp_by_x(const void *a, const void *b)
{
    float xa = sort_x_base[3 * *(const uint32_t *)a], xb = sort_x_base[3 * *(const uint32_t *)b];
    if (xa != xb)
        return xa < xb ? -1 : 1;
    return (*(const uint32_t *)a > *(const uint32_t *)b) - (*(const uint32_t *)a < *(const uint32_t *)b);
}

int mol_perceive_bonds(struct mol *m, double tol, char *err, size_t errlen)
{
    uint32_t n = m->n;
    if (!m->pos || !m->z) {
        set_err(err, errlen, "bond perception needs coordinates and elements");
        return -1;
    }
    if (n > MOL_MAX_ATOMS_HARD) {
        set_err(err, errlen, "too many atoms (%u) for bond perception", n);
        return -1;
    }
    if (!(tol >= 0 && tol < 5)) {
        set_err(err, errlen, "bond tolerance %g out of range", tol);
        return -1;
    }
    const float *p = m->pos;
    double rmax = 0;
    for (uint32_t i = 0; i < n; i++)
        if (elem_covalent_radius(m->z[i]) > rmax)
            rmax = elem_covalent_radius(m->z[i]);
    double cut = 2 * rmax + tol;
    uint32_t *ord = emalloc(emul(n ? n : 1, sizeof *ord));
    for (uint32_t i = 0; i < n; i++)
        ord[i] = i;
    sort_x_base = p; /* single-threaded library: qsort has no context argument in C11 */
    qsort(ord, n, sizeof *ord, cmp_by_x);
    size_t ncand = 0, capc = 64;
    struct cand *c = emalloc(capc * sizeof *c);
    for (uint32_t a = 0; a < n; a++) {
        uint32_t i = ord[a];
        double ri = elem_covalent_radius(m->z[i]);
        for (uint32_t b = a + 1; b < n; b++) {
            uint32_t j = ord[b];
            double dx = (double)p[3 * j] - p[3 * i];
            if (dx > cut)
                break;
            if (m->z[i] == 0 || m->z[j] == 0)
                continue;
            double dy = (double)p[3 * j + 1] - p[3 * i + 1];
            double dz = (double)p[3 * j + 2] - p[3 * i + 2];
            double d2 = dx * dx + dy * dy + dz * dz;
            double rs = ri + elem_covalent_radius(m->z[j]);
            double lim = rs + tol;
            if (d2 >= lim * lim || d2 <= 0.16)
                continue;
            if (ncand == capc) {
                capc *= 2;
                c = erealloc(c, emul(capc, sizeof *c));
            }
            c[ncand].rel = (float)(sqrt(d2) / rs);
            c[ncand].i = (uint16_t)(i < j ? i : j);
            c[ncand].j = (uint16_t)(i < j ? j : i);
            ncand++;
        }
    }
    qsort(c, ncand, sizeof *c, cmp_cand);
    uint8_t *deg = ecalloc(n ? n : 1, 1);
    uint16_t *pairs = emalloc(emul(2 * (ncand ? ncand : 1), sizeof *pairs));
    size_t nb = 0;
    for (size_t k = 0; k < ncand; k++) {
        uint16_t i = c[k].i, j = c[k].j;
        if (deg[i] >= max_nbrs(m->z[i]) || deg[j] >= max_nbrs(m->z[j]))
            continue;
        deg[i]++, deg[j]++;
        pairs[2 * nb] = i, pairs[2 * nb + 1] = j;
        nb++;
    }
    qsort(pairs, nb, 2 * sizeof *pairs, cmp_pair);
    /* drop every per-bond array: they described the old bonds */
    for (int f = 0; f < MOL_NFIELDS; f++)
        if (mol_fields[f].lenkind[0] == 'B')
            mol_drop(m, f);
    m->nb = (uint32_t)nb;
    uint16_t *bo = mol_alloc(m, MOL_F_bonds, 2 * nb);
    memcpy(bo, pairs, 2 * nb * sizeof *pairs);
    uint8_t *o = mol_alloc(m, MOL_F_bo, nb);
    memset(o, BO_SINGLE, nb);
    m->has_bonds = 1;
    free(pairs);
    free(deg);
    free(c);
    free(ord);
    return 0;
}

/* ---- hydrogen removal ---- */

/* Adjacency in CSR form, neighbours in bond-index order (RDKit's atom bond order). */
struct adj {
    uint32_t *off; /* n+1 */
    uint32_t *bnd; /* 2nb: bond index */
};

static void adj_build(struct adj *a, const struct mol *m)
{
    uint32_t n = m->n, nb = m->nb;
    a->off = ecalloc(n + 2, sizeof *a->off);
    a->bnd = emalloc(emul(2 * nb + 1, sizeof *a->bnd));
    for (uint32_t b = 0; b < nb; b++) {
        a->off[m->bonds[2 * b] + 1]++;
        a->off[m->bonds[2 * b + 1] + 1]++;
    }
    for (uint32_t i = 0; i < n; i++)
        a->off[i + 1] += a->off[i];
    uint32_t *fill = emalloc(emul(n + 1, sizeof *fill));
    memcpy(fill, a->off, (n + 1) * sizeof *fill);
    for (uint32_t b = 0; b < nb; b++) {
        a->bnd[fill[m->bonds[2 * b]]++] = b;
        if (m->bonds[2 * b + 1] != m->bonds[2 * b])
            a->bnd[fill[m->bonds[2 * b + 1]]++] = b;
    }
    free(fill);
}

static void adj_free(struct adj *a)
{
    free(a->off);
    free(a->bnd);
}

static uint32_t other_end(const struct mol *m, uint32_t b, uint32_t i)
{
    return m->bonds[2 * b] == i ? m->bonds[2 * b + 1] : m->bonds[2 * b];
}

static uint32_t degree(const struct adj *a, uint32_t i)
{
    return a->off[i + 1] - a->off[i];
}

/* Should the H whose bond hb goes to nbr be kept because it defines double-bond stereo?
 * RDKit keeps it when nbr has degree 2 and a double bond, and the H bond has a direction. Only
 * SMILES input carries directions here ("bdir"): RDKit 2022.09's SD reader removes H before it
 * derives directions from coordinates, so imine H atoms of SD records go (checked on 5,400
 * records of the shared data). */
static int defines_bond_stereo(const struct mol *m, const struct adj *a, uint32_t hb,
                               uint32_t nbr)
{
    if (degree(a, nbr) != 2 || !m->bo || !m->bdir || !m->bdir[hb])
        return 0;
    for (uint32_t k = a->off[nbr]; k < a->off[nbr + 1]; k++)
        if (m->bo[a->bnd[k]] == BO_DOUBLE)
            return 1;
    return 0;
}

/* Would RDKit give atom c a non-tetrahedral chiral tag (square planar, trigonal bipyramidal,
 * octahedral)? From SMILES: chir >= 4 (RDKit's tag numbers). From 3D coordinates: RDKit's
 * assignChiralTypesFrom3D, run before removeHs, tags an atom with Z >= 15, 3..6 neighbours,
 * no wavy bond starting at it, and a set of disjoint near-opposite neighbour pairs
 * (cos < -0.9): one pair with 3..5 neighbours, two with 4..5, three with 6. */
static int nontetrahedral(const struct mol *m, const struct adj *a, uint32_t c)
{
    if (m->chir && m->chir[c] >= 4)
        return 1;
    if (m->z[c] < 15 || !m->pos || !m->is3d)
        return 0;
    uint32_t cnt = 0, nz = 0;
    double v[6][3];
    for (uint32_t k = a->off[c]; k < a->off[c + 1]; k++) {
        uint32_t b = a->bnd[k];
        if (m->bst && m->bst[b] == 4 && m->bonds[2 * b] == c && m->bo && m->bo[b] == BO_SINGLE)
            return 0; /* wavy bond */
        if (cnt == 6)
            return 0;
        uint32_t o = other_end(m, b, c);
        double d[3], l = 0;
        for (int q = 0; q < 3; q++) {
            d[q] = (double)m->pos[3 * o + q] - m->pos[3 * c + q];
            l += d[q] * d[q];
        }
        l = sqrt(l);
        if (l < 1e-16)
            return 0;
        for (int q = 0; q < 3; q++)
            v[cnt][q] = d[q] / l;
        cnt++;
        nz += !m->bo || m->bo[b] != BO_OTHER;
    }
    if (nz < 3 || nz + (m->nh ? m->nh[c] : 0) > 6 || cnt < 3)
        return 0;
    int pair[6] = {0}, pairs = 0;
    for (uint32_t i = 0; i < cnt; i++)
        for (uint32_t j = i + 1; j < cnt; j++)
            if (v[i][0] * v[j][0] + v[i][1] * v[j][1] + v[i][2] * v[j][2] < -(1 - 0.1)) {
                if (pair[i] || pair[j])
                    return 0;
                pair[i] = (int)j + 1;
                pair[j] = (int)i + 1;
                pairs++;
            }
    return (pairs == 1 && cnt >= 3 && cnt <= 5) || (pairs == 2 && (cnt == 4 || cnt == 5)) ||
           (pairs == 3 && cnt == 6);
}

/* Flags of the H atoms RDKit's removeHs removes (see molops.h); *count gets their number. */
static uint8_t *removable_h(const struct mol *m, const struct adj *a, uint32_t *count)
{
    uint32_t n = m->n;
    uint8_t *rm = ecalloc(n + 1, 1);
    *count = 0;
    for (uint32_t i = 0; i < n; i++) {
        if (m->z[i] != 1 || degree(a, i) != 1)
            continue; /* not H, or H with no bond / several bonds: kept */
        if (m->iso && m->iso[i])
            continue; /* isotopic H kept */
        uint32_t b = a->bnd[a->off[i]];
        uint32_t nbr = other_end(m, b, i);
        if (nbr == i || m->z[nbr] == 0 || m->z[nbr] == 1)
            continue; /* dummy neighbour, or only H neighbours (H2) */
        if (defines_bond_stereo(m, a, b, nbr))
            continue;
        if (m->z[nbr] >= 15 && nontetrahedral(m, a, nbr))
            continue; /* RDKit keeps H on atoms with non-tetrahedral stereo */
        rm[i] = 1;
        (*count)++;
    }
    return rm;
}

int mol_remove_h(struct mol *m, char *err, size_t errlen)
{
    uint32_t n = m->n, nb = m->nb;
    if (!m->z) {
        set_err(err, errlen, "no atoms ('z' missing)");
        return -1;
    }
    if (nb && !m->bonds) {
        set_err(err, errlen, "bonds missing");
        return -1;
    }
    for (uint32_t b = 0; b < 2 * nb; b++)
        if (m->bonds[b] >= n) {
            set_err(err, errlen, "bond %u refers to atom %u >= %u", b / 2, m->bonds[b], n);
            return -1;
        }
    uint32_t nh_any = 0;
    for (uint32_t i = 0; i < n; i++)
        nh_any += m->z[i] == 1;
    if (!nh_any)
        return 0;

    struct adj a;
    adj_build(&a, m);
    uint32_t nrm = 0;
    uint8_t *rm = removable_h(m, &a, &nrm);
    if (!nrm) {
        adj_free(&a);
        free(rm);
        return 0;
    }

    /* RDKit removes the H atoms one at a time from the highest index down; removing bond hb
     * from a chiral centre's bond list moves it to the end: an odd number of later (still
     * present) bonds means an odd permutation, and the tag is inverted. */
    uint8_t *brm = ecalloc(nb + 1, 1);
    for (uint32_t i = n; i-- > 0;) {
        if (!rm[i])
            continue;
        uint32_t hb = a.bnd[a.off[i]];
        uint32_t hv = other_end(m, hb, i);
        if (m->chir && (m->chir[hv] == 1 || m->chir[hv] == 2)) {
            uint32_t later = 0;
            for (uint32_t k = a.off[hv]; k < a.off[hv + 1]; k++)
                if (a.bnd[k] > hb && !brm[a.bnd[k]])
                    later++;
            if (later & 1)
                m->chir[hv] = (uint8_t)(3 - m->chir[hv]);
        }
        brm[hb] = 1;
    }
    /* explicit H counts on the heavy neighbours */
    if (!m->nh)
        mol_alloc(m, MOL_F_nh, n);
    for (uint32_t i = 0; i < n; i++)
        if (rm[i]) {
            uint32_t hv = other_end(m, a.bnd[a.off[i]], i);
            if (m->nh[hv] < 255)
                m->nh[hv]++;
        }
    adj_free(&a);

    /* new indices */
    uint32_t *amap = emalloc(emul(n + 1, sizeof *amap));
    uint32_t *bmap = emalloc(emul(nb + 1, sizeof *bmap));
    uint32_t nn = 0, nnb = 0;
    for (uint32_t i = 0; i < n; i++)
        amap[i] = rm[i] ? UINT32_MAX : nn++;
    for (uint32_t b = 0; b < nb; b++)
        bmap[b] = brm[b] ? UINT32_MAX : nnb++;
    for (uint32_t b = 0; b < nb; b++) /* a bond between two removed atoms cannot exist (H-H kept) */
        if (!brm[b] && (rm[m->bonds[2 * b]] || rm[m->bonds[2 * b + 1]]))
            bmap[b] = UINT32_MAX; /* defensive: never reached */

    /* compact every array by its length kind */
    for (int f = 0; f < MOL_NFIELDS; f++) {
        void **pp = NULL;
        switch (f) {
#define X(fl, t, rt, key, len)                                                                     \
    case MOL_F_##fl:                                                                               \
        pp = (void **)&m->fl;                                                                      \
        break;
            MOL_ARRAYS(X)
#undef X
        }
        if (!pp || !*pp)
            continue;
        const char *k = mol_fields[f].lenkind;
        size_t es = mol_fields[f].esize;
        char *base = *pp;
        if (k[0] == 'A') {
            size_t w = k[1] ? (size_t)(k[1] - '0') : 1;
            if (m->len[f] != w * n)
                continue;
            size_t o = 0;
            for (uint32_t i = 0; i < n; i++)
                if (!rm[i]) {
                    memmove(base + o * w * es, base + (size_t)i * w * es, w * es);
                    o++;
                }
            m->len[f] = (uint32_t)(w * nn);
        } else if (k[0] == 'B') {
            size_t w = k[1] ? (size_t)(k[1] - '0') : 1;
            if (m->len[f] != w * nb)
                continue;
            size_t o = 0;
            for (uint32_t b = 0; b < nb; b++)
                if (bmap[b] != UINT32_MAX) {
                    memmove(base + o * w * es, base + (size_t)b * w * es, w * es);
                    o++;
                }
            m->len[f] = (uint32_t)(w * nnb);
        } else if (k[0] == 'P') {
            size_t w = k[1] ? (size_t)(k[1] - '0') : 1;
            if (m->len[f] != w * n * n)
                continue;
            size_t o = 0;
            for (uint32_t i = 0; i < n; i++) {
                if (rm[i])
                    continue;
                for (uint32_t j = 0; j < n; j++)
                    if (!rm[j]) {
                        memmove(base + o * w * es, base + ((size_t)i * n + j) * w * es, w * es);
                        o++;
                    }
            }
            m->len[f] = (uint32_t)(w * nn * nn);
        }
    }
    /* bond atom indices, path bond indices */
    for (uint32_t b = 0; b < 2 * nnb; b++)
        m->bonds[b] = (uint16_t)amap[m->bonds[b]];
    if (m->path)
        for (uint32_t k = 0; k < m->len[MOL_F_path]; k++)
            if (m->path[k] != MOL_NO_BOND)
                m->path[k] = m->path[k] < nb && bmap[m->path[k]] != UINT32_MAX
                                 ? (uint16_t)bmap[m->path[k]]
                                 : MOL_NO_BOND;
    m->n = nn;
    m->nb = nnb;
    free(amap);
    free(bmap);
    free(brm);
    free(rm);
    return (int)nrm;
}

/* ---- valence check ---- */

/* Does atom i have a double or triple bond to an uncharged O or N? */
static int n_multi_to_on(const struct mol *m, uint32_t i)
{
    for (uint32_t b = 0; b < m->nb; b++) {
        if (m->bo[b] != BO_DOUBLE && m->bo[b] != BO_TRIPLE)
            continue;
        uint32_t j;
        if (m->bonds[2 * b] == i)
            j = m->bonds[2 * b + 1];
        else if (m->bonds[2 * b + 1] == i)
            j = m->bonds[2 * b];
        else
            continue;
        if ((m->z[j] == 8 || m->z[j] == 7) && (!m->chg || m->chg[j] == 0))
            return 1;
    }
    return 0;
}

int mol_check_valence(const struct mol *m, char *err, size_t errlen)
{
    uint32_t n = m->n;
    if (!m->z)
        return 0;
    /* bond order sums in half units */
    uint32_t *acc2 = ecalloc(n + 1, sizeof *acc2);
    uint32_t *hx = ecalloc(n + 1, sizeof *hx); /* H atoms mol_remove_h would remove */
    uint8_t *arom = ecalloc(n + 1, 1);
    uint8_t *rm = NULL;
    if (m->bonds && m->bo) {
        struct adj a;
        uint32_t cnt;
        for (uint32_t b = 0; b < 2 * m->nb; b++)
            if (m->bonds[b] >= n) {
                set_err(err, errlen, "bond %u refers to atom %u >= %u", b / 2, m->bonds[b], n);
                free(acc2), free(hx), free(arom);
                return -1;
            }
        adj_build(&a, m);
        rm = removable_h(m, &a, &cnt);
        adj_free(&a);
    }
    for (uint32_t b = 0; b < m->nb && m->bonds && m->bo; b++) {
        uint32_t i = m->bonds[2 * b], j = m->bonds[2 * b + 1];
        uint32_t v2 = 0;
        if (rm[i] || rm[j]) { /* same result before or after mol_remove_h */
            hx[rm[i] ? j : i]++;
            continue;
        }
        switch (m->bo[b]) {
        case BO_SINGLE: v2 = 2; break;
        case BO_DOUBLE: v2 = 4; break;
        case BO_TRIPLE: v2 = 6; break;
        case BO_AROMATIC: v2 = 3; arom[i] = arom[j] = 1; break;
        default: v2 = 0; break;
        }
        acc2[i] += v2;
        acc2[j] += v2;
    }
    int ret = 0;
    for (uint32_t i = 0; i < n && !ret; i++) {
        int z = m->z[i];
        if (z <= 0 || z > ELEM_MAX || maxval_tab[z] < 0 || (rm && rm[i]))
            continue;
        int chg = m->chg ? m->chg[i] : 0;
        /* after RDKit's removeHs only some removed H stay explicit (aromatic N/P, atoms with
         * noImplicit); the others are implicit and not part of the explicit valence */
        double accum = acc2[i] / 2.0;
        if ((arom[i] && (z == 7 || z == 15)) || (m->noimp && m->noimp[i]))
            accum += hx[i] + (m->nh ? m->nh[i] : 0);
        /* RDKit: an aromatic atom whose sum exceeds its valence takes the closest allowed
         * valence within 1.5 (kekulisation may lower it) */
        int dv = maxval_tab[z]; /* approximate: default valence handled via the max */
        int chr = chg;
        if (outer_tab[z] < 4) /* early atoms */
            chr = -chr;
        if (z == 6 && chr > 0)
            chr = -chr;
        if (arom[i] && accum > dv + chr && accum - (dv + chr) <= 1.5)
            accum = dv + chr;
        int res = (int)lround(accum + 0.1);
        int eff = outer_tab[z] >= 4 ? res - chg : res + chg;
        if (eff > maxval_tab[z] && z == 7 && chg == 0 && res == 5 && n_multi_to_on(m, i))
            continue; /* RDKit cleanUp first makes nitro/azide-like N charge-separated */
        if (eff > maxval_tab[z]) {
            set_err(err, errlen, "atom %u (%s): explicit valence %d > permitted %d", i + 1,
                    sym_tab[z], res, maxval_tab[z]);
            ret = -1;
        }
    }
    free(acc2);
    free(hx);
    free(arom);
    free(rm);
    return ret;
}
