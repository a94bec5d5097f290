/* smiles.c: OpenSMILES parser (see smiles.h for what is stored and the chirality convention).
 *
 * One pass over the text with all per-atom and per-bond state in one scratch block sized from
 * the text length (no per-atom allocation), then one sort of the ring-closure bonds and, only
 * when some atom carries @/@@, a CSR adjacency to rewrite the tags relative to bond order. */
#include "smiles.h"
#include "util.h"

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const elements[119] = {
    "*",  "H",  "He", "Li", "Be", "B",  "C",  "N",  "O",  "F",  "Ne", "Na", "Mg", "Al", "Si",
    "P",  "S",  "Cl", "Ar", "K",  "Ca", "Sc", "Ti", "V",  "Cr", "Mn", "Fe", "Co", "Ni", "Cu",
    "Zn", "Ga", "Ge", "As", "Se", "Br", "Kr", "Rb", "Sr", "Y",  "Zr", "Nb", "Mo", "Tc", "Ru",
    "Rh", "Pd", "Ag", "Cd", "In", "Sn", "Sb", "Te", "I",  "Xe", "Cs", "Ba", "La", "Ce", "Pr",
    "Nd", "Pm", "Sm", "Eu", "Gd", "Tb", "Dy", "Ho", "Er", "Tm", "Yb", "Lu", "Hf", "Ta", "W",
    "Re", "Os", "Ir", "Pt", "Au", "Hg", "Tl", "Pb", "Bi", "Po", "At", "Rn", "Fr", "Ra", "Ac",
    "Th", "Pa", "U",  "Np", "Pu", "Am", "Cm", "Bk", "Cf", "Es", "Fm", "Md", "No", "Lr", "Rf",
    "Db", "Sg", "Bh", "Hs", "Mt", "Ds", "Rg", "Cn", "Nh", "Fl", "Mc", "Lv", "Ts", "Og",
};

int smiles_element(const char *sym, size_t len)
{
    if (len < 1 || len > 2)
        return 0;
    for (int z = 1; z < 119; z++) {
        const char *e = elements[z];
        if (e[0] == sym[0] && (len == 1 ? e[1] == 0 : (e[1] == sym[1] && e[2] == 0)))
            return z;
    }
    return 0;
}

const char *smiles_symbol(int z)
{
    return z >= 0 && z < 119 ? elements[z] : "?";
}

/* bond symbols */
enum {
    SY_NONE,
    SY_SINGLE,
    SY_DOUBLE,
    SY_TRIPLE,
    SY_QUAD,
    SY_AROM,
    SY_UP,
    SY_DOWN,
    SY_DATR,
    SY_DATL
};

static int sym_has_order(int sy)
{
    return (sy >= SY_SINGLE && sy <= SY_AROM) || sy == SY_DATR || sy == SY_DATL;
}

static int sym_dir(int sy)
{
    return sy == SY_UP ? 1 : sy == SY_DOWN ? 2 : 0;
}

static uint8_t sym_bo(int sy, int both_arom)
{
    switch (sy) {
    case SY_SINGLE:
        return BO_SINGLE; /* '/' '\\' carry no order (RDKit: as no symbol) */
    case SY_DOUBLE:
        return BO_DOUBLE;
    case SY_TRIPLE:
        return BO_TRIPLE;
    case SY_QUAD:
        return BO_OTHER;
    case SY_AROM:
        return BO_AROMATIC;
    case SY_DATR:
    case SY_DATL:
        return BO_DATIVE;
    }
    return both_arom ? BO_AROMATIC : BO_SINGLE;
}

struct ring_open {
    int num;       /* ring number; -1 = free slot (big list) */
    uint32_t atom; /* opening atom */
    uint32_t key;  /* neighbour-order key on the opening atom */
    int sym;       /* bond symbol written at the opening digit */
    int col;       /* 1-based column of the digit */
};

struct ring_bond {
    int num;         /* ring number (sort key) */
    uint32_t seq;    /* closing order (tie-break) */
    uint32_t a, b;   /* stored begin, end */
    uint32_t ka, kb; /* neighbour-order keys on a and b */
    uint8_t bo, dir;
    int col; /* column of the closing digit */
};

#define BIG_RINGS_MAX 256 /* simultaneously open ring numbers above 99 */

struct sp {
    const char *s;
    size_t len;
    char *err;
    size_t errlen;
    uint32_t n;      /* atoms */
    uint32_t nb;     /* chain bonds (then all bonds after the merge) */
    uint32_t nring;  /* ring bonds in rb */
    uint32_t nchain; /* chain bonds (bond indices below are chain bonds) */
    uint32_t ev;     /* neighbour-order key counter */
    uint8_t *z, *nh, *noimp, *arom, *chir;
    int8_t *chg;
    uint16_t *iso, *aclass;
    uint32_t *parent;
    uint16_t *bonds;
    uint8_t *bo, *bdir;
    uint32_t *bka, *bkb;
    struct ring_bond *rb;
    uint32_t *stack; /* branch points */
    int *stack_col;
    uint32_t depth;
    int nbig;
    int any_chiral;
    int small_open[100]; /* 1 when ring number i is open */
    /* not zeroed at start: entries are written before they are read */
    struct ring_open small[100];
    struct ring_open big[BIG_RINGS_MAX];
};

static int fail(struct sp *p, size_t i, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

static int fail(struct sp *p, size_t i, const char *fmt, ...)
{
    if (p->err && p->errlen) {
        int k = snprintf(p->err, p->errlen, "col %zu: ", i + 1);
        if (k >= 0 && (size_t)k < p->errlen) {
            va_list ap;
            va_start(ap, fmt);
            vsnprintf(p->err + k, p->errlen - (size_t)k, fmt, ap);
            va_end(ap);
        }
    }
    return -1;
}

/* printable description of the character at i */
static const char *chdesc(const struct sp *p, size_t i, char *buf, size_t n)
{
    if (i >= p->len)
        return "end of SMILES";
    unsigned char c = (unsigned char)p->s[i];
    if (c >= 32 && c < 127)
        snprintf(buf, n, "'%c'", c);
    else
        snprintf(buf, n, "byte 0x%02x", c);
    return buf;
}

static int is_digit(char c)
{
    return c >= '0' && c <= '9';
}

static int new_atom(struct sp *p, size_t col)
{
    if (p->n >= MOL_MAX_ATOMS_HARD)
        return fail(p, col, "too many atoms (more than %d)", MOL_MAX_ATOMS_HARD);
    uint32_t a = p->n++;
    p->z[a] = 0, p->nh[a] = 0, p->noimp[a] = 0, p->arom[a] = 0, p->chir[a] = 0;
    p->chg[a] = 0, p->iso[a] = 0, p->aclass[a] = 0, p->parent[a] = UINT32_MAX;
    return (int)a;
}

/* Organic-subset atom at *ip (not '['). Returns atom index or -1. */
static int parse_organic(struct sp *p, size_t *ip)
{
    size_t i = *ip;
    const char *s = p->s;
    int z, ar = 0;
    size_t w = 1;
    switch (s[i]) {
    case 'B':
        z = 5;
        if (i + 1 < p->len && s[i + 1] == 'r')
            z = 35, w = 2;
        break;
    case 'C':
        z = 6;
        if (i + 1 < p->len && s[i + 1] == 'l')
            z = 17, w = 2;
        break;
    case 'N':
        z = 7;
        break;
    case 'O':
        z = 8;
        break;
    case 'P':
        z = 15;
        break;
    case 'S':
        z = 16;
        break;
    case 'F':
        z = 9;
        break;
    case 'I':
        z = 53;
        break;
    case 'b':
        z = 5, ar = 1;
        break;
    case 'c':
        z = 6, ar = 1;
        break;
    case 'n':
        z = 7, ar = 1;
        break;
    case 'o':
        z = 8, ar = 1;
        break;
    case 'p':
        z = 15, ar = 1;
        break;
    case 's':
        z = 16, ar = 1;
        break;
    case '*':
        z = 0;
        break;
    default: {
        size_t k = 1;
        while (i + k < p->len && s[i + k] >= 'a' && s[i + k] <= 'z' && k < 2)
            k++;
        return fail(p, i, "unknown organic-subset element '%.*s' (use brackets)", (int)k, s + i);
    }
    }
    int a = new_atom(p, i);
    if (a < 0)
        return -1;
    p->z[a] = (uint8_t)z;
    p->arom[a] = (uint8_t)ar;
    *ip = i + w;
    return a;
}

/* Bracket atom starting at *ip == '['. Returns atom index or -1. */
static int parse_bracket(struct sp *p, size_t *ip)
{
    const char *s = p->s;
    size_t len = p->len, i = *ip + 1, lb = *ip;
    char cb[24];
    unsigned long iso = 0;
    while (i < len && is_digit(s[i])) {
        iso = iso * 10 + (unsigned long)(s[i] - '0');
        if (iso > 65535)
            return fail(p, i, "bad isotope (more than 65535)");
        i++;
    }
    int z = -1, ar = 0;
    if (i >= len)
        return fail(p, lb, "unterminated bracket atom");
    if (s[i] == '*') {
        z = 0;
        i++;
    } else if (s[i] >= 'A' && s[i] <= 'Z') {
        if (i + 1 < len && s[i + 1] >= 'a' && s[i + 1] <= 'z' && (z = smiles_element(s + i, 2)))
            i += 2;
        else if ((z = smiles_element(s + i, 1)))
            i += 1;
        else {
            size_t k = 1;
            if (i + 1 < len && s[i + 1] >= 'a' && s[i + 1] <= 'z')
                k = 2;
            return fail(p, i, "unknown element '%.*s'", (int)k, s + i);
        }
    } else if (s[i] >= 'a' && s[i] <= 'z') {
        static const char *const ar2[] = {"se", "as", "te", "si"};
        for (int k = 0; k < 4 && z < 0; k++)
            if (i + 1 < len && s[i] == ar2[k][0] && s[i + 1] == ar2[k][1]) {
                char up[2] = {(char)(ar2[k][0] - 32), ar2[k][1]};
                z = smiles_element(up, 2);
                i += 2;
            }
        if (z < 0) {
            switch (s[i]) {
            case 'b':
                z = 5;
                break;
            case 'c':
                z = 6;
                break;
            case 'n':
                z = 7;
                break;
            case 'o':
                z = 8;
                break;
            case 'p':
                z = 15;
                break;
            case 's':
                z = 16;
                break;
            default:
                return fail(p, i, "unknown aromatic element '%c'", s[i]);
            }
            i++;
        }
        ar = 1;
    } else {
        return fail(p, i, "expected an element symbol in bracket atom, got %s",
                    chdesc(p, i, cb, sizeof cb));
    }
    int chir = 0;
    if (i < len && s[i] == '@') {
        i++;
        if (i < len && s[i] == '@') {
            chir = 1;
            i++;
        } else if (i + 1 < len && s[i] == 'T' && s[i + 1] == 'H') {
            i += 2;
            if (i < len && (s[i] == '1' || s[i] == '2'))
                chir = s[i++] == '1' ? 2 : 1;
            else if (i < len && is_digit(s[i]))
                return fail(p, i, "bad chirality: @TH takes 1 or 2");
            else
                chir = 2; /* "@TH" alone: as '@' (RDKit) */
        } else if (i + 1 < len &&
                   ((s[i] == 'A' && s[i + 1] == 'L') || (s[i] == 'S' && s[i + 1] == 'P') ||
                    (s[i] == 'T' && s[i + 1] == 'B') || (s[i] == 'O' && s[i + 1] == 'H'))) {
            /* RDKit's tags CHI_ALLENE 5, CHI_SQUAREPLANAR 6, CHI_TRIGONALBIPYRAMIDAL 7,
             * CHI_OCTAHEDRAL 8; the permutation number (optional, as in RDKit) is not kept */
            chir = s[i] == 'A' ? 5 : s[i] == 'S' ? 6 : s[i] == 'T' ? 7 : 8;
            i += 2;
            while (i < len && is_digit(s[i]))
                i++;
        } else {
            chir = 2;
        }
    }
    int hc = 0;
    if (i < len && s[i] == 'H') {
        i++;
        hc = 1;
        if (i < len && is_digit(s[i])) {
            hc = 0;
            while (i < len && is_digit(s[i])) {
                hc = hc * 10 + (s[i++] - '0');
                if (hc > 255)
                    return fail(p, i - 1, "bad H count (more than 255)");
            }
        }
    }
    int chg = 0;
    if (i < len && (s[i] == '+' || s[i] == '-')) {
        int sign = s[i] == '+' ? 1 : -1;
        char c = s[i++];
        if (i < len && is_digit(s[i])) {
            int v = 0;
            while (i < len && is_digit(s[i])) {
                v = v * 10 + (s[i++] - '0');
                if (v > 127)
                    return fail(p, i - 1, "bad charge (magnitude above 127)");
            }
            chg = sign * v;
        } else {
            int v = 1;
            while (i < len && s[i] == c) {
                v++;
                i++;
            }
            if (v > 127)
                return fail(p, i - 1, "bad charge (magnitude above 127)");
            chg = sign * v;
        }
        if (i < len && (s[i] == '+' || s[i] == '-'))
            return fail(p, i, "bad charge");
    }
    unsigned long cls = 0;
    if (i < len && s[i] == ':') {
        i++;
        if (i >= len || !is_digit(s[i]))
            return fail(p, i, "bad atom class: ':' needs a number");
        while (i < len && is_digit(s[i])) {
            cls = cls * 10 + (unsigned long)(s[i] - '0');
            if (cls > 65535)
                return fail(p, i, "bad atom class (more than 65535)");
            i++;
        }
    }
    if (i >= len)
        return fail(p, lb, "unterminated bracket atom");
    if (s[i] != ']')
        return fail(p, i, "unexpected %s in bracket atom", chdesc(p, i, cb, sizeof cb));
    int a = new_atom(p, lb);
    if (a < 0)
        return -1;
    p->z[a] = (uint8_t)z;
    p->arom[a] = (uint8_t)ar;
    p->iso[a] = (uint16_t)iso;
    p->chir[a] = (uint8_t)chir;
    p->nh[a] = (uint8_t)hc;
    p->noimp[a] = 1;
    p->chg[a] = (int8_t)chg;
    p->aclass[a] = (uint16_t)cls;
    if (chir)
        p->any_chiral = 1;
    *ip = i + 1;
    return a;
}

static void add_chain_bond(struct sp *p, uint32_t prev, uint32_t a, int sy)
{
    uint32_t j = p->nb++;
    uint32_t kp = p->ev++, ka = p->ev++;
    uint8_t bo = sym_bo(sy, p->arom[prev] && p->arom[a]);
    if (sy == SY_DATL) { /* a -> prev */
        p->bonds[2 * j] = (uint16_t)a, p->bonds[2 * j + 1] = (uint16_t)prev;
        p->bka[j] = ka, p->bkb[j] = kp;
    } else {
        p->bonds[2 * j] = (uint16_t)prev, p->bonds[2 * j + 1] = (uint16_t)a;
        p->bka[j] = kp, p->bkb[j] = ka;
    }
    p->bo[j] = bo;
    p->bdir[j] = (uint8_t)sym_dir(sy);
    p->parent[a] = prev;
}

static struct ring_open *ring_find(struct sp *p, int num, int create)
{
    if (num < 100) {
        if (p->small_open[num])
            return &p->small[num];
        if (!create)
            return NULL;
        p->small_open[num] = 1;
        p->small[num].num = num;
        return &p->small[num];
    }
    int free_slot = -1;
    for (int k = 0; k < p->nbig; k++) {
        if (p->big[k].num == num)
            return &p->big[k];
        if (p->big[k].num < 0 && free_slot < 0)
            free_slot = k;
    }
    if (!create)
        return NULL;
    if (free_slot < 0) {
        if (p->nbig >= BIG_RINGS_MAX)
            return NULL;
        free_slot = p->nbig++;
    }
    p->big[free_slot].num = num;
    return &p->big[free_slot];
}

static void ring_release(struct sp *p, struct ring_open *r)
{
    if (r->num < 100)
        p->small_open[r->num] = 0;
    else
        r->num = -1;
}

static uint8_t flip_dir(uint8_t d)
{
    return d == 1 ? 2 : d == 2 ? 1 : 0;
}

/* ring-closure digit(s) at *ip for atom cur with pending bond symbol sy */
static int parse_ring(struct sp *p, size_t *ip, uint32_t cur, int sy)
{
    const char *s = p->s;
    size_t i = *ip, start = *ip;
    int num;
    if (is_digit(s[i])) {
        num = s[i] - '0';
        i++;
    } else { /* '%' */
        i++;
        if (i < p->len && s[i] == '(') {
            i++;
            num = 0;
            size_t d0 = i;
            while (i < p->len && is_digit(s[i]) && i - d0 < 5)
                num = num * 10 + (s[i++] - '0');
            if (i == d0 || i >= p->len || s[i] != ')')
                return fail(p, start, "bad ring number: '%%(' needs 1 to 5 digits and ')'");
            i++;
        } else {
            if (i + 1 >= p->len || !is_digit(s[i]) || !is_digit(s[i + 1]))
                return fail(p, start, "bad ring number: '%%' needs two digits");
            num = (s[i] - '0') * 10 + (s[i + 1] - '0');
            i += 2;
        }
    }
    struct ring_open *r = ring_find(p, num, 0);
    if (r) { /* close */
        uint32_t x = r->atom;
        if (x == cur)
            return fail(p, start, "ring bond %d from an atom to itself", num);
        if (sym_has_order(r->sym) && sym_has_order(sy) && r->sym != sy)
            return fail(p, start, "conflicting bond symbols on the two ends of ring bond %d", num);
        struct ring_bond *b = &p->rb[p->nring];
        b->num = num;
        b->seq = p->nring++;
        b->col = (int)start;
        uint32_t kc = p->ev++;
        if (sym_has_order(r->sym))
            b->a = x, b->b = cur, b->ka = r->key, b->kb = kc;
        else
            b->a = cur, b->b = x, b->ka = kc, b->kb = r->key;
        int osy = sym_has_order(sy) ? sy : sym_has_order(r->sym) ? r->sym : SY_NONE;
        b->bo = sym_bo(osy, p->arom[x] && p->arom[cur]);
        if (sym_dir(sy)) /* written cur -> x */
            b->dir = b->a == cur ? (uint8_t)sym_dir(sy) : flip_dir((uint8_t)sym_dir(sy));
        else if (sym_dir(r->sym)) /* written x -> cur */
            b->dir = b->a == x ? (uint8_t)sym_dir(r->sym) : flip_dir((uint8_t)sym_dir(r->sym));
        else
            b->dir = 0;
        ring_release(p, r);
    } else {
        r = ring_find(p, num, 1);
        if (!r)
            return fail(p, start, "too many ring bonds open at once");
        r->atom = cur;
        r->key = p->ev++;
        r->sym = sy;
        r->col = (int)start;
    }
    *ip = i;
    return 0;
}

/* bond symbol at *ip, or SY_NONE */
static int parse_bond_sym(const struct sp *p, size_t *ip)
{
    size_t i = *ip;
    int sy;
    switch (p->s[i]) {
    case '-':
        if (i + 1 < p->len && p->s[i + 1] == '>') {
            *ip = i + 2;
            return SY_DATR;
        }
        sy = SY_SINGLE;
        break;
    case '<':
        if (i + 1 < p->len && p->s[i + 1] == '-') {
            *ip = i + 2;
            return SY_DATL;
        }
        return SY_NONE;
    case '=':
        sy = SY_DOUBLE;
        break;
    case '#':
        sy = SY_TRIPLE;
        break;
    case '$':
        sy = SY_QUAD;
        break;
    case ':':
        sy = SY_AROM;
        break;
    case '/':
        sy = SY_UP;
        break;
    case '\\': /* RDKit also reads a doubled backslash as one */
        *ip = i + 1 + (i + 1 < p->len && p->s[i + 1] == '\\');
        return SY_DOWN;
    default:
        return SY_NONE;
    }
    *ip = i + 1;
    return sy;
}

static int cmp_ring_bond(const void *a, const void *b)
{
    const struct ring_bond *x = a, *y = b;
    if (x->num != y->num)
        return x->num < y->num ? -1 : 1;
    return x->seq < y->seq ? -1 : x->seq > y->seq;
}

static int cmp_u32(const void *a, const void *b)
{
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    return x < y ? -1 : x > y;
}

/* Rewrite @/@@ tags from SMILES neighbour order to bond-array order, as RDKit's
 * AdjustAtomChiralityFlags does: one swap per inversion between the two orders of the atom's
 * bonds (H not included), plus one more for a degree-3 atom that either starts the SMILES (or a
 * '.' component) with exactly one H, or has no single H, exactly one ring-closure bond and only
 * single (or dative) bonds. Both cases amount to placing the H (or lone pair) last. */
static void fix_chirality(struct sp *p)
{
    uint32_t n = p->n, nb = p->nb;
    uint32_t *off = ecalloc((size_t)n + 1, sizeof *off);
    uint32_t *lst = emalloc(emul(2 * (size_t)nb + 1, sizeof *lst));
    uint32_t *fill = emalloc(emul((size_t)n + 1, sizeof *fill));
    for (uint32_t j = 0; j < nb; j++) {
        off[p->bonds[2 * j] + 1]++;
        off[p->bonds[2 * j + 1] + 1]++;
    }
    for (uint32_t a = 0; a < n; a++)
        off[a + 1] += off[a];
    memcpy(fill, off, (size_t)n * sizeof *fill);
    for (uint32_t j = 0; j < nb; j++) {
        lst[fill[p->bonds[2 * j]]++] = j;
        lst[fill[p->bonds[2 * j + 1]]++] = j;
    }
    for (uint32_t a = 0; a < n; a++) {
        if (p->chir[a] != 1 && p->chir[a] != 2)
            continue;
        uint32_t k0 = off[a], k1 = off[a + 1];
        unsigned inv = 0, closures = 0, unsat = 0;
        for (uint32_t u = k0; u < k1; u++) {
            uint32_t ju = lst[u];
            uint32_t ku = p->bonds[2 * ju] == a ? p->bka[ju] : p->bkb[ju];
            for (uint32_t v = u + 1; v < k1; v++) {
                uint32_t jv = lst[v];
                inv += ku > (p->bonds[2 * jv] == a ? p->bka[jv] : p->bkb[jv]);
            }
            closures += ju >= p->nchain;
            unsat |= p->bo[ju] != BO_SINGLE && p->bo[ju] != BO_DATIVE;
        }
        if (k1 - k0 == 3 && ((p->parent[a] == UINT32_MAX && p->nh[a] == 1) ||
                             (p->nh[a] != 1 && closures == 1 && !unsat)))
            inv++;
        if (inv & 1)
            p->chir[a] ^= 3;
    }
    free(off);
    free(lst);
    free(fill);
}

static int finish(struct sp *p)
{
    /* ring bonds: sort by ring number then closing order, reject duplicates, append */
    p->nchain = p->nb;
    if ((size_t)p->nb + p->nring > 8u * MOL_MAX_ATOMS_HARD) /* mol_unpack's bound */
        return fail(p, (size_t)p->rb[p->nring - 1].col, "too many bonds (more than %u)",
                    8u * MOL_MAX_ATOMS_HARD);
    if (p->nring) {
        qsort(p->rb, p->nring, sizeof *p->rb, cmp_ring_bond);
        uint32_t *pairs = emalloc(emul(p->nring, sizeof *pairs));
        for (uint32_t k = 0; k < p->nring; k++) {
            const struct ring_bond *b = &p->rb[k];
            if (p->parent[b->a] == b->b || p->parent[b->b] == b->a) {
                free(pairs);
                return fail(p, (size_t)b->col, "ring bond %d duplicates an existing bond", b->num);
            }
            uint32_t lo = b->a < b->b ? b->a : b->b, hi = b->a ^ b->b ^ lo;
            pairs[k] = lo << 16 | hi;
        }
        qsort(pairs, p->nring, sizeof *pairs, cmp_u32);
        for (uint32_t k = 1; k < p->nring; k++)
            if (pairs[k] == pairs[k - 1]) {
                uint32_t lo = pairs[k] >> 16, hi = pairs[k] & 0xFFFF;
                int col = 0;
                for (uint32_t q = 0; q < p->nring; q++)
                    if ((p->rb[q].a == lo && p->rb[q].b == hi) ||
                        (p->rb[q].a == hi && p->rb[q].b == lo))
                        col = p->rb[q].col > col ? p->rb[q].col : col;
                free(pairs);
                return fail(p, (size_t)col, "two ring bonds join the same pair of atoms");
            }
        free(pairs);
        for (uint32_t k = 0; k < p->nring; k++) {
            const struct ring_bond *b = &p->rb[k];
            uint32_t j = p->nb++;
            p->bonds[2 * j] = (uint16_t)b->a, p->bonds[2 * j + 1] = (uint16_t)b->b;
            p->bka[j] = b->ka, p->bkb[j] = b->kb;
            p->bo[j] = b->bo;
            p->bdir[j] = b->dir;
        }
    }
    if (p->any_chiral)
        fix_chirality(p);
    return 0;
}

static int parse_main(struct sp *p)
{
    const char *s = p->s;
    size_t len = p->len, i = 0;
    char cb[24];
    long cur = -1;    /* current atom (bond source) */
    int sy = SY_NONE; /* pending bond symbol */
    size_t sycol = 0;
    int need_atom = 1; /* after start, '(' and '.' an atom must follow */
    size_t need_col = 0;
    while (i < len) {
        char c = s[i];
        if (c == '[' || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '*') {
            int a = c == '[' ? parse_bracket(p, &i) : parse_organic(p, &i);
            if (a < 0)
                return -1;
            if (cur >= 0)
                add_chain_bond(p, (uint32_t)cur, (uint32_t)a, sy);
            cur = a;
            sy = SY_NONE;
            need_atom = 0;
            continue;
        }
        if (is_digit(c) || c == '%') {
            if (cur < 0 || need_atom)
                return fail(p, i, "ring-closure digit without an atom before it");
            if (parse_ring(p, &i, (uint32_t)cur, sy))
                return -1;
            sy = SY_NONE;
            continue;
        }
        if (c == '(') {
            if (cur < 0 || need_atom)
                return fail(p, i, "'(' without an atom before it");
            if (sy != SY_NONE)
                return fail(p, sycol, "bond symbol before '('");
            p->stack[p->depth] = (uint32_t)cur;
            p->stack_col[p->depth] = (int)i;
            p->depth++;
            need_atom = 1;
            need_col = i;
            i++;
            continue;
        }
        if (c == ')') {
            if (!p->depth)
                return fail(p, i, "')' without a matching '('");
            if (sy != SY_NONE)
                return fail(p, sycol, "bond symbol not followed by an atom");
            if (need_atom)
                return fail(p, i, "empty branch or no atom after '%c'", s[need_col]);
            p->depth--;
            cur = p->stack[p->depth];
            i++;
            continue;
        }
        if (c == '.') {
            if (cur < 0 || need_atom)
                return fail(p, i, "'.' without an atom before it");
            if (sy != SY_NONE)
                return fail(p, sycol, "bond symbol before '.'");
            cur = -1;
            need_atom = 1;
            need_col = i;
            i++;
            continue;
        }
        size_t i0 = i;
        int b = parse_bond_sym(p, &i);
        if (b != SY_NONE) {
            if (cur < 0)
                return fail(p, i0, "bond symbol without an atom before it");
            if (sy != SY_NONE)
                return fail(p, i0, "two bond symbols in a row");
            sy = b;
            sycol = i0;
            continue;
        }
        return fail(p, i, "unexpected %s", chdesc(p, i, cb, sizeof cb));
    }
    if (sy != SY_NONE)
        return fail(p, sycol, "bond symbol at the end of the SMILES");
    if (p->depth)
        return fail(p, (size_t)p->stack_col[p->depth - 1], "unclosed '('");
    if (need_atom)
        return fail(p, need_col, "'%c' not followed by an atom", s[need_col]);
    /* open rings: report the first by column */
    int col = -1, num = 0;
    for (int k = 0; k < 100; k++)
        if (p->small_open[k] && (col < 0 || p->small[k].col < col))
            col = p->small[k].col, num = k;
    for (int k = 0; k < p->nbig; k++)
        if (p->big[k].num >= 0 && (col < 0 || p->big[k].col < col))
            col = p->big[k].col, num = p->big[k].num;
    if (col >= 0)
        return fail(p, (size_t)col, "ring bond %d is not closed", num);
    return finish(p);
}

int smiles_parse(struct mol *m, const char *s, size_t len, char *err, size_t errlen)
{
    mol_init(m);
    if (err && errlen)
        err[0] = 0;
    struct sp sp_, *p = &sp_; /* ~8 KiB; only the part before the ring tables is zeroed */
    memset(p, 0, offsetof(struct sp, small));
    p->s = s;
    p->len = len;
    p->err = err;
    p->errlen = errlen;
    if (len == 0) {
        fail(p, 0, "empty SMILES");
        return -1;
    }
    size_t ca = len < MOL_MAX_ATOMS_HARD ? len : MOL_MAX_ATOMS_HARD;
    size_t cb = len; /* each bond needs at least one character (next atom or ring digit) */
    /* one scratch block: per-atom, per-bond and per-character arrays */
    size_t sz_a =
        ca * (5 * sizeof(uint8_t) + sizeof(int8_t) + 2 * sizeof(uint16_t) + sizeof(uint32_t));
    size_t sz_b = emul(cb, 2 * sizeof(uint16_t) + 2 * sizeof(uint8_t) + 2 * sizeof(uint32_t) +
                               sizeof(struct ring_bond) + 2 * sizeof(uint32_t) + sizeof(int));
    char *blk = emalloc(sz_a + sz_b + 64);
    char *q = blk;
#define CARVE(ptr, count)                                                                          \
    do {                                                                                           \
        ptr = (void *)q;                                                                           \
        q += (count) * sizeof *ptr;                                                                \
    } while (0)
    /* widest types first keeps alignment */
    CARVE(p->rb, cb);
    CARVE(p->parent, ca);
    CARVE(p->bka, cb);
    CARVE(p->bkb, cb);
    CARVE(p->stack, cb);
    CARVE(p->stack_col, cb);
    CARVE(p->iso, ca);
    CARVE(p->aclass, ca);
    CARVE(p->bonds, 2 * cb);
    CARVE(p->z, ca);
    CARVE(p->nh, ca);
    CARVE(p->noimp, ca);
    CARVE(p->arom, ca);
    CARVE(p->chir, ca);
    CARVE(p->chg, ca);
    CARVE(p->bo, cb);
    CARVE(p->bdir, cb);
#undef CARVE
    int ret = parse_main(p);
    if (ret == 0) {
        uint32_t n = p->n, nb = p->nb;
        m->n = n;
        m->nb = nb;
        memcpy(mol_alloc(m, MOL_F_z, n), p->z, n);
        memcpy(mol_alloc(m, MOL_F_chg, n), p->chg, n);
        memcpy(mol_alloc(m, MOL_F_iso, n), p->iso, (size_t)n * 2);
        memcpy(mol_alloc(m, MOL_F_nh, n), p->nh, n);
        memcpy(mol_alloc(m, MOL_F_noimp, n), p->noimp, n);
        memcpy(mol_alloc(m, MOL_F_arom, n), p->arom, n);
        memcpy(mol_alloc(m, MOL_F_chir, n), p->chir, n);
        memcpy(mol_alloc(m, MOL_F_aclass, n), p->aclass, (size_t)n * 2);
        memcpy(mol_alloc(m, MOL_F_bonds, 2 * (size_t)nb), p->bonds, (size_t)nb * 4);
        memcpy(mol_alloc(m, MOL_F_bo, nb), p->bo, nb);
        memcpy(mol_alloc(m, MOL_F_bdir, nb), p->bdir, nb);
        m->has_bonds = 1;
        m->fmt = estrdup("smiles");
        m->smiles = estrndup(s, len);
    }
    free(blk);
    if (ret)
        mol_free(m);
    return ret;
}
