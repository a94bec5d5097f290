/* perceive.c: see perceive.h. (work in progress: full perception lands here shortly) */
#include "perceive.h"

#include "mol.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void perceive_init(struct perceive *p)
{
    memset(p, 0, sizeof *p);
}

void perceive_free(struct perceive *p)
{
    free(p->hs);
    free(p->implh);
    free(p->deg);
    free(p->tdeg);
    free(p->ring);
    free(p->arom);
    free(p->hyb);
    free(p->rad);
    free(p->amin);
    free(p->val);
    free(p->btype);
    free(p->kek);
    free(p->bring);
    free(p->bconj);
    free(p->bmin);
    free(p->adj_off);
    free(p->adj_atom);
    free(p->adj_bond);
    free(p->ring_off);
    free(p->ring_atoms);
    free(p->ring_bonds);
    memset(p, 0, sizeof *p);
}

int perceive_run(const struct mol *m, struct perceive *p, char *err, size_t errlen)
{
    (void)m;
    (void)p;
    snprintf(err, errlen, "perceive: not implemented yet");
    return -1;
}

int perceive_hyb_index(int hyb)
{
    return (hyb >= HYB_SP && hyb <= HYB_SP3D2) ? hyb - HYB_SP : 5;
}

void perceive_atom_features(const struct mol *m, const struct perceive *p, uint8_t *af)
{
    (void)m;
    (void)p;
    (void)af;
}

void perceive_bond_features(const struct mol *m, const struct perceive *p, uint8_t *bf)
{
    (void)m;
    (void)p;
    (void)bf;
}
