/* scaffold.h: Bemis-Murcko scaffolds and a canonical graph key, for scaffold splits.
 *
 * scaffold_key follows RDKit's MurckoScaffold.GetScaffoldForMol (C++ MurckoDecompose) and
 * MurckoScaffoldSmiles(includeChirality=False): keep ring atoms and the atoms on paths between
 * ring systems (side chains pruned), keep non-kept atoms joined to a kept atom by a double bond
 * (exocyclic / linker =O, =C, =N), drop everything else. Hydrogen bookkeeping as RDKit does it:
 * a kept aromatic heteroatom or aromatic C+ that loses a neighbour gets one H ("[nH]"), an
 * aromatic C- gains none, other kept atoms gain the H of the bonds they lose. No chirality,
 * isotopes or bond stereo. A molecule without rings has the empty scaffold (key "").
 *
 * The key is a canonical string of the scaffold graph (atoms: element, aromatic flag, formal
 * charge, total H; bonds: single/double/triple/aromatic): colour refinement (1-WL) from the atom
 * invariants, then individualisation of each atom of the first non-singleton class with
 * exhaustive branching, keeping the lexicographically smallest encoding (atom labels in canonical
 * order + sorted edge list). Isomorphic scaffolds get equal keys whatever the atom order. The
 * search is capped (SCAFFOLD_MAX_LEAVES); past the cap the key is still a function of the graph
 * in practice but no longer guaranteed canonical (reported in struct scaffold_stats).
 *
 * Aromaticity and H counts should be the perceived ones (common/perceive.h): use
 * scaffold_key_perceived. scaffold_key_input uses the aromatic flags and bond orders as given
 * in the record and no H counts (fallback when perception fails). */
#ifndef MB_SCAFFOLD_H
#define MB_SCAFFOLD_H

#include "util.h"

#include <stddef.h>
#include <stdint.h>

struct mol;
struct perceive;

#define SCAFFOLD_MAX_LEAVES 20000

/* A molecular graph for scaffolding; arrays owned by the caller. */
struct scaffold_graph {
    uint32_t n, nb;
    const uint8_t *z;        /* [n] atomic number (1 = hydrogen atom, always dropped) */
    const int8_t *chg;       /* [n] formal charge, NULL = 0 */
    const uint8_t *hs;       /* [n] total H count, NULL = H not part of the key */
    const uint8_t *arom;     /* [n] aromatic flag, NULL = 0 */
    const uint8_t *noimp;    /* [n] no implicit H (bracket atom), NULL = 0 */
    const uint16_t *bonds;   /* [2nb] atom pairs */
    const uint8_t *btype;    /* [nb] BO_* with BO_AROMATIC for aromatic bonds */
};

struct scaffold_stats {
    uint32_t natoms;     /* atoms in the scaffold */
    uint64_t leaves;     /* leaves of the canonical search */
    int capped;          /* search hit SCAFFOLD_MAX_LEAVES */
};

/* Scaffold of g as a canonical key, appended to key (NUL-terminated; "" = no ring). keep, if
 * not NULL, receives [n] flags of the scaffold atoms. 0, or -1 with err set (bond index >= n). */
int scaffold_key(const struct scaffold_graph *g, struct buf *key, uint8_t *keep,
                 struct scaffold_stats *st, char *err, size_t errlen);

/* From a record and its perception (perceive_run done on m). */
int scaffold_key_perceived(const struct mol *m, const struct perceive *p, struct buf *key,
                           struct scaffold_stats *st, char *err, size_t errlen);
/* From a record alone: aromaticity / bond orders as given, no H. */
int scaffold_key_input(const struct mol *m, struct buf *key, struct scaffold_stats *st, char *err,
                       size_t errlen);

/* Splits. SPLIT_TRAIN/VALID/TEST codes in out[n]. */
enum { SPLIT_TRAIN = 0, SPLIT_VALID = 1, SPLIT_TEST = 2 };
extern const char *const split_names[3]; /* "train", "valid", "test" */

/* Deterministic scaffold split (deepchem ScaffoldSplitter, shared/data/README.md): group
 * molecules by key, sort groups by (size, index of first member) descending, put a group into
 * train if train stays <= frac[0]*n, else into valid if train+valid stays <= (frac[0]+frac[1])*n,
 * else into test. Returns the number of groups; group_of[n] (optional) gets each molecule's group
 * number in that sorted order. */
size_t split_scaffold_assign(const char *const *keys, size_t n, const double frac[3], uint8_t *out,
                             uint32_t *group_of);
/* Random split: a seeded Fisher-Yates permutation (common/rng.h); the first floor(frac[0]*n)
 * molecules of it go to train, up to floor((frac[0]+frac[1])*n) to valid, the rest to test. */
void split_random_assign(size_t n, uint64_t seed, const double frac[3], uint8_t *out);

#endif
