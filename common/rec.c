/* rec.c: msgpack record streams (see rec.h) */
#define _POSIX_C_SOURCE 200809L
#include "rec.h"
#include "util.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

_Static_assert(__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__, "typed arrays assume a little-endian host");

static const unsigned char zstd_magic[4] = {0x28, 0xb5, 0x2f, 0xfd};

size_t rec_type_size(int type)
{
    switch (type) {
    case REC_U8: case REC_I8: return 1;
    case REC_U16: case REC_I16: return 2;
    case REC_U32: case REC_I32: case REC_F32: return 4;
    case REC_F64: return 8;
    }
    return 0;
}

static const char *const type_names[] = {"u8", "i8", "u16", "i16", "u32", "i32", "f32", "f64"};

const char *rec_type_name(int type)
{
    return rec_type_size(type) ? type_names[type - REC_U8] : NULL;
}

int rec_type_from_name(const char *name)
{
    for (int i = 0; i < 8; i++)
        if (!strcmp(name, type_names[i]))
            return REC_U8 + i;
    return -1;
}

/* ------------------------------------------------------------------ reader */

int rec_reader_open(struct rec_reader *r, const char *path, size_t max_bytes)
{
    memset(r, 0, sizeof *r);
    r->max_bytes = max_bytes ? max_bytes : REC_MAX_BYTES_DEFAULT;
    if (!path || !strcmp(path, "-")) {
        r->fp = stdin;
        r->name = "<stdin>";
    } else {
        r->fp = fopen(path, "rb");
        r->name = path;
        if (!r->fp) {
            weprintf("%s: cannot open:", path);
            return -1;
        }
        r->own_fp = 1;
    }
    msgpack_unpacked_init(&r->res);
    r->icap = 1 << 17;
    r->ibuf = emalloc(r->icap);
    r->version = -1;
    return 0;
}

void rec_reader_close(struct rec_reader *r)
{
    if (!r->ibuf)
        return;
    msgpack_unpacked_destroy(&r->res);
    free(r->dbuf);
    if (r->zd)
        ZSTD_freeDCtx(r->zd);
    free(r->ibuf);
    if (r->own_fp && r->fp)
        fclose(r->fp);
    memset(r, 0, sizeof *r);
}

int rec_reader_io_error(const struct rec_reader *r)
{
    return r->eof == 2;
}

static int rd_error(struct rec_reader *r, const char *what)
{
    werecord(r->name, r->index, NULL, "%s", what);
    return -1;
}

/* Room for n more decoded bytes at dbuf + dlen (compacting consumed bytes first). */
static unsigned char *rd_reserve(struct rec_reader *r, size_t n)
{
    if (r->dpos && (r->dpos > r->dcap / 2 || r->dlen + n > r->dcap)) {
        memmove(r->dbuf, r->dbuf + r->dpos, r->dlen - r->dpos);
        r->dlen -= r->dpos;
        r->dpos = 0;
    }
    if (r->dlen + n > r->dcap) {
        size_t cap = r->dcap ? r->dcap : 1 << 16;
        while (cap < r->dlen + n)
            cap = emul(cap, 2);
        r->dbuf = erealloc(r->dbuf, cap);
        r->dcap = cap;
    }
    return r->dbuf + r->dlen;
}

/* Move more input into dbuf. Returns bytes added (may be 0 while a zstd frame is being
 * decoded), -1 at end of input, -2 on error (reported). A zstd frame may start wherever no
 * record is pending: plain bytes are fed only up to the next possible frame magic. */
static long rd_fill(struct rec_reader *r)
{
    if (r->ipos == r->ilen || (r->ilen - r->ipos < 4 && !r->eof)) {
        size_t keep = r->ilen - r->ipos;
        memmove(r->ibuf, r->ibuf + r->ipos, keep);
        r->ilen = keep;
        r->ipos = 0;
        while (!r->eof && r->ilen < 4) {
            size_t got = fread(r->ibuf + r->ilen, 1, r->icap - r->ilen, r->fp);
            if (got == 0) {
                if (ferror(r->fp)) {
                    weprintf("%s: read error:", r->name);
                    r->eof = 2;
                    return -2;
                }
                r->eof = 1;
            }
            r->ilen += got;
        }
        if (r->ipos == r->ilen) {
            if (r->in_zstd) {
                rd_error(r, "truncated zstd frame");
                return -2;
            }
            return -1;
        }
    }
    const unsigned char *p = r->ibuf + r->ipos;
    size_t avail = r->ilen - r->ipos;
    if (!r->in_zstd && avail >= 4 && !memcmp(p, zstd_magic, 4) && r->dlen == r->dpos) {
        if (!r->zd && !(r->zd = ZSTD_createDCtx()))
            enprintf(EXIT_IO, "out of memory");
        ZSTD_DCtx_reset(r->zd, ZSTD_reset_session_only);
        r->in_zstd = 1;
    }
    if (r->in_zstd) {
        size_t cap = ZSTD_DStreamOutSize();
        ZSTD_outBuffer out = {rd_reserve(r, cap), cap, 0};
        ZSTD_inBuffer in = {p, avail, 0};
        size_t ret = ZSTD_decompressStream(r->zd, &out, &in);
        if (ZSTD_isError(ret)) {
            char msg[160];
            snprintf(msg, sizeof msg, "zstd: %s", ZSTD_getErrorName(ret));
            rd_error(r, msg);
            return -2;
        }
        r->ipos += in.pos;
        r->dlen += out.pos;
        if (ret == 0) /* frame complete: more frames or plain msgpack may follow */
            r->in_zstd = 0;
        return (long)out.pos;
    }
    /* plain: up to the next possible frame start (keep 3 bytes that may begin a magic) */
    size_t n = r->eof ? avail : avail - 3;
    for (const unsigned char *q = p + 1; q + 4 <= p + avail; q++) {
        q = memchr(q, zstd_magic[0], (size_t)(p + avail - 3 - q));
        if (!q)
            break;
        if (!memcmp(q, zstd_magic, 4)) {
            n = (size_t)(q - p);
            break;
        }
    }
    memcpy(rd_reserve(r, n), p, n);
    r->dlen += n;
    r->ipos += n;
    return (long)n;
}

enum { WALK_DONE = 0, WALK_MORE = 1, WALK_BAD = -1, WALK_DEEP = -2 };
#define WALK_MAX_DEPTH 31 /* msgpack-c's unpacker stack holds 32 levels */

static uint64_t be(const unsigned char *p, int n)
{
    uint64_t v = 0;
    for (int i = 0; i < n; i++)
        v = v << 8 | p[i];
    return v;
}

/* Walk the msgpack object at dbuf + dpos without allocating: on WALK_DONE r->wpos is its
 * size. Resumable: WALK_MORE keeps the state for the next call with more bytes. */
static int rd_walk(struct rec_reader *r)
{
    const unsigned char *p = r->dbuf + r->dpos;
    size_t n = r->dlen - r->dpos;
    for (;;) {
        size_t at = r->wpos;
        if (at >= n)
            return WALK_MORE;
        unsigned c = p[at];
        uint64_t size = 1, kids = 0; /* header+payload bytes, children */
        int hb = 0;                  /* bytes of a length field to read */
        if (c <= 0x7f || c >= 0xe0 || c == 0xc0 || c == 0xc2 || c == 0xc3)
            size = 1;
        else if (c >= 0x80 && c <= 0x8f)
            kids = 2 * (uint64_t)(c & 0x0f);
        else if (c >= 0x90 && c <= 0x9f)
            kids = c & 0x0f;
        else if (c >= 0xa0 && c <= 0xbf)
            size = 1 + (c & 0x1f);
        else
            switch (c) {
            case 0xc4: case 0xd9: hb = 1; break;     /* bin8, str8 */
            case 0xc5: case 0xda: hb = 2; break;     /* bin16, str16 */
            case 0xc6: case 0xdb: hb = 4; break;     /* bin32, str32 */
            case 0xc7: hb = 1; size = 1; break;      /* ext8: + type byte below */
            case 0xc8: hb = 2; size = 1; break;
            case 0xc9: hb = 4; size = 1; break;
            case 0xca: size = 5; break;
            case 0xcb: size = 9; break;
            case 0xcc: case 0xd0: size = 2; break;
            case 0xcd: case 0xd1: size = 3; break;
            case 0xce: case 0xd2: size = 5; break;
            case 0xcf: case 0xd3: size = 9; break;
            case 0xd4: size = 3; break;
            case 0xd5: size = 4; break;
            case 0xd6: size = 6; break;
            case 0xd7: size = 10; break;
            case 0xd8: size = 18; break;
            case 0xdc: case 0xde: hb = 2; break;     /* array16, map16 */
            case 0xdd: case 0xdf: hb = 4; break;     /* array32, map32 */
            default: return WALK_BAD;                /* 0xc1 */
            }
        if (hb) {
            if (at + 1 + (size_t)hb > n)
                return WALK_MORE;
            uint64_t len = be(p + at + 1, hb);
            if (c == 0xdc || c == 0xdd)
                kids = len, size = 1 + (uint64_t)hb;
            else if (c == 0xde || c == 0xdf)
                kids = 2 * len, size = 1 + (uint64_t)hb;
            else if (c >= 0xc7 && c <= 0xc9)
                size = 1 + (uint64_t)hb + 1 + len;   /* ext: type byte + data */
            else
                size = 1 + (uint64_t)hb + len;
        }
        if (kids > r->max_bytes || size > r->max_bytes)
            return WALK_BAD; /* every child takes >= 1 byte: cannot fit the record bound */
        if (at + size > n)
            return WALK_MORE;
        r->wpos = at + (size_t)size;
        if (kids) {
            if (r->wdepth >= WALK_MAX_DEPTH)
                return WALK_DEEP;
            r->wleft[r->wdepth++] = kids;
            continue;
        }
        /* a scalar or empty container completes: close finished containers */
        while (r->wdepth > 0 && --r->wleft[r->wdepth - 1] == 0)
            r->wdepth--;
        if (r->wdepth == 0)
            return WALK_DONE;
    }
}

static int rd_header(struct rec_reader *r, const msgpack_object *o)
{
    const msgpack_object *s = mp_map_get(o, "schema"), *v = mp_map_get(o, "version");
    double ver = -1;
    if (s->type != MSGPACK_OBJECT_STR || s->via.str.size >= sizeof r->schema)
        return rd_error(r, "header: schema is not a short string");
    if (!v || mp_get_num(v, &ver))
        return rd_error(r, "header: version missing");
    memcpy(r->schema, s->via.str.ptr, s->via.str.size);
    r->schema[s->via.str.size] = 0;
    r->version = (int)ver;
    r->nheaders++;
    if (r->want_schema && strcmp(r->schema, r->want_schema)) {
        char msg[256];
        snprintf(msg, sizeof msg, "stream schema is '%s', expected '%s'", r->schema, r->want_schema);
        return rd_error(r, msg);
    }
    if (r->want_version && r->version > r->want_version) {
        char msg[256];
        snprintf(msg, sizeof msg, "stream schema version %d is newer than this tool's %d", r->version,
                 r->want_version);
        return rd_error(r, msg);
    }
    return 0;
}

int rec_read_next(struct rec_reader *r, msgpack_object **obj)
{
    for (;;) {
        int w = r->dpos < r->dlen ? rd_walk(r) : WALK_MORE;
        if (w == WALK_BAD)
            return rd_error(r, "malformed msgpack (bad type byte, or a container or string "
                               "larger than the record size bound)");
        if (w == WALK_DEEP)
            return rd_error(r, "msgpack nesting deeper than 31 levels");
        if (w == WALK_DONE) {
            size_t size = r->wpos, off = 0;
            const char *data = (const char *)r->dbuf + r->dpos;
            r->dpos += size;
            r->wpos = 0;
            r->wdepth = 0;
            msgpack_unpack_return ret = msgpack_unpack_next(&r->res, data, size, &off);
            if (ret == MSGPACK_UNPACK_NOMEM_ERROR)
                enprintf(EXIT_IO, "out of memory");
            if (ret != MSGPACK_UNPACK_SUCCESS || off != size)
                return rd_error(r, "malformed msgpack");
            msgpack_object *o = &r->res.data;
            r->is_header = 0;
            if (o->type != MSGPACK_OBJECT_MAP) {
                if (r->raw) { /* inspection tools show whatever is there */
                    r->index++;
                    *obj = o;
                    return 1;
                }
                return rd_error(r, "not a msgpack map (is this a moleblend stream?)");
            }
            if (mp_map_get(o, "schema")) {
                if (rd_header(r, o))
                    return -1;
                if (!r->raw)
                    continue;
                r->is_header = 1;
                *obj = o;
                return 1;
            }
            r->index++;
            *obj = o;
            return 1;
        }
        /* WALK_MORE */
        if (r->dlen - r->dpos > r->max_bytes) {
            char msg[128];
            snprintf(msg, sizeof msg, "record exceeds %zu bytes (--max-record-bytes)", r->max_bytes);
            return rd_error(r, msg);
        }
        long n = rd_fill(r);
        if (n == -2)
            return -1;
        if (n == -1) {
            if (r->dlen > r->dpos)
                return rd_error(r, "truncated record at end of stream");
            return 0;
        }
    }
}

/* ------------------------------------------------------------------ inputs */

void rec_inputs_open(struct rec_inputs *in, char *const *files, int nfiles, const char *schema,
                     int version, int keep_going)
{
    memset(in, 0, sizeof *in);
    in->files = files;
    in->nfiles = nfiles > 0 ? nfiles : 0;
    in->schema = schema;
    in->version = version;
    in->keep_going = keep_going;
}

int rec_inputs_next(struct rec_inputs *in, msgpack_object **obj)
{
    for (;;) {
        if (!in->open) {
            int n = in->nfiles ? in->nfiles : 1;
            if (in->next >= n || in->status == EXIT_IO || (in->status && !in->keep_going))
                return 0;
            const char *path = in->nfiles ? in->files[in->next] : "-";
            in->next++;
            if (rec_reader_open(&in->r, path, 0)) {
                in->status = EXIT_IO;
                return 0;
            }
            in->r.want_schema = in->schema;
            in->r.want_version = in->version;
            in->open = 1;
        }
        int rr = rec_read_next(&in->r, obj);
        if (rr == 1)
            return 1;
        if (rr < 0) /* truncated or malformed stream, or a read error: reported by the reader */
            in->status = rec_reader_io_error(&in->r) ? EXIT_IO
                         : in->status > EXIT_DATA   ? in->status
                                                    : EXIT_DATA;
        rec_reader_close(&in->r);
        in->open = 0;
    }
}

int rec_inputs_close(struct rec_inputs *in, int status)
{
    if (in->open)
        rec_reader_close(&in->r);
    in->open = 0;
    if (status == EXIT_IO || in->status == EXIT_IO)
        return EXIT_IO;
    return status ? status : in->status;
}

/* ------------------------------------------------------------------ writer */

enum { REC_WRITE_BUF = 1 << 17 };

int rec_writer_open(struct rec_writer *w, const char *path, int zstd_level)
{
    memset(w, 0, sizeof *w);
    if (!path || !strcmp(path, "-")) {
        w->fp = stdout;
        w->name = "<stdout>";
    } else {
        w->fp = fopen(path, "wb");
        w->name = path;
        if (!w->fp) {
            weprintf("%s: cannot open for writing:", path);
            return -1;
        }
        w->own_fp = 1;
    }
    /* stdout, the pipe between stages: one write per 128 KiB, not per 4 KiB st_blksize (a
     * stage writes ~5 KB per molecule; relation-build runs 15% faster). glibc ignores the size
     * unless given the buffer, which must live as long as the process (stdio flushes stdout at
     * exit). Only by the first stdout writer of the process, before any output on stdout,
     * as setvbuf requires. Files keep stdio's default: mpk-shard may hold thousands open. */
    static char stdout_buf[REC_WRITE_BUF];
    static int stdout_buffered;
    if (!w->own_fp && !stdout_buffered) {
        setvbuf(w->fp, stdout_buf, _IOFBF, REC_WRITE_BUF);
        stdout_buffered = 1;
    }
    msgpack_sbuffer_init(&w->sb);
    msgpack_packer_init(&w->pk, &w->sb, msgpack_sbuffer_write);
    if (zstd_level > 0) {
        w->zc = ZSTD_createCStream();
        if (!w->zc)
            enprintf(EXIT_IO, "out of memory");
        ZSTD_CCtx_setParameter(w->zc, ZSTD_c_compressionLevel, zstd_level);
        w->ocap = ZSTD_CStreamOutSize();
        w->obuf = emalloc(w->ocap);
    }
    return 0;
}

msgpack_packer *rec_begin(struct rec_writer *w)
{
    msgpack_sbuffer_clear(&w->sb);
    return &w->pk;
}

static int wr_raw(struct rec_writer *w, const void *p, size_t n)
{
    if (w->err)
        return -1;
    if (n && fwrite(p, 1, n, w->fp) != n) {
        weprintf("%s: write error:", w->name);
        w->err = 1;
        return -1;
    }
    return 0;
}

static int wr_z(struct rec_writer *w, const void *p, size_t n, ZSTD_EndDirective mode)
{
    ZSTD_inBuffer in = {p, n, 0};
    for (;;) {
        ZSTD_outBuffer out = {w->obuf, w->ocap, 0};
        size_t rem = ZSTD_compressStream2(w->zc, &out, &in, mode);
        if (ZSTD_isError(rem)) {
            weprintf("%s: zstd: %s", w->name, ZSTD_getErrorName(rem));
            w->err = 1;
            return -1;
        }
        if (wr_raw(w, w->obuf, out.pos))
            return -1;
        if (mode == ZSTD_e_end ? rem == 0 : in.pos == in.size)
            return 0;
    }
}

int rec_end(struct rec_writer *w)
{
    if (w->err)
        return -1;
    int r = w->zc ? wr_z(w, w->sb.data, w->sb.size, ZSTD_e_continue)
                  : wr_raw(w, w->sb.data, w->sb.size);
    if (!r)
        w->count++;
    return r;
}

int rec_write_header(struct rec_writer *w, const char *schema, int version, const char *producer)
{
    msgpack_packer *pk = rec_begin(w);
    msgpack_pack_map(pk, 3);
    mp_pack_kstr(pk, "schema", schema);
    mp_pack_key(pk, "version");
    msgpack_pack_int(pk, version);
    mp_pack_kstr(pk, "producer", producer);
    int r = rec_end(w);
    if (!r)
        w->count--; /* headers are not data records */
    return r;
}

int rec_write_object(struct rec_writer *w, const msgpack_object *o)
{
    msgpack_pack_object(rec_begin(w), *o);
    return rec_end(w);
}

int rec_writer_close(struct rec_writer *w)
{
    int ret = 0;
    if (!w->fp)
        return 0;
    if (w->zc && !w->err)
        wr_z(w, NULL, 0, ZSTD_e_end);
    if (w->err)
        ret = EXIT_IO;
    if (w->own_fp) {
        if (fshut(w->fp, w->name))
            ret = EXIT_IO;
    } else if (fflush(w->fp) == EOF || ferror(w->fp)) {
        if (!w->err)
            weprintf("%s: write error:", w->name);
        ret = EXIT_IO;
    }
    msgpack_sbuffer_destroy(&w->sb);
    if (w->zc)
        ZSTD_freeCStream(w->zc);
    free(w->obuf);
    memset(w, 0, sizeof *w);
    return ret;
}

/* ------------------------------------------------------------------ helpers */

void mp_pack_str(msgpack_packer *pk, const char *s)
{
    size_t n = strlen(s);
    msgpack_pack_str(pk, n);
    msgpack_pack_str_body(pk, s, n);
}

void mp_pack_key(msgpack_packer *pk, const char *key)
{
    mp_pack_str(pk, key);
}

void mp_pack_kstr(msgpack_packer *pk, const char *key, const char *val)
{
    mp_pack_str(pk, key);
    mp_pack_str(pk, val);
}

void mp_pack_arr(msgpack_packer *pk, int type, const void *data, size_t n)
{
    size_t bytes = n * rec_type_size(type);
    msgpack_pack_ext(pk, bytes, (int8_t)type);
    msgpack_pack_ext_body(pk, data, bytes);
}

long mp_arr_len(const msgpack_object *o)
{
    if (!o)
        return -1;
    if (o->type == MSGPACK_OBJECT_EXT) {
        size_t es = rec_type_size(o->via.ext.type);
        if (!es || o->via.ext.size % es)
            return -1;
        return (long)(o->via.ext.size / es);
    }
    if (o->type == MSGPACK_OBJECT_ARRAY)
        return (long)o->via.array.size;
    return -1;
}

static double ext_elem(const char *p, int type, size_t i)
{
    switch (type) {
    case REC_U8: return ((const uint8_t *)p)[i];
    case REC_I8: return ((const int8_t *)p)[i];
    case REC_U16: { uint16_t v; memcpy(&v, p + 2 * i, 2); return v; }
    case REC_I16: { int16_t v; memcpy(&v, p + 2 * i, 2); return v; }
    case REC_U32: { uint32_t v; memcpy(&v, p + 4 * i, 4); return v; }
    case REC_I32: { int32_t v; memcpy(&v, p + 4 * i, 4); return v; }
    case REC_F32: { float v; memcpy(&v, p + 4 * i, 4); return v; }
    case REC_F64: { double v; memcpy(&v, p + 8 * i, 8); return v; }
    }
    return NAN;
}

static int store_elem(void *dst, int type, size_t i, double v)
{
    if (type != REC_F32 && type != REC_F64) {
        if (!isfinite(v) || v != floor(v))
            return -1;
    }
    switch (type) {
    case REC_U8: if (v < 0 || v > UINT8_MAX) return -1; ((uint8_t *)dst)[i] = (uint8_t)v; break;
    case REC_I8: if (v < INT8_MIN || v > INT8_MAX) return -1; ((int8_t *)dst)[i] = (int8_t)v; break;
    case REC_U16: if (v < 0 || v > UINT16_MAX) return -1; ((uint16_t *)dst)[i] = (uint16_t)v; break;
    case REC_I16: if (v < INT16_MIN || v > INT16_MAX) return -1; ((int16_t *)dst)[i] = (int16_t)v; break;
    case REC_U32: if (v < 0 || v > UINT32_MAX) return -1; ((uint32_t *)dst)[i] = (uint32_t)v; break;
    case REC_I32: if (v < INT32_MIN || v > INT32_MAX) return -1; ((int32_t *)dst)[i] = (int32_t)v; break;
    case REC_F32: ((float *)dst)[i] = (float)v; break;
    case REC_F64: ((double *)dst)[i] = v; break;
    default: return -1;
    }
    return 0;
}

int mp_copy_arr(void *dst, int dst_type, size_t n, const msgpack_object *o)
{
    if (mp_arr_len(o) != (long)n)
        return -1;
    if (o->type == MSGPACK_OBJECT_EXT) {
        if (o->via.ext.type == dst_type) { /* fast path */
            memcpy(dst, o->via.ext.ptr, o->via.ext.size);
            return 0;
        }
        for (size_t i = 0; i < n; i++)
            if (store_elem(dst, dst_type, i, ext_elem(o->via.ext.ptr, o->via.ext.type, i)))
                return -1;
        return 0;
    }
    for (size_t i = 0; i < n; i++) {
        double v;
        if (mp_get_num(&o->via.array.ptr[i], &v) || store_elem(dst, dst_type, i, v))
            return -1;
    }
    return 0;
}

const msgpack_object *mp_map_get(const msgpack_object *o, const char *key)
{
    if (!o || o->type != MSGPACK_OBJECT_MAP)
        return NULL;
    size_t n = strlen(key);
    for (uint32_t i = 0; i < o->via.map.size; i++) {
        const msgpack_object *k = &o->via.map.ptr[i].key;
        if (k->type == MSGPACK_OBJECT_STR && k->via.str.size == n && !memcmp(k->via.str.ptr, key, n))
            return &o->via.map.ptr[i].val;
    }
    return NULL;
}

int mp_str_eq(const msgpack_object *o, const char *s)
{
    size_t n = strlen(s);
    return o && o->type == MSGPACK_OBJECT_STR && o->via.str.size == n && !memcmp(o->via.str.ptr, s, n);
}

char *mp_strdup(const msgpack_object *o)
{
    if (!o || o->type != MSGPACK_OBJECT_STR)
        return NULL;
    return estrndup(o->via.str.ptr, o->via.str.size);
}

int mp_get_num(const msgpack_object *o, double *v)
{
    switch (o->type) {
    case MSGPACK_OBJECT_POSITIVE_INTEGER: *v = (double)o->via.u64; return 0;
    case MSGPACK_OBJECT_NEGATIVE_INTEGER: *v = (double)o->via.i64; return 0;
    case MSGPACK_OBJECT_FLOAT32:
    case MSGPACK_OBJECT_FLOAT64: *v = o->via.f64; return 0;
    default: return -1;
    }
}
