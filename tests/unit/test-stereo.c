/* test-stereo.c: chirality and double-bond stereo (common/stereo.c) on hand-built molecules.
 *
 * Molecules are written out atom by atom in the order RDKit's MolFromSmiles creates them, with
 * the chiral tags / bond directions the SMILES parser stores (see smiles.h) and a minimal hand
 * perception (total H, hybridisation from the bond orders, ring sizes from a BFS). Expectations
 * are the textbook answers; each was also checked against RDKit 2022.09 (noted per case). */
#include "check.h"
#include "mol.h"
#include "perceive.h"
#include "rng.h"
#include "stereo.h"

#include <string.h>

/* the fixture reader of the benchmark driver (rd_run), without its main() */
#define STEREO_RD_NO_MAIN
#include "../tools/stereo-rd.c"

struct tm {
    struct mol m;
    struct perceive p;
    uint8_t chir[64], st[64];
};

/* Build a molecule: z[n], hs[n] (total H), bonds as {a, b, order} with order 1/2/3. */
static void tm_build(struct tm *t, int n, const uint8_t *z, const uint8_t *hs, int nb,
                     const int (*bd)[3])
{
    memset(t, 0, sizeof *t);
    mol_init(&t->m);
    perceive_init(&t->p);
    t->m.n = (uint32_t)n;
    t->m.nb = (uint32_t)nb;
    uint8_t *mz = mol_alloc(&t->m, MOL_F_z, n);
    uint8_t *nh = mol_alloc(&t->m, MOL_F_nh, n);
    uint16_t *b = mol_alloc(&t->m, MOL_F_bonds, 2 * (size_t)nb);
    uint8_t *bo = mol_alloc(&t->m, MOL_F_bo, nb);
    struct perceive *p = &t->p;
    p->n = (uint32_t)n;
    p->nb = (uint32_t)nb;
    p->hs = calloc(n + 1, 1);
    p->hyb = calloc(n + 1, 1);
    p->ring = calloc(n + 1, 1);
    p->val = calloc(n + 1, sizeof *p->val);
    p->btype = calloc(nb + 1, 1);
    p->bring = calloc(nb + 1, 1);
    p->bmin = calloc(nb + 1, 1);
    for (int i = 0; i < n; i++) {
        mz[i] = z[i];
        nh[i] = hs[i];
        p->hs[i] = hs[i];
        p->hyb[i] = HYB_SP3;
    }
    for (int k = 0; k < nb; k++) {
        b[2 * k] = (uint16_t)bd[k][0];
        b[2 * k + 1] = (uint16_t)bd[k][1];
        bo[k] = (uint8_t)bd[k][2];
        p->btype[k] = bo[k];
        for (int e = 0; e < 2; e++) {
            int a = bd[k][e];
            p->val[a] = (int16_t)(p->val[a] + bd[k][2]);
            if (bd[k][2] == 2 && p->hyb[a] == HYB_SP3)
                p->hyb[a] = HYB_SP2;
            if (bd[k][2] == 3)
                p->hyb[a] = HYB_SP;
        }
    }
    /* smallest ring through each bond: BFS from one end to the other without the bond */
    for (int k = 0; k < nb; k++) {
        int dist[64], q[64], qh = 0, qt = 0;
        for (int i = 0; i < n; i++)
            dist[i] = -1;
        dist[bd[k][0]] = 0;
        q[qt++] = bd[k][0];
        while (qh < qt) {
            int u = q[qh++];
            for (int j = 0; j < nb; j++) {
                if (j == k)
                    continue;
                int v = bd[j][0] == u ? bd[j][1] : bd[j][1] == u ? bd[j][0] : -1;
                if (v >= 0 && dist[v] < 0) {
                    dist[v] = dist[u] + 1;
                    q[qt++] = v;
                }
            }
        }
        if (dist[bd[k][1]] > 0) {
            p->bring[k] = 1;
            p->bmin[k] = (uint8_t)(dist[bd[k][1]] + 1);
            p->ring[bd[k][0]] = p->ring[bd[k][1]] = 1;
        }
    }
}

static void tm_chir(struct tm *t, int a, int tag)
{
    if (!t->m.chir)
        mol_alloc(&t->m, MOL_F_chir, t->m.n);
    t->m.chir[a] = (uint8_t)tag;
}

static void tm_bdir(struct tm *t, int b, int dir)
{
    if (!t->m.bdir)
        mol_alloc(&t->m, MOL_F_bdir, t->m.nb);
    t->m.bdir[b] = (uint8_t)dir;
}

static void tm_pos(struct tm *t, const float *xyz, int is3d)
{
    float *p = mol_alloc(&t->m, MOL_F_pos, 3 * (size_t)t->m.n);
    memcpy(p, xyz, 3 * t->m.n * sizeof *p);
    t->m.has_pos = 1;
    t->m.is3d = is3d;
}

static int tm_run(struct tm *t)
{
    char err[200];
    memset(t->chir, 0xee, sizeof t->chir);
    memset(t->st, 0xee, sizeof t->st);
    int r = stereo_assign(&t->m, &t->p, t->chir, t->st, err, sizeof err);
    if (r)
        printf("#   stereo_assign: %s\n", err);
    return r;
}

static void tm_free(struct tm *t)
{
    mol_free(&t->m);
    perceive_free(&t->p);
}

/* N[C@@H](C)C(=O)O: L-alanine keeps CW on the alpha carbon; N[C@H](C)C(=O)O (D) keeps CCW. */
static void test_alanine(void)
{
    static const uint8_t z[] = {7, 6, 6, 6, 8, 8}, hs[] = {2, 1, 3, 0, 0, 1};
    static const int bd[][3] = {{0, 1, 1}, {1, 2, 1}, {1, 3, 1}, {3, 4, 2}, {3, 5, 1}};
    for (int tag = CHI_TETRAHEDRAL_CW; tag <= CHI_TETRAHEDRAL_CCW; tag++) {
        struct tm t;
        tm_build(&t, 6, z, hs, 5, bd);
        tm_chir(&t, 1, tag);
        CHECK(tm_run(&t) == 0);
        CHECK_EQ_INT(t.chir[1], tag);
        for (int i = 0; i < 6; i++)
            if (i != 1)
                CHECK_EQ_INT(t.chir[i], 0);
        for (int k = 0; k < 5; k++)
            CHECK_EQ_INT(t.st[k], STEREO_NONE);
        tm_free(&t);
    }
}

/* C[C@H](C)O: two equivalent methyls, not a stereocentre: the tag is dropped (RDKit: dropped). */
static void test_isopropanol_loses_tag(void)
{
    static const uint8_t z[] = {6, 6, 6, 8}, hs[] = {3, 1, 3, 1};
    static const int bd[][3] = {{0, 1, 1}, {1, 2, 1}, {1, 3, 1}};
    struct tm t;
    tm_build(&t, 4, z, hs, 3, bd);
    tm_chir(&t, 1, CHI_TETRAHEDRAL_CCW);
    CHECK(tm_run(&t) == 0);
    CHECK_EQ_INT(t.chir[1], 0);
    tm_free(&t);
}

/* A tag on an sp2 atom is removed by sanitisation (cleanupChirality). */
static void test_sp2_tag_dropped(void)
{
    static const uint8_t z[] = {7, 6, 6, 8, 8}, hs[] = {2, 0, 3, 0, 1};
    static const int bd[][3] = {{0, 1, 1}, {1, 2, 1}, {1, 3, 2}, {1, 4, 1}};
    struct tm t;
    tm_build(&t, 5, z, hs, 4, bd);
    tm_chir(&t, 1, CHI_TETRAHEDRAL_CW);
    CHECK(tm_run(&t) == 0);
    CHECK_EQ_INT(t.chir[1], 0);
    tm_free(&t);
}

/* C[C@H](O)[C@@H](C)O (meso-2,3-butanediol): both centres have four different neighbours and
 * keep their tags (RDKit: kept). */
static void test_meso_diol(void)
{
    static const uint8_t z[] = {6, 6, 8, 6, 6, 8}, hs[] = {3, 1, 1, 1, 3, 1};
    static const int bd[][3] = {{0, 1, 1}, {1, 2, 1}, {1, 3, 1}, {3, 4, 1}, {3, 5, 1}};
    struct tm t;
    tm_build(&t, 6, z, hs, 5, bd);
    tm_chir(&t, 1, CHI_TETRAHEDRAL_CCW);
    tm_chir(&t, 3, CHI_TETRAHEDRAL_CW);
    CHECK(tm_run(&t) == 0);
    CHECK_EQ_INT(t.chir[1], CHI_TETRAHEDRAL_CCW);
    CHECK_EQ_INT(t.chir[3], CHI_TETRAHEDRAL_CW);
    tm_free(&t);
}

/* C[C@H](F)[C@H](O)[C@@H](C)F: the middle carbon's two CH(F)CH3 branches differ only by their
 * configuration (one R, one S), so it becomes a centre after re-ranking and keeps its tag.
 * With [C@H]...[C@H] (both outer centres alike) the branches are equivalent and the middle
 * tag goes. (RDKit: the same.) */
static void test_pseudoasymmetric(void)
{
    static const uint8_t z[] = {6, 6, 9, 6, 8, 6, 6, 9}, hs[] = {3, 1, 0, 1, 1, 1, 3, 0};
    static const int bd[][3] = {{0, 1, 1}, {1, 2, 1}, {1, 3, 1}, {3, 4, 1},
                                {3, 5, 1}, {5, 6, 1}, {5, 7, 1}};
    for (int v = 0; v < 2; v++) {
        struct tm t;
        tm_build(&t, 8, z, hs, 7, bd);
        tm_chir(&t, 1, CHI_TETRAHEDRAL_CCW);
        tm_chir(&t, 3, CHI_TETRAHEDRAL_CCW);
        tm_chir(&t, 5, v == 0 ? CHI_TETRAHEDRAL_CW : CHI_TETRAHEDRAL_CCW);
        CHECK(tm_run(&t) == 0);
        CHECK_EQ_INT(t.chir[1], CHI_TETRAHEDRAL_CCW);
        CHECK_EQ_INT(t.chir[3], v == 0 ? CHI_TETRAHEDRAL_CCW : 0);
        CHECK_EQ_INT(t.chir[5], v == 0 ? CHI_TETRAHEDRAL_CW : CHI_TETRAHEDRAL_CCW);
        tm_free(&t);
    }
}

/* C[C@H]1CC[C@@H](C)CC1 (trans-1,4-dimethylcyclohexane): neither carbon has four different
 * neighbours, but together they are ring stereo and both keep their tags; C[C@H]1CCCCC1 loses
 * its tag (RDKit: the same). */
static void test_ring_stereo(void)
{
    static const uint8_t z[] = {6, 6, 6, 6, 6, 6, 6, 6}, hs[] = {3, 1, 2, 2, 1, 3, 2, 2};
    static const int bd[][3] = {{0, 1, 1}, {1, 2, 1}, {2, 3, 1}, {3, 4, 1},
                                {4, 5, 1}, {4, 6, 1}, {6, 7, 1}, {7, 1, 1}};
    struct tm t;
    tm_build(&t, 8, z, hs, 8, bd);
    tm_chir(&t, 1, CHI_TETRAHEDRAL_CW);
    tm_chir(&t, 4, CHI_TETRAHEDRAL_CW);
    CHECK(tm_run(&t) == 0);
    CHECK_EQ_INT(t.chir[1], CHI_TETRAHEDRAL_CW);
    CHECK_EQ_INT(t.chir[4], CHI_TETRAHEDRAL_CW);
    tm_free(&t);

    static const uint8_t z2[] = {6, 6, 6, 6, 6, 6, 6}, hs2[] = {3, 1, 2, 2, 2, 2, 2};
    static const int bd2[][3] = {{0, 1, 1}, {1, 2, 1}, {2, 3, 1}, {3, 4, 1},
                                 {4, 5, 1}, {5, 6, 1}, {6, 1, 1}};
    tm_build(&t, 7, z2, hs2, 7, bd2);
    tm_chir(&t, 1, CHI_TETRAHEDRAL_CW);
    CHECK(tm_run(&t) == 0);
    CHECK_EQ_INT(t.chir[1], 0);
    tm_free(&t);
}

/* F/C=C/F is E, F/C=C\F is Z; F/C=C/F with the second bond written backwards (bond stored
 * C->F vs F->C) keeps the geometric meaning. */
static void test_difluoroethene(void)
{
    static const uint8_t z[] = {9, 6, 6, 9}, hs[] = {0, 1, 1, 0};
    static const int bd[][3] = {{0, 1, 1}, {1, 2, 2}, {2, 3, 1}};
    struct tm t;
    tm_build(&t, 4, z, hs, 3, bd);
    tm_bdir(&t, 0, 1);
    tm_bdir(&t, 2, 1);
    CHECK(tm_run(&t) == 0);
    CHECK_EQ_INT(t.st[1], STEREO_E);
    CHECK_EQ_INT(t.st[0], STEREO_NONE);
    CHECK_EQ_INT(t.st[2], STEREO_NONE);
    tm_free(&t);

    tm_build(&t, 4, z, hs, 3, bd);
    tm_bdir(&t, 0, 1);
    tm_bdir(&t, 2, 2);
    CHECK(tm_run(&t) == 0);
    CHECK_EQ_INT(t.st[1], STEREO_Z);
    tm_free(&t);

    /* same trans molecule, last bond stored (F, C): direction reverses with the bond */
    static const int bdr[][3] = {{0, 1, 1}, {1, 2, 2}, {3, 2, 1}};
    tm_build(&t, 4, z, hs, 3, bdr);
    tm_bdir(&t, 0, 1);
    tm_bdir(&t, 2, 2);
    CHECK(tm_run(&t) == 0);
    CHECK_EQ_INT(t.st[1], STEREO_E);
    tm_free(&t);

    /* no directions: no stereo */
    tm_build(&t, 4, z, hs, 3, bd);
    CHECK(tm_run(&t) == 0);
    CHECK_EQ_INT(t.st[1], STEREO_NONE);
    tm_free(&t);
}

/* Directions around a double bond with two equal substituents on one end (C/C(C)=C/F): none. */
static void test_equal_substituents(void)
{
    static const uint8_t z[] = {6, 6, 6, 6, 9}, hs[] = {3, 0, 3, 1, 0};
    static const int bd[][3] = {{0, 1, 1}, {1, 2, 1}, {1, 3, 2}, {3, 4, 1}};
    struct tm t;
    tm_build(&t, 5, z, hs, 4, bd);
    tm_bdir(&t, 0, 1);
    tm_bdir(&t, 3, 1);
    CHECK(tm_run(&t) == 0);
    CHECK_EQ_INT(t.st[2], STEREO_NONE);
    tm_free(&t);
}

/* Ring double bonds: a trans double bond in an 8-ring is E (RDKit: C1=C/CCCCCC/1 is E); the same
 * directions in a 6-ring are ignored. */
static void test_ring_double_bond(void)
{
    for (int size = 6; size <= 8; size += 2) {
        uint8_t z[8], hs[8];
        int bd[8][3];
        for (int i = 0; i < size; i++) {
            z[i] = 6;
            hs[i] = i < 2 ? 1 : 2;
        }
        bd[0][0] = 0, bd[0][1] = 1, bd[0][2] = 2;
        for (int i = 1; i < size - 1; i++)
            bd[i][0] = i, bd[i][1] = i + 1, bd[i][2] = 1;
        bd[size - 1][0] = size - 1, bd[size - 1][1] = 0, bd[size - 1][2] = 1;
        struct tm t;
        tm_build(&t, size, z, hs, size, (const int(*)[3])bd);
        CHECK_EQ_INT(t.p.bmin[0], size);
        tm_bdir(&t, 1, 1);
        tm_bdir(&t, size - 1, 1);
        CHECK(tm_run(&t) == 0);
        CHECK_EQ_INT(t.st[0], size == 8 ? STEREO_E : STEREO_NONE);
        tm_free(&t);
    }
}

/* CHFClBr from 3D coordinates, H removed (nh = 1): the volume F.(Cl x Br) = +4 > 0 gives CCW for
 * the bond order (F, Cl, Br) with H last; the mirror image is CW. Both survive the cleanup. */
static void test_3d_centre(void)
{
    static const uint8_t z[] = {6, 9, 17, 35}, hs[] = {1, 0, 0, 0};
    static const int bd[][3] = {{0, 1, 1}, {0, 2, 1}, {0, 3, 1}};
    for (int mirror = 0; mirror < 2; mirror++) {
        float s = mirror ? -1.0f : 1.0f;
        float xyz[] = {0, 0, 0, 1, 1, s * 1, 1, -1, s * -1, -1, 1, s * -1};
        struct tm t;
        tm_build(&t, 4, z, hs, 3, bd);
        tm_pos(&t, xyz, 1);
        CHECK(tm_run(&t) == 0);
        CHECK_EQ_INT(t.chir[0], mirror ? CHI_TETRAHEDRAL_CW : CHI_TETRAHEDRAL_CCW);
        /* the molfile route: tags set from coordinates first, then perception */
        char err[100];
        CHECK(stereo_tags_from_coords(&t.m, err, sizeof err) == 0);
        CHECK(t.m.chir != NULL);
        if (t.m.chir)
            CHECK_EQ_INT(t.m.chir[0], mirror ? CHI_TETRAHEDRAL_CW : CHI_TETRAHEDRAL_CCW);
        CHECK(tm_run(&t) == 0);
        CHECK_EQ_INT(t.chir[0], mirror ? CHI_TETRAHEDRAL_CW : CHI_TETRAHEDRAL_CCW);
        tm_free(&t);
    }
    /* molfile atom without its H written out (implicit H from the valence model), record with
     * a (zero) radical array as conformer-ingest writes it: still a centre */
    {
        float xyz[] = {0, 0, 0, 1, 1, 1, 1, -1, -1, -1, 1, -1};
        static const uint8_t h0[] = {0, 0, 0, 0};
        struct tm t;
        char err[100];
        tm_build(&t, 4, z, h0, 3, bd);
        tm_pos(&t, xyz, 1);
        mol_alloc(&t.m, MOL_F_rad, 4);
        CHECK(stereo_tags_from_coords(&t.m, err, sizeof err) == 0);
        CHECK(t.m.chir && t.m.chir[0] == CHI_TETRAHEDRAL_CCW);
        tm_free(&t);
    }
    /* flat centre: zero volume, no tag */
    float flat[] = {0, 0, 0, 1, 0, 0, -0.5f, 0.87f, 0, -0.5f, -0.87f, 0};
    struct tm t;
    tm_build(&t, 4, z, hs, 3, bd);
    tm_pos(&t, flat, 1);
    CHECK(tm_run(&t) == 0);
    CHECK_EQ_INT(t.chir[0], 0);
    tm_free(&t);
}

/* 2-butene from 3D coordinates: methyls on opposite sides -> E, same side -> Z. */
static void test_3d_double_bond(void)
{
    static const uint8_t z[] = {6, 6, 6, 6}, hs[] = {3, 1, 1, 3};
    static const int bd[][3] = {{0, 1, 1}, {1, 2, 2}, {2, 3, 1}};
    for (int cis = 0; cis < 2; cis++) {
        float y3 = cis ? 1.2f : -1.2f;
        float xyz[] = {-1.2f, 1.2f, 0.1f, -0.6f, 0, 0, 0.6f, 0, 0, 1.2f, y3, -0.1f};
        struct tm t;
        tm_build(&t, 4, z, hs, 3, bd);
        tm_pos(&t, xyz, 1);
        CHECK(tm_run(&t) == 0);
        CHECK_EQ_INT(t.st[1], cis ? STEREO_Z : STEREO_E);
        tm_free(&t);
    }
}

/* Bad input is refused, not crashed on. */
static void test_bad_input(void)
{
    static const uint8_t z[] = {6, 8}, hs[] = {3, 1};
    static const int bd[][3] = {{0, 1, 1}};
    struct tm t;
    tm_build(&t, 2, z, hs, 1, bd);
    t.m.bonds[1] = 7; /* out of range */
    char err[100];
    CHECK(stereo_assign(&t.m, &t.p, t.chir, t.st, err, sizeof err) == -1);
    CHECK(strstr(err, "bond") != NULL);
    CHECK(stereo_assign(&t.m, NULL, t.chir, t.st, err, sizeof err) == -1);
    tm_free(&t);
    /* empty molecule is fine */
    tm_build(&t, 0, z, hs, 0, bd);
    CHECK(stereo_assign(&t.m, &t.p, t.chir, t.st, err, sizeof err) == 0);
    tm_free(&t);
}

static int same_u8(const uint8_t *a, const msgpack_object *b, uint32_t n)
{
    uint8_t *x = calloc(n + 1, 1);
    int ok = x && mp_copy_arr(x, REC_U8, n, b) == 0 && memcmp(a, x, n) == 0;
    free(x);
    return ok;
}

static int same_u32(const uint32_t *a, const msgpack_object *b, uint32_t n)
{
    uint32_t *x = calloc(n + 1, sizeof *x);
    int ok = x && mp_copy_arr(x, REC_U32, n, b) == 0 && memcmp(a, x, n * sizeof *x) == 0;
    free(x);
    return ok;
}

/* tests/data/good/stereo/rdkit-cases.mpk (tests/bench/stereo-vs-rdkit.py --make-fixture):
 * ~70 hand-picked molecules as SMILES, as 3D molblocks with hydrogens (tags from coordinates,
 * then H removal) and as 2D wedged molblocks, each with RDKit 2022.09's chirality, bond stereo
 * and legacy CIP ranks. Every value must match. */
static void test_rdkit_fixture(void)
{
    const char *root = getenv("MB_ROOT");
    char path[4096];
    snprintf(path, sizeof path, "%s/tests/data/good/stereo/rdkit-cases.mpk", root ? root : ".");
    FILE *f = fopen(path, "rb");
    if (!f) {
        printf("# skip: fixture %s not found (set MB_ROOT)\n", path);
        return;
    }
    fclose(f);
    struct rec_reader r;
    msgpack_object *o;
    CHECK(rec_reader_open(&r, path, 0) == 0);
    int k = 0, bad = 0, ret;
    while ((ret = rec_read_next(&r, &o)) == 1) {
        struct rd_result res;
        const msgpack_object *lab = mp_map_get(o, "label");
        char *label = lab ? mp_strdup(lab) : NULL;
        if (rd_run(o, &res) || !res.chir) {
            CHECK_MSG(0, "record %d (%s): not run", k, label ? label : "?");
            bad++;
        } else {
            int ok = same_u8(res.chir, mp_map_get(o, "x_chir"), res.n) &&
                     same_u8(res.st, mp_map_get(o, "x_st"), res.nb) &&
                     same_u32(res.rank, mp_map_get(o, "x_rank"), res.n);
            CHECK_MSG(ok, "record %d (%s) differs from RDKit", k, label ? label : "?");
            bad += !ok;
        }
        rd_result_free(&res);
        free(label);
        k++;
    }
    CHECK(ret == 0);
    CHECK(k >= 150);
    rec_reader_close(&r);
}

/* stereo_assign_w reuses its scratch between molecules (relation-build keeps one): random
 * molecules of mixed sizes (up to 60 atoms; hypervalent S for long CIP rows) with random tags
 * and bond directions give the same chirality, bond stereo and CIP ranks through one shared
 * workspace as through a fresh one each. */
static void test_workspace_reuse(void)
{
    struct rng r;
    rng_init_keyed(&r, 11, 0, 0, 0);
    struct stereo_work w = {NULL};
    int bad = 0, nstereo = 0;
    for (int trial = 0; trial < 400 && !bad; trial++) {
        int n = 1 + (int)(rng_uniform(&r) * (trial % 3 ? 60 : 12));
        uint8_t z[64], hs[64];
        int bd[80][3], nb = 0, deg[64] = {0};
        for (int i = 1; i < n; i++) {
            int j = (int)(rng_uniform(&r) * i);
            if (deg[j] >= 6)
                j = i - 1;
            bd[nb][0] = j, bd[nb][1] = i, bd[nb][2] = rng_uniform(&r) < 0.15 ? 2 : 1;
            deg[i]++, deg[j]++, nb++;
        }
        for (int e = 0; e < 3 && n > 4; e++) { /* ring closures */
            int a = (int)(rng_uniform(&r) * n), b = (int)(rng_uniform(&r) * n), dup = a == b;
            for (int k = 0; k < nb && !dup; k++)
                dup = (bd[k][0] == a && bd[k][1] == b) || (bd[k][0] == b && bd[k][1] == a);
            if (dup)
                continue;
            bd[nb][0] = a, bd[nb][1] = b, bd[nb][2] = 1;
            deg[a]++, deg[b]++, nb++;
        }
        for (int i = 0; i < n; i++) {
            static const uint8_t zs[] = {6, 6, 6, 6, 7, 8, 9, 16, 17, 15};
            z[i] = deg[i] > 4 ? 16 : zs[(int)(rng_uniform(&r) * 10)];
            hs[i] = (uint8_t)(deg[i] < 4 ? (int)(rng_uniform(&r) * (4 - deg[i] + 1)) : 0);
        }
        struct tm t;
        tm_build(&t, n, z, hs, nb, (const int(*)[3])bd);
        for (int i = 0; i < n; i++)
            if (rng_uniform(&r) < 0.4)
                tm_chir(&t, i, 1 + (int)(rng_uniform(&r) * 2));
        for (int k = 0; k < nb; k++)
            if (bd[k][2] == 1 && rng_uniform(&r) < 0.3)
                tm_bdir(&t, k, 1 + (int)(rng_uniform(&r) * 2));
        uint8_t c1[64], c2[64], s1[80], s2[80];
        uint32_t r1[64], r2[64];
        char err[200];
        memset(c2, 0xee, sizeof c2), memset(s2, 0xee, sizeof s2), memset(r2, 0xee, sizeof r2);
        int a1 = stereo_assign_ranks(&t.m, &t.p, c1, s1, r1, err, sizeof err);
        int a2 = stereo_assign_w(&t.m, &t.p, &w, c2, s2, r2, err, sizeof err);
        if (a1 || a2 || memcmp(c1, c2, (size_t)n) || memcmp(s1, s2, (size_t)nb) ||
            memcmp(r1, r2, (size_t)n * sizeof *r1)) {
            printf("#   trial %d (n=%d nb=%d) differs\n", trial, n, nb);
            bad = 1;
        }
        for (int i = 0; i < n; i++)
            nstereo += c1[i] != 0;
        tm_free(&t);
    }
    CHECK(!bad);
    CHECK(nstereo > 50); /* the molecules do exercise the centre assignment */
    stereo_work_free(&w);
}

int main(void)
{
    RUN(test_alanine);
    RUN(test_isopropanol_loses_tag);
    RUN(test_sp2_tag_dropped);
    RUN(test_meso_diol);
    RUN(test_pseudoasymmetric);
    RUN(test_ring_stereo);
    RUN(test_difluoroethene);
    RUN(test_equal_substituents);
    RUN(test_ring_double_bond);
    RUN(test_3d_centre);
    RUN(test_3d_double_bond);
    RUN(test_bad_input);
    RUN(test_rdkit_fixture);
    RUN(test_workspace_reuse);
    CHECK_EXIT();
}
