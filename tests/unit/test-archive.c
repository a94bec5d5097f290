/* test-archive.c: archive_in over plain, compressed and archived inputs; ingest.c's format
 * detection and raw stream reading (rec_reader raw mode). Fixtures are made at test time in a scratch dir with
 * tar/zip/gzip/bzip2/xz/zstd; a missing command skips that fixture (reported on a "#" line),
 * never fails. */
#include "archive_in.h"
#include "check.h"
#include "ingest.h"
#include "util.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static char dir[256];

static int have(const char *cmd)
{
    char c[256];
    snprintf(c, sizeof c, "command -v %s >/dev/null 2>&1", cmd);
    return system(c) == 0;
}

static int sh(const char *cmd)
{
    char c[1024];
    snprintf(c, sizeof c, "cd '%s' && %s", dir, cmd);
    return system(c);
}

static const char *fix(const char *name)
{
    static char p[512];
    snprintf(p, sizeof p, "%s/%s", dir, name);
    return p;
}

static void write_file(const char *name, const char *text)
{
    FILE *f = fopen(fix(name), "wb");
    CHECK(f != NULL);
    if (!f)
        return;
    fputs(text, f);
    fclose(f);
}

static const char *A = "first file\nline 2\n";
static const char *B = "second\n";

/* Read every member; return the count, fill names joined by '|' and contents joined by '|'. */
static int read_all(const char *path, size_t maxm, char *names, char *data, int *nskip, int *fatal)
{
    struct archive_in ai;
    char err[256] = "";
    int n = 0, r;
    names[0] = data[0] = 0;
    *nskip = *fatal = 0;
    if (archive_in_open(&ai, path, maxm, err, sizeof err)) {
        printf("#   open %s: %s\n", path, err);
        archive_in_close(&ai);
        return -1;
    }
    while ((r = archive_in_next(&ai, err, sizeof err)) != ARCHIVE_IN_END) {
        if (r == ARCHIVE_IN_SKIP) {
            (*nskip)++;
            continue;
        }
        if (r == ARCHIVE_IN_FATAL) {
            (*fatal)++;
            break;
        }
        CHECK(strlen(ai.data) == ai.len);
        strcat(names, ai.name);
        strcat(names, "|");
        if (strlen(data) + ai.len + 2 < 4096) {
            strcat(data, ai.data);
            strcat(data, "|");
        }
        n++;
    }
    archive_in_close(&ai);
    return n;
}

static void test_plain(void)
{
    char names[2048], data[4096];
    int sk, fa;
    CHECK_EQ_INT(read_all(fix("a.txt"), 0, names, data, &sk, &fa), 1);
    CHECK(!strcmp(data, "first file\nline 2\n|"));
    CHECK(!strcmp(names, fix("a.txt")) || strstr(names, "a.txt|"));
    CHECK_EQ_INT(sk + fa, 0);
    /* empty file: no member or one empty member, never an error */
    write_file("empty.txt", "");
    int n = read_all(fix("empty.txt"), 0, names, data, &sk, &fa);
    CHECK(n == 0 || (n == 1 && !strcmp(data, "|")));
    CHECK_EQ_INT(sk + fa, 0);
    /* missing file and a directory: open fails */
    struct archive_in ai;
    char err[256];
    CHECK(archive_in_open(&ai, fix("nope.txt"), 0, err, sizeof err) == -1);
    CHECK(strstr(err, "No such file") != NULL);
    archive_in_close(&ai);
    CHECK(archive_in_open(&ai, dir, 0, err, sizeof err) == -1);
    archive_in_close(&ai);
}

static void test_compressed(void)
{
    static const char *const tools[][2] = {
        {"gzip", "gz"}, {"bzip2", "bz2"}, {"xz", "xz"}, {"zstd", "zst"}};
    char names[2048], data[4096];
    int sk, fa;
    for (int i = 0; i < 4; i++) {
        if (!have(tools[i][0])) {
            printf("# no %s: skipped\n", tools[i][0]);
            continue;
        }
        char cmd[256], fname[64];
        snprintf(cmd, sizeof cmd, "%s -c a.txt > a.sdf.%s", tools[i][0], tools[i][1]);
        CHECK(sh(cmd) == 0);
        snprintf(fname, sizeof fname, "a.sdf.%s", tools[i][1]);
        CHECK_EQ_INT(read_all(fix(fname), 0, names, data, &sk, &fa), 1);
        CHECK_MSG(!strcmp(data, "first file\nline 2\n|"), "%s: got '%s'", fname, data);
        /* name is the file itself; base name drops the compression suffix */
        struct archive_in ai;
        char err[256], base[256];
        CHECK(archive_in_open(&ai, fix(fname), 0, err, sizeof err) == 0);
        CHECK(archive_in_next(&ai, err, sizeof err) == ARCHIVE_IN_MEMBER);
        CHECK(ai.member == NULL && !strcmp(ai.name, fix(fname)));
        archive_in_base_name(&ai, base, sizeof base);
        CHECK(!strcmp(base, fix("a.sdf")));
        CHECK(archive_in_next(&ai, err, sizeof err) == ARCHIVE_IN_END);
        archive_in_close(&ai);
    }
    /* truncated gzip: a fatal error, not a silent short read */
    if (have("gzip")) {
        CHECK(sh("head -c 2000 /dev/urandom | base64 > big.txt && gzip -c big.txt > t.gz && "
                 "head -c 300 t.gz > trunc.gz") == 0);
        struct archive_in ai;
        char err[256];
        CHECK(archive_in_open(&ai, fix("trunc.gz"), 0, err, sizeof err) == -1);
        CHECK_MSG(strstr(err, "truncated") != NULL, "err '%s'", err);
        archive_in_close(&ai);
        /* truncated after the first block: the open succeeds and the read fails */
        CHECK(
            sh("head -c 400000 /dev/urandom | base64 > big2.txt && gzip -1 -c big2.txt > t2.gz && "
               "head -c 300000 t2.gz > trunc2.gz") == 0);
        CHECK_EQ_INT(read_all(fix("trunc2.gz"), 0, names, data, &sk, &fa), 0);
        CHECK_EQ_INT(fa, 1);
    }
}

static void test_archives(void)
{
    static const char *const kinds[][2] = {
        {"tar cf x.tar d", "x.tar"},
        {"tar czf x.tar.gz d", "x.tar.gz"},
        {"tar cjf x.tar.bz2 d", "x.tar.bz2"},
        {"tar cJf x.tar.xz d", "x.tar.xz"},
        {"tar cf - d | zstd -q -c > x.tar.zst", "x.tar.zst"},
        {"zip -q -r x.zip d", "x.zip"},
    };
    static const char *const need[] = {"tar", "gzip", "bzip2", "xz", "zstd", "zip"};
    char names[2048], data[4096];
    int sk, fa;
    CHECK(sh("mkdir -p d/sub && cp a.txt d/a.sdf && printf 'second\\n' > d/sub/b.smi") == 0);
    (void)B;
    for (int i = 0; i < 6; i++) {
        if (!have("tar") || !have(need[i])) {
            printf("# no %s: skipped %s\n", need[i], kinds[i][1]);
            continue;
        }
        CHECK(sh(kinds[i][0]) == 0);
        int n = read_all(fix(kinds[i][1]), 0, names, data, &sk, &fa);
        CHECK_MSG(n == 2, "%s: %d members", kinds[i][1], n);
        CHECK_EQ_INT(sk + fa, 0);
        char want1[600], want2[600];
        snprintf(want1, sizeof want1, "%s:d/a.sdf|", fix(kinds[i][1]));
        snprintf(want2, sizeof want2, "%s:d/sub/b.smi|", fix(kinds[i][1]));
        CHECK_MSG(strstr(names, want1) && strstr(names, want2), "%s: names '%s'", kinds[i][1],
                  names);
        CHECK(strstr(data, "first file\nline 2\n|") && strstr(data, "second\n|"));
        /* member limit: the big member is skipped with an error, the small one still read */
        n = read_all(fix(kinds[i][1]), 10, names, data, &sk, &fa);
        CHECK_MSG(n == 1 && sk == 1 && fa == 0, "%s limit: n=%d skip=%d fatal=%d", kinds[i][1], n,
                  sk, fa);
        CHECK(!strcmp(data, "second\n|"));
    }
    /* base name of a member: the member path, compression suffix removed */
    if (have("tar") && have("gzip")) {
        CHECK(sh("cp a.txt d/c.xyz.gz && tar czf y.tgz d/c.xyz.gz") == 0);
        struct archive_in ai;
        char err[256], base[256];
        CHECK(archive_in_open(&ai, fix("y.tgz"), 0, err, sizeof err) == 0);
        CHECK(archive_in_next(&ai, err, sizeof err) == ARCHIVE_IN_MEMBER);
        archive_in_base_name(&ai, base, sizeof base);
        CHECK_MSG(!strcmp(base, "d/c.xyz"), "base '%s'", base);
        archive_in_close(&ai);
    }
}

static void test_nested(void)
{
    char names[2048], data[4096];
    int sk, fa;
    if (!have("tar") || !have("gzip") || !have("zstd")) {
        printf("# no tar/gzip/zstd: skipped\n");
        return;
    }
    /* a tar of compressed files: members are decompressed (names keep their suffix); a corrupt
     * compressed member is a skipped member, not the end of the archive */
    CHECK(sh("mkdir -p n && gzip -c a.txt > n/a.sdf.gz && zstd -q -c a.txt > n/b.sdf.zst && "
             "seq 1 100000 | gzip -c | head -c 300 > n/c.sdf.gz && "
             "tar cf n.tar n/a.sdf.gz n/c.sdf.gz n/b.sdf.zst") == 0);
    CHECK_EQ_INT(read_all(fix("n.tar"), 0, names, data, &sk, &fa), 2);
    CHECK_EQ_INT(sk, 1);
    CHECK_EQ_INT(fa, 0);
    CHECK_MSG(!strcmp(data, "first file\nline 2\n|first file\nline 2\n|"), "data '%s'", data);
    CHECK(strstr(names, "n.tar:n/a.sdf.gz|") && strstr(names, "n.tar:n/b.sdf.zst|"));
    /* the limit applies to the decompressed size */
    CHECK_EQ_INT(read_all(fix("n.tar"), 10, names, data, &sk, &fa), 0);
    CHECK_EQ_INT(sk, 3);
}

static void test_limit_raw(void)
{
    char names[2048], data[4096];
    int sk, fa;
    /* a plain file over the limit: one skip, then end */
    CHECK_EQ_INT(read_all(fix("a.txt"), 5, names, data, &sk, &fa), 0);
    CHECK_EQ_INT(sk, 1);
    CHECK_EQ_INT(fa, 0);
    if (have("gzip")) {
        CHECK(sh("gzip -c big.txt > big.txt.gz") == 0);
        CHECK_EQ_INT(read_all(fix("big.txt.gz"), 100, names, data, &sk, &fa), 0);
        CHECK_EQ_INT(sk, 1);
    }
}

static void test_detect(void)
{
    static const struct {
        const char *name, *text;
        int want;
    } t[] = {
        /* content wins over the extension for SDF and XYZ */
        {"x.smi", "title\n  prog\n\n  1  0  0  0  0  0  0  0  0  0999 V2000\n", INGEST_SDF},
        {"<stdin>", "t\n\n\n  0  0  0     0  0            999 V3000\nM  END\n", INGEST_SDF},
        {"x", "M  END\n$$$$\n", INGEST_SDF},
        {"x.csv", "2\ncomment\nH 0 0 0\nH 0 0 0.7\n", INGEST_XYZ},
        {"x", "  3  \r\nwater\r\n", INGEST_XYZ},
        /* a lone integer without a second line is not XYZ */
        {"x", "3", INGEST_SMI},
        /* extension */
        {"a/b.sdf", "", INGEST_SDF},
        {"b.extxyz", "junk", INGEST_XYZ},
        {"b.smi", "CCO,x\n", INGEST_SMI},
        {"b.CSV", "CCO\n", INGEST_CSV},
        {"b.tsv", "CCO\n", INGEST_TSV},
        /* weak guesses */
        {"b.txt", "smiles\ty\nCCO\t1\n", INGEST_TSV},
        {"b.txt", "smiles,y\nCCO,1\n", INGEST_CSV},
        {"b.dat", "CCO ethanol\n", INGEST_SMI},
        {NULL, "", INGEST_SMI},
    };
    for (size_t i = 0; i < sizeof t / sizeof t[0]; i++) {
        int f = ingest_detect(t[i].name, t[i].text, strlen(t[i].text));
        CHECK_MSG(f == t[i].want, "case %zu (%s): got %s, want %s", i,
                  t[i].name ? t[i].name : "NULL", ingest_fmt_name(f), ingest_fmt_name(t[i].want));
    }
    CHECK(ingest_fmt_from_name("SDF") == INGEST_SDF && ingest_fmt_from_name("pdb") == -1);
}

/* Write bytes to a fixture file. */
static void write_bytes(const char *name, const void *p, size_t n)
{
    FILE *f = fopen(fix(name), "wb");
    CHECK(f != NULL);
    if (!f)
        return;
    CHECK(fwrite(p, 1, n, f) == n);
    fclose(f);
}

/* Count objects (headers, data) of a stream; returns the final status. */
static int mpk_count(const char *name, int *nhdr, int *ndata)
{
    struct rec_reader r;
    msgpack_object *o;
    int s;
    *nhdr = *ndata = 0;
    if (rec_reader_open(&r, fix(name), 0))
        return -9;
    r.raw = 1;
    while ((s = rec_read_next(&r, &o)) == 1)
        (r.is_header ? (*nhdr)++ : (*ndata)++);
    rec_reader_close(&r);
    return s;
}

static void test_rec_reader_raw(void)
{
    /* header {"schema":"s","version":1} + two data maps {"a":[1,2]} {"b":"x"} */
    static const unsigned char plain[] = {0x82, 0xa6, 's',  'c',  'h',  'e',  'm',  'a', 0xa1, 's',
                                          0xa7, 'v',  'e',  'r',  's',  'i',  'o',  'n', 0x01, 0x81,
                                          0xa1, 'a',  0x92, 0x01, 0x02, 0x81, 0xa1, 'b', 0xa1, 'x'};
    int nh, nd;
    write_bytes("p.mpk", plain, sizeof plain);
    CHECK_EQ_INT(mpk_count("p.mpk", &nh, &nd), 0);
    CHECK(nh == 1 && nd == 2);
    /* truncated inside the array of the first data record: an error, not a clean end (msgpack
     * consumes container headers early, so a naive pending-bytes check misses this) */
    write_bytes("t.mpk", plain, 24);
    CHECK_EQ_INT(mpk_count("t.mpk", &nh, &nd), -1);
    CHECK(nh == 1 && nd == 0);
    /* zstd frame between plain pieces, in both orders */
    if (have("zstd")) {
        CHECK(sh("zstd -q -c p.mpk > z.mpk && cat p.mpk z.mpk p.mpk z.mpk > pz.mpk") == 0);
        CHECK_EQ_INT(mpk_count("pz.mpk", &nh, &nd), 0);
        CHECK(nh == 4 && nd == 8);
        CHECK(sh("head -c 20 z.mpk > zt.mpk") == 0);
        CHECK_EQ_INT(mpk_count("zt.mpk", &nh, &nd), -1);
    }
    /* garbage */
    write_bytes("g.mpk", "\xc1", 1);
    CHECK_EQ_INT(mpk_count("g.mpk", &nh, &nd), -1);
}

int main(void)
{
    util_set_argv0("test-archive");
    snprintf(dir, sizeof dir, "%s/mbarch.XXXXXX", getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
    if (!mkdtemp(dir)) {
        printf("skip - cannot make a temp dir\n");
        return 77;
    }
    write_file("a.txt", A);
    RUN(test_plain);
    RUN(test_compressed);
    RUN(test_archives);
    RUN(test_nested);
    RUN(test_limit_raw);
    RUN(test_detect);
    RUN(test_rec_reader_raw);
    char c[600];
    snprintf(c, sizeof c, "rm -rf '%s'", dir);
    if (system(c))
        printf("# could not remove %s\n", dir);
    CHECK_EXIT();
}
