/* relations.c: see relations.h. */
#include "relations.h"

#include "mol.h"

#include <math.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif
#include <stdlib.h>
#include <string.h>

void rel_work_free(struct rel_work *w)
{
    free(w->M);
    free(w->P);
    free(w->B);
    free(w->Q);
    memset(w, 0, sizeof *w);
}

void rel_degree(uint32_t n, uint32_t nb, const uint16_t *bonds, uint8_t *deg)
{
    memset(deg, 0, n);
    for (uint32_t b = 0; b < nb; b++) {
        uint32_t x = bonds[2 * b], y = bonds[2 * b + 1];
        if (x == y)
            continue;
        int dup = 0; /* a repeated atom pair is one adjacency entry */
        for (uint32_t c = 0; c < b && !dup; c++)
            if ((bonds[2 * c] == x && bonds[2 * c + 1] == y) ||
                (bonds[2 * c] == y && bonds[2 * c + 1] == x))
                dup = 1;
        if (dup)
            continue;
        if (deg[x] < 255)
            deg[x]++;
        if (deg[y] < 255)
            deg[y]++;
    }
}

int rel_spd_paths(uint32_t n, uint32_t nb, const uint16_t *bonds, uint16_t *spd, uint16_t *path,
                  struct rel_work *w)
{
    size_t nn = (size_t)n * n;
    size_t st = ((size_t)n + 7) & ~(size_t)7; /* row stride of M and P: whole SSE vectors */
    size_t need = (size_t)n * st > nn ? (size_t)n * st : nn;
    if (need + 1 > w->cap) {
        size_t c = need < 256 ? 256 : need + 1;
        int16_t *M = realloc(w->M, c * sizeof *M), *P;
        int32_t *B, *Q;
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
        Q = realloc(w->Q, (c + MOL_SPD_UNREACHABLE + 2) * sizeof *Q);
        if (!Q)
            return -1;
        w->Q = Q;
        w->cap = c;
    }
    int16_t *M = w->M, *P = w->P;
    int32_t *B = w->B;
    const int16_t U = MOL_SPD_UNREACHABLE;
    for (size_t t = 0; t < (size_t)n * st; t++) {
        M[t] = U; /* padding columns stay 510: never improved, never used */
        P[t] = 0;
    }
    for (size_t t = 0; t < nn; t++)
        B[t] = -1;
    for (uint32_t i = 0; i < n; i++)
        M[(size_t)i * st + i] = 0;
    for (uint32_t b = 0; b < nb; b++) {
        uint32_t x = bonds[2 * b], y = bonds[2 * b + 1];
        if (x == y)
            continue;
        M[(size_t)x * st + y] = M[(size_t)y * st + x] = 1;
        B[(size_t)x * n + y] = B[(size_t)y * n + x] = (int32_t)b;
    }
    /* Floyd-Warshall exactly as algos.floyd_warshall: k outer, strict update, path = k.
     * Distances stay <= 1020 and n <= 4096, so int16 holds every value. */
    for (uint32_t k = 0; k < n; k++) {
        const int16_t *Mk = M + (size_t)k * st;
        const int16_t kk = (int16_t)k;
        for (uint32_t i = 0; i < n; i++) {
            int16_t *Mi = M + (size_t)i * st;
            int16_t mik = Mi[k];
            if (mik >= U) /* no sum through k can beat an entry <= 510 */
                continue;
            int16_t *Pi = P + (size_t)i * st;
#ifdef __SSE2__
            const __m128i vik = _mm_set1_epi16(mik), vk = _mm_set1_epi16(kk);
            for (size_t j = 0; j < st; j += 8) {
                __m128i c = _mm_add_epi16(vik, _mm_loadu_si128((const __m128i *)(Mk + j)));
                __m128i mij = _mm_loadu_si128((const __m128i *)(Mi + j));
                __m128i pij = _mm_loadu_si128((const __m128i *)(Pi + j));
                __m128i gt = _mm_cmpgt_epi16(mij, c);
                _mm_storeu_si128((__m128i *)(Mi + j), _mm_min_epi16(mij, c));
                _mm_storeu_si128((__m128i *)(Pi + j),
                                 _mm_or_si128(_mm_and_si128(gt, vk), _mm_andnot_si128(gt, pij)));
            }
#else
            for (size_t j = 0; j < st; j++) {
                int16_t c = (int16_t)(mik + Mk[j]);
                if (Mi[j] > c) {
                    Mi[j] = c;
                    Pi[j] = kk;
                }
            }
#endif
        }
    }
    /* final values (stride n for spd, st for M and P), largest finite distance, and a counting
     * sort of the pairs at distance >= 2 */
    int32_t *cnt = w->Q + nn, *order = w->Q;
    int maxd = 1;
    for (uint32_t i = 0; i < n; i++) {
        int16_t *Mi = M + (size_t)i * st, *Pi = P + (size_t)i * st;
        const int32_t *Bi = B + (size_t)i * n;
        uint16_t *si = spd + (size_t)i * n;
        for (uint32_t j = 0; j < n; j++) {
            if (Mi[j] >= U) {
                Mi[j] = U;
                Pi[j] = U;
            } else if (Mi[j] > maxd) {
                maxd = Mi[j];
            }
            if (Bi[j] >= 0)
                Pi[j] = -1;
            si[j] = (uint16_t)Mi[j];
        }
    }
    if (!path)
        return 0;
    /* gen_edge_input: nodes(i,j) = nodes(i,k) + nodes(k,j)[1:] with k = path[i][j], so the
     * hop list of (i,j) is the hop list of (i,k) followed by that of (k,j). Fill the pairs in
     * order of increasing distance (both parts are strictly shorter). */
    memset(cnt, 0, (size_t)(maxd + 2) * sizeof *cnt);
    for (uint32_t i = 0; i < n; i++)
        for (uint32_t j = 0; j < n; j++) {
            int16_t d = M[(size_t)i * st + j];
            if (d >= 2 && d < U)
                cnt[d + 1]++;
        }
    for (int d = 1; d <= maxd + 1; d++)
        cnt[d] += cnt[d - 1];
    for (uint32_t i = 0; i < n; i++)
        for (uint32_t j = 0; j < n; j++) {
            size_t t = (size_t)i * n + j;
            int16_t d = M[(size_t)i * st + j];
            uint16_t *pp = path + t * MOL_HOPS;
            if (d >= 2 && d < U) {
                order[cnt[d]++] = (int32_t)(i << 16 | j);
                continue;
            }
            pp[0] = B[t] >= 0 ? (uint16_t)B[t] : MOL_NO_BOND;
            for (int e = 1; e < MOL_HOPS; e++)
                pp[e] = MOL_NO_BOND;
        }
    size_t npairs = (size_t)cnt[maxd];
    for (size_t q = 0; q < npairs; q++) {
        uint32_t i = (uint32_t)order[q] >> 16, j = (uint32_t)order[q] & 0xffff;
        uint32_t k = (uint32_t)P[(size_t)i * st + j];
        int dik = M[(size_t)i * st + k], dkj = M[(size_t)k * st + j];
        uint16_t *dst = path + ((size_t)i * n + j) * MOL_HOPS;
        const uint16_t *pa = path + ((size_t)i * n + k) * MOL_HOPS;
        const uint16_t *pb = path + ((size_t)k * n + j) * MOL_HOPS;
        int d = 0;
        for (; d < dik && d < MOL_HOPS; d++)
            dst[d] = pa[d];
        for (int e = 0; d < MOL_HOPS && e < dkj; d++, e++)
            dst[d] = pb[e];
        for (; d < MOL_HOPS; d++)
            dst[d] = MOL_NO_BOND;
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
