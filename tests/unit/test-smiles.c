/* test-smiles.c: the SMILES parser (common/smiles.c), table-driven.
 *
 * Good cases compare a compact description of the parsed molecule with a hand-written one
 * (chirality tags, bond order and directions were checked against RDKit 2022.09
 * MolFromSmiles(s, sanitize=False)). Description:
 *   atoms, space-separated: element symbol (lowercase when aromatic), then for bracket atoms
 *   '[' and the non-default fields: i<iso> c<charge> h<H count> @<chir> :<class> then ']'
 *   (a bracket atom with nothing else is "X[]"); then " | " and the bonds "a<o>b" with o one of
 *   - = # $ : > (single double triple other aromatic dative) and a '/' or '\' suffix for bdir.
 * Bad cases give the start of the expected error message ("col C: ..."). */
#include "check.h"
#include "mol.h"
#include "smiles.h"
#include "util.h"

#include <string.h>

static void describe(const struct mol *m, struct buf *b)
{
    b->len = 0;
    for (uint32_t a = 0; a < m->n; a++) {
        const char *sym = smiles_symbol(m->z[a]);
        if (a)
            buf_putc(b, ' ');
        if (m->arom[a]) {
            buf_putc(b, (char)(sym[0] + 32));
            if (sym[1])
                buf_putc(b, sym[1]);
        } else {
            buf_printf(b, "%s", sym);
        }
        if (m->noimp[a]) {
            buf_putc(b, '[');
            if (m->iso[a])
                buf_printf(b, "i%d", m->iso[a]);
            if (m->chg[a])
                buf_printf(b, "c%d", m->chg[a]);
            if (m->nh[a])
                buf_printf(b, "h%d", m->nh[a]);
            if (m->chir[a])
                buf_printf(b, "@%d", m->chir[a]);
            if (m->aclass[a])
                buf_printf(b, ":%d", m->aclass[a]);
            buf_putc(b, ']');
        } else if (m->iso[a] || m->chg[a] || m->nh[a] || m->chir[a] || m->aclass[a]) {
            buf_printf(b, "{organic atom with bracket fields}");
        }
    }
    buf_printf(b, " |");
    for (uint32_t j = 0; j < m->nb; j++) {
        static const char oc[] = "$-=#:>";
        buf_printf(b, " %d%c%d", m->bonds[2 * j], m->bo[j] <= 5 ? oc[m->bo[j]] : '?',
                   m->bonds[2 * j + 1]);
        if (m->bdir[j])
            buf_putc(b, m->bdir[j] == 1 ? '/' : '\\');
    }
    buf_putc(b, 0);
}

struct good {
    const char *smi, *want;
};

static const struct good goods[] = {
    /* organic subset, implicit bond orders, aromaticity */
    {"C", "C |"},
    {"CCO", "C C O | 0-1 1-2"},
    {"ClCBr", "Cl C Br | 0-1 1-2"},
    {"BrB(F)I", "Br B F I | 0-1 1-2 1-3"},
    {"N#N", "N N | 0#1"},
    {"C=C", "C C | 0=1"},
    {"C$C", "C C | 0$1"},
    {"*C", "* C | 0-1"},
    {"c1ccccc1", "c c c c c c | 0:1 1:2 2:3 3:4 4:5 5:0"},
    {"Oc1ccoc1", "O c c c o c | 0-1 1:2 2:3 3:4 4:5 5:1"},
    {"c1ccccc1-c1ccccc1",
     "c c c c c c c c c c c c | 0:1 1:2 2:3 3:4 4:5 5-6 6:7 7:8 8:9 9:10 10:11 5:0 11:6"},
    {"c:c", "c c | 0:1"},
    {"C:C", "C C | 0:1"},
    {"c1cccc-1", "c c c c c | 0:1 1:2 2:3 3:4 4-0"},
    {"n1c[nH]cc1", "n c n[h1] c c | 0:1 1:2 2:3 3:4 4:0"},
    {"[se]1cccc1", "se[] c c c c | 0:1 1:2 2:3 3:4 4:0"},
    {"[te]1cccc1", "te[] c c c c | 0:1 1:2 2:3 3:4 4:0"},
    {"[as]1cccc1", "as[] c c c c | 0:1 1:2 2:3 3:4 4:0"},
    {"[si]1cccc1", "si[] c c c c | 0:1 1:2 2:3 3:4 4:0"},
    /* bracket atoms */
    {"[13CH4]", "C[i13h4] |"},
    {"[NH3+]", "N[c1h3] |"},
    {"[NH4+:12]", "N[c1h4:12] |"},
    {"[C--]", "C[c-2] |"},
    {"[C++]", "C[c2] |"},
    {"[Fe+3]", "Fe[c3] |"},
    {"[O-2]", "O[c-2] |"},
    {"[CH-2]", "C[c-2h1] |"},
    {"[C+0]", "C[] |"},
    {"[H]", "H[] |"},
    {"[HH]", "H[h1] |"},
    {"[H+]", "H[c1] |"},
    {"[H-]", "H[c-1] |"},
    {"[2H]C", "H[i2] C | 0-1"},
    {"[Cn]", "Cn[] |"},
    {"[Og]", "Og[] |"},
    {"[Sc]", "Sc[] |"},
    {"[U]", "U[] |"},
    {"[*]", "*[] |"},
    {"[2H][C@@]([2H])(F)Cl", "H[i2] C[@1] H[i2] F Cl | 0-1 1-2 1-3 1-4"},
    {"Cl(C)", "Cl C | 0-1"},
    /* branches, dots */
    {"C(C)(C)(C)(C)(C)C", "C C C C C C C | 0-1 0-2 0-3 0-4 0-5 0-6"},
    {"CC(=O)O", "C C O O | 0-1 1=2 1-3"},
    {"C(C(C(C)))C", "C C C C C | 0-1 1-2 2-3 0-4"},
    {"[Na+].[Cl-]", "Na[c1] Cl[c-1] |"},
    {"C.C.C", "C C C |"},
    /* ring closures: created at the end, sorted by ring number then closing order; begin atom
     * = closing atom unless the opening digit carries a bond-order symbol */
    {"C1CC1", "C C C | 0-1 1-2 2-0"},
    {"C2CC1CCC2C1", "C C C C C C C | 0-1 1-2 2-3 3-4 4-5 5-6 6-2 5-0"},
    {"C%12CC%11CCC%12C%11", "C C C C C C C | 0-1 1-2 2-3 3-4 4-5 5-6 6-2 5-0"},
    {"C%(123)CC%(123)", "C C C | 0-1 1-2 2-0"},
    {"C1CC1C1CC1", "C C C C C C | 0-1 1-2 2-3 3-4 4-5 2-0 5-3"},
    {"C12.C2.C1", "C C C | 2-0 1-0"},
    {"C1.C1", "C C | 1-0"},
    {"C2CC1CC.C12", "C C C C C C | 0-1 1-2 2-3 3-4 5-2 5-0"},
    {"C=1CCC1", "C C C C | 0-1 1-2 2-3 0=3"},
    {"C1CCC=1", "C C C C | 0-1 1-2 2-3 3=0"},
    {"C=1CCC=1", "C C C C | 0-1 1-2 2-3 0=3"},
    {"C-1CCC1", "C C C C | 0-1 1-2 2-3 0-3"},
    {"C0CC0", "C C C | 0-1 1-2 2-0"},
    /* dative */
    {"C->[Fe]", "C Fe[] | 0>1"},
    {"C<-[Fe]", "C Fe[] | 1>0"},
    /* bond directions, relative to the stored direction */
    {"F/C=C/F", "F C C F | 0-1/ 1=2 2-3/"},
    {"F/C=C\\F", "F C C F | 0-1/ 1=2 2-3\\"},
    {"C(/F)=C/F", "C F C F | 0-1/ 0=2 2-3/"},
    {"F/C=C/1.Cl1", "F C C Cl | 0-1/ 1=2 3-2\\"},
    {"C/1=C/CC1", "C C C C | 0=1 1-2/ 2-3 3-0\\"},
    {"C1CCC/1=C/F", "C C C C C F | 0-1 1-2 2-3 3=4 4-5/ 3-0/"},
    {"C/1CC/1", "C C C | 0-1 1-2 2-0/"},
    {"C/1CC\\1", "C C C | 0-1 1-2 2-0\\"},
    {"c1cc/c(=N\\C)cc1", "c c c c N C c c | 0:1 1:2 2:3/ 3=4 4-5\\ 3:6 6:7 7:0"},
    /* chirality: RDKit tags relative to bond order (values from RDKit) */
    {"F[C@@H](Cl)Br", "F C[h1@1] Cl Br | 0-1 1-2 1-3"},
    {"F[C@H](Cl)Br", "F C[h1@2] Cl Br | 0-1 1-2 1-3"},
    {"[C@@H](F)(Cl)Br", "C[h1@2] F Cl Br | 0-1 0-2 0-3"},
    {"[C@H](F)(Cl)Br", "C[h1@1] F Cl Br | 0-1 0-2 0-3"},
    {"[C@TH1H](F)(Cl)Br", "C[h1@1] F Cl Br | 0-1 0-2 0-3"},
    {"[C@TH2H](F)(Cl)Br", "C[h1@2] F Cl Br | 0-1 0-2 0-3"},
    {"C.[C@@H](F)(Cl)Br", "C C[h1@2] F Cl Br | 1-2 1-3 1-4"},
    {"[C@@](F)(Cl)(Br)I", "C[@1] F Cl Br I | 0-1 0-2 0-3 0-4"},
    {"F[C@@](Cl)(Br)I", "F C[@1] Cl Br I | 0-1 1-2 1-3 1-4"},
    {"F[C@@]([H])(Cl)Br", "F C[@1] H[] Cl Br | 0-1 1-2 1-3 1-4"},
    {"F[C@@H]1CC1Cl", "F C[h1@2] C C Cl | 0-1 1-2 2-3 3-4 3-1"},
    {"[C@@H]1(F)CC1Cl", "C[h1@2] F C C Cl | 0-1 0-2 2-3 3-4 3-0"},
    {"F[C@@]1(Cl)CC1Br", "F C[@1] Cl C C Br | 0-1 1-2 1-3 3-4 4-5 4-1"},
    {"F[C@@]12CC1C2Br", "F C[@1] C C C Br | 0-1 1-2 2-3 3-4 4-5 3-1 4-1"},
    {"[C@@H]12CC1C2", "C[h1@2] C C C | 0-1 1-2 2-3 2-0 3-0"},
    {"C[N@]1CCC1", "C N[@2] C C C | 0-1 1-2 2-3 3-4 4-1"},
    {"C[N@@]1CC[C@H]1C", "C N[@1] C C C[h1@1] C | 0-1 1-2 2-3 3-4 4-5 4-1"},
    {"C[C@]1(F)CC1", "C C[@2] F C C | 0-1 1-2 1-3 3-4 4-1"},
    {"[N@]1(C)CC1", "N[@1] C C C | 0-1 0-2 2-3 3-0"},
    {"C[C@H]1CC1", "C C[h1@1] C C | 0-1 1-2 2-3 3-1"},
    {"C[S@]1(=O)CC1", "C S[@2] O C C | 0-1 1=2 1-3 3-4 4-1"},
    {"C[C@@]12CC1C2", "C C[@1] C C C | 0-1 1-2 2-3 3-4 3-1 4-1"},
    {"[C@SP1](F)(Cl)(Br)I", "C[@6] F Cl Br I | 0-1 0-2 0-3 0-4"},
    {"[C@TB1](F)(Cl)(Br)(I)N", "C[@7] F Cl Br I N | 0-1 0-2 0-3 0-4 0-5"},
    {"[C@OH12](F)(Cl)(Br)(I)(N)O", "C[@8] F Cl Br I N O | 0-1 0-2 0-3 0-4 0-5 0-6"},
    {"[C@AL1](F)=C=C", "C[@5] F C C | 0-1 0=2 2=3"},
    {"[C@H2]", "C[h2@2] |"},
    {"[C@TH](F)(Cl)Br", "C[@2] F Cl Br | 0-1 0-2 0-3"},
    {"[C@OH](F)(Cl)Br", "C[@8] F Cl Br | 0-1 0-2 0-3"},
    {"[PH12]", "P[h12] |"},
    {"F/C=C\\\\F", "F C C F | 0-1/ 1=2 2-3\\"},
};

struct bad {
    const char *smi, *err;
};

static const struct bad bads[] = {
    {"", "col 1: empty"},
    {"C(C", "col 2: unclosed '('"},
    {"C)C", "col 2: ')' without"},
    {"(C)", "col 1: '(' without"},
    {"C()C", "col 3: empty branch"},
    {"C(=)C", "col 3: bond symbol not followed"},
    {"C1CC", "col 2: ring bond 1 is not closed"},
    {"C1CC2", "col 2: ring bond 1 is not closed"},
    {"C11", "col 3: ring bond 1 from an atom to itself"},
    {"C1CC11", "col 6: ring bond 1 is not closed"},
    {"C12CC12", "col 7: two ring bonds"},
    {"C1C1", "col 4: ring bond 1 duplicates"},
    {"C=1CC#1", "col 7: conflicting bond symbols"},
    {"C%1CC%1", "col 2: bad ring number"},
    {"C%(1CC", "col 2: bad ring number"},
    {"C(1)", "col 3: ring-closure digit without"},
    {"1C", "col 1: ring-closure digit without"},
    {"[Xx]", "col 2: unknown element 'Xx'"},
    {"[Q]", "col 2: unknown element 'Q'"},
    {"[x]", "col 2: unknown aromatic element"},
    {"X", "col 1: unknown organic-subset element 'X'"},
    {"Xe", "col 1: unknown organic-subset element 'Xe'"},
    {"H", "col 1: unknown organic-subset element 'H'"},
    {"CCa", "col 3: unknown organic-subset element 'a'"},
    {"[C+-]", "col 4: bad charge"},
    {"[C+200]", "col 6: bad charge"},
    {"[C", "col 1: unterminated bracket atom"},
    {"[C@TH3]", "col 6: bad chirality"},
    {"[CH256]", "col 6: bad H count"},
    {"C\\\\\\C", "col 4: two bond symbols"},
    {"[C:]", "col 4: bad atom class"},
    {"[C:2H4]", "col 5: unexpected 'H' in bracket atom"},
    {"[N+H3]", "col 4: unexpected 'H' in bracket atom"},
    {"[70000C]", "col 6: bad isotope"},
    {"[]", "col 2: expected an element symbol"},
    {"C..C", "col 3: '.' without"},
    {".C", "col 1: '.' without"},
    {"C.", "col 2: '.' not followed"},
    {"CC=", "col 3: bond symbol at the end"},
    {"=C", "col 1: bond symbol without"},
    {"C==C", "col 3: two bond symbols"},
    {"C=(C)", "col 2: bond symbol before '('"},
    {"C=.C", "col 2: bond symbol before '.'"},
    {"C C", "col 2: unexpected ' '"},
    {"C\tC", "col 2: unexpected byte 0x09"},
    {"C<C", "col 2: unexpected '<'"},
};

static void test_good(void)
{
    struct buf b = {0};
    for (size_t k = 0; k < sizeof goods / sizeof goods[0]; k++) {
        struct mol m;
        char err[128];
        const char *s = goods[k].smi;
        if (smiles_parse(&m, s, strlen(s), err, sizeof err)) {
            printf("#   '%s': unexpected error: %s\n", s, err);
            check_failed_here++;
            continue;
        }
        describe(&m, &b);
        if (strcmp(b.p, goods[k].want)) {
            printf("#   '%s':\n#     got  %s\n#     want %s\n", s, b.p, goods[k].want);
            check_failed_here++;
        }
        CHECK(m.fmt && !strcmp(m.fmt, "smiles") && m.smiles && !strcmp(m.smiles, s));
        CHECK(m.has_bonds && !m.has_pos);
        CHECK(m.len[MOL_F_z] == m.n && m.len[MOL_F_bonds] == 2 * m.nb && m.len[MOL_F_bo] == m.nb);
        mol_free(&m);
    }
    buf_free(&b);
}

static void test_bad(void)
{
    for (size_t k = 0; k < sizeof bads / sizeof bads[0]; k++) {
        struct mol m;
        char err[128] = "";
        const char *s = bads[k].smi;
        int r = smiles_parse(&m, s, strlen(s), err, sizeof err);
        if (r != -1 || strncmp(err, bads[k].err, strlen(bads[k].err))) {
            printf("#   '%s': got %d '%s', want -1 '%s...'\n", s, r, err, bads[k].err);
            check_failed_here++;
        }
        CHECK(m.n == 0 && m.z == NULL && m.smiles == NULL);
        mol_free(&m);
    }
}

/* not NUL-terminated input, tiny error buffers, the atom limit, element table */
static void test_edges(void)
{
    struct mol m;
    char err[64];
    CHECK(smiles_parse(&m, "CCOxyz", 3, err, sizeof err) == 0 && m.n == 3 && m.nb == 2);
    CHECK(!strcmp(m.smiles, "CCO"));
    mol_free(&m);
    CHECK(smiles_parse(&m, "C(", 1, err, sizeof err) == 0 && m.n == 1);
    mol_free(&m);
    char tiny[4];
    CHECK(smiles_parse(&m, "C(", 2, tiny, sizeof tiny) == -1 && strlen(tiny) == 3);
    CHECK(smiles_parse(&m, "C(", 2, NULL, 0) == -1);
    size_t n = MOL_MAX_ATOMS_HARD + 1;
    char *big = emalloc(n + 1);
    memset(big, 'C', n);
    big[n] = 0;
    CHECK(smiles_parse(&m, big, n - 1, err, sizeof err) == 0 && m.n == MOL_MAX_ATOMS_HARD &&
          m.nb == MOL_MAX_ATOMS_HARD - 1);
    mol_free(&m);
    CHECK(smiles_parse(&m, big, n, err, sizeof err) == -1 && strstr(err, "too many atoms"));
    free(big);
    /* deep branches and many rings stay linear */
    struct buf b = {0};
    for (int k = 0; k < 1000; k++)
        buf_printf(&b, "C(");
    buf_printf(&b, "C");
    for (int k = 0; k < 1000; k++)
        buf_printf(&b, ")");
    CHECK(smiles_parse(&m, b.p, b.len, err, sizeof err) == 0 && m.n == 1001 && m.nb == 1000);
    mol_free(&m);
    b.len = 0;
    for (int k = 0; k < 200; k++)
        buf_printf(&b, "C%%(%d)", 1000 + k);
    for (int k = 0; k < 200; k++)
        buf_printf(&b, "C%%(%d)", 1000 + k);
    CHECK(smiles_parse(&m, b.p, b.len, err, sizeof err) == 0 && m.n == 400 && m.nb == 399 + 200);
    mol_free(&m);
    /* bond count bound: a chain of N atoms, atom i also ring-bonded to i+2 .. i+9; ring
     * number %nn with n = (opening atom % 10) * 10 + k is unique among the open ones */
    for (int N = 3000; N <= 4096; N += 1096) {
        b.len = 0;
        long nb = N - 1;
        for (int i = 0; i < N; i++) {
            buf_putc(&b, 'C');
            for (int k = 2; k <= 9; k++)
                if (i - k >= 0)
                    buf_printf(&b, "%%%02d", ((i - k) % 10) * 10 + k);
            for (int k = 2; k <= 9; k++)
                if (i + k < N) {
                    buf_printf(&b, "%%%02d", (i % 10) * 10 + k);
                    nb++;
                }
        }
        int r = smiles_parse(&m, b.p, b.len, err, sizeof err);
        if (nb <= 8 * MOL_MAX_ATOMS_HARD)
            CHECK_MSG(r == 0 && m.nb == (uint32_t)nb, "%s", err);
        else
            CHECK(r == -1 && strstr(err, "too many bonds"));
        mol_free(&m);
    }
    buf_free(&b);
    CHECK_EQ_INT(smiles_element("C", 1), 6);
    CHECK_EQ_INT(smiles_element("Cl", 2), 17);
    CHECK_EQ_INT(smiles_element("Og", 2), 118);
    CHECK_EQ_INT(smiles_element("Uuo", 3), 0);
    CHECK_EQ_INT(smiles_element("c", 1), 0);
    for (int z = 1; z < 119; z++)
        CHECK(smiles_element(smiles_symbol(z), strlen(smiles_symbol(z))) == z);
    CHECK(!strcmp(smiles_symbol(26), "Fe") && !strcmp(smiles_symbol(0), "*"));
}

int main(void)
{
    RUN(test_good);
    RUN(test_bad);
    RUN(test_edges);
    CHECK_EXIT();
}
