/* batch.h: molecule records (struct mol, after relation-build and blend-mask) -> padded batch
 * tensors for the model (SPEC 1.2-1.8, 3, 4.2-4.4).
 *
 * Dims: B molecules, N = padded atom count (max n in the batch; graph token excluded), P = 5 hops.
 * Every array is sized for (max_batch, max_atoms) at batch_init and used compactly with the
 * current (B, N) after batch_build: element (b, i, j) of a (B,N,N) array is at (b*N + i)*N + j. */
#ifndef MB_BATCH_H
#define MB_BATCH_H

#include "mol.h"

#include <stddef.h>
#include <stdint.h>

#define BATCH_HOPS 5 /* SPEC 1.6 */
#define BATCH_SPD_CLASSES 11
#define BATCH_EDGE_CLASSES 24

struct batch {
    int B, N; /* current molecules, padded atoms */
    int max_batch, max_atoms, n_tasks;
    int *n;           /* (B) real atoms per molecule */
    int *mode;        /* (B) MODE_BLEND / MODE_2D / MODE_3D */
    int *has_pos;     /* (B) molecule has coordinates */
    int32_t *atom;    /* (B,N,9) atom token ids raw+2+512f, 0 = pad (SPEC 1.2) */
    int32_t *deg;     /* (B,N) degree index deg+1, 0 = pad (SPEC 1.3) */
    int32_t *spatial; /* (B,N,N) spatial_pos = spd+1 (511 unreachable), 0 = pad (SPEC 1.5) */
    int32_t *edge;    /* (B,N,N,5,3) edge ids raw+3+512f per hop, 0 = none/pad (SPEC 1.6) */
    int32_t *z;       /* (B,N) atomic number, -1 = pad (pair type Z_i+2, Z_j+514) */
    float *pos;       /* (B,N,3) model input positions: clean + noise if noise added */
    float *pos_clean; /* (B,N,3) clean positions (3D head target) */
    float *noise;     /* (B,N,3) coordinate noise (denoise target), 0 if none */
    uint8_t *pmask;   /* (B,N,N) PM_* pair modality (MODE_BLEND), else unused */
    uint8_t *amask;   /* (B,N) AM_* atom feature (MODE_BLEND), else unused */
    int8_t *spd_cls;  /* (B,N,N) SPD class 0..10 or -1 ignore (SPEC 4.2) */
    int8_t *edge_cls; /* (B,N,N,5) joint bond class 0..23 or -1 ignore (SPEC 4.3) */
    float *y;         /* (B,n_tasks) labels, NaN = missing */
};

struct batch_opts {
    int add_noise;                /* 1: pos = clean pos + mol noise (pretraining, SPEC 1.7) */
    int default_mode;             /* mode for molecules without a blend mode (mol.mode < 0) */
    const char *const *task_keys; /* n_tasks label keys (LAB_NUM -> value, else NaN); may be NULL */
};

/* Allocate for up to max_batch molecules of up to max_atoms atoms and n_tasks labels. */
void batch_init(struct batch *b, int max_batch, int max_atoms, int n_tasks);
/* Release everything and zero; safe on a zeroed struct. */
void batch_free(struct batch *b);
/* Fill b from mols[0..B). Needs af, deg, spd, path (and bf when nb > 0); pos when the mode
 * uses 3D; pmask/amask for MODE_BLEND. Returns 0, or -1 with a message in err naming the
 * molecule index (B too large, n > max_atoms, missing or out-of-range fields). */
int batch_build(struct batch *b, const struct mol *const *mols, int B,
                const struct batch_opts *opts, char *err, size_t errlen);

#endif
