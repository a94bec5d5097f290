/* sgemm-bench: OpenBLAS sgemm throughput at one shape, the ceiling the model's GFLOP/s is
 * compared with (tests/bench/train.sh).
 *
 * usage: sgemm-bench [M K N] [SECONDS] [THREADS]
 * Times C (M, N) = A (M, K) B^T (N, K) + C, row-major, the layout of layers.c matmul_forward
 * (out = inp W^T), repeated for about SECONDS (default 1) after one warm-up call. THREADS sets
 * openblas_set_num_threads (default: OpenBLAS's own choice / OPENBLAS_NUM_THREADS).
 * stdout: "sgemm M K N threads T: G GFLOP/s wall, C GFLOP/s cpu (R calls, S s, KERNELS)",
 * KERNELS the OpenBLAS core in use (its choice for the CPU, or OPENBLAS_CORETYPE); FLOPs = 2 M N K
 * per call; "cpu" divides by the process CPU time (all threads), which stays meaningful on a
 * loaded machine for one thread. */
#include "layers.h"
#include "util.h"

#include <cblas.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

void openblas_set_num_threads(int num_threads);
int openblas_get_num_threads(void);

static double cpu_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static const char usage_line[] = "[M K N] [SECONDS] [THREADS]";

int main(int argc, char **argv)
{
    util_set_argv0(argv[0]);
    if (argc > 1 && (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help"))) {
        printf("usage: sgemm-bench %s\n"
               "OpenBLAS sgemm GFLOP/s for C(M,N) += A(M,K) B(N,K)^T (default 1024 768 768).\n",
               usage_line);
        return 0;
    }
    if (argc != 1 && argc != 4 && argc != 5 && argc != 6)
        eusage(usage_line, "give M K N, optionally SECONDS and THREADS");
    int M = 1024, K = 768, N = 768;
    double secs = 1.0;
    if (argc >= 4) {
        M = (int)estrtoll(argv[1], "M", 1, 1 << 16);
        K = (int)estrtoll(argv[2], "K", 1, 1 << 16);
        N = (int)estrtoll(argv[3], "N", 1, 1 << 16);
    }
    if (argc >= 5)
        secs = estrtod(argv[4], "SECONDS", 0.01, 3600);
    if (argc >= 6)
        openblas_set_num_threads((int)estrtoll(argv[5], "THREADS", 1, 1024));
    float *a = emalloc((size_t)M * K * sizeof *a), *b = emalloc((size_t)N * K * sizeof *b);
    float *c = ecalloc((size_t)M * N, sizeof *c);
    for (size_t i = 0; i < (size_t)M * K; i++)
        a[i] = (float)((i * 2654435761u) % 1000) * 1e-3f - 0.5f;
    for (size_t i = 0; i < (size_t)N * K; i++)
        b[i] = (float)((i * 40503u) % 1000) * 1e-3f - 0.5f;
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, M, N, K, 1.0f, a, K, b, K, 0.0f, c, N);
    long calls = 0;
    double t0 = util_now(), c0 = cpu_now(), t = 0;
    do {
        cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, M, N, K, 1.0f, a, K, b, K, 1.0f, c,
                    N);
        calls++;
        t = util_now() - t0;
    } while (t < secs);
    double ct = cpu_now() - c0;
    double fl = 2.0 * M * N * (double)K * (double)calls * 1e-9;
    printf("sgemm %d %d %d threads %d: %.2f GFLOP/s wall, %.2f GFLOP/s cpu (%ld calls, %.3f s, %s)\n",
           M, K, N, openblas_get_num_threads(), fl / t, fl / (ct > 0 ? ct : t), calls, t,
           layers_blas_core());
    free(a), free(b), free(c);
    return fshut(stdout, "<stdout>");
}
