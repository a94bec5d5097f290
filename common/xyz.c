/* xyz.c: plain, extended (ASE) and original-QM9 XYZ frames (see xyz.h) */
#include "xyz.h"
#include "molops.h"
#include "util.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* largest |coordinate| accepted (Angstrom): beyond it floats or pair distances overflow */
#define XYZ_MAX_COORD 1e6

struct cur {
    const char *p, *end;
    uint32_t line; /* number of the line last returned */
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

static int is_ws(char c)
{
    return c == ' ' || c == '\t' || c == '\r';
}

/* Whitespace tokens of s[0..n): up to max; returns the count (more tokens are not an error). */
struct tok {
    const char *s;
    size_t n;
};

static int split(const char *s, size_t n, struct tok *t, int max)
{
    int k = 0;
    size_t i = 0;
    while (k < max) {
        while (i < n && is_ws(s[i]))
            i++;
        if (i == n)
            break;
        size_t st = i;
        while (i < n && !is_ws(s[i]))
            i++;
        t[k].s = s + st;
        t[k].n = i - st;
        k++;
    }
    return k;
}

static const double p10[] = {1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,  1e8,  1e9,  1e10, 1e11,
                             1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};

/* A number token: decimal, with e/E/d/D or Fortran "*^" exponent. 0 ok, -1 bad. */
static int num(const char *s, size_t n, double *out)
{
    size_t i = 0;
    int neg = 0;
    if (n == 0 || n > 60)
        return -1;
    if (s[0] == '+' || s[0] == '-')
        neg = s[i++] == '-';
    uint64_t mant = 0;
    int nd = 0, frac = 0, any = 0;
    while (i < n && s[i] >= '0' && s[i] <= '9') {
        if (nd >= 18)
            goto slow;
        mant = mant * 10 + (uint64_t)(s[i] - '0');
        nd += mant != 0;
        i++;
        any = 1;
    }
    if (i < n && s[i] == '.') {
        i++;
        while (i < n && s[i] >= '0' && s[i] <= '9') {
            if (nd >= 18 || frac >= 22)
                goto slow;
            mant = mant * 10 + (uint64_t)(s[i] - '0');
            nd += mant != 0;
            frac++;
            i++;
            any = 1;
        }
    }
    if (!any)
        return -1;
    if (i == n) {
        double v = (double)mant / p10[frac];
        *out = neg ? -v : v;
        return 0;
    }
slow : {
    char tmp[64];
    size_t k = 0;
    for (size_t j = 0; j < n; j++) {
        char c = s[j];
        if (c == '*' && j + 1 < n && s[j + 1] == '^') {
            tmp[k++] = 'e';
            j++;
            continue;
        }
        if (c == 'd' || c == 'D')
            c = 'e';
        if (!strchr("0123456789+-.eE", c))
            return -1;
        tmp[k++] = c;
    }
    tmp[k] = 0;
    char *e;
    double v = strtod(tmp, &e);
    if (*e || e == tmp || !isfinite(v))
        return -1;
    *out = v;
    return 0;
}
}

static int lone_int(const char *s, size_t n, long *v)
{
    struct tok t[2];
    if (split(s, n, t, 2) != 1)
        return 0;
    long x = 0;
    for (size_t i = 0; i < t[0].n; i++) {
        if (t[0].s[i] < '0' || t[0].s[i] > '9' || x > 100000000L)
            return 0;
        x = x * 10 + (t[0].s[i] - '0');
    }
    *v = x;
    return 1;
}

void xyz_iter_init(struct xyz_iter *it, const char *buf, size_t len)
{
    memset(it, 0, sizeof *it);
    it->buf = buf;
    it->len = len;
    it->line = 1;
}

void xyz_iter_free(struct xyz_iter *it)
{
    memset(it, 0, sizeof *it);
}

static void add_label(struct mol *m, const char *key, size_t kn, const char *v, size_t vn)
{
    char k[128];
    if (kn >= sizeof k)
        kn = sizeof k - 1;
    memcpy(k, key, kn);
    k[kn] = 0;
    struct mol_label *l = mol_add_label(m, k);
    double d;
    if (vn == 0) {
        l->kind = LAB_NIL;
    } else if (!num(v, vn, &d)) {
        l->kind = LAB_NUM;
        l->num = d;
        l->str = estrndup(v, vn);
    } else {
        l->kind = LAB_STR;
        l->str = estrndup(v, vn);
    }
}

/* Extended XYZ comment line: labels, and the species/pos columns from Properties=. */
struct cols {
    int species, z_col, pos, ncols; /* column indices; z_col: species given as atomic numbers */
};

static int parse_properties(const char *v, size_t n, struct cols *c)
{
    /* name:type:count triplets */
    int col = 0;
    size_t i = 0;
    c->species = c->pos = -1;
    c->z_col = 0;
    while (i < n) {
        const char *f[3];
        size_t fn[3];
        for (int k = 0; k < 3; k++) {
            size_t st = i;
            while (i < n && v[i] != ':')
                i++;
            f[k] = v + st;
            fn[k] = i - st;
            if (k < 2) {
                if (i == n)
                    return -1;
                i++;
            } else if (i < n) {
                i++;
            }
        }
        long cnt = 0;
        for (size_t k = 0; k < fn[2]; k++) {
            if (f[2][k] < '0' || f[2][k] > '9' || cnt > 1000)
                return -1;
            cnt = cnt * 10 + (f[2][k] - '0');
        }
        if (fn[2] == 0 || cnt < 1 || fn[1] != 1 || !strchr("SRIL", f[1][0]))
            return -1;
        if (fn[0] == 7 && !memcmp(f[0], "species", 7) && cnt == 1) {
            c->species = col;
            c->z_col = f[1][0] == 'I';
        } else if (fn[0] == 1 && f[0][0] == 'Z' && f[1][0] == 'I' && cnt == 1 && c->species < 0) {
            c->species = col;
            c->z_col = 1;
        } else if (((fn[0] == 3 && !memcmp(f[0], "pos", 3)) ||
                    (fn[0] == 9 && !memcmp(f[0], "positions", 9))) &&
                   f[1][0] == 'R' && cnt == 3) {
            c->pos = col;
        }
        col += (int)cnt;
    }
    c->ncols = col;
    return c->species >= 0 && c->pos >= 0 ? 0 : -1;
}

static int parse_extxyz_comment(struct mol *m, const char *s, size_t n, struct cols *c,
                                char **idv, size_t *idn, uint32_t line, char *err, size_t errlen)
{
    size_t i = 0;
    while (i < n) {
        while (i < n && is_ws(s[i]))
            i++;
        if (i == n)
            break;
        size_t ks = i;
        while (i < n && !is_ws(s[i]) && s[i] != '=')
            i++;
        size_t kn = i - ks;
        const char *v = "T";
        size_t vn = 1;
        size_t j = i;
        while (j < n && is_ws(s[j]))
            j++;
        if (j < n && s[j] == '=') {
            j++;
            while (j < n && is_ws(s[j]))
                j++;
            if (j < n && (s[j] == '"' || s[j] == '\'' || s[j] == '{' || s[j] == '[')) {
                char close = s[j] == '{' ? '}' : s[j] == '[' ? ']' : s[j];
                size_t vs = ++j;
                while (j < n && s[j] != close) {
                    if (s[j] == '\\' && j + 1 < n)
                        j++;
                    j++;
                }
                if (j == n)
                    return util_seterr_line(err, errlen, line, "unterminated value of '%.*s'",
                                            (int)kn, s + ks);
                v = s + vs;
                vn = j - vs;
                j++;
            } else {
                size_t vs = j;
                while (j < n && !is_ws(s[j]))
                    j++;
                v = s + vs;
                vn = j - vs;
            }
            i = j;
        }
        if (kn == 0)
            return util_seterr_line(err, errlen, line, "empty key in the comment line");
        if (kn == 10 && !memcmp(s + ks, "Properties", 10)) {
            if (parse_properties(v, vn, c))
                return util_seterr_line(err, errlen, line, "unsupported Properties '%.*s'",
                            (int)(vn < 60 ? vn : 60), v);
            continue;
        }
        if ((kn == 2 && !memcmp(s + ks, "id", 2)) || (kn == 4 && !memcmp(s + ks, "name", 4))) {
            *idv = (char *)v;
            *idn = vn;
        }
        add_label(m, s + ks, kn, v, vn);
    }
    return 0;
}

static int has_properties(const char *s, size_t n)
{
    for (size_t i = 0; i + 11 <= n; i++)
        if (!memcmp(s + i, "Properties=", 11))
            return 1;
    return 0;
}

static void drop_labels(struct mol *m)
{
    for (uint32_t i = 0; i < m->nlab; i++) {
        free(m->lab[i].key);
        free(m->lab[i].str);
    }
    free(m->lab);
    m->lab = NULL;
    m->nlab = 0;
}

static const char *const qm9_keys[17] = {"tag", "index", "A",    "B",    "C",   "mu",
                                         "alpha", "homo", "lumo", "gap", "r2",  "zpve",
                                         "U0",   "U",     "H",    "G",    "Cv"};

static int is_qm9_comment(const char *s, size_t n)
{
    struct tok t[18];
    long v;
    if (n < 4 || memcmp(s, "gdb", 3) || !is_ws(s[3]))
        return 0;
    return split(s, n, t, 18) == 17 && lone_int(t[1].s, t[1].n, &v);
}

static int parse_atom(struct mol *m, uint32_t i, const char *s, size_t n, const struct cols *c,
                      uint32_t line, char *err, size_t errlen)
{
    struct tok t[64];
    char tmp[32];
    int need = (c->species > c->pos + 2 ? c->species : c->pos + 2) + 1;
    if (n > XYZ_MAX_LINE)
        return util_seterr_line(err, errlen, line, "line too long");
    if (need > 64)
        return util_seterr_line(err, errlen, line, "too many columns before species/pos");
    int k = split(s, n, t, need);
    if (k < need)
        return util_seterr_line(err, errlen, line, "atom line has %d of %d columns", k, need);
    const struct tok *e = &t[c->species];
    int z = -1;
    if (e->s[0] >= '0' && e->s[0] <= '9') {
        long v;
        if (lone_int(e->s, e->n, &v) && v >= 0 && v <= ELEM_MAX)
            z = (int)v;
    } else if (!c->z_col) {
        uint16_t iso = 0;
        z = elem_from_symbol(e->s, e->n, &iso);
        if (iso) { /* D, T */
            if (!m->iso)
                mol_alloc(m, MOL_F_iso, m->n);
            m->iso[i] = iso;
        }
    }
    if (z < 0)
        return util_seterr_line(err, errlen, line, "unknown element '%s'",
                                util_excerpt(e->s, e->n, tmp, sizeof tmp));
    m->z[i] = (uint8_t)z;
    for (int d = 0; d < 3; d++) {
        double v;
        const struct tok *p = &t[c->pos + d];
        if (num(p->s, p->n, &v))
            return util_seterr_line(err, errlen, line, "bad coordinate '%s'",
                                    util_excerpt(p->s, p->n, tmp, sizeof tmp));
        if (fabs(v) > XYZ_MAX_COORD) /* would overflow float, or its pair distances */
            return util_seterr_line(err, errlen, line, "coordinate '%s' out of range (|x| > %g A)",
                        util_excerpt(p->s, p->n, tmp, sizeof tmp), XYZ_MAX_COORD);
        m->pos[3 * i + d] = (float)v;
    }
    return 0;
}

static int parse_frame(struct xyz_iter *it, struct mol *m, struct cur *c, long na, char *err,
                       size_t errlen)
{
    const char *s;
    size_t n;
    char tmp[32];
    if (!next_line(c, &s, &n))
        return util_seterr_line(err, errlen, c->line + 1, "frame ends before its comment line");
    if (n > XYZ_MAX_LINE)
        return util_seterr_line(err, errlen, c->line, "line too long");
    uint32_t cline = c->line;
    const char *cs = s;
    size_t cn = n;
    m->n = (uint32_t)na;
    mol_alloc(m, MOL_F_z, (size_t)na);
    mol_alloc(m, MOL_F_pos, 3 * (size_t)na);
    mol_set_str(&m->fmt, "xyz");
    m->is3d = 1;
    m->has_bonds = 0;
    m->nb = 0;
    struct cols col = {0, 0, 1, 4};
    int qm9 = is_qm9_comment(cs, cn);
    char *idv = NULL;
    size_t idn = 0;
    char idbuf[32];
    if (qm9) {
        struct tok t[17];
        split(cs, cn, t, 17);
        for (int k = 0; k < 17; k++)
            add_label(m, qm9_keys[k], strlen(qm9_keys[k]), t[k].s, t[k].n);
        snprintf(idbuf, sizeof idbuf, "gdb_%.*s", (int)(t[1].n < 20 ? t[1].n : 20), t[1].s);
        m->id = estrdup(idbuf);
    } else if (memchr(cs, '=', cn) &&
               (!parse_extxyz_comment(m, cs, cn, &col, &idv, &idn, cline, err, errlen) ||
                has_properties(cs, cn))) {
        /* a comment that is not a key=value list is a plain title, unless it names the
         * columns (then the error stands) */
        if (err && err[0])
            return -1;
        if (idv && idn)
            m->id = estrndup(idv, idn);
    } else {
        drop_labels(m);
        if (err && errlen)
            err[0] = 0;
        col = (struct cols){0, 0, 1, 4};
        size_t a = 0, e = cn;
        while (a < e && is_ws(cs[a]))
            a++;
        while (e > a && is_ws(cs[e - 1]))
            e--;
        if (e > a)
            m->id = estrndup(cs + a, e - a);
    }
    if (!m->id) {
        snprintf(idbuf, sizeof idbuf, "%u", it->index);
        m->id = estrdup(idbuf);
    }
    for (uint32_t i = 0; i < (uint32_t)na; i++) {
        if (!next_line(c, &s, &n))
            return util_seterr_line(err, errlen, c->line, "frame ends after %u of %ld atoms", i,
                                    na);
        if (parse_atom(m, i, s, n, &col, c->line, err, errlen))
            return -1;
    }
    if (qm9) {
        static const char *const k2[2][2] = {{"smiles_gdb", "smiles_relaxed"},
                                             {"inchi_gdb", "inchi_relaxed"}};
        if (!next_line(c, &s, &n))
            return util_seterr_line(err, errlen, c->line,
                                    "QM9 frame ends before its frequencies line");
        for (int r = 0; r < 2; r++) {
            struct tok t[3];
            if (!next_line(c, &s, &n))
                return util_seterr_line(err, errlen, c->line, "QM9 frame ends before its %s line",
                            r ? "InChI" : "SMILES");
            if (split(s, n, t, 3) != 2)
                return util_seterr_line(err, errlen, c->line, "QM9 %s line needs 2 fields: '%s'",
                            r ? "InChI" : "SMILES", util_excerpt(s, n, tmp, sizeof tmp));
            for (int q = 0; q < 2; q++) {
                struct mol_label *l = mol_add_label(m, k2[r][q]);
                l->kind = LAB_STR;
                l->str = estrndup(t[q].s, t[q].n);
            }
        }
    }
    return 0;
}

int xyz_iter_next(struct xyz_iter *it, struct mol *m, char *err, size_t errlen)
{
    const char *s;
    size_t n;
    mol_init(m);
    if (err && errlen)
        err[0] = 0;
    struct cur c = {it->buf + it->pos, it->buf + it->len, it->line - 1};
    /* skip blank lines */
    for (;;) {
        const char *save = c.p;
        uint32_t sl = c.line;
        if (!next_line(&c, &s, &n)) {
            it->pos = it->len;
            it->line = c.line + 1;
            return 0;
        }
        size_t i = 0;
        while (i < n && is_ws(s[i]))
            i++;
        if (i < n) {
            c.p = save;
            c.line = sl;
            break;
        }
    }
    it->span_start = (size_t)(c.p - it->buf);
    it->line0 = c.line + 1;
    it->index = it->nrec++;
    m->rec = it->index;
    m->line = it->line0;
    next_line(&c, &s, &n);
    long na;
    int ret = 0;
    if (!lone_int(s, n, &na) || na > MOL_MAX_ATOMS_HARD) {
        char tmp[32];
        if (lone_int(s, n, &na))
            ret = util_seterr_line(err, errlen, c.line, "too many atoms (%ld > %d)", na,
                                   MOL_MAX_ATOMS_HARD);
        else
            ret = util_seterr_line(err, errlen, c.line, "expected the atom count, got '%s'",
                       util_excerpt(s, n, tmp, sizeof tmp));
        /* resync at the next line holding a lone integer (a huge count is not trusted) */
        for (;;) {
            const char *save = c.p;
            uint32_t sl = c.line;
            long v;
            if (!next_line(&c, &s, &n))
                break;
            if (lone_int(s, n, &v)) {
                c.p = save;
                c.line = sl;
                break;
            }
        }
    } else {
        struct cur frame_end = c;
        /* the frame's extent by its count (+3 trailing lines for QM9), for resync after an
         * error inside it */
        int q = next_line(&frame_end, &s, &n) && is_qm9_comment(s, n);
        for (long k = 0; k < na + 3 * q && next_line(&frame_end, &s, &n); k++)
            ;
        ret = parse_frame(it, m, &c, na, err, errlen);
        if (ret < 0 && c.p < frame_end.p)
            c = frame_end;
    }
    it->pos = (size_t)(c.p - it->buf);
    it->line = c.line + 1;
    it->span_end = it->pos;
    if (ret < 0) {
        mol_free(m);
        return -1;
    }
    return 1;
}
