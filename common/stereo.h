/* stereo.h: RDKit-faithful (2022.09, legacy stereo perception) chirality and bond stereo for the
 * OGB features (SPEC 1.2 chirality `str(GetChiralTag())`, 1.4 bond `str(GetStereo())`).
 *
 * Input: a molecule record as conformer-ingest writes it (heavy atoms, H folded into nh, bonds in
 * RDKit creation order) plus relation-build's perception. SMILES records carry the parsed chiral
 * tags ("chir") and bond directions ("bdir"); SDF records carry coordinates ("pos", is3d) and
 * wedge flags ("bst"). The result mirrors what RDKit reports after MolFromSmiles or SDMolSupplier
 * (sanitize, removeHs), i.e. after legacy assignStereochemistry(cleanIt=true, force=true). */
#ifndef MB_STEREO_H
#define MB_STEREO_H

#include <stddef.h>
#include <stdint.h>

struct mol;
struct perceive;

/* OGB raw indices */
enum { CHI_UNSPECIFIED = 0, CHI_TETRAHEDRAL_CW = 1, CHI_TETRAHEDRAL_CCW = 2, CHI_OTHER = 3,
       CHI_MISC = 4 /* any other RDKit tag (square planar, trigonal bipyramidal, ...) */ };
enum { STEREO_NONE = 0, STEREO_Z = 1, STEREO_E = 2, STEREO_CIS = 3, STEREO_TRANS = 4,
       STEREO_ANY = 5 };

/* atom_chiral[n]: OGB chirality raw 0 CHI_UNSPECIFIED, 1 CHI_TETRAHEDRAL_CW, 2 CHI_TETRAHEDRAL_CCW,
   3 CHI_OTHER, 4 misc (RDKit's non-tetrahedral tags: "chir" values 6..8 from SMILES @SP/@TB/@OH
   or from 3D coordinates);
   bond_stereo[nb]: OGB stereo raw 0 STEREONONE, 1 STEREOZ, 2 STEREOE, 3 STEREOCIS,
   4 STEREOTRANS, 5 STEREOANY. p: perception of m (perceive_run); uses hs, hyb, val, btype,
   ring/bring/bmin and the SSSR rings. Either output may be NULL. Returns 0, or -1 with err. */
int stereo_assign(const struct mol *m, const struct perceive *p, uint8_t *atom_chiral,
                  uint8_t *bond_stereo, char *err, size_t errlen);
/* The same, also returning the final legacy CIP ranks (RDKit's "_CIPRank" atom property after
   assignStereochemistry) in ranks_out[n] when not NULL (tests, benchmarks). */
int stereo_assign_ranks(const struct mol *m, const struct perceive *p, uint8_t *atom_chiral,
                        uint8_t *bond_stereo, uint32_t *ranks_out, char *err, size_t errlen);

/* Scratch reused between molecules by stereo_assign_w: zero-initialise, stereo_work_free. */
struct stereo_work {
    void *priv;
};
void stereo_work_free(struct stereo_work *w);
/* stereo_assign_ranks with scratch w (no allocation once w has grown to the molecule). */
int stereo_assign_w(const struct mol *m, const struct perceive *p, struct stereo_work *w,
                    uint8_t *atom_chiral, uint8_t *bond_stereo, uint32_t *ranks_out, char *err,
                    size_t errlen);

/* For the molfile path, BEFORE hydrogen removal (conformer-ingest): set m->chir (allocated; left
   alone when already present) to the tags RDKit's molfile reader derives from coordinates:
   3D (is3d) assignChiralTypesFrom3D, 2D wedge / hash bonds (bst 1 / 6, DetectAtomStereoChemistry).
   The removal of H atoms must then permute the tags as RDKit's removeHs does (mol_remove_h does),
   so stereo_assign sees exactly RDKit's pre-perception tags. No-op without coordinates.
   Returns 0, or -1 with err. */
int stereo_tags_from_coords(struct mol *m, char *err, size_t errlen);

#endif
