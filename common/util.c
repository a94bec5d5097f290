/* util.c: see util.h */
#define _POSIX_C_SOURCE 200809L
#include "util.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

const char *argv0 = "moleblend";
int verbosity = 1;

void util_set_argv0(const char *arg)
{
    const char *s = arg ? strrchr(arg, '/') : NULL;
    argv0 = s ? s + 1 : (arg ? arg : "moleblend");
}

static void vwarn(const char *fmt, va_list ap)
{
    int saved = errno;
    fprintf(stderr, "%s: ", argv0);
    vfprintf(stderr, fmt, ap);
    size_t n = strlen(fmt);
    if (n && fmt[n - 1] == ':')
        fprintf(stderr, " %s", strerror(saved));
    fputc('\n', stderr);
}

void weprintf(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vwarn(fmt, ap);
    va_end(ap);
}

void werecord(const char *src, uint64_t idx, const char *id, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "%s: %s: record %llu%s%s%s: ", argv0, src, (unsigned long long)idx,
            id ? " (id=" : "", id ? id : "", id ? ")" : "");
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
}

void enprintf(int status, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vwarn(fmt, ap);
    va_end(ap);
    exit(status);
}

void eusage(const char *usage, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vwarn(fmt, ap);
    va_end(ap);
    fprintf(stderr, "usage: %s %s\n", argv0, usage);
    exit(EXIT_USAGE);
}

int util_seterr(char *err, size_t errlen, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    if (err && errlen)
        vsnprintf(err, errlen, fmt, ap);
    va_end(ap);
    return -1;
}

int util_seterr_line(char *err, size_t errlen, uint32_t line, const char *fmt, ...)
{
    if (err && errlen) {
        int k = snprintf(err, errlen, "line %u: ", line);
        if (k >= 0 && (size_t)k < errlen) {
            va_list ap;
            va_start(ap, fmt);
            vsnprintf(err + k, errlen - (size_t)k, fmt, ap);
            va_end(ap);
        }
    }
    return -1;
}

const char *util_excerpt(const char *s, size_t n, char *tmp, size_t tn)
{
    size_t k = 0;
    for (size_t i = 0; i < n && k + 1 < tn && k < 24; i++)
        tmp[k++] = (s[i] >= 32 && s[i] < 127) ? s[i] : '?';
    tmp[k] = 0;
    return tmp;
}

static void oom(void)
{
    fprintf(stderr, "%s: out of memory\n", argv0);
    exit(EXIT_IO);
}

void *emalloc(size_t n)
{
    void *p = malloc(n ? n : 1);
    if (!p)
        oom();
    return p;
}

void *ecalloc(size_t nmemb, size_t size)
{
    void *p = calloc(nmemb ? nmemb : 1, size ? size : 1);
    if (!p)
        oom();
    return p;
}

/* Blocks of 4 MiB and more are anonymous mappings with their data on a 2 MiB boundary and
 * transparent huge pages asked for (madvise, the kernel's default THP mode): a `base` model's
 * arenas fault in 2 MiB at a time, not 4 KiB (start-up of train-step 11 s -> 2 s), and big GEMM
 * operands need 512x fewer TLB entries. Smaller blocks come from calloc. The mapping (or
 * calloc pointer) and its length (0 for calloc) sit in the 64 bytes below the data. */
enum { BIG_HDR = 64, BIG_HUGE = 2 << 20 };

void *util_bigalloc(size_t bytes)
{
    if (bytes > SIZE_MAX - 2 * (size_t)BIG_HUGE)
        oom();
    size_t len;
    char *raw, *a;
    if (bytes >= 2 * (size_t)BIG_HUGE) {
        len = bytes + BIG_HUGE;
        raw = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        if (raw == MAP_FAILED)
            oom();
        /* mmap is page aligned: the first 2 MiB boundary at least BIG_HDR bytes in fits */
        a = (char *)(((uintptr_t)raw + BIG_HDR + BIG_HUGE - 1) & ~(uintptr_t)(BIG_HUGE - 1));
#ifdef MADV_HUGEPAGE
        madvise(a, bytes, MADV_HUGEPAGE); /* advice: no huge pages is not an error */
#endif
    } else {
        len = 0;
        raw = calloc(bytes + BIG_HDR, 1);
        if (!raw)
            oom();
        /* calloc aligns to at least 16, so a - raw is in [16, 64] */
        a = (char *)(((uintptr_t)raw + BIG_HDR) & ~(uintptr_t)(BIG_HDR - 1));
    }
    memcpy(a - sizeof raw, &raw, sizeof raw);
    memcpy(a - sizeof raw - sizeof len, &len, sizeof len);
    return a;
}

void util_bigfree(void *p)
{
    if (!p)
        return;
    char *raw;
    size_t len;
    memcpy(&raw, (char *)p - sizeof raw, sizeof raw);
    memcpy(&len, (char *)p - sizeof raw - sizeof len, sizeof len);
    if (len)
        munmap(raw, len);
    else
        free(raw);
}

void *erealloc(void *p, size_t n)
{
    void *q = realloc(p, n ? n : 1);
    if (!q)
        oom();
    return q;
}

char *estrdup(const char *s)
{
    return estrndup(s, strlen(s));
}

char *estrndup(const char *s, size_t n)
{
    char *p = emalloc(n + 1);
    memcpy(p, s, n);
    p[n] = 0;
    return p;
}

size_t emul(size_t a, size_t b)
{
    if (a && b > SIZE_MAX / a)
        oom();
    return a * b;
}

long long estrtoll(const char *s, const char *opt, long long lo, long long hi)
{
    char *end;
    errno = 0;
    long long v = strtoll(s, &end, 10);
    if (errno || end == s || *end)
        enprintf(EXIT_USAGE, "%s: not an integer: '%s'", opt, s);
    if (v < lo || v > hi)
        enprintf(EXIT_USAGE, "%s: %lld is out of range [%lld, %lld]", opt, v, lo, hi);
    return v;
}

double estrtod(const char *s, const char *opt, double lo, double hi)
{
    char *end;
    errno = 0;
    double v = strtod(s, &end);
    if (errno || end == s || *end || !isfinite(v))
        enprintf(EXIT_USAGE, "%s: not a number: '%s'", opt, s);
    if (v < lo || v > hi)
        enprintf(EXIT_USAGE, "%s: %g is out of range [%g, %g]", opt, v, lo, hi);
    return v;
}

void estrtod_list(const char *s, const char *opt, double *out, int n)
{
    const char *p = s;
    for (int i = 0; i < n; i++) {
        char *end;
        errno = 0;
        out[i] = strtod(p, &end);
        if (errno || end == p || !isfinite(out[i]))
            enprintf(EXIT_USAGE, "%s: expected %d comma-separated numbers: '%s'", opt, n, s);
        p = end;
        if (i < n - 1) {
            if (*p != ',')
                enprintf(EXIT_USAGE, "%s: expected %d comma-separated numbers: '%s'", opt, n, s);
            p++;
        }
    }
    if (*p)
        enprintf(EXIT_USAGE, "%s: expected %d comma-separated numbers: '%s'", opt, n, s);
}

int fshut(FILE *fp, const char *name)
{
    int ret = 0;
    /* fflush then ferror catches ENOSPC on /dev/full; fclose catches late errors */
    if (fflush(fp) == EOF || ferror(fp)) {
        weprintf("%s: write error:", name);
        ret = EXIT_IO;
    }
    if (fp != stdout && fp != stderr && fclose(fp) == EOF && !ret) {
        weprintf("%s: close error:", name);
        ret = EXIT_IO;
    }
    return ret;
}

double util_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

int util_grow(void **p, size_t *cap, size_t need, size_t esize)
{
    if (need <= *cap)
        return 0;
    size_t c = *cap ? *cap : 256;
    while (c < need)
        c *= 2;
    void *q = realloc(*p, c * esize);
    if (!q)
        return -1;
    *p = q;
    *cap = c;
    return 0;
}

double util_cpu(void)
{
    struct timespec ts;
    if (clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts) != 0)
        return 0.0;
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

void buf_reserve(struct buf *b, size_t extra)
{
    if (b->len + extra + 1 <= b->cap)
        return;
    size_t cap = b->cap ? b->cap : 256;
    while (cap < b->len + extra + 1)
        cap = emul(cap, 2);
    b->p = erealloc(b->p, cap);
    b->cap = cap;
}

void buf_append(struct buf *b, const void *data, size_t n)
{
    buf_reserve(b, n);
    memcpy(b->p + b->len, data, n);
    b->len += n;
    b->p[b->len] = 0;
}

void buf_putc(struct buf *b, char c)
{
    buf_append(b, &c, 1);
}

void buf_printf(struct buf *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0)
        return;
    buf_reserve(b, (size_t)n);
    va_start(ap, fmt);
    vsnprintf(b->p + b->len, (size_t)n + 1, fmt, ap);
    va_end(ap);
    b->len += (size_t)n;
}

void buf_free(struct buf *b)
{
    free(b->p);
    memset(b, 0, sizeof *b);
}

void progress_init(struct progress *pg, int force, uint64_t total, const char *what)
{
    pg->on = force || isatty(2);
    pg->t0 = pg->tlast = util_now();
    pg->total = total;
    pg->what = what ? what : "records";
}

static void progress_print(struct progress *pg, uint64_t done, int final)
{
    double t = util_now(), el = t - pg->t0;
    double rate = el > 0 ? (double)done / el : 0;
    fprintf(stderr, "%s: %llu %s, %.0f/s, %.1f s", argv0, (unsigned long long)done, pg->what, rate,
            el);
    if (pg->total && rate > 0 && !final)
        fprintf(stderr, ", ETA %.0f s", (double)(pg->total - (done < pg->total ? done : pg->total)) / rate);
    fputs(final ? "\n" : (isatty(2) ? "\r" : "\n"), stderr);
}

void progress_update(struct progress *pg, uint64_t done)
{
    if (!pg->on)
        return;
    double t = util_now();
    if (t - pg->tlast < 0.5)
        return;
    pg->tlast = t;
    progress_print(pg, done, 0);
}

void progress_done(struct progress *pg, uint64_t done)
{
    if (pg->on)
        progress_print(pg, done, 1);
}

void util_check_stdout_binary(int force)
{
    if (!force && isatty(1))
        enprintf(EXIT_USAGE, "refusing to write msgpack to a terminal (use -f, or pipe into mpk2json)");
}
