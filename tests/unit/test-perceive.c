/* test-perceive.c: RDKit-faithful perception on hard cases (common/perceive.c).
 *
 * Every expected value below is what RDKit 2022.09 reports after Chem.MolFromSmiles(smiles)
 * (GetIsAromatic, GetTotalNumHs, GetHybridization, GetFormalCharge, GetNumRadicalElectrons,
 * GetBondType, GetIsConjugated), written out per atom / per bond in SMILES order. */
#include "check.h"
#include "mol.h"
#include "perceive.h"
#include "smiles.h"
#include "util.h"

#include <string.h>

struct pcase {
    const char *name, *smi;
    const char *arom;  /* per atom: 'a' aromatic, '.' not */
    const char *hs;    /* per atom: total H */
    const char *hyb;   /* per atom: HYB_* code (1 S, 2 SP, 3 SP2, 4 SP3, 5 SP3D) */
    const char *chg;   /* per atom: formal charge + 5 (after RDKit cleanUp) */
    const char *rad;   /* per atom: radical electrons */
    const char *bt;    /* per bond: 1 single, 2 double, 3 triple, a aromatic */
    const char *conj;  /* per bond: conjugated */
};

static const struct pcase cases[] = {
    {"pyrrole", "c1cc[nH]c1", "aaaaa", "11111", "33333", "55555", "00000", "aaaaa", "11111"},
    {"indole", "c1ccc2[nH]ccc2c1", "aaaaaaaaa", "111011101", "333333333", "555555555", "000000000", "aaaaaaaaaa", "1111111111"},
    {"furan", "c1ccoc1", "aaaaa", "11101", "33333", "55555", "00000", "aaaaa", "11111"},
    {"thiophene", "c1ccsc1", "aaaaa", "11101", "33333", "55555", "00000", "aaaaa", "11111"},
    {"selenophene", "[se]1cccc1", "aaaaa", "01111", "33333", "55555", "00000", "aaaaa", "11111"},
    {"pyridine", "c1ccncc1", "aaaaaa", "111011", "333333", "555555", "000000", "aaaaaa", "111111"},
    {"pyridine N-oxide", "[O-][n+]1ccccc1", ".aaaaaa", "0011111", "3333333", "4655555", "0000000", "1aaaaaa", "1111111"},
    {"pyridinium", "c1cc[nH+]cc1", "aaaaaa", "111111", "333333", "555655", "000000", "aaaaaa", "111111"},
    {"pyrylium", "c1cc[o+]cc1", "aaaaaa", "111011", "333333", "555655", "000000", "aaaaaa", "111111"},
    {"cyclopentadienide", "[cH-]1cccc1", "aaaaa", "11111", "33333", "45555", "00000", "aaaaa", "11111"},
    {"tropylium", "[cH+]1cccccc1", "aaaaaaa", "1111111", "3333333", "6555555", "0000000", "aaaaaaa", "1111111"},
    {"cyclopropenyl cation", "[CH+]1C=C1", "aaa", "111", "333", "655", "000", "aaa", "111"},
    /* azulene: 10 pi electrons over the fused pair only; the fusion bond stays single */
    {"azulene", "c1ccc2cccc2cc1", "aaaaaaaaaa", "1110111011", "3333333333", "5555555555", "0000000000", "aaaaaaaaaa1", "11111111111"},
    {"naphthalene", "c1ccc2ccccc2c1", "aaaaaaaaaa", "1110111101", "3333333333", "5555555555", "0000000000", "aaaaaaaaaaa", "11111111111"},
    {"biphenylene", "c1ccc2c(c1)-c1ccccc1-2", "aaaaaaaaaaaa", "111001011110", "333333333333", "555555555555", "000000000000", "aaaaa1aaaaaaa1", "11111111111111"},
    {"2-pyridone", "O=c1cccc[nH]1", ".aaaaaa", "0011111", "3333333", "5555555", "0000000", "2aaaaaa", "1111111"},
    {"quinone", "O=C1C=CC(=O)C=C1", "........", "00110011", "33333333", "55555555", "00000000", "21212121", "11111111"},
    {"cyclooctatetraene", "C1=CC=CC=CC=C1", "........", "11111111", "33333333", "55555555", "00000000", "21212121", "11111111"},
    {"[18]annulene", "C1=CC=CC=CC=CC=CC=CC=CC=CC=C1", "aaaaaaaaaaaaaaaaaa", "111111111111111111", "333333333333333333", "555555555555555555", "000000000000000000", "aaaaaaaaaaaaaaaaaa", "111111111111111111"},
    {"[16]annulene", "C1=CC=CC=CC=CC=CC=CC=CC=C1", "................", "1111111111111111", "3333333333333333", "5555555555555555", "0000000000000000", "2121212121212121", "1111111111111111"},
    {"cyclododecane", "C1CCCCCCCCCCC1", "............", "222222222222", "444444444444", "555555555555", "000000000000", "111111111111", "000000000000"},
    {"Kekule benzene", "C1=CC=CC=C1", "aaaaaa", "111111", "333333", "555555", "000000", "aaaaaa", "111111"},
    {"allene", "C=C=C", "...", "202", "323", "555", "000", "22", "11"},
    {"ketene", "C=C=O", "...", "200", "323", "555", "000", "22", "11"},
    {"nitro", "CN(=O)=O", "....", "3000", "4333", "5645", "0000", "112", "011"},
    {"azide", "CN=N#N", "....", "3000", "4323", "5564", "0000", "122", "011"},
    {"perchlorate", "OCl(=O)(=O)=O", ".....", "10000", "44444", "58444", "00000", "1111", "0000"},
    {"chloromethane", "CCl", "..", "30", "44", "55", "00", "1", "0"},
    {"iodine(III)", "CI(C)C", "....", "3033", "4544", "5555", "0000", "111", "000"},
    {"phosphorane", "CP(C)(C)(C)C", "......", "303333", "454444", "555555", "000000", "11111", "00000"},
    {"sulfone", "CS(C)(=O)=O", ".....", "30300", "44433", "55555", "00000", "1122", "0000"},
    {"sulfoxide", "CS(C)=O", "....", "3030", "4443", "5555", "0000", "112", "000"},
    {"phosphate", "OP(=O)(O)O", ".....", "10011", "44344", "55555", "00000", "1211", "0000"},
    {"salt", "[Na+].[Cl-]", "..", "00", "14", "64", "00", "", ""},
    {"ammonium salt", "C[NH3+].[Br-]", "...", "330", "444", "564", "000", "1", "0"},
    {"thiolate", "C=C[S-]", "...", "210", "333", "554", "000", "21", "11"},
    {"enamine", "C=CN", "...", "212", "333", "555", "000", "21", "11"},
    {"aniline", "Nc1ccccc1", ".aaaaaa", "2011111", "3333333", "5555555", "0000000", "1aaaaaa", "1111111"},
    {"benzonitrile", "N#Cc1ccccc1", "..aaaaaa", "00011111", "22333333", "55555555", "00000000", "31aaaaaa", "11111111"},
    {"methyl radical", "[CH3]", ".", "3", "4", "5", "1", "", ""},
    {"carbene", "[CH2]", ".", "2", "4", "5", "2", "", ""},
    {"single atom", "C", ".", "4", "4", "5", "0", "", ""},
};

static int parse(struct mol *m, const char *smi)
{
    char err[256];
    if (smiles_parse(m, smi, strlen(smi), err, sizeof err)) {
        printf("#   smiles_parse(%s): %s\n", smi, err);
        return -1;
    }
    return 0;
}

static void test_cases(void)
{
    struct perceive p;
    perceive_init(&p);
    for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
        const struct pcase *k = &cases[c];
        struct mol m;
        char err[256];
        if (parse(&m, k->smi)) {
            CHECK(0);
            continue;
        }
        int rc = perceive_run(&m, &p, err, sizeof err);
        CHECK_MSG(rc == 0, "%s: %s", k->name, err);
        if (rc) {
            mol_free(&m);
            continue;
        }
        CHECK_MSG(strlen(k->arom) == m.n && strlen(k->bt) == m.nb, "%s: size", k->name);
        for (uint32_t a = 0; a < m.n && a < strlen(k->arom); a++) {
            CHECK_MSG(p.arom[a] == (k->arom[a] == 'a'), "%s atom %u aromatic %d", k->name, a,
                      p.arom[a]);
            CHECK_MSG(p.hs[a] == k->hs[a] - '0', "%s atom %u H %d want %c", k->name, a, p.hs[a],
                      k->hs[a]);
            CHECK_MSG(p.hyb[a] == k->hyb[a] - '0', "%s atom %u hyb %d want %c", k->name, a,
                      p.hyb[a], k->hyb[a]);
            CHECK_MSG(p.chg[a] + 5 == k->chg[a] - '0', "%s atom %u charge %d", k->name, a,
                      p.chg[a]);
            CHECK_MSG(p.rad[a] == k->rad[a] - '0', "%s atom %u radicals %d", k->name, a,
                      p.rad[a]);
        }
        for (uint32_t b = 0; b < m.nb && b < strlen(k->bt); b++) {
            int want = k->bt[b] == 'a' ? BO_AROMATIC : k->bt[b] - '0';
            CHECK_MSG(p.btype[b] == want, "%s bond %u type %d want %c", k->name, b, p.btype[b],
                      k->bt[b]);
            CHECK_MSG(p.bconj[b] == k->conj[b] - '0', "%s bond %u conjugated %d", k->name, b,
                      p.bconj[b]);
        }
        mol_free(&m);
    }
    perceive_free(&p);
}

/* Molecules RDKit refuses: valence errors and aromatic systems that cannot be kekulized. */
static void test_rejects(void)
{
    static const char *const bad[] = {
        "Cl(C)C",               /* Cl valence 2 */
        "C[S](C)(C)(C)(C)(C)C", /* S valence 7 */
        "CN(C)(C)C",            /* neutral 4-valent N */
        "CC(C)(C)(C)C",         /* 5-valent C */
        "c1ccnc1",              /* pyrrole without its H: odd aromatic system */
        "c1cccc1",              /* 5 aromatic carbons */
        "FBr(F)F",              /* Br valence 3 (Br allows only 1) */
    };
    struct perceive p;
    perceive_init(&p);
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        struct mol m;
        char err[256] = "";
        if (parse(&m, bad[i])) {
            CHECK(0);
            continue;
        }
        CHECK_MSG(perceive_run(&m, &p, err, sizeof err) == -1, "%s accepted", bad[i]);
        CHECK_MSG(err[0] != '\0', "%s: no message", bad[i]);
        mol_free(&m);
    }
    /* the same buffers still work after a rejection */
    struct mol m;
    char err[256];
    CHECK(parse(&m, "c1ccccc1") == 0);
    CHECK(perceive_run(&m, &p, err, sizeof err) == 0);
    CHECK(p.arom[0] == 1);
    mol_free(&m);
    perceive_free(&p);
}

/* OGB raw feature vectors and their misc buckets. */
static void test_features(void)
{
    struct perceive p;
    struct mol m;
    char err[256];
    perceive_init(&p);
    /* [Na+].[Cl-]: Na is S-hybridised (misc 5 in OGB's list), Cl- is SP3 */
    CHECK(parse(&m, "[Na+].[Cl-]") == 0);
    CHECK(perceive_run(&m, &p, err, sizeof err) == 0);
    uint8_t af[18], bf[3];
    perceive_atom_features(&m, &p, af);
    uint8_t na[9] = {10, 0, 0, 6, 0, 0, 5, 0, 0}, cl[9] = {16, 0, 0, 4, 0, 0, 2, 0, 0};
    CHECK(memcmp(af, na, 9) == 0);
    CHECK(memcmp(af + 9, cl, 9) == 0);
    mol_free(&m);
    /* charge +6 and a dummy atom fall into the misc buckets */
    CHECK(parse(&m, "[S+6]") == 0);
    CHECK(perceive_run(&m, &p, err, sizeof err) == 0);
    perceive_atom_features(&m, &p, af);
    CHECK_EQ_INT(af[AF_CHARGE], 11);
    mol_free(&m);
    CHECK(parse(&m, "*C") == 0);
    CHECK(perceive_run(&m, &p, err, sizeof err) == 0);
    perceive_atom_features(&m, &p, af);
    CHECK_EQ_INT(af[AF_Z], 118);
    CHECK_EQ_INT(af[AF_HYB], 5); /* dummy: UNSPECIFIED -> misc */
    CHECK_EQ_INT(af[9 + AF_NUMH], 3);
    perceive_bond_features(&m, &p, bf);
    CHECK_EQ_INT(bf[BF_TYPE], 0);
    mol_free(&m);
    /* a dative bond is "misc" (4) */
    CHECK(parse(&m, "N->[Cu]") == 0);
    CHECK(perceive_run(&m, &p, err, sizeof err) == 0);
    perceive_bond_features(&m, &p, bf);
    CHECK_EQ_INT(bf[BF_TYPE], 4);
    mol_free(&m);
    perceive_free(&p);
}

/* SDF-style input: Kekule bonds and the H count folded into nh (RemoveHs), pyrrole N-H. */
static void test_sdf_style(void)
{
    struct mol m;
    struct perceive p;
    char err[256];
    mol_init(&m);
    perceive_init(&p);
    mol_set_str(&m.fmt, "sdf");
    m.n = 5;
    m.nb = 5;
    m.has_bonds = 1;
    uint8_t *z = mol_alloc(&m, MOL_F_z, 5), *nh = mol_alloc(&m, MOL_F_nh, 5);
    uint16_t *b = mol_alloc(&m, MOL_F_bonds, 10);
    uint8_t *bo = mol_alloc(&m, MOL_F_bo, 5);
    static const uint16_t bb[10] = {0, 1, 1, 2, 2, 3, 3, 4, 4, 0};
    static const uint8_t oo[5] = {BO_DOUBLE, BO_SINGLE, BO_DOUBLE, BO_SINGLE, BO_SINGLE};
    memcpy(b, bb, sizeof bb);
    memcpy(bo, oo, sizeof oo);
    for (int i = 0; i < 5; i++) {
        z[i] = 6;
        nh[i] = 1;
    }
    z[4] = 7;
    CHECK(perceive_run(&m, &p, err, sizeof err) == 0);
    for (int i = 0; i < 5; i++) {
        CHECK(p.arom[i] == 1);
        CHECK(p.hs[i] == 1);
        CHECK(p.btype[i] == BO_AROMATIC);
        CHECK(p.ring[i] == 1);
        CHECK(p.amin[i] == 5);
    }
    CHECK_EQ_INT(p.nrings, 1);
    mol_free(&m);
    perceive_free(&p);
}

/* Ring membership and smallest ring sizes: spiro, bridged and chain atoms. */
static void test_rings(void)
{
    struct mol m;
    struct perceive p;
    char err[256];
    perceive_init(&p);
    /* spiro[4.5]decane with a methyl: C1CCC2(C1)CCCCC2C */
    CHECK(parse(&m, "C1CCC2(C1)CCCCC2C") == 0);
    CHECK(perceive_run(&m, &p, err, sizeof err) == 0);
    CHECK_EQ_INT(p.nrings, 2);
    CHECK_EQ_INT(p.amin[3], 5); /* spiro atom */
    CHECK_EQ_INT(p.amin[6], 6);
    CHECK_EQ_INT(p.ring[10], 0);
    CHECK_EQ_INT(p.amin[10], 0);
    mol_free(&m);
    /* bicyclo[2.2.2]octane: three relevant 6-rings (RDKit's symmetrized SSSR) */
    CHECK(parse(&m, "C1CC2CCC1CC2") == 0);
    CHECK(perceive_run(&m, &p, err, sizeof err) == 0);
    CHECK_EQ_INT(p.nrings, 3);
    for (uint32_t a = 0; a < m.n; a++)
        CHECK(p.ring[a] && p.amin[a] == 6);
    mol_free(&m);
    /* cubane: six 4-rings */
    CHECK(parse(&m, "C12C3C4C1C5C2C3C45") == 0);
    CHECK(perceive_run(&m, &p, err, sizeof err) == 0);
    CHECK_EQ_INT(p.nrings, 6);
    mol_free(&m);
    perceive_free(&p);
}

int main(void)
{
    RUN(test_cases);
    RUN(test_rejects);
    RUN(test_features);
    RUN(test_sdf_style);
    RUN(test_rings);
    CHECK_EXIT();
}
