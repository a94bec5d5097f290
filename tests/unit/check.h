/* check.h: minimal unit-test macros. A test binary prints "ok - name" / "not ok - name" per
 * test (tests/run.sh counts them) and exits 1 if any failed; 77 = skipped entirely. */
#ifndef MB_CHECK_H
#define MB_CHECK_H

#include <math.h>
#include <stdio.h>
#include <stdlib.h>

static int check_failed_total;
static int check_failed_here;

#define CHECK(cond)                                                                                \
    do {                                                                                           \
        if (!(cond)) {                                                                             \
            fprintf(stdout, "#   %s:%d: CHECK(%s) failed\n", __FILE__, __LINE__, #cond);           \
            check_failed_here++;                                                                   \
        }                                                                                          \
    } while (0)

#define CHECK_MSG(cond, ...)                                                                       \
    do {                                                                                           \
        if (!(cond)) {                                                                             \
            fprintf(stdout, "#   %s:%d: CHECK(%s) failed: ", __FILE__, __LINE__, #cond);           \
            fprintf(stdout, __VA_ARGS__);                                                          \
            fputc('\n', stdout);                                                                   \
            check_failed_here++;                                                                   \
        }                                                                                          \
    } while (0)

#define CHECK_EQ_INT(a, b)                                                                         \
    do {                                                                                           \
        long long check_a_ = (long long)(a), check_b_ = (long long)(b);                            \
        if (check_a_ != check_b_) {                                                                \
            fprintf(stdout, "#   %s:%d: %s == %s failed: %lld != %lld\n", __FILE__, __LINE__, #a,  \
                    #b, check_a_, check_b_);                                                       \
            check_failed_here++;                                                                   \
        }                                                                                          \
    } while (0)

#define CHECK_CLOSE(a, b, tol)                                                                     \
    do {                                                                                           \
        double check_a_ = (a), check_b_ = (b);                                                     \
        if (!(fabs(check_a_ - check_b_) <= (tol))) {                                               \
            fprintf(stdout, "#   %s:%d: %s ~ %s failed: %.9g vs %.9g (tol %g)\n", __FILE__,        \
                    __LINE__, #a, #b, check_a_, check_b_, (double)(tol));                          \
            check_failed_here++;                                                                   \
        }                                                                                          \
    } while (0)

/* Compare n floats: |a-b| <= atol + rtol*|b|; prints first bad index and max diff. */
#define CHECK_TENSOR(a, b, n, atol, rtol, label)                                                   \
    do {                                                                                           \
        double maxd_ = 0;                                                                          \
        long bad_ = -1;                                                                            \
        for (long i_ = 0; i_ < (long)(n); i_++) {                                                  \
            double d_ = fabs((double)(a)[i_] - (double)(b)[i_]);                                   \
            if (d_ > maxd_ || d_ != d_) maxd_ = d_;                                                \
            if (bad_ < 0 && !(d_ <= (atol) + (rtol)*fabs((double)(b)[i_]))) bad_ = i_;             \
        }                                                                                          \
        if (bad_ >= 0) {                                                                           \
            fprintf(stdout, "#   %s:%d: tensor %s differs at %ld: %.9g vs %.9g, maxdiff %.3g\n",   \
                    __FILE__, __LINE__, label, bad_, (double)(a)[bad_], (double)(b)[bad_], maxd_); \
            check_failed_here++;                                                                   \
        }                                                                                          \
    } while (0)

/* Run one named test function. */
#define RUN(fn)                                                                                    \
    do {                                                                                           \
        check_failed_here = 0;                                                                     \
        fn();                                                                                      \
        fflush(stdout);                                                                            \
        printf("%s - %s\n", check_failed_here ? "not ok" : "ok", #fn);                             \
        check_failed_total += check_failed_here != 0;                                              \
    } while (0)

#define CHECK_EXIT() return check_failed_total ? 1 : 0

/* Path of the shared data dir (env MB_DATA, set by tests/run.sh), or NULL if absent. */
static inline const char *check_data_dir(void)
{
    const char *d = getenv("MB_DATA");
    FILE *f;
    if (!d)
        return NULL;
    char p[4096];
    snprintf(p, sizeof p, "%s/README.md", d);
    f = fopen(p, "r");
    if (!f)
        return NULL;
    fclose(f);
    return d;
}

#endif
