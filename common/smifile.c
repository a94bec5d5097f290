/* smifile.c: CSV / TSV / .smi record iteration over a text buffer (see smifile.h). */
#include "smifile.h"
#include "smiles.h"

#include <ctype.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static void setf(char *err, size_t errlen, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void setf(char *err, size_t errlen, const char *fmt, ...)
{
    if (!err || !errlen)
        return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err, errlen, fmt, ap);
    va_end(ap);
}

static int is_sp(char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\v' || c == '\f';
}

/* trim spaces in place, returning the start and setting *n */
static const char *trim(const char *s, size_t *n)
{
    size_t a = 0, b = strlen(s);
    while (a < b && is_sp(s[a]))
        a++;
    while (b > a && is_sp(s[b - 1]))
        b--;
    *n = b - a;
    return s + a;
}

static const char *cell(const struct smi_iter *it, int k)
{
    return it->cells.p + it->off[k];
}

static void push_off(struct smi_iter *it)
{
    if (it->ncell == it->capoff) {
        it->capoff = it->capoff ? 2 * it->capoff : 16;
        it->off = erealloc(it->off, emul((size_t)it->capoff, sizeof *it->off));
    }
    it->off[it->ncell++] = it->cells.len;
}

/* Skip blank lines, '#' comment lines in the whitespace layout, and a leading block of '#'
 * comment lines before the first row of a delimited file (e.g. RDKit's NCI TPSA CSV). */
static void skip_blank(struct smi_iter *it)
{
    const char *s = it->buf;
    size_t n = it->len;
    while (it->pos < n) {
        size_t i = it->pos;
        while (i < n && is_sp(s[i]))
            i++;
        int comment = i < n && s[i] == '#' && (it->ws || (it->ncols == 0 && i == it->pos));
        if (i < n && s[i] != '\n' && !comment)
            return;
        while (i < n && s[i] != '\n')
            i++;
        if (i < n) {
            i++;
            it->line++;
        }
        it->pos = i;
    }
}

/* Read one row at pos into cells. 1 = row, 0 = end of buffer, -1 = error (err set, pos past
 * the bad row). span/line0 describe the raw row. */
static int read_row(struct smi_iter *it, char *err, size_t errlen)
{
    skip_blank(it);
    const char *s = it->buf;
    size_t n = it->len, i = it->pos;
    if (i >= n)
        return 0;
    it->cells.len = 0;
    it->ncell = 0;
    it->span_start = i;
    it->line0 = it->line;
    if (it->ws) {
        while (i < n && is_sp(s[i]))
            i++;
        size_t a = i;
        while (i < n && !is_sp(s[i]) && s[i] != '\n')
            i++;
        push_off(it);
        buf_append(&it->cells, s + a, i - a);
        buf_putc(&it->cells, 0);
        while (i < n && is_sp(s[i]) && s[i] != '\n')
            i++;
        a = i;
        while (i < n && s[i] != '\n')
            i++;
        size_t b = i;
        while (b > a && is_sp(s[b - 1]))
            b--;
        push_off(it);
        buf_append(&it->cells, s + a, b - a);
        buf_putc(&it->cells, 0);
        it->span_end = i < n ? i + 1 : i;
        if (i < n)
            it->line++;
        it->pos = it->span_end;
        return 1;
    }
    char d = it->delim;
    for (;;) {
        push_off(it);
        if (i < n && s[i] == '"') {
            uint32_t qline = it->line;
            i++;
            for (;;) {
                if (i >= n) { /* the bad record is the rest of the line of the quote */
                    const char *nl = memchr(s + it->span_start, '\n', n - it->span_start);
                    it->pos = it->span_end = nl ? (size_t)(nl - s) + 1 : n;
                    it->line = it->line0 + (nl != NULL);
                    setf(err, errlen, "line %u: unterminated quoted field", qline);
                    return -1;
                }
                if (s[i] == '"') {
                    if (i + 1 < n && s[i + 1] == '"') {
                        buf_putc(&it->cells, '"');
                        i += 2;
                        continue;
                    }
                    i++;
                    break;
                }
                if (s[i] == '\n')
                    it->line++;
                buf_putc(&it->cells, s[i]);
                i++;
            }
            /* text after the closing quote up to the delimiter is kept (lenient) */
            while (i < n && s[i] != d && s[i] != '\n') {
                if (!(s[i] == '\r' && (i + 1 == n || s[i + 1] == '\n')))
                    buf_putc(&it->cells, s[i]);
                i++;
            }
        } else {
            size_t a = i;
            while (i < n && s[i] != d && s[i] != '\n')
                i++;
            size_t b = i;
            if (b > a && s[b - 1] == '\r' && (i == n || s[i] == '\n'))
                b--;
            buf_append(&it->cells, s + a, b - a);
        }
        buf_putc(&it->cells, 0);
        if (i < n && s[i] == d) {
            i++;
            continue;
        }
        break;
    }
    if (i < n) { /* '\n' */
        i++;
        it->line++;
    }
    it->span_end = i;
    it->pos = i;
    return 1;
}

static const char *const smiles_names[] = {"smiles", "canonical_smiles", "isomeric_smiles", "mol",
                                           "smi"};

/* rank of a header name as a SMILES column: 0 best .. 5 "contains smiles", -1 none */
static int smiles_name_rank(const char *name)
{
    size_t n;
    const char *s = trim(name, &n);
    for (int k = 0; k < 5; k++)
        if (strlen(smiles_names[k]) == n && !strncasecmp(s, smiles_names[k], n))
            return k;
    for (size_t i = 0; i + 6 <= n; i++)
        if (!strncasecmp(s + i, "smiles", 6))
            return 5;
    return -1;
}

static int parses(const char *s)
{
    size_t n;
    const char *t = trim(s, &n);
    struct mol m;
    char e[8];
    if (!n)
        return 0;
    if (smiles_parse(&m, t, n, e, sizeof e))
        return 0;
    mol_free(&m);
    return 1;
}

/* column by option value: exact name, case-insensitive name, or 1-based number; -1 none */
static int find_col(const struct smi_iter *it, const char *want)
{
    for (int k = 0; k < it->ncols; k++)
        if (!strcmp(it->names[k], want))
            return k;
    for (int k = 0; k < it->ncols; k++)
        if (!strcasecmp(it->names[k], want))
            return k;
    char *end;
    long v = strtol(want, &end, 10);
    if (*want && !*end && v >= 1 && v <= it->ncols)
        return (int)v - 1;
    return -1;
}

static int ends_with(const char *s, size_t n, const char *suf)
{
    size_t k = strlen(suf);
    return n >= k && !strncasecmp(s + n - k, suf, k);
}

int smi_iter_init(struct smi_iter *it, const char *buf, size_t len, const struct smi_opts *o,
                  char *err, size_t errlen)
{
    static const struct smi_opts defaults = {0, NULL, NULL, -1, NULL};
    memset(it, 0, sizeof *it);
    if (!o)
        o = &defaults;
    it->buf = buf;
    it->len = len;
    it->line = 1;
    it->icol = -1;
    if (len >= 3 && !memcmp(buf, "\xEF\xBB\xBF", 3))
        it->pos = 3;
    /* layout */
    if (o->delim && o->delim != ' ') {
        it->delim = o->delim;
    } else if (o->delim == ' ') {
        it->ws = 1;
    } else {
        const char *nm = o->name_hint ? o->name_hint : "";
        size_t nl = strlen(nm);
        static const char *const zs[] = {".gz", ".zst", ".bz2", ".xz"};
        for (int k = 0; k < 4; k++)
            if (ends_with(nm, nl, zs[k])) {
                nl -= strlen(zs[k]);
                break;
            }
        /* first line, for sniffing */
        size_t a = it->pos, b = a;
        while (b < len && buf[b] != '\n')
            b++;
        int has_tab = memchr(buf + a, '\t', b - a) != NULL;
        int has_comma = memchr(buf + a, ',', b - a) != NULL;
        if (ends_with(nm, nl, ".csv"))
            it->delim = ',';
        else if (ends_with(nm, nl, ".tsv") || ends_with(nm, nl, ".tab"))
            it->delim = '\t';
        else if (ends_with(nm, nl, ".smi") || ends_with(nm, nl, ".smiles") ||
                 ends_with(nm, nl, ".ism") || ends_with(nm, nl, ".can"))
            it->delim = has_tab ? '\t' : 0;
        else
            it->delim = has_tab ? '\t' : has_comma ? ',' : 0;
        it->ws = it->delim == 0;
    }
    /* first row */
    int r = read_row(it, err, errlen);
    if (r < 0)
        return -1;
    if (r == 0) /* empty input: no records */
        return 0;
    /* where the first row starts (after leading blank and comment lines) */
    size_t pos0 = it->span_start;
    uint32_t line00 = it->line0;
    int nc = it->ws ? 1 : it->ncell;
    int header = o->header;
    int best = -1, bestrank = 99;
    for (int k = 0; k < nc; k++) {
        int rk = o->smiles_col && !strcasecmp(cell(it, k), o->smiles_col)
                     ? -2
                     : smiles_name_rank(cell(it, k));
        if (rk != -1 && rk < bestrank)
            best = k, bestrank = rk;
    }
    int first_parsing = -1; /* first column of the first row that parses as SMILES */
    if (!it->ws && best < 0)
        for (int k = 0; k < nc && first_parsing < 0; k++)
            if (parses(cell(it, k)))
                first_parsing = k;
    if (header < 0) {
        header = best >= 0;
        if (!header && !it->ws && first_parsing < 0) {
            /* a header of unknown names if a cell of the next row parses */
            struct smi_iter peek = *it;
            peek.cells.p = NULL, peek.cells.len = peek.cells.cap = 0;
            peek.off = NULL, peek.capoff = 0, peek.ncell = 0;
            char e2[8];
            if (read_row(&peek, e2, sizeof e2) == 1)
                for (int k = 0; k < peek.ncell && !header; k++)
                    header = parses(peek.cells.p + peek.off[k]);
            buf_free(&peek.cells);
            free(peek.off);
        }
    }
    it->ncols = it->ws ? 2 : it->ncell;
    it->names = ecalloc((size_t)it->ncols, sizeof *it->names);
    for (int k = 0; k < it->ncols; k++) {
        char nm[32];
        const char *name = NULL;
        size_t nl = 0;
        if (header && !it->ws)
            name = trim(cell(it, k), &nl);
        if (!nl) {
            snprintf(nm, sizeof nm, "col%d", k + 1);
            name = nm;
            nl = strlen(nm);
        }
        char *dup = estrndup(name, nl);
        /* de-duplicate */
        for (int rep = 2;; rep++) {
            int clash = 0;
            for (int q = 0; q < k && !clash; q++)
                clash = !strcmp(it->names[q], dup);
            if (!clash)
                break;
            free(dup);
            char *t = emalloc(nl + 16);
            snprintf(t, nl + 16, "%.*s_%d", (int)nl, name, rep);
            dup = t;
        }
        it->names[k] = dup;
    }
    if (it->ws) {
        it->scol = 0;
        it->icol = 1;
    } else if (o->smiles_col) {
        it->scol = find_col(it, o->smiles_col);
        if (it->scol < 0) {
            setf(err, errlen, "no column '%s' (columns: %d)", o->smiles_col, it->ncols);
            return -1;
        }
    } else if (header && best >= 0) {
        it->scol = best;
    } else if (header) {
        /* first column whose first data cell parses */
        size_t sp = it->pos;
        uint32_t sl = it->line;
        it->scol = -1;
        int rr = read_row(it, NULL, 0);
        for (int k = 0; rr == 1 && k < it->ncell && it->scol < 0; k++)
            if (parses(cell(it, k)))
                it->scol = k;
        it->pos = sp;
        it->line = sl;
        if (it->scol < 0) {
            setf(err, errlen,
                 "no SMILES column found in the header (name one with a "
                 "SMILES-column option)");
            return -1;
        }
    } else {
        it->scol = first_parsing >= 0 ? first_parsing : 0;
    }
    if (o->id_col && !it->ws) {
        it->icol = find_col(it, o->id_col);
        if (it->icol < 0) {
            setf(err, errlen, "no id column '%s'", o->id_col);
            return -1;
        }
        if (it->icol == it->scol) {
            setf(err, errlen, "the id column is the SMILES column");
            return -1;
        }
    }
    if (!header) { /* the first row is data: read it again */
        it->pos = pos0;
        it->line = line00;
    }
    return 0;
}

/* label from a cell: number, missing or string */
static void set_label(struct mol_label *l, const char *key, const char *c)
{
    memset(l, 0, sizeof *l);
    l->key = estrdup(key);
    size_t n;
    const char *t = trim(c, &n);
    if (!n) {
        l->kind = LAB_NIL;
        return;
    }
    if (n == 3 && !strncasecmp(t, "nan", 3)) {
        l->kind = LAB_NIL;
        return;
    }
    int numeric = 1, digits = 0;
    for (size_t i = 0; i < n && numeric; i++) {
        char ch = t[i];
        if (ch >= '0' && ch <= '9')
            digits = 1;
        else if (!(ch == '+' || ch == '-' || ch == '.' || ch == 'e' || ch == 'E'))
            numeric = 0;
    }
    if (numeric && digits && n < 64) {
        char tmp[64];
        memcpy(tmp, t, n);
        tmp[n] = 0;
        char *end;
        double v = strtod(tmp, &end);
        if (*end == 0 && isfinite(v)) {
            l->kind = LAB_NUM;
            l->num = v;
            return;
        }
    }
    l->kind = LAB_STR;
    l->str = estrndup(t, n);
}

int smi_iter_next(struct smi_iter *it, struct mol *m, char *err, size_t errlen)
{
    mol_init(m);
    if (!it->names) /* empty input or failed init */
        return 0;
    int r = read_row(it, err, errlen);
    if (r == 0)
        return 0;
    it->index = it->nrec++;
    if (r < 0)
        return -1;
    if (!it->ws && it->ncell != it->ncols) {
        setf(err, errlen, "line %u: row has %d columns, expected %d", it->line0, it->ncell,
             it->ncols);
        return -1;
    }
    size_t sl;
    const char *s = trim(cell(it, it->scol), &sl);
    for (size_t k = 0; k < sl; k++) /* text after whitespace (CXSMILES extension) is ignored */
        if (is_sp(s[k]) || s[k] == '\n') {
            sl = k;
            break;
        }
    if (!sl) {
        setf(err, errlen, "line %u: empty SMILES", it->line0);
        return -1;
    }
    char e[160];
    if (smiles_parse(m, s, sl, e, sizeof e)) {
        setf(err, errlen, "line %u: bad SMILES '%.*s%s': %s", it->line0, sl > 80 ? 80 : (int)sl, s,
             sl > 80 ? "..." : "", e);
        return -1;
    }
    m->rec = it->index;
    m->line = it->line0;
    size_t il = 0;
    const char *id = it->icol >= 0 ? trim(cell(it, it->icol), &il) : NULL;
    if (il) {
        m->id = estrndup(id, il);
    } else {
        char nb[16];
        snprintf(nb, sizeof nb, "%u", it->index);
        m->id = estrdup(nb);
    }
    /* labels: header names are unique, so fill the array directly (no per-label key search);
     * capacity = a power of two, as mol_add_label expects when a later stage adds more */
    uint32_t nl = (uint32_t)it->ncols - 1 - (it->icol >= 0);
    if (!it->ws && nl) {
        uint32_t cap = 1;
        while (cap < nl)
            cap *= 2;
        m->lab = emalloc(emul(cap < 4 ? 4 : cap, sizeof *m->lab));
        for (int k = 0; k < it->ncols; k++)
            if (k != it->scol && k != it->icol)
                set_label(&m->lab[m->nlab++], it->names[k], cell(it, k));
    }
    return 1;
}

void smi_iter_free(struct smi_iter *it)
{
    if (it->names)
        for (int k = 0; k < it->ncols; k++)
            free(it->names[k]);
    free(it->names);
    buf_free(&it->cells);
    free(it->off);
    memset(it, 0, sizeof *it);
}
