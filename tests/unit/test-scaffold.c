/* test-scaffold.c: Murcko scaffolds and the canonical key (input aromaticity; the RDKit
 * comparison on real data is tests/cli/split/scaffold-rdkit.sh and tests/bench). */
#include "check.h"
#include "mol.h"
#include "rng.h"
#include "scaffold.h"
#include "smiles.h"
#include "util.h"

#include <string.h>

static int parse(struct mol *m, const char *s)
{
    char err[128];
    if (smiles_parse(m, s, strlen(s), err, sizeof err)) {
        printf("#   smiles_parse(%s): %s\n", s, err);
        return -1;
    }
    return 0;
}

/* key of a SMILES with input aromaticity, optionally with the atoms permuted */
static char *key_of(const char *smi, struct rng *perm, const uint8_t *hs)
{
    struct mol m;
    struct buf k = {0};
    char err[128];
    if (parse(&m, smi))
        return estrdup("<parse error>");
    uint32_t n = m.n, nb = m.nb;
    uint32_t *p = emalloc((n ? n : 1) * sizeof *p);
    for (uint32_t i = 0; i < n; i++)
        p[i] = i;
    if (perm)
        for (uint32_t i = n; i > 1; i--) {
            uint32_t j = rng_below(perm, i), t = p[i - 1];
            p[i - 1] = p[j], p[j] = t;
        }
    /* atom i of the input becomes atom p[i]; bonds reversed/reordered too */
    uint8_t *z = emalloc(n + 1), *arom = emalloc(n + 1), *noimp = emalloc(n + 1), *h = emalloc(n + 1);
    int8_t *chg = emalloc(n + 1);
    uint16_t *bonds = emalloc(2 * nb * sizeof *bonds + 2);
    uint8_t *bo = emalloc(nb + 1);
    for (uint32_t i = 0; i < n; i++) {
        z[p[i]] = m.z[i], arom[p[i]] = m.arom ? m.arom[i] : 0, chg[p[i]] = m.chg ? m.chg[i] : 0;
        noimp[p[i]] = m.noimp ? m.noimp[i] : 0;
        h[p[i]] = hs ? hs[i] : 0;
    }
    for (uint32_t e = 0; e < nb; e++) {
        uint32_t d = perm ? (e * 7 + 3) % nb : e; /* nb coprime with 7 in our cases, else same */
        if (perm && nb % 7 == 0)
            d = e;
        int flip = perm && (e & 1);
        bonds[2 * d] = (uint16_t)p[m.bonds[2 * e + flip]];
        bonds[2 * d + 1] = (uint16_t)p[m.bonds[2 * e + 1 - flip]];
        bo[d] = m.bo[e];
    }
    struct scaffold_graph g = {n, nb, z, chg, hs ? h : NULL, arom, noimp, bonds, bo};
    struct scaffold_stats st;
    if (scaffold_key(&g, &k, NULL, &st, err, sizeof err))
        buf_printf(&k, "<error %s>", err);
    CHECK(!st.capped);
    buf_putc(&k, 0);
    free(p), free(z), free(arom), free(noimp), free(h), free(chg), free(bonds), free(bo);
    mol_free(&m);
    return k.p;
}

static void test_permutation_invariance(void)
{
    static const char *smi[] = {
        "c1ccccc1", "c1ccc2ccccc2c1", "C1C2CC3CC1CC(C2)C3", "C12C3C4C1C5C2C3C45",
        "O=C(c1ccccc1)c1ccccc1", "C1CCC2(CC1)CCCC2", "c1ccc(CCc2ccncc2)cc1.c1ccccc1",
        "CC(C)Cc1ccc(C(C)C(=O)O)cc1", "O=c1cccc[nH]1", "C1CC1C1CC1C1CC1",
        "c1ccc2c(c1)[nH]c1ccccc12", "C1CCCCCCCCCCC1", "C1CCCCC1.C1CCCCC1",
        "CN1CCC23c4c5ccc(O)c4OC2C(O)C=CC3C1C5",
    };
    struct rng r;
    rng_init(&r, 99);
    for (size_t s = 0; s < sizeof smi / sizeof *smi; s++) {
        char *k0 = key_of(smi[s], NULL, NULL);
        for (int t = 0; t < 5; t++) {
            char *k1 = key_of(smi[s], &r, NULL);
            CHECK_MSG(!strcmp(k0, k1), "%s: key depends on atom order:\n#     %s\n#     %s", smi[s],
                      k0, k1);
            free(k1);
        }
        free(k0);
    }
}

/* pairs (molecule, its RDKit MurckoScaffoldSmiles) must give equal keys */
static void test_known_scaffolds(void)
{
    static const char *pairs[][2] = {
        {"Cc1ccc2[nH]ncc2c1", "c1ccc2[nH]ncc2c1"},
        {"O=C1CCCCC1C", "O=C1CCCCC1"},
        {"CC=C1CCCCC1", "C=C1CCCCC1"},
        {"c1ccccc1C(=O)c1ccccc1", "O=C(c1ccccc1)c1ccccc1"},
        {"c1ccccc1.Cl", "c1ccccc1"},
        {"c1ccccc1CCC.C1CCCCC1", "C1CCCCC1.c1ccccc1"},
        {"c1ccccc1.c1ccccc1CC1CC1", "c1ccc(CC2CC2)cc1.c1ccccc1"},
        {"C[C@H]1CC[C@@H](C)CC1", "C1CCCCC1"},
        {"OB1OCCO1", "B1OCCO1"},
        {"CC(=O)Nc1ccc(O)cc1", "c1ccccc1"},
        {"CCN(CC)C(=O)C1CN(C)C2Cc3c[nH]c4cccc(c34)C2=C1", "C1=C2c3cccc4[nH]cc(c34)CC2NCC1"},
        {"CCCC", ""},
        {"[Na+].[Cl-]", ""},
        {"C#Cc1ccccc1", "c1ccccc1"},
    };
    for (size_t i = 0; i < sizeof pairs / sizeof *pairs; i++) {
        char *a = key_of(pairs[i][0], NULL, NULL);
        char *b = pairs[i][1][0] ? key_of(pairs[i][1], NULL, NULL) : estrdup("");
        CHECK_MSG(!strcmp(a, b), "%s vs %s:\n#     %s\n#     %s", pairs[i][0],
                  pairs[i][1], a, b);
        free(a), free(b);
    }
}

static void test_distinct(void)
{
    static const char *pairs[][2] = {
        {"c1ccccc1", "c1ccncc1"},
        {"c1ccccc1", "C1CCCCC1"},
        {"c1ccc2ccccc2c1", "c1ccc(-c2ccccc2)cc1"},
        {"C1CCCCC1.C1CCCCC1", "C1CCCCCCCCCCC1"}, /* 1-WL cannot tell these apart */
        {"C1CC2CCC1C2", "C1CCC2CC2C1"},
        {"O=C1CCCCC1", "C=C1CCCCC1"},
        {"c1ccc(Cc2ccccc2)cc1", "c1ccc(CCc2ccccc2)cc1"},
        {"c1cc[n+]cc1", "c1ccncc1"},
    };
    for (size_t i = 0; i < sizeof pairs / sizeof *pairs; i++) {
        char *a = key_of(pairs[i][0], NULL, NULL), *b = key_of(pairs[i][1], NULL, NULL);
        CHECK_MSG(strcmp(a, b) != 0, "%s and %s got the same key %s", pairs[i][0], pairs[i][1], a);
        free(a), free(b);
    }
}

/* H bookkeeping: N-methylpyrrole's scaffold is pyrrole [nH] (RDKit sets one H on the aromatic
 * heteroatom that lost its substituent); the methylated carbon of toluene gains one H */
static void test_hydrogens(void)
{
    static const uint8_t h_mepyrrole[] = {3, 0, 1, 1, 1, 1}; /* Cn1cccc1 */
    static const uint8_t h_pyrrole[] = {1, 1, 1, 1, 1};      /* c1cc[nH]c1 */
    static const uint8_t h_pyridine[] = {1, 1, 1, 0, 1, 1};  /* c1ccncc1 */
    static const uint8_t h_toluene[] = {3, 0, 1, 1, 1, 1, 1}; /* Cc1ccccc1 */
    static const uint8_t h_benzene[] = {1, 1, 1, 1, 1, 1};
    char *a = key_of("Cn1cccc1", NULL, h_mepyrrole), *b = key_of("c1cc[nH]c1", NULL, h_pyrrole);
    CHECK_MSG(!strcmp(a, b), "%s vs %s", a, b);
    free(a), free(b);
    a = key_of("Cc1ccccc1", NULL, h_toluene), b = key_of("c1ccccc1", NULL, h_benzene);
    CHECK_MSG(!strcmp(a, b), "%s vs %s", a, b);
    free(b);
    b = key_of("c1ccncc1", NULL, h_pyridine);
    CHECK(strcmp(a, b) != 0);
    free(a), free(b);
    /* aromatic C- losing a substituent keeps its H count (RDKit: C[c-]1cccc1 -> [c-]1cccc1) */
    static const uint8_t h_mecp[] = {3, 0, 1, 1, 1, 1}, h_cp[] = {0, 1, 1, 1, 1};
    static const uint8_t h_cph[] = {1, 1, 1, 1, 1};
    a = key_of("C[c-]1cccc1", NULL, h_mecp), b = key_of("[c-]1cccc1", NULL, h_cp);
    CHECK_MSG(!strcmp(a, b), "%s vs %s", a, b);
    free(b);
    b = key_of("[cH-]1cccc1", NULL, h_cph);
    CHECK(strcmp(a, b) != 0);
    free(a), free(b);
    /* a bracket keeper gets its H from the valence model: hypervalent [PH](C)(C) in a ring
     * becomes PH (RDKit: C1CC[PH](C)(C)C1 -> C1CCPC1), not PH3 */
    static const uint8_t h_p5[] = {2, 2, 2, 1, 3, 3, 2}, h_p3[] = {2, 2, 2, 1, 2};
    static const uint8_t h_p3b[] = {2, 2, 2, 3, 2};
    a = key_of("C1CC[PH](C)(C)C1", NULL, h_p5), b = key_of("C1CCPC1", NULL, h_p3);
    CHECK_MSG(!strcmp(a, b), "%s vs %s", a, b);
    free(b);
    b = key_of("C1CC[PH3]C1", NULL, h_p3b);
    CHECK(strcmp(a, b) != 0);
    free(a), free(b);
}

static void test_bad(void)
{
    uint8_t z[2] = {6, 6}, bo[1] = {BO_SINGLE};
    uint16_t bonds[2] = {0, 5};
    struct scaffold_graph g = {2, 1, z, NULL, NULL, NULL, NULL, bonds, bo};
    struct buf k = {0};
    char err[128] = "";
    CHECK(scaffold_key(&g, &k, NULL, NULL, err, sizeof err) == -1 && err[0]);
    g.n = 0, g.nb = 0;
    CHECK(scaffold_key(&g, &k, NULL, NULL, err, sizeof err) == 0 && k.len == 0 && k.p[0] == 0);
    buf_free(&k);
}

int main(void)
{
    RUN(test_permutation_invariance);
    RUN(test_known_scaffolds);
    RUN(test_distinct);
    RUN(test_hydrogens);
    RUN(test_bad);
    CHECK_EXIT();
}
