/* stereo.c: see stereo.h. */
#include "stereo.h"

#include "mol.h"

#include <stdio.h>
#include <string.h>

int stereo_assign(const struct mol *m, const struct perceive *p, uint8_t *atom_chiral,
                  uint8_t *bond_stereo, char *err, size_t errlen)
{
    (void)p;
    if (!m) {
        snprintf(err, errlen, "stereo: no molecule");
        return -1;
    }
    if (atom_chiral && m->n)
        memset(atom_chiral, 0, m->n);
    if (bond_stereo && m->nb)
        memset(bond_stereo, 0, m->nb);
    return 0;
}
