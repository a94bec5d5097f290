/* relations.h: 2D and 3D pair relations of a molecule (SPEC 1.3, 1.5, 1.6, 1.7).
 *
 * spd/path replicate Graphormer's algos.floyd_warshall + gen_edge_input exactly, including the
 * strict update (k outer, then i, j) and therefore its tie-breaking among equal shortest paths:
 * the hop-d bond of pair (i,j) is the bond between consecutive atoms of the path rebuilt from
 * the intermediate-node matrix, truncated to MOL_HOPS hops. Below 510 atoms the same result
 * comes from breadth-first search (relations.c explains why), above from the literal
 * Floyd-Warshall. */
#ifndef MB_RELATIONS_H
#define MB_RELATIONS_H

#include <stddef.h>
#include <stdint.h>

struct rel_work { /* scratch reused between molecules; zero-initialise */
    int16_t *M;   /* [n*n] distances */
    int16_t *P;   /* [n*n] intermediate node, -1 adjacent, 510 unreachable */
    int32_t *B;   /* [n*n] bond index between adjacent atoms (last bond wins), -1 none */
    int32_t *Q;   /* [n*n + 512] pair order by distance */
    size_t cap;
    /* breadth-first variant (n < 510) */
    uint16_t *ord, *nx, *adj, *qn; /* [n*n] BFS order, [n*n] next atom, [2nb], [n] reached */
    uint32_t *off;                 /* [n+2] */
    int32_t *kk;                   /* [n+2] bottleneck atom of the current source */
    int32_t *bb;                   /* [n*n] bond of a bonded pair (other entries stale) */
    size_t bcap, acap, ecap, qcap;
};

void rel_work_free(struct rel_work *w);

/* Heavy-neighbour degree (row sum of the symmetric adjacency, SPEC 1.3; a duplicated bond
 * between the same two atoms counts once, as in the dense adjacency). */
void rel_degree(uint32_t n, uint32_t nb, const uint16_t *bonds, uint8_t *deg);

/* Shortest-path matrix spd[n*n] (MOL_SPD_UNREACHABLE for unreachable pairs, 0 diagonal) and
 * multi-hop bond paths path[n*n*MOL_HOPS] (bond index of hop d on the Floyd-Warshall path
 * i->j, MOL_NO_BOND where the path has fewer hops, on the diagonal and for unreachable pairs).
 * path may be NULL. Returns 0, or -1 (out of memory). */
int rel_spd_paths(uint32_t n, uint32_t nb, const uint16_t *bonds, uint16_t *spd, uint16_t *path,
                  struct rel_work *w);

/* Euclidean pair distances in f32 arithmetic, dist[n*n]. */
void rel_distances(uint32_t n, const float *pos, float *dist);

/* Gaussian-layer node-pair type ids (SPEC 1.7): (Z_i + 2, Z_j + 514); pad pairs are (1, 513). */
static inline void rel_pair_type(int zi, int zj, int *ti, int *tj)
{
    *ti = zi + 2;
    *tj = zj + 514;
}

#endif
