/* sdf.h: MDL molfile (V2000 and V3000) / SD file records from a memory buffer into struct mol.
 *
 * Parses in place (no copy of the buffer, no per-atom allocation). What goes where:
 *   title line -> id ("<record index>" if empty); fmt = "sdf"; rec = index; line = line0
 *   atoms  -> z, chg, iso, rad, arom, parity, noimp (valence field set), pos; nh = 0 (filled by
 *             mol_remove_h); bonds -> bonds, bo, bst (V2000 stereo codes; V3000 CFG mapped to them)
 *   is3d = header dimension code "3D" or any z != 0 (RDKit's rule); has_bonds = 1
 *   SD data items "> <tag>" -> labels: numeric -> LAB_NUM, empty -> LAB_NIL, else LAB_STR.
 * Semantics follow RDKit 2022.09's molfile reader (fixed columns in V2000, "M  CHG" resetting the
 * atom-block charges, mass difference relative to the most common isotope, RAD 1/2/3 -> 2/1/2
 * radical electrons, charge code 4 = no charge; the atom hydrogen-count field, an RDKit query
 * feature, is checked but not stored; a nonzero valence field sets noimp). Bond types: 1/2/3 -> single/double/triple,
 * 4 -> BO_AROMATIC with both atoms arom = 1, 9 (coordination) -> BO_DATIVE, 0, 5-8 (query
 * types) and any other value -> BO_OTHER. */
#ifndef MB_SDF_H
#define MB_SDF_H

#include "mol.h"

#include <stddef.h>
#include <stdint.h>

#define SDF_MAX_LINE 4096       /* CTAB lines (a V3000 logical line may be 64 times longer) */
#define SDF_MAX_VALUE (1 << 20) /* one SD data value */

struct sdf_iter {
    const char *buf;
    size_t len;
    size_t pos;     /* start of the next record */
    uint32_t line;  /* 1-based number of the line starting at pos */
    uint32_t nrec;  /* records returned so far */
    char *scratch;  /* V3000 logical lines, data values (grown, owned) */
    size_t scap;
    uint32_t *amap; /* V3000 atom ids (owned) */
    size_t amapcap;
    /* after a 1 or -1 from sdf_iter_next: */
    size_t span_start, span_end; /* raw record bytes in buf, including its "$$$$" line */
    uint32_t line0;              /* 1-based first line of the record */
    uint32_t index;              /* 0-based record index in this buffer */
};

void sdf_iter_init(struct sdf_iter *it, const char *buf, size_t len);
/* 1 = record parsed into m (mol_init is done here), 0 = end of buffer, -1 = bad record: err gets
 * "line L: what", m is freed, and the iterator is positioned after the record's "$$$$" line. */
int sdf_iter_next(struct sdf_iter *it, struct mol *m, char *err, size_t errlen);
void sdf_iter_free(struct sdf_iter *it);

#endif
