/* relations.c: see relations.h. */
#include "relations.h"

#include "mol.h"

#include <math.h>
#include <stdint.h>
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
    free(w->bb);
    free(w->ord);
    free(w->nx);
    free(w->off);
    free(w->kk);
    free(w->adj);
    free(w->qn);
    memset(w, 0, sizeof *w);
}

void rel_degree(uint32_t n, uint32_t nb, const uint16_t *bonds, uint8_t *deg)
{
    memset(deg, 0, n);
    if (n <= 64) { /* adjacency bits: a repeated pair sets no new bit */
        uint64_t adj[64];
        memset(adj, 0, n * sizeof *adj);
        for (uint32_t b = 0; b < nb; b++) {
            uint32_t x = bonds[2 * b], y = bonds[2 * b + 1];
            if (x == y || x >= 64 || y >= 64)
                continue;
            adj[x] |= (uint64_t)1 << y;
            adj[y] |= (uint64_t)1 << x;
        }
        for (uint32_t a = 0; a < n; a++)
            deg[a] = (uint8_t)__builtin_popcountll(adj[a]);
        return;
    }
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

/* Graphs with fewer than MOL_SPD_UNREACHABLE atoms: every finite distance is below 510, so
 * the Floyd-Warshall result has a closed form that breadth-first search computes in
 * O(n (n + nb)):
 *   - M[i][j] is the graph distance d(i,j) (510 when unreachable);
 *   - for d(i,j) >= 2, the last strict update of M[i][j] happens at the first k at which a
 *     path with intermediates <= k reaches d(i,j), so path[i][j] = K(i,j), the minimum over
 *     all shortest i-j paths of the largest intermediate atom. Along BFS layers from i,
 *     K(i,j) = min over neighbours p of j with d(i,p) = d(i,j) - 1 of max(K(i,p), p), with
 *     K(i,p) = -1 (no intermediate) when d(i,p) = 1;
 *   - the node sequence rec(i,k) + [k] + rec(k,j) of gen_edge_input is closed under prefixes
 *     and suffixes (every sub-path of a chosen path is the chosen path of its ends: a
 *     shorter bottleneck for a prefix would give one for the whole path) and reverses with
 *     (i,j). So the first atom after i is next(i,j) = next(i,k) (next(i,k) = k when the two
 *     are bonded), known in BFS order, and the atom before j is next(j,i): the hops of (i,j)
 *     are those of (i, next(j,i)) plus the bond next(j,i)-j.
 * tests/unit/test-relations.c checks this against a literal transcription of the original. */
static int bfs_paths(uint32_t n, uint32_t nb, const uint16_t *bonds, uint16_t *spd,
                     uint16_t *path, struct rel_work *w)
{
    size_t nn = (size_t)n * n;
    if (nn + 1 > w->bcap) {
        size_t c = nn < 1024 ? 1024 : nn + 1;
        int32_t *B = realloc(w->bb, c * sizeof *B);
        if (!B)
            return -1;
        w->bb = B;
        uint16_t *ord = realloc(w->ord, c * sizeof *ord);
        if (!ord)
            return -1;
        w->ord = ord;
        uint16_t *nx = realloc(w->nx, c * sizeof *nx);
        if (!nx)
            return -1;
        w->nx = nx;
        w->bcap = c;
    }
    size_t ne = 2 * (size_t)nb + 1;
    if (n + 2 > w->acap || ne > w->ecap) {
        size_t cn = n + 2 > w->acap ? (n + 2 < 64 ? 64 : n + 2) : w->acap;
        size_t ce = ne > w->ecap ? (ne < 128 ? 128 : ne) : w->ecap;
        uint32_t *off = realloc(w->off, cn * sizeof *off);
        if (!off)
            return -1;
        w->off = off;
        int32_t *kk = realloc(w->kk, cn * sizeof *kk);
        if (!kk)
            return -1;
        w->kk = kk;
        uint16_t *adj = realloc(w->adj, ce * sizeof *adj);
        if (!adj)
            return -1;
        w->adj = adj;
        w->acap = cn;
        w->ecap = ce;
    }
    int32_t *B = w->bb, *K = w->kk;
    uint16_t *ord = w->ord, *NX = w->nx, *adj = w->adj;
    uint32_t *off = w->off;
    const uint16_t U = MOL_SPD_UNREACHABLE;
    /* adjacency (a repeated pair is listed twice: harmless for BFS and the minimum); B only
     * for bonded pairs, the last bond of a repeated pair wins */
    memset(off, 0, (n + 2) * sizeof *off);
    for (uint32_t b = 0; b < nb; b++) {
        uint32_t x = bonds[2 * b], y = bonds[2 * b + 1];
        if (x == y)
            continue;
        off[x + 2]++;
        off[y + 2]++;
        B[(size_t)x * n + y] = B[(size_t)y * n + x] = (int32_t)b;
    }
    for (uint32_t a = 0; a < n; a++)
        off[a + 2] += off[a + 1];
    for (uint32_t b = 0; b < nb; b++) {
        uint32_t x = bonds[2 * b], y = bonds[2 * b + 1];
        if (x == y)
            continue;
        adj[off[x + 1]++] = (uint16_t)y;
        adj[off[y + 1]++] = (uint16_t)x;
    }
    /* now off[a] .. off[a+1] are a's neighbours */
    for (uint32_t i = 0; i < n; i++) {
        uint16_t *row = spd + (size_t)i * n, *q = ord + (size_t)i * n, *nx = NX + (size_t)i * n;
        for (uint32_t j = 0; j < n; j++)
            row[j] = U;
        row[i] = 0;
        q[0] = (uint16_t)i;
        uint32_t qt = 1;
        for (uint32_t qh = 0; qh < qt; qh++) {
            uint32_t v = q[qh];
            uint16_t dv = row[v];
            int32_t best = INT32_MAX;
            for (uint32_t e = off[v]; e < off[v + 1]; e++) {
                uint32_t x = adj[e];
                if (row[x] == U) {
                    row[x] = (uint16_t)(dv + 1);
                    q[qt++] = (uint16_t)x;
                } else if (row[x] + 1 == dv) {
                    int32_t f = K[x] > (int32_t)x ? K[x] : (int32_t)x;
                    if (f < best)
                        best = f;
                }
            }
            if (dv <= 1) {
                K[v] = -1;
                nx[v] = (uint16_t)v;
            } else {
                K[v] = best;
                nx[v] = nx[best];
            }
        }
        w->qn[i] = (uint16_t)qt;
    }
    if (!path)
        return 0;
    for (size_t t = 0; t < nn * MOL_HOPS; t++)
        path[t] = MOL_NO_BOND;
    for (uint32_t i = 0; i < n; i++) {
        const uint16_t *row = spd + (size_t)i * n, *q = ord + (size_t)i * n;
        uint16_t *pi = path + (size_t)i * n * MOL_HOPS;
        for (uint32_t qi = 1, qt = w->qn[i]; qi < qt; qi++) {
            uint32_t j = q[qi], d = row[j];
            uint16_t *dst = pi + (size_t)j * MOL_HOPS;
            if (d == 1) {
                dst[0] = (uint16_t)B[(size_t)i * n + j];
                continue;
            }
            uint32_t pr = NX[(size_t)j * n + i];
            memcpy(dst, pi + (size_t)pr * MOL_HOPS, MOL_HOPS * sizeof *dst);
            if (d <= MOL_HOPS)
                dst[d - 1] = (uint16_t)B[(size_t)pr * n + j];
        }
    }
    return 0;
}

/* bfs_paths for n <= 64 with the adjacency as bit masks: one breadth-first layer is the OR of
 * the frontier's neighbour masks, and the neighbours of j one layer closer to the source are
 * adj[j] & frontier. Same results, no per-edge branches. */
static void bfs_paths64(uint32_t n, uint32_t nb, const uint16_t *bonds, uint16_t *spd,
                        uint16_t *path)
{
    uint64_t adj[64];
    uint16_t B[64 * 64];
    uint8_t ord[64 * 64]; /* atoms of each source in BFS order */
    uint8_t ls[64 * 8];   /* ls[8 i + d]: where layer d (1..6, 6 = all from 6 on) starts in ord,
                           * ls[8 i + 7] the end */
    uint8_t prv[64 * 64]; /* prv[j * 64 + i] = next(i, j): the atom before j on the path i -> j */
    int K[64];       /* bottleneck atom K(i, j) of the current source, -1 for bonded pairs */
    const uint16_t U = MOL_SPD_UNREACHABLE;
    memset(adj, 0, sizeof adj);
    for (uint32_t b = 0; b < nb; b++) {
        uint32_t x = bonds[2 * b], y = bonds[2 * b + 1];
        if (x == y)
            continue;
        adj[x] |= (uint64_t)1 << y;
        adj[y] |= (uint64_t)1 << x;
        B[x * 64 + y] = B[y * 64 + x] = (uint16_t)b;
    }
    for (uint32_t i = 0; i < n; i++) {
        uint16_t *row = spd + (size_t)i * n;
        uint8_t *q = ord + i * 64, *nx = prv + i, *L = ls + 8 * i; /* nx[64 j] = next(i, j) */
        row[i] = 0;
        q[0] = (uint8_t)i;
        uint32_t qt = 1;
        uint64_t vis = (uint64_t)1 << i, front = adj[i] & ~vis;
        vis |= front;
        L[1] = 1;
        for (uint64_t f = front; f; f &= f - 1) { /* layer 1: K = -1, next = the atom */
            int j = __builtin_ctzll(f);
            row[j] = 1;
            q[qt++] = (uint8_t)j;
            K[j] = -1;
            nx[64 * j] = (uint8_t)j;
        }
        uint16_t d = 1;
        while (front) {
            uint64_t nxt = 0;
            for (uint64_t f = front; f; f &= f - 1)
                nxt |= adj[__builtin_ctzll(f)];
            nxt &= ~vis;
            vis |= nxt;
            d++;
            if (d <= 6)
                L[d] = (uint8_t)qt;
            for (uint64_t f = nxt; f; f &= f - 1) {
                int j = __builtin_ctzll(f);
                row[j] = d;
                q[qt++] = (uint8_t)j;
                /* neighbours p one layer closer: K(j) = min max(K(p), p); one or two of them
                 * without a loop (rings: two) */
                uint64_t m = adj[j] & front, m2 = m & (m - 1);
                int p1 = __builtin_ctzll(m), p2 = m2 ? __builtin_ctzll(m2) : p1;
                int f1 = K[p1] > p1 ? K[p1] : p1, f2 = K[p2] > p2 ? K[p2] : p2;
                int best = f1 < f2 ? f1 : f2;
                for (m2 &= m2 - 1; m2; m2 &= m2 - 1) {
                    int p = __builtin_ctzll(m2), fp = K[p] > p ? K[p] : p;
                    if (fp < best)
                        best = fp;
                }
                K[j] = best;
                nx[64 * j] = nx[64 * best]; /* next(K) = K when d(i, K) = 1 */
            }
            front = nxt;
        }
        for (uint32_t e = (uint32_t)d + 1; e <= 6; e++)
            L[e] = (uint8_t)qt;
        L[7] = (uint8_t)qt; /* n <= 64: qt <= 64 fits */
        uint64_t all = n == 64 ? ~(uint64_t)0 : ((uint64_t)1 << n) - 1;
        for (uint64_t f = all & ~vis; f; f &= f - 1)
            row[__builtin_ctzll(f)] = U;
    }
    if (!path)
        return;
    /* hops of the current source: the first four packed in one word (hop d in bits 16d..),
     * the fifth apart; each is stored whole and read back whole. Layer by layer: hop d - 1
     * of an atom at distance d is its own bond, the earlier hops those of the atom before */
    uint64_t h4[64];
    uint16_t h5[64];
    for (uint32_t i = 0; i < n; i++) {
        const uint16_t *row = spd + (size_t)i * n;
        const uint8_t *q = ord + i * 64, *L = ls + 8 * i, *pv = prv + i * 64;
        h4[i] = ~(uint64_t)0;
        h5[i] = MOL_NO_BOND;
        for (uint32_t qi = L[1]; qi < L[2]; qi++) {
            uint32_t j = q[qi];
            h4[j] = ~(uint64_t)0xFFFF | B[i * 64 + j];
            h5[j] = MOL_NO_BOND;
        }
        for (uint32_t dd = 2; dd <= 4; dd++) {
            unsigned sh = 16 * (dd - 1);
            uint64_t keep = ~((uint64_t)0xFFFF << sh);
            for (uint32_t qi = L[dd]; qi < L[dd + 1]; qi++) {
                uint32_t j = q[qi], pr = pv[j];
                h4[j] = (h4[pr] & keep) | (uint64_t)B[pr * 64 + j] << sh;
                h5[j] = MOL_NO_BOND;
            }
        }
        for (uint32_t qi = L[5]; qi < L[6]; qi++) {
            uint32_t j = q[qi], pr = pv[j];
            h4[j] = h4[pr];
            h5[j] = B[pr * 64 + j];
        }
        for (uint32_t qi = L[6]; qi < L[7]; qi++) {
            uint32_t j = q[qi], pr = pv[j];
            h4[j] = h4[pr];
            h5[j] = h5[pr];
        }
        uint16_t *dst = path + (size_t)i * n * MOL_HOPS;
        for (uint32_t j = 0; j < n; j++, dst += MOL_HOPS) {
            int reach = row[j] < U; /* h4/h5 of unreached atoms are stale */
            uint64_t h = reach ? h4[j] : ~(uint64_t)0;
            dst[0] = (uint16_t)h;
            dst[1] = (uint16_t)(h >> 16);
            dst[2] = (uint16_t)(h >> 32);
            dst[3] = (uint16_t)(h >> 48);
            dst[4] = reach ? h5[j] : MOL_NO_BOND;
        }
    }
}

int rel_spd_paths(uint32_t n, uint32_t nb, const uint16_t *bonds, uint16_t *spd, uint16_t *path,
                  struct rel_work *w)
{
    if (n <= 64) {
        bfs_paths64(n, nb, bonds, spd, path);
        return 0;
    }
    if (n < MOL_SPD_UNREACHABLE) {
        if (n + 1 > w->qcap) {
            size_t c = n + 1 < 64 ? 64 : n + 1;
            uint16_t *qn = realloc(w->qn, c * sizeof *qn);
            if (!qn)
                return -1;
            w->qn = qn;
            w->qcap = c;
        }
        return bfs_paths(n, nb, bonds, spd, path, w);
    }
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
    if (n <= 256) {
        /* coordinates as columns so the inner loop vectorises; (a-b)^2 == (b-a)^2 exactly,
         * so the lower triangle is the mirror of the upper one */
        float x[256], y[256], z[256];
        for (uint32_t i = 0; i < n; i++) {
            x[i] = pos[3 * (size_t)i];
            y[i] = pos[3 * (size_t)i + 1];
            z[i] = pos[3 * (size_t)i + 2];
        }
        for (uint32_t i = 0; i < n; i++) {
            float *di = dist + (size_t)i * n;
            const float ax = x[i], ay = y[i], az = z[i];
            di[i] = 0.0f;
            uint32_t j = i + 1;
#ifdef __SSE2__
            /* the same float operations in the same order; sqrtps rounds like sqrtf */
            const __m128 vx = _mm_set1_ps(ax), vy = _mm_set1_ps(ay), vz = _mm_set1_ps(az);
            for (; j + 4 <= n; j += 4) {
                __m128 dx = _mm_sub_ps(vx, _mm_loadu_ps(x + j));
                __m128 dy = _mm_sub_ps(vy, _mm_loadu_ps(y + j));
                __m128 dz = _mm_sub_ps(vz, _mm_loadu_ps(z + j));
                __m128 s2 = _mm_add_ps(_mm_add_ps(_mm_mul_ps(dx, dx), _mm_mul_ps(dy, dy)),
                                       _mm_mul_ps(dz, dz));
                _mm_storeu_ps(di + j, _mm_sqrt_ps(s2));
            }
#endif
            for (; j < n; j++) {
                float dx = ax - x[j], dy = ay - y[j], dz = az - z[j];
                di[j] = sqrtf(dx * dx + dy * dy + dz * dz);
            }
            for (uint32_t k = 0; k < i; k++)
                di[k] = dist[(size_t)k * n + i];
        }
        return;
    }
    for (uint32_t i = 0; i < n; i++) {
        const float *a = pos + 3 * (size_t)i;
        for (uint32_t j = 0; j < n; j++) {
            const float *b = pos + 3 * (size_t)j;
            float dx = a[0] - b[0], dy = a[1] - b[1], dz = a[2] - b[2];
            dist[(size_t)i * n + j] = sqrtf(dx * dx + dy * dy + dz * dz);
        }
    }
}
