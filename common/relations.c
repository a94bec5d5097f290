/* relations.c: see relations.h. */
#include "relations.h"

#include "mol.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

void rel_work_free(struct rel_work *w)
{
    free(w->M);
    free(w->P);
    free(w->B);
    memset(w, 0, sizeof *w);
}

void rel_degree(uint32_t n, uint32_t nb, const uint16_t *bonds, uint8_t *deg)
{
    memset(deg, 0, n);
    for (uint32_t b = 0; b < nb; b++) {
        uint32_t x = bonds[2 * b], y = bonds[2 * b + 1];
        int dup = 0;
        for (uint32_t c = 0; c < b && !dup; c++) /* duplicates are rare: only check when */
            if ((bonds[2 * c] == x && bonds[2 * c + 1] == y) ||
                (bonds[2 * c] == y && bonds[2 * c + 1] == x))
                dup = 1;
        if (dup || x == y)
            continue;
        if (deg[x] < 255)
            deg[x]++;
        if (deg[y] < 255)
            deg[y]++;
    }
}

/* append up to max intermediate nodes of the reconstructed path i->j (get_all_edges) */
static void rel_emit(const int32_t *P, uint32_t n, uint32_t i, uint32_t j, uint32_t *out, int *cnt,
                     int max)
{
    if (*cnt >= max)
        return;
    int32_t k = P[(size_t)i * n + j];
    if (k < 0)
        return;
    rel_emit(P, n, i, (uint32_t)k, out, cnt, max);
    if (*cnt >= max)
        return;
    out[(*cnt)++] = (uint32_t)k;
    rel_emit(P, n, (uint32_t)k, j, out, cnt, max);
}

int rel_spd_paths(uint32_t n, uint32_t nb, const uint16_t *bonds, uint16_t *spd, uint16_t *path,
                  struct rel_work *w)
{
    size_t nn = (size_t)n * n;
    if (nn > w->cap) {
        size_t c = nn < 256 ? 256 : nn;
        int32_t *M = realloc(w->M, c * sizeof *M), *P, *B;
        if (!M)
            return -1;
        w->M = M;
        P = realloc(w->P, c * sizeof *P);
        if (!P)
            return -1;
        w->P = P;
        B = realloc(w->B, c * sizeof *B);
        if (!B)
            return -1;
        w->B = B;
        w->cap = c;
    }
    int32_t *M = w->M, *P = w->P, *B = w->B;
    const int32_t U = MOL_SPD_UNREACHABLE;
    for (size_t t = 0; t < nn; t++) {
        M[t] = U;
        P[t] = 0;
        B[t] = -1;
    }
    for (uint32_t i = 0; i < n; i++)
        M[(size_t)i * n + i] = 0;
    for (uint32_t b = 0; b < nb; b++) {
        uint32_t x = bonds[2 * b], y = bonds[2 * b + 1];
        if (x == y)
            continue;
        M[(size_t)x * n + y] = M[(size_t)y * n + x] = 1;
        B[(size_t)x * n + y] = B[(size_t)y * n + x] = (int32_t)b;
    }
    /* Floyd-Warshall, k outer, strict update: path[i][j] = k */
    for (uint32_t k = 0; k < n; k++) {
        const int32_t *Mk = M + (size_t)k * n;
        for (uint32_t i = 0; i < n; i++) {
            int32_t *Mi = M + (size_t)i * n;
            int32_t mik = Mi[k];
            if (mik >= U) /* no sum through k can beat an entry <= 510 */
                continue;
            int32_t *Pi = P + (size_t)i * n;
            for (uint32_t j = 0; j < n; j++) {
                int32_t c = mik + Mk[j];
                if (Mi[j] > c) {
                    Mi[j] = c;
                    Pi[j] = (int32_t)k;
                }
            }
        }
    }
    for (size_t t = 0; t < nn; t++) {
        if (M[t] >= U) {
            M[t] = U;
            P[t] = U;
        }
        if (B[t] >= 0)
            P[t] = -1;
    }
    for (size_t t = 0; t < nn; t++)
        spd[t] = (uint16_t)M[t];
    if (!path)
        return 0;
    for (size_t t = 0; t < nn * MOL_HOPS; t++)
        path[t] = MOL_NO_BOND;
    uint32_t nodes[MOL_HOPS + 2];
    for (uint32_t i = 0; i < n; i++) {
        for (uint32_t j = 0; j < n; j++) {
            size_t t = (size_t)i * n + j;
            if (i == j || P[t] == U)
                continue;
            int cnt = 0;
            nodes[0] = i;
            rel_emit(P, n, i, j, nodes + 1, &cnt, MOL_HOPS);
            int len = cnt + 1;
            if (cnt < MOL_HOPS)
                nodes[len++] = j;
            uint16_t *pp = path + t * MOL_HOPS;
            for (int d = 0; d + 1 < len && d < MOL_HOPS; d++) {
                int32_t b = B[(size_t)nodes[d] * n + nodes[d + 1]];
                pp[d] = b >= 0 ? (uint16_t)b : MOL_NO_BOND;
            }
        }
    }
    return 0;
}

void rel_distances(uint32_t n, const float *pos, float *dist)
{
    for (uint32_t i = 0; i < n; i++) {
        const float *a = pos + 3 * (size_t)i;
        for (uint32_t j = 0; j < n; j++) {
            const float *b = pos + 3 * (size_t)j;
            float dx = a[0] - b[0], dy = a[1] - b[1], dz = a[2] - b[2];
            dist[(size_t)i * n + j] = sqrtf(dx * dx + dy * dy + dz * dz);
        }
    }
}
