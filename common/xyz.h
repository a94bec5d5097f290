/* xyz.h: XYZ frames from a memory buffer into struct mol (same iterator shape as sdf.h).
 *
 * Three layouts, told apart by the comment line of each frame:
 *  - plain XYZ: "N", comment, N lines "El x y z [...]" (El = symbol, any case, or atomic number);
 *    id = comment (trimmed) or "<record index>" when empty; extra columns are ignored.
 *  - extended XYZ (ASE): comment holds key=value pairs (values may be "quoted", 'quoted' or
 *    {braced}; a bare key means "T"; a comment with '=' that does not parse as such a list and
 *    has no Properties= is taken as a plain title). Properties=name:type:count:... locates the species
 *    (S, or Z:I:1) and pos (R:3) columns; other columns are ignored. Every other pair becomes a
 *    label (numeric -> LAB_NUM, else LAB_STR); id = the "id" or "name" value, else the index.
 *  - original QM9 (dsgdb9nsd_*.xyz): comment "gdb N" + 15 properties -> labels tag, index, A, B,
 *    C, mu, alpha, homo, lumo, gap, r2, zpve, U0, U, H, G, Cv; atom lines carry a Mulliken charge
 *    (ignored); then a frequencies line (ignored), a SMILES line and an InChI line -> labels
 *    smiles_gdb, smiles_relaxed, inchi_gdb, inchi_relaxed; id = "gdb_N". Fortran exponents
 *    "1.2*^-6" are read anywhere.
 * Every frame: fmt = "xyz", is3d = 1, has_pos = 1, has_bonds = 0, nb = 0, z and pos (and iso
 * when D or T symbols occur). */
#ifndef MB_XYZ_H
#define MB_XYZ_H

#include "mol.h"

#include <stddef.h>
#include <stdint.h>

#define XYZ_MAX_LINE 65536

struct xyz_iter {
    const char *buf;
    size_t len;
    size_t pos;    /* start of the next frame */
    uint32_t line; /* 1-based number of the line at pos */
    uint32_t nrec;
    /* after a 1 or -1 from xyz_iter_next: */
    size_t span_start, span_end; /* raw frame bytes in buf */
    uint32_t line0;              /* 1-based first line (the atom count) */
    uint32_t index;              /* 0-based frame index in this buffer */
};

void xyz_iter_init(struct xyz_iter *it, const char *buf, size_t len);
/* 1 = frame parsed into m (mol_init done here), 0 = end of buffer, -1 = bad frame: err gets
 * "line L: what", m is freed, the iterator is positioned after the frame (as far as its atom
 * count says; after a bad count line, at the next line holding a lone integer). */
int xyz_iter_next(struct xyz_iter *it, struct mol *m, char *err, size_t errlen);
void xyz_iter_free(struct xyz_iter *it);

#endif
