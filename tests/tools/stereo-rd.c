/* stereo-rd: test driver for common/stereo.c on molecules described by RDKit itself.
 *
 * Reads a msgpack stream of maps written by tests/bench/stereo-vs-rdkit.py --isolated (graph,
 * RDKit's own perception: total H, hybridisation, explicit valence, perceived bond types, SSSR
 * rings; plus the pre-stereo input: parsed chiral tags / bond directions, or coordinates) and
 * prints one line per molecule: "<index> <chir...> | <stereo...> | <ranks...>". This isolates the
 * stereo rules from the other stages. Usage: stereo-rd [file|-] */
#include "mol.h"
#include "perceive.h"
#include "rec.h"
#include "stereo.h"
#include "util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int get_arr(const msgpack_object *o, const char *key, void **dst, int type, size_t n)
{
    const msgpack_object *v = mp_map_get(o, key);
    *dst = NULL;
    if (!v || v->type == MSGPACK_OBJECT_NIL)
        return 0;
    *dst = calloc(n + 1, rec_type_size(type));
    if (!*dst)
        return -1;
    if (n && mp_copy_arr(*dst, type, n, v))
        return -1;
    return 1;
}


/* Raw molfile mode (record has "rz"): the molecule with all its hydrogens ("r*" arrays) and the
 * mask of the atoms RDKit's removeHs keeps. Tags come from stereo_tags_from_coords on the raw
 * graph, then hydrogens are removed as RDKit does (each removed H bond moved last in its
 * neighbour's bond list, the tag inverted on an odd permutation). Fills m (reduced graph). */
static int raw_reduce(const msgpack_object *o, struct mol *m)
{
    struct mol r;
    double d;
    void *t;
    int rc = -1;
    mol_init(&r);
    if (mp_get_num(mp_map_get(o, "rn"), &d))
        return -1;
    r.n = (uint32_t)d;
    if (mp_get_num(mp_map_get(o, "rnb"), &d))
        return -1;
    r.nb = (uint32_t)d;
    uint32_t n = r.n, nb = r.nb;
    uint8_t *keep = NULL;
    if (get_arr(o, "rz", &t, REC_U8, n) <= 0) goto out;
    r.z = t;
    if (get_arr(o, "riso", &t, REC_U16, n) < 0) goto out;
    r.iso = t;
    if (get_arr(o, "rchg", &t, REC_I8, n) < 0) goto out;
    r.chg = t;
    if (get_arr(o, "raclass", &t, REC_U16, n) < 0) goto out;
    r.aclass = t;
    if (get_arr(o, "rbonds", &t, REC_U16, 2 * (size_t)nb) < 0) goto out;
    r.bonds = t;
    if (get_arr(o, "rbo", &t, REC_U8, nb) < 0) goto out;
    r.bo = t;
    if (get_arr(o, "rbst", &t, REC_U8, nb) < 0) goto out;
    r.bst = t;
    if (get_arr(o, "rpos", &t, REC_F32, 3 * (size_t)n) <= 0) goto out;
    r.pos = t;
    r.has_pos = 1;
    r.len[MOL_F_pos] = 3 * n;
    if (!mp_get_num(mp_map_get(o, "is3d"), &d))
        r.is3d = d != 0;
    if (get_arr(o, "keep", &t, REC_U8, n) <= 0) goto out;
    keep = t;
    char err[200];
    if (stereo_tags_from_coords(&r, err, sizeof err))
        goto out;
    /* H removal in atom order, permuting tags */
    uint32_t *deg = calloc(n + 1, sizeof *deg), *map = calloc(n + 1, sizeof *map);
    uint32_t **lst = calloc(n + 1, sizeof *lst);
    if (!deg || !map || !lst) {
        free(deg), free(map), free(lst);
        goto out;
    }
    for (uint32_t b = 0; b < nb; b++)
        deg[r.bonds[2 * b]]++, deg[r.bonds[2 * b + 1]]++;
    for (uint32_t a = 0; a < n; a++) {
        lst[a] = calloc(deg[a] + 1, sizeof **lst);
        deg[a] = 0;
    }
    for (uint32_t b = 0; b < nb; b++) {
        uint32_t u = r.bonds[2 * b], v = r.bonds[2 * b + 1];
        lst[u][deg[u]++] = b;
        lst[v][deg[v]++] = b;
    }
    uint8_t *nh = calloc(n + 1, 1);
    for (uint32_t h = 0; h < n; h++) {
        if (keep[h])
            continue;
        for (uint32_t k = 0; k < deg[h]; k++) {
            uint32_t b = lst[h][k], a = r.bonds[2 * b] == h ? r.bonds[2 * b + 1] : r.bonds[2 * b];
            uint32_t q = 0;
            while (q < deg[a] && lst[a][q] != b)
                q++;
            if (q == deg[a])
                continue;
            if ((deg[a] - 1 - q) % 2 && r.chir[a])
                r.chir[a] = r.chir[a] == 1 ? 2 : 1;
            memmove(lst[a] + q, lst[a] + q + 1, (deg[a] - q - 1) * sizeof **lst);
            deg[a]--;
            if (keep[a])
                nh[a]++;
        }
        deg[h] = 0;
    }
    uint32_t kn = 0, knb = 0;
    for (uint32_t a = 0; a < n; a++)
        if (keep[a])
            map[a] = kn++;
    for (uint32_t b = 0; b < nb; b++)
        knb += keep[r.bonds[2 * b]] && keep[r.bonds[2 * b + 1]];
    m->n = kn;
    m->nb = knb;
    uint8_t *z = mol_alloc(m, MOL_F_z, kn), *ch = mol_alloc(m, MOL_F_chir, kn);
    uint8_t *mnh = mol_alloc(m, MOL_F_nh, kn);
    uint16_t *iso = mol_alloc(m, MOL_F_iso, kn);
    int8_t *chg = mol_alloc(m, MOL_F_chg, kn);
    uint16_t *acl = mol_alloc(m, MOL_F_aclass, kn);
    float *pos = mol_alloc(m, MOL_F_pos, 3 * (size_t)kn);
    uint16_t *bonds = mol_alloc(m, MOL_F_bonds, 2 * (size_t)knb);
    uint8_t *bo = mol_alloc(m, MOL_F_bo, knb), *bst = mol_alloc(m, MOL_F_bst, knb);
    for (uint32_t a = 0; a < n; a++) {
        if (!keep[a])
            continue;
        uint32_t i = map[a];
        z[i] = r.z[a], ch[i] = r.chir[a], mnh[i] = nh[a];
        iso[i] = r.iso ? r.iso[a] : 0;
        chg[i] = r.chg ? r.chg[a] : 0;
        acl[i] = r.aclass ? r.aclass[a] : 0;
        memcpy(pos + 3 * i, r.pos + 3 * a, 3 * sizeof *pos);
    }
    uint32_t j = 0;
    for (uint32_t b = 0; b < nb; b++) {
        if (!(keep[r.bonds[2 * b]] && keep[r.bonds[2 * b + 1]]))
            continue;
        bonds[2 * j] = (uint16_t)map[r.bonds[2 * b]];
        bonds[2 * j + 1] = (uint16_t)map[r.bonds[2 * b + 1]];
        bo[j] = r.bo[b];
        bst[j] = r.bst ? r.bst[b] : 0;
        j++;
    }
    m->has_pos = 1;
    m->is3d = r.is3d;
    for (uint32_t a = 0; a < n; a++)
        free(lst[a]);
    free(lst), free(deg), free(map), free(nh);
    rc = 0;
out:
    free(keep);
    mol_free(&r);
    return rc;
}

/* Result of one record: arrays malloc'd (free with rd_result_free). */
struct rd_result {
    uint32_t n, nb;
    uint8_t *chir, *st;
    uint32_t *rank;
    char err[256]; /* set when stereo_assign failed (arrays NULL) */
};

static void rd_result_free(struct rd_result *r)
{
    free(r->chir), free(r->st), free(r->rank);
    memset(r, 0, sizeof *r);
}

/* Decode record o, run stereo_assign_ranks. Returns 0 (res filled, res->err set if stereo_assign
 * refused the molecule) or -1 for a record this driver cannot read. */
static int rd_run(const msgpack_object *o, struct rd_result *res)
{
    struct mol m;
    struct perceive p;
    double d;
    int rc = -1;
    uint32_t n, nb;
    mol_init(&m);
    perceive_init(&p);
    void *t;
    if (mp_map_get(o, "rz")) {
        if (raw_reduce(o, &m))
            goto out;
        goto perception;
    }
    if (mp_get_num(mp_map_get(o, "n"), &d))
        return -1;
    m.n = (uint32_t)d;
    if (mp_get_num(mp_map_get(o, "nb"), &d))
        return -1;
    m.nb = (uint32_t)d;
    n = m.n, nb = m.nb;
    if (get_arr(o, "z", &t, REC_U8, n) < 0) goto out;
    m.z = t;
    if (get_arr(o, "iso", &t, REC_U16, n) < 0) goto out;
    m.iso = t;
    if (get_arr(o, "chg", &t, REC_I8, n) < 0) goto out;
    m.chg = t;
    if (get_arr(o, "aclass", &t, REC_U16, n) < 0) goto out;
    m.aclass = t;
    if (get_arr(o, "nh", &t, REC_U8, n) < 0) goto out;
    m.nh = t;
    if (get_arr(o, "chir", &t, REC_U8, n) < 0) goto out;
    m.chir = t;
    if (get_arr(o, "bonds", &t, REC_U16, 2 * (size_t)nb) < 0) goto out;
    m.bonds = t;
    if (get_arr(o, "bo", &t, REC_U8, nb) < 0) goto out;
    m.bo = t;
    if (get_arr(o, "bdir", &t, REC_U8, nb) < 0) goto out;
    m.bdir = t;
    if (get_arr(o, "bst", &t, REC_U8, nb) < 0) goto out;
    m.bst = t;
    int hp = get_arr(o, "pos", &t, REC_F32, 3 * (size_t)n);
    if (hp < 0) goto out;
    m.pos = t;
    if (hp) {
        m.has_pos = 1;
        m.len[MOL_F_pos] = 3 * n;
    }
    if (!mp_get_num(mp_map_get(o, "is3d"), &d))
        m.is3d = d != 0;
perception:
    n = m.n, nb = m.nb;
    if (get_arr(o, "hs", &t, REC_U8, n) < 0) goto out;
    p.hs = t;
    if (get_arr(o, "hyb", &t, REC_U8, n) < 0) goto out;
    p.hyb = t;
    if (get_arr(o, "val", &t, REC_I16, n) < 0) goto out;
    p.val = t;
    if (get_arr(o, "ring", &t, REC_U8, n) < 0) goto out;
    p.ring = t;
    if (get_arr(o, "btype", &t, REC_U8, nb) < 0) goto out;
    p.btype = t;
    if (get_arr(o, "bring", &t, REC_U8, nb) < 0) goto out;
    p.bring = t;
    if (get_arr(o, "bmin", &t, REC_U8, nb) < 0) goto out;
    p.bmin = t;
    /* rings: list of atom lists and bond lists */
    const msgpack_object *ra = mp_map_get(o, "rings"), *rb = mp_map_get(o, "ringb");
    if (ra && rb && ra->type == MSGPACK_OBJECT_ARRAY && rb->type == MSGPACK_OBJECT_ARRAY &&
        ra->via.array.size == rb->via.array.size) {
        uint32_t nr = ra->via.array.size, tot = 0;
        for (uint32_t r = 0; r < nr; r++)
            tot += ra->via.array.ptr[r].via.array.size;
        p.nrings = nr;
        p.ring_off = calloc(nr + 1, sizeof *p.ring_off);
        p.ring_atoms = calloc(tot + 1, sizeof *p.ring_atoms);
        p.ring_bonds = calloc(tot + 1, sizeof *p.ring_bonds);
        if (!p.ring_off || !p.ring_atoms || !p.ring_bonds)
            goto out;
        for (uint32_t r = 0; r < nr; r++) {
            uint32_t sz = ra->via.array.ptr[r].via.array.size;
            p.ring_off[r + 1] = p.ring_off[r] + sz;
            if (mp_copy_arr(p.ring_atoms + p.ring_off[r], REC_U32, sz, &ra->via.array.ptr[r]) ||
                mp_copy_arr(p.ring_bonds + p.ring_off[r], REC_U32, sz, &rb->via.array.ptr[r]))
                goto out;
        }
    }
    if (!m.z || (nb && (!m.bonds || !m.bo)))
        goto out;
    memset(res, 0, sizeof *res);
    res->n = n, res->nb = nb;
    res->chir = calloc(n + 1, 1), res->st = calloc(nb + 1, 1);
    res->rank = calloc(n + 1, sizeof *res->rank);
    if (!res->chir || !res->st || !res->rank) {
        rd_result_free(res);
        goto out;
    }
    if (stereo_assign_ranks(&m, &p, res->chir, res->st, res->rank, res->err, sizeof res->err)) {
        free(res->chir), free(res->st), free(res->rank);
        res->chir = res->st = NULL, res->rank = NULL;
    }
    rc = 0;
out:
    perceive_free(&p);
    mol_free(&m);
    return rc;
}

#ifndef STEREO_RD_NO_MAIN
static int one(const msgpack_object *o, uint64_t idx)
{
    struct rd_result r;
    if (rd_run(o, &r))
        return -1;
    if (!r.chir) {
        printf("%llu ERR %s\n", (unsigned long long)idx, r.err);
    } else {
        printf("%llu", (unsigned long long)idx);
        for (uint32_t i = 0; i < r.n; i++)
            printf(" %u", r.chir[i]);
        printf(" |");
        for (uint32_t i = 0; i < r.nb; i++)
            printf(" %u", r.st[i]);
        printf(" |");
        for (uint32_t i = 0; i < r.n; i++)
            printf(" %u", r.rank[i]);
        printf("\n");
    }
    rd_result_free(&r);
    return 0;
}

int main(int argc, char **argv)
{
    struct rec_reader r;
    msgpack_object *o;
    int ret;
    uint64_t k = 0;
    util_set_argv0(argv[0]);
    if (argc > 1 && (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help"))) {
        printf("usage: stereo-rd [file|-]\n");
        return 0;
    }
    if (rec_reader_open(&r, argc > 1 ? argv[1] : "-", 0))
        return 3;
    while ((ret = rec_read_next(&r, &o)) == 1) {
        if (one(o, k))
            printf("%llu ERR bad record\n", (unsigned long long)k);
        k++;
    }
    rec_reader_close(&r);
    return ret < 0 ? 1 : 0;
}
#endif
