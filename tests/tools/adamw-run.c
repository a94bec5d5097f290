/* adamw-run: run adamw_step (common/optim.c) on raw float32 data, for comparison with PyTorch.
 *
 * usage: adamw-run N STEPS LR WD < in.f32 > out.f32
 * stdin: p0[N], then STEPS gradients g[N] (little-endian float32). stdout: p[N], m[N], v[N]
 * after the steps (t = 1..STEPS). stderr: "adamw-run: N params, S steps, X ns/param/step". */
#include "optim.h"
#include "util.h"

#include <stdio.h>
#include <stdlib.h>

int main(int argc, char **argv)
{
    util_set_argv0(argv[0]);
    if (argc != 5) {
        fprintf(stderr, "usage: adamw-run N STEPS LR WD < in.f32 > out.f32\n");
        return EXIT_USAGE;
    }
    size_t n = (size_t)estrtoll(argv[1], "N", 1, 1LL << 30);
    long steps = (long)estrtoll(argv[2], "STEPS", 1, 1000000);
    double lr = estrtod(argv[3], "LR", 0, 1e30), wd = estrtod(argv[4], "WD", 0, 1e6);
    float *p = emalloc(n * 4), *g = emalloc(n * 4), *m = ecalloc(n, 4), *v = ecalloc(n, 4);
    struct adamw a;
    adamw_defaults(&a);
    a.weight_decay = wd;
    if (fread(p, 4, n, stdin) != n)
        enprintf(EXIT_DATA, "short input (p0)");
    double t = 0;
    for (long s = 1; s <= steps; s++) {
        if (fread(g, 4, n, stdin) != n)
            enprintf(EXIT_DATA, "short input (gradient %ld)", s);
        double t0 = util_now();
        adamw_step(&a, p, g, m, v, n, lr, s);
        t += util_now() - t0;
    }
    fwrite(p, 4, n, stdout);
    fwrite(m, 4, n, stdout);
    fwrite(v, 4, n, stdout);
    fprintf(stderr, "adamw-run: %zu params, %ld steps, %.3f ns/param/step\n", n, steps,
            1e9 * t / ((double)n * (double)steps));
    free(p), free(g), free(m), free(v);
    return fshut(stdout, "<stdout>");
}
