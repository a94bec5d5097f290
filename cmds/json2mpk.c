/* json2mpk: JSON values (JSON Lines, or any whitespace-separated sequence such as
 * mpk2json --pretty output) -> msgpack record stream. The inverse of mpk2json.
 *
 * Each top-level JSON value becomes one record. In data records (objects without a "schema"
 * key), an array under a key of schemas/mol.md's typed arrays (mol_fields: z, pos, bonds ...)
 * becomes the typed ext object of that key's type (rec.h REC_*), with a range check; every other
 * array stays a msgpack array. Integers stay integers, numbers with a fraction or exponent become
 * float64. Header records ({"schema": ...}) pass through unchanged. Own parser (RFC 8259):
 * strings may hold any UTF-8; \uXXXX escapes (with surrogate pairs) are decoded to UTF-8.
 * Exit: 0 ok, 1 bad JSON or a value out of range (-k: skip that line, exit 1 at the end),
 * 2 usage, 3 I/O. */
#define _POSIX_C_SOURCE 200809L
#include "cli.h"
#include "mol.h"
#include "rec.h"
#include "util.h"

#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#define VERSION "1.0"
#define MAX_DEPTH 64
static const char *usage_line = "[-qkf] [--zstd[=LEVEL]] [FILE...]";

static void usage(FILE *fp)
{
    fprintf(fp,
            "usage: json2mpk %s\n"
            "Convert JSON Lines (e.g. mpk2json output) back into a msgpack record stream.\n"
            "  FILE             input(s); none or '-' = stdin\n",
            usage_line);
    cli_usage(fp, CLI_KEEP | CLI_FORCE | CLI_ZSTD, 17);
    fputs("Arrays under the typed keys of schemas/mol.md become typed ext objects.\n"
          "Exit status: 0 ok, 1 bad JSON or value out of range, 2 usage, 3 I/O error.\n",
          fp);
}

enum { J_NULL, J_FALSE, J_TRUE, J_INT, J_UINT, J_DBL, J_STR, J_ARR, J_OBJ };

struct jv {
    int t;
    union {
        int64_t i;
        uint64_t u;
        double d;
    } v;
    char *s; /* J_STR (s, slen); J_OBJ keys are J_STR values in kids[2k], values in kids[2k+1] */
    size_t slen;
    struct jv *kids;
    uint32_t n, cap; /* J_ARR: n values; J_OBJ: n key/value pairs (2n kids) */
};

struct jin {
    FILE *fp;
    const char *name;
    unsigned char buf[1 << 16];
    size_t pos, len;
    int eof;
    uint64_t line; /* 1-based current line */
    char err[256];
};

static int jpeek(struct jin *in)
{
    if (in->pos == in->len) {
        if (in->eof)
            return -1;
        in->len = fread(in->buf, 1, sizeof in->buf, in->fp);
        in->pos = 0;
        if (in->len == 0) {
            in->eof = ferror(in->fp) ? 2 : 1;
            return -1;
        }
    }
    return in->buf[in->pos];
}

static int jget(struct jin *in)
{
    int c = jpeek(in);
    if (c >= 0) {
        in->pos++;
        if (c == '\n')
            in->line++;
    }
    return c;
}

static int jfail(struct jin *in, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int jfail(struct jin *in, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(in->err, sizeof in->err, fmt, ap);
    va_end(ap);
    return -1;
}

static void skip_ws(struct jin *in)
{
    int c;
    while ((c = jpeek(in)) == ' ' || c == '\t' || c == '\r' || c == '\n')
        jget(in);
}

static void jv_free(struct jv *v)
{
    free(v->s);
    uint32_t nk = v->t == J_OBJ ? 2 * v->n : v->t == J_ARR ? v->n : 0;
    for (uint32_t i = 0; i < nk; i++)
        jv_free(&v->kids[i]);
    free(v->kids);
    memset(v, 0, sizeof *v);
}

static struct jv *jv_push(struct jv *v)
{
    uint32_t need = v->t == J_OBJ ? 2 * v->n + 2 : v->n + 1;
    if (need > v->cap) {
        v->cap = v->cap ? 2 * v->cap : 8;
        if (v->cap < need)
            v->cap = need;
        v->kids = erealloc(v->kids, emul(v->cap, sizeof *v->kids));
    }
    struct jv *k = &v->kids[v->t == J_OBJ ? 2 * v->n : v->n];
    memset(k, 0, (v->t == J_OBJ ? 2 : 1) * sizeof *k);
    return k;
}

static void put_utf8(struct buf *b, unsigned long cp)
{
    if (cp < 0x80) {
        buf_putc(b, (char)cp);
    } else if (cp < 0x800) {
        buf_putc(b, (char)(0xC0 | (cp >> 6)));
        buf_putc(b, (char)(0x80 | (cp & 0x3F)));
    } else if (cp < 0x10000) {
        buf_putc(b, (char)(0xE0 | (cp >> 12)));
        buf_putc(b, (char)(0x80 | ((cp >> 6) & 0x3F)));
        buf_putc(b, (char)(0x80 | (cp & 0x3F)));
    } else {
        buf_putc(b, (char)(0xF0 | (cp >> 18)));
        buf_putc(b, (char)(0x80 | ((cp >> 12) & 0x3F)));
        buf_putc(b, (char)(0x80 | ((cp >> 6) & 0x3F)));
        buf_putc(b, (char)(0x80 | (cp & 0x3F)));
    }
}

static long hex4(struct jin *in)
{
    long v = 0;
    for (int i = 0; i < 4; i++) {
        int c = jget(in);
        int d = c >= '0' && c <= '9'   ? c - '0'
                : c >= 'a' && c <= 'f' ? c - 'a' + 10
                : c >= 'A' && c <= 'F' ? c - 'A' + 10
                                       : -1;
        if (d < 0)
            return -1;
        v = v * 16 + d;
    }
    return v;
}

static int parse_str(struct jin *in, struct jv *v)
{
    struct buf b = {0};
    jget(in); /* opening quote */
    for (;;) {
        int c = jget(in);
        if (c < 0 || c == '\n') {
            buf_free(&b);
            return jfail(in, "unterminated string");
        }
        if (c == '"')
            break;
        if (c < 0x20) {
            buf_free(&b);
            return jfail(in, "control character in string");
        }
        if (c != '\\') {
            buf_putc(&b, (char)c);
            continue;
        }
        c = jget(in);
        switch (c) {
        case '"':
        case '\\':
        case '/':
            buf_putc(&b, (char)c);
            break;
        case 'b':
            buf_putc(&b, '\b');
            break;
        case 'f':
            buf_putc(&b, '\f');
            break;
        case 'n':
            buf_putc(&b, '\n');
            break;
        case 'r':
            buf_putc(&b, '\r');
            break;
        case 't':
            buf_putc(&b, '\t');
            break;
        case 'u': {
            long cp = hex4(in);
            if (cp >= 0xD800 && cp < 0xDC00) { /* high surrogate: expect \uDC00..DFFF */
                long lo = jget(in) == '\\' && jget(in) == 'u' ? hex4(in) : -1;
                if (lo < 0xDC00 || lo > 0xDFFF)
                    cp = -1;
                else
                    cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
            } else if (cp >= 0xDC00 && cp < 0xE000) {
                cp = -1;
            }
            if (cp < 0) {
                buf_free(&b);
                return jfail(in, "bad \\u escape in string");
            }
            put_utf8(&b, (unsigned long)cp);
            break;
        }
        default:
            buf_free(&b);
            return jfail(in, "bad escape in string");
        }
    }
    v->t = J_STR;
    v->slen = b.len;
    v->s = b.p ? b.p : estrdup("");
    return 0;
}

static int parse_num(struct jin *in, struct jv *v)
{
    char t[80];
    size_t n = 0;
    int c, isf = 0;
    while ((c = jpeek(in)) >= 0 && (strchr("+-.eE", c) || (c >= '0' && c <= '9')) && c != 0) {
        if (n + 1 >= sizeof t)
            return jfail(in, "number too long");
        t[n++] = (char)jget(in);
        isf |= c == '.' || c == 'e' || c == 'E';
    }
    t[n] = 0;
    /* JSON grammar: -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)? */
    const char *p = t;
    p += *p == '-';
    if (*p == '0')
        p++;
    else if (*p >= '1' && *p <= '9')
        while (*p >= '0' && *p <= '9')
            p++;
    else
        return jfail(in, "bad number '%s'", t);
    if (*p == '.') {
        p++;
        if (!(*p >= '0' && *p <= '9'))
            return jfail(in, "bad number '%s'", t);
        while (*p >= '0' && *p <= '9')
            p++;
    }
    if (*p == 'e' || *p == 'E') {
        p++;
        p += *p == '+' || *p == '-';
        if (!(*p >= '0' && *p <= '9'))
            return jfail(in, "bad number '%s'", t);
        while (*p >= '0' && *p <= '9')
            p++;
    }
    if (*p)
        return jfail(in, "bad number '%s'", t);
    errno = 0;
    if (!isf && t[0] == '-') {
        long long x = strtoll(t, NULL, 10);
        if (!errno && x != 0) { /* "-0" is the float -0.0 (mpk2json prints it so) */
            v->t = J_INT;
            v->v.i = x;
            return 0;
        }
    } else if (!isf) {
        unsigned long long x = strtoull(t, NULL, 10);
        if (!errno) {
            v->t = J_UINT;
            v->v.u = x;
            return 0;
        }
    }
    v->t = J_DBL;
    v->v.d = strtod(t, NULL);
    if (!isfinite(v->v.d)) /* 1e999: JSON has no Inf, do not invent one */
        return jfail(in, "number '%s' out of range", t);
    return 0;
}

static int parse_value(struct jin *in, struct jv *v, int depth)
{
    skip_ws(in);
    int c = jpeek(in);
    if (depth > MAX_DEPTH)
        return jfail(in, "nesting deeper than %d", MAX_DEPTH);
    if (c == '"')
        return parse_str(in, v);
    if (c == '-' || (c >= '0' && c <= '9'))
        return parse_num(in, v);
    if (c == '[' || c == '{') {
        int obj = c == '{';
        v->t = obj ? J_OBJ : J_ARR;
        jget(in);
        skip_ws(in);
        if (jpeek(in) == (obj ? '}' : ']')) {
            jget(in);
            return 0;
        }
        for (;;) {
            struct jv *k = jv_push(v);
            if (obj) {
                skip_ws(in);
                if (jpeek(in) != '"')
                    return jfail(in, "expected a string key");
                if (parse_str(in, k))
                    return -1;
                v->n++; /* count the pair now so jv_free releases the key on error */
                skip_ws(in);
                if (jget(in) != ':')
                    return jfail(in, "expected ':'");
                if (parse_value(in, k + 1, depth + 1))
                    return -1;
            } else {
                v->n++;
                if (parse_value(in, k, depth + 1))
                    return -1;
            }
            skip_ws(in);
            c = jget(in);
            if (c == ',')
                continue;
            if (c == (obj ? '}' : ']'))
                return 0;
            return jfail(in, "expected ',' or '%c'", obj ? '}' : ']');
        }
    }
    const char *lit = c == 't' ? "true" : c == 'f' ? "false" : c == 'n' ? "null" : NULL;
    if (!lit)
        return c < 0 ? jfail(in, "unexpected end of input")
                     : jfail(in, "unexpected character '%c'", c);
    for (const char *p = lit; *p; p++)
        if (jget(in) != *p)
            return jfail(in, "bad literal (expected '%s')", lit);
    v->t = c == 't' ? J_TRUE : c == 'f' ? J_FALSE : J_NULL;
    return 0;
}

static int jv_num(const struct jv *v, double *d)
{
    switch (v->t) {
    case J_INT:
        *d = (double)v->v.i;
        return 0;
    case J_UINT:
        *d = (double)v->v.u;
        return 0;
    case J_DBL:
        *d = v->v.d;
        return 0;
    }
    return -1;
}

static void pack_value(msgpack_packer *pk, const struct jv *v)
{
    switch (v->t) {
    case J_NULL:
        msgpack_pack_nil(pk);
        break;
    case J_FALSE:
        msgpack_pack_false(pk);
        break;
    case J_TRUE:
        msgpack_pack_true(pk);
        break;
    case J_INT:
        msgpack_pack_int64(pk, v->v.i);
        break;
    case J_UINT:
        msgpack_pack_uint64(pk, v->v.u);
        break;
    case J_DBL:
        msgpack_pack_double(pk, v->v.d);
        break;
    case J_STR:
        msgpack_pack_str(pk, v->slen);
        msgpack_pack_str_body(pk, v->s, v->slen);
        break;
    case J_ARR:
        msgpack_pack_array(pk, v->n);
        for (uint32_t i = 0; i < v->n; i++)
            pack_value(pk, &v->kids[i]);
        break;
    case J_OBJ:
        msgpack_pack_map(pk, v->n);
        for (uint32_t i = 0; i < 2 * v->n; i++)
            pack_value(pk, &v->kids[i]);
        break;
    }
}

/* Store x as one element of a REC_ type at p; -1 if out of range. */
static int store(unsigned char *p, int type, double x)
{
    static const double lo[] = {0, INT8_MIN, 0, INT16_MIN, 0, INT32_MIN};
    static const double hi[] = {UINT8_MAX, INT8_MAX, UINT16_MAX, INT16_MAX, UINT32_MAX, INT32_MAX};
    if (type == REC_F32) {
        float f = (float)x;
        memcpy(p, &f, 4);
        return 0;
    }
    if (type == REC_F64) {
        memcpy(p, &x, 8);
        return 0;
    }
    int k = type - REC_U8;
    if (x < lo[k] || x > hi[k])
        return -1;
    union {
        uint8_t u8;
        int8_t i8;
        uint16_t u16;
        int16_t i16;
        uint32_t u32;
        int32_t i32;
    } u;
    switch (type) {
    case REC_U8:
        u.u8 = (uint8_t)x;
        break;
    case REC_I8:
        u.i8 = (int8_t)x;
        break;
    case REC_U16:
        u.u16 = (uint16_t)x;
        break;
    case REC_I16:
        u.i16 = (int16_t)x;
        break;
    case REC_U32:
        u.u32 = (uint32_t)x;
        break;
    default:
        u.i32 = (int32_t)x;
        break;
    }
    memcpy(p, &u, rec_type_size(type));
    return 0;
}

/* Pack an array as a typed ext of the given REC_ type; -1 with *bad = element index if an
 * element is not a number or out of the type's range. */
static int pack_typed(msgpack_packer *pk, int type, const struct jv *a, uint32_t *bad)
{
    size_t es = rec_type_size(type);
    unsigned char *d = emalloc(emul(a->n ? a->n : 1, es));
    double x;
    for (uint32_t i = 0; i < a->n; i++) {
        int ok = !jv_num(&a->kids[i], &x);
        if (ok && type != REC_F32 && type != REC_F64)
            ok = x == floor(x) && isfinite(x);
        if (ok)
            ok = !store(d + i * es, type, x);
        if (!ok) {
            *bad = i;
            free(d);
            return -1;
        }
    }
    mp_pack_arr(pk, type, d, a->n);
    free(d);
    return 0;
}

/* Pack one top-level value; typed conversion in data records. Returns 0 (data record), 1 (header
 * record or a non-object value, packed as is), or -1 with in->err on a bad value. */
static int pack_record(struct jin *in, msgpack_packer *pk, const struct jv *v)
{
    int header = 0;
    if (v->t == J_OBJ)
        for (uint32_t i = 0; i < v->n; i++)
            header |= v->kids[2 * i].slen == 6 && !memcmp(v->kids[2 * i].s, "schema", 6);
    if (v->t != J_OBJ || header) {
        pack_value(pk, v);
        return 1;
    }
    msgpack_pack_map(pk, v->n);
    for (uint32_t i = 0; i < v->n; i++) {
        const struct jv *k = &v->kids[2 * i], *x = &v->kids[2 * i + 1];
        pack_value(pk, k);
        int f = strlen(k->s) == k->slen ? mol_field_by_key(k->s) : -1;
        if (f < 0 || x->t != J_ARR) {
            pack_value(pk, x);
            continue;
        }
        uint32_t bad;
        if (pack_typed(pk, mol_fields[f].type, x, &bad))
            return jfail(in, "'%s' element %u is not a %s value", k->s, bad,
                         rec_type_name(mol_fields[f].type));
    }
    return 0;
}

int main(int argc, char **argv)
{
    static const struct option lopts[] = {CLI_LONG_BASE, CLI_LONG_KEEP, CLI_LONG_FORCE,
                                          CLI_LONG_ZSTD, {0, 0, 0, 0}};
    struct cli co = CLI_INIT(usage_line);
    int opt, ret = EXIT_OK;
    util_set_argv0(argv[0]);
    opterr = 0;
    while ((opt = getopt_long(argc, argv, CLI_SHORT_BASE "kf", lopts, NULL)) != -1)
        cli_common(&co, opt, argc, argv, usage, VERSION);
    util_check_stdout_binary(co.force);
    struct rec_writer w;
    if (rec_writer_open(&w, NULL, co.zstd))
        return EXIT_IO;
    const char *stdin_only[] = {"-"};
    const char **files = optind < argc ? (const char **)argv + optind : stdin_only;
    int nfiles = optind < argc ? argc - optind : 1;
    uint64_t nin = 0, nbad = 0;
    struct jin *in = emalloc(sizeof *in);
    for (int f = 0; f < nfiles && ret != EXIT_IO && !(ret && !co.keep); f++) {
        memset(in, 0, sizeof *in);
        in->line = 1;
        if (!strcmp(files[f], "-")) {
            in->fp = stdin;
            in->name = "<stdin>";
        } else if (!(in->fp = fopen(files[f], "rb"))) {
            weprintf("%s: cannot open:", files[f]);
            ret = EXIT_IO;
            break;
        } else {
            in->name = files[f];
        }
        for (;;) {
            skip_ws(in);
            if (jpeek(in) < 0)
                break;
            uint64_t line = in->line;
            struct jv v = {0};
            int bad = parse_value(in, &v, 0);
            if (!bad) { /* a value must end its line or be followed by whitespace */
                int c = jpeek(in);
                if (c >= 0 && c != ' ' && c != '\t' && c != '\r' && c != '\n')
                    bad = jfail(in, "trailing characters after a value");
            }
            int hdr = 0;
            if (!bad && (bad = pack_record(in, rec_begin(&w), &v)) == 1)
                hdr = 1, bad = 0;
            jv_free(&v);
            if (in->eof == 2)
                break;
            if (hdr) { /* headers are not counted as records */
                if (rec_end(&w)) {
                    ret = EXIT_IO;
                    break;
                }
                continue;
            }
            nin++;
            if (bad) {
                weprintf("%s: line %llu: record %llu: %s", in->name, (unsigned long long)line,
                         (unsigned long long)(nin - 1), in->err);
                nbad++;
                ret = EXIT_DATA;
                if (!co.keep)
                    break;
                int c;
                while ((c = jget(in)) >= 0 && c != '\n') /* resync at the next line */
                    ;
                continue;
            }
            if (rec_end(&w)) {
                ret = EXIT_IO;
                break;
            }
        }
        if (in->eof == 2) {
            weprintf("%s: read error:", in->name);
            ret = EXIT_IO;
        }
        if (in->fp != stdin)
            fclose(in->fp);
    }
    free(in);
    int rc = rec_writer_close(&w);
    if (rc)
        ret = EXIT_IO;
    if (verbosity > 1 || (nbad && verbosity > 0))
        weprintf("read %llu, written %llu, rejected %llu", (unsigned long long)nin,
                 (unsigned long long)(nin - nbad), (unsigned long long)nbad);
    return ret;
}
