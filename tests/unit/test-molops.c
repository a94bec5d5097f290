/* test-molops.c: element table, mol_remove_h (RDKit RemoveHs semantics, array remapping,
 * chirality), mol_perceive_bonds, mol_check_valence. Expected chirality tags come from RDKit
 * 2022.09 (Chem.RemoveHs on the SMILES parsed with removeHs=False). */
#include "check.h"
#include "molops.h"
#include "util.h"

#include <string.h>

/* Build a molecule from z[], iso[], chir[] and bond pairs (bond order single unless bo given). */
static void build(struct mol *m, int n, const int *z, const int *iso, const int *chir, int nb,
                  const int (*b)[2], const int *bo)
{
    mol_init(m);
    m->n = (uint32_t)n;
    m->nb = (uint32_t)nb;
    uint8_t *zz = mol_alloc(m, MOL_F_z, n);
    uint16_t *ii = mol_alloc(m, MOL_F_iso, n);
    uint8_t *cc = mol_alloc(m, MOL_F_chir, n);
    uint16_t *bb = mol_alloc(m, MOL_F_bonds, 2 * (size_t)nb);
    uint8_t *oo = mol_alloc(m, MOL_F_bo, nb);
    for (int i = 0; i < n; i++) {
        zz[i] = (uint8_t)z[i];
        ii[i] = iso ? (uint16_t)iso[i] : 0;
        cc[i] = chir ? (uint8_t)chir[i] : 0;
    }
    for (int k = 0; k < nb; k++) {
        bb[2 * k] = (uint16_t)b[k][0];
        bb[2 * k + 1] = (uint16_t)b[k][1];
        oo[k] = bo ? (uint8_t)bo[k] : BO_SINGLE;
    }
}

static void test_elements(void)
{
    uint16_t iso = 0;
    CHECK_EQ_INT(elem_from_symbol("C", 1, NULL), 6);
    CHECK_EQ_INT(elem_from_symbol("Cl", 2, NULL), 17);
    CHECK_EQ_INT(elem_from_symbol("CL", 2, NULL), 17);
    CHECK_EQ_INT(elem_from_symbol("cl", 2, NULL), 17);
    CHECK_EQ_INT(elem_from_symbol("Og", 2, NULL), 118);
    CHECK_EQ_INT(elem_from_symbol("Uue", 3, NULL), -1);
    CHECK_EQ_INT(elem_from_symbol("Xx", 2, NULL), -1);
    CHECK_EQ_INT(elem_from_symbol("", 0, NULL), -1);
    CHECK_EQ_INT(elem_from_symbol("*", 1, NULL), 0);
    CHECK_EQ_INT(elem_from_symbol("R#", 2, NULL), 0);
    CHECK_EQ_INT(elem_from_symbol("D", 1, &iso), 1);
    CHECK_EQ_INT(iso, 2);
    CHECK_EQ_INT(elem_from_symbol("T", 1, &iso), 1);
    CHECK_EQ_INT(iso, 3);
    /* every symbol of the table maps back to its number */
    int okz = 1;
    for (int z = 1; z <= ELEM_MAX; z++)
        okz &= elem_from_symbol(elem_symbol(z), strlen(elem_symbol(z)), NULL) == z;
    CHECK(okz);
    CHECK_EQ_INT(elem_common_isotope(35), 79);
    CHECK_EQ_INT(elem_common_isotope(6), 12);
    CHECK_CLOSE(elem_covalent_radius(6), 0.68, 1e-6);
}

struct chir_case {
    const char *smiles;
    int n, z[10], iso[10], chir[10], nb, b[10][2];
    int n_after, chir_after[10];
};

static const struct chir_case chir_cases[] = {
    {"[H][C@](F)(Cl)Br", 5, {1, 6, 9, 17, 35}, {0}, {0, 2, 0, 0, 0}, 4,
     {{0, 1}, {1, 2}, {1, 3}, {1, 4}}, 4, {1, 0, 0, 0}},
    {"F[C@]([H])(Cl)Br", 5, {9, 6, 1, 17, 35}, {0}, {0, 2, 0, 0, 0}, 4,
     {{0, 1}, {1, 2}, {1, 3}, {1, 4}}, 4, {0, 2, 0, 0}},
    {"F[C@](Cl)([H])Br", 5, {9, 6, 17, 1, 35}, {0}, {0, 2, 0, 0, 0}, 4,
     {{0, 1}, {1, 2}, {1, 3}, {1, 4}}, 4, {0, 1, 0, 0}},
    {"F[C@](Cl)(Br)[H]", 5, {9, 6, 17, 35, 1}, {0}, {0, 2, 0, 0, 0}, 4,
     {{0, 1}, {1, 2}, {1, 3}, {1, 4}}, 4, {0, 2, 0, 0}},
    {"C1CC[C@@H](O)[C@]1([H])C (ring closure bond last)", 10, {1, 6, 1, 6, 6, 6, 8, 6, 1, 6},
     {0}, {0, 0, 0, 0, 0, 1, 0, 2, 0, 0}, 10,
     {{0, 1}, {1, 2}, {1, 3}, {3, 4}, {4, 5}, {5, 6}, {5, 7}, {7, 8}, {7, 9}, {7, 1}}, 7,
     {0, 0, 0, 1, 0, 2, 0}},
    {"C[C@]([H])(O)[C@@]([H])(F)Cl", 8, {6, 6, 1, 8, 6, 1, 9, 17}, {0}, {0, 2, 0, 0, 1, 0, 0, 0},
     7, {{0, 1}, {1, 2}, {1, 3}, {1, 4}, {4, 5}, {4, 6}, {4, 7}}, 6, {0, 2, 0, 1, 0, 0}},
    {"[2H][C@](F)(Cl)Br (isotope kept)", 5, {1, 6, 9, 17, 35}, {2, 0, 0, 0, 0}, {0, 2, 0, 0, 0}, 4,
     {{0, 1}, {1, 2}, {1, 3}, {1, 4}}, 5, {0, 2, 0, 0, 0}},
};

static void test_remove_h_chirality(void)
{
    char err[128];
    for (size_t c = 0; c < sizeof chir_cases / sizeof chir_cases[0]; c++) {
        const struct chir_case *k = &chir_cases[c];
        struct mol m;
        build(&m, k->n, k->z, k->iso, k->chir, k->nb, k->b, NULL);
        int r = mol_remove_h(&m, err, sizeof err);
        CHECK_MSG(r == k->n - k->n_after, "%s: removed %d", k->smiles, r);
        CHECK_MSG((int)m.n == k->n_after, "%s: n %u", k->smiles, m.n);
        for (int i = 0; i < k->n_after && i < (int)m.n; i++)
            CHECK_MSG(m.chir[i] == k->chir_after[i], "%s: atom %d chir %u, RDKit %d", k->smiles,
                      i, m.chir[i], k->chir_after[i]);
        mol_free(&m);
    }
}

static void test_remove_h_kept(void)
{
    char err[128];
    struct mol m;
    /* H2, a lone H, H-*-H dummy, bridging H (two bonds), hydride [H-] on C */
    const int z[] = {1, 1, 1, 0, 1, 5, 1, 5, 6, 1};
    const int b[][2] = {{0, 1}, {3, 4}, {5, 6}, {6, 7}, {8, 9}};
    build(&m, 10, z, NULL, NULL, 5, b, NULL);
    uint8_t *q = mol_alloc(&m, MOL_F_chg, 10);
    q[9] = (uint8_t)-1;
    CHECK_EQ_INT(mol_remove_h(&m, err, sizeof err), 1); /* only the hydride on C goes */
    CHECK_EQ_INT(m.n, 9);
    CHECK_EQ_INT(m.nh[8], 1);
    CHECK_EQ_INT(m.nb, 4);
    mol_free(&m);

    /* imine from SMILES: [H]/N=C/C keeps the H (its bond has a direction), N=C without
     * direction loses it */
    const int z2[] = {1, 7, 6, 6};
    const int b2[][2] = {{0, 1}, {1, 2}, {2, 3}};
    const int bo2[] = {BO_SINGLE, BO_DOUBLE, BO_SINGLE};
    build(&m, 4, z2, NULL, NULL, 3, b2, bo2);
    uint8_t *d = mol_alloc(&m, MOL_F_bdir, 3);
    d[0] = 1;
    d[2] = 1;
    CHECK_EQ_INT(mol_remove_h(&m, err, sizeof err), 0);
    mol_drop(&m, MOL_F_bdir);
    CHECK_EQ_INT(mol_remove_h(&m, err, sizeof err), 1);
    mol_free(&m);

    /* 5-coordinate P in 3D (trigonal bipyramid): RDKit tags it, its H stays; the same atoms
     * without coordinates lose the H */
    const int z3[] = {15, 1, 9, 9, 9, 9};
    const int b3[][2] = {{0, 1}, {0, 2}, {0, 3}, {0, 4}, {0, 5}};
    static const float p3[6][3] = {{0, 0, 0},     {0, 0, 1.4f},     {0, 0, -1.6f},
                                   {1.6f, 0, 0},  {-0.8f, 1.39f, 0}, {-0.8f, -1.39f, 0}};
    build(&m, 6, z3, NULL, NULL, 5, b3, NULL);
    float *p = mol_alloc(&m, MOL_F_pos, 18);
    memcpy(p, p3, sizeof p3);
    m.is3d = 1;
    CHECK_EQ_INT(mol_remove_h(&m, err, sizeof err), 0);
    m.is3d = 0;
    CHECK_EQ_INT(mol_remove_h(&m, err, sizeof err), 1);
    mol_free(&m);
}

static void test_remove_h_arrays(void)
{
    /* H0-C1(-H2)=O3, with every kind of array present */
    char err[128];
    struct mol m;
    const int z[] = {1, 6, 1, 8};
    const int b[][2] = {{0, 1}, {1, 2}, {1, 3}};
    const int bo[] = {BO_SINGLE, BO_SINGLE, BO_DOUBLE};
    build(&m, 4, z, NULL, NULL, 3, b, bo);
    float *p = mol_alloc(&m, MOL_F_pos, 12);
    uint8_t *af = mol_alloc(&m, MOL_F_af, 36);
    uint8_t *bf = mol_alloc(&m, MOL_F_bf, 9);
    uint16_t *spd = mol_alloc(&m, MOL_F_spd, 16);
    uint16_t *path = mol_alloc(&m, MOL_F_path, 16 * MOL_HOPS);
    float *emb = mol_alloc(&m, MOL_F_emb, 5);
    for (int i = 0; i < 12; i++)
        p[i] = (float)i;
    for (int i = 0; i < 36; i++)
        af[i] = (uint8_t)i;
    for (int i = 0; i < 9; i++)
        bf[i] = (uint8_t)(10 * i);
    for (int i = 0; i < 16; i++)
        spd[i] = (uint16_t)(100 + i);
    for (int i = 0; i < 16 * MOL_HOPS; i++)
        path[i] = MOL_NO_BOND;
    path[(1 * 4 + 3) * MOL_HOPS] = 2; /* C->O via bond 2 */
    for (int i = 0; i < 5; i++)
        emb[i] = (float)i;
    CHECK_EQ_INT(mol_remove_h(&m, err, sizeof err), 2);
    CHECK_EQ_INT(m.n, 2);
    CHECK_EQ_INT(m.nb, 1);
    CHECK(m.bonds[0] == 0 && m.bonds[1] == 1 && m.bo[0] == BO_DOUBLE);
    CHECK_EQ_INT(m.len[MOL_F_pos], 6);
    CHECK_CLOSE(m.pos[0], 3, 0);
    CHECK_CLOSE(m.pos[5], 11, 0);
    CHECK_EQ_INT(m.len[MOL_F_af], 18);
    CHECK(m.af[0] == 9 && m.af[17] == 35);
    CHECK_EQ_INT(m.len[MOL_F_bf], 3);
    CHECK(m.bf[0] == 60 && m.bf[2] == 80);
    CHECK_EQ_INT(m.len[MOL_F_spd], 4);
    CHECK(m.spd[0] == 105 && m.spd[1] == 107 && m.spd[2] == 113 && m.spd[3] == 115);
    CHECK_EQ_INT(m.len[MOL_F_path], 4 * MOL_HOPS);
    CHECK_EQ_INT(m.path[(0 * 2 + 1) * MOL_HOPS], 0); /* bond 2 is now bond 0 */
    CHECK_EQ_INT(m.len[MOL_F_emb], 5);                 /* V arrays untouched */
    CHECK_EQ_INT(m.nh[0], 2);
    mol_free(&m);

    /* bad input */
    const int bz[] = {6, 1};
    const int bb[][2] = {{0, 5}};
    build(&m, 2, bz, NULL, NULL, 1, bb, NULL);
    CHECK_EQ_INT(mol_remove_h(&m, err, sizeof err), -1);
    CHECK(strstr(err, "refers to atom") != NULL);
    mol_free(&m);
}

static void test_valence(void)
{
    char err[128];
    struct mol m;
    /* neutral N with 4 bonds to C fails; as N+ it passes */
    const int z[] = {7, 6, 6, 6, 6};
    const int b[][2] = {{0, 1}, {0, 2}, {0, 3}, {0, 4}};
    build(&m, 5, z, NULL, NULL, 4, b, NULL);
    mol_alloc(&m, MOL_F_chg, 5);
    CHECK_EQ_INT(mol_check_valence(&m, err, sizeof err), -1);
    CHECK_MSG(strstr(err, "atom 1 (N): explicit valence 4 > permitted 3") != NULL, "%s", err);
    m.chg[0] = 1;
    CHECK_EQ_INT(mol_check_valence(&m, err, sizeof err), 0);
    mol_free(&m);
    /* nitro written with two N=O: RDKit's cleanUp makes it pass */
    const int z2[] = {6, 7, 8, 8};
    const int b2[][2] = {{0, 1}, {1, 2}, {1, 3}};
    const int bo2[] = {BO_SINGLE, BO_DOUBLE, BO_DOUBLE};
    build(&m, 4, z2, NULL, NULL, 3, b2, bo2);
    CHECK_EQ_INT(mol_check_valence(&m, err, sizeof err), 0);
    mol_free(&m);
    /* pentavalent carbon fails; the H that mol_remove_h would drop do not count for C */
    const int z3[] = {6, 6, 6, 6, 6, 6};
    const int b3[][2] = {{0, 1}, {0, 2}, {0, 3}, {0, 4}, {0, 5}};
    build(&m, 6, z3, NULL, NULL, 5, b3, NULL);
    CHECK_EQ_INT(mol_check_valence(&m, err, sizeof err), -1);
    mol_free(&m);
    /* N(=C)(C)H, neutral, valence 4 with its H: RDKit removes the H first and accepts it
     * (MiniDrugBank record 205); before and after mol_remove_h give the same answer */
    const int z4[] = {7, 6, 6, 1};
    const int b4[][2] = {{0, 1}, {0, 2}, {0, 3}};
    const int bo4[] = {BO_DOUBLE, BO_SINGLE, BO_SINGLE};
    build(&m, 4, z4, NULL, NULL, 3, b4, bo4);
    CHECK_EQ_INT(mol_check_valence(&m, err, sizeof err), 0);
    CHECK_EQ_INT(mol_remove_h(&m, err, sizeof err), 1);
    CHECK_EQ_INT(mol_check_valence(&m, err, sizeof err), 0);
    mol_free(&m);
    /* aromatic N with an H (pyrrole-like, bonds 1.5 + 1.5 + H) passes */
    const int z5[] = {7, 6, 6, 1};
    const int b5[][2] = {{0, 1}, {0, 2}, {0, 3}};
    const int bo5[] = {BO_AROMATIC, BO_AROMATIC, BO_SINGLE};
    build(&m, 4, z5, NULL, NULL, 3, b5, bo5);
    CHECK_EQ_INT(mol_check_valence(&m, err, sizeof err), 0);
    mol_free(&m);
    /* metals have no rule */
    const int z6[] = {26, 6, 6, 6, 6, 6, 6, 6};
    const int b6[][2] = {{0, 1}, {0, 2}, {0, 3}, {0, 4}, {0, 5}, {0, 6}, {0, 7}};
    build(&m, 8, z6, NULL, NULL, 7, b6, NULL);
    CHECK_EQ_INT(mol_check_valence(&m, err, sizeof err), 0);
    mol_free(&m);
}

static void test_perceive(void)
{
    char err[128];
    struct mol m;
    /* ethanol-like heavy skeleton C-C-O with 1.52 / 1.43 A and a far atom */
    const int z[] = {6, 6, 8, 6};
    build(&m, 4, z, NULL, NULL, 0, NULL, NULL);
    float *p = mol_alloc(&m, MOL_F_pos, 12);
    p[3] = 1.52f;
    p[6] = 1.52f + 1.43f;
    p[9] = 10;
    mol_alloc(&m, MOL_F_bst, 0);
    CHECK_EQ_INT(mol_perceive_bonds(&m, MOL_BOND_TOL, err, sizeof err), 0);
    CHECK_EQ_INT(m.nb, 2);
    CHECK(m.bst == NULL); /* per-bond arrays of the old bonds are dropped */
    CHECK(m.bonds[0] == 0 && m.bonds[1] == 1 && m.bonds[2] == 1 && m.bonds[3] == 2);
    CHECK(m.bo[0] == BO_SINGLE && m.bo[1] == BO_SINGLE);
    /* tolerance 0: 1.52 > 0.68 + 0.68, no bond at all */
    CHECK_EQ_INT(mol_perceive_bonds(&m, 0.0, err, sizeof err), 0);
    CHECK_EQ_INT(m.nb, 0);
    CHECK(m.has_bonds);
    CHECK_EQ_INT(mol_perceive_bonds(&m, -1, err, sizeof err), -1);
    mol_drop(&m, MOL_F_pos);
    CHECK_EQ_INT(mol_perceive_bonds(&m, MOL_BOND_TOL, err, sizeof err), -1);
    mol_free(&m);
    CHECK(mol_is_3d(&m) == 0);
}

int main(void)
{
    RUN(test_elements);
    RUN(test_remove_h_chirality);
    RUN(test_remove_h_kept);
    RUN(test_remove_h_arrays);
    RUN(test_valence);
    RUN(test_perceive);
    CHECK_EXIT();
}
