/* smiles.h: OpenSMILES parser filling a struct mol (conformer-ingest's SMILES input path).
 *
 * What is stored (arrays z chg iso nh noimp arom chir aclass bonds bo bdir; fmt = "smiles",
 * smiles = the input text, has_bonds = 1; no coordinates):
 *   - atoms in the order they are written; explicit [H] atoms are kept as atoms (a later stage
 *     removes hydrogens). Organic-subset atoms (B C N O P S F Cl Br I, b c n o p s, *): noimp = 0,
 *     nh = 0 (implicit H is computed later from valence). Bracket atoms: noimp = 1, nh = their H
 *     count, iso = isotope (0 none), chg, aclass (:n), arom = 1 for lowercase symbols (b c n o p s
 *     se as te si). '*' has z = 0.
 *   - bonds in the order RDKit (MolFromSmiles) creates them: first every chain/branch bond in
 *     the order its second atom is written, stored (earlier atom, later atom); then every
 *     ring-closure bond, sorted by ring number (1..99, %nn, %(nnn)) and, for a reused number, by
 *     the order of closing. A ring-closure bond is stored (opening atom, closing atom) when the
 *     opening end carries a bond-order symbol (- = # $ : -> <-), else (closing atom, opening atom).
 *     '<-' stores the bond reversed (dative bond from the right-hand atom to the left-hand one).
 *   - bo: - -> BO_SINGLE, = -> BO_DOUBLE, # -> BO_TRIPLE, $ -> BO_OTHER (quadruple),
 *     : -> BO_AROMATIC, -> and <- -> BO_DATIVE; no symbol or only '/' '\' -> BO_AROMATIC
 *     between two aromatic atoms (as RDKit), else BO_SINGLE. Ring-closure symbols may be written
 *     on either end; two different order symbols on the two ends are an error (RDKit keeps the
 *     first).
 *   - bdir (1 '/', 2 '\') is expressed for the stored direction bonds[2i] -> bonds[2i+1], as
 *     RDKit's ENDUPRIGHT / ENDDOWNRIGHT: "F/C=C/F" gives bdir 1 on both single bonds. A symbol
 *     written at a ring digit ("C/1") reads as if the partner atom followed the digit; when both
 *     ends carry one, the closing end's symbol is used (as RDKit does).
 *   - chir: RDKit chiral tag, 0 none, 1 CW (CHI_TETRAHEDRAL_CW), 2 CCW, RELATIVE TO THE ORDER IN
 *     WHICH THE ATOM'S BONDS APPEAR IN THE bonds ARRAY: exactly the tag MolFromSmiles(s,
 *     sanitize=False) leaves (checked on every MoleculeNet molecule and on RDKit-written random
 *     SMILES). RDKit reads it as: looking from the first neighbour in bond order, the others, with
 *     an implicit/bracket H (or lone pair) placed last, run clockwise (CW) or anticlockwise (CCW).
 *     How it is derived (RDKit's AdjustAtomChiralityFlags): '@' / '@TH1' start as CCW and '@@' /
 *     '@TH2' as CW; the SMILES order of the atom's bonds is: bond to the preceding atom, then
 *     ring-closure bonds in the order their digits follow the atom, then branches and the next
 *     chain atom (the bracket H is not in the list); the tag is inverted once per swap needed to
 *     turn that order into bond-array order, and once more when the atom has exactly 3 bonds and
 *     either starts the SMILES (or a '.' component) with exactly one H, or has an H count other
 *     than 1, exactly one ring-closure bond and no double/triple/aromatic/quadruple bond.
 *     @AL, @SP, @TB, @OH (number optional) store RDKit's tags 5 CHI_ALLENE, 6 CHI_SQUAREPLANAR,
 *     7 CHI_TRIGONALBIPYRAMIDAL, 8 CHI_OCTAHEDRAL (the permutation number is not kept; later
 *     stages treat them as "not tetrahedral"). Tags are kept on every atom as written, even when
 *     the atom is not a stereocentre (stereo perception, a later stage, decides).
 *
 * Not done here: implicit H, valence checks, aromaticity perception, kekulization, H removal. */
#ifndef MB_SMILES_H
#define MB_SMILES_H

#include "mol.h"

#include <stddef.h>

/* Parse s[0..len) (need not be NUL-terminated) into m, which the function initialises itself
 * (any previous content of m is NOT freed). Returns 0, or -1 with err = "col C: what" (C is the
 * 1-based byte column) and m freed (empty). Errors: empty string, unexpected character,
 * unknown element, bad bracket atom / charge / isotope, unbalanced parentheses, unclosed or
 * self/duplicate ring bonds, conflicting ring-closure bond symbols, dangling bond symbol,
 * more than MOL_MAX_ATOMS_HARD atoms. */
int smiles_parse(struct mol *m, const char *s, size_t len, char *err, size_t errlen);

/* Atomic number of an element symbol of length len (case-sensitive, "C", "Cl"), 0 if unknown. */
int smiles_element(const char *sym, size_t len);
/* Element symbol of atomic number z ("*" for 0, "?" if out of range). */
const char *smiles_symbol(int z);

#endif
