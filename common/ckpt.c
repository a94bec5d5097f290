/* ckpt.c: checkpoint files (see ckpt.h, schemas/checkpoint.md). */
#include "ckpt.h"
#include "rec.h"
#include "util.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define CKPT_ZLEVEL 3

static int seterr(char *err, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int seterr(char *err, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err, CKPT_ERRLEN, fmt, ap);
    va_end(ap);
    return -1;
}

/* ------------------------------------------------------------------ meta */

void ckpt_meta_init(struct ckpt_meta *m)
{
    memset(m, 0, sizeof *m);
    m->best_valid = NAN;
    m->shuffle = m->batch = -1;
    m->adamw.beta1 = 0.9;
    m->adamw.beta2 = 0.999;
    m->adamw.eps = 1e-8;
}

void ckpt_meta_free(struct ckpt_meta *m)
{
    free(m->producer);
    free(m->preset);
    free(m->objective);
    free(m->task);
    free(m->input_mode);
    for (int i = 0; i < m->nlabels; i++)
        free(m->labels[i]);
    free(m->labels);
    free(m->target_mean);
    free(m->target_std);
    ckpt_meta_init(m);
}

static char *dupnull(const char *s)
{
    return s ? estrdup(s) : NULL;
}

void ckpt_meta_copy(struct ckpt_meta *dst, const struct ckpt_meta *src)
{
    *dst = *src;
    dst->producer = dupnull(src->producer);
    dst->preset = dupnull(src->preset);
    dst->objective = dupnull(src->objective);
    dst->task = dupnull(src->task);
    dst->input_mode = dupnull(src->input_mode);
    dst->labels = NULL;
    dst->target_mean = dst->target_std = NULL;
    dst->nlabels = 0;
    ckpt_meta_set_labels(dst, src->nlabels, src->labels, src->target_mean, src->target_std);
}

void ckpt_meta_set_cfg(struct ckpt_meta *m, const char *key, double val)
{
    for (int i = 0; i < m->ncfg; i++)
        if (!strcmp(m->cfg[i].key, key)) {
            m->cfg[i].val = val;
            return;
        }
    if (m->ncfg == CKPT_MAX_CFG || strlen(key) >= sizeof m->cfg[0].key)
        return; /* programmer error; keys are compile-time names */
    snprintf(m->cfg[m->ncfg].key, sizeof m->cfg[0].key, "%s", key);
    m->cfg[m->ncfg++].val = val;
}

int ckpt_meta_get_cfg(const struct ckpt_meta *m, const char *key, double *val)
{
    for (int i = 0; i < m->ncfg; i++)
        if (!strcmp(m->cfg[i].key, key)) {
            *val = m->cfg[i].val;
            return 0;
        }
    return -1;
}

void ckpt_meta_set_labels(struct ckpt_meta *m, int n, char *const *names, const double *mean,
                          const double *std)
{
    for (int i = 0; i < m->nlabels; i++)
        free(m->labels[i]);
    free(m->labels);
    free(m->target_mean);
    free(m->target_std);
    m->labels = NULL;
    m->target_mean = m->target_std = NULL;
    m->nlabels = n;
    if (n <= 0) {
        m->nlabels = 0;
        return;
    }
    m->labels = ecalloc((size_t)n, sizeof *m->labels);
    for (int i = 0; i < n; i++)
        m->labels[i] = estrdup(names[i]);
    if (mean && std) {
        m->target_mean = emalloc((size_t)n * sizeof(double));
        m->target_std = emalloc((size_t)n * sizeof(double));
        memcpy(m->target_mean, mean, (size_t)n * sizeof(double));
        memcpy(m->target_std, std, (size_t)n * sizeof(double));
    }
}

/* ------------------------------------------------------------------ writer */

static void pack_str_or_nil(msgpack_packer *pk, const char *s)
{
    if (s)
        mp_pack_str(pk, s);
    else
        msgpack_pack_nil(pk);
}

static void pack_num(msgpack_packer *pk, double v)
{
    if (isfinite(v) && v == floor(v) && fabs(v) < 9e15)
        msgpack_pack_int64(pk, (int64_t)v);
    else
        msgpack_pack_double(pk, v);
}

static void pack_header(msgpack_packer *pk, const struct ckpt_meta *m)
{
    msgpack_pack_map(pk, 20);
    mp_pack_kstr(pk, "schema", CKPT_SCHEMA);
    mp_pack_key(pk, "version");
    msgpack_pack_int(pk, CKPT_VERSION);
    mp_pack_key(pk, "producer");
    pack_str_or_nil(pk, m->producer);
    mp_pack_key(pk, "preset");
    pack_str_or_nil(pk, m->preset);
    mp_pack_key(pk, "config");
    msgpack_pack_map(pk, (size_t)m->ncfg);
    for (int i = 0; i < m->ncfg; i++) {
        mp_pack_key(pk, m->cfg[i].key);
        pack_num(pk, m->cfg[i].val);
    }
    mp_pack_key(pk, "objective");
    pack_str_or_nil(pk, m->objective);
    mp_pack_key(pk, "task");
    pack_str_or_nil(pk, m->task);
    mp_pack_key(pk, "input_mode");
    pack_str_or_nil(pk, m->input_mode);
    mp_pack_key(pk, "labels");
    msgpack_pack_array(pk, (size_t)m->nlabels);
    for (int i = 0; i < m->nlabels; i++)
        mp_pack_str(pk, m->labels[i]);
    mp_pack_key(pk, "target_mean");
    if (m->target_mean) {
        msgpack_pack_array(pk, (size_t)m->nlabels);
        for (int i = 0; i < m->nlabels; i++)
            msgpack_pack_double(pk, m->target_mean[i]);
    } else {
        msgpack_pack_nil(pk);
    }
    mp_pack_key(pk, "target_std");
    if (m->target_std) {
        msgpack_pack_array(pk, (size_t)m->nlabels);
        for (int i = 0; i < m->nlabels; i++)
            msgpack_pack_double(pk, m->target_std[i]);
    } else {
        msgpack_pack_nil(pk);
    }
    mp_pack_key(pk, "step");
    msgpack_pack_int64(pk, m->step);
    mp_pack_key(pk, "epoch");
    msgpack_pack_int64(pk, m->epoch);
    mp_pack_key(pk, "data");
    msgpack_pack_map(pk, 5);
    mp_pack_key(pk, "shuffle");
    msgpack_pack_int64(pk, m->shuffle);
    mp_pack_key(pk, "batch");
    msgpack_pack_int64(pk, m->batch);
    mp_pack_key(pk, "pos");
    msgpack_pack_uint64(pk, m->data_pos);
    mp_pack_key(pk, "read");
    msgpack_pack_uint64(pk, m->data_read);
    mp_pack_key(pk, "seed");
    msgpack_pack_uint64(pk, m->seed);
    mp_pack_key(pk, "rng");
    msgpack_pack_array(pk, RNG_STATE_WORDS);
    for (int i = 0; i < RNG_STATE_WORDS; i++)
        msgpack_pack_uint64(pk, m->rng[i]);
    mp_pack_key(pk, "lr");
    msgpack_pack_map(pk, 4);
    mp_pack_key(pk, "peak");
    msgpack_pack_double(pk, m->lr.peak);
    mp_pack_key(pk, "min_lr");
    msgpack_pack_double(pk, m->lr.min_lr);
    mp_pack_key(pk, "warmup");
    msgpack_pack_int64(pk, m->lr.warmup);
    mp_pack_key(pk, "total");
    msgpack_pack_int64(pk, m->lr.total);
    mp_pack_key(pk, "adamw");
    msgpack_pack_map(pk, 5);
    mp_pack_key(pk, "beta1");
    msgpack_pack_double(pk, m->adamw.beta1);
    mp_pack_key(pk, "beta2");
    msgpack_pack_double(pk, m->adamw.beta2);
    mp_pack_key(pk, "eps");
    msgpack_pack_double(pk, m->adamw.eps);
    mp_pack_key(pk, "weight_decay");
    msgpack_pack_double(pk, m->adamw.weight_decay);
    mp_pack_key(pk, "clip");
    msgpack_pack_double(pk, m->adamw.clip);
    mp_pack_key(pk, "best_valid");
    if (isnan(m->best_valid))
        msgpack_pack_nil(pk);
    else
        msgpack_pack_double(pk, m->best_valid);
    mp_pack_key(pk, "log_acc");
    msgpack_pack_array(pk, (size_t)m->nlogacc);
    for (int i = 0; i < m->nlogacc; i++)
        msgpack_pack_double(pk, m->logacc[i]);
    mp_pack_key(pk, "has_adam");
    if (m->has_adam)
        msgpack_pack_true(pk);
    else
        msgpack_pack_false(pk);
}

/* compress and write the packed bytes in w->sb */
static int wr_flush_sb(struct ckpt_writer *w, ZSTD_EndDirective mode, char *err)
{
    ZSTD_inBuffer in = {w->sb.data, w->sb.size, 0};
    for (;;) {
        ZSTD_outBuffer out = {w->obuf, w->ocap, 0};
        size_t rem = ZSTD_compressStream2(w->zc, &out, &in, mode);
        if (ZSTD_isError(rem)) {
            w->err = 1;
            return seterr(err, "%s: zstd: %s", w->tmp, ZSTD_getErrorName(rem));
        }
        if (out.pos && fwrite(w->obuf, 1, out.pos, w->fp) != out.pos) {
            w->err = 1;
            return seterr(err, "%s: write error: %s", w->tmp, strerror(errno));
        }
        if (mode == ZSTD_e_end ? rem == 0 : in.pos == in.size)
            break;
    }
    msgpack_sbuffer_clear(&w->sb);
    return 0;
}

int ckpt_create(struct ckpt_writer *w, const char *path, const struct ckpt_meta *meta, char *err)
{
    memset(w, 0, sizeof *w);
    w->path = estrdup(path);
    size_t len = strlen(path) + 32;
    w->tmp = emalloc(len);
    snprintf(w->tmp, len, "%s.tmp.%ld", path, (long)getpid());
    w->fp = fopen(w->tmp, "wb");
    if (!w->fp) {
        seterr(err, "%s: cannot create: %s (is the directory writable?)", w->tmp, strerror(errno));
        free(w->path);
        free(w->tmp);
        memset(w, 0, sizeof *w);
        return -1;
    }
    w->zc = ZSTD_createCCtx();
    if (!w->zc)
        enprintf(EXIT_IO, "out of memory");
    ZSTD_CCtx_setParameter(w->zc, ZSTD_c_compressionLevel, CKPT_ZLEVEL);
    ZSTD_CCtx_setParameter(w->zc, ZSTD_c_checksumFlag, 1);
    w->ocap = ZSTD_CStreamOutSize();
    w->obuf = emalloc(w->ocap);
    msgpack_sbuffer_init(&w->sb);
    msgpack_packer_init(&w->pk, &w->sb, msgpack_sbuffer_write);
    pack_header(&w->pk, meta);
    if (wr_flush_sb(w, ZSTD_e_continue, err)) {
        ckpt_abort(w);
        return -1;
    }
    return 0;
}

int ckpt_put(struct ckpt_writer *w, const char *name, int ndim, const uint32_t *shape,
             const float *data, char *err)
{
    size_t n = 1;
    if (w->err)
        return seterr(err, "%s: earlier write error", w->tmp);
    msgpack_pack_map(&w->pk, 4);
    mp_pack_kstr(&w->pk, "name", name);
    mp_pack_key(&w->pk, "shape");
    msgpack_pack_array(&w->pk, (size_t)ndim);
    for (int i = 0; i < ndim; i++) {
        msgpack_pack_uint32(&w->pk, shape[i]);
        n *= shape[i];
    }
    mp_pack_kstr(&w->pk, "dtype", "f32");
    mp_pack_key(&w->pk, "data");
    mp_pack_arr(&w->pk, REC_F32, data, n);
    w->ntensors++;
    return wr_flush_sb(w, ZSTD_e_continue, err);
}

void ckpt_abort(struct ckpt_writer *w)
{
    if (w->fp) {
        fclose(w->fp);
        unlink(w->tmp);
    }
    if (w->zc) {
        ZSTD_freeCCtx(w->zc);
        msgpack_sbuffer_destroy(&w->sb);
    }
    free(w->obuf);
    free(w->path);
    free(w->tmp);
    memset(w, 0, sizeof *w);
}

/* fsync the directory holding path so the rename is durable */
static void fsync_dir(const char *path)
{
    const char *slash = strrchr(path, '/');
    char *dir = slash ? estrndup(path, (size_t)(slash - path) + (slash == path)) : estrdup(".");
    int fd = open(dir, O_RDONLY);
    if (fd >= 0) {
        fsync(fd);
        close(fd);
    }
    free(dir);
}

int ckpt_commit(struct ckpt_writer *w, char *err)
{
    if (w->err) {
        seterr(err, "%s: earlier write error", w->tmp);
        goto fail;
    }
    msgpack_pack_map(&w->pk, 1);
    mp_pack_key(&w->pk, "end");
    msgpack_pack_int64(&w->pk, w->ntensors);
    if (wr_flush_sb(w, ZSTD_e_end, err))
        goto fail;
    if (fflush(w->fp) == EOF || ferror(w->fp)) {
        seterr(err, "%s: write error: %s", w->tmp, strerror(errno));
        goto fail;
    }
    if (fsync(fileno(w->fp)) && errno != EINVAL && errno != EROFS) {
        seterr(err, "%s: fsync: %s", w->tmp, strerror(errno));
        goto fail;
    }
    if (fclose(w->fp) == EOF) {
        w->fp = NULL;
        unlink(w->tmp);
        seterr(err, "%s: close error: %s", w->tmp, strerror(errno));
        goto fail;
    }
    w->fp = NULL;
    if (rename(w->tmp, w->path)) {
        seterr(err, "%s: cannot rename to %s: %s", w->tmp, w->path, strerror(errno));
        unlink(w->tmp);
        goto fail;
    }
    fsync_dir(w->path);
    ckpt_abort(w);
    return 0;
fail:
    ckpt_abort(w);
    return -1;
}

/* ------------------------------------------------------------------ reader */

static const unsigned char zmagic[4] = {0x28, 0xb5, 0x2f, 0xfd};

/* Next msgpack object: 1 ok, 0 clean EOF, -1 error. */
static int rd_obj(struct ckpt_reader *r, msgpack_object **o, char *err)
{
    for (;;) {
        msgpack_unpack_return ret = msgpack_unpacker_next(&r->up, &r->res);
        if (ret == MSGPACK_UNPACK_SUCCESS) {
            *o = &r->res.data;
            return 1;
        }
        if (ret == MSGPACK_UNPACK_PARSE_ERROR)
            return seterr(err, "%s: corrupt checkpoint (malformed msgpack)", r->path);
        if (ret == MSGPACK_UNPACK_NOMEM_ERROR)
            enprintf(EXIT_IO, "out of memory");
        if (r->up.used - r->up.off > ((size_t)1 << 34))
            return seterr(err, "%s: corrupt checkpoint (record too large)", r->path);
        /* need more bytes */
        if (r->ipos == r->ilen) {
            r->ipos = r->ilen = 0;
            if (!r->eof) {
                size_t got = fread(r->ibuf, 1, r->icap, r->fp);
                if (got == 0) {
                    if (ferror(r->fp))
                        return seterr(err, "%s: read error: %s", r->path, strerror(errno));
                    r->eof = 1;
                }
                r->ilen = got;
            }
            if (r->ilen == 0) {
                if (r->in_zstd || r->up.used > r->up.off)
                    return seterr(err, "%s: truncated checkpoint (file ends inside a %s)",
                                  r->path, r->in_zstd ? "zstd frame" : "record");
                return 0;
            }
        }
        if (!r->in_zstd) {
            /* at a frame boundary: only zstd frames are written; accept plain msgpack too */
            if (r->ilen - r->ipos >= 4 && !memcmp(r->ibuf + r->ipos, zmagic, 4)) {
                ZSTD_DCtx_reset(r->zd, ZSTD_reset_session_only);
                r->in_zstd = 1;
            } else {
                size_t n = r->ilen - r->ipos;
                if (!msgpack_unpacker_reserve_buffer(&r->up, n))
                    enprintf(EXIT_IO, "out of memory");
                memcpy(msgpack_unpacker_buffer(&r->up), r->ibuf + r->ipos, n);
                msgpack_unpacker_buffer_consumed(&r->up, n);
                r->ipos = r->ilen;
                continue;
            }
        }
        size_t cap = ZSTD_DStreamOutSize();
        if (!msgpack_unpacker_reserve_buffer(&r->up, cap))
            enprintf(EXIT_IO, "out of memory");
        ZSTD_outBuffer out = {msgpack_unpacker_buffer(&r->up), cap, 0};
        ZSTD_inBuffer in = {r->ibuf + r->ipos, r->ilen - r->ipos, 0};
        size_t zr = ZSTD_decompressStream(r->zd, &out, &in);
        if (ZSTD_isError(zr))
            return seterr(err, "%s: corrupt checkpoint (zstd: %s)", r->path, ZSTD_getErrorName(zr));
        r->ipos += in.pos;
        msgpack_unpacker_buffer_consumed(&r->up, out.pos);
        if (zr == 0)
            r->in_zstd = 0;
    }
}

static int get_int(const msgpack_object *o, const char *key, int64_t *v)
{
    double d;
    const msgpack_object *x = mp_map_get(o, key);
    if (!x)
        return -1;
    if (x->type == MSGPACK_OBJECT_POSITIVE_INTEGER) {
        *v = (int64_t)x->via.u64;
        return 0;
    }
    if (x->type == MSGPACK_OBJECT_NEGATIVE_INTEGER) {
        *v = x->via.i64;
        return 0;
    }
    if (mp_get_num(x, &d))
        return -1;
    *v = (int64_t)d;
    return 0;
}

static int get_dbl(const msgpack_object *o, const char *key, double *v)
{
    const msgpack_object *x = mp_map_get(o, key);
    if (!x)
        return -1;
    if (x->type == MSGPACK_OBJECT_NIL) {
        *v = NAN;
        return 0;
    }
    return mp_get_num(x, v);
}

static char *get_str(const msgpack_object *o, const char *key)
{
    const msgpack_object *x = mp_map_get(o, key);
    return x ? mp_strdup(x) : NULL;
}

static int parse_header(struct ckpt_meta *m, const msgpack_object *o, const char *path, char *err)
{
    const msgpack_object *x, *s = mp_map_get(o, "schema");
    int64_t v;
    if (!s || !mp_str_eq(s, CKPT_SCHEMA))
        return seterr(err, "%s: not a moleblend checkpoint (no '%s' header); hint: checkpoints "
                      "are written by train-step --save", path, CKPT_SCHEMA);
    if (get_int(o, "version", &v) || v < 1)
        return seterr(err, "%s: checkpoint header has no valid version", path);
    if (v > CKPT_VERSION)
        return seterr(err, "%s: checkpoint version %lld is newer than this build's %d; hint: "
                      "update moleblend", path, (long long)v, CKPT_VERSION);
    m->producer = get_str(o, "producer");
    m->preset = get_str(o, "preset");
    m->objective = get_str(o, "objective");
    m->task = get_str(o, "task");
    m->input_mode = get_str(o, "input_mode");
    x = mp_map_get(o, "config");
    if (!x || x->type != MSGPACK_OBJECT_MAP)
        return seterr(err, "%s: checkpoint header has no config map", path);
    for (uint32_t i = 0; i < x->via.map.size; i++) {
        const msgpack_object_kv *kv = &x->via.map.ptr[i];
        char *k = mp_strdup(&kv->key);
        double d;
        if (!k || mp_get_num(&kv->val, &d)) {
            free(k);
            return seterr(err, "%s: checkpoint config entry %u is not name: number", path, i);
        }
        ckpt_meta_set_cfg(m, k, d);
        free(k);
    }
    x = mp_map_get(o, "labels");
    if (x && x->type == MSGPACK_OBJECT_ARRAY && x->via.array.size) {
        uint32_t n = x->via.array.size;
        if (n > CKPT_MAX_LABELS)
            return seterr(err, "%s: checkpoint has too many labels (%u)", path, n);
        m->nlabels = (int)n;
        m->labels = ecalloc(n, sizeof *m->labels);
        for (uint32_t i = 0; i < n; i++)
            if (!(m->labels[i] = mp_strdup(&x->via.array.ptr[i])))
                return seterr(err, "%s: checkpoint label %u is not a string", path, i);
        const msgpack_object *mo = mp_map_get(o, "target_mean"), *so = mp_map_get(o, "target_std");
        if (mo && so && mo->type == MSGPACK_OBJECT_ARRAY && so->type == MSGPACK_OBJECT_ARRAY) {
            if (mo->via.array.size != n || so->via.array.size != n)
                return seterr(err, "%s: checkpoint target_mean/std length differs from labels", path);
            m->target_mean = emalloc(n * sizeof(double));
            m->target_std = emalloc(n * sizeof(double));
            for (uint32_t i = 0; i < n; i++)
                if (mp_get_num(&mo->via.array.ptr[i], &m->target_mean[i]) ||
                    mp_get_num(&so->via.array.ptr[i], &m->target_std[i]))
                    return seterr(err, "%s: checkpoint target_mean/std not numbers", path);
        }
    }
    if (!get_int(o, "step", &v))
        m->step = v;
    if (!get_int(o, "epoch", &v))
        m->epoch = v;
    x = mp_map_get(o, "data");
    if (x) {
        if (!get_int(x, "pos", &v))
            m->data_pos = (uint64_t)v;
        if (!get_int(x, "read", &v))
            m->data_read = (uint64_t)v;
        if (!get_int(x, "seed", &v))
            m->seed = (uint64_t)v;
        if (!get_int(x, "shuffle", &v))
            m->shuffle = v;
        if (!get_int(x, "batch", &v))
            m->batch = v;
    }
    x = mp_map_get(o, "rng");
    if (x && x->type == MSGPACK_OBJECT_ARRAY && x->via.array.size == RNG_STATE_WORDS)
        for (int i = 0; i < RNG_STATE_WORDS; i++) {
            const msgpack_object *e = &x->via.array.ptr[i];
            if (e->type != MSGPACK_OBJECT_POSITIVE_INTEGER)
                return seterr(err, "%s: checkpoint rng state is not 6 unsigned ints", path);
            m->rng[i] = e->via.u64;
        }
    x = mp_map_get(o, "lr");
    if (x) {
        get_dbl(x, "peak", &m->lr.peak);
        get_dbl(x, "min_lr", &m->lr.min_lr);
        if (!get_int(x, "warmup", &v))
            m->lr.warmup = v;
        if (!get_int(x, "total", &v))
            m->lr.total = v;
    }
    x = mp_map_get(o, "adamw");
    if (x) {
        get_dbl(x, "beta1", &m->adamw.beta1);
        get_dbl(x, "beta2", &m->adamw.beta2);
        get_dbl(x, "eps", &m->adamw.eps);
        get_dbl(x, "weight_decay", &m->adamw.weight_decay);
        get_dbl(x, "clip", &m->adamw.clip);
    }
    get_dbl(o, "best_valid", &m->best_valid);
    x = mp_map_get(o, "log_acc");
    if (x && x->type == MSGPACK_OBJECT_ARRAY && x->via.array.size <= CKPT_MAX_LOGACC) {
        for (uint32_t i = 0; i < x->via.array.size; i++)
            if (mp_get_num(&x->via.array.ptr[i], &m->logacc[i]))
                return seterr(err, "%s: checkpoint log_acc is not numbers", path);
        m->nlogacc = (int)x->via.array.size;
    }
    x = mp_map_get(o, "has_adam");
    m->has_adam = x && x->type == MSGPACK_OBJECT_BOOLEAN && x->via.boolean;
    return 0;
}

int ckpt_open(struct ckpt_reader *r, const char *path, struct ckpt_meta *meta, char *err)
{
    msgpack_object *o;
    int ret;
    memset(r, 0, sizeof *r);
    ckpt_meta_init(meta);
    r->fp = fopen(path, "rb");
    if (!r->fp)
        return seterr(err, "%s: cannot open checkpoint: %s", path, strerror(errno));
    r->path = estrdup(path);
    r->zd = ZSTD_createDCtx();
    if (!r->zd || !msgpack_unpacker_init(&r->up, 1 << 16))
        enprintf(EXIT_IO, "out of memory");
    msgpack_unpacked_init(&r->res);
    r->icap = 1 << 17;
    r->ibuf = emalloc(r->icap);
    ret = rd_obj(r, &o, err);
    if (ret == 0)
        seterr(err, "%s: empty file, not a checkpoint", path);
    if (ret <= 0)
        goto fail;
    if (o->type != MSGPACK_OBJECT_MAP || parse_header(meta, o, path, err)) {
        if (o->type != MSGPACK_OBJECT_MAP)
            seterr(err, "%s: not a moleblend checkpoint (first object is not a map)", path);
        goto fail;
    }
    return 0;
fail:
    ckpt_close(r);
    ckpt_meta_free(meta);
    return -1;
}

int ckpt_next(struct ckpt_reader *r, struct ckpt_tensor *t, char *err)
{
    msgpack_object *o;
    const msgpack_object *x;
    int64_t v;
    if (r->done)
        return 0;
    int ret = rd_obj(r, &o, err);
    if (ret == 0)
        return seterr(err, "%s: truncated checkpoint (no end record after %ld tensors)", r->path,
                      r->ntensors);
    if (ret < 0)
        return -1;
    if (o->type != MSGPACK_OBJECT_MAP)
        return seterr(err, "%s: corrupt checkpoint (tensor %ld is not a map)", r->path, r->ntensors);
    if (!get_int(o, "end", &v)) {
        if (v != r->ntensors)
            return seterr(err, "%s: corrupt checkpoint (end record says %lld tensors, read %ld)",
                          r->path, (long long)v, r->ntensors);
        r->done = 1;
        /* nothing may follow the trailer */
        ret = rd_obj(r, &o, err);
        if (ret < 0)
            return -1;
        if (ret > 0)
            return seterr(err, "%s: corrupt checkpoint (data after the end record)", r->path);
        return 0;
    }
    memset(t, 0, sizeof *t);
    x = mp_map_get(o, "name");
    if (!x || x->type != MSGPACK_OBJECT_STR || x->via.str.size >= sizeof t->name)
        return seterr(err, "%s: corrupt checkpoint (tensor %ld has no name)", r->path, r->ntensors);
    memcpy(t->name, x->via.str.ptr, x->via.str.size);
    x = mp_map_get(o, "dtype");
    if (x && !mp_str_eq(x, "f32"))
        return seterr(err, "%s: tensor %s: dtype is not f32", r->path, t->name);
    x = mp_map_get(o, "shape");
    if (!x || x->type != MSGPACK_OBJECT_ARRAY || x->via.array.size > CKPT_MAX_DIM)
        return seterr(err, "%s: tensor %s: bad shape", r->path, t->name);
    t->ndim = (int)x->via.array.size;
    t->n = 1;
    for (int i = 0; i < t->ndim; i++) {
        const msgpack_object *e = &x->via.array.ptr[i];
        if (e->type != MSGPACK_OBJECT_POSITIVE_INTEGER || e->via.u64 > UINT32_MAX)
            return seterr(err, "%s: tensor %s: bad shape", r->path, t->name);
        t->shape[i] = (uint32_t)e->via.u64;
        t->n *= t->shape[i];
    }
    x = mp_map_get(o, "data");
    if (!x || x->type != MSGPACK_OBJECT_EXT || x->via.ext.type != REC_F32 ||
        x->via.ext.size != t->n * 4)
        return seterr(err, "%s: tensor %s: data is not %zu f32 values", r->path, t->name, t->n);
    t->data = x->via.ext.ptr;
    r->ntensors++;
    return 1;
}

void ckpt_tensor_copy(float *dst, const struct ckpt_tensor *t)
{
    memcpy(dst, t->data, t->n * sizeof(float));
}

void ckpt_close(struct ckpt_reader *r)
{
    if (!r->ibuf)
        return;
    msgpack_unpacked_destroy(&r->res);
    msgpack_unpacker_destroy(&r->up);
    ZSTD_freeDCtx(r->zd);
    free(r->ibuf);
    free(r->path);
    if (r->fp)
        fclose(r->fp);
    memset(r, 0, sizeof *r);
}

/* ------------------------------------------------------------------ model glue */

#include <ctype.h>
#include <stddef.h>

/* model_config fields by name: 'i' int, 'f' float */
static const struct {
    const char *name;
    size_t off;
    char type;
} cfg_fields[] = {
#define I(f) {#f, offsetof(struct model_config, f), 'i'}
#define F(f) {#f, offsetof(struct model_config, f), 'f'}
    I(n_layer), I(d_model), I(n_head), I(d_ff), I(n_rbf), I(max_atoms), I(max_batch),
    I(n_tasks), I(has_3d), I(task), I(nominal_gauss_init), F(attn_dropout), F(act_dropout),
    F(drop_path), F(head_dropout), F(w_denoise), F(w_spd), F(w_edge), F(w_3d),
#undef I
#undef F
};
#define NCFG_FIELDS (sizeof cfg_fields / sizeof cfg_fields[0])

void ckpt_meta_set_config(struct ckpt_meta *meta, const struct model_config *cfg)
{
    for (size_t i = 0; i < NCFG_FIELDS; i++) {
        const char *p = (const char *)cfg + cfg_fields[i].off;
        double v;
        if (cfg_fields[i].type == 'i') {
            int x;
            memcpy(&x, p, sizeof x);
            v = x;
        } else {
            float x;
            memcpy(&x, p, sizeof x);
            v = x;
        }
        ckpt_meta_set_cfg(meta, cfg_fields[i].name, v);
    }
}

int ckpt_meta_get_config(const struct ckpt_meta *meta, struct model_config *cfg, char *err)
{
    for (int k = 0; k < meta->ncfg; k++) {
        size_t i;
        for (i = 0; i < NCFG_FIELDS; i++)
            if (!strcmp(cfg_fields[i].name, meta->cfg[k].key))
                break;
        if (i == NCFG_FIELDS)
            return seterr(err, "checkpoint config field '%s' is unknown to this build; hint: "
                          "it was written by a newer moleblend (%s)", meta->cfg[k].key,
                          meta->producer ? meta->producer : "unknown producer");
        char *p = (char *)cfg + cfg_fields[i].off;
        double v = meta->cfg[k].val;
        if (cfg_fields[i].type == 'i') {
            if (!(v >= -1e9 && v <= 1e9) || v != floor(v))
                return seterr(err, "checkpoint config field '%s' = %g is not an integer",
                              meta->cfg[k].key, v);
            int x = (int)v;
            memcpy(p, &x, sizeof x);
        } else {
            float x = (float)v;
            memcpy(p, &x, sizeof x);
        }
    }
    return 0;
}

int ckpt_is_head(const char *name)
{
    static const char *const heads[] = {"spd_w", "spd_b", "edge_w", "edge_b"};
    if (!strncmp(name, "n2_", 3) || !strncmp(name, "p3_", 3) || !strncmp(name, "dn_", 3) ||
        !strncmp(name, "ft_", 3))
        return 1;
    for (size_t i = 0; i < sizeof heads / sizeof heads[0]; i++)
        if (!strcmp(name, heads[i]))
            return 1;
    return 0;
}

static long dim_value(const struct model_config *c, const char *id, size_t len)
{
    static const char *const names[] = {"L", "C", "H", "F", "K", "NT"};
    long vals[6] = {c->n_layer, c->d_model, c->n_head, c->d_ff, c->n_rbf, c->n_tasks};
    for (int i = 0; i < 6; i++)
        if (strlen(names[i]) == len && !strncmp(names[i], id, len))
            return vals[i];
    return -1;
}

int ckpt_param_shape(const struct model *m, int id, uint32_t shape[CKPT_MAX_DIM])
{
    size_t size = m->param_sizes[id];
    if (size == 0)
        return 0;
    const char *s = model_param_shapes[id];
    const char *e = s && *s == '(' ? strchr(s, ')') : NULL;
    int nd = 0;
    size_t prod = 1;
    if (!e)
        goto flat;
    s++;
    while (s < e) {
        while (s < e && isspace((unsigned char)*s))
            s++;
        long v = 1;
        int any = 0;
        if (isdigit((unsigned char)*s)) {
            v = strtol(s, (char **)&s, 10);
            any = 1;
        }
        if (s < e && isalpha((unsigned char)*s) && (!any || s[-1] != ' ')) {
            const char *id0 = s;
            while (s < e && isalnum((unsigned char)*s))
                s++;
            long d = dim_value(&m->cfg, id0, (size_t)(s - id0));
            if (d < 0)
                goto flat;
            v *= d;
            any = 1;
        }
        if (!any || nd == CKPT_MAX_DIM || v <= 0)
            goto flat;
        shape[nd++] = (uint32_t)v;
        prod *= (size_t)v;
        while (s < e && *s != ',')
            s++;
        if (s < e)
            s++;
    }
    if (prod == size && nd > 0)
        return nd;
flat:
    shape[0] = (uint32_t)size;
    return 1;
}

int ckpt_save_model(const char *path, const struct ckpt_meta *meta, const struct model *m,
                    const float *adam_m, const float *adam_v, char *err)
{
    struct ckpt_writer w;
    struct ckpt_meta mt;
    ckpt_meta_copy(&mt, meta);
    mt.has_adam = adam_m && adam_v;
    ckpt_meta_set_config(&mt, &m->cfg);
    int ret = ckpt_create(&w, path, &mt, err);
    ckpt_meta_free(&mt);
    if (ret)
        return -1;
    for (int pass = 0; pass < (adam_m && adam_v ? 3 : 1); pass++) {
        const float *base = pass == 0 ? m->params_memory : pass == 1 ? adam_m : adam_v;
        for (int id = 0; id < MODEL_NPARAM; id++) {
            uint32_t shape[CKPT_MAX_DIM];
            int nd = ckpt_param_shape(m, id, shape);
            char name[128];
            if (nd == 0)
                continue;
            snprintf(name, sizeof name, "%s%s", pass == 0 ? "" : pass == 1 ? "adam_m/" : "adam_v/",
                     model_param_names[id]);
            if (ckpt_put(&w, name, nd, shape, base + m->param_offsets[id], err)) {
                ckpt_abort(&w);
                return -1;
            }
        }
    }
    return ckpt_commit(&w, err);
}

int ckpt_read_meta(const char *path, struct ckpt_meta *meta, char *err)
{
    struct ckpt_reader r;
    if (ckpt_open(&r, path, meta, err))
        return -1;
    ckpt_close(&r);
    return 0;
}

static void fmt_shape(char *out, size_t len, int nd, const uint32_t *shape)
{
    size_t k = 0;
    k += (size_t)snprintf(out + k, len - k, "[");
    for (int i = 0; i < nd && k < len; i++)
        k += (size_t)snprintf(out + k, len - k, "%s%u", i ? "," : "", shape[i]);
    if (k < len)
        snprintf(out + k, len - k, "]");
}

int ckpt_load_model(const char *path, struct model *m, float *adam_m, float *adam_v, int flags,
                    int *nloaded, char *err)
{
    struct ckpt_reader r;
    struct ckpt_meta meta;
    struct ckpt_tensor t;
    unsigned char seen[3][MODEL_NPARAM];
    int ret, n = 0;
    if (ckpt_open(&r, path, &meta, err))
        return -1;
    memset(seen, 0, sizeof seen);
    if ((adam_m || adam_v) && !meta.has_adam) {
        seterr(err, "%s: checkpoint has no optimizer state; hint: it was saved without AdamW "
               "moments, use --init instead of --resume", path);
        goto fail;
    }
    while ((ret = ckpt_next(&r, &t, err)) == 1) {
        const char *name = t.name;
        int which = 0, id;
        if (!strncmp(name, "adam_m/", 7))
            which = 1, name += 7;
        else if (!strncmp(name, "adam_v/", 7))
            which = 2, name += 7;
        for (id = 0; id < MODEL_NPARAM; id++)
            if (!strcmp(model_param_names[id], name))
                break;
        int absent = id == MODEL_NPARAM || m->param_sizes[id] == 0;
        if (absent) {
            if (flags & CKPT_LOAD_DROP_EXTRA)
                continue;
            seterr(err, "%s: tensor '%s' does not exist in this model; hint: the checkpoint was "
                   "made for another task or config (see ckpt-info %s)", path, t.name, path);
            goto fail;
        }
        if ((flags & CKPT_LOAD_ENCODER_ONLY) && ckpt_is_head(name))
            continue;
        if (which && !(which == 1 ? adam_m : adam_v))
            continue;
        uint32_t shape[CKPT_MAX_DIM];
        int nd = ckpt_param_shape(m, id, shape);
        int same = nd == t.ndim && t.n == m->param_sizes[id];
        for (int i = 0; same && i < nd; i++)
            same = shape[i] == t.shape[i];
        if (!same) {
            char a[96], b[96];
            fmt_shape(a, sizeof a, t.ndim, t.shape);
            fmt_shape(b, sizeof b, nd, shape);
            seterr(err, "%s: tensor '%s' has shape %s, this model expects %s; hint: use the "
                   "checkpoint's config (ckpt-info %s shows it)", path, t.name, a, b, path);
            goto fail;
        }
        if (seen[which][id]) {
            seterr(err, "%s: corrupt checkpoint (tensor '%s' appears twice)", path, t.name);
            goto fail;
        }
        seen[which][id] = 1;
        float *dst = (which == 0 ? m->params_memory : which == 1 ? adam_m : adam_v) +
                     m->param_offsets[id];
        ckpt_tensor_copy(dst, &t);
        if (which == 0)
            n++;
    }
    if (ret < 0)
        goto fail;
    for (int which = 0; which < 3; which++) {
        if ((which == 1 && !adam_m) || (which == 2 && !adam_v))
            continue;
        for (int id = 0; id < MODEL_NPARAM; id++) {
            if (m->param_sizes[id] == 0 || seen[which][id])
                continue;
            if ((flags & CKPT_LOAD_ENCODER_ONLY) && ckpt_is_head(model_param_names[id]))
                continue;
            if (flags & CKPT_LOAD_KEEP_MISSING)
                continue;
            seterr(err, "%s: tensor '%s%s' is missing; hint: the checkpoint was made for another "
                   "task or config (see ckpt-info %s)", path,
                   which == 0 ? "" : which == 1 ? "adam_m/" : "adam_v/", model_param_names[id],
                   path);
            goto fail;
        }
    }
    ckpt_close(&r);
    ckpt_meta_free(&meta);
    if (nloaded)
        *nloaded = n;
    return 0;
fail:
    ckpt_close(&r);
    ckpt_meta_free(&meta);
    return -1;
}
