/* molops.h: element table and molecule graph operations on struct mol (conformer-ingest).
 *
 * - element lookup by symbol (molfile/XYZ) or atomic number, most common isotope (molfile mass
 *   difference), covalent radius (bond perception);
 * - mol_perceive_bonds: distance-based single bonds for XYZ input;
 * - mol_remove_h: RDKit RemoveHs (default RemoveHsParameters) on the molecule graph;
 * - mol_check_valence: RDKit's sanitisation valence test (optional, SDMolSupplier parity). */
#ifndef MB_MOLOPS_H
#define MB_MOLOPS_H

#include "mol.h"

#include <stddef.h>

#define ELEM_MAX 118

/* Atomic number of an element symbol of length n (case-insensitive: "CL", "cl", "Cl"), 0 for the
 * dummy/query symbols "*", "A", "Q", "L", "R", "R#", "LP", and D/T (hydrogen; *iso set to 2/3 when
 * iso != NULL, else left alone). Returns -1 if unknown. */
int elem_from_symbol(const char *s, size_t n, uint16_t *iso);
const char *elem_symbol(int z);       /* "*" for 0, "?" out of range */
int elem_common_isotope(int z);       /* mass number of the most common isotope (RDKit table) */
double elem_covalent_radius(int z);   /* Angstrom (RDKit Rcov / CSD table); 0 for z = 0 */

/* Default tolerance of mol_perceive_bonds (Angstrom). */
#define MOL_BOND_TOL 0.45

/* Replace the bonds of m (which must have pos) by single bonds between atoms i < j with
 * 0.4 A < d(i,j) < r_i + r_j + tol (covalent radii), accepted shortest-relative-first while both
 * atoms stay within a maximal number of neighbours (H and halogens 1, O 2, B/C/N 4, P 5, S 6,
 * others 8). Bonds come out sorted by (i, j). Sets has_bonds. Sorted sweep along x, so large
 * molecules are not O(n^2) unless they are very flat in x. Returns 0, or -1 with err. */
int mol_perceive_bonds(struct mol *m, double tol, char *err, size_t errlen);

/* Remove hydrogen atoms as RDKit's MolOps::removeHs with default RemoveHsParameters does
 * (RDKit 2022.09). An H atom is kept when it has no bond or more than one, is an isotope,
 * is bonded only to H atoms (H2), is bonded to a dummy atom (z = 0), or defines double-bond
 * stereo (its neighbour has degree 2 and a double bond, and the H bond has a SMILES direction
 * "bdir"; RDKit's SD reader removes H before deriving directions, so SD imine H go), or is
 * bonded to an atom with non-tetrahedral stereo (SMILES chir >= 4, or, with 3D coordinates,
 * the geometry RDKit's assignChiralTypesFrom3D tags: e.g. 5-coordinate P). Every
 * removed H adds one to
 * its neighbour's "nh"; chirality tags ("chir") are inverted when the removal permutes the
 * neighbour order as RDKit does. Atoms and bonds keep their order; all per-atom, per-bond and
 * per-pair arrays present are remapped (the "path" bond indices too); V arrays are unchanged.
 * Returns the number of removed atoms (>= 0), or -1 with err. */
int mol_remove_h(struct mol *m, char *err, size_t errlen);

/* 1 if m has pos with any z != 0 (RDKit's nonzero-z rule), else 0. */
int mol_is_3d(const struct mol *m);

/* RDKit sanitisation's explicit-valence test as SDMolSupplier applies it, after removeHs (the
 * result is the same whether this runs before or after mol_remove_h: H atoms mol_remove_h would
 * remove count as removed). An atom fails when the sum of its bond orders (aromatic 1.5, with
 * RDKit's aromatic allowance; dative/other 0) plus the removed H that RDKit keeps explicit
 * (on aromatic N/P and noimp atoms) exceeds the largest allowed valence of its element adjusted
 * for the formal charge. Uncharged N of valence 5 with a multiple bond to O/N passes (RDKit's
 * cleanUp makes nitro/azide groups charge-separated first). Elements without a valence rule
 * (most metals) always pass. Returns 0, or -1 with err "atom A (El): explicit valence V >
 * permitted P" (A is 1-based). */
int mol_check_valence(const struct mol *m, char *err, size_t errlen);

#endif
