/* mol.c: molecule record encode/decode (see mol.h, schemas/mol.md) */
#define _POSIX_C_SOURCE 200809L
#include "mol.h"
#include "util.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

const struct mol_field_info mol_fields[MOL_NFIELDS] = {
#define X(f, t, rt, key, len) {key, sizeof(key) - 1, rt, sizeof(t), #len},
    MOL_ARRAYS(X)
#undef X
};

int mol_field_by_key(const char *key)
{
    for (int i = 0; i < MOL_NFIELDS; i++)
        if (!strcmp(mol_fields[i].key, key))
            return i;
    return -1;
}

/* Field index of a msgpack str key, or -1 (no copy, no strlen: hot in every stage). */
static int field_by_str(const char *p, size_t n)
{
    for (int i = 0; i < MOL_NFIELDS; i++) {
        const char *k = mol_fields[i].key;
        if (mol_fields[i].klen == n && k[0] == p[0] && !memcmp(k, p, n))
            return i;
    }
    return -1;
}

/* length kinds as multipliers: len = a*n*n + b*n + c*nb (V = free) */
enum { LK_A, LK_A3, LK_A9, LK_B, LK_B2, LK_B3, LK_P, LK_P5, LK_V };
static int lenkind_code(const char *k)
{
    static const char *const names[] = {"A", "A3", "A9", "B", "B2", "B3", "P", "P5", "V"};
    for (int i = 0; i < LK_V; i++)
        if (!strcmp(k, names[i]))
            return i;
    return LK_V;
}

static const int *lenkinds(void)
{
    static int lk[MOL_NFIELDS];
    static int done;
    if (!done) { /* idempotent: a race would write the same values */
        for (int f = 0; f < MOL_NFIELDS; f++)
            lk[f] = lenkind_code(mol_fields[f].lenkind);
        done = 1;
    }
    return lk;
}

static void **field_ptr(struct mol *m, int f)
{
    switch (f) {
#define X(fl, t, rt, key, len)                                                                     \
    case MOL_F_##fl:                                                                               \
        return (void **)&m->fl;
        MOL_ARRAYS(X)
#undef X
    }
    return NULL;
}

static const void *field_cptr(const struct mol *m, int f)
{
    return *field_ptr((struct mol *)m, f);
}

void mol_init(struct mol *m)
{
    memset(m, 0, sizeof *m);
    m->mode = -1;
}

void mol_free(struct mol *m)
{
    free(m->id);
    free(m->src);
    free(m->fmt);
    free(m->smiles);
    free(m->split);
    for (int f = 0; f < MOL_NFIELDS; f++)
        free(*field_ptr(m, f));
    for (uint32_t i = 0; i < m->nlab; i++) {
        free(m->lab[i].key);
        free(m->lab[i].str);
    }
    free(m->lab);
    free(m->extra);
    mol_init(m);
}

size_t mol_field_len(const struct mol *m, int f)
{
    size_t n = m->n, nb = m->nb;
    switch (lenkinds()[f]) {
    case LK_A: return n;
    case LK_A3: return 3 * n;
    case LK_A9: return 9 * n;
    case LK_B: return nb;
    case LK_B2: return 2 * nb;
    case LK_B3: return 3 * nb;
    case LK_P: return n * n;
    case LK_P5: return n * n * MOL_HOPS;
    }
    return 0;
}

void *mol_alloc(struct mol *m, int f, size_t count)
{
    void **p = field_ptr(m, f);
    free(*p);
    *p = ecalloc(count ? count : 1, mol_fields[f].esize);
    m->len[f] = (uint32_t)count;
    if (f == MOL_F_pos)
        m->has_pos = 1;
    if (f == MOL_F_bonds)
        m->has_bonds = 1;
    return *p;
}

void mol_drop(struct mol *m, int f)
{
    void **p = field_ptr(m, f);
    free(*p);
    *p = NULL;
    m->len[f] = 0;
    if (f == MOL_F_pos)
        m->has_pos = 0;
}

void mol_set_str(char **dst, const char *s)
{
    free(*dst);
    *dst = s ? estrdup(s) : NULL;
}

struct mol_label *mol_add_label(struct mol *m, const char *key)
{
    for (uint32_t i = 0; i < m->nlab; i++)
        if (!strcmp(m->lab[i].key, key)) {
            free(m->lab[i].str);
            m->lab[i].str = NULL;
            m->lab[i].kind = LAB_NIL;
            return &m->lab[i];
        }
    if ((m->nlab & (m->nlab - 1)) == 0) /* grow at powers of two */
        m->lab = erealloc(m->lab, emul(m->nlab ? 2 * m->nlab : 4, sizeof *m->lab));
    struct mol_label *l = &m->lab[m->nlab++];
    memset(l, 0, sizeof *l);
    l->key = estrdup(key);
    return l;
}

const struct mol_label *mol_get_label(const struct mol *m, const char *key)
{
    for (uint32_t i = 0; i < m->nlab; i++)
        if (!strcmp(m->lab[i].key, key))
            return &m->lab[i];
    return NULL;
}

/* ---- decode ---- */

static int get_u32(const msgpack_object *v, uint32_t *out)
{
    if (v->type != MSGPACK_OBJECT_POSITIVE_INTEGER || v->via.u64 > UINT32_MAX)
        return -1;
    *out = (uint32_t)v->via.u64;
    return 0;
}

static int get_bool(const msgpack_object *v, int *out)
{
    if (v->type == MSGPACK_OBJECT_BOOLEAN)
        *out = v->via.boolean;
    else if (v->type == MSGPACK_OBJECT_POSITIVE_INTEGER)
        *out = v->via.u64 != 0;
    else
        return -1;
    return 0;
}

static int unpack_labels(struct mol *m, const msgpack_object *v)
{
    if (v->type != MSGPACK_OBJECT_MAP)
        return -1;
    for (uint32_t i = 0; i < v->via.map.size; i++) {
        const msgpack_object *k = &v->via.map.ptr[i].key, *x = &v->via.map.ptr[i].val;
        if (k->type != MSGPACK_OBJECT_STR)
            return -1;
        char *key = mp_strdup(k);
        struct mol_label *l = mol_add_label(m, key);
        free(key);
        double d;
        if (x->type == MSGPACK_OBJECT_NIL) {
            l->kind = LAB_NIL;
        } else if (!mp_get_num(x, &d)) {
            l->kind = LAB_NUM;
            l->num = d;
        } else if (x->type == MSGPACK_OBJECT_STR) {
            l->kind = LAB_STR;
            l->str = mp_strdup(x);
        } else if (x->type == MSGPACK_OBJECT_ARRAY && x->via.array.size == 2 &&
                   !mp_get_num(&x->via.array.ptr[0], &d) &&
                   x->via.array.ptr[1].type == MSGPACK_OBJECT_STR) {
            /* [number, "original text"] */
            l->kind = LAB_NUM;
            l->num = d;
            l->str = mp_strdup(&x->via.array.ptr[1]);
        } else {
            return -1;
        }
    }
    return 0;
}

#define FAIL(msg)                                                                                  \
    do {                                                                                           \
        *err = msg;                                                                                \
        return -1;                                                                                 \
    } while (0)

int mol_unpack(struct mol *m, const msgpack_object *o, int keep_extra, const char **err)
{
    static const char *dummy;
    if (!err)
        err = &dummy;
    mol_init(m);
    if (o->type != MSGPACK_OBJECT_MAP)
        FAIL("record is not a map");
    int have_n = 0, have_nb = 0;
    /* first pass: scalars (n, nb needed to size arrays) */
    for (uint32_t i = 0; i < o->via.map.size; i++) {
        const msgpack_object *k = &o->via.map.ptr[i].key, *v = &o->via.map.ptr[i].val;
        if (k->type != MSGPACK_OBJECT_STR)
            FAIL("record has a non-string key");
        if (mp_str_eq(k, "n")) {
            if (get_u32(v, &m->n) || m->n > MOL_MAX_ATOMS_HARD)
                FAIL("'n' is not an atom count in range");
            have_n = 1;
        } else if (mp_str_eq(k, "nb")) {
            if (get_u32(v, &m->nb) || m->nb > 8u * MOL_MAX_ATOMS_HARD)
                FAIL("'nb' is not a bond count in range");
            have_nb = 1;
        }
    }
    if (!have_n)
        FAIL("record has no atom count 'n'");
    if (!have_nb)
        m->nb = 0;
    for (uint32_t i = 0; i < o->via.map.size; i++) {
        const msgpack_object *k = &o->via.map.ptr[i].key, *v = &o->via.map.ptr[i].val;
        char key[32];
        if (k->via.str.size == 0 || k->via.str.size >= sizeof key)
            goto extra;
        int f = field_by_str(k->via.str.ptr, k->via.str.size);
        if (f >= 0) {
            long len = mp_arr_len(v);
            size_t want = mol_field_len(m, f);
            if (len < 0)
                FAIL("an array field is not a typed array");
            if (lenkinds()[f] != LK_V && (size_t)len != want) {
                static char msg[96];
                snprintf(msg, sizeof msg, "'%s' has %ld elements, expected %zu", mol_fields[f].key,
                         len, want);
                FAIL(msg);
            }
            void **p = field_ptr(m, f);
            free(*p);
            *p = emalloc(emul((size_t)len ? (size_t)len : 1, mol_fields[f].esize));
            m->len[f] = (uint32_t)len;
            if (f == MOL_F_pos)
                m->has_pos = 1;
            if (mp_copy_arr(*p, mol_fields[f].type, (size_t)len, v)) {
                static char msg[96];
                snprintf(msg, sizeof msg, "'%s' has a value out of range for its type",
                         mol_fields[f].key);
                FAIL(msg);
            }
            continue;
        }
        memcpy(key, k->via.str.ptr, k->via.str.size);
        key[k->via.str.size] = 0;
        if (!strcmp(key, "n") || !strcmp(key, "nb"))
            continue;
        if (!strcmp(key, "id") || !strcmp(key, "src") || !strcmp(key, "fmt") ||
            !strcmp(key, "smiles") || !strcmp(key, "split")) {
            char **dst = !strcmp(key, "id")       ? &m->id
                         : !strcmp(key, "src")    ? &m->src
                         : !strcmp(key, "fmt")    ? &m->fmt
                         : !strcmp(key, "smiles") ? &m->smiles
                                                  : &m->split;
            if (v->type == MSGPACK_OBJECT_NIL)
                continue;
            if (v->type != MSGPACK_OBJECT_STR)
                FAIL("a string field is not a string");
            free(*dst);
            *dst = mp_strdup(v);
        } else if (!strcmp(key, "rec")) {
            if (get_u32(v, &m->rec))
                FAIL("'rec' is not an unsigned integer");
        } else if (!strcmp(key, "line")) {
            if (get_u32(v, &m->line))
                FAIL("'line' is not an unsigned integer");
        } else if (!strcmp(key, "epoch")) {
            if (get_u32(v, &m->epoch))
                FAIL("'epoch' is not an unsigned integer");
        } else if (!strcmp(key, "mode")) {
            uint32_t md;
            if (get_u32(v, &md) || md > MODE_3D)
                FAIL("'mode' is not 0, 1 or 2");
            m->mode = (int)md;
        } else if (!strcmp(key, "is3d")) {
            if (get_bool(v, &m->is3d))
                FAIL("'is3d' is not a boolean");
        } else if (!strcmp(key, "labels")) {
            if (unpack_labels(m, v))
                FAIL("'labels' is not a map of string to number/string/nil");
        } else {
        extra:
            if (keep_extra) {
                if ((m->nextra & (m->nextra - 1)) == 0)
                    m->extra = erealloc(m->extra, emul(m->nextra ? 2 * m->nextra : 4, sizeof *m->extra));
                m->extra[m->nextra].key = k;
                m->extra[m->nextra].val = v;
                m->nextra++;
            }
        }
    }
    m->has_bonds = m->bonds != NULL || (have_nb && m->nb == 0 && m->n <= 1);
    if (m->bonds)
        for (uint32_t b = 0; b < 2 * m->nb; b++)
            if (m->bonds[b] >= m->n)
                FAIL("bond refers to an atom index >= n");
    if (m->nb && !m->bonds)
        FAIL("'nb' > 0 but no 'bonds'");
    /* coordinates beyond 1e6 A are corrupt data: squared distances would overflow float */
    if (m->pos)
        for (uint32_t i = 0; i < 3 * m->n; i++)
            if (!isfinite(m->pos[i]) || fabsf(m->pos[i]) > 1e6f)
                FAIL("'pos' has a NaN, infinite or out-of-range (> 1e6 A) coordinate");
    if (m->noise)
        for (uint32_t i = 0; i < 3 * m->n; i++)
            if (!isfinite(m->noise[i]) || fabsf(m->noise[i]) > 1e6f)
                FAIL("'noise' has a NaN, infinite or out-of-range value");
    if (m->dist)
        for (uint32_t i = 0; i < m->len[MOL_F_dist]; i++)
            if (!isfinite(m->dist[i]) || m->dist[i] < 0)
                FAIL("'dist' has a NaN, infinite or negative value");
    if (m->aemb && m->n && m->len[MOL_F_aemb] % m->n)
        FAIL("'aemb' length is not a multiple of n");
    return 0;
}

/* ---- encode ---- */

void mol_pack(const struct mol *m, msgpack_packer *pk)
{
    uint32_t cnt = 2; /* n, nb */
    cnt += !!m->id + !!m->src + !!m->fmt + !!m->smiles + !!m->split;
    cnt += 2; /* rec, line */
    cnt += !!m->has_pos;      /* is3d */
    cnt += (m->mode >= 0) * 2; /* mode, epoch */
    cnt += m->nlab > 0;
    for (int f = 0; f < MOL_NFIELDS; f++)
        cnt += field_cptr(m, f) != NULL;
    cnt += m->nextra;
    msgpack_pack_map(pk, cnt);
    if (m->id) mp_pack_kstr(pk, "id", m->id);
    if (m->src) mp_pack_kstr(pk, "src", m->src);
    mp_pack_key(pk, "rec");
    msgpack_pack_uint32(pk, m->rec);
    mp_pack_key(pk, "line");
    msgpack_pack_uint32(pk, m->line);
    if (m->fmt) mp_pack_kstr(pk, "fmt", m->fmt);
    if (m->smiles) mp_pack_kstr(pk, "smiles", m->smiles);
    if (m->split) mp_pack_kstr(pk, "split", m->split);
    mp_pack_key(pk, "n");
    msgpack_pack_uint32(pk, m->n);
    mp_pack_key(pk, "nb");
    msgpack_pack_uint32(pk, m->nb);
    if (m->has_pos) {
        mp_pack_key(pk, "is3d");
        if (m->is3d) msgpack_pack_true(pk); else msgpack_pack_false(pk);
    }
    if (m->mode >= 0) {
        mp_pack_key(pk, "mode");
        msgpack_pack_uint32(pk, (uint32_t)m->mode);
        mp_pack_key(pk, "epoch");
        msgpack_pack_uint32(pk, m->epoch);
    }
    for (int f = 0; f < MOL_NFIELDS; f++) {
        const void *p = field_cptr(m, f);
        if (!p)
            continue;
        msgpack_pack_str(pk, mol_fields[f].klen);
        msgpack_pack_str_body(pk, mol_fields[f].key, mol_fields[f].klen);
        mp_pack_arr(pk, mol_fields[f].type, p, m->len[f]);
    }
    if (m->nlab) {
        mp_pack_key(pk, "labels");
        msgpack_pack_map(pk, m->nlab);
        for (uint32_t i = 0; i < m->nlab; i++) {
            const struct mol_label *l = &m->lab[i];
            mp_pack_key(pk, l->key);
            if (l->kind == LAB_NUM)
                msgpack_pack_double(pk, l->num);
            else if (l->kind == LAB_STR)
                mp_pack_str(pk, l->str ? l->str : "");
            else
                msgpack_pack_nil(pk);
        }
    }
    for (uint32_t i = 0; i < m->nextra; i++) {
        msgpack_pack_object(pk, *m->extra[i].key);
        msgpack_pack_object(pk, *m->extra[i].val);
    }
}

void mol_copy(struct mol *dst, const struct mol *src)
{
    mol_init(dst);
    *dst = *src;
    dst->id = src->id ? estrdup(src->id) : NULL;
    dst->src = src->src ? estrdup(src->src) : NULL;
    dst->fmt = src->fmt ? estrdup(src->fmt) : NULL;
    dst->smiles = src->smiles ? estrdup(src->smiles) : NULL;
    dst->split = src->split ? estrdup(src->split) : NULL;
    for (int f = 0; f < MOL_NFIELDS; f++) {
        const void *p = field_cptr(src, f);
        void **q = field_ptr(dst, f);
        *q = NULL;
        if (p) {
            size_t bytes = (size_t)src->len[f] * mol_fields[f].esize;
            *q = emalloc(bytes);
            memcpy(*q, p, bytes);
        }
    }
    dst->lab = NULL;
    dst->nlab = 0;
    for (uint32_t i = 0; i < src->nlab; i++) {
        struct mol_label *l = mol_add_label(dst, src->lab[i].key);
        l->kind = src->lab[i].kind;
        l->num = src->lab[i].num;
        l->str = src->lab[i].str ? estrdup(src->lab[i].str) : NULL;
    }
    dst->extra = NULL;
    dst->nextra = 0;
}
