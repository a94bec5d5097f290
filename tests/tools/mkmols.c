/* mkmols: write random but valid relation-build (+ blend-mask) molecule records for tests.
 *
 * usage: mkmols [-n COUNT] [-s SEED] [--min-atoms A] [--max-atoms A] [--mode blend|2d|3d|none]
 * Molecules are random trees of C/N/O atoms with 3D positions (bond length ~1.5 A), OGB-style
 * atom features, bond features, degree, SPD and 5-hop path bond indices consistent with the
 * bonds (BFS). --mode blend (default) adds pmask/amask/noise like blend-mask; none writes no
 * blend keys. Labels: "size" = n/10 + 0.3*#N - 0.2*#O (regression), "hasO" = 1 if any O
 * (classification; missing for every 7th molecule), "hasN" = 1 if any N. Deterministic. */
#include "mol.h"
#include "rec.h"
#include "rng.h"
#include "util.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static void make(struct mol *m, struct rng *r, int k, int amin, int amax, int mode)
{
    char id[32];
    int n = amin + (int)rng_below(r, (uint32_t)(amax - amin + 1));
    mol_init(m);
    snprintf(id, sizeof id, "mk%d", k);
    mol_set_str(&m->id, id);
    mol_set_str(&m->src, "mkmols");
    mol_set_str(&m->fmt, "sdf");
    m->rec = (uint32_t)k;
    m->n = (uint32_t)n;
    m->nb = (uint32_t)(n - 1);
    m->has_bonds = 1;
    m->is3d = 1;
    m->has_pos = 1;
    uint8_t *z = mol_alloc(m, MOL_F_z, (size_t)n);
    uint16_t *bonds = mol_alloc(m, MOL_F_bonds, 2 * (size_t)(n - 1));
    uint8_t *bo = mol_alloc(m, MOL_F_bo, (size_t)(n - 1));
    float *pos = mol_alloc(m, MOL_F_pos, 3 * (size_t)n);
    uint8_t *af = mol_alloc(m, MOL_F_af, 9 * (size_t)n);
    uint8_t *bf = mol_alloc(m, MOL_F_bf, 3 * (size_t)(n - 1));
    uint8_t *deg = mol_alloc(m, MOL_F_deg, (size_t)n);
    uint16_t *spd = mol_alloc(m, MOL_F_spd, (size_t)n * n);
    uint16_t *path = mol_alloc(m, MOL_F_path, (size_t)n * n * 5);
    float *dist = mol_alloc(m, MOL_F_dist, (size_t)n * n);
    int *parent = ecalloc((size_t)n, sizeof *parent), *pbond = ecalloc((size_t)n, sizeof *pbond);
    int nN = 0, nO = 0;
    static const uint8_t zs[3] = {6, 7, 8};
    for (int i = 0; i < n; i++) {
        int t = rng_below(r, 10) < 6 ? 0 : 1 + (int)rng_below(r, 2);
        z[i] = zs[t];
        nN += t == 1;
        nO += t == 2;
        parent[i] = i ? (int)rng_below(r, (uint32_t)i) : -1;
        if (i) {
            int b = i - 1;
            bonds[2 * b] = (uint16_t)parent[i];
            bonds[2 * b + 1] = (uint16_t)i;
            bo[b] = BO_SINGLE;
            pbond[i] = b;
            bf[3 * b] = (uint8_t)rng_below(r, 4);
            bf[3 * b + 1] = (uint8_t)rng_below(r, 3);
            bf[3 * b + 2] = (uint8_t)rng_below(r, 2);
            deg[i]++;
            deg[parent[i]]++;
            double u[3], s = 0;
            for (int a = 0; a < 3; a++) {
                u[a] = rng_normal(r);
                s += u[a] * u[a];
            }
            s = sqrt(s) + 1e-9;
            for (int a = 0; a < 3; a++)
                pos[3 * i + a] = pos[3 * parent[i] + a] + (float)(1.5 * u[a] / s);
        }
        af[9 * i] = (uint8_t)(z[i] - 1);
        for (int f = 1; f < 9; f++)
            af[9 * i + f] = (uint8_t)rng_below(r, 3);
    }
    /* tree paths: path i->j = up from i to the common ancestor, then down to j */
    int *up_i = ecalloc((size_t)n, sizeof *up_i), *up_j = ecalloc((size_t)n, sizeof *up_j);
    for (int i = 0; i < n; i++)
        for (int j = 0; j < n; j++) {
            int a = i, b = j, ni = 0, nj = 0;
            /* depth equalise via ancestor lists */
            int da = 0, db = 0;
            for (int x = a; parent[x] >= 0; x = parent[x])
                da++;
            for (int x = b; parent[x] >= 0; x = parent[x])
                db++;
            while (da > db) {
                up_i[ni++] = pbond[a];
                a = parent[a];
                da--;
            }
            while (db > da) {
                up_j[nj++] = pbond[b];
                b = parent[b];
                db--;
            }
            while (a != b) {
                up_i[ni++] = pbond[a];
                a = parent[a];
                up_j[nj++] = pbond[b];
                b = parent[b];
            }
            int len = ni + nj;
            spd[i * n + j] = (uint16_t)len;
            for (int d = 0; d < 5; d++) {
                int bi = MOL_NO_BOND;
                if (d < len)
                    bi = d < ni ? up_i[d] : up_j[nj - 1 - (d - ni)];
                path[((size_t)i * n + j) * 5 + d] = (uint16_t)bi;
            }
            double s = 0;
            for (int c = 0; c < 3; c++) {
                double e = pos[3 * j + c] - pos[3 * i + c];
                s += e * e;
            }
            dist[i * n + j] = (float)sqrt(s);
        }
    for (int i = 0; i < n; i++)
        af[9 * i + 2] = deg[i] < 10 ? deg[i] : 10; /* OGB degree feature */
    free(up_i);
    free(up_j);
    free(parent);
    free(pbond);
    if (mode >= 0) {
        m->mode = mode;
        if (mode == MODE_BLEND) {
            uint8_t *pm = mol_alloc(m, MOL_F_pmask, (size_t)n * n);
            uint8_t *am = mol_alloc(m, MOL_F_amask, (size_t)n);
            float *no = mol_alloc(m, MOL_F_noise, 3 * (size_t)n);
            for (int i = 0; i < n * n; i++) {
                double u = rng_uniform(r);
                pm[i] = u < 0.2 ? PM_SPD : u < 0.4 ? PM_EDGE : PM_3D;
            }
            for (int i = 0; i < n; i++)
                am[i] = rng_uniform(r) < 0.4 ? AM_DEGREE : AM_3D;
            for (int i = 0; i < 3 * n; i++)
                no[i] = (float)(0.2 * rng_normal(r));
        }
    }
    struct mol_label *l = mol_add_label(m, "size");
    l->kind = LAB_NUM;
    l->num = n / 10.0 + 0.3 * nN - 0.2 * nO;
    l = mol_add_label(m, "hasO");
    l->kind = k % 7 == 3 ? LAB_NIL : LAB_NUM;
    l->num = nO > 0;
    l = mol_add_label(m, "hasN");
    l->kind = LAB_NUM;
    l->num = nN > 0;
}

int main(int argc, char **argv)
{
    int count = 16, amin = 3, amax = 10, mode = MODE_BLEND;
    uint64_t seed = 1;
    util_set_argv0(argv[0]);
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (!strcmp(a, "-n") && v)
            count = (int)estrtoll(argv[++i], "-n", 1, 1000000);
        else if (!strcmp(a, "-s") && v)
            seed = (uint64_t)estrtoll(argv[++i], "-s", 0, 1LL << 62);
        else if (!strcmp(a, "--min-atoms") && v)
            amin = (int)estrtoll(argv[++i], a, 2, 200);
        else if (!strcmp(a, "--max-atoms") && v)
            amax = (int)estrtoll(argv[++i], a, 2, 200);
        else if (!strcmp(a, "--mode") && v) {
            i++;
            mode = !strcmp(v, "blend") ? MODE_BLEND : !strcmp(v, "2d") ? MODE_2D
                   : !strcmp(v, "3d") ? MODE_3D : -1;
        } else {
            fprintf(stderr, "usage: mkmols [-n COUNT] [-s SEED] [--min-atoms A] [--max-atoms A] "
                            "[--mode blend|2d|3d|none]\n");
            return EXIT_USAGE;
        }
    }
    if (amax < amin)
        amax = amin;
    struct rec_writer w;
    struct rng r;
    rng_init(&r, seed);
    if (rec_writer_open(&w, "-", 0))
        return EXIT_IO;
    rec_write_header(&w, MOL_SCHEMA, MOL_VERSION, "mkmols");
    for (int k = 0; k < count; k++) {
        struct mol m;
        make(&m, &r, k, amin, amax, mode);
        mol_pack(&m, rec_begin(&w));
        rec_end(&w);
        mol_free(&m);
    }
    return rec_writer_close(&w);
}
