/* util.h: diagnostics, exit codes, allocators and number parsing shared by every tool.
 * Style after sbase/libutil: e* functions exit on failure, w* only warn. */
#ifndef MB_UTIL_H
#define MB_UTIL_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* Exit codes of every moleblend tool (README "Exit status"). */
enum {
    EXIT_OK = 0,      /* all records processed */
    EXIT_DATA = 1,    /* bad/truncated record, parse error, schema mismatch, rejects */
    EXIT_USAGE = 2,   /* bad option or argument */
    EXIT_IO = 3,      /* open/read/write failure, OOM, archive failure */
    EXIT_NUMERIC = 4, /* NaN/Inf in loss or gradients (train-step, evaluate) */
};

extern const char *argv0; /* basename of argv[0], set by util_set_argv0 */
extern int verbosity;     /* 0 quiet .. 3 debug; default 1 */

void util_set_argv0(const char *arg);

/* "argv0: fmt" on stderr; a format ending in ':' appends strerror(errno). */
void weprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* "argv0: src: record idx (id=ID): message" on stderr, the form of every per-record problem
 * (no id part when id is NULL) */
void werecord(const char *src, uint64_t idx, const char *id, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
/* as weprintf, then exit(status) */
void enprintf(int status, const char *fmt, ...) __attribute__((noreturn, format(printf, 2, 3)));
/* "argv0: " + message + "\nusage: argv0 <usage>" then exit 2 */
void eusage(const char *usage, const char *fmt, ...) __attribute__((noreturn, format(printf, 2, 3)));

/* Library error messages (common/ never prints): format into err[errlen] (may be NULL) and
 * return -1, so a parser can `return util_seterr(...)`. The _line form prefixes "line L: ". */
int util_seterr(char *err, size_t errlen, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
int util_seterr_line(char *err, size_t errlen, uint32_t line, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
/* Printable excerpt (at most 24 chars, non-printables as '?') of s[0..n) in tmp, for messages. */
const char *util_excerpt(const char *s, size_t n, char *tmp, size_t tn);

/* Allocators: exit 3 on OOM. */
void *emalloc(size_t n);
void *ecalloc(size_t nmemb, size_t size);
void *erealloc(void *p, size_t n);
char *estrdup(const char *s);
char *estrndup(const char *s, size_t n);
/* Zeroed, 64-byte aligned block for big arenas (model tensors, optimizer moments): pages are
 * zeroed by the kernel on first touch, in 2 MiB huge pages where it gives them, so only what is
 * used becomes resident. Free with util_bigfree (NULL is fine). Exit 3 on OOM. */
void *util_bigalloc(size_t bytes);
void util_bigfree(void *p);
/* n * size with overflow check (exit 3) */
size_t emul(size_t a, size_t b);

/* Strict number parsing for options: exits 2 naming the option on bad input or range. */
long long estrtoll(const char *s, const char *opt, long long lo, long long hi);
double estrtod(const char *s, const char *opt, double lo, double hi);

/* Parse "a,b,c" into out[n] doubles; exits 2 on bad input. */
void estrtod_list(const char *s, const char *opt, double *out, int n);

/* Flush and close a stream; on error report "argv0: name: strerror" and return EXIT_IO, else 0. */
int fshut(FILE *fp, const char *name);

/* Monotonic seconds. */
double util_now(void);
/* Grow *p (an array of esize-byte elements with capacity *cap) to hold at least need elements,
 * doubling from 256; 0, or -1 when out of memory (*p and *cap unchanged). For scratch buffers
 * of library code, which must not exit. */
int util_grow(void **p, size_t *cap, size_t need, size_t esize);
/* Inside a function returning int: realloc array x to c elements, or return -1. */
#define UTIL_REALLOC_OR_FAIL(x, c)                                                             \
    do {                                                                                       \
        void *q_ = realloc((x), (c) * sizeof *(x));                                            \
        if (!q_)                                                                               \
            return -1;                                                                         \
        (x) = q_;                                                                              \
    } while (0)
/* CPU seconds (user + system, all threads) used by this process so far */
double util_cpu(void);

/* Growable byte buffer. */
struct buf {
    char *p;
    size_t len, cap;
};
void buf_reserve(struct buf *b, size_t extra);
void buf_append(struct buf *b, const void *data, size_t n);
void buf_putc(struct buf *b, char c);
void buf_printf(struct buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void buf_free(struct buf *b);

/* Progress reporter: prints "argv0: N recs, R/s, ETA" on stderr at most every 0.5 s,
 * enabled when stderr is a terminal or force != 0. total = 0 means unknown (no ETA). */
struct progress {
    int on;
    double t0, tlast;
    uint64_t total;
    const char *what;
};
void progress_init(struct progress *pg, int force, uint64_t total, const char *what);
void progress_update(struct progress *pg, uint64_t done);
void progress_done(struct progress *pg, uint64_t done);

/* Refuse to write binary msgpack to a terminal unless force (exit 2). */
void util_check_stdout_binary(int force);

#endif
