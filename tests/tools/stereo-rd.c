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

static int one(const msgpack_object *o, uint64_t idx)
{
    struct mol m;
    struct perceive p;
    double d;
    int rc = -1;
    mol_init(&m);
    perceive_init(&p);
    if (mp_get_num(mp_map_get(o, "n"), &d))
        return -1;
    m.n = (uint32_t)d;
    if (mp_get_num(mp_map_get(o, "nb"), &d))
        return -1;
    m.nb = (uint32_t)d;
    uint32_t n = m.n, nb = m.nb;
    void *t;
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
    uint8_t *chir = calloc(n + 1, 1), *st = calloc(nb + 1, 1);
    uint32_t *rk = calloc(n + 1, sizeof *rk);
    char err[256];
    if (!chir || !st || !rk) {
        free(chir), free(st), free(rk);
        goto out;
    }
    if (stereo_assign_ranks(&m, &p, chir, st, rk, err, sizeof err)) {
        printf("%llu ERR %s\n", (unsigned long long)idx, err);
    } else {
        printf("%llu", (unsigned long long)idx);
        for (uint32_t i = 0; i < n; i++)
            printf(" %u", chir[i]);
        printf(" |");
        for (uint32_t i = 0; i < nb; i++)
            printf(" %u", st[i]);
        printf(" |");
        for (uint32_t i = 0; i < n; i++)
            printf(" %u", rk[i]);
        printf("\n");
    }
    free(chir), free(st), free(rk);
    rc = 0;
out:
    perceive_free(&p);
    mol_free(&m);
    return rc;
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
