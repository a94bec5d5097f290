/* perceive.h: RDKit-faithful (2022.09) chemistry perception for the OGB features (SPEC 1.2, 1.4).
 *
 * Input: a molecule record as conformer-ingest writes it (heavy atoms, H folded into "nh", bonds
 * with BO_* codes; aromatic input as given). perceive_run mirrors what RDKit's sanitisation does
 * after MolFromSmiles / SDMolSupplier(removeHs=True): cleanUp (nitro, halogen oxides), valence
 * model with implicit H and the valence-error rejections, ring perception, kekulization of
 * aromatic input, the default aromaticity model, conjugation and hybridization.
 *
 * The result struct is stable: fields are only ever added at the end. All arrays are owned by
 * the struct and reused between molecules (perceive_run grows them as needed). */
#ifndef MB_PERCEIVE_H
#define MB_PERCEIVE_H

#include <stddef.h>
#include <stdint.h>

struct mol;

/* RDKit Atom::HybridizationType values */
enum { HYB_UNSPECIFIED = 0, HYB_S = 1, HYB_SP = 2, HYB_SP2 = 3, HYB_SP3 = 4, HYB_SP3D = 5,
       HYB_SP3D2 = 6, HYB_OTHER = 7 };

/* OGB raw feature indices (SPEC 1.2 / 1.4) */
enum { AF_Z = 0, AF_CHIRAL = 1, AF_DEGREE = 2, AF_CHARGE = 3, AF_NUMH = 4, AF_RADICAL = 5,
       AF_HYB = 6, AF_AROM = 7, AF_RING = 8, AF_N = 9 };
enum { BF_TYPE = 0, BF_STEREO = 1, BF_CONJ = 2, BF_N = 3 };

struct perceive {
    uint32_t n, nb;          /* atoms, bonds of the last molecule */
    /* per atom [n] */
    uint8_t *hs;             /* total H = explicit (nh) + implicit (GetTotalNumHs) */
    uint8_t *implh;          /* implicit H */
    uint8_t *deg;            /* heavy-neighbour degree (bonds in the record) */
    uint8_t *tdeg;           /* GetTotalDegree: deg + hs */
    uint8_t *ring;           /* atom is in a ring (IsInRing) */
    uint8_t *arom;           /* aromatic after perception (GetIsAromatic) */
    uint8_t *hyb;            /* HYB_* (GetHybridization) */
    uint8_t *rad;            /* radical electrons after assignRadicals */
    uint8_t *amin;           /* smallest ring size containing the atom, 0 = none (SSSR) */
    int16_t *val;            /* explicit valence (after kekulization), incl. explicit H */
    /* per bond [nb] */
    uint8_t *btype;          /* perceived BO_* (BO_AROMATIC for aromatic bonds) */
    uint8_t *kek;            /* Kekulé order BO_SINGLE/DOUBLE/TRIPLE (or the input code) */
    uint8_t *bring;          /* bond is in a ring */
    uint8_t *bconj;          /* GetIsConjugated */
    uint8_t *bmin;           /* smallest SSSR ring size containing the bond, 0 = none */
    /* adjacency (CSR), neighbours in bond order as RDKit iterates them */
    uint32_t *adj_off;       /* [n+1] */
    uint32_t *adj_atom;      /* [2nb] neighbour atom */
    uint32_t *adj_bond;      /* [2nb] bond index */
    /* SSSR rings: ring r has atoms ring_atoms[ring_off[r] .. ring_off[r+1]) in cycle order */
    uint32_t nrings;
    uint32_t *ring_off;      /* [nrings+1] */
    uint32_t *ring_atoms;
    uint32_t *ring_bonds;    /* same layout: bond k joins atoms k and k+1 (cyclic) */
    /* capacities (internal) */
    size_t cap_n, cap_nb, cap_r, cap_ra;
    /* per atom [n], after RDKit cleanUp (nitro, azide, halogen oxides): formal charge */
    int8_t *chg;
    void *priv;              /* internal scratch */
};

void perceive_init(struct perceive *p);
void perceive_free(struct perceive *p);

/* Perceive m (needs z, bonds, bo; uses chg, nh, noimp, rad, arom when present).
 * Returns 0, or -1 with err set to an RDKit-like reason (valence error, cannot kekulize...). */
int perceive_run(const struct mol *m, struct perceive *p, char *err, size_t errlen);

/* OGB raw values. af[9n]: every feature except AF_CHIRAL (set to 0; stereo_assign fills it).
 * bf[3nb]: every feature except BF_STEREO (set to 0). */
void perceive_atom_features(const struct mol *m, const struct perceive *p, uint8_t *af);
void perceive_bond_features(const struct mol *m, const struct perceive *p, uint8_t *bf);

/* OGB vocabulary mapping helpers (value -> raw index, misc = last) */
int perceive_hyb_index(int hyb);

#endif
