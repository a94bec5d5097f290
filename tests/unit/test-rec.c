/* test-rec.c: record streams (plain, zstd, concatenated, truncated) and molecule records. */
#include "check.h"
#include "mol.h"
#include "util.h"

#include <string.h>
#include <unistd.h>

static void make_mol(struct mol *m, int k)
{
    mol_init(m);
    char id[32];
    snprintf(id, sizeof id, "m%d", k);
    mol_set_str(&m->id, id);
    mol_set_str(&m->fmt, "sdf");
    m->n = 3;
    m->nb = 2;
    uint8_t *z = mol_alloc(m, MOL_F_z, 3);
    z[0] = 6, z[1] = 8, z[2] = 7;
    uint16_t *b = mol_alloc(m, MOL_F_bonds, 4);
    b[0] = 0, b[1] = 1, b[2] = 1, b[3] = 2;
    uint8_t *bo = mol_alloc(m, MOL_F_bo, 2);
    bo[0] = 1, bo[1] = 2;
    float *p = mol_alloc(m, MOL_F_pos, 9);
    for (int i = 0; i < 9; i++)
        p[i] = 0.5f * (float)i + (float)k;
    m->is3d = 1;
    struct mol_label *l = mol_add_label(m, "gap");
    l->kind = LAB_NUM;
    l->num = 1.25 + k;
    l = mol_add_label(m, "missing");
    l->kind = LAB_NIL;
}

static void write_stream(const char *path, int zl, int nrec)
{
    struct rec_writer w;
    CHECK(rec_writer_open(&w, path, zl) == 0);
    CHECK(rec_write_header(&w, MOL_SCHEMA, MOL_VERSION, "test-rec") == 0);
    for (int k = 0; k < nrec; k++) {
        struct mol m;
        make_mol(&m, k);
        mol_pack(&m, rec_begin(&w));
        CHECK(rec_end(&w) == 0);
        mol_free(&m);
    }
    CHECK(rec_writer_close(&w) == 0);
}

static int read_stream_mod(const char *path, int *nread, int mod)
{
    struct rec_reader r;
    msgpack_object *o;
    int ret;
    *nread = 0;
    if (rec_reader_open(&r, path, 0))
        return -9;
    r.want_schema = MOL_SCHEMA;
    while ((ret = rec_read_next(&r, &o)) == 1) {
        struct mol m;
        const char *err = NULL;
        CHECK(mol_unpack(&m, o, 1, &err) == 0);
        CHECK_EQ_INT(m.n, 3);
        CHECK_EQ_INT(m.z[1], 8);
        CHECK_CLOSE(m.pos[4], 2.0 + *nread % mod, 0);
        CHECK(m.is3d);
        const struct mol_label *l = mol_get_label(&m, "gap");
        CHECK(l && l->kind == LAB_NUM && l->num == 1.25 + *nread % mod);
        l = mol_get_label(&m, "missing");
        CHECK(l && l->kind == LAB_NIL);
        mol_free(&m);
        (*nread)++;
    }
    rec_reader_close(&r);
    return ret;
}

static int read_stream(const char *path, int *nread)
{
    return read_stream_mod(path, nread, 1 << 30);
}

static void test_plain_roundtrip(void)
{
    int n;
    write_stream("t1.mpk", 0, 5);
    CHECK_EQ_INT(read_stream("t1.mpk", &n), 0);
    CHECK_EQ_INT(n, 5);
}

static void test_zstd_roundtrip(void)
{
    int n;
    write_stream("t2.mpk.zst", 3, 2000);
    CHECK_EQ_INT(read_stream("t2.mpk.zst", &n), 0);
    CHECK_EQ_INT(n, 2000);
}

static void test_concatenated(void)
{
    int n;
    write_stream("c1.mpk.zst", 3, 7);
    write_stream("c2.mpk", 0, 4);
    CHECK(system("cat c1.mpk.zst c1.mpk.zst c2.mpk > c.mpk") == 0);
    CHECK(system("cat c1.mpk.zst c1.mpk.zst > c.mpk") == 0);
    CHECK_EQ_INT(read_stream_mod("c.mpk", &n, 7), 0);
    CHECK_EQ_INT(n, 14);
    CHECK(system("cat c1.mpk.zst c2.mpk > c.mpk") == 0);
    CHECK_EQ_INT(read_stream_mod("c.mpk", &n, 7), 0);
    CHECK_EQ_INT(n, 11);
}

static void test_truncated(void)
{
    int n;
    write_stream("t3.mpk", 0, 3);
    FILE *f = fopen("t3.mpk", "rb");
    fseek(f, 0, SEEK_END);
    long sz = ftell(f);
    fclose(f);
    CHECK(truncate("t3.mpk", sz - 5) == 0);
    CHECK_EQ_INT(read_stream("t3.mpk", &n), -1);
    CHECK_EQ_INT(n, 2);
    write_stream("t4.mpk.zst", 3, 300);
    f = fopen("t4.mpk.zst", "rb");
    fseek(f, 0, SEEK_END);
    sz = ftell(f);
    fclose(f);
    CHECK(truncate("t4.mpk.zst", sz / 2) == 0);
    CHECK_EQ_INT(read_stream("t4.mpk.zst", &n), -1);
}

static void test_garbage(void)
{
    int n;
    FILE *f = fopen("g.mpk", "wb");
    fputs("hello world, not msgpack", f);
    fclose(f);
    CHECK_EQ_INT(read_stream("g.mpk", &n), -1);
    f = fopen("e.mpk", "wb");
    fclose(f);
    CHECK_EQ_INT(read_stream("e.mpk", &n), 0);
    CHECK_EQ_INT(n, 0);
}

static void test_bad_mol(void)
{
    /* pos with NaN, bond out of range, wrong length */
    struct mol m;
    make_mol(&m, 0);
    msgpack_sbuffer sb;
    msgpack_packer pk;
    msgpack_sbuffer_init(&sb);
    msgpack_packer_init(&pk, &sb, msgpack_sbuffer_write);
    m.bonds[3] = 7;
    mol_pack(&m, &pk);
    msgpack_unpacked up;
    msgpack_unpacked_init(&up);
    size_t off = 0;
    CHECK(msgpack_unpack_next(&up, sb.data, sb.size, &off) == MSGPACK_UNPACK_SUCCESS);
    struct mol m2;
    const char *err = NULL;
    CHECK(mol_unpack(&m2, &up.data, 0, &err) == -1);
    CHECK(err && strstr(err, "bond"));
    mol_free(&m2);
    m.bonds[3] = 2;
    m.pos[2] = NAN;
    msgpack_sbuffer_clear(&sb);
    mol_pack(&m, &pk);
    off = 0;
    CHECK(msgpack_unpack_next(&up, sb.data, sb.size, &off) == MSGPACK_UNPACK_SUCCESS);
    CHECK(mol_unpack(&m2, &up.data, 0, &err) == -1);
    CHECK(err && strstr(err, "NaN"));
    mol_free(&m2);
    msgpack_unpacked_destroy(&up);
    msgpack_sbuffer_destroy(&sb);
    mol_free(&m);
}

int main(void)
{
    util_set_argv0("test-rec");
    RUN(test_plain_roundtrip);
    RUN(test_zstd_roundtrip);
    RUN(test_concatenated);
    RUN(test_truncated);
    RUN(test_garbage);
    RUN(test_bad_mol);
    CHECK_EXIT();
}
