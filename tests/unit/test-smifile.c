/* test-smifile.c: CSV / TSV / .smi iteration (common/smifile.c).
 *
 * Without arguments: unit tests over in-memory buffers.
 * test-smifile --dump FILE [NAME]: parse every record of FILE ("-" = stdin; NAME = name hint
 *   for the layout, default FILE) and print one line per record for tests/bench/smiles-check.py:
 *     ok <index> <line> <n> <nb> <atoms> <bonds>   atoms: z,chg,iso,nh,noimp,arom,chir,aclass;...
 *                                                  bonds: a,b,bo,bdir;...
 *     err <index> <line> <message>
 * test-smifile --bench FILE [NAME] [REPEAT]: records/s of smi_iter_next over FILE. */
#include "check.h"
#include "mol.h"
#include "smifile.h"
#include "util.h"

#include <string.h>

static char *slurp(const char *path, size_t *len)
{
    FILE *f = strcmp(path, "-") ? fopen(path, "rb") : stdin;
    if (!f)
        return NULL;
    struct buf b = {0};
    char tmp[1 << 16];
    size_t k;
    while ((k = fread(tmp, 1, sizeof tmp, f)) > 0)
        buf_append(&b, tmp, k);
    if (f != stdin)
        fclose(f);
    buf_putc(&b, 0);
    *len = b.len - 1;
    return b.p;
}

static int dump(const char *path, const char *name)
{
    size_t len;
    char *txt = slurp(path, &len);
    if (!txt) {
        perror(path);
        return 3;
    }
    struct smi_opts o = {0, NULL, NULL, -1, name};
    struct smi_iter it;
    char err[512];
    if (smi_iter_init(&it, txt, len, &o, err, sizeof err)) {
        fprintf(stderr, "%s: %s\n", path, err);
        smi_iter_free(&it);
        free(txt);
        return 1;
    }
    struct mol m;
    int r;
    struct buf out = {0};
    while ((r = smi_iter_next(&it, &m, err, sizeof err)) != 0) {
        if (r < 0) {
            printf("err %u %u %s\n", it.index, it.line0, err);
            continue;
        }
        out.len = 0;
        buf_printf(&out, "ok %u %u %u %u ", it.index, it.line0, m.n, m.nb);
        for (uint32_t a = 0; a < m.n; a++)
            buf_printf(&out, "%s%d,%d,%d,%d,%d,%d,%d,%d", a ? ";" : "", m.z[a], m.chg[a], m.iso[a],
                       m.nh[a], m.noimp[a], m.arom[a], m.chir[a], m.aclass[a]);
        buf_putc(&out, ' ');
        for (uint32_t b = 0; b < m.nb; b++)
            buf_printf(&out, "%s%d,%d,%d,%d", b ? ";" : "", m.bonds[2 * b], m.bonds[2 * b + 1],
                       m.bo[b], m.bdir[b]);
        if (!m.nb)
            buf_putc(&out, '-');
        buf_putc(&out, '\n');
        fwrite(out.p, 1, out.len, stdout);
        mol_free(&m);
    }
    buf_free(&out);
    smi_iter_free(&it);
    free(txt);
    return 0;
}

static int bench(const char *path, const char *name, int repeat)
{
    size_t len;
    char *txt = slurp(path, &len);
    if (!txt) {
        perror(path);
        return 3;
    }
    struct smi_opts o = {0, NULL, NULL, -1, name};
    char err[512];
    long nok = 0, nbad = 0;
    double t0 = util_now();
    for (int rep = 0; rep < repeat; rep++) {
        struct smi_iter it;
        if (smi_iter_init(&it, txt, len, &o, err, sizeof err)) {
            fprintf(stderr, "%s: %s\n", path, err);
            return 1;
        }
        struct mol m;
        int r;
        while ((r = smi_iter_next(&it, &m, err, sizeof err)) != 0) {
            if (r > 0) {
                nok++;
                mol_free(&m);
            } else {
                nbad++;
            }
        }
        smi_iter_free(&it);
    }
    double dt = util_now() - t0;
    printf("records %ld bad %ld seconds %.4f per_second %.0f\n", nok, nbad, dt,
           (double)(nok + nbad) / (dt > 0 ? dt : 1e-9));
    free(txt);
    return 0;
}

/* ---- unit tests ---- */

struct rec_expect {
    int ret;
    const char *smiles; /* m->smiles when ret == 1 */
    const char *id;
    uint32_t line;
};

static int run_iter(const char *txt, const struct smi_opts *o, const struct rec_expect *ex, int nex,
                    int line)
{
    struct smi_iter it;
    char err[256];
    int bad = 0;
    if (smi_iter_init(&it, txt, strlen(txt), o, err, sizeof err)) {
        printf("#   line %d: init failed: %s\n", line, err);
        smi_iter_free(&it);
        return 1;
    }
    for (int k = 0; k <= nex; k++) {
        struct mol m;
        int r = smi_iter_next(&it, &m, err, sizeof err);
        int want = k < nex ? ex[k].ret : 0;
        if (r != want) {
            printf("#   line %d: record %d: got %d want %d (%s)\n", line, k, r, want,
                   r < 0 ? err : "");
            bad++;
        } else if (r == 1) {
            if (strcmp(m.smiles, ex[k].smiles) || (ex[k].id && strcmp(m.id, ex[k].id)) ||
                (ex[k].line && m.line != ex[k].line) || m.rec != (uint32_t)k) {
                printf("#   line %d: record %d: smiles '%s' id '%s' line %u rec %u\n", line, k,
                       m.smiles, m.id, m.line, m.rec);
                bad++;
            }
        } else if (r < 0 && (it.index != (uint32_t)k || (ex[k].line && it.line0 != ex[k].line))) {
            printf("#   line %d: record %d: bad record index %u line %u\n", line, k, it.index,
                   it.line0);
            bad++;
        }
        mol_free(&m);
        if (r == 0)
            break;
    }
    smi_iter_free(&it);
    return bad;
}

#define ITER(txt, o, ...)                                                                          \
    do {                                                                                           \
        static const struct rec_expect ex_[] = {__VA_ARGS__};                                      \
        check_failed_here += run_iter(txt, o, ex_, (int)(sizeof ex_ / sizeof ex_[0]), __LINE__);   \
    } while (0)

static void test_csv_basic(void)
{
    struct smi_opts o = {0, NULL, NULL, -1, "x.csv"};
    ITER("smiles,y\nCCO,1\nc1ccccc1,0.5\n", &o, {1, "CCO", "0", 2}, {1, "c1ccccc1", "1", 3});
    /* BOM, CRLF, quoted fields with comma, "" escapes and a newline */
    ITER("\xEF\xBB\xBFname,SMILES,y\r\n\"a,b\",CC,1\r\n\"x\"\"y\",\"CO\",\"two\nlines\"\r\nz,N,3",
         &o, {1, "CC", "0", 2}, {1, "CO", NULL, 3}, {1, "N", NULL, 5});
    /* blank lines are skipped, wrong column count / bad / empty SMILES are -1 with the line */
    ITER("smiles,y\n\nCC,1\nC,2,3\nC(,4\n,5\nO,6\n", &o, {1, "CC", NULL, 3}, {-1, 0, 0, 4},
         {-1, 0, 0, 5}, {-1, 0, 0, 6}, {1, "O", "4", 7});
    /* unterminated quote */
    ITER("smiles,y\nCC,1\n\"C,2\nCC,3\n", &o, {1, "CC", NULL, 2}, {-1, 0, 0, 3},
         {1, "CC", NULL, 4});
    /* no header: the first row parses as SMILES */
    ITER("CC,1\nCCC,2\n", &o, {1, "CC", NULL, 1}, {1, "CCC", NULL, 2});
    /* no header, an index column first: the SMILES column is the first that parses */
    ITER("1,CCO\n2,CN\n", &o, {1, "CCO", NULL, 1}, {1, "CN", NULL, 2});
    /* header detected from unknown names: the SMILES column is the one that parses */
    ITER("label,structure\n1,CCN\n0,CO\n", &o, {1, "CCN", NULL, 2}, {1, "CO", NULL, 3});
}

static void test_labels(void)
{
    const char *txt = "id,smiles,a,b,c,d,e,f,a\nm1,CC,1,1.0,-1e-3,,nan,active,NaN\n";
    struct smi_opts o = {0, NULL, "id", -1, "t.csv"};
    struct smi_iter it;
    char err[256];
    CHECK(smi_iter_init(&it, txt, strlen(txt), &o, err, sizeof err) == 0);
    struct mol m;
    CHECK(smi_iter_next(&it, &m, err, sizeof err) == 1);
    CHECK(m.id && !strcmp(m.id, "m1"));
    CHECK_EQ_INT(m.nlab, 7);
    const struct mol_label *l;
    CHECK((l = mol_get_label(&m, "a")) && l->kind == LAB_NUM && l->num == 1.0);
    CHECK((l = mol_get_label(&m, "b")) && l->kind == LAB_NUM && l->num == 1.0);
    CHECK((l = mol_get_label(&m, "c")) && l->kind == LAB_NUM && l->num == -1e-3);
    CHECK((l = mol_get_label(&m, "d")) && l->kind == LAB_NIL);
    CHECK((l = mol_get_label(&m, "e")) && l->kind == LAB_NIL);
    CHECK((l = mol_get_label(&m, "f")) && l->kind == LAB_STR && !strcmp(l->str, "active"));
    CHECK((l = mol_get_label(&m, "a_2")) && l->kind == LAB_NIL);
    CHECK(!mol_get_label(&m, "id") && !mol_get_label(&m, "smiles"));
    CHECK_EQ_INT(m.rec, 0);
    CHECK_EQ_INT(m.line, 2);
    CHECK(it.span_start == (size_t)(strchr(txt, '\n') - txt + 1) && it.span_end == strlen(txt));
    mol_free(&m);
    CHECK(smi_iter_next(&it, &m, err, sizeof err) == 0);
    smi_iter_free(&it);
    /* named columns that do not exist */
    struct smi_opts o2 = {0, "nosuch", NULL, -1, "t.csv"};
    CHECK(smi_iter_init(&it, txt, strlen(txt), &o2, err, sizeof err) == -1);
    CHECK(strstr(err, "nosuch") != NULL);
    smi_iter_free(&it);
    /* column by number, no header */
    struct smi_opts o3 = {',', "2", "1", 0, NULL};
    ITER("x1,CCO\nx2,CN\n", &o3, {1, "CCO", "x1", 1}, {1, "CN", "x2", 2});
}

static void test_tsv_smi(void)
{
    struct smi_opts o = {0, NULL, NULL, -1, "a.tsv.gz"};
    ITER("SMILES\tname\tv\nCC\tethane\t1\n", &o, {1, "CC", "0", 2});
    struct smi_opts s = {0, NULL, NULL, -1, "a.smi"};
    ITER("# comment\nCCO ethanol\n\n  c1ccccc1   benzene ring  \nC\n", &s, {1, "CCO", "ethanol", 2},
         {1, "c1ccccc1", "benzene ring", 4}, {1, "C", "2", 5});
    ITER("smiles id\nCC a\nC( b\n", &s, {1, "CC", "a", 2}, {-1, 0, 0, 3});
    /* .smi with tabs is TSV; sniffed layout without a name hint */
    ITER("smiles\tid\nCC\tq\n", &s, {1, "CC", "0", 2});
    struct smi_opts n = {0, NULL, NULL, -1, NULL};
    check_failed_here += run_iter("smiles;x\n", &n, NULL, 0, __LINE__);
    ITER("smiles,x\nCl,1\n", &n, {1, "Cl", NULL, 2});
    check_failed_here += run_iter("", &n, NULL, 0, __LINE__);
    check_failed_here += run_iter("\n\n", &o, NULL, 0, __LINE__);
}

static void test_span(void)
{
    const char *txt = "smiles,y\nCC,1\nC1CC,2\nN,3\n";
    struct smi_iter it;
    char err[256];
    CHECK(smi_iter_init(&it, txt, strlen(txt), NULL, err, sizeof err) == 0);
    struct mol m;
    CHECK(smi_iter_next(&it, &m, err, sizeof err) == 1);
    mol_free(&m);
    CHECK(smi_iter_next(&it, &m, err, sizeof err) == -1);
    CHECK(!strncmp(txt + it.span_start, "C1CC,2\n", it.span_end - it.span_start) &&
          it.span_end - it.span_start == 7);
    CHECK(strstr(err, "line 3") && strstr(err, "ring bond 1"));
    CHECK(m.n == 0 && m.z == NULL);
    CHECK(smi_iter_next(&it, &m, err, sizeof err) == 1);
    CHECK_EQ_INT(it.index, 2);
    mol_free(&m);
    smi_iter_free(&it);
}

int main(int argc, char **argv)
{
    if (argc >= 3 && !strcmp(argv[1], "--dump"))
        return dump(argv[2], argc > 3 ? argv[3] : argv[2]);
    if (argc >= 3 && !strcmp(argv[1], "--bench"))
        return bench(argv[2], argc > 3 ? argv[3] : argv[2], argc > 4 ? atoi(argv[4]) : 1);
    RUN(test_csv_basic);
    RUN(test_labels);
    RUN(test_tsv_smi);
    RUN(test_span);
    CHECK_EXIT();
}
