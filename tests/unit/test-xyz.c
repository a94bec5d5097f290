/* test-xyz.c: XYZ / extended XYZ / QM9 frames (common/xyz.c), plus a dump mode for the molfile
 * CLI cases and benchmarks:
 *   test-xyz --dump FILE [--perceive] [--label KEY] [--full] [--time]
 * prints per frame "index<TAB>ok|bad<TAB>n<TAB>nb<TAB>heavy<TAB>heavy_bonds<TAB>label<TAB>id|error"
 * where nb is after mol_perceive_bonds (0 without --perceive), heavy/heavy_bonds after
 * mol_remove_h, label the value of KEY ("-" if absent); --full prints every field after each
 * ok line; --time only counts and seconds. */
#include "check.h"
#include "molops.h"
#include "util.h"
#include "xyz.h"

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
    const char *path = NULL, *key = NULL;
    int perceive = 0, timing = 0, full = 0;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--perceive"))
            perceive = 1;
        else if (!strcmp(argv[i], "--time"))
            timing = 1;
        else if (!strcmp(argv[i], "--full"))
            full = 1;
        else if (!strcmp(argv[i], "--label") && i + 1 < argc)
            key = argv[++i];
        else if (strcmp(argv[i], "--dump"))
            path = argv[i];
    }
    size_t len;
    char *buf = path ? slurp(path, &len) : NULL;
    if (!buf) {
        fprintf(stderr, "test-xyz: cannot read %s\n", path ? path : "(no file)");
        return 3;
    }
    double t0 = util_now();
    struct xyz_iter it;
    struct mol m;
    char err[256];
    int r;
    unsigned nok = 0, nbad = 0;
    xyz_iter_init(&it, buf, len);
    while ((r = xyz_iter_next(&it, &m, err, sizeof err)) != 0) {
        if (r > 0 && perceive && mol_perceive_bonds(&m, MOL_BOND_TOL, err, sizeof err) < 0) {
            mol_free(&m);
            r = -1;
        }
        if (r < 0) {
            nbad++;
            if (!timing)
                printf("%u\tbad\t0\t0\t0\t0\t-\t%s\n", it.index, err);
            continue;
        }
        nok++;
        uint32_t n = m.n, nb = m.nb;
        if (mol_remove_h(&m, err, sizeof err) < 0) {
            printf("%u\tbad\t0\t0\t0\t0\t-\tremove_h: %s\n", it.index, err);
            mol_free(&m);
            continue;
        }
        const struct mol_label *l = key ? mol_get_label(&m, key) : NULL;
        if (!timing) {
            printf("%u\tok\t%u\t%u\t%u\t%u\t", it.index, n, nb, m.n, m.nb);
            if (!l)
                printf("-");
            else if (l->kind == LAB_NUM)
                printf("%.17g", l->num);
            else
                printf("%s", l->str ? l->str : "");
            printf("\t%s\n", m.id);
            if (full)
                print_full(&m);
        }
        mol_free(&m);
    }
    if (timing)
        printf("%u ok %u bad %.4f s\n", nok, nbad, util_now() - t0);
    xyz_iter_free(&it);
    free(buf);
    return 0;
}

static void test_plain_multi(void)
{
    const char *txt = "3\n"
                      "water molecule\n"
                      "O 0.0 0.0 0.117\n"
                      "h 0.0 0.757 -0.467 extra 1 2\n"
                      "1 0.0 -0.757 -0.467\n"
                      "\n"
                      "2\r\n"
                      "\r\n"
                      "CL 0 0 0\r\n"
                      "Cl 0 0 2.0"; /* no trailing newline */
    struct xyz_iter it;
    struct mol m;
    char err[256];
    xyz_iter_init(&it, txt, strlen(txt));
    CHECK_EQ_INT(xyz_iter_next(&it, &m, err, sizeof err), 1);
    CHECK(!strcmp(m.id, "water molecule"));
    CHECK_EQ_INT(m.n, 3);
    CHECK_EQ_INT(m.z[0], 8);
    CHECK_EQ_INT(m.z[1], 1);
    CHECK_EQ_INT(m.z[2], 1);
    CHECK_CLOSE(m.pos[4], 0.757, 1e-6);
    CHECK(m.is3d && m.has_pos && !m.has_bonds && m.nb == 0 && !m.bonds);
    CHECK(!strcmp(m.fmt, "xyz"));
    CHECK_EQ_INT(it.line0, 1);
    CHECK_EQ_INT(it.index, 0);
    /* perceive: O-H twice */
    CHECK_EQ_INT(mol_perceive_bonds(&m, MOL_BOND_TOL, err, sizeof err), 0);
    CHECK_EQ_INT(m.nb, 2);
    CHECK(m.has_bonds);
    CHECK(m.bonds[0] == 0 && m.bonds[1] == 1 && m.bonds[2] == 0 && m.bonds[3] == 2);
    CHECK_EQ_INT(mol_remove_h(&m, err, sizeof err), 2);
    CHECK_EQ_INT(m.n, 1);
    CHECK_EQ_INT(m.nh[0], 2);
    mol_free(&m);
    CHECK_EQ_INT(xyz_iter_next(&it, &m, err, sizeof err), 1);
    CHECK(!strcmp(m.id, "1"));
    CHECK_EQ_INT(it.line0, 7);
    CHECK_EQ_INT(m.z[0], 17);
    CHECK_CLOSE(m.pos[5], 2.0, 0);
    CHECK_EQ_INT(mol_perceive_bonds(&m, MOL_BOND_TOL, err, sizeof err), 0);
    CHECK_EQ_INT(m.nb, 1); /* 2.0 < 0.99 + 0.99 + 0.45 */
    mol_free(&m);
    CHECK_EQ_INT(xyz_iter_next(&it, &m, err, sizeof err), 0);
    xyz_iter_free(&it);
}

static void test_extxyz(void)
{
    const char *txt =
        "2\n"
        "Lattice=\"10 0 0 0 10 0 0 0 10\" Properties=species:S:1:charge:R:1:pos:R:3 "
        "energy=-1.5e2 name='two atoms' pbc=\"F F F\" flag\n"
        "C 0.1 0.0 0.0 1.5\n"
        "O -0.1 0.0 0.0 2.5\n";
    struct xyz_iter it;
    struct mol m;
    char err[256];
    xyz_iter_init(&it, txt, strlen(txt));
    CHECK_EQ_INT(xyz_iter_next(&it, &m, err, sizeof err), 1);
    CHECK_MSG(m.n == 2, "%s", err);
    if (m.n == 2) {
        CHECK(!strcmp(m.id, "two atoms"));
        CHECK_CLOSE(m.pos[2], 1.5, 0); /* pos columns come after the charge column */
        CHECK_CLOSE(m.pos[5], 2.5, 0);
        const struct mol_label *l = mol_get_label(&m, "energy");
        CHECK(l && l->kind == LAB_NUM && l->num == -150);
        l = mol_get_label(&m, "pbc");
        CHECK(l && l->kind == LAB_STR && !strcmp(l->str, "F F F"));
        l = mol_get_label(&m, "flag");
        CHECK(l && l->kind == LAB_STR && !strcmp(l->str, "T"));
        CHECK(mol_get_label(&m, "Properties") == NULL);
    }
    mol_free(&m);
    xyz_iter_free(&it);
}

static void test_plain_with_equals(void)
{
    const char *txt = "2\n= -1.5 (hartree)\nD 0 0 0\nH 0 0 0.74\n"
                      "1\nProperties=species:S:1:pos:R:3 =x\nC 0 0 0\n";
    struct xyz_iter it;
    struct mol m;
    char err[256];
    xyz_iter_init(&it, txt, strlen(txt));
    CHECK_EQ_INT(xyz_iter_next(&it, &m, err, sizeof err), 1);
    CHECK(m.id && !strcmp(m.id, "= -1.5 (hartree)"));
    CHECK_EQ_INT(m.nlab, 0);
    CHECK(m.iso && m.iso[0] == 2 && m.iso[1] == 0);
    mol_free(&m);
    CHECK_EQ_INT(xyz_iter_next(&it, &m, err, sizeof err), -1);
    CHECK_MSG(strstr(err, "line 6:") != NULL, "%s", err);
    CHECK_EQ_INT(xyz_iter_next(&it, &m, err, sizeof err), 0);
    xyz_iter_free(&it);
}

static void test_qm9(void)
{
    const char *txt = "5\n"
                      "gdb 1\t157.7118\t157.70997\t157.70699\t0.\t13.21\t-0.3877\t0.1171\t0.5048\t"
                      "35.3641\t0.044749\t-40.47893\t-40.476062\t-40.475117\t-40.498597\t6.469\t\n"
                      "C\t-0.0126981359\t 1.0858041578\t 0.0080009958\t-0.535689\n"
                      "H\t 0.002150416\t-0.0060313176\t 0.0019761204\t 0.133921\n"
                      "H\t 1.0117308433\t 1.4637511618\t 0.0002765748\t 0.133922\n"
                      "H\t-0.540815069\t 1.4475266138\t-0.8766437152\t 0.133923\n"
                      "H\t-0.5238136345\t 1.4379326443\t 0.9063972942\t 1.2*^-6\n"
                      "1341.307\t1341.3284\t1341.365\t1562.6731\t1562.7453\t3038.3205\t3151.6034\n"
                      "C\tC\t\n"
                      "InChI=1S/CH4/h1H4\tInChI=1S/CH4/h1H4\n"
                      "3\n"
                      "gdb 2\t293.60975\t293.54111\t191.39397\t1.6256\t9.46\t-0.257\t0.0829\t"
                      "0.3399\t26.1563\t0.034358\t-56.525887\t-56.523026\t-56.522082\t-56.544961\t"
                      "6.316\t\n"
                      "N\t-0.0404260543\t 1.0241077531\t 0.0625637998\t-0.707143\n"
                      "H\t 1.0172111*^-2\t 0.0125799555\t-0.0273861267\t 0.235712\n"
                      "H\t 0.9172109838\t 1.3587262236\t-0.0287569797\t 0.235712\n"
                      "1.0\n"
                      "N\tN\n"
                      "InChI=1S/H3N/h1H3\tInChI=1S/H3N/h1H3\n";
    struct xyz_iter it;
    struct mol m;
    char err[256];
    xyz_iter_init(&it, txt, strlen(txt));
    CHECK_EQ_INT(xyz_iter_next(&it, &m, err, sizeof err), 1);
    CHECK(!strcmp(m.id, "gdb_1"));
    CHECK_EQ_INT(m.n, 5);
    const struct mol_label *l = mol_get_label(&m, "tag");
    CHECK(l && l->kind == LAB_STR && !strcmp(l->str, "gdb"));
    l = mol_get_label(&m, "Cv");
    CHECK(l && l->kind == LAB_NUM && l->num == 6.469);
    l = mol_get_label(&m, "gap");
    CHECK(l && l->kind == LAB_NUM && l->num == 0.5048);
    l = mol_get_label(&m, "smiles_relaxed");
    CHECK(l && l->kind == LAB_STR && !strcmp(l->str, "C"));
    l = mol_get_label(&m, "inchi_gdb");
    CHECK(l && l->kind == LAB_STR && !strcmp(l->str, "InChI=1S/CH4/h1H4"));
    mol_free(&m);
    CHECK_EQ_INT(xyz_iter_next(&it, &m, err, sizeof err), 1);
    CHECK(!strcmp(m.id, "gdb_2"));
    CHECK_CLOSE(m.pos[3], 1.0172111e-2, 1e-9); /* Fortran exponent */
    CHECK_EQ_INT(it.index, 1);
    CHECK_EQ_INT(it.line0, 11);
    mol_free(&m);
    CHECK_EQ_INT(xyz_iter_next(&it, &m, err, sizeof err), 0);
    xyz_iter_free(&it);
}

static void expect_bad(const char *frame, const char *what, int line)
{
    struct buf b = {0};
    buf_append(&b, frame, strlen(frame));
    buf_append(&b, "1\nnext\nHe 0 0 0\n", 16);
    buf_putc(&b, 0);
    struct xyz_iter it;
    struct mol m;
    char err[256], want[32];
    xyz_iter_init(&it, b.p, b.len - 1);
    CHECK_EQ_INT(xyz_iter_next(&it, &m, err, sizeof err), -1);
    snprintf(want, sizeof want, "line %d:", line);
    CHECK_MSG(strstr(err, what) && !strncmp(err, want, strlen(want)), "got '%s', want %s %s", err,
              want, what);
    CHECK(m.z == NULL);
    CHECK_EQ_INT(xyz_iter_next(&it, &m, err, sizeof err), 1);
    CHECK(m.id && !strcmp(m.id, "next"));
    CHECK_EQ_INT(m.z ? m.z[0] : 0, 2);
    mol_free(&m);
    CHECK_EQ_INT(xyz_iter_next(&it, &m, err, sizeof err), 0);
    xyz_iter_free(&it);
    buf_free(&b);
}

static void test_malformed(void)
{
    expect_bad("two\ncomment\nC 0 0 0\n", "atom count", 1);
    expect_bad("2\ncomment\nC 0 0 0\nXx 0 0 0\n", "unknown element", 4);
    expect_bad("2\ncomment\nC 0 0 0\nC 0 zero 0\n", "coordinate", 4);
    expect_bad("2\ncomment\nC 0 0\nC 0 0 0\n", "columns", 3);
    expect_bad("9999\n", "too many atoms", 1);
    expect_bad("1\nProperties=species:S:1 a=1\nC 0 0 0\n", "Properties", 2);
    expect_bad("1\nProperties=species:S:1:pos:R:3 key=\"open\nC 0 0 0\n", "unterminated", 2);
    /* truncated last frame */
    const char *t = "3\nc\nC 0 0 0\n";
    struct xyz_iter it;
    struct mol m;
    char err[256];
    xyz_iter_init(&it, t, strlen(t));
    CHECK_EQ_INT(xyz_iter_next(&it, &m, err, sizeof err), -1);
    CHECK_MSG(strstr(err, "1 of 3 atoms") != NULL, "%s", err);
    CHECK_EQ_INT(xyz_iter_next(&it, &m, err, sizeof err), 0);
    xyz_iter_free(&it);
}

static void test_perceive_sweep(void)
{
    /* a long chain of 3000 carbons 1.5 A apart along x, and one of 3000 along z: sweep and
     * valence cap must give exactly n-1 bonds each */
    struct mol m;
    char err[256];
    for (int axis = 0; axis < 3; axis += 2) {
        mol_init(&m);
        m.n = 3000;
        uint8_t *z = mol_alloc(&m, MOL_F_z, m.n);
        float *p = mol_alloc(&m, MOL_F_pos, 3 * (size_t)m.n);
        for (uint32_t i = 0; i < m.n; i++) {
            z[i] = 6;
            p[3 * i + axis] = 1.5f * (float)i;
        }
        double t0 = util_now();
        CHECK_EQ_INT(mol_perceive_bonds(&m, MOL_BOND_TOL, err, sizeof err), 0);
        CHECK(util_now() - t0 < 2.0);
        CHECK_EQ_INT(m.nb, m.n - 1);
        int okb = 1;
        for (uint32_t b = 0; b < m.nb; b++)
            okb &= m.bonds[2 * b] == b && m.bonds[2 * b + 1] == b + 1;
        CHECK(okb);
        mol_free(&m);
    }
    /* valence cap: C with 6 H around it at 1.0 A keeps 4 */
    mol_init(&m);
    m.n = 7;
    uint8_t *z = mol_alloc(&m, MOL_F_z, 7);
    float *p = mol_alloc(&m, MOL_F_pos, 21);
    z[0] = 6;
    static const float d[6][3] = {{1, 0, 0}, {-1, 0, 0}, {0, 1, 0}, {0, -1, 0}, {0, 0, 1.05f},
                                  {0, 0, -1.05f}};
    for (int i = 0; i < 6; i++) {
        z[i + 1] = 1;
        memcpy(&p[3 * (i + 1)], d[i], sizeof d[i]);
    }
    CHECK_EQ_INT(mol_perceive_bonds(&m, MOL_BOND_TOL, err, sizeof err), 0);
    CHECK_EQ_INT(m.nb, 4);
    CHECK_EQ_INT(m.bonds[7], 4); /* the four at 1.0 A, not the two at 1.05 A */
    mol_free(&m);
}

int main(int argc, char **argv)
{
    if (argc > 1)
        return dump(argc, argv);
    RUN(test_plain_multi);
    RUN(test_extxyz);
    RUN(test_plain_with_equals);
    RUN(test_qm9);
    RUN(test_malformed);
    RUN(test_perceive_sweep);
    CHECK_EXIT();
}
