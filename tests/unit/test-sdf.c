/* test-sdf.c: MDL molfile/SD parsing (common/sdf.c) on hand-written records, plus a dump mode
 * used by the molfile CLI cases and tests/bench/molfile-check.py:
 *   test-sdf --dump FILE [--keep-h] [--valence|--valence-first] [--perceive] [--time] [--full]
 * prints one line per record: "index<TAB>ok|bad<TAB>n<TAB>nb<TAB>id|error" after mol_remove_h
 * (unless --keep-h); --valence also applies mol_check_valence (a failure counts as bad) after
 * mol_remove_h, --valence-first before it;
 * --perceive adds a column "same" or "diff +A -B": the file's bond set (all atoms, before H
 * removal) against mol_perceive_bonds from the coordinates (A extra, B missing); --full prints
 * every field after each ok line; --time prints only counts and the seconds taken. */
#include "check.h"
#include "molops.h"
#include "sdf.h"
#include "util.h"

#include <string.h>

static char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    struct buf b = {0};
    char tmp[65536];
    size_t k;
    while ((k = fread(tmp, 1, sizeof tmp, f)) > 0)
        buf_append(&b, tmp, k);
    fclose(f);
    *len = b.len;
    buf_putc(&b, 0);
    return b.p;
}

static int pair_cmp(const void *a, const void *b)
{
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    return (x > y) - (x < y);
}

static uint32_t *bond_keys(const struct mol *m)
{
    uint32_t *k = emalloc(emul(m->nb + 1, sizeof *k));
    for (uint32_t b = 0; b < m->nb; b++) {
        uint32_t i = m->bonds[2 * b], j = m->bonds[2 * b + 1];
        k[b] = i < j ? i << 16 | j : j << 16 | i;
    }
    qsort(k, m->nb, sizeof *k, pair_cmp);
    return k;
}

/* compare the file's bonds with perceived ones (on a copy) */
static void perceive_cmp(const struct mol *m, char *out, size_t outlen)
{
    struct mol c;
    char err[128];
    mol_copy(&c, m);
    if (mol_perceive_bonds(&c, MOL_BOND_TOL, err, sizeof err) < 0) {
        snprintf(out, outlen, "error");
        mol_free(&c);
        return;
    }
    uint32_t *a = bond_keys(m), *b = bond_keys(&c);
    uint32_t i = 0, j = 0, extra = 0, miss = 0;
    while (i < m->nb || j < c.nb) {
        if (j == c.nb || (i < m->nb && a[i] < b[j]))
            miss++, i++;
        else if (i == m->nb || b[j] < a[i])
            extra++, j++;
        else
            i++, j++;
    }
    if (extra || miss)
        snprintf(out, outlen, "diff +%u -%u", extra, miss);
    else
        snprintf(out, outlen, "same");
    free(a);
    free(b);
    mol_free(&c);
}

/* --full: every field of the record, one line per atom/bond/label (for golden files) */
static void print_full(const struct mol *m)
{
    printf("  id=%s n=%u nb=%u is3d=%d has_bonds=%d rec=%u line=%u fmt=%s\n", m->id, m->n, m->nb,
           m->is3d, m->has_bonds, m->rec, m->line, m->fmt ? m->fmt : "-");
    for (uint32_t i = 0; i < m->n; i++) {
        printf("  atom %u z=%u", i, m->z[i]);
        if (m->chg) printf(" chg=%d", m->chg[i]);
        if (m->iso) printf(" iso=%u", m->iso[i]);
        if (m->nh) printf(" nh=%u", m->nh[i]);
        if (m->noimp) printf(" noimp=%u", m->noimp[i]);
        if (m->rad) printf(" rad=%u", m->rad[i]);
        if (m->arom) printf(" arom=%u", m->arom[i]);
        if (m->parity) printf(" parity=%u", m->parity[i]);
        if (m->pos) printf(" pos=%.4f,%.4f,%.4f", m->pos[3 * i], m->pos[3 * i + 1], m->pos[3 * i + 2]);
        printf("\n");
    }
    for (uint32_t b = 0; b < m->nb; b++)
        printf("  bond %u %u-%u bo=%u bst=%u\n", b, m->bonds[2 * b], m->bonds[2 * b + 1],
               m->bo ? m->bo[b] : 0, m->bst ? m->bst[b] : 0);
    for (uint32_t k = 0; k < m->nlab; k++) {
        const struct mol_label *l = &m->lab[k];
        printf("  label '%s' %s", l->key, l->kind == LAB_NUM ? "num" : l->kind == LAB_STR ? "str" : "nil");
        if (l->kind == LAB_NUM) printf(" %.17g", l->num);
        if (l->str) {
            printf(" \"");
            for (const char *c = l->str; *c; c++)
                if (*c == '\n') printf("\\n"); else putchar(*c);
            printf("\"");
        }
        printf("\n");
    }
}

static int dump(int argc, char **argv)
{
    const char *path = NULL;
    int keep_h = 0, valence = 0, timing = 0, full = 0, perceive = 0;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--keep-h"))
            keep_h = 1;
        else if (!strcmp(argv[i], "--valence"))
            valence = 1;
        else if (!strcmp(argv[i], "--valence-first"))
            valence = 2;
        else if (!strcmp(argv[i], "--time"))
            timing = 1;
        else if (!strcmp(argv[i], "--full"))
            full = 1;
        else if (!strcmp(argv[i], "--perceive"))
            perceive = 1;
        else if (strcmp(argv[i], "--dump"))
            path = argv[i];
    }
    size_t len;
    char *buf = path ? slurp(path, &len) : NULL;
    if (!buf) {
        fprintf(stderr, "test-sdf: cannot read %s\n", path ? path : "(no file)");
        return 3;
    }
    double t0 = util_now();
    struct sdf_iter it;
    struct mol m;
    char err[256];
    int r;
    unsigned nok = 0, nbad = 0;
    sdf_iter_init(&it, buf, len);
    while ((r = sdf_iter_next(&it, &m, err, sizeof err)) != 0) {
        char pc[64] = "";
        if (r > 0 && perceive)
            perceive_cmp(&m, pc, sizeof pc);
        if (r > 0 && valence == 2 && mol_check_valence(&m, err, sizeof err) < 0) {
            mol_free(&m);
            r = -1;
        }
        if (r > 0 && !keep_h && mol_remove_h(&m, err, sizeof err) < 0) {
            mol_free(&m);
            r = -1;
        }
        if (r > 0 && valence == 1 && mol_check_valence(&m, err, sizeof err) < 0) {
            mol_free(&m);
            r = -1;
        }
        if (r > 0) {
            nok++;
            if (!timing)
                printf("%u\tok\t%u\t%u\t%s%s%s\n", it.index, m.n, m.nb, m.id, *pc ? "\t" : "",
                       pc);
            if (full)
                print_full(&m);
            mol_free(&m);
        } else {
            nbad++;
            if (!timing)
                printf("%u\tbad\t0\t0\t%s\n", it.index, err);
        }
    }
    if (timing)
        printf("%u ok %u bad %.4f s\n", nok, nbad, util_now() - t0);
    sdf_iter_free(&it);
    free(buf);
    return 0;
}

/* ---- hand-written records ---- */

static const char *V2K =
    "ethanol-ish\n"
    "     RDKit          3D\n"
    "comment\n"
    "  4  3  0  0  0  0  0  0  0  0999 V2000\n"
    "    0.0000    0.0000    0.0000 C   0  0  1  0  0  0  0  0  0  0  0  0\n"
    "    1.5000    0.0000    0.0000 N   0  3  0  0  0  0  0  0  0  0  0  0\n"
    "    2.0000    1.0000    0.0000 O   0  5  0  0  0  0  0  0  0  0  0  0\n"
    "   -0.5000    0.9000    0.0000 Br  2  0  0  0  0  0  0  0  0  0  0  0\n"
    "  1  2  1  0\n"
    "  2  3  2  0\n"
    "  1  4  1  1\n"
    "M  END\n"
    "> <gap>\n"
    "1.25\n"
    "\n"
    ">  <multi line> (1)\n"
    "first\n"
    "second\n"
    "\n"
    "> <empty>\n"
    "\n"
    "$$$$\n";

static void test_v2000_basic(void)
{
    struct sdf_iter it;
    struct mol m;
    char err[256];
    sdf_iter_init(&it, V2K, strlen(V2K));
    CHECK_EQ_INT(sdf_iter_next(&it, &m, err, sizeof err), 1);
    CHECK(!strcmp(m.id, "ethanol-ish"));
    CHECK_EQ_INT(m.n, 4);
    CHECK_EQ_INT(m.nb, 3);
    CHECK_EQ_INT(m.z[0], 6);
    CHECK_EQ_INT(m.z[3], 35);
    CHECK_EQ_INT(m.iso[3], 81); /* most common Br isotope 79 + 2 */
    CHECK_EQ_INT(m.chg[1], 1);
    CHECK_EQ_INT(m.chg[2], -1);
    CHECK_EQ_INT(m.parity[0], 1);
    CHECK_EQ_INT(m.bo[1], BO_DOUBLE);
    CHECK_EQ_INT(m.bst[2], 1);
    CHECK_EQ_INT(m.bonds[2], 1);
    CHECK_EQ_INT(m.bonds[3], 2);
    CHECK_CLOSE(m.pos[3 * 3 + 1], 0.9, 1e-6);
    CHECK(m.is3d); /* "3D" in the header even though every z is 0 */
    CHECK(m.has_bonds);
    const struct mol_label *l = mol_get_label(&m, "gap");
    CHECK(l && l->kind == LAB_NUM && l->num == 1.25);
    l = mol_get_label(&m, "multi line");
    CHECK(l && l->kind == LAB_STR && !strcmp(l->str, "first\nsecond"));
    l = mol_get_label(&m, "empty");
    CHECK(l && l->kind == LAB_NIL);
    CHECK_EQ_INT(it.index, 0);
    CHECK_EQ_INT(it.line0, 1);
    CHECK_EQ_INT(it.span_start, 0);
    CHECK_EQ_INT(it.span_end, strlen(V2K));
    mol_free(&m);
    CHECK_EQ_INT(sdf_iter_next(&it, &m, err, sizeof err), 0);
    sdf_iter_free(&it);
}

/* Build an SDF text of several records from pieces. */
static char *cat(const char *const *parts)
{
    struct buf b = {0};
    for (int i = 0; parts[i]; i++)
        buf_append(&b, parts[i], strlen(parts[i]));
    buf_putc(&b, 0);
    return b.p;
}

static const char *MOL2D = "\n" /* empty title */
                           "  prog    2D\n"
                           "\n"
                           "  3  2  0  0  0  0  0  0  0  0999 V2000\n"
                           "    0.0000    0.0000    0.0000 C   0  0  0  0  0  0  0  0  0  0  0  0\n"
                           "    1.0000    0.0000    0.0000 C   0  0  0  0  0  0  0  0  0  0  0  0\n"
                           "    2.0000    0.0000    0.0000 N   0  0  0  0  0  0  0  0  0  0  0  0\n"
                           "  1  2  1  0\n"
                           "  2  3  3  0\n"
                           "M  CHG  1   3   1\n"
                           "M  ISO  1   1  13\n"
                           "M  RAD  2   1   2   2   1\n"
                           "M  END\n";

static void test_props_and_separators(void)
{
    const char *bad_atom = "bad\n  x\n\n"
                           "  2  1  0  0  0  0  0  0  0  0999 V2000\n"
                           "    0.0000    0.0000    0.0000 C   0  0\n" /* fine: short is ok >= 34 */
                           "    1.0000    0.0X00    0.0000 C   0  0  0  0  0  0  0  0  0  0  0  0\n"
                           "  1  2  1  0\n"
                           "M  END\n"
                           "> <t>\nv\n\n";
    const char *parts[] = {MOL2D, "$$$$\r\n", "\n\n", bad_atom, "$$$$\n", MOL2D,
                           "> <x>\r\n  3.5e-1 \r\n\r\n$$$$", NULL};
    char *txt = cat(parts);
    struct sdf_iter it;
    struct mol m;
    char err[256];
    sdf_iter_init(&it, txt, strlen(txt));
    CHECK_EQ_INT(sdf_iter_next(&it, &m, err, sizeof err), 1);
    CHECK(!strcmp(m.id, "0"));
    CHECK(!m.is3d);
    CHECK_EQ_INT(m.chg[2], 1);
    CHECK_EQ_INT(m.iso[0], 13);
    CHECK_EQ_INT(m.rad[0], 1); /* doublet */
    CHECK_EQ_INT(m.rad[1], 2); /* singlet */
    CHECK_EQ_INT(m.bo[1], BO_TRIPLE);
    mol_free(&m);
    CHECK_EQ_INT(sdf_iter_next(&it, &m, err, sizeof err), -1);
    CHECK_MSG(strstr(err, "line 22:") && strstr(err, "coordinate"), "%s", err);
    CHECK_EQ_INT(it.index, 1);
    CHECK_EQ_INT(it.line0, 15); /* blank lines before the record belong to it */
    CHECK(!strncmp(txt + it.span_end - 5, "$$$$\n", 5));
    CHECK_EQ_INT(sdf_iter_next(&it, &m, err, sizeof err), 1);
    CHECK_EQ_INT(it.index, 2);
    CHECK(!strcmp(m.id, "2"));
    const struct mol_label *l = mol_get_label(&m, "x");
    CHECK(l && l->kind == LAB_NUM && fabs(l->num - 0.35) < 1e-12);
    mol_free(&m);
    CHECK_EQ_INT(sdf_iter_next(&it, &m, err, sizeof err), 0);
    sdf_iter_free(&it);
    free(txt);
}

static void test_chg_resets_atom_block(void)
{
    const char *rec = "t\n\n\n"
                      "  2  1  0  0  0  0  0  0  0  0999 V2000\n"
                      "    0.0000    0.0000    0.1000 N   0  3  0  0  0  0  0  0  0  0  0  0\n"
                      "    1.0000    0.0000    0.0000 O   0  5  0  0  0  0  0  0  0  0  0  0\n"
                      "  1  2  1  0\n"
                      "M  CHG  1   1   1\n"
                      "M  END"; /* no trailing newline, no $$$$ */
    struct sdf_iter it;
    struct mol m;
    char err[256];
    sdf_iter_init(&it, rec, strlen(rec));
    CHECK_EQ_INT(sdf_iter_next(&it, &m, err, sizeof err), 1);
    CHECK_EQ_INT(m.chg[0], 1);
    CHECK_EQ_INT(m.chg[1], 0); /* atom-block -1 voided by M  CHG */
    CHECK(m.is3d);             /* no 3D stamp but a nonzero z */
    mol_free(&m);
    CHECK_EQ_INT(sdf_iter_next(&it, &m, err, sizeof err), 0);
    sdf_iter_free(&it);
}

static void expect_bad(const char *rec, const char *what, int line)
{
    struct sdf_iter it;
    struct mol m;
    char err[256], want[32];
    const char *parts[] = {rec, "$$$$\n", MOL2D, "$$$$\n", NULL};
    char *txt = cat(parts);
    sdf_iter_init(&it, txt, strlen(txt));
    CHECK_EQ_INT(sdf_iter_next(&it, &m, err, sizeof err), -1);
    snprintf(want, sizeof want, "line %d:", line);
    CHECK_MSG(strstr(err, what) && !strncmp(err, want, strlen(want)), "got '%s', want %s %s", err,
              want, what);
    CHECK(m.n == 0 && m.z == NULL);
    /* the next record survives */
    CHECK_EQ_INT(sdf_iter_next(&it, &m, err, sizeof err), 1);
    CHECK_EQ_INT(m.n, 3);
    CHECK_EQ_INT(it.index, 1);
    mol_free(&m);
    CHECK_EQ_INT(sdf_iter_next(&it, &m, err, sizeof err), 0);
    sdf_iter_free(&it);
    free(txt);
}

#define HDR "t\n\n\n"
#define ATOM_C "    0.0000    0.0000    0.0000 C   0  0  0  0  0  0  0  0  0  0  0  0\n"

static void test_malformed(void)
{
    expect_bad(HDR "  x  0  0  0  0  0  0  0  0  0999 V2000\nM  END\n", "counts", 4);
    expect_bad(HDR "  2\n", "counts line too short", 4);
    expect_bad(HDR "  2  0  0  0  0  0  0  0  0  0999 V2000\n" ATOM_C "    1.0 0.0 0.0 C\n"
                   "M  END\n",
               "atom line too short", 6);
    expect_bad(HDR "  2  1  0  0  0  0  0  0  0  0999 V2000\n" ATOM_C ATOM_C "  1  3  1  0\nM  END\n",
               "out of range", 7);
    expect_bad(HDR "  2  1  0  0  0  0  0  0  0  0999 V2000\n" ATOM_C ATOM_C "  1  2\nM  END\n",
               "bond line too short", 7);
    expect_bad(HDR "  2  1  0  0  0  0  0  0  0  0999 V2000\n" ATOM_C ATOM_C "  1  2  1  0\n",
               "M  END", 7);
    expect_bad(HDR "  1  0  0  0  0  0  0  0  0  0999 V2000\n"
                   "    0.0000    0.0000    0.0000 Xx  0  0  0  0  0  0  0  0  0  0  0  0\nM  END\n",
               "unknown element", 5);
    expect_bad(HDR "  3  0  0  0  0  0  0  0  0  0999 V2000\n" ATOM_C ATOM_C, "atom block", 6);
    expect_bad(HDR "  1  0  0  0  0  0  0  0  0  0999 V2000\n"
                   "    0.0000    0.0000    0.0000 C   0 x0  0  0  0  0  0  0  0  0  0  0\nM  END\n",
               "charge", 5);
    expect_bad(HDR "  1  0  0  0  0  0  0  0  0  0999 V2000\n" ATOM_C "M  CHG  1   2   1\nM  END\n",
               "out of range", 6);
    expect_bad(HDR "  0  0  0     0  0            999 V3000\nM  V30 BEGIN CTAB\n"
                   "M  V30 COUNTS 5000 0 0 0 0\n",
               "too many atoms", 6);
    expect_bad(HDR "  2  2  0  0  0  0  0  0  0  0999 V2000\n" ATOM_C ATOM_C
                   "  1  2  1  0\n  2  1  1  0\nM  END\n",
               "bonded twice", 8);
    /* RDKit reads V2000 atoms by column: a shifted line leaves an empty symbol (qm9_mini #19) */
    expect_bad(HDR "  1  0  0  0  0  0  0  0  0  0999 V2000\n"
                   " 999.9999  999.9999  999.9999 C   0  0  0  0  0  0  0  0  0  0  0  0\nM  END\n",
               "unknown element", 5);
}

static const char *V3K = "v3\n"
                         "  prog    3D\n"
                         "\n"
                         "  0  0  0     0  0            999 V3000\n"
                         "M  V30 BEGIN CTAB\n"
                         "M  V30 COUNTS 3 2 0 0 0\n"
                         "M  V30 BEGIN ATOM\n"
                         "M  V30 1 C 0.1 0.2 0.3 0 CHG=-1 MASS=13\n"
                         "M  V30 2 N 1.1 0.2 0.3 0 RAD=2 -\n"
                         "M  V30 CFG=2\n"
                         "M  V30 3 Cl 2.1 0.2 0.3 0\n"
                         "M  V30 END ATOM\n"
                         "M  V30 BEGIN BOND\n"
                         "M  V30 1 4 1 2 CFG=1\n"
                         "M  V30 2 9 2 3\n"
                         "M  V30 END BOND\n"
                         "M  V30 BEGIN COLLECTION\n"
                         "M  V30 MDLV30/STEABS ATOMS=(1 1)\n"
                         "M  V30 END COLLECTION\n"
                         "M  V30 END CTAB\n"
                         "M  END\n"
                         "> <name with spaces>\n"
                         "hello world\n"
                         "\n"
                         "$$$$\n";

static void test_v3000(void)
{
    struct sdf_iter it;
    struct mol m;
    char err[256];
    sdf_iter_init(&it, V3K, strlen(V3K));
    CHECK_EQ_INT(sdf_iter_next(&it, &m, err, sizeof err), 1);
    if (m.n == 3) {
        CHECK_EQ_INT(m.z[0], 6);
        CHECK_EQ_INT(m.chg[0], -1);
        CHECK_EQ_INT(m.iso[0], 13);
        CHECK_EQ_INT(m.rad[1], 1);
        CHECK_EQ_INT(m.parity[1], 2);
        CHECK_EQ_INT(m.z[2], 17);
        CHECK_EQ_INT(m.bo[0], BO_AROMATIC);
        CHECK(m.arom[0] && m.arom[1] && !m.arom[2]);
        CHECK_EQ_INT(m.bst[0], 1);
        CHECK_EQ_INT(m.bo[1], BO_DATIVE);
        CHECK_CLOSE(m.pos[5], 0.3, 1e-6);
        CHECK(m.is3d);
        const struct mol_label *l = mol_get_label(&m, "name with spaces");
        CHECK(l && l->kind == LAB_STR && !strcmp(l->str, "hello world"));
    } else {
        CHECK_MSG(0, "n = %u, err %s", m.n, err);
    }
    mol_free(&m);
    sdf_iter_free(&it);
    expect_bad("v3\n\n\n  0  0  0     0  0            999 V3000\nM  V30 BEGIN CTAB\n"
               "M  V30 COUNTS 2 1 0 0 0\nM  V30 BEGIN ATOM\nM  V30 1 C 0 0 0 0\nM  V30 2 C 0 0 0 0\n"
               "M  V30 END ATOM\nM  V30 BEGIN BOND\nM  V30 1 1 1 7\nM  V30 END BOND\n"
               "M  V30 END CTAB\nM  END\n",
               "unknown atom", 12);
}

static void test_remove_h(void)
{
    /* CH3-NH2 with a D (kept: isotope), plus an H2 molecule (kept) and a lone H (kept) */
    const char *rec = "m\n\n\n"
                      "  9  7  0  0  0  0  0  0  0  0999 V2000\n" ATOM_C
                      "    1.0000    0.0000    0.0000 N   0  0  0  0  0  0  0  0  0  0  0  0\n"
                      "    0.0000    1.0000    0.0000 H   0  0  0  0  0  0  0  0  0  0  0  0\n"
                      "    0.0000   -1.0000    0.0000 H   0  0  0  0  0  0  0  0  0  0  0  0\n"
                      "    0.0000    0.0000    1.0000 D   0  0  0  0  0  0  0  0  0  0  0  0\n"
                      "    1.0000    1.0000    0.0000 H   0  0  0  0  0  0  0  0  0  0  0  0\n"
                      "    5.0000    0.0000    0.0000 H   0  0  0  0  0  0  0  0  0  0  0  0\n"
                      "    5.7000    0.0000    0.0000 H   0  0  0  0  0  0  0  0  0  0  0  0\n"
                      "    9.0000    0.0000    0.0000 H   0  0  0  0  0  0  0  0  0  0  0  0\n"
                      "  1  3  1  0\n  1  2  1  0\n  1  4  1  0\n  1  5  1  0\n  2  6  1  0\n"
                      "  7  8  1  0\n  6  2  1  0\n"
                      "M  END\n";
    struct sdf_iter it;
    struct mol m;
    char err[256];
    sdf_iter_init(&it, rec, strlen(rec));
    /* the H on N is listed twice (2-6 and 6-2): a duplicate bond, rejected */
    CHECK_EQ_INT(sdf_iter_next(&it, &m, err, sizeof err), -1);
    sdf_iter_free(&it);

    char *fixed = estrdup(rec);
    char *p = strstr(fixed, "  6  2  1  0\n");
    memcpy(p, "  8  9  0  0\n", 13); /* H-H "zero order" bond instead: H8 now has degree 2 */
    sdf_iter_init(&it, fixed, strlen(fixed));
    CHECK_EQ_INT(sdf_iter_next(&it, &m, err, sizeof err), 1);
    int r = mol_remove_h(&m, err, sizeof err);
    CHECK_EQ_INT(r, 3); /* two H on C and the H on N */
    CHECK_EQ_INT(m.n, 6);
    CHECK_EQ_INT(m.nb, 4);
    CHECK_EQ_INT(m.z[0], 6);
    CHECK_EQ_INT(m.z[1], 7);
    CHECK_EQ_INT(m.z[2], 1);
    CHECK_EQ_INT(m.iso[2], 2);
    CHECK_EQ_INT(m.nh[0], 2);
    CHECK_EQ_INT(m.nh[1], 1);
    CHECK_EQ_INT(m.len[MOL_F_pos], 18);
    CHECK_CLOSE(m.pos[3 * 2 + 2], 1.0, 0); /* D moved to index 2 */
    CHECK_EQ_INT(m.bonds[0], 0);           /* bond C-N kept first (was bond 1) */
    CHECK_EQ_INT(m.bonds[1], 1);
    CHECK_EQ_INT(m.bonds[2], 0); /* C-D */
    CHECK_EQ_INT(m.bonds[3], 2);
    CHECK_EQ_INT(m.bonds[4], 3); /* H-H */
    CHECK_EQ_INT(m.bonds[5], 4);
    CHECK_EQ_INT(m.len[MOL_F_bo], 4);
    mol_free(&m);
    sdf_iter_free(&it);
    free(fixed);
}

/* valence field (V2000 columns 49-51, V3000 VAL=): no implicit H, and v - explicit valence
 * explicit H as RDKit's parser sets them (MolFileParser: molTotValence) */
static void test_valence_field(void)
{
    /* Pt(vvv 4) bonded to 2 Cl; C(vvv 4) double-bonded to O; N(vvv 15 = zero valence);
     * S with no field. (H counts as RDKit 2022.09 MolFromMolBlock(sanitize=False)) */
    const char *rec = "val\n\n\n"
                      "  7  5  0  0  0  0  0  0  0  0999 V2000\n"
                      "    0.0000    0.0000    0.0000 Pt  0  0  0  0  0  4  0  0  0  0  0  0\n"
                      "    1.0000    0.0000    0.0000 Cl  0  0  0  0  0  0  0  0  0  0  0  0\n"
                      "   -1.0000    0.0000    0.0000 Cl  0  0  0  0  0  0  0  0  0  0  0  0\n"
                      "    0.0000    3.0000    0.0000 C   0  0  0  0  0  4  0  0  0  0  0  0\n"
                      "    1.0000    3.0000    0.0000 O   0  0  0  0  0  0  0  0  0  0  0  0\n"
                      "    5.0000    0.0000    0.0000 N   0  0  0  0  0 15  0  0  0  0  0  0\n"
                      "    7.0000    0.0000    0.0000 S   0  0  0  0  0  0  0  0  0  0  0  0\n"
                      "  1  2  1  0\n  1  3  1  0\n  4  5  2  0\n  6  7  1  0\n  6  4  2  0\n"
                      "M  END\n";
    struct sdf_iter it;
    struct mol m;
    char err[256];
    sdf_iter_init(&it, rec, strlen(rec));
    CHECK_EQ_INT(sdf_iter_next(&it, &m, err, sizeof err), 1);
    if (m.n == 7) {
        CHECK_EQ_INT(m.nh[0], 2); /* Pt: 4 - 2 */
        CHECK(m.noimp[0]);
        CHECK_EQ_INT(m.nh[3], 0); /* C: 4 - (2 + 2) */
        CHECK(m.noimp[3]);
        CHECK_EQ_INT(m.nh[5], 0); /* N: 15 = valence 0 */
        CHECK(m.noimp[5]);
        CHECK_EQ_INT(m.nh[6], 0); /* S: no field, implicit H left to perception */
        CHECK(!m.noimp[6] && !m.noimp[1] && !m.noimp[4]);
    } else {
        CHECK_MSG(0, "n = %u, err %s", m.n, err);
    }
    mol_free(&m);
    sdf_iter_free(&it);
    /* V3000 VAL=3 on an aromatic-bonded C (1.5 rounds up to 2) -> 1 H; VAL=-1 -> 0 H */
    const char *v3 = "v3\n\n\n  0  0  0     0  0            999 V3000\nM  V30 BEGIN CTAB\n"
                     "M  V30 COUNTS 3 2 0 0 0\nM  V30 BEGIN ATOM\nM  V30 1 C 0 0 0 0 VAL=3\n"
                     "M  V30 2 C 1 0 0 0\nM  V30 3 N 2 0 0 0 VAL=-1\nM  V30 END ATOM\n"
                     "M  V30 BEGIN BOND\nM  V30 1 4 1 2\nM  V30 2 1 2 3\nM  V30 END BOND\n"
                     "M  V30 END CTAB\nM  END\n";
    sdf_iter_init(&it, v3, strlen(v3));
    CHECK_EQ_INT(sdf_iter_next(&it, &m, err, sizeof err), 1);
    if (m.n == 3) {
        CHECK_EQ_INT(m.nh[0], 1);
        CHECK(m.noimp[0] && !m.noimp[1] && m.noimp[2]);
        CHECK_EQ_INT(m.nh[2], 0);
    } else {
        CHECK_MSG(0, "n = %u, err %s", m.n, err);
    }
    mol_free(&m);
    sdf_iter_free(&it);
}

int main(int argc, char **argv)
{
    if (argc > 1)
        return dump(argc, argv);
    RUN(test_valence_field);
    RUN(test_v2000_basic);
    RUN(test_props_and_separators);
    RUN(test_chg_resets_atom_block);
    RUN(test_malformed);
    RUN(test_v3000);
    RUN(test_remove_h);
    CHECK_EXIT();
}
