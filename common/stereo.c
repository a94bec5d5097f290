/* stereo.c: see stereo.h.
 *
 * What RDKit 2022.09 does, and what this file mirrors (rules learnt from RDKit's Chirality.cpp,
 * MolFileStereochem.cpp and MolFileParser.cpp; no code copied):
 *
 * 1. Initial tags. SMILES: the parsed tag ("chir"). Molfiles: RDKit derives tags from the
 *    coordinates before removing hydrogens (stereo_tags_from_coords does the same; the H removal
 *    then permutes them): 3D, assignChiralTypesFrom3D (signed volume of the first three
 *    neighbours in bond order, tolerance 0.1 A^3; 3+ explicit neighbours, total degree <= 4, and
 *    4 unless S/Se; non-tetrahedral tags for Z >= 15 with near-opposite neighbour pairs); 2D,
 *    wedge / hash bonds (atomChiralTypeFromBondDir). Without "chir" on a molfile record,
 *    stereo_assign does the same on the heavy-atom graph (hydrogens' positions are gone: the
 *    centre stands in for the removed H, right except for strained or near-flat centres).
 *    Sanitisation (cleanupChirality) then drops tetrahedral tags on non-SP3 atoms.
 * 2. Bond directions. SMILES: "/" "\" (ENDUPRIGHT / ENDDOWNRIGHT for bonds[2i] -> bonds[2i+1]).
 *    Coordinates: detectBondStereochemistry marks the single bonds around every candidate double
 *    bond (double, not "either", both ends with degree > 1, not in a ring smaller than 8) so that
 *    the geometric cis/trans relation is reproduced; we use the geometry directly.
 * 3. Legacy assignStereochemistry(cleanIt, force, flagPossibleStereoCenters): legacy CIP ranks
 *    (iterateCIPRanks: atomic number / isotope / map number invariants refined by neighbour
 *    ranks repeated twice the bond order, hydrogens as zeros), then alternately assign R/S to
 *    tagged legal centres without duplicate neighbour ranks and E/Z to double bonds with marked
 *    neighbours, re-ranking with the new R/S and E/Z until nothing changes. Finally tags of
 *    atoms without a CIP code are cleared, except ring stereo pairs (findChiralAtomSpecialCases,
 *    e.g. 1,4-disubstituted cyclohexanes). */
#include "stereo.h"

#include "mol.h"
#include "perceive.h"
#include "util.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { DIR_NONE = 0, DIR_UP = 1, DIR_DOWN = 2, DIR_UNKNOWN = 3, DIR_EITHER = 4 };
/* RDKit Atom::ChiralType values beyond the OGB list (all map to OGB "misc") */
enum { RD_CHI_TETRAHEDRAL = 4, RD_CHI_ALLENE = 5, RD_CHI_SQUAREPLANAR = 6,
       RD_CHI_TRIGONALBIPYRAMIDAL = 7, RD_CHI_OCTAHEDRAL = 8 };
enum { CIP_NONE = 0, CIP_S = 1, CIP_R = 2 };

struct st {
    const struct mol *m;
    const struct perceive *p;
    uint32_t n, nb;
    uint32_t *off, *nbr, *nbd; /* adjacency in bond-index order (RDKit's iteration order) */
    uint8_t *tag;              /* working chiral tags (0, 1 CW, 2 CCW) */
    uint8_t *cip;              /* CIP_* */
    uint8_t *bst;              /* working bond stereo (STEREO_*) */
    uint8_t *dir;              /* DIR_* per bond */
    uint8_t *cand;             /* ring stereo candidate cache: 0 unknown, 1 no, 2 yes */
    uint32_t *rank;            /* current CIP ranks */
    int have_ranks;
    int geom;                  /* bond E/Z from coordinates instead of directions */
    /* ranking scratch */
    int32_t *rows;
    size_t rows_cap;
    uint32_t *idx, *tmp;
    uint32_t row_len;
    /* packed ranking (cip_prepare): the neighbour part's length per entry is fixed per
     * molecule, so each row is packed once per round into big-endian byte keys */
    uint8_t *ecnt;             /* [2nb] repeat count of each adjacency entry */
    uint64_t *keys;
    size_t keys_cap;
    uint32_t longest;          /* longest neighbour part */
    int fast;                  /* packed keys usable (n <= 250, degrees <= 64) */
    /* other per-molecule scratch */
    int64_t *inv;
    uint8_t *keep, *seen, *used, *bseen, *single;
    uint32_t *queue;
    int *dh, *td;
    size_t cap_n, cap_nb;      /* capacities of the n- and nb-sized arrays */
};

/* ------------------------------------------------------------------ small helpers */

static uint32_t st_deg(const struct st *s, uint32_t a)
{
    return s->off[a + 1] - s->off[a];
}

static int st_btype(const struct st *s, uint32_t b)
{
    return s->p->btype ? s->p->btype[b] : s->m->bo[b];
}

static int st_hs(const struct st *s, uint32_t a)
{
    return s->p->hs ? s->p->hs[a] : (s->m->nh ? s->m->nh[a] : 0);
}

static int st_iso(const struct st *s, uint32_t a)
{
    return s->m->iso ? s->m->iso[a] : 0;
}

/* Most common isotope mass number (RDKit's table for the elements that matter; else ~2Z). */
static int common_isotope(int z)
{
    static const unsigned char tab[87] = {
        0,   1,   4,   7,   9,   11,  12,  14,  16,  19,  20,  23,  24,  27,  28,  31,  32,  35,
        40,  39,  40,  45,  48,  51,  52,  55,  56,  59,  58,  63,  64,  69,  74,  75,  80,  79,
        84,  85,  88,  89,  90,  93,  98,  98,  102, 103, 106, 107, 114, 115, 120, 121, 130, 127,
        132, 133, 138, 139, 140, 141, 142, 145, 152, 153, 158, 159, 164, 165, 166, 169, 174, 175,
        180, 181, 184, 187, 192, 193, 195, 197, 202, 205, 208, 209, 209, 210, 222};
    if (z >= 0 && z < 87)
        return tab[z];
    return 2 * z + 50;
}

/* Bond counted 2N times (N = bond order as a double; aromatic 1.5 -> 3). */
static unsigned twice_bond_type(int bt)
{
    switch (bt) {
    case BO_SINGLE: return 2;
    case BO_DOUBLE: return 4;
    case BO_TRIPLE: return 6;
    case BO_AROMATIC: return 3;
    case BO_DATIVE: return 2;
    default: return 0;
    }
}

/* ------------------------------------------------------------------ ranking */

static int rows_cmp(const struct st *s, uint32_t a, uint32_t b)
{
    const int32_t *x = s->rows + (size_t)a * s->row_len, *y = s->rows + (size_t)b * s->row_len;
    for (uint32_t k = 0; k < s->row_len; k++)
        if (x[k] != y[k])
            return x[k] < y[k] ? -1 : 1;
    return 0;
}

/* Stable merge sort of s->idx[0..n) by rows; then dense ranks into s->rank. */
static void rank_rows(struct st *s)
{
    uint32_t n = s->n, *a = s->idx, *t = s->tmp;
    for (uint32_t i = 0; i < n; i++)
        a[i] = i;
    for (uint32_t w = 1; w < n; w *= 2) {
        for (uint32_t lo = 0; lo < n; lo += 2 * w) {
            uint32_t mid = lo + w < n ? lo + w : n, hi = lo + 2 * w < n ? lo + 2 * w : n;
            uint32_t i = lo, j = mid, k = lo;
            while (i < mid && j < hi)
                t[k++] = rows_cmp(s, a[j], a[i]) < 0 ? a[j++] : a[i++];
            while (i < mid)
                t[k++] = a[i++];
            while (j < hi)
                t[k++] = a[j++];
        }
        uint32_t *x = a;
        a = t;
        t = x;
    }
    uint32_t cur = 0;
    for (uint32_t i = 0; i < n; i++) {
        if (i > 0 && rows_cmp(s, a[i], a[i - 1]) != 0)
            cur++;
        s->rank[a[i]] = cur;
    }
}

static uint32_t max_rank(const struct st *s)
{
    uint32_t mx = 0;
    for (uint32_t i = 0; i < s->n; i++)
        if (s->rank[i] > mx)
            mx = s->rank[i];
    return mx;
}

static int rows_reserve(struct st *s, size_t need)
{
    void *p = s->rows;
    int r = util_grow(&p, &s->rows_cap, need, sizeof *s->rows);
    s->rows = p;
    return r;
}

/* Neighbour part of atom a's entry: each neighbour's rank+1 repeated (twice the bond order)
 * times, neighbours by decreasing rank, then one 0 per hydrogen. Writes to out (may be NULL to
 * only count); returns the length. */
static uint32_t nbr_entry(const struct st *s, uint32_t a, int32_t *out)
{
    uint32_t len = 0;
    uint32_t nb[64];
    unsigned cnt[64];
    uint32_t k = 0;
    for (uint32_t e = s->off[a]; e < s->off[a + 1] && k < 64; e++, k++) {
        uint32_t o = s->nbr[e], b = s->nbd[e];
        unsigned c;
        if (st_btype(s, b) == BO_DOUBLE && s->m->z[o] == 15 &&
            (st_deg(s, o) == 3 || st_deg(s, o) == 4))
            c = 1; /* quadriligant P: d-orbital contributions neglected */
        else
            c = twice_bond_type(st_btype(s, b));
        /* insertion by decreasing rank */
        uint32_t j = k;
        while (j > 0 && s->rank[nb[j - 1]] < s->rank[o]) {
            nb[j] = nb[j - 1];
            cnt[j] = cnt[j - 1];
            j--;
        }
        nb[j] = o;
        cnt[j] = c;
    }
    for (uint32_t j = 0; j < k; j++) {
        for (unsigned c = 0; c < cnt[j]; c++) {
            if (out)
                out[len] = (int32_t)s->rank[nb[j]] + 1;
            len++;
        }
    }
    int h = st_hs(s, a);
    for (int c = 0; c < h; c++) {
        if (out)
            out[len] = 0;
        len++;
    }
    return len;
}

/* Packed form of the rows of rank_rows: byte 0 the current rank, then each entry value v
 * (-1 padding, 0 hydrogen, rank + 1) as v + 1, so that comparing the keys as unsigned
 * big-endian words orders the atoms exactly as rows_cmp does. */
static int keys_cmp(const uint64_t *x, const uint64_t *y, uint32_t W)
{
    for (uint32_t w = 0; w < W; w++)
        if (x[w] != y[w])
            return x[w] < y[w] ? -1 : 1;
    return 0;
}

/* s->rank from s->keys (W words per atom): dense ranks in key order. */
static void rank_keys(struct st *s, uint32_t W)
{
    uint32_t n = s->n, *a = s->idx, *t = s->tmp;
    const uint64_t *K = s->keys;
    for (uint32_t i = 0; i < n; i++)
        a[i] = i;
    if (n <= 24) {
        for (uint32_t i = 1; i < n; i++) {
            uint32_t x = a[i], j = i;
            while (j > 0 && keys_cmp(K + (size_t)x * W, K + (size_t)a[j - 1] * W, W) < 0) {
                a[j] = a[j - 1];
                j--;
            }
            a[j] = x;
        }
    } else {
        for (uint32_t w = 1; w < n; w *= 2) {
            for (uint32_t lo = 0; lo < n; lo += 2 * w) {
                uint32_t mid = lo + w < n ? lo + w : n, hi = lo + 2 * w < n ? lo + 2 * w : n;
                uint32_t i = lo, j = mid, k = lo;
                while (i < mid && j < hi)
                    t[k++] = keys_cmp(K + (size_t)a[j] * W, K + (size_t)a[i] * W, W) < 0 ? a[j++]
                                                                                          : a[i++];
                while (i < mid)
                    t[k++] = a[i++];
                while (j < hi)
                    t[k++] = a[j++];
            }
            uint32_t *x = a;
            a = t;
            t = x;
        }
    }
    uint32_t cur = 0;
    for (uint32_t i = 0; i < n; i++) {
        if (i > 0 && keys_cmp(K + (size_t)a[i] * W, K + (size_t)a[i - 1] * W, W) != 0)
            cur++;
        s->rank[a[i]] = cur;
    }
}

static int keys_reserve(struct st *s, size_t need)
{
    void *p = s->keys;
    int r = util_grow(&p, &s->keys_cap, need, sizeof *s->keys);
    s->keys = p;
    return r;
}

/* Repeat counts of the adjacency entries as nbr_entry computes them, the longest neighbour
 * part, and whether the packed keys apply (ranks + 2 fit a byte, no neighbour list is cut). */
static void cip_prepare(struct st *s)
{
    uint32_t n = s->n, longest = 0;
    s->fast = n <= 250;
    for (uint32_t a = 0; a < n; a++) {
        if (st_deg(s, a) > 64)
            s->fast = 0;
        uint32_t len = 0;
        for (uint32_t e = s->off[a]; e < s->off[a + 1]; e++) {
            uint32_t o = s->nbr[e], b = s->nbd[e];
            unsigned c;
            if (st_btype(s, b) == BO_DOUBLE && s->m->z[o] == 15 &&
                (st_deg(s, o) == 3 || st_deg(s, o) == 4))
                c = 1;
            else
                c = twice_bond_type(st_btype(s, b));
            s->ecnt[e] = (uint8_t)c;
            len += c;
        }
        len += (uint32_t)st_hs(s, a);
        if (len > longest)
            longest = len;
    }
    s->longest = longest;
}

/* Sort n single-word keys whose low 8 bits hold the atom index (n <= 256), then dense ranks by
 * the bits above it; s->idx gets the atoms in key order, s->single[a] = 1 for an atom alone in
 * its rank. Returns the number of ranks. */
static uint32_t rank_words(struct st *s, uint64_t *k, uint32_t n)
{
    if (n <= 32) {
        for (uint32_t i = 1; i < n; i++) {
            uint64_t x = k[i];
            uint32_t j = i;
            while (j > 0 && k[j - 1] > x) {
                k[j] = k[j - 1];
                j--;
            }
            k[j] = x;
        }
    } else {
        uint64_t *a = k, *t = k + n;
        for (uint32_t w = 1; w < n; w *= 2) {
            for (uint32_t lo = 0; lo < n; lo += 2 * w) {
                uint32_t mid = lo + w < n ? lo + w : n, hi = lo + 2 * w < n ? lo + 2 * w : n;
                uint32_t i = lo, j = mid, o = lo;
                while (i < mid && j < hi)
                    t[o++] = a[j] < a[i] ? a[j++] : a[i++];
                while (i < mid)
                    t[o++] = a[i++];
                while (j < hi)
                    t[o++] = a[j++];
            }
            uint64_t *x = a;
            a = t;
            t = x;
        }
        k = a;
    }
    uint32_t cur = 0;
    for (uint32_t i = 0; i < n; i++) {
        uint32_t a = (uint32_t)(k[i] & 0xff);
        int lo = i > 0 && (k[i] >> 8) == (k[i - 1] >> 8);
        int hi = i + 1 < n && (k[i] >> 8) == (k[i + 1] >> 8);
        if (i > 0 && !lo)
            cur++;
        s->rank[a] = cur;
        s->idx[i] = a;
        s->single[a] = !lo && !hi;
    }
    return cur + 1;
}

/* cip_iterate with packed keys (s->fast). When every row fits 56 bits with b bits per entry
 * (values up to n + 1), a row is one word (entries big-endian from bit 63, atom index in the
 * low byte); else bytes over W words (rank_keys). */
static int cip_iterate_keys(struct st *s, const int64_t *invars)
{
    uint32_t n = s->n;
    if (keys_reserve(s, 3 * (size_t)n))
        return -1;
    uint32_t b = 1;
    while ((1u << b) <= n + 1)
        b++;
    if (n <= 256 && b * (1 + s->longest) <= 56) {
        uint64_t *k = s->keys, rep[8];
        uint32_t tot = b * (1 + s->longest);
        /* rep[c]: c fields of 1; an entry v repeated c times is v * rep[c] */
        rep[0] = 0;
        for (int c = 1; c < 8; c++)
            rep[c] = rep[c - 1] << b | 1;
        /* per atom the hydrogen zeros and the padding are fixed: one shift and one OR */
        uint64_t *tail = k + 2 * (size_t)n;
        uint32_t *tsh = s->tmp;
        for (uint32_t a = 0; a < n; a++) {
            uint32_t len = 0, h = (uint32_t)st_hs(s, a);
            for (uint32_t e = s->off[a]; e < s->off[a + 1]; e++)
                len += s->ecnt[e];
            uint64_t hp = 0;
            for (uint32_t c = 0; c < h; c++)
                hp = hp << b | 1;
            uint32_t pad = s->longest - len - h;
            tail[a] = hp << (b * pad);
            tsh[a] = b * (h + pad);
        }
        for (uint32_t i = 0; i < n; i++)
            k[i] = (uint64_t)((uint32_t)(int32_t)invars[i] ^ 0x80000000u) << 8 | i;
        uint32_t nranks = rank_words(s, k, n);
        uint32_t max_its = n / 2 + 1, its = 0;
        long last = -1;
        while (nranks < n && its < max_its && (last < 0 || (uint32_t)last < nranks)) {
            /* keys in the previous rank order (nearly sorted for the insertion sort); an atom
             * alone in its rank is ordered by the rank alone */
            for (uint32_t t = 0; t < n; t++) {
                uint32_t a = s->idx[t];
                if (s->single[a]) {
                    k[t] = (uint64_t)s->rank[a] << (64 - b) | a;
                    continue;
                }
                uint32_t rc[64], m = 0; /* rank << 8 | repeat count, by decreasing rank */
                uint64_t acc = s->rank[a];
                for (uint32_t e = s->off[a]; e < s->off[a + 1]; e++, m++) {
                    uint32_t x = s->rank[s->nbr[e]] << 8 | s->ecnt[e], j = m;
                    while (j > 0 && rc[j - 1] < x) {
                        rc[j] = rc[j - 1];
                        j--;
                    }
                    rc[j] = x;
                }
                for (uint32_t j = 0; j < m; j++) {
                    uint32_t c = rc[j] & 0xff;
                    acc = acc << (b * c) | ((uint64_t)(rc[j] >> 8) + 2) * rep[c];
                }
                acc = acc << tsh[a] | tail[a];
                k[t] = acc << (64 - tot) | a;
            }
            last = (long)nranks;
            nranks = rank_words(s, k, n);
            its++;
        }
        return 0;
    }
    for (uint32_t i = 0; i < n; i++)
        s->keys[i] = (uint64_t)((uint32_t)(int32_t)invars[i] ^ 0x80000000u);
    rank_keys(s, 1);
    uint32_t max_its = n / 2 + 1, its = 0;
    long last = -1;
    uint32_t nranks = max_rank(s) + 1;
    uint32_t W = (1 + s->longest + 7) / 8;
    if (nranks < n && keys_reserve(s, (size_t)n * W))
        return -1;
    while (nranks < n && its < max_its && (last < 0 || (uint32_t)last < nranks)) {
        memset(s->keys, 0, (size_t)n * W * sizeof *s->keys);
        for (uint32_t a = 0; a < n; a++) {
            uint64_t *kw = s->keys + (size_t)a * W;
            uint32_t rr[64], cc[64], k = 0, pos = 1;
            kw[0] = (uint64_t)s->rank[a] << 56;
            for (uint32_t e = s->off[a]; e < s->off[a + 1]; e++, k++) {
                uint32_t r = s->rank[s->nbr[e]], j = k;
                while (j > 0 && rr[j - 1] < r) {
                    rr[j] = rr[j - 1];
                    cc[j] = cc[j - 1];
                    j--;
                }
                rr[j] = r;
                cc[j] = s->ecnt[e];
            }
            for (uint32_t j = 0; j < k; j++) {
                uint64_t v = rr[j] + 2;
                for (uint32_t c = 0; c < cc[j]; c++, pos++)
                    kw[pos >> 3] |= v << (56 - ((pos & 7) << 3));
            }
            for (int h = st_hs(s, a); h > 0; h--, pos++)
                kw[pos >> 3] |= (uint64_t)1 << (56 - ((pos & 7) << 3));
        }
        last = (long)nranks;
        rank_keys(s, W);
        nranks = max_rank(s) + 1;
        its++;
    }
    return 0;
}

/* iterateCIPRanks. RDKit starts each atom's entry with (atomic number, invariant rank), or with
 * the invariant itself when re-ranking (seeded), appends the sorted neighbour part, ranks, and
 * keeps the history of its ranks as the entry's prefix. Every new rank orders atoms exactly as
 * that whole prefix does (each rank refines the previous ones; the invariant sorts by atomic
 * number first), so the prefix is replaced by the current rank: same ranks, no O(n^2) history.
 * Stops when all ranks are distinct, the number of ranks stops growing, or after n/2+1 rounds. */
static int cip_iterate(struct st *s, const int64_t *invars, int seeded)
{
    uint32_t n = s->n;
    (void)seeded;
    if (n == 0)
        return 0;
    if (s->fast)
        return cip_iterate_keys(s, invars);
    /* initial ranks from the invariants */
    s->row_len = 1;
    if (rows_reserve(s, n))
        return -1;
    for (uint32_t i = 0; i < n; i++)
        s->rows[i] = (int32_t)invars[i];
    rank_rows(s);
    uint32_t max_its = n / 2 + 1, its = 0;
    long last = -1;
    uint32_t nranks = max_rank(s) + 1;
    while (nranks < n && its < max_its && (last < 0 || (uint32_t)last < nranks)) {
        uint32_t longest = 0;
        for (uint32_t i = 0; i < n; i++) {
            uint32_t l = nbr_entry(s, i, NULL);
            if (l > longest)
                longest = l;
        }
        s->row_len = 1 + longest;
        if (rows_reserve(s, (size_t)n * s->row_len))
            return -1;
        for (uint32_t i = 0; i < n; i++) {
            int32_t *r = s->rows + (size_t)i * s->row_len;
            r[0] = (int32_t)s->rank[i];
            uint32_t l = nbr_entry(s, i, r + 1);
            for (uint32_t k = 1 + l; k < s->row_len; k++)
                r[k] = -1;
        }
        last = (long)nranks;
        rank_rows(s);
        nranks = max_rank(s) + 1;
        its++;
    }
    return 0;
}

static int cip_ranks(struct st *s)
{
    uint32_t n = s->n;
    int64_t *inv = s->inv;
    for (uint32_t i = 0; i < n; i++) {
        int z = s->m->z[i], iso = st_iso(s, i);
        int mass = 0;
        if (iso) {
            mass = iso - common_isotope(z);
            if (mass >= 0)
                mass += 1;
        }
        mass += 512;
        mass = mass < 0 ? 0 : mass % 1024;
        int map = -1;
        if (s->m->aclass && s->m->aclass[i])
            map = s->m->aclass[i];
        map = (map + 1) % 1024;
        inv[i] = ((int64_t)((z % 128) << 10 | mass) << 10) | map;
    }
    int r = cip_iterate(s, inv, 0);
    s->have_ranks = 1;
    return r;
}

/* rerankAtoms: ranks refined by the R/S and E/Z found so far. */
static int cip_rerank(struct st *s)
{
    uint32_t n = s->n;
    int64_t factor = 100;
    while (factor < (int64_t)n)
        factor *= 10;
    int64_t *inv = s->inv;
    for (uint32_t i = 0; i < n; i++) {
        inv[i] = (int64_t)s->rank[i] * factor;
        if (s->cip[i] == CIP_S)
            inv[i] += 10;
        else if (s->cip[i] == CIP_R)
            inv[i] += 20;
        for (uint32_t e = s->off[i]; e < s->off[i + 1]; e++) {
            uint32_t b = s->nbd[e];
            if (st_btype(s, b) != BO_DOUBLE)
                continue;
            if (s->bst[b] == STEREO_E)
                inv[i] += 1;
            else if (s->bst[b] == STEREO_Z)
                inv[i] += 2;
        }
    }
    return cip_iterate(s, inv, 1);
}

/* ------------------------------------------------------------------ ring helpers */

static int bond_in_ring(const struct st *s, uint32_t b)
{
    if (s->p->bring)
        return s->p->bring[b] != 0;
    return s->p->bmin && s->p->bmin[b] != 0;
}

static int atom_in_ring(const struct st *s, uint32_t a)
{
    if (s->p->ring)
        return s->p->ring[a] != 0;
    for (uint32_t e = s->off[a]; e < s->off[a + 1]; e++)
        if (bond_in_ring(s, s->nbd[e]))
            return 1;
    return 0;
}

/* shouldDetectDoubleBondStereo: not in a ring, or the smallest ring is larger than 7. */
static int should_detect(const struct st *s, uint32_t b)
{
    if (!bond_in_ring(s, b))
        return 1;
    return s->p->bmin && s->p->bmin[b] > 7;
}

static int atom_in_ring_size(const struct st *s, uint32_t a, uint32_t size)
{
    const struct perceive *p = s->p;
    if (!p->ring_off)
        return 0;
    for (uint32_t r = 0; r < p->nrings; r++) {
        if (p->ring_off[r + 1] - p->ring_off[r] != size)
            continue;
        for (uint32_t k = p->ring_off[r]; k < p->ring_off[r + 1]; k++)
            if (p->ring_atoms[k] == a)
                return 1;
    }
    return 0;
}

static int ring_has_bond(const struct perceive *p, uint32_t r, uint32_t b)
{
    for (uint32_t k = p->ring_off[r]; k < p->ring_off[r + 1]; k++)
        if (p->ring_bonds[k] == b)
            return 1;
    return 0;
}

/* queryIsAtomBridgehead: 3+ ring bonds, and two rings sharing more than one bond, one of them
 * a bond of this atom. */
static int atom_is_bridgehead(const struct st *s, uint32_t a)
{
    const struct perceive *p = s->p;
    if (st_deg(s, a) < 3 || !p->ring_off || !p->ring_bonds)
        return 0;
    uint32_t nrb = 0;
    for (uint32_t e = s->off[a]; e < s->off[a + 1]; e++)
        nrb += bond_in_ring(s, s->nbd[e]) != 0;
    if (nrb < 3)
        return 0;
    for (uint32_t i = 0; i < p->nrings; i++) {
        int in_i = 0;
        for (uint32_t e = s->off[a]; e < s->off[a + 1] && !in_i; e++)
            in_i = ring_has_bond(p, i, s->nbd[e]);
        if (!in_i)
            continue;
        for (uint32_t j = i + 1; j < p->nrings; j++) {
            uint32_t shared = 0;
            int touches = 0;
            for (uint32_t k = p->ring_off[i]; k < p->ring_off[i + 1]; k++) {
                uint32_t b = p->ring_bonds[k];
                if (!ring_has_bond(p, j, b))
                    continue;
                shared++;
                if (s->m->bonds[2 * b] == a || s->m->bonds[2 * b + 1] == a)
                    touches = 1;
            }
            if (shared > 1 && touches)
                return 1;
        }
    }
    return 0;
}

/* ------------------------------------------------------------------ atoms */

static int bond_affects_chirality(const struct st *s, uint32_t b, uint32_t a)
{
    return !(s->m->bo[b] == BO_DATIVE && s->m->bonds[2 * b] == a);
}

static int is_protium(const struct st *s, uint32_t a)
{
    return s->m->z[a] == 1 && (st_iso(s, a) == 0 || st_iso(s, a) == 1);
}

/* isAtomPotentialChiralCenter: returns legal; *dupes set when two neighbours share a rank. */
static int atom_legal(const struct st *s, uint32_t a, int *dupes)
{
    int z = s->m->z[a], hs = st_hs(s, a);
    uint32_t nz = 0;
    *dupes = 0;
    for (uint32_t e = s->off[a]; e < s->off[a + 1]; e++)
        nz += bond_affects_chirality(s, s->nbd[e], a) != 0;
    uint32_t tnz = nz + (uint32_t)hs;
    int legal = 1;
    if (tnz > 4 || tnz < 3) {
        legal = 0;
    } else if (nz < 3 && z != 15 && z != 33) {
        legal = 0;
    } else if (nz == 3) {
        if (hs == 1) {
            for (uint32_t e = s->off[a]; e < s->off[a + 1]; e++)
                if (is_protium(s, s->nbr[e]))
                    legal = 0;
        } else {
            legal = 0;
            if (z == 7) {
                if (atom_in_ring_size(s, a, 3) || atom_is_bridgehead(s, a))
                    legal = 1;
            } else if (z == 15 || z == 33) {
                legal = 1;
            } else if (z == 16 || z == 34) {
                int v = s->p->val ? s->p->val[a] : 0;
                int chg = s->m->chg ? s->m->chg[a] : 0;
                if (v == 4 || (v == 3 && chg == 1))
                    legal = 1;
            }
        }
    }
    if (!legal)
        return 0;
    for (uint32_t e = s->off[a]; e < s->off[a + 1]; e++) {
        if (!bond_affects_chirality(s, s->nbd[e], a))
            continue;
        for (uint32_t f = s->off[a]; f < e; f++) {
            if (!bond_affects_chirality(s, s->nbd[f], a))
                continue;
            if (s->rank[s->nbr[f]] == s->rank[s->nbr[e]]) {
                *dupes = 1;
                return 1;
            }
        }
    }
    return 1;
}

/* assignAtomChiralCodes; returns (unassigned > 0) and sets *changed. */
static int assign_atom_codes(struct st *s, int *changed)
{
    uint32_t unassigned = 0;
    *changed = 0;
    for (uint32_t a = 0; a < s->n; a++) {
        if (s->cip[a])
            continue;
        int dupes, tag = s->tag[a];
        int legal = atom_legal(s, a, &dupes);
        if (!legal)
            continue;
        unassigned++;
        if (dupes || (tag != CHI_TETRAHEDRAL_CW && tag != CHI_TETRAHEDRAL_CCW))
            continue;
        *changed = 1;
        unassigned--;
        /* parity of the permutation from bond order to increasing neighbour rank */
        uint32_t k = 0, r[64];
        for (uint32_t e = s->off[a]; e < s->off[a + 1] && k < 64; e++)
            r[k++] = s->rank[s->nbr[e]];
        int swaps = 0;
        for (uint32_t i = 0; i < k; i++)
            for (uint32_t j = i + 1; j < k; j++)
                swaps += r[i] > r[j];
        if (k == 3 && st_hs(s, a) == 1)
            swaps++;
        if (swaps % 2)
            tag = tag == CHI_TETRAHEDRAL_CCW ? CHI_TETRAHEDRAL_CW : CHI_TETRAHEDRAL_CCW;
        s->cip[a] = tag == CHI_TETRAHEDRAL_CCW ? CIP_S : CIP_R;
    }
    return unassigned > 0;
}

/* atomIsCandidateForRingStereochem (cached per call of the cleanup) */
static int ring_stereo_cand(struct st *s, uint32_t a)
{
    if (s->cand[a])
        return s->cand[a] == 2;
    int res = 0;
    if (atom_in_ring(s, a)) {
        /* three-coordinate N (explicit neighbours, whatever its H count: [NH+] too) only in a
         * 3-ring or as a bridgehead; quaternary N is a candidate (as RDKit 2022.09) */
        if (s->m->z[a] == 7 && st_deg(s, a) == 3 && !atom_in_ring_size(s, a, 3) &&
            !atom_is_bridgehead(s, a))
            return 0; /* not cached, as RDKit */
        uint32_t nonring[64], nn = 0, nring = 0, rk[64], nrk = 0;
        for (uint32_t e = s->off[a]; e < s->off[a + 1]; e++) {
            uint32_t o = s->nbr[e];
            if (!bond_in_ring(s, s->nbd[e])) {
                if (nn < 64)
                    nonring[nn++] = o;
            } else {
                nring++;
                uint32_t q = 0;
                while (q < nrk && rk[q] != s->rank[o])
                    q++;
                if (q == nrk && nrk < 64)
                    rk[nrk++] = s->rank[o];
            }
        }
        switch (nn) {
        case 2: res = s->rank[nonring[0]] != s->rank[nonring[1]]; break;
        case 1: res = nring >= 2; break;
        case 0: res = (nring == 4 && nrk == 3) || (nring == 3 && nrk == 2); break;
        default: res = 0;
        }
    }
    s->cand[a] = res ? 2 : 1;
    return res;
}

/* findChiralAtomSpecialCases: keep[a] = 1 for tagged ring atoms without a CIP code that pair
 * with another such atom of the same ring system. */
static int ring_special_cases(struct st *s, uint8_t *keep)
{
    uint32_t n = s->n, nb = s->nb;
    uint8_t *seen = s->seen, *used = s->used, *bseen = s->bseen;
    uint32_t *queue = s->queue;
    memset(seen, 0, n + 1);
    memset(used, 0, n + 1);
    memset(bseen, 0, nb + 1);
    memset(keep, 0, n);
    memset(s->cand, 0, n);
    for (uint32_t a = 0; a < n; a++) {
        if (seen[a])
            continue;
        if (!s->tag[a] || s->cip[a] || !atom_in_ring(s, a) || !ring_stereo_cand(s, a))
            continue;
        uint32_t qh = 0, qt = 0;
        for (uint32_t e = s->off[a]; e < s->off[a + 1]; e++) {
            uint32_t b = s->nbd[e];
            if (bseen[b])
                continue;
            bseen[b] = 1;
            if (bond_in_ring(s, b)) {
                uint32_t o = s->nbr[e];
                if (!seen[o]) {
                    queue[qt++] = o;
                    used[o] = 1;
                }
            }
        }
        int found = 0;
        while (qh < qt) {
            uint32_t r = queue[qh++];
            seen[r] = 1;
            if (s->tag[r] && !s->cip[r] && ring_stereo_cand(s, r)) {
                keep[r] = 1;
                found = 1;
            }
            for (uint32_t e = s->off[r]; e < s->off[r + 1]; e++) {
                uint32_t b = s->nbd[e];
                if (bseen[b])
                    continue;
                bseen[b] = 1;
                if (bond_in_ring(s, b)) {
                    uint32_t o = s->nbr[e];
                    if (!seen[o] && !used[o] && qt < n) {
                        queue[qt++] = o;
                        used[o] = 1;
                    }
                }
            }
        }
        if (found)
            keep[a] = 1;
        seen[a] = 1;
    }
    return 0;
}

/* ------------------------------------------------------------------ bonds */

struct nbrdir {
    uint32_t atom;
    int dir;
};

/* findAtomNeighborDirHelper: neighbours of a (other than via ref) with their direction as seen
 * from a; empty when no neighbour bond is directed or the two neighbours are equivalent. */
static uint32_t nbr_dirs(const struct st *s, uint32_t a, uint32_t ref, struct nbrdir *out,
                         int *unknown)
{
    uint32_t k = 0;
    int seen = 0;
    for (uint32_t e = s->off[a]; e < s->off[a + 1]; e++) {
        uint32_t b = s->nbd[e];
        int d = s->dir[b];
        if (d == DIR_UNKNOWN)
            *unknown = 1;
        if (b == ref)
            continue;
        if (d == DIR_UP || d == DIR_DOWN) {
            seen = 1;
            if (s->m->bonds[2 * b] != a)
                d = d == DIR_DOWN ? DIR_UP : DIR_DOWN;
        }
        if (k < 4) {
            out[k].atom = s->nbr[e];
            out[k].dir = d;
            k++;
        }
    }
    if (!seen)
        return 0;
    if (k == 2 && s->rank[out[0].atom] == s->rank[out[1].atom])
        return 0;
    if (out[0].dir != DIR_UP && out[0].dir != DIR_DOWN) {
        if (k > 1)
            out[0].dir = out[1].dir == DIR_DOWN ? DIR_UP : DIR_DOWN;
    } else if (k > 1 && out[1].dir != DIR_UP && out[1].dir != DIR_DOWN) {
        out[1].dir = out[0].dir == DIR_DOWN ? DIR_UP : DIR_DOWN;
    }
    return k;
}

static void vsub(const float *a, const float *b, double *o)
{
    o[0] = (double)a[0] - b[0];
    o[1] = (double)a[1] - b[1];
    o[2] = (double)a[2] - b[2];
}

static void vcross(const double *a, const double *b, double *o)
{
    o[0] = a[1] * b[2] - a[2] * b[1];
    o[1] = a[2] * b[0] - a[0] * b[2];
    o[2] = a[0] * b[1] - a[1] * b[0];
}

static double vdot(const double *a, const double *b)
{
    return a[0] * b[0] + a[1] * b[1] + a[2] * b[2];
}

/* 1 if x (bonded to a) and y (bonded to b) are cis across a=b: dihedral below 90 degrees. */
static int geom_cis(const struct st *s, uint32_t x, uint32_t a, uint32_t b, uint32_t y)
{
    const float *P = s->m->pos;
    double b1[3], b2[3], b3[3], n1[3], n2[3];
    vsub(P + 3 * a, P + 3 * x, b1);
    vsub(P + 3 * b, P + 3 * a, b2);
    vsub(P + 3 * y, P + 3 * b, b3);
    vcross(b1, b2, n1);
    vcross(b2, b3, n2);
    /* cos(dihedral) = n1.n2 / |n1||n2| > 0  <=>  |dihedral| < 90 */
    return vdot(n1, n2) > 0;
}

/* Highest-ranked neighbour of a (not via ref) for the coordinate path; 0 when none or when two
 * neighbours are equivalent. Needs a single/aromatic neighbour bond to carry a direction. */
static int geom_side(const struct st *s, uint32_t a, uint32_t ref, uint32_t *best)
{
    uint32_t k = 0, at[4];
    int directed = 0;
    for (uint32_t e = s->off[a]; e < s->off[a + 1]; e++) {
        uint32_t b = s->nbd[e];
        if (b == ref)
            continue;
        int bt = st_btype(s, b);
        if (bt == BO_SINGLE || bt == BO_AROMATIC)
            directed = 1;
        if (k < 4)
            at[k++] = s->nbr[e];
    }
    if (!directed || k == 0)
        return 0;
    if (k == 2 && s->rank[at[0]] == s->rank[at[1]])
        return 0;
    *best = (k == 1 || s->rank[at[0]] > s->rank[at[1]]) ? at[0] : at[1];
    return 1;
}

/* isBondCandidateForStereo (detectBondStereochemistry) */
static int geom_candidate(const struct st *s, uint32_t b)
{
    uint32_t u = s->m->bonds[2 * b], v = s->m->bonds[2 * b + 1];
    return st_btype(s, b) == BO_DOUBLE && s->dir[b] != DIR_EITHER && s->bst[b] != STEREO_ANY &&
           st_deg(s, u) > 1 && st_deg(s, v) > 1 && should_detect(s, b);
}

/* assignBondStereoCodes; returns (unassigned > 0) and sets *changed. */
static int assign_bond_codes(struct st *s, int *changed)
{
    uint32_t unassigned = 0;
    *changed = 0;
    for (uint32_t b = 0; b < s->nb; b++) {
        if (st_btype(s, b) != BO_DOUBLE || s->bst[b] != STEREO_NONE || !should_detect(s, b))
            continue;
        uint32_t u = s->m->bonds[2 * b], v = s->m->bonds[2 * b + 1];
        uint32_t du = st_deg(s, u), dv = st_deg(s, v);
        if (!((du == 2 || du == 3) && (dv == 2 || dv == 3)))
            continue;
        unassigned++;
        if (s->geom) {
            uint32_t x, y;
            if (!geom_candidate(s, b) || !geom_side(s, u, b, &x) || !geom_side(s, v, b, &y))
                continue;
            int unknown = 0;
            for (uint32_t e = s->off[u]; e < s->off[u + 1]; e++)
                unknown |= s->dir[s->nbd[e]] == DIR_UNKNOWN;
            for (uint32_t e = s->off[v]; e < s->off[v + 1]; e++)
                unknown |= s->dir[s->nbd[e]] == DIR_UNKNOWN;
            if (unknown)
                s->bst[b] = STEREO_ANY;
            else
                s->bst[b] = geom_cis(s, x, u, v, y) ? STEREO_Z : STEREO_E;
            *changed = 1;
            unassigned--;
            continue;
        }
        struct nbrdir nu[4], nv[4];
        int unknown = 0;
        uint32_t ku = nbr_dirs(s, u, b, nu, &unknown);
        uint32_t kv = nbr_dirs(s, v, b, nv, &unknown);
        if (!ku || !kv)
            continue;
        int du_ = (ku == 1 || s->rank[nu[0].atom] > s->rank[nu[1].atom]) ? nu[0].dir : nu[1].dir;
        int dv_ = (kv == 1 || s->rank[nv[0].atom] > s->rank[nv[1].atom]) ? nv[0].dir : nv[1].dir;
        int conf_u = ku == 2 && nu[0].dir == nu[1].dir;
        int conf_v = kv == 2 && nv[0].dir == nv[1].dir;
        if (conf_u || conf_v) {
            /* conflicting directions: no stereo, those directions dropped */
            s->bst[b] = STEREO_NONE;
            for (int side = 0; side < 2; side++) {
                if (!(side == 0 ? conf_u : conf_v))
                    continue;
                uint32_t c = side == 0 ? u : v;
                const struct nbrdir *nd = side == 0 ? nu : nv;
                for (uint32_t e = s->off[c]; e < s->off[c + 1]; e++)
                    if (s->nbr[e] == nd[0].atom || s->nbr[e] == nd[1].atom)
                        s->dir[s->nbd[e]] = DIR_NONE;
            }
        } else if (unknown) {
            s->bst[b] = STEREO_ANY;
        } else {
            s->bst[b] = du_ == dv_ ? STEREO_Z : STEREO_E;
        }
        *changed = 1;
        unassigned--;
    }
    return unassigned > 0;
}

/* ------------------------------------------------------------------ initial tags */

/* Adjacency of m in bond-index order (RDKit's iteration order). */
static int build_adj(const struct mol *m, uint32_t **off_, uint32_t **nbr_, uint32_t **nbd_)
{
    uint32_t n = m->n, nb = m->nb;
    uint32_t *off = calloc((size_t)n + 2, sizeof *off);
    uint32_t *nbr = malloc((2 * (size_t)nb + 1) * sizeof *nbr);
    uint32_t *nbd = malloc((2 * (size_t)nb + 1) * sizeof *nbd);
    uint32_t *fill = malloc(((size_t)n + 1) * sizeof *fill);
    if (!off || !nbr || !nbd || !fill) {
        free(off), free(nbr), free(nbd), free(fill);
        return -1;
    }
    for (uint32_t b = 0; b < nb; b++) {
        off[m->bonds[2 * b] + 1]++;
        off[m->bonds[2 * b + 1] + 1]++;
    }
    for (uint32_t a = 0; a < n; a++)
        off[a + 1] += off[a];
    for (uint32_t a = 0; a < n; a++)
        fill[a] = off[a];
    for (uint32_t b = 0; b < nb; b++) {
        uint32_t u = m->bonds[2 * b], v = m->bonds[2 * b + 1];
        nbr[fill[u]] = v, nbd[fill[u]++] = b;
        nbr[fill[v]] = u, nbd[fill[v]++] = b;
    }
    free(fill);
    *off_ = off, *nbr_ = nbr, *nbd_ = nbd;
    return 0;
}

struct adj {
    const struct mol *m;
    const uint32_t *off, *nbr, *nbd;
};

/* Molfile single-bond stereo as RDKit's BondDir: 1 wedge, 6 hash, 4 wavy (else none). */
enum { WD_NONE = 0, WD_WEDGE = 1, WD_DASH = 6, WD_WAVY = 4 };

static int wedge_dir(const struct mol *m, uint32_t b)
{
    if (!m->bst || m->bo[b] != BO_SINGLE)
        return WD_NONE;
    int v = m->bst[b];
    return (v == 1 || v == 6 || v == 4) ? v : WD_NONE;
}

/* RDGeom signedAngleTo in the xy plane: angle from a to b in [0, 2pi). */
static double signed_angle(const double *a, const double *b)
{
    double la = sqrt(a[0] * a[0] + a[1] * a[1]), lb = sqrt(b[0] * b[0] + b[1] * b[1]);
    double c = (la > 0 && lb > 0) ? (a[0] * b[0] + a[1] * b[1]) / (la * lb) : 1.0;
    if (c > 1)
        c = 1;
    if (c < -1)
        c = -1;
    double r = acos(c);
    if (a[0] * b[1] - a[1] * b[0] < -1e-6)
        r = 2.0 * M_PI - r;
    return r;
}

static void dir2d(const struct mol *m, uint32_t from, uint32_t to, double *v)
{
    const float *P = m->pos;
    v[0] = (double)P[3 * to] - P[3 * from];
    v[1] = (double)P[3 * to + 1] - P[3 * from + 1];
    v[2] = 0;
    double l = sqrt(v[0] * v[0] + v[1] * v[1]);
    if (l > 0)
        v[0] /= l, v[1] /= l;
}

static int is_plain_h(const struct mol *m, uint32_t a)
{
    return m->z[a] == 1 && (!m->iso || m->iso[a] == 0);
}

/* atomChiralTypeFromBondDir (RDKit 2022.09 molfile reader): chirality of the begin atom of the
 * wedged / hashed bond b from 2D coordinates. */
static int wedge_tag(const struct adj *g, uint32_t b)
{
    const struct mol *m = g->m;
    uint32_t a = m->bonds[2 * b], e = m->bonds[2 * b + 1];
    uint32_t deg = g->off[a + 1] - g->off[a];
    int dir0 = wedge_dir(m, b);
    if (deg > 4 || (dir0 != WD_WEDGE && dir0 != WD_DASH))
        return 0;
    double ref[3];
    dir2d(m, a, e, ref);
    uint32_t list[4], k = 0;
    list[k++] = b;
    int hseen = is_plain_h(m, e), all_single = 1;
    for (uint32_t q = g->off[a]; q < g->off[a + 1]; q++) {
        uint32_t c = g->nbd[q];
        if (m->bo[c] != BO_SINGLE)
            all_single = 0;
        if (c != b) {
            if (is_plain_h(m, g->nbr[q]))
                hseen = 1;
            if (k < 4)
                list[k++] = c;
        }
    }
    uint32_t nn = k;
    if (nn < 3 || (hseen && nn < 4))
        return 0;
    int z = m->z[a];
    if (!(all_single || z == 15 || z == 16))
        return 0;
    int ccw = 1;
    double v0[3], v1[3], v2[3];
    uint32_t o1 = m->bonds[2 * list[1]] == a ? m->bonds[2 * list[1] + 1] : m->bonds[2 * list[1]];
    uint32_t o2 = m->bonds[2 * list[2]] == a ? m->bonds[2 * list[2] + 1] : m->bonds[2 * list[2]];
    dir2d(m, a, o1, v0);
    dir2d(m, a, o2, v1);
    double an0 = signed_angle(ref, v0), an1 = signed_angle(ref, v1), an2;
    if (nn == 4) {
        uint32_t o3 =
            m->bonds[2 * list[3]] == a ? m->bonds[2 * list[3] + 1] : m->bonds[2 * list[3]];
        dir2d(m, a, o3, v2);
        an2 = signed_angle(ref, v2);
        int flip = 0;
        if (an0 < an1) {
            if (an1 < an2)
                flip = 0;
            else if (an0 < an2)
                flip = 1;
            else
                flip = 0;
        } else if (an0 < an2) {
            flip = 1;
        } else {
            flip = an1 < an2 ? 0 : 1;
        }
        if (flip)
            ccw = !ccw;
    } else {
        uint32_t b1 = list[1], b2 = list[2];
        int d1 = wedge_dir(m, b1), d2 = wedge_dir(m, b2);
        int s1 = d1 != WD_NONE && m->bonds[2 * b1] == a; /* bond1 carries a direction from a */
        int s2 = d2 != WD_NONE && m->bonds[2 * b2] == a;
        an2 = signed_angle(v0, v1);
        const double lim = M_PI - 1e-3;
        if (an0 < lim && an1 < lim && an2 < lim) {
            if ((s1 && (d1 != dir0 || (s2 && d2 != d1))) || (s2 && d2 != dir0))
                return 0; /* conflicting stereo, rule 1 */
        }
        if (s1) {
            if (d1 != dir0) {
                if ((an0 > M_PI && an0 < an1) || (an0 < M_PI && an0 > an1))
                    return 0;
            } else if (d2 != dir0) {
                if ((an1 > M_PI && an1 < an0) || (an1 < M_PI && an1 > an0))
                    return 0;
            }
        } else if (s2 && d2 != dir0) {
            return 0;
        }
        double first, second;
        if (an0 < an1) {
            first = an0, second = an1, ccw = 1;
        } else {
            first = an1, second = an0, ccw = 0;
        }
        if (second - first >= M_PI - 1e-4)
            ccw = !ccw;
    }
    if (dir0 == WD_DASH)
        ccw = !ccw;
    /* perturbation order: list vs the atom's bond order */
    uint32_t pos[4];
    for (uint32_t i = 0; i < nn; i++) {
        pos[i] = 0;
        for (uint32_t q = g->off[a]; q < g->off[a + 1]; q++)
            if (g->nbd[q] == list[i])
                pos[i] = q - g->off[a];
    }
    int swaps = 0;
    for (uint32_t i = 0; i < nn; i++)
        for (uint32_t j = i + 1; j < nn; j++)
            swaps += pos[i] > pos[j];
    if (swaps % 2)
        ccw = !ccw;
    return ccw ? CHI_TETRAHEDRAL_CCW : CHI_TETRAHEDRAL_CW;
}

/* Non-tetrahedral tag RDKit's 2022.09 assignChiralTypesFrom3D gives an atom with Z >= 15 and
 * 3..6 neighbours (no wavy bond starting at it) whose neighbour directions form disjoint
 * near-opposite pairs (cos < -0.9): one pair with 3..5 neighbours, two with 4..5, three with 6.
 * Returns the RDKit tag (6 square planar, 7 trigonal bipyramidal, 8 octahedral) or 0. */
static int nontet_tag(const struct adj *g, uint32_t c, int nh)
{
    const struct mol *m = g->m;
    if (m->z[c] < 15)
        return 0;
    double v[6][3];
    uint32_t cnt = 0, nz = 0;
    for (uint32_t q = g->off[c]; q < g->off[c + 1]; q++) {
        uint32_t b = g->nbd[q], o = g->nbr[q];
        if (m->bst && m->bst[b] == 4 && m->bonds[2 * b] == c && m->bo[b] == BO_SINGLE)
            return 0;
        if (cnt == 6)
            return 0;
        double d[3], l;
        vsub(m->pos + 3 * o, m->pos + 3 * c, d);
        l = sqrt(vdot(d, d));
        if (l < 1e-16)
            return 0;
        for (int k = 0; k < 3; k++)
            v[cnt][k] = d[k] / l;
        cnt++;
        nz += m->bo[b] != BO_OTHER;
    }
    if (nz < 3 || nz + (uint32_t)nh > 6 || cnt < 3)
        return 0;
    int used[6] = {0}, pairs = 0;
    for (uint32_t i = 0; i < cnt; i++)
        for (uint32_t j = i + 1; j < cnt; j++)
            if (vdot(v[i], v[j]) < -0.9) {
                if (used[i] || used[j])
                    return 0;
                used[i] = used[j] = 1;
                pairs++;
            }
    if (pairs == 3 && cnt == 6)
        return 8;
    if (pairs == 2 && cnt == 4)
        return 6;
    if ((pairs == 1 && cnt >= 3 && cnt <= 5) || (pairs == 2 && cnt == 5))
        return 7;
    return 0;
}

/* Tags from coordinates on graph g (RDKit's molfile reader): 3D, assignChiralTypesFrom3D with
 * the first three neighbours in bond order (an atom with fewer explicit neighbours uses the
 * centre, which is where its missing hydrogen points away from); 2D, wedge / hash bonds.
 * degh[a]: explicit degree incl. hydrogens; tdeg[a]: total degree incl. implicit H. */
static void coord_tags(const struct adj *g, const int *degh, const int *tdeg, uint8_t *tag)
{
    const struct mol *m = g->m;
    const float *P = m->pos;
    if (m->is3d) {
        for (uint32_t a = 0; a < m->n; a++) {
            uint32_t d = g->off[a + 1] - g->off[a];
            int z = m->z[a];
            tag[a] = (uint8_t)nontet_tag(g, a, degh[a] - (int)d);
            if (tag[a] || degh[a] < 3 || tdeg[a] > 4)
                continue;
            if (z != 16 && z != 34 && tdeg[a] != 4)
                continue;
            if (d < 3)
                continue; /* needs hydrogen positions; never a stereocentre anyway */
            double v[3][3], c[3];
            for (int k = 0; k < 3; k++)
                vsub(P + 3 * g->nbr[g->off[a] + k], P + 3 * a, v[k]);
            vcross(v[1], v[2], c);
            double vol = vdot(v[0], c);
            if (vol < -0.1)
                tag[a] = CHI_TETRAHEDRAL_CW;
            else if (vol > 0.1)
                tag[a] = CHI_TETRAHEDRAL_CCW;
        }
        return;
    }
    memset(tag, 0, m->n);
    if (!m->bst)
        return;
    for (uint32_t b = 0; b < m->nb; b++) {
        int d = wedge_dir(m, b);
        if (d == WD_WEDGE || d == WD_DASH)
            tag[m->bonds[2 * b]] = (uint8_t)wedge_tag(g, b);
    }
}

/* Implicit hydrogens as RDKit's default valence model would add them to a molfile atom
 * (updatePropertyCache(false)); only the common organic elements, others 0. */
static int implicit_h_estimate(const struct adj *g, uint32_t a)
{
    const struct mol *m = g->m;
    int z = m->z[a], chg = m->chg ? m->chg[a] : 0;
    int twice = 0;
    for (uint32_t q = g->off[a]; q < g->off[a + 1]; q++) {
        switch (m->bo[g->nbd[q]]) {
        case BO_SINGLE: twice += 2; break;
        case BO_DOUBLE: twice += 4; break;
        case BO_TRIPLE: twice += 6; break;
        case BO_AROMATIC: twice += 3; break;
        default: break;
        }
    }
    int ev = (twice + 1) / 2 + (m->nh ? m->nh[a] : 0);
    /* isoelectronic element for the valence list */
    int ez = z;
    if (z == 5 || z == 6 || z == 7 || z == 8 || z == 9)
        ez = z - chg;
    static const int v_b[] = {3, -1}, v_c[] = {4, -1}, v_n[] = {3, -1}, v_o[] = {2, -1},
                     v_f[] = {1, -1}, v_p[] = {3, 5, -1}, v_s[] = {2, 4, 6, -1};
    const int *vl = NULL;
    switch (ez) {
    case 5: vl = v_b; break;
    case 6: vl = v_c; break;
    case 7: vl = v_n; break;
    case 8: vl = v_o; break;
    case 9: case 17: case 35: case 53: vl = v_f; break;
    case 15: vl = chg ? NULL : v_p; break;
    case 16: vl = chg ? NULL : v_s; break;
    default: vl = NULL;
    }
    if (!vl || (m->rad && m->rad[a])) /* radicals and unusual elements: no implicit H */
        return 0;
    for (int i = 0; vl[i] >= 0; i++)
        if (vl[i] >= ev)
            return vl[i] - ev;
    return 0;
}

int stereo_tags_from_coords(struct mol *m, char *err, size_t errlen)
{
    if (!m->has_pos || !m->pos || m->len[MOL_F_pos] < 3 * (size_t)m->n || !m->z ||
        (m->nb && (!m->bonds || !m->bo)) || m->chir)
        return 0;
    struct adj g;
    uint32_t *off, *nbr, *nbd;
    if (build_adj(m, &off, &nbr, &nbd)) {
        snprintf(err, errlen, "stereo: out of memory");
        return -1;
    }
    g.m = m, g.off = off, g.nbr = nbr, g.nbd = nbd;
    int *degh = malloc(((size_t)m->n + 1) * sizeof *degh);
    int *tdeg = malloc(((size_t)m->n + 1) * sizeof *tdeg);
    uint8_t *tag = mol_alloc(m, MOL_F_chir, m->n);
    if (!degh || !tdeg || (!tag && m->n)) {
        free(off), free(nbr), free(nbd), free(degh), free(tdeg);
        snprintf(err, errlen, "stereo: out of memory");
        return -1;
    }
    for (uint32_t a = 0; a < m->n; a++) {
        int nh = m->nh ? m->nh[a] : 0;
        degh[a] = (int)(off[a + 1] - off[a]) + nh;
        tdeg[a] = degh[a] + implicit_h_estimate(&g, a);
    }
    if (m->n)
        coord_tags(&g, degh, tdeg, tag);
    free(off), free(nbr), free(nbd), free(degh), free(tdeg);
    return 0;
}

/* ------------------------------------------------------------------ driver */

static void st_free(struct st *s)
{
    free(s->off), free(s->nbr), free(s->nbd), free(s->tag), free(s->cip), free(s->bst);
    free(s->dir), free(s->cand), free(s->rank), free(s->rows), free(s->idx);
    free(s->tmp), free(s->ecnt), free(s->keys), free(s->inv), free(s->keep), free(s->seen);
    free(s->used), free(s->bseen), free(s->queue), free(s->dh), free(s->td), free(s->single);
    memset(s, 0, sizeof *s);
}

void stereo_work_free(struct stereo_work *w)
{
    if (w->priv) {
        st_free(w->priv);
        free(w->priv);
    }
    w->priv = NULL;
}

/* Grow the scratch of s to n atoms and nb bonds (capacities only ever grow). */
static int st_reserve(struct st *s, uint32_t n, uint32_t nb)
{
    size_t n1 = (size_t)n + 2, b1 = 2 * (size_t)nb + 1;
    if (n1 > s->cap_n) {
        size_t c = s->cap_n ? s->cap_n : 64;
        while (c < n1)
            c *= 2;
#define ST_RA(x) UTIL_REALLOC_OR_FAIL(x, c)
        ST_RA(s->off); ST_RA(s->tag); ST_RA(s->cip); ST_RA(s->cand); ST_RA(s->rank);
        ST_RA(s->idx); ST_RA(s->tmp); ST_RA(s->inv); ST_RA(s->keep); ST_RA(s->seen);
        ST_RA(s->used); ST_RA(s->queue); ST_RA(s->dh); ST_RA(s->td); ST_RA(s->single);
        s->cap_n = c;
    }
    if (b1 > s->cap_nb) {
        size_t c = s->cap_nb ? s->cap_nb : 128;
        while (c < b1)
            c *= 2;
        ST_RA(s->nbr); ST_RA(s->nbd); ST_RA(s->ecnt); ST_RA(s->bst); ST_RA(s->dir);
        ST_RA(s->bseen);
#undef ST_RA
        s->cap_nb = c;
    }
    return 0;
}

int stereo_assign_ranks(const struct mol *m, const struct perceive *p, uint8_t *atom_chiral,
                        uint8_t *bond_stereo, uint32_t *ranks_out, char *err, size_t errlen)
{
    struct stereo_work w = {NULL};
    int r = stereo_assign_w(m, p, &w, atom_chiral, bond_stereo, ranks_out, err, errlen);
    stereo_work_free(&w);
    return r;
}

int stereo_assign_w(const struct mol *m, const struct perceive *p, struct stereo_work *w,
                    uint8_t *atom_chiral, uint8_t *bond_stereo, uint32_t *ranks_out, char *err,
                    size_t errlen)
{
    int rc = -1;
    if (!m || !p) {
        snprintf(err, errlen, "stereo: no molecule or perception");
        return -1;
    }
    uint32_t n = m->n, nb = m->nb;
    if (n && !m->z) {
        snprintf(err, errlen, "stereo: no atoms (z)");
        return -1;
    }
    if (nb && (!m->bonds || !m->bo)) {
        snprintf(err, errlen, "stereo: no bonds");
        return -1;
    }
    for (uint32_t b = 0; b < nb; b++) {
        uint32_t u = m->bonds[2 * b], v = m->bonds[2 * b + 1];
        if (u >= n || v >= n || u == v) {
            snprintf(err, errlen, "stereo: bond %u: bad atom index", b);
            return -1;
        }
    }
    if (!w->priv && !(w->priv = calloc(1, sizeof(struct st)))) {
        snprintf(err, errlen, "stereo: out of memory");
        return -1;
    }
    struct st *s = w->priv;
    if (st_reserve(s, n, nb)) {
        snprintf(err, errlen, "stereo: out of memory");
        return -1;
    }
    s->m = m;
    s->p = p;
    s->n = n;
    s->nb = nb;
    s->have_ranks = 0;
    s->geom = 0;
    size_t n1 = n + 1, b1 = nb + 1;
    memset(s->tag, 0, n1);
    memset(s->cip, 0, n1);
    memset(s->cand, 0, n1);
    memset(s->bst, 0, b1);
    memset(s->dir, 0, b1);
    memset(s->rank, 0, n1 * sizeof *s->rank);
    uint8_t *keep = s->keep;
    memset(keep, 0, n1);
    /* adjacency in bond-index order (RDKit's iteration order) */
    memset(s->off, 0, (n + 2) * sizeof *s->off);
    for (uint32_t b = 0; b < nb; b++) {
        s->off[m->bonds[2 * b] + 1]++;
        s->off[m->bonds[2 * b + 1] + 1]++;
    }
    for (uint32_t a = 0; a < n; a++)
        s->off[a + 1] += s->off[a];
    {
        uint32_t *fill = s->idx;
        for (uint32_t a = 0; a < n; a++)
            fill[a] = s->off[a];
        for (uint32_t b = 0; b < nb; b++) {
            uint32_t u = m->bonds[2 * b], v = m->bonds[2 * b + 1];
            s->nbr[fill[u]] = v, s->nbd[fill[u]++] = b;
            s->nbr[fill[v]] = u, s->nbd[fill[v]++] = b;
        }
    }
    int have_pos = m->has_pos && m->pos && m->len[MOL_F_pos] >= 3 * (size_t)n;
    /* 1. initial tags */
    if (m->chir) {
        for (uint32_t a = 0; a < n; a++)
            s->tag[a] = m->chir[a];
    } else if (have_pos) {
        struct adj g = {m, s->off, s->nbr, s->nbd};
        int *dh = s->dh, *td = s->td;
        for (uint32_t a = 0; a < n; a++) {
            dh[a] = (int)st_deg(s, a) + (m->nh ? m->nh[a] : 0);
            td[a] = (int)st_deg(s, a) + st_hs(s, a);
        }
        coord_tags(&g, dh, td, s->tag);
    }
    /* sanitisation (cleanupChirality): tetrahedral tags need SP3; non-tetrahedral ones a total
     * degree in range (square planar 2..4, trigonal bipyramidal 2..5, octahedral 2..6);
     * non-tetrahedral tags then pass the legacy perception untouched */
    for (uint32_t a = 0; a < n; a++) {
        int t = s->tag[a], td = (int)st_deg(s, a) + st_hs(s, a);
        if (t == CHI_TETRAHEDRAL_CW || t == CHI_TETRAHEDRAL_CCW || t == RD_CHI_TETRAHEDRAL) {
            if (p->hyb && p->hyb[a] != HYB_SP3)
                s->tag[a] = 0;
            else if (t == RD_CHI_TETRAHEDRAL)
                s->tag[a] = 0; /* @TH permutations are not tetrahedral CW/CCW: not supported */
        } else if (t == RD_CHI_SQUAREPLANAR) {
            if (td < 2 || td > 4)
                s->tag[a] = 0;
        } else if (t == RD_CHI_TRIGONALBIPYRAMIDAL) {
            if (td < 2 || td > 5)
                s->tag[a] = 0;
        } else if (t == RD_CHI_OCTAHEDRAL) {
            if (td < 2 || td > 6)
                s->tag[a] = 0;
        } else if (t != CHI_OTHER) {
            s->tag[a] = 0;
        }
    }
    /* 2. bond directions */
    if (m->bdir) {
        for (uint32_t b = 0; b < nb; b++)
            s->dir[b] = (m->bdir[b] == 1) ? DIR_UP : (m->bdir[b] == 2) ? DIR_DOWN : DIR_NONE;
    } else if (have_pos) {
        s->geom = 1;
    }
    if (m->bst) {
        for (uint32_t b = 0; b < nb; b++) {
            if (m->bst[b] == 3 && st_btype(s, b) == BO_DOUBLE)
                s->dir[b] = DIR_EITHER;
            else if (m->bst[b] == 4 && st_btype(s, b) != BO_DOUBLE)
                s->dir[b] = DIR_UNKNOWN;
        }
    }
    /* 3. legacy perception (cleanIt: either double bonds become ANY, small rings NONE) */
    int has_bonds = 0;
    for (uint32_t b = 0; b < nb; b++) {
        int bt = st_btype(s, b);
        if ((bt == BO_DOUBLE || bt == BO_AROMATIC) && !should_detect(s, b))
            continue;
        if (bt == BO_DOUBLE && s->dir[b] == DIR_EITHER)
            s->bst[b] = STEREO_ANY;
        if (bt != BO_DOUBLE || has_bonds)
            continue;
        if (s->geom) {
            has_bonds = geom_candidate(s, b);
            continue;
        }
        for (int end = 0; end < 2 && !has_bonds; end++) {
            uint32_t a = m->bonds[2 * b + end];
            for (uint32_t e = s->off[a]; e < s->off[a + 1]; e++)
                if (s->dir[s->nbd[e]] == DIR_UP || s->dir[s->nbd[e]] == DIR_DOWN)
                    has_bonds = 1;
        }
    }
    cip_prepare(s);
    if (cip_ranks(s))
        goto oom;
    int has_atoms = 1; /* flagPossibleStereoCenters */
    for (;;) {
        int ch_a = 0, ch_b = 0;
        if (has_atoms)
            has_atoms = assign_atom_codes(s, &ch_a);
        if (has_bonds)
            has_bonds = assign_bond_codes(s, &ch_b);
        if (!((has_atoms || has_bonds) && (ch_a || ch_b)))
            break;
        if (cip_rerank(s))
            goto oom;
    }
    /* cleanup: tags survive with a CIP code or as ring stereo pairs */
    if (ring_special_cases(s, keep))
        goto oom;
    for (uint32_t a = 0; a < n; a++)
        if (s->tag[a] && s->tag[a] < RD_CHI_SQUAREPLANAR && !s->cip[a] && !keep[a])
            s->tag[a] = 0;
    if (atom_chiral)
        for (uint32_t a = 0; a < n; a++)
            atom_chiral[a] = s->tag[a] <= CHI_OTHER ? s->tag[a] : CHI_MISC;
    if (bond_stereo)
        memcpy(bond_stereo, s->bst, nb);
    if (ranks_out)
        memcpy(ranks_out, s->rank, n * sizeof *ranks_out);
    rc = 0;
oom:
    if (rc)
        snprintf(err, errlen, "stereo: out of memory");
    return rc;
}

int stereo_assign(const struct mol *m, const struct perceive *p, uint8_t *atom_chiral,
                  uint8_t *bond_stereo, char *err, size_t errlen)
{
    return stereo_assign_ranks(m, p, atom_chiral, bond_stereo, NULL, err, errlen);
}
