/* ingest.c: see ingest.h */
#define _POSIX_C_SOURCE 200809L
#include "ingest.h"
#include "mol.h"
#include "molops.h"
#include "sdf.h"
#include "smifile.h"
#include "stereo.h"
#include "util.h"
#include "xyz.h"

#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* ---------------------------------------------------------------- raw stream reader */

/* ---------------------------------------------------------------- format detection */

static const struct {
    const char *name;
    int fmt;
} fmt_names[] = {{"sdf", INGEST_SDF}, {"sd", INGEST_SDF},
                 {"mol", INGEST_SDF}, {"mdl", INGEST_SDF},
                 {"xyz", INGEST_XYZ}, {"extxyz", INGEST_XYZ},
                 {"smi", INGEST_SMI}, {"smiles", INGEST_SMI},
                 {"ism", INGEST_SMI}, {"can", INGEST_SMI},
                 {"csv", INGEST_CSV}, {"tsv", INGEST_TSV},
                 {"tab", INGEST_TSV}, {NULL, 0}};

int ingest_fmt_from_name(const char *s)
{
    for (int i = 0; fmt_names[i].name; i++)
        if (!strcasecmp(s, fmt_names[i].name))
            return fmt_names[i].fmt;
    return -1;
}

const char *ingest_fmt_name(int fmt)
{
    static const char *const names[] = {"auto", "sdf", "xyz", "smi", "csv", "tsv"};
    return fmt >= 0 && fmt <= INGEST_TSV ? names[fmt] : "?";
}

/* Line k (0-based) of buf: start and length (without \r\n); -1 if buf has fewer lines. */
static int get_line(const char *buf, size_t len, int k, const char **ls, size_t *ll)
{
    size_t p = 0;
    for (int i = 0; i < k; i++) {
        const char *nl = memchr(buf + p, '\n', len - p);
        if (!nl)
            return -1;
        p = (size_t)(nl - buf) + 1;
    }
    if (p >= len)
        return -1;
    const char *nl = memchr(buf + p, '\n', len - p);
    *ls = buf + p;
    *ll = nl ? (size_t)(nl - (buf + p)) : len - p;
    if (*ll && (*ls)[*ll - 1] == '\r')
        (*ll)--;
    return 0;
}

static int mem_has(const char *s, size_t n, const char *pat)
{
    size_t k = strlen(pat);
    for (size_t i = 0; i + k <= n; i++)
        if (s[i] == pat[0] && !memcmp(s + i, pat, k))
            return 1;
    return 0;
}

int ingest_detect(const char *name, const char *buf, size_t len)
{
    const char *ls = NULL;
    size_t ll = 0;
    size_t head = len < (64u << 10) ? len : (64u << 10);
    /* 1. SDF: counts line or M  END */
    if (!get_line(buf, len, 3, &ls, &ll) && (mem_has(ls, ll, "V2000") || mem_has(ls, ll, "V3000")))
        return INGEST_SDF;
    if (len >= 6 && !memcmp(buf, "M  END", 6))
        return INGEST_SDF;
    if (mem_has(buf, head, "\nM  END"))
        return INGEST_SDF;
    /* 2. XYZ: an atom count alone on the first line, then more lines */
    if (!get_line(buf, len, 0, &ls, &ll)) {
        size_t i = 0, digits = 0;
        while (i < ll && (ls[i] == ' ' || ls[i] == '\t'))
            i++;
        while (i < ll && ls[i] >= '0' && ls[i] <= '9')
            i++, digits++;
        while (i < ll && (ls[i] == ' ' || ls[i] == '\t'))
            i++;
        const char *l2 = NULL;
        size_t n2 = 0;
        if (digits && i == ll && !get_line(buf, len, 1, &l2, &n2))
            return INGEST_XYZ;
    }
    /* 3. extension */
    const char *base = name ? strrchr(name, '/') : NULL;
    base = base ? base + 1 : name;
    const char *dot = base ? strrchr(base, '.') : NULL;
    if (dot) {
        int f = ingest_fmt_from_name(dot + 1);
        if (f > 0)
            return f;
    }
    /* 4. weak guess from the first line */
    if (!get_line(buf, len, 0, &ls, &ll)) {
        if (memchr(ls, '\t', ll))
            return INGEST_TSV;
        if (memchr(ls, ',', ll))
            return INGEST_CSV;
    }
    return INGEST_SMI;
}

/* ---------------------------------------------------------------- molecule record loop */

void ingest_opts_init(struct ingest_opts *o)
{
    memset(o, 0, sizeof *o);
    o->tol = MOL_BOND_TOL;
    o->header = -1;
    o->max_atoms = MOL_MAX_ATOMS_DEFAULT;
}

int ingest_src_init(struct ingest_src *s, const struct ingest_opts *o, const char *name,
                    const char *detect_name, const char *buf, size_t len, char *err, size_t errlen)
{
    memset(s, 0, sizeof *s);
    s->o = o;
    s->name = name;
    s->fmt = o->fmt ? o->fmt : ingest_detect(detect_name, buf, len);
    if (s->fmt == INGEST_SDF) {
        s->it = ecalloc(1, sizeof(struct sdf_iter));
        sdf_iter_init(s->it, buf, len);
        return 0;
    }
    if (s->fmt == INGEST_XYZ) {
        s->it = ecalloc(1, sizeof(struct xyz_iter));
        xyz_iter_init(s->it, buf, len);
        return 0;
    }
    struct smi_opts so = {o->delim, o->smiles_col, o->id_col, o->header, detect_name};
    if (!so.delim && s->fmt == INGEST_CSV)
        so.delim = ',';
    if (!so.delim && s->fmt == INGEST_TSV)
        so.delim = '\t';
    if (!so.delim && s->fmt == INGEST_SMI)
        so.name_hint = "input.smi"; /* whitespace layout, whatever the name says */
    s->it = ecalloc(1, sizeof(struct smi_iter));
    if (smi_iter_init(s->it, buf, len, &so, err, errlen)) {
        smi_iter_free(s->it);
        free(s->it);
        s->it = NULL;
        return -1;
    }
    return 0;
}

void ingest_src_free(struct ingest_src *s)
{
    if (s->it) {
        if (s->fmt == INGEST_SDF)
            sdf_iter_free(s->it);
        else if (s->fmt == INGEST_XYZ)
            xyz_iter_free(s->it);
        else
            smi_iter_free(s->it);
        free(s->it);
    }
    memset(s, 0, sizeof *s);
}

/* Take "line L: what" apart: s->line = L, err = what. */
static void strip_line(struct ingest_src *s, char *err)
{
    unsigned long l;
    int k = 0;
    if (sscanf(err, "line %lu: %n", &l, &k) == 1 && k > 0) {
        s->line = (uint32_t)l;
        memmove(err, err + k, strlen(err + k) + 1);
    }
}

int ingest_src_next(struct ingest_src *s, struct mol *m, char *err, size_t errlen)
{
    int r;
    const char *buf;
    if (!s->it)
        return 0;
    if (s->fmt == INGEST_SDF) {
        struct sdf_iter *it = s->it;
        buf = it->buf;
        r = sdf_iter_next(it, m, err, errlen);
        s->span_start = it->span_start, s->span_end = it->span_end;
        s->line = it->line0, s->index = it->index;
    } else if (s->fmt == INGEST_XYZ) {
        struct xyz_iter *it = s->it;
        buf = it->buf;
        r = xyz_iter_next(it, m, err, errlen);
        s->span_start = it->span_start, s->span_end = it->span_end;
        s->line = it->line0, s->index = it->index;
    } else {
        struct smi_iter *it = s->it;
        buf = it->buf;
        r = smi_iter_next(it, m, err, errlen);
        s->span_start = it->span_start, s->span_end = it->span_end;
        s->line = it->line0, s->index = it->index;
    }
    if (r <= 0) {
        if (r < 0)
            strip_line(s, err);
        return r;
    }
    mol_set_str(&m->src, s->name);
    m->rec = s->index;
    m->line = s->line;
    /* the parsers work on C strings in places: a NUL byte would silently cut a field short
     * ("C\0C" read as "C"), so a record holding one is binary garbage, not a molecule */
    if (s->span_end > s->span_start && buf &&
        memchr(buf + s->span_start, '\0', s->span_end - s->span_start)) {
        util_seterr(err, errlen, "NUL byte in the record (binary data?)");
        goto bad;
    }
    const struct ingest_opts *o = s->o;
    if (s->fmt == INGEST_XYZ && o->perceive && m->pos && mol_perceive_bonds(m, o->tol, err, errlen))
        goto bad;
    if (o->check_valence && m->has_bonds && mol_check_valence(m, err, errlen))
        goto bad;
    /* chiral tags from 3D volumes / 2D wedges as RDKit's molfile reader sets them, while the H
     * atoms (and their positions) are still there; mol_remove_h then permutes the tags */
    if (s->fmt == INGEST_SDF && stereo_tags_from_coords(m, err, errlen))
        goto bad;
    if (!o->keep_h && mol_remove_h(m, err, errlen) < 0)
        goto bad;
    if (m->n > o->max_atoms) {
        util_seterr(err, errlen, "molecule '%s' has %u %satoms, more than --max-atoms %u",
               m->id ? m->id : "", m->n, o->keep_h ? "" : "heavy ", o->max_atoms);
        goto bad;
    }
    return 1;
bad:
    strip_line(s, err);
    mol_free(m);
    return -1;
}
