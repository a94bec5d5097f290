/* fuzz-mol: write corrupted-but-plausible inputs for the conformance tests.
 *
 * usage: fuzz-mol mutate SEED [FILE]
 *          FILE (any bytes: msgpack stream, SDF, SMILES, ...) with 1..4 random mutations seeded
 *          by SEED: bit flips, byte sets to 0x00/0xff/0x7f/0x80, truncation, a duplicated
 *          chunk, a deleted chunk, random bytes inserted. Deterministic per SEED.
 *        fuzz-mol truncate OFFSET [FILE]
 *          the first OFFSET bytes of FILE (negative: all but the last -OFFSET bytes)
 *        fuzz-mol corrupt KIND REC [FILE]
 *          copy a msgpack record stream, changing data record REC (0-based) by KIND:
 *            nan-pos    pos[0] = NaN          inf-pos   pos[1] = +Inf
 *            bond-range bonds[1] = n + 7      short-z   z one element short
 *            long-pos   pos one element long  nan-dist  dist[1] = NaN
 *            neg-n      n = -3                str-z     z replaced by a string
 *            huge-n     n = 4000000000        nan-pred  pred[0] = NaN
 *            rand:SEED  one element of one typed array set to a boundary or random value
 *                       (0, 1, -1, max, n-1, n, n+1, random; NaN/Inf/huge for floats)
 *        fuzz-mol offsets [FILE]
 *          print "start end" byte offsets of each top-level msgpack object (plain streams)
 * Exit 0 ok, 1 bad input (REC missing, stream unreadable), 2 usage, 3 I/O. */
#include "rec.h"
#include "rng.h"
#include "util.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static const char usage_str[] = "fuzz-mol mutate SEED [FILE] | truncate OFFSET [FILE] | "
                                "corrupt KIND REC [FILE] | offsets [FILE]";

static void slurp(const char *path, struct buf *b)
{
    FILE *fp = stdin;
    char tmp[65536];
    size_t n;
    if (path && strcmp(path, "-") != 0 && !(fp = fopen(path, "rb")))
        enprintf(EXIT_IO, "%s:", path);
    while ((n = fread(tmp, 1, sizeof tmp, fp)) > 0)
        buf_append(b, tmp, n);
    if (ferror(fp))
        enprintf(EXIT_IO, "%s: read error", path ? path : "<stdin>");
    if (fp != stdin)
        fclose(fp);
}

static void spew(const char *p, size_t n)
{
    if (n && fwrite(p, 1, n, stdout) != n)
        enprintf(EXIT_IO, "<stdout>:");
    exit(fshut(stdout, "<stdout>"));
}

static void mutate(struct buf *b, uint64_t seed)
{
    struct rng r;
    rng_init(&r, seed);
    int nmut = 1 + (int)rng_below(&r, 4);
    for (int k = 0; k < nmut && b->len > 0; k++) {
        size_t len = b->len, at = rng_below(&r, (uint32_t)len);
        size_t span = 1 + rng_below(&r, (uint32_t)(len - at < 64 ? len - at : 64));
        switch (rng_below(&r, 7)) {
        case 0: /* bit flips */
            for (int i = 0; i < 1 + (int)rng_below(&r, 8); i++)
                b->p[rng_below(&r, (uint32_t)len)] ^= (char)(1u << rng_below(&r, 8));
            break;
        case 1: { /* interesting bytes */
            static const unsigned char v[] = {0x00, 0xff, 0x7f, 0x80, 0xc1, 0xdd, 0xcf, 0x0a};
            b->p[at] = (char)v[rng_below(&r, sizeof v)];
            break;
        }
        case 2: /* truncate */
            b->len = at;
            break;
        case 3: { /* duplicate a chunk in place */
            char *c = emalloc(span);
            memcpy(c, b->p + at, span);
            buf_reserve(b, span);
            memmove(b->p + at + span, b->p + at, len - at);
            memcpy(b->p + at, c, span);
            b->len += span;
            free(c);
            break;
        }
        case 4: /* delete a chunk */
            memmove(b->p + at, b->p + at + span, len - at - span);
            b->len -= span;
            break;
        case 5: { /* insert random bytes */
            buf_reserve(b, span);
            memmove(b->p + at + span, b->p + at, len - at);
            for (size_t i = 0; i < span; i++)
                b->p[at + i] = (char)rng_below(&r, 256);
            b->len += span;
            break;
        }
        default: /* copy a chunk over another place */
        {
            size_t to = rng_below(&r, (uint32_t)len);
            size_t m = span < len - to ? span : len - to;
            memmove(b->p + to, b->p + at, m);
            break;
        }
        }
    }
}

/* pack value v of key `key` into pk, corrupted by kind */
static void pack_corrupt(msgpack_packer *pk, const char *kind, const msgpack_object *rec,
                         const char *key, const msgpack_object *v)
{
    long n = mp_arr_len(v);
    if (n < 0) {
        msgpack_pack_object(pk, *v);
        return;
    }
    int type = v->type == MSGPACK_OBJECT_EXT ? v->via.ext.type : REC_F64;
    size_t es = rec_type_size(type);
    size_t cnt = (size_t)n + (strcmp(kind, "long-pos") == 0 ? 1 : 0);
    unsigned char *d = ecalloc(cnt + 1, es ? es : 8);
    if (mp_copy_arr(d, type, (size_t)n, v) != 0)
        memset(d, 0, (size_t)n * es);
    if (!strcmp(kind, "nan-pos") || !strcmp(kind, "nan-dist") || !strcmp(kind, "nan-pred") ||
        !strcmp(kind, "inf-pos")) {
        double x = kind[0] == 'n' ? NAN : INFINITY;
        size_t i = !strcmp(kind, "nan-pos") || !strcmp(kind, "nan-pred") ? 0 : 1;
        if (i < (size_t)n) {
            if (type == REC_F32) {
                float f = (float)x;
                memcpy(d + i * 4, &f, 4);
            } else if (type == REC_F64) {
                memcpy(d + i * 8, &x, 8);
            }
        }
    } else if (!strcmp(kind, "bond-range")) {
        double nn = 0;
        mp_get_num(mp_map_get(rec, "n"), &nn);
        uint32_t bad = (uint32_t)nn + 7;
        if (n > 1 && type == REC_U16) {
            uint16_t u = (uint16_t)bad;
            memcpy(d + 2, &u, 2);
        } else if (n > 1 && type == REC_U32) {
            memcpy(d + 4, &bad, 4);
        }
    } else if (!strcmp(kind, "short-z")) {
        cnt = n > 0 ? (size_t)n - 1 : 0;
    }
    (void)key;
    mp_pack_arr(pk, type, d, cnt);
    free(d);
}

static const char *kind_key(const char *kind)
{
    static const char *const tab[][2] = {
        {"nan-pos", "pos"}, {"inf-pos", "pos"},  {"bond-range", "bonds"}, {"short-z", "z"},
        {"long-pos", "pos"}, {"nan-dist", "dist"}, {"neg-n", "n"},         {"str-z", "z"},
        {"huge-n", "n"},     {"nan-pred", "pred"},
    };
    for (size_t i = 0; i < sizeof tab / sizeof tab[0]; i++)
        if (!strcmp(tab[i][0], kind))
            return tab[i][1];
    return NULL;
}

/* rand:SEED: set one element of the typed array v to a boundary or random value */
static void pack_rand(msgpack_packer *pk, struct rng *r, double natoms, const msgpack_object *v)
{
    long n = mp_arr_len(v);
    int type = v->type == MSGPACK_OBJECT_EXT ? v->via.ext.type : REC_F64;
    size_t es = rec_type_size(type);
    unsigned char *d = ecalloc((size_t)n + 1, es ? es : 8);
    if (mp_copy_arr(d, type, (size_t)n, v) != 0)
        memset(d, 0, (size_t)n * es);
    size_t i = rng_below(r, (uint32_t)n);
    double cand[] = {0, 1, -1, 255, 65535, 4294967295.0, natoms - 1, natoms, natoms + 1, 510,
                     (double)rng_below(r, 1000), NAN, INFINITY, -INFINITY, 3e38, 1e-40};
    double x = cand[rng_below(r, sizeof cand / sizeof cand[0])];
    unsigned char *e = d + i * es;
    int fin = isfinite(x), pos = fin && x >= 0;
    switch (type) {
    case REC_U8:
        e[0] = (uint8_t)(pos ? fmod(x, 256) : 255);
        break;
    case REC_I8:
        e[0] = (unsigned char)(int8_t)(fin ? fmod(x, 128) : -128);
        break;
    case REC_U16: {
        uint16_t t = (uint16_t)(pos ? fmod(x, 65536) : 65535);
        memcpy(e, &t, 2);
        break;
    }
    case REC_I16: {
        int16_t t = (int16_t)(fin ? fmod(x, 32768) : -32768);
        memcpy(e, &t, 2);
        break;
    }
    case REC_U32: {
        uint32_t t = (uint32_t)(pos ? fmod(x, 4294967296.0) : 4294967295.0);
        memcpy(e, &t, 4);
        break;
    }
    case REC_I32: {
        int32_t t = (int32_t)(fin ? fmod(x, 2147483648.0) : -2147483648.0);
        memcpy(e, &t, 4);
        break;
    }
    case REC_F32: {
        float t = (float)x;
        memcpy(e, &t, 4);
        break;
    }
    default:
        memcpy(e, &x, 8);
        break;
    }
    mp_pack_arr(pk, type, d, (size_t)n);
    free(d);
}

static int corrupt(const char *kind, long long want, const char *path)
{
    struct rng rr;
    int rand_kind = !strncmp(kind, "rand:", 5);
    if (rand_kind)
        rng_init(&rr, (uint64_t)estrtoll(kind + 5, "rand:SEED", 0, INT64_MAX));
    const char *key = rand_kind ? "" : kind_key(kind);
    if (!key)
        eusage(usage_str, "unknown corruption '%s'", kind);
    struct rec_reader r;
    struct rec_writer w;
    msgpack_object *o;
    int rc, done = 0;
    if (rec_reader_open(&r, path, REC_MAX_BYTES_DEFAULT) != 0)
        return EXIT_IO;
    r.raw = 1;
    if (rec_writer_open(&w, "-", 0) != 0)
        return EXIT_IO;
    long long idx = 0;
    while ((rc = rec_read_next(&r, &o)) == 1) {
        if (r.is_header || o->type != MSGPACK_OBJECT_MAP || idx++ != want) {
            rec_write_object(&w, o);
            continue;
        }
        msgpack_packer *pk = rec_begin(&w);
        long pick = -1, narr = 0;
        double natoms = 0;
        mp_get_num(mp_map_get(o, "n"), &natoms);
        if (rand_kind) { /* the k-th non-empty typed array of the record */
            for (uint32_t i = 0; i < o->via.map.size; i++)
                narr += o->via.map.ptr[i].val.type == MSGPACK_OBJECT_EXT &&
                        mp_arr_len(&o->via.map.ptr[i].val) > 0;
            pick = narr ? (long)rng_below(&rr, (uint32_t)narr) : -1;
            narr = 0;
        }
        msgpack_pack_map(pk, o->via.map.size);
        for (uint32_t i = 0; i < o->via.map.size; i++) {
            const msgpack_object_kv *kv = &o->via.map.ptr[i];
            msgpack_pack_object(pk, kv->key);
            if (rand_kind) {
                if (kv->val.type == MSGPACK_OBJECT_EXT && mp_arr_len(&kv->val) > 0 &&
                    narr++ == pick)
                    pack_rand(pk, &rr, natoms, &kv->val);
                else
                    msgpack_pack_object(pk, kv->val);
            } else if (!mp_str_eq(&kv->key, key))
                msgpack_pack_object(pk, kv->val);
            else if (!strcmp(kind, "neg-n"))
                msgpack_pack_int(pk, -3);
            else if (!strcmp(kind, "huge-n"))
                msgpack_pack_uint32(pk, 4000000000u);
            else if (!strcmp(kind, "str-z"))
                mp_pack_str(pk, "carbon");
            else
                pack_corrupt(pk, kind, o, key, &kv->val);
        }
        rec_end(&w);
        done = 1;
    }
    int bad = rc < 0;
    rec_reader_close(&r);
    int wrc = rec_writer_close(&w);
    if (wrc)
        return wrc;
    if (bad)
        return EXIT_DATA;
    if (!done) {
        weprintf("record %lld not found", want);
        return EXIT_DATA;
    }
    return 0;
}

/* top-level object boundaries of a plain msgpack stream */
static int offsets(const char *path)
{
    struct buf b = {0};
    slurp(path, &b);
    size_t off = 0;
    msgpack_unpacked u;
    msgpack_unpacked_init(&u);
    while (off < b.len) {
        size_t start = off;
        if (msgpack_unpack_next(&u, b.p, b.len, &off) != MSGPACK_UNPACK_SUCCESS)
            break;
        printf("%zu %zu\n", start, off);
    }
    msgpack_unpacked_destroy(&u);
    buf_free(&b);
    return fshut(stdout, "<stdout>");
}

int main(int argc, char **argv)
{
    util_set_argv0(argv[0]);
    if (argc < 2)
        eusage(usage_str, "missing command");
    const char *cmd = argv[1];
    if (!strcmp(cmd, "-h") || !strcmp(cmd, "--help")) {
        printf("usage: %s\n", usage_str);
        return 0;
    }
    if (!strcmp(cmd, "mutate") && (argc == 3 || argc == 4)) {
        struct buf b = {0};
        uint64_t seed = (uint64_t)estrtoll(argv[2], "SEED", 0, INT64_MAX);
        slurp(argc == 4 ? argv[3] : NULL, &b);
        mutate(&b, seed);
        spew(b.p, b.len);
    }
    if (!strcmp(cmd, "truncate") && (argc == 3 || argc == 4)) {
        struct buf b = {0};
        long long off = estrtoll(argv[2], "OFFSET", -(1LL << 40), 1LL << 40);
        slurp(argc == 4 ? argv[3] : NULL, &b);
        if (off < 0)
            off = (long long)b.len + off < 0 ? 0 : (long long)b.len + off;
        spew(b.p, (size_t)off < b.len ? (size_t)off : b.len);
    }
    if (!strcmp(cmd, "corrupt") && (argc == 4 || argc == 5))
        return corrupt(argv[2], estrtoll(argv[3], "REC", 0, INT64_MAX), argc == 5 ? argv[4] : "-");
    if (!strcmp(cmd, "offsets") && (argc == 2 || argc == 3))
        return offsets(argc == 3 ? argv[2] : NULL);
    eusage(usage_str, "bad command or arguments");
}
