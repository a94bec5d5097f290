/* test-relations.c: degree, Floyd-Warshall SPD and multi-hop bond paths (SPEC 1.3, 1.5, 1.6),
 * pair distances (1.7). Expected tie-breaks come from Graphormer's algos.floyd_warshall +
 * gen_edge_input (the Python transcription in tests/bench/features-vs-rdkit.py gives the same
 * values); the random test compares with a naive transcription written out below. */
#include "check.h"
#include "mol.h"
#include "relations.h"
#include "rng.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define NB MOL_NO_BOND

static void run(uint32_t n, uint32_t nb, const uint16_t *bonds, uint16_t *spd, uint16_t *path)
{
    struct rel_work w;
    memset(&w, 0, sizeof w);
    CHECK(rel_spd_paths(n, nb, bonds, spd, path, &w) == 0);
    rel_work_free(&w);
}

static void test_chain(void)
{
    /* 0-1-2-3-4-5-6-7: hops truncated to 5 */
    uint16_t bonds[14];
    for (int i = 0; i < 7; i++) {
        bonds[2 * i] = (uint16_t)i;
        bonds[2 * i + 1] = (uint16_t)(i + 1);
    }
    uint16_t spd[64], path[64 * 5];
    uint8_t deg[8];
    run(8, 7, bonds, spd, path);
    CHECK_EQ_INT(spd[0 * 8 + 7], 7);
    CHECK_EQ_INT(spd[3 * 8 + 3], 0);
    CHECK_EQ_INT(spd[2 * 8 + 5], 3);
    const uint16_t *p07 = path + (0 * 8 + 7) * 5, *p70 = path + (7 * 8 + 0) * 5;
    for (int d = 0; d < 5; d++) {
        CHECK_EQ_INT(p07[d], d);
        CHECK_EQ_INT(p70[d], 6 - d);
    }
    const uint16_t *p13 = path + (1 * 8 + 3) * 5;
    CHECK(p13[0] == 1 && p13[1] == 2 && p13[2] == NB && p13[4] == NB);
    const uint16_t *p44 = path + (4 * 8 + 4) * 5;
    for (int d = 0; d < 5; d++)
        CHECK(p44[d] == NB);
    rel_degree(8, 7, bonds, deg);
    CHECK(deg[0] == 1 && deg[3] == 2 && deg[7] == 1);
}

static void test_ring_ties(void)
{
    /* 6-ring, bonds (0,1) (1,2) (2,3) (3,4) (4,5) (5,0): two shortest paths between opposite
     * atoms; Floyd-Warshall's strict update keeps the first k that reached the minimum */
    static const uint16_t bonds[12] = {0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 0};
    uint16_t spd[36], path[36 * 5];
    run(6, 6, bonds, spd, path);
    CHECK_EQ_INT(spd[0 * 6 + 3], 3);
    static const uint16_t want03[5] = {0, 1, 2, NB, NB}, want30[5] = {2, 1, 0, NB, NB},
                          want14[5] = {1, 2, 3, NB, NB}, want25[5] = {1, 0, 5, NB, NB};
    CHECK(memcmp(path + (0 * 6 + 3) * 5, want03, sizeof want03) == 0);
    CHECK(memcmp(path + (3 * 6 + 0) * 5, want30, sizeof want30) == 0);
    CHECK(memcmp(path + (1 * 6 + 4) * 5, want14, sizeof want14) == 0);
    CHECK(memcmp(path + (2 * 6 + 5) * 5, want25, sizeof want25) == 0);
    /* 4-ring with a tail: (0,1) (1,2) (2,3) (3,0) (3,4) */
    static const uint16_t b2[10] = {0, 1, 1, 2, 2, 3, 3, 0, 3, 4};
    uint16_t s2[25], p2[25 * 5];
    run(5, 5, b2, s2, p2);
    static const uint16_t w02[5] = {0, 1, NB, NB, NB}, w20[5] = {1, 0, NB, NB, NB},
                          w14[5] = {0, 3, 4, NB, NB};
    CHECK(memcmp(p2 + (0 * 5 + 2) * 5, w02, sizeof w02) == 0);
    CHECK(memcmp(p2 + (2 * 5 + 0) * 5, w20, sizeof w20) == 0);
    CHECK(memcmp(p2 + (1 * 5 + 4) * 5, w14, sizeof w14) == 0);
}

static void test_disconnected(void)
{
    /* salt-like: 0-1 and 2 alone; single atom */
    static const uint16_t bonds[2] = {0, 1};
    uint16_t spd[9], path[45];
    run(3, 1, bonds, spd, path);
    CHECK_EQ_INT(spd[0 * 3 + 1], 1);
    CHECK_EQ_INT(spd[0 * 3 + 2], MOL_SPD_UNREACHABLE);
    CHECK_EQ_INT(spd[2 * 3 + 1], MOL_SPD_UNREACHABLE);
    CHECK_EQ_INT(spd[2 * 3 + 2], 0);
    for (int d = 0; d < 5; d++)
        CHECK(path[(0 * 3 + 2) * 5 + d] == NB && path[(2 * 3 + 0) * 5 + d] == NB);
    CHECK(path[(1 * 3 + 0) * 5] == 0 && path[(1 * 3 + 0) * 5 + 1] == NB);
    uint16_t s1[1], p1[5];
    run(1, 0, NULL, s1, p1);
    CHECK(s1[0] == 0 && p1[0] == NB && p1[4] == NB);
    uint8_t deg[3];
    rel_degree(3, 1, bonds, deg);
    CHECK(deg[0] == 1 && deg[1] == 1 && deg[2] == 0);
}

/* ---- naive transcription of algos.floyd_warshall / get_all_edges / gen_edge_input ---- */
static int naive_nodes(const int *P, int n, int i, int j, int *out, int cnt)
{
    int k = P[i * n + j];
    if (k == -1)
        return cnt;
    cnt = naive_nodes(P, n, i, k, out, cnt);
    out[cnt++] = k;
    return naive_nodes(P, n, k, j, out, cnt);
}

static void naive(int n, int nb, const uint16_t *bonds, int *M, int *P, int *E)
{
    int *adj = calloc((size_t)(n * n), sizeof *adj), *bi = malloc(sizeof *bi * (size_t)(n * n));
    for (int b = 0; b < nb; b++) {
        adj[bonds[2 * b] * n + bonds[2 * b + 1]] = adj[bonds[2 * b + 1] * n + bonds[2 * b]] = 1;
        bi[bonds[2 * b] * n + bonds[2 * b + 1]] = bi[bonds[2 * b + 1] * n + bonds[2 * b]] = b;
    }
    for (int i = 0; i < n; i++)
        for (int j = 0; j < n; j++) {
            M[i * n + j] = i == j ? 0 : adj[i * n + j] ? 1 : 510;
            P[i * n + j] = 0;
        }
    for (int k = 0; k < n; k++)
        for (int i = 0; i < n; i++)
            for (int j = 0; j < n; j++)
                if (M[i * n + j] > M[i * n + k] + M[k * n + j]) {
                    M[i * n + j] = M[i * n + k] + M[k * n + j];
                    P[i * n + j] = k;
                }
    for (int t = 0; t < n * n; t++) {
        if (M[t] >= 510)
            M[t] = 510, P[t] = 510;
        if (adj[t])
            P[t] = -1;
    }
    int *nodes = malloc(sizeof *nodes * (size_t)(n + 2));
    for (int t = 0; t < n * n * 5; t++)
        E[t] = -1;
    for (int i = 0; i < n; i++)
        for (int j = 0; j < n; j++) {
            if (i == j || P[i * n + j] == 510)
                continue;
            nodes[0] = i;
            int c = naive_nodes(P, n, i, j, nodes + 1, 0) + 1;
            nodes[c++] = j;
            for (int d = 0; d + 1 < c && d < 5; d++)
                E[(i * n + j) * 5 + d] = bi[nodes[d] * n + nodes[d + 1]];
        }
    free(nodes);
    free(adj);
    free(bi);
}

static void test_random_vs_naive(void)
{
    struct rng r;
    rng_init_keyed(&r, 7, 0, 0, 0);
    struct rel_work w;
    memset(&w, 0, sizeof w);
    int bad = 0;
    for (int trial = 0; trial < 300 && !bad; trial++) {
        int n = 1 + (int)(rng_uniform(&r) * 40);
        int maxb = n * 2, nb = 0;
        uint16_t *bonds = malloc(sizeof *bonds * (size_t)(2 * maxb + 2));
        /* random tree-ish graph plus extra edges, sometimes disconnected */
        for (int i = 1; i < n; i++) {
            if (rng_uniform(&r) < 0.1)
                continue;
            int j = (int)(rng_uniform(&r) * i);
            bonds[2 * nb] = (uint16_t)j, bonds[2 * nb + 1] = (uint16_t)i, nb++;
        }
        for (int e = 0; e < n / 3 && n > 2; e++) {
            int a = (int)(rng_uniform(&r) * n), b = (int)(rng_uniform(&r) * n), dup = 0;
            for (int c = 0; c < nb; c++)
                if ((bonds[2 * c] == a && bonds[2 * c + 1] == b) ||
                    (bonds[2 * c] == b && bonds[2 * c + 1] == a))
                    dup = 1;
            if (a == b || dup)
                continue;
            bonds[2 * nb] = (uint16_t)a, bonds[2 * nb + 1] = (uint16_t)b, nb++;
        }
        size_t nn = (size_t)n * (size_t)n;
        uint16_t *spd = malloc(nn * sizeof *spd), *path = malloc(nn * 5 * sizeof *path);
        int *M = malloc(nn * sizeof *M), *P = malloc(nn * sizeof *P), *E = malloc(nn * 5 * sizeof *E);
        CHECK(rel_spd_paths((uint32_t)n, (uint32_t)nb, bonds, spd, path, &w) == 0);
        naive(n, nb, bonds, M, P, E);
        for (size_t t = 0; t < nn && !bad; t++)
            if (spd[t] != M[t]) {
                printf("#   trial %d pair %zu: spd %d vs %d\n", trial, t, spd[t], M[t]);
                bad = 1;
            }
        for (size_t t = 0; t < nn * 5 && !bad; t++)
            if ((E[t] < 0 ? NB : E[t]) != path[t]) {
                printf("#   trial %d entry %zu: path %d vs %d\n", trial, t, path[t], E[t]);
                bad = 1;
            }
        free(bonds), free(spd), free(path), free(M), free(P), free(E);
    }
    CHECK(!bad);
    rel_work_free(&w);
}

/* One random graph of n atoms (tree-ish, sometimes disconnected, extra edges; with dups set
 * also repeated pairs and self-bonds) through rel_spd_paths, rel_degree and the naive
 * transcription. Returns 0 when they agree. */
static int random_case(struct rng *r, struct rel_work *w, int n, int dups, int label)
{
    int maxb = 3 * n + 4, nb = 0, bad = 0;
    uint16_t *bonds = malloc(sizeof *bonds * (size_t)(2 * maxb));
    for (int i = 1; i < n; i++) {
        if (rng_uniform(r) < 0.05)
            continue;
        int j = (int)(rng_uniform(r) * i);
        bonds[2 * nb] = (uint16_t)j, bonds[2 * nb + 1] = (uint16_t)i, nb++;
    }
    for (int e = 0; e < n / 4 && n > 2; e++) {
        int a = (int)(rng_uniform(r) * n), b = (int)(rng_uniform(r) * n), dup = 0;
        for (int c = 0; c < nb && !dups; c++)
            if ((bonds[2 * c] == a && bonds[2 * c + 1] == b) ||
                (bonds[2 * c] == b && bonds[2 * c + 1] == a))
                dup = 1;
        if ((a == b && !dups) || dup)
            continue;
        bonds[2 * nb] = (uint16_t)a, bonds[2 * nb + 1] = (uint16_t)b, nb++;
    }
    if (dups && nb > 0 && nb < maxb) { /* repeat a bond: the later index wins in path */
        int c = (int)(rng_uniform(r) * nb);
        bonds[2 * nb] = bonds[2 * c + 1], bonds[2 * nb + 1] = bonds[2 * c], nb++;
    }
    size_t nn = (size_t)n * (size_t)n;
    uint16_t *spd = malloc(nn * sizeof *spd), *path = malloc(nn * 5 * sizeof *path);
    int *M = malloc(nn * sizeof *M), *P = malloc(nn * sizeof *P), *E = malloc(nn * 5 * sizeof *E);
    uint8_t *deg = malloc((size_t)n);
    CHECK(rel_spd_paths((uint32_t)n, (uint32_t)nb, bonds, spd, path, w) == 0);
    naive(n, nb, bonds, M, P, E);
    for (size_t t = 0; t < nn && !bad; t++)
        if (spd[t] != M[t]) {
            printf("#   case %d (n=%d): pair %zu: spd %d vs %d\n", label, n, t, spd[t], M[t]);
            bad = 1;
        }
    for (size_t t = 0; t < nn * 5 && !bad; t++)
        if ((E[t] < 0 ? NB : E[t]) != path[t]) {
            printf("#   case %d (n=%d): entry %zu: path %d vs %d\n", label, n, t, path[t], E[t]);
            bad = 1;
        }
    /* spd alone (path NULL) is the same matrix */
    CHECK(rel_spd_paths((uint32_t)n, (uint32_t)nb, bonds, spd, NULL, w) == 0);
    for (size_t t = 0; t < nn && !bad; t++)
        if (spd[t] != M[t]) {
            printf("#   case %d (n=%d): pair %zu: spd without path %d vs %d\n", label, n, t,
                   spd[t], M[t]);
            bad = 1;
        }
    rel_degree((uint32_t)n, (uint32_t)nb, bonds, deg);
    for (int i = 0; i < n && !bad; i++) {
        int d = 0;
        for (int j = 0; j < n; j++)
            d += j != i && M[i * n + j] == 1;
        if (deg[i] != d) {
            printf("#   case %d (n=%d): atom %d: degree %d vs %d\n", label, n, i, deg[i], d);
            bad = 1;
        }
    }
    free(bonds), free(spd), free(path), free(M), free(P), free(E), free(deg);
    return bad;
}

/* Every size class of rel_spd_paths (bit-mask BFS up to 64 atoms, BFS below 510, literal
 * Floyd-Warshall from 510), repeated bonds and self-bonds, one workspace throughout. (Not
 * beyond 510 atoms: there the original marks pairs whose Floyd-Warshall intermediate is atom
 * 510 as unreachable, path[i][j] == 510, which the transcription repeats and we do not.) */
static void test_sizes_vs_naive(void)
{
    struct rng r;
    rng_init_keyed(&r, 8, 0, 0, 0);
    struct rel_work w;
    memset(&w, 0, sizeof w);
    int bad = 0, k = 0;
    static const int sizes[] = {63, 64, 65, 2, 130, 1, 509, 64, 200, 3, 510, 40, 510, 17};
    for (size_t i = 0; i < sizeof sizes / sizeof *sizes && !bad; i++)
        bad = random_case(&r, &w, sizes[i], (int)(i & 1), k++);
    for (int t = 0; t < 150 && !bad; t++)
        bad = random_case(&r, &w, 1 + (int)(rng_uniform(&r) * 100), t & 1, k++);
    CHECK(!bad);
    rel_work_free(&w);
}

static void test_distances(void)
{
    static const float pos[9] = {0, 0, 0, 3, 0, 0, 0, 4, 0};
    float d[9];
    rel_distances(3, pos, d);
    CHECK_CLOSE(d[0 * 3 + 1], 3.0, 1e-6);
    CHECK_CLOSE(d[1 * 3 + 2], 5.0, 1e-6);
    CHECK_CLOSE(d[2 * 3 + 1], 5.0, 1e-6);
    CHECK_CLOSE(d[2 * 3 + 2], 0.0, 0);
    /* every size: the same float32 expression, bit for bit */
    struct rng r;
    rng_init_keyed(&r, 9, 0, 0, 0);
    static const uint32_t ns[] = {1, 2, 17, 256, 257, 300};
    for (size_t k = 0; k < sizeof ns / sizeof *ns; k++) {
        uint32_t n = ns[k];
        float *p = malloc(3 * n * sizeof *p), *dd = malloc((size_t)n * n * sizeof *dd);
        for (uint32_t i = 0; i < 3 * n; i++)
            p[i] = (rng_uniformf(&r) - 0.5f) * 40.0f;
        rel_distances(n, p, dd);
        int bad = 0;
        for (uint32_t i = 0; i < n && !bad; i++)
            for (uint32_t j = 0; j < n && !bad; j++) {
                float dx = p[3 * i] - p[3 * j], dy = p[3 * i + 1] - p[3 * j + 1],
                      dz = p[3 * i + 2] - p[3 * j + 2];
                float want = sqrtf(dx * dx + dy * dy + dz * dz);
                if (memcmp(&want, &dd[(size_t)i * n + j], sizeof want)) {
                    printf("#   n=%u (%u,%u): %.9g vs %.9g\n", n, i, j, dd[(size_t)i * n + j],
                           want);
                    bad = 1;
                }
            }
        CHECK(!bad);
        free(p), free(dd);
    }
    int ti, tj;
    rel_pair_type(6, 8, &ti, &tj);
    CHECK(ti == 8 && tj == 522);
}

int main(void)
{
    RUN(test_chain);
    RUN(test_ring_ties);
    RUN(test_disconnected);
    RUN(test_random_vs_naive);
    RUN(test_sizes_vs_naive);
    RUN(test_distances);
    CHECK_EXIT();
}
