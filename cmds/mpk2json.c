/* mpk2json: msgpack record stream -> JSON Lines (one JSON value per record).
 *
 * Input: any moleblend stream (plain msgpack or zstd frames, concatenations of both); header
 * records pass through unless --no-header. Typed-array ext objects (rec.h REC_*) become plain
 * JSON arrays: float32 printed with the shortest of %.6g..%.9g and float64 with the shortest of
 * %.15g..%.17g that reads back to the same value, so json2mpk restores them bit for bit. Float
 * scalars always carry a '.' or exponent so they stay floats. NaN/Inf (never valid in our records)
 * print as null with a warning. Strings: UTF-8 passed through, '"', '\\' and control characters
 * escaped (RFC 8259). See schemas/README.md "JSON mapping". Exit: 0 ok, 1 malformed/truncated
 * input, 2 usage, 3 I/O. */
#define _POSIX_C_SOURCE 200809L
#include "cli.h"
#include "ingest.h"
#include "rec.h"
#include "util.h"

#include <getopt.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#define VERSION "1.0"
static const char *usage_line = "[-q] [--pretty] [--no-header] [FILE...]";

static void usage(FILE *fp)
{
    fprintf(fp,
            "usage: mpk2json %s\n"
            "Print a msgpack record stream as JSON Lines on stdout (one record per line).\n"
            "  FILE           input stream(s), plain or zstd; none or '-' = stdin\n"
            "  --pretty       indent objects (arrays of numbers stay on one line)\n"
            "  --no-header    drop header records ({\"schema\": ...})\n",
            usage_line);
    cli_usage(fp, 0, 15);
    fputs("Typed arrays (ext 0x10..0x17) print as JSON arrays; json2mpk restores their types\n"
          "for the keys of schemas/mol.md. NaN/Inf print as null (a warning; -q: none).\n"
          "Exit status: 0 ok, 1 malformed or truncated input, 2 usage, 3 I/O error.\n",
          fp);
}

struct ctx {
    struct buf out;
    int pretty;
    uint64_t nonfinite; /* NaN/Inf values printed as null */
    uint64_t oddext;    /* non-typed ext/bin objects printed as byte arrays */
};

static void put_str(struct buf *b, const char *s, size_t n)
{
    static const char hex[] = "0123456789abcdef";
    buf_reserve(b, n + 2);
    buf_putc(b, '"');
    size_t start = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c >= 0x20 && c != '"' && c != '\\')
            continue;
        buf_append(b, s + start, i - start);
        start = i + 1;
        switch (c) {
        case '"':
            buf_append(b, "\\\"", 2);
            break;
        case '\\':
            buf_append(b, "\\\\", 2);
            break;
        case '\n':
            buf_append(b, "\\n", 2);
            break;
        case '\t':
            buf_append(b, "\\t", 2);
            break;
        case '\r':
            buf_append(b, "\\r", 2);
            break;
        case '\b':
            buf_append(b, "\\b", 2);
            break;
        case '\f':
            buf_append(b, "\\f", 2);
            break;
        default: {
            char u[6] = {'\\', 'u', '0', '0', hex[c >> 4], hex[c & 15]};
            buf_append(b, u, 6);
        }
        }
    }
    if (n > start) /* an empty str may have s == NULL: no pointer arithmetic on it */
        buf_append(b, s + start, n - start);
    buf_putc(b, '"');
}

/* A finite double: %.17g (f64) or %.9g (f32) round-trips exactly; force_float appends ".0"
 * to integral-looking output so the value reads back as a float. */
static void put_num(struct ctx *c, double v, int f32, int force_float)
{
    if (!isfinite(v)) {
        c->nonfinite++;
        buf_append(&c->out, "null", 4);
        return;
    }
    /* shortest of %.6g..%.9g (f32) / %.15g..%.17g (f64) that reads back to the same value */
    char t[40];
    int n = 0;
    for (int prec = f32 ? 6 : 15; prec <= (f32 ? 9 : 17); prec++) {
        n = snprintf(t, sizeof t, "%.*g", prec, v);
        double back = strtod(t, NULL);
        if (f32 ? (float)back == (float)v : back == v)
            break;
    }
    buf_append(&c->out, t, (size_t)n);
    if (force_float && !strpbrk(t, ".eEn"))
        buf_append(&c->out, ".0", 2);
}

static void indent(struct ctx *c, int depth)
{
    buf_putc(&c->out, '\n');
    for (int i = 0; i < depth; i++)
        buf_append(&c->out, "  ", 2);
}

static void put_ext(struct ctx *c, int type, const char *p, size_t size)
{
    size_t es = rec_type_size(type);
    if (!es || size % es) { /* not a typed array: raw bytes */
        c->oddext++;
        es = 1;
        type = REC_U8;
    }
    size_t n = size / es;
    char t[32];
    buf_putc(&c->out, '[');
    for (size_t i = 0; i < n; i++) {
        if (i)
            buf_putc(&c->out, ',');
        int k = 0;
        switch (type) {
        case REC_U8:
            k = snprintf(t, sizeof t, "%u", (unsigned)((const uint8_t *)p)[i]);
            break;
        case REC_I8:
            k = snprintf(t, sizeof t, "%d", (int)((const int8_t *)p)[i]);
            break;
        case REC_U16: {
            uint16_t v;
            memcpy(&v, p + 2 * i, 2);
            k = snprintf(t, sizeof t, "%u", (unsigned)v);
            break;
        }
        case REC_I16: {
            int16_t v;
            memcpy(&v, p + 2 * i, 2);
            k = snprintf(t, sizeof t, "%d", (int)v);
            break;
        }
        case REC_U32: {
            uint32_t v;
            memcpy(&v, p + 4 * i, 4);
            k = snprintf(t, sizeof t, "%lu", (unsigned long)v);
            break;
        }
        case REC_I32: {
            int32_t v;
            memcpy(&v, p + 4 * i, 4);
            k = snprintf(t, sizeof t, "%ld", (long)v);
            break;
        }
        case REC_F32: {
            float v;
            memcpy(&v, p + 4 * i, 4);
            put_num(c, v, 1, 0);
            break;
        }
        case REC_F64: {
            double v;
            memcpy(&v, p + 8 * i, 8);
            put_num(c, v, 0, 0);
            break;
        }
        }
        if (k > 0)
            buf_append(&c->out, t, (size_t)k);
    }
    buf_putc(&c->out, ']');
}

static int is_scalar(const msgpack_object *o)
{
    return o->type != MSGPACK_OBJECT_ARRAY && o->type != MSGPACK_OBJECT_MAP;
}

static void put_obj(struct ctx *c, const msgpack_object *o, int depth)
{
    char t[32];
    int k;
    switch (o->type) {
    case MSGPACK_OBJECT_NIL:
        buf_append(&c->out, "null", 4);
        break;
    case MSGPACK_OBJECT_BOOLEAN:
        if (o->via.boolean)
            buf_append(&c->out, "true", 4);
        else
            buf_append(&c->out, "false", 5);
        break;
    case MSGPACK_OBJECT_POSITIVE_INTEGER:
        k = snprintf(t, sizeof t, "%llu", (unsigned long long)o->via.u64);
        buf_append(&c->out, t, (size_t)k);
        break;
    case MSGPACK_OBJECT_NEGATIVE_INTEGER:
        k = snprintf(t, sizeof t, "%lld", (long long)o->via.i64);
        buf_append(&c->out, t, (size_t)k);
        break;
    case MSGPACK_OBJECT_FLOAT32:
        put_num(c, o->via.f64, 1, 1);
        break;
    case MSGPACK_OBJECT_FLOAT64:
        put_num(c, o->via.f64, 0, 1);
        break;
    case MSGPACK_OBJECT_STR:
        put_str(&c->out, o->via.str.ptr, o->via.str.size);
        break;
    case MSGPACK_OBJECT_BIN:
        put_ext(c, -1, o->via.bin.ptr, o->via.bin.size);
        break;
    case MSGPACK_OBJECT_EXT:
        put_ext(c, o->via.ext.type, o->via.ext.ptr, o->via.ext.size);
        break;
    case MSGPACK_OBJECT_ARRAY: {
        int flat = 1;
        for (uint32_t i = 0; i < o->via.array.size && flat; i++)
            flat = is_scalar(&o->via.array.ptr[i]);
        buf_putc(&c->out, '[');
        for (uint32_t i = 0; i < o->via.array.size; i++) {
            if (i)
                buf_putc(&c->out, ',');
            if (c->pretty && !flat)
                indent(c, depth + 1);
            put_obj(c, &o->via.array.ptr[i], depth + 1);
        }
        if (c->pretty && !flat && o->via.array.size)
            indent(c, depth);
        buf_putc(&c->out, ']');
        break;
    }
    case MSGPACK_OBJECT_MAP:
        buf_putc(&c->out, '{');
        for (uint32_t i = 0; i < o->via.map.size; i++) {
            const msgpack_object *key = &o->via.map.ptr[i].key;
            if (i)
                buf_putc(&c->out, ',');
            if (c->pretty)
                indent(c, depth + 1);
            if (key->type == MSGPACK_OBJECT_STR) {
                put_str(&c->out, key->via.str.ptr, key->via.str.size);
            } else { /* JSON keys are strings: print the key's JSON text as a string */
                struct ctx kc = {{0}, 0, 0, 0};
                put_obj(&kc, key, 0);
                put_str(&c->out, kc.out.p, kc.out.len);
                c->nonfinite += kc.nonfinite;
                buf_free(&kc.out);
            }
            buf_append(&c->out, c->pretty ? ": " : ":", c->pretty ? 2 : 1);
            put_obj(c, &o->via.map.ptr[i].val, depth + 1);
        }
        if (c->pretty && o->via.map.size)
            indent(c, depth);
        buf_putc(&c->out, '}');
        break;
    }
}

int main(int argc, char **argv)
{
    static const struct option lopts[] = {{"pretty", no_argument, 0, 'P'},
                                          {"no-header", no_argument, 0, 'H'},
                                          CLI_LONG_BASE,
                                          {0, 0, 0, 0}};
    struct ctx c = {{0}, 0, 0, 0};
    struct cli co = CLI_INIT(usage_line);
    int no_header = 0, ret = EXIT_OK, opt;
    util_set_argv0(argv[0]);
    opterr = 0;
    while ((opt = getopt_long(argc, argv, CLI_SHORT_BASE, lopts, NULL)) != -1) {
        switch (opt) {
        case 'P':
            c.pretty = 1;
            break;
        case 'H':
            no_header = 1;
            break;
        default:
            cli_common(&co, opt, argc, argv, usage, VERSION);
        }
    }
    const char *stdin_only[] = {"-"};
    char **files = optind < argc ? argv + optind : (char **)stdin_only;
    int nfiles = optind < argc ? argc - optind : 1;
    uint64_t nrec = 0;
    for (int f = 0; f < nfiles && ret == EXIT_OK; f++) {
        struct rec_reader r;
        if (rec_reader_open(&r, files[f], 0)) {
            ret = EXIT_IO;
            break;
        }
        r.raw = 1;
        msgpack_object *o;
        int s;
        while ((s = rec_read_next(&r, &o)) == 1) {
            int hdr = r.is_header;
            if (hdr && no_header)
                continue;
            c.out.len = 0;
            put_obj(&c, o, 0);
            buf_putc(&c.out, '\n');
            if (fwrite(c.out.p, 1, c.out.len, stdout) != c.out.len) {
                weprintf("<stdout>: write error:");
                ret = EXIT_IO;
                break;
            }
            nrec += !hdr;
        }
        if (s < 0)
            ret = rec_reader_io_error(&r) ? EXIT_IO : EXIT_DATA;
        rec_reader_close(&r);
    }
    if (c.nonfinite && verbosity > 0)
        weprintf("warning: %llu NaN/Inf value(s) printed as null", (unsigned long long)c.nonfinite);
    if (c.oddext && verbosity > 0)
        weprintf("warning: %llu non-typed ext/bin object(s) printed as byte arrays",
                 (unsigned long long)c.oddext);
    if (verbosity > 1)
        weprintf("%llu records", (unsigned long long)nrec);
    buf_free(&c.out);
    int r2 = fshut(stdout, "<stdout>");
    return ret ? ret : r2;
}
