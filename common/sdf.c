/* sdf.c: MDL molfile V2000/V3000 and SD records (see sdf.h) */
#include "sdf.h"
#include "molops.h"
#include "util.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* largest |coordinate| accepted (Angstrom): beyond it floats or pair distances overflow */
#define SDF_MAX_COORD 1e6

/* ---- lines ---- */

struct cur {
    const char *p, *end; /* next line start, end of the record body */
    uint32_t line;       /* number of the line last returned */
};

static int next_line(struct cur *c, const char **s, size_t *n)
{
    if (c->p >= c->end)
        return 0;
    const char *e = memchr(c->p, '\n', (size_t)(c->end - c->p));
    const char *le = e ? e : c->end;
    *s = c->p;
    *n = (size_t)(le - c->p);
    if (*n && (*s)[*n - 1] == '\r')
        (*n)--;
    c->p = e ? e + 1 : c->end;
    c->line++;
    return 1;
}

static int is_blank(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (s[i] != ' ' && s[i] != '\t' && s[i] != '\r')
            return 0;
    return 1;
}

static int starts(const char *s, size_t n, const char *pfx)
{
    size_t k = strlen(pfx);
    return n >= k && !memcmp(s, pfx, k);
}

/* ---- numbers in fixed or free fields ---- */

static const double pow10_tab[] = {1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,
                                   1e8,  1e9,  1e10, 1e11, 1e12, 1e13, 1e14, 1e15,
                                   1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};

/* Integer in s[0..n) surrounded by blanks; all blank = 0 when blank_ok. 0 ok, -1 bad. */
static int fld_int(const char *s, size_t n, int blank_ok, long *out)
{
    size_t i = 0;
    while (i < n && s[i] == ' ')
        i++;
    if (i == n) {
        *out = 0;
        return blank_ok ? 0 : -1;
    }
    int neg = 0;
    if (s[i] == '+' || s[i] == '-')
        neg = s[i++] == '-';
    long v = 0;
    size_t d0 = i;
    while (i < n && s[i] >= '0' && s[i] <= '9') {
        if (v > 100000000L)
            return -1;
        v = v * 10 + (s[i++] - '0');
    }
    if (i == d0)
        return -1;
    while (i < n && (s[i] == ' ' || s[i] == '\t'))
        i++;
    if (i != n)
        return -1;
    *out = neg ? -v : v;
    return 0;
}

/* Decimal number in s[0..n) surrounded by blanks (exponents accepted). 0 ok, -1 bad. */
static int fld_double(const char *s, size_t n, double *out)
{
    size_t i = 0;
    while (i < n && (s[i] == ' ' || s[i] == '\t'))
        i++;
    while (n > i && (s[n - 1] == ' ' || s[n - 1] == '\t'))
        n--;
    if (i == n)
        return -1;
    size_t st = i;
    int neg = 0;
    if (s[i] == '+' || s[i] == '-')
        neg = s[i++] == '-';
    uint64_t mant = 0;
    int nd = 0, frac = 0, any = 0;
    while (i < n && s[i] >= '0' && s[i] <= '9') {
        if (nd < 18) {
            mant = mant * 10 + (uint64_t)(s[i] - '0');
            if (mant) nd++;
        } else {
            goto slow;
        }
        i++;
        any = 1;
    }
    if (i < n && s[i] == '.') {
        i++;
        while (i < n && s[i] >= '0' && s[i] <= '9') {
            if (nd >= 18 || frac >= 22)
                goto slow;
            mant = mant * 10 + (uint64_t)(s[i] - '0');
            if (mant) nd++;
            frac++;
            i++;
            any = 1;
        }
    }
    if (!any)
        return -1;
    if (i < n) {
        if (s[i] == 'e' || s[i] == 'E')
            goto slow;
        return -1;
    }
    {
        double v = (double)mant / pow10_tab[frac];
        *out = neg ? -v : v;
        return 0;
    }
slow : {
    char tmp[64];
    size_t k = n - st;
    if (k >= sizeof tmp)
        return -1;
    memcpy(tmp, s + st, k);
    tmp[k] = 0;
    for (size_t j = 0; j < k; j++)
        if (!strchr("0123456789+-.eE", tmp[j]))
            return -1;
    char *e;
    double v = strtod(tmp, &e);
    if (*e || !isfinite(v))
        return -1;
    *out = v;
    return 0;
}
}

/* ---- errors ---- */

/* ---- iterator ---- */

void sdf_iter_init(struct sdf_iter *it, const char *buf, size_t len)
{
    memset(it, 0, sizeof *it);
    it->buf = buf;
    it->len = len;
    it->line = 1;
}

void sdf_iter_free(struct sdf_iter *it)
{
    free(it->scratch);
    free(it->amap);
    memset(it, 0, sizeof *it);
}

static char *scratch(struct sdf_iter *it, size_t need)
{
    if (need > it->scap) {
        size_t c = it->scap ? it->scap : 256;
        while (c < need)
            c *= 2;
        it->scratch = erealloc(it->scratch, c);
        it->scap = c;
    }
    return it->scratch;
}

struct ctx {
    struct sdf_iter *it;
    struct mol *m;
    struct cur c;
    char *err;
    size_t errlen;
    int any_chg_line;
};

static void alloc_atoms(struct mol *m, uint32_t n)
{
    m->n = n;
    mol_alloc(m, MOL_F_z, n);
    mol_alloc(m, MOL_F_chg, n);
    mol_alloc(m, MOL_F_iso, n);
    mol_alloc(m, MOL_F_nh, n);
    mol_alloc(m, MOL_F_noimp, n);
    mol_alloc(m, MOL_F_rad, n);
    mol_alloc(m, MOL_F_arom, n);
    mol_alloc(m, MOL_F_parity, n);
    mol_alloc(m, MOL_F_pos, 3 * (size_t)n);
}

static void alloc_bonds(struct mol *m, uint32_t nb)
{
    m->nb = nb;
    mol_alloc(m, MOL_F_bonds, 2 * (size_t)nb);
    mol_alloc(m, MOL_F_bo, nb);
    mol_alloc(m, MOL_F_bst, nb);
}

static uint8_t bond_code(long t)
{
    switch (t) {
    case 1: return BO_SINGLE;
    case 2: return BO_DOUBLE;
    case 3: return BO_TRIPLE;
    case 4: return BO_AROMATIC;
    case 9: return BO_DATIVE;
    default: return BO_OTHER;
    }
}

/* RDKit: charge field 1..7 -> +3..-3, 4 = doublet radical (no charge), any other code c -> 4-c */
static int charge_code(long c)
{
    if (c == 0 || c == 4)
        return 0;
    return (int)(4 - c);
}

static int set_bond(struct ctx *x, uint32_t b, long a1, long a2, long type, long st)
{
    struct mol *m = x->m;
    if (a1 < 1 || a1 > (long)m->n || a2 < 1 || a2 > (long)m->n)
        return util_seterr_line(x->err, x->errlen, x->c.line,
                                "bond atom index %ld %ld out of range 1..%u", a1, a2, m->n);
    if (a1 == a2)
        return util_seterr_line(x->err, x->errlen, x->c.line, "bond from atom %ld to itself", a1);
    m->bonds[2 * b] = (uint16_t)(a1 - 1);
    m->bonds[2 * b + 1] = (uint16_t)(a2 - 1);
    m->bo[b] = bond_code(type);
    m->bst[b] = (uint8_t)(st >= 0 && st <= 255 ? st : 0);
    if (m->bo[b] == BO_AROMATIC)
        m->arom[a1 - 1] = m->arom[a2 - 1] = 1;
    return 0;
}

/* Reject a molecule with the same atom pair bonded twice (RDKit refuses it too). */
static int check_dup_bonds(struct ctx *x)
{
    struct mol *m = x->m;
    uint32_t nb = m->nb;
    if (nb < 2)
        return 0;
    /* count sort by lower atom, then look for equal upper atoms within each bucket */
    uint32_t n = m->n;
    uint32_t *off = ecalloc((size_t)n + 2, sizeof *off);
    uint32_t *hi = emalloc(emul(nb, sizeof *hi));
    for (uint32_t b = 0; b < nb; b++) {
        uint32_t lo = m->bonds[2 * b] < m->bonds[2 * b + 1] ? m->bonds[2 * b] : m->bonds[2 * b + 1];
        off[lo + 1]++;
    }
    for (uint32_t i = 0; i < n; i++)
        off[i + 1] += off[i];
    uint32_t *fill = emalloc(emul((size_t)n + 1, sizeof *fill));
    memcpy(fill, off, ((size_t)n + 1) * sizeof *fill);
    for (uint32_t b = 0; b < nb; b++) {
        uint16_t u = m->bonds[2 * b], v = m->bonds[2 * b + 1];
        hi[fill[u < v ? u : v]++] = u < v ? v : u;
    }
    int ret = 0;
    for (uint32_t i = 0; i < n && !ret; i++)
        for (uint32_t k = off[i]; k < off[i + 1] && !ret; k++)
            for (uint32_t l = k + 1; l < off[i + 1]; l++)
                if (hi[k] == hi[l]) {
                    ret = util_seterr_line(x->err, x->errlen, x->c.line,
                                           "atoms %u and %u bonded twice", i + 1, hi[k] + 1);
                    break;
                }
    free(fill);
    free(hi);
    free(off);
    return ret;
}

/* ---- V2000 ---- */

static int sub_int(struct ctx *x, const char *s, size_t n, size_t at, size_t w, long *v,
                   const char *what)
{
    *v = 0;
    if (at >= n)
        return 0;
    if (at + w > n)
        w = n - at;
    if (fld_int(s + at, w, 1, v)) {
        char tmp[32];
        return util_seterr_line(x->err, x->errlen, x->c.line, "bad %s field '%s'", what,
                    util_excerpt(s + at, w, tmp, sizeof tmp));
    }
    return 0;
}

static int v2000_atom(struct ctx *x, uint32_t i, const char *s, size_t n)
{
    struct mol *m = x->m;
    double xyz[3];
    char tmp[32];
    if (n > SDF_MAX_LINE)
        return util_seterr_line(x->err, x->errlen, x->c.line, "line too long");
    if (n < 34)
        return util_seterr_line(x->err, x->errlen, x->c.line,
                                "atom line too short (%zu < 34 columns)", n);
    for (int k = 0; k < 3; k++)
        if (fld_double(s + 10 * k, 10, &xyz[k]) || fabs(xyz[k]) > SDF_MAX_COORD)
            return util_seterr_line(x->err, x->errlen, x->c.line, "bad coordinate '%s'",
                        util_excerpt(s + 10 * k, 10, tmp, sizeof tmp));
    size_t a = 31, e = n < 34 ? n : 34;
    while (a < e && s[a] == ' ')
        a++;
    while (e > a && s[e - 1] == ' ')
        e--;
    uint16_t iso = 0;
    int z = elem_from_symbol(s + a, e - a, &iso);
    if (z < 0)
        return util_seterr_line(x->err, x->errlen, x->c.line, "unknown element '%s'",
                    util_excerpt(s + a, e - a, tmp, sizeof tmp));
    long md, chg, par, hc, val;
    if (sub_int(x, s, n, 34, 2, &md, "mass difference") || sub_int(x, s, n, 36, 3, &chg, "charge") ||
        sub_int(x, s, n, 39, 3, &par, "parity") || sub_int(x, s, n, 42, 3, &hc, "hydrogen count") ||
        sub_int(x, s, n, 48, 3, &val, "valence"))
        return -1;
    if (chg < 0 || chg > 15)
        return util_seterr_line(x->err, x->errlen, x->c.line, "charge code %ld out of range 0..7",
                                chg);
    /* RDKit takes any value in these fields; only negative ones are refused here */
    if (par < 0 || par > 255)
        return util_seterr_line(x->err, x->errlen, x->c.line, "atom parity %ld out of range", par);
    if (hc < 0) /* the hydrogen count is a query feature (RDKit: H-count query): not stored */
        return util_seterr_line(x->err, x->errlen, x->c.line, "hydrogen count %ld out of range",
                                hc);
    if (val < 0)
        return util_seterr_line(x->err, x->errlen, x->c.line, "valence %ld out of range", val);
    m->z[i] = (uint8_t)z;
    m->iso[i] = iso;
    if (md && z > 0) {
        long v = elem_common_isotope(z) + md;
        if (v < 1 || v > 999)
            return util_seterr_line(x->err, x->errlen, x->c.line,
                                    "mass difference %ld out of range", md);
        m->iso[i] = (uint16_t)v;
    }
    m->chg[i] = (int8_t)charge_code(chg);
    m->parity[i] = (uint8_t)par;
    m->noimp[i] = (uint8_t)(val > 255 ? 255 : val); /* the field until apply_valence() */
    for (int k = 0; k < 3; k++)
        m->pos[3 * i + k] = (float)xyz[k];
    return 0;
}

static int v2000_bond(struct ctx *x, uint32_t b, const char *s, size_t n)
{
    long a1, a2, t, st;
    if (n > SDF_MAX_LINE)
        return util_seterr_line(x->err, x->errlen, x->c.line, "line too long");
    if (n < 9)
        return util_seterr_line(x->err, x->errlen, x->c.line,
                                "bond line too short (%zu < 9 columns)", n);
    if (sub_int(x, s, n, 0, 3, &a1, "bond atom") || sub_int(x, s, n, 3, 3, &a2, "bond atom") ||
        sub_int(x, s, n, 6, 3, &t, "bond type") || sub_int(x, s, n, 9, 3, &st, "bond stereo"))
        return -1;
    if (t < 0 || t > 255)
        return util_seterr_line(x->err, x->errlen, x->c.line, "bond type %ld out of range", t);
    if (st < 0 || st > 255)
        return util_seterr_line(x->err, x->errlen, x->c.line, "bond stereo %ld out of range", st);
    return set_bond(x, b, a1, a2, t, st);
}

/* "M  CHG", "M  ISO", "M  RAD": count at columns 6..8, then pairs */
static int v2000_prop(struct ctx *x, const char *s, size_t n, int kind)
{
    struct mol *m = x->m;
    long cnt;
    char tmp[32];
    if (n < 9 || fld_int(s + 6, 3, 0, &cnt) || cnt < 1 || cnt > 8)
        return util_seterr_line(x->err, x->errlen, x->c.line, "bad property count '%s'",
                    util_excerpt(s + 6, n > 6 ? (n - 6 < 3 ? n - 6 : 3) : 0, tmp, sizeof tmp));
    if (kind == 'C' && !x->any_chg_line) { /* RDKit: the first M  CHG voids atom-block charges */
        memset(m->chg, 0, m->n);
        x->any_chg_line = 1;
    }
    size_t p = 9;
    for (long k = 0; k < cnt; k++) {
        long v[2];
        for (int h = 0; h < 2; h++) {
            while (p < n && s[p] == ' ')
                p++;
            size_t q = p;
            while (q < n && s[q] != ' ')
                q++;
            if (q == p || fld_int(s + p, q - p, 0, &v[h]))
                return util_seterr_line(x->err, x->errlen, x->c.line,
                                        "property entry %ld: expected %ld pairs", k + 1, cnt);
            p = q;
        }
        if (v[0] < 1 || v[0] > (long)m->n)
            return util_seterr_line(x->err, x->errlen, x->c.line,
                                    "property atom index %ld out of range 1..%u", v[0], m->n);
        uint32_t a = (uint32_t)(v[0] - 1);
        if (kind == 'C') {
            if (v[1] < -15 || v[1] > 15)
                return util_seterr_line(x->err, x->errlen, x->c.line, "charge %ld out of range",
                                        v[1]);
            m->chg[a] = (int8_t)v[1];
        } else if (kind == 'I') {
            if (v[1] < 0 || v[1] > 999)
                return util_seterr_line(x->err, x->errlen, x->c.line, "isotope %ld out of range",
                                        v[1]);
            m->iso[a] = (uint16_t)v[1];
        } else {
            if (v[1] < 0 || v[1] > 3)
                return util_seterr_line(x->err, x->errlen, x->c.line,
                                        "radical code %ld out of range 0..3", v[1]);
            m->rad[a] = v[1] == 2 ? 1 : v[1] ? 2 : 0; /* doublet 1 electron, singlet/triplet 2 */
        }
    }
    return 0;
}

/* Property block up to "M  END" (shared by V2000; V3000 calls it after END CTAB). */
static int props_block(struct ctx *x)
{
    const char *s;
    size_t n;
    while (next_line(&x->c, &s, &n)) {
        if (starts(s, n, "M  END"))
            return 0;
        if (starts(s, n, "M  CHG")) {
            if (v2000_prop(x, s, n, 'C'))
                return -1;
        } else if (starts(s, n, "M  ISO")) {
            if (v2000_prop(x, s, n, 'I'))
                return -1;
        } else if (starts(s, n, "M  RAD")) {
            if (v2000_prop(x, s, n, 'R'))
                return -1;
        } else if (starts(s, n, "A  ") || starts(s, n, "G  ")) {
            if (!next_line(&x->c, &s, &n)) /* alias / group text line */
                break;
        } else if (starts(s, n, "S  SKP")) {
            long k;
            if (n < 9 || fld_int(s + 6, n - 6, 0, &k) || k < 0)
                return util_seterr_line(x->err, x->errlen, x->c.line, "bad S  SKP line");
            while (k-- > 0 && next_line(&x->c, &s, &n))
                ;
        }
        /* other property lines (M  ALS, M  STY, SGroups, V  ...) are not needed */
    }
    return util_seterr_line(x->err, x->errlen, x->c.line, "'M  END' missing");
}

static int parse_v2000(struct ctx *x, long na, long nbd)
{
    const char *s;
    size_t n;
    struct mol *m = x->m;
    alloc_atoms(m, (uint32_t)na);
    alloc_bonds(m, (uint32_t)nbd);
    for (uint32_t i = 0; i < (uint32_t)na; i++) {
        if (!next_line(&x->c, &s, &n))
            return util_seterr_line(x->err, x->errlen, x->c.line,
                                    "record ends in the atom block (%u of %ld)", i, na);
        if (v2000_atom(x, i, s, n))
            return -1;
    }
    for (uint32_t b = 0; b < (uint32_t)nbd; b++) {
        if (!next_line(&x->c, &s, &n))
            return util_seterr_line(x->err, x->errlen, x->c.line,
                                    "record ends in the bond block (%u of %ld)", b, nbd);
        if (v2000_bond(x, b, s, n))
            return -1;
    }
    if (check_dup_bonds(x))
        return -1;
    return props_block(x);
}

/* ---- V3000 ---- */

/* Next logical "M  V30 " line (continuations joined) into scratch; returns its length or -1. */
static long v30_line(struct ctx *x, const char **out)
{
    const char *s;
    size_t n, len = 0;
    for (;;) {
        if (!next_line(&x->c, &s, &n))
            return util_seterr_line(x->err, x->errlen, x->c.line,
                                    "record ends inside the V3000 CTAB");
        if (n > SDF_MAX_LINE)
            return util_seterr_line(x->err, x->errlen, x->c.line, "line too long");
        if (!starts(s, n, "M  V30 "))
            return util_seterr_line(x->err, x->errlen, x->c.line, "expected 'M  V30' line");
        s += 7, n -= 7;
        int cont = n > 0 && s[n - 1] == '-';
        if (cont)
            n--;
        if (len + n + 1 > 64 * SDF_MAX_LINE)
            return util_seterr_line(x->err, x->errlen, x->c.line, "V3000 line too long");
        char *d = scratch(x->it, len + n + 1);
        memcpy(d + len, s, n);
        len += n;
        d[len] = 0;
        if (!cont)
            break;
    }
    *out = x->it->scratch;
    return (long)len;
}

/* Tokenizer for V3000 lines: blanks separate tokens; "..." and (...) stay together. */
struct tok {
    const char *s;
    size_t n;
};

static int v30_tokens(const char *s, size_t n, struct tok *t, int max)
{
    int k = 0;
    size_t i = 0;
    while (i < n && k < max) {
        while (i < n && (s[i] == ' ' || s[i] == '\t'))
            i++;
        if (i == n)
            break;
        size_t st = i;
        int depth = 0, q = 0;
        while (i < n) {
            char c = s[i];
            if (q) {
                if (c == '"') q = 0;
            } else if (c == '"') {
                q = 1;
            } else if (c == '(') {
                depth++;
            } else if (c == ')') {
                if (depth) depth--;
            } else if ((c == ' ' || c == '\t') && !depth) {
                break;
            }
            i++;
        }
        t[k].s = s + st;
        t[k].n = i - st;
        k++;
    }
    return k;
}

static int tok_is(const struct tok *t, const char *w)
{
    size_t k = strlen(w);
    return t->n == k && !memcmp(t->s, w, k);
}

/* KEY=value token: value of key or NULL */
static const char *tok_kv(const struct tok *t, const char *key, size_t *vn)
{
    size_t k = strlen(key);
    if (t->n > k && !memcmp(t->s, key, k) && t->s[k] == '=') {
        *vn = t->n - k - 1;
        return t->s + k + 1;
    }
    return NULL;
}

static int v3000_atom(struct ctx *x, uint32_t i, const char *s, size_t n)
{
    struct mol *m = x->m;
    struct tok t[64];
    char tmp[32];
    int k = v30_tokens(s, n, t, 64);
    long id;
    double xyz[3];
    if (k < 6)
        return util_seterr_line(x->err, x->errlen, x->c.line, "V3000 atom line has %d of 6 fields",
                                k);
    if (fld_int(t[0].s, t[0].n, 0, &id) || id < 1)
        return util_seterr_line(x->err, x->errlen, x->c.line, "bad V3000 atom index '%s'",
                    util_excerpt(t[0].s, t[0].n, tmp, sizeof tmp));
    x->it->amap[i] = (uint32_t)id;
    uint16_t iso = 0;
    int z;
    const char *sym = t[1].s;
    size_t sn = t[1].n;
    if (sn >= 2 && sym[0] == '"' && sym[sn - 1] == '"')
        sym++, sn -= 2;
    if ((sn && sym[0] == '[') || starts(sym, sn, "NOT["))
        z = 0; /* atom list: a query */
    else
        z = elem_from_symbol(sym, sn, &iso);
    if (z < 0)
        return util_seterr_line(x->err, x->errlen, x->c.line, "unknown element '%s'",
                    util_excerpt(t[1].s, t[1].n, tmp, sizeof tmp));
    for (int d = 0; d < 3; d++)
        if (fld_double(t[2 + d].s, t[2 + d].n, &xyz[d]) || fabs(xyz[d]) > SDF_MAX_COORD)
            return util_seterr_line(x->err, x->errlen, x->c.line, "bad coordinate '%s'",
                        util_excerpt(t[2 + d].s, t[2 + d].n, tmp, sizeof tmp));
    m->z[i] = (uint8_t)z;
    m->iso[i] = iso;
    for (int d = 0; d < 3; d++)
        m->pos[3 * i + d] = (float)xyz[d];
    for (int j = 6; j < k; j++) {
        const char *v;
        size_t vn;
        long val;
        if ((v = tok_kv(&t[j], "CHG", &vn))) {
            if (fld_int(v, vn, 0, &val) || val < -15 || val > 15)
                return util_seterr_line(x->err, x->errlen, x->c.line, "bad CHG value");
            m->chg[i] = (int8_t)val;
        } else if ((v = tok_kv(&t[j], "MASS", &vn))) {
            double dv;
            if (fld_double(v, vn, &dv) || dv < 0 || dv > 999)
                return util_seterr_line(x->err, x->errlen, x->c.line, "bad MASS value");
            m->iso[i] = (uint16_t)lround(dv);
        } else if ((v = tok_kv(&t[j], "RAD", &vn))) {
            if (fld_int(v, vn, 0, &val) || val < 0 || val > 3)
                return util_seterr_line(x->err, x->errlen, x->c.line, "bad RAD value");
            m->rad[i] = val == 2 ? 1 : val ? 2 : 0;
        } else if ((v = tok_kv(&t[j], "CFG", &vn))) {
            if (fld_int(v, vn, 0, &val) || val < 0 || val > 3)
                return util_seterr_line(x->err, x->errlen, x->c.line, "bad CFG value");
            m->parity[i] = (uint8_t)val;
        } else if ((v = tok_kv(&t[j], "VAL", &vn))) {
            if (fld_int(v, vn, 0, &val) || val < -1 || val > 15)
                return util_seterr_line(x->err, x->errlen, x->c.line, "bad VAL value");
            m->noimp[i] = (uint8_t)(val == -1 ? 15 : val); /* until apply_valence() */
        }
    }
    return 0;
}

static long v3000_atom_pos(struct ctx *x, long id)
{
    uint32_t n = x->m->n;
    if (id >= 1 && id <= (long)n && x->it->amap[id - 1] == (uint32_t)id)
        return id;
    for (uint32_t i = 0; i < n; i++)
        if (x->it->amap[i] == (uint32_t)id)
            return (long)i + 1;
    return -1;
}

static int v3000_bond(struct ctx *x, uint32_t b, const char *s, size_t n)
{
    struct tok t[64];
    int k = v30_tokens(s, n, t, 64);
    long id, type, a1, a2, cfg = 0;
    if (k < 4)
        return util_seterr_line(x->err, x->errlen, x->c.line, "V3000 bond line has %d of 4 fields",
                                k);
    if (fld_int(t[0].s, t[0].n, 0, &id) || fld_int(t[1].s, t[1].n, 0, &type) ||
        fld_int(t[2].s, t[2].n, 0, &a1) || fld_int(t[3].s, t[3].n, 0, &a2))
        return util_seterr_line(x->err, x->errlen, x->c.line, "bad V3000 bond line");
    if (type < 0 || type > 255)
        return util_seterr_line(x->err, x->errlen, x->c.line, "bond type %ld out of range", type);
    for (int j = 4; j < k; j++) {
        const char *v;
        size_t vn;
        if ((v = tok_kv(&t[j], "CFG", &vn)))
            if (fld_int(v, vn, 0, &cfg) || cfg < 0 || cfg > 3)
                return util_seterr_line(x->err, x->errlen, x->c.line, "bad bond CFG value");
    }
    long p1 = v3000_atom_pos(x, a1), p2 = v3000_atom_pos(x, a2);
    if (p1 < 0 || p2 < 0)
        return util_seterr_line(x->err, x->errlen, x->c.line, "bond refers to unknown atom %ld",
                    p1 < 0 ? a1 : a2);
    /* CFG 1 wedge, 2 either, 3 hash -> V2000 stereo codes 1, 4 (single) / 3 (double), 6 */
    long st = cfg == 1 ? 1 : cfg == 3 ? 6 : cfg == 2 ? (type == 2 ? 3 : 4) : 0;
    return set_bond(x, b, p1, p2, type, st);
}

static int parse_v3000(struct ctx *x)
{
    const char *s;
    long n;
    struct tok t[8];
    int have_counts = 0;
    uint32_t na = 0, nbd = 0, ia = 0, ib = 0;
    for (;;) {
        if ((n = v30_line(x, &s)) < 0)
            return -1;
        int k = v30_tokens(s, (size_t)n, t, 8);
        if (k == 0)
            continue;
        if (k >= 2 && tok_is(&t[0], "BEGIN") && tok_is(&t[1], "CTAB"))
            continue;
        if (k >= 2 && tok_is(&t[0], "END") && tok_is(&t[1], "CTAB"))
            break;
        if (tok_is(&t[0], "COUNTS")) {
            long a, b;
            if (k < 3 || fld_int(t[1].s, t[1].n, 0, &a) || fld_int(t[2].s, t[2].n, 0, &b) ||
                a < 0 || b < 0)
                return util_seterr_line(x->err, x->errlen, x->c.line, "bad V3000 COUNTS line");
            if (a > MOL_MAX_ATOMS_HARD)
                return util_seterr_line(x->err, x->errlen, x->c.line, "too many atoms (%ld > %d)",
                                        a, MOL_MAX_ATOMS_HARD);
            if (b > 16 * MOL_MAX_ATOMS_HARD)
                return util_seterr_line(x->err, x->errlen, x->c.line, "too many bonds (%ld)", b);
            if (have_counts)
                return util_seterr_line(x->err, x->errlen, x->c.line, "second COUNTS line");
            have_counts = 1;
            na = (uint32_t)a, nbd = (uint32_t)b;
            alloc_atoms(x->m, na);
            alloc_bonds(x->m, nbd);
            if (x->it->amapcap < na + 1) {
                x->it->amap = erealloc(x->it->amap, emul(na + 1, sizeof *x->it->amap));
                x->it->amapcap = na + 1;
            }
            continue;
        }
        if (k >= 2 && tok_is(&t[0], "BEGIN") && (tok_is(&t[1], "ATOM") || tok_is(&t[1], "BOND"))) {
            int atoms = tok_is(&t[1], "ATOM");
            if (!have_counts)
                return util_seterr_line(x->err, x->errlen, x->c.line, "V3000 block before COUNTS");
            for (;;) {
                if ((n = v30_line(x, &s)) < 0)
                    return -1;
                k = v30_tokens(s, (size_t)n, t, 2);
                if (k >= 1 && tok_is(&t[0], "END"))
                    break;
                if (atoms) {
                    if (ia >= na)
                        return util_seterr_line(x->err, x->errlen, x->c.line,
                                                "more atoms than COUNTS (%u)", na);
                    if (v3000_atom(x, ia++, s, (size_t)n))
                        return -1;
                } else {
                    if (ib >= nbd)
                        return util_seterr_line(x->err, x->errlen, x->c.line,
                                                "more bonds than COUNTS (%u)", nbd);
                    if (ia < na)
                        return util_seterr_line(x->err, x->errlen, x->c.line,
                                                "bond block before all atoms");
                    if (v3000_bond(x, ib++, s, (size_t)n))
                        return -1;
                }
            }
            continue;
        }
        if (k >= 2 && tok_is(&t[0], "BEGIN")) { /* SGROUP, COLLECTION, OBJ3D, ...: skipped */
            char what[32];
            size_t wn = t[1].n < sizeof what - 1 ? t[1].n : sizeof what - 1;
            memcpy(what, t[1].s, wn); /* t points into scratch, which the next line reuses */
            what[wn] = 0;
            for (;;) {
                if ((n = v30_line(x, &s)) < 0)
                    return -1;
                k = v30_tokens(s, (size_t)n, t, 2);
                if (k >= 2 && tok_is(&t[0], "END") && tok_is(&t[1], what))
                    break;
            }
            continue;
        }
        /* anything else inside the CTAB (LINKNODE, ...) is ignored */
    }
    if (!have_counts)
        return util_seterr_line(x->err, x->errlen, x->c.line, "V3000 CTAB without COUNTS");
    if (ia != na)
        return util_seterr_line(x->err, x->errlen, x->c.line, "V3000 atom block has %u of %u atoms",
                                ia, na);
    if (ib != nbd)
        return util_seterr_line(x->err, x->errlen, x->c.line, "V3000 bond block has %u of %u bonds",
                                ib, nbd);
    if (check_dup_bonds(x))
        return -1;
    return props_block(x);
}

/* ---- SD data items ---- */

static int is_number(const char *s, size_t n, double *v)
{
    while (n && (*s == ' ' || *s == '\t'))
        s++, n--;
    while (n && (s[n - 1] == ' ' || s[n - 1] == '\t'))
        n--;
    if (!n || n > 60)
        return 0;
    for (size_t i = 0; i < n; i++)
        if (!strchr("0123456789+-.eE", s[i]))
            return 0;
    char tmp[64];
    memcpy(tmp, s, n);
    tmp[n] = 0;
    char *e;
    *v = strtod(tmp, &e);
    return *e == 0 && e != tmp && isfinite(*v);
}

static int data_items(struct ctx *x)
{
    const char *s;
    size_t n;
    struct mol *m = x->m;
    while (next_line(&x->c, &s, &n)) {
        if (n == 0 || s[0] != '>')
            continue; /* blank or stray line between items */
        const char *lt = memchr(s, '<', n);
        const char *gt = NULL;
        if (lt)
            for (const char *q = s + n; q-- > lt;)
                if (*q == '>') {
                    gt = q;
                    break;
                }
        /* value: lines up to a blank line */
        size_t len = 0;
        int nl = 0;
        const char *v;
        size_t vn;
        char *buf = scratch(x->it, 1);
        while (next_line(&x->c, &v, &vn)) {
            if (vn == 0)
                break;
            if (len + vn + 2 > SDF_MAX_VALUE)
                return util_seterr_line(x->err, x->errlen, x->c.line,
                                        "data value longer than %d bytes", SDF_MAX_VALUE);
            buf = scratch(x->it, len + vn + 2);
            if (nl)
                buf[len++] = '\n';
            memcpy(buf + len, v, vn);
            len += vn;
            nl = 1;
        }
        buf = scratch(x->it, len + 1);
        buf[len] = 0;
        if (!lt || !gt || gt <= lt + 1)
            continue; /* item without a <name>: nothing to key it by */
        size_t kn = (size_t)(gt - lt - 1);
        char key[256];
        if (kn >= sizeof key)
            kn = sizeof key - 1;
        memcpy(key, lt + 1, kn);
        key[kn] = 0;
        struct mol_label *l = mol_add_label(m, key);
        double num;
        if (len == 0) {
            l->kind = LAB_NIL;
        } else if (is_number(buf, len, &num)) {
            l->kind = LAB_NUM;
            l->num = num;
            l->str = estrndup(buf, len);
        } else {
            l->kind = LAB_STR;
            l->str = estrndup(buf, len);
        }
    }
    return 0;
}

/* ---- record ---- */

static int is_dollar(const char *s, size_t n)
{
    return n >= 4 && !memcmp(s, "$$$$", 4);
}

/* The atom valence field (V2000 vvv, V3000 VAL=), parked in noimp while the block is read:
 * as RDKit's molfile parser, a non-zero value v means "no implicit H", and the atom gets
 * v - (explicit valence) explicit H (0 if negative; 15 / -1 mean valence 0). The explicit
 * valence counts bonds to H atoms still in the graph, aromatic bonds as 1.5 (rounded up),
 * dative bonds only at their end atom, query bonds as 0. */
static void apply_valence(struct mol *m)
{
    for (uint32_t i = 0; i < m->n; i++) {
        int v = m->noimp[i];
        if (!v)
            continue;
        m->noimp[i] = 1;
        if (v == 15) {
            m->nh[i] = 0;
            continue;
        }
        double acc = m->nh[i];
        for (uint32_t b = 0; b < m->nb; b++) {
            int end = m->bonds[2 * b + 1] == i;
            if (m->bonds[2 * b] != i && !end)
                continue;
            switch (m->bo[b]) {
            case BO_SINGLE: acc += 1; break;
            case BO_DOUBLE: acc += 2; break;
            case BO_TRIPLE: acc += 3; break;
            case BO_AROMATIC: acc += 1.5; break;
            case BO_DATIVE: acc += end; break;
            default: break;
            }
        }
        int ev = (int)lround(acc + 0.1);
        m->nh[i] = (uint8_t)(ev >= v ? 0 : v - ev);
    }
}

static int parse_record(struct sdf_iter *it, struct mol *m, const char *body, const char *bend,
                        uint32_t line0, char *err, size_t errlen)
{
    struct ctx x = {it, m, {body, bend, line0 - 1}, err, errlen, 0};
    const char *s, *hdr[3] = {0};
    size_t n, hn[3] = {0};
    uint32_t hline = line0;
    /* header: the three lines before the counts line; the counts line is the first line that
     * carries a V2000/V3000 stamp (junk lines before a record are skipped), else line 4 */
    struct cur probe = x.c;
    uint32_t k = 0, cl = 0;
    int found = 0;
    while (next_line(&probe, &s, &n)) {
        size_t e = n;
        long d1, d2;
        while (e && s[e - 1] == ' ')
            e--;
        if (e >= 39 && (!memcmp(s + e - 5, "V2000", 5) || !memcmp(s + e - 5, "V3000", 5)) &&
            !fld_int(s, 3, 0, &d1) && !fld_int(s + 3, 3, 0, &d2)) {
            found = 1;
            cl = k;
            break;
        }
        if (is_dollar(s, n) || starts(s, n, "M  END") || ++k > 1000)
            break;
    }
    if (!found)
        cl = 3;
    else if (cl < 3)
        return util_seterr_line(err, errlen, line0 + cl,
                                "counts line comes before the 3 header lines");
    for (uint32_t j = 0; j + 3 < cl; j++) /* junk before the header */
        next_line(&x.c, &s, &n);
    for (int j = 0; j < 3; j++) {
        if (!next_line(&x.c, &hdr[j], &hn[j]))
            return util_seterr_line(err, errlen, x.c.line, "record ends in the header");
        if (j == 0)
            hline = x.c.line;
    }
    (void)hline;
    if (!next_line(&x.c, &s, &n))
        return util_seterr_line(err, errlen, x.c.line + 1, "counts line missing");
    if (n > SDF_MAX_LINE)
        return util_seterr_line(err, errlen, x.c.line, "line too long");
    long na, nbd;
    int v3 = 0;
    {
        size_t e = n;
        while (e && s[e - 1] == ' ')
            e--;
        v3 = e >= 5 && !memcmp(s + e - 5, "V3000", 5);
    }
    if (!v3) {
        char tmp[32];
        if (n < 6)
            return util_seterr_line(err, errlen, x.c.line, "counts line too short");
        if (fld_int(s, 3, 0, &na) || fld_int(s + 3, 3, 0, &nbd) || na < 0 || nbd < 0)
            return util_seterr_line(err, errlen, x.c.line, "bad counts line '%s'",
                        util_excerpt(s, n, tmp, sizeof tmp));
        if (na > MOL_MAX_ATOMS_HARD)
            return util_seterr_line(err, errlen, x.c.line, "too many atoms (%ld > %d)", na,
                        MOL_MAX_ATOMS_HARD);
    }
    /* title -> id */
    {
        size_t e = hn[0];
        while (e && (hdr[0][e - 1] == ' ' || hdr[0][e - 1] == '\t'))
            e--;
        if (e) {
            m->id = estrndup(hdr[0], e);
        } else {
            char tmp[16];
            snprintf(tmp, sizeof tmp, "%u", it->index);
            m->id = estrdup(tmp);
        }
    }
    int dim3 = hn[1] >= 22 && (hdr[1][20] == '3') && (hdr[1][21] == 'D' || hdr[1][21] == 'd');
    mol_set_str(&m->fmt, "sdf");
    if ((v3 ? parse_v3000(&x) : parse_v2000(&x, na, nbd)) < 0)
        return -1;
    apply_valence(m);
    m->has_bonds = 1;
    m->is3d = dim3 || mol_is_3d(m);
    return data_items(&x);
}

int sdf_iter_next(struct sdf_iter *it, struct mol *m, char *err, size_t errlen)
{
    mol_init(m);
    if (err && errlen)
        err[0] = 0;
    for (;;) {
        if (it->pos >= it->len)
            return 0;
        /* record extent: up to and including the next "$$$$" line */
        struct cur c = {it->buf + it->pos, it->buf + it->len, it->line - 1};
        const char *s, *body_end = c.end;
        size_t n;
        int blank = 1;
        while (next_line(&c, &s, &n)) {
            if (is_dollar(s, n)) {
                body_end = s;
                break;
            }
            if (blank && !is_blank(s, n))
                blank = 0;
        }
        size_t start = it->pos;
        uint32_t line0 = it->line;
        it->pos = (size_t)(c.p - it->buf);
        it->line = c.line + 1;
        if (blank)
            continue; /* empty lines between or after records */
        it->span_start = start;
        it->span_end = it->pos;
        it->line0 = line0;
        it->index = it->nrec++;
        m->rec = it->index;
        m->line = line0;
        if (parse_record(it, m, it->buf + start, body_end, line0, err, errlen) < 0) {
            mol_free(m);
            return -1;
        }
        return 1;
    }
}
