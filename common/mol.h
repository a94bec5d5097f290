/* mol.h: the molecule record (schemas/mol.md), shared by every stage.
 *
 * One msgpack map per molecule. conformer-ingest writes the "molecule" keys; relation-build,
 * blend-mask and encode add their keys to the same record, so one record can be followed
 * through the whole pipeline. Keys a stage does not know are carried through unchanged
 * (mol_unpack with keep_extra, mol_pack). */
#ifndef MB_MOL_H
#define MB_MOL_H

#include "rec.h"

#include <stdint.h>

#define MOL_SCHEMA "moleblend.mol"
#define MOL_VERSION 1
#define MOL_MAX_ATOMS_DEFAULT 512 /* heavy atoms (or all atoms with --keep-h) */
#define MOL_MAX_ATOMS_HARD 4096   /* no stage accepts more, whatever its options */
#define MOL_SPD_UNREACHABLE 510   /* SPEC 1.5 */
#define MOL_HOPS 5                /* SPEC 1.6 multi_hop_max_dist */
#define MOL_NO_BOND 0xFFFF        /* path entry: no bond at this hop */

/* bond order codes ("bo") */
enum { BO_OTHER = 0, BO_SINGLE = 1, BO_DOUBLE = 2, BO_TRIPLE = 3, BO_AROMATIC = 4, BO_DATIVE = 5 };
/* blend modes ("mode", SPEC 3 and 6) */
enum { MODE_BLEND = 0, MODE_2D = 1, MODE_3D = 2 };
/* pair modality codes ("pmask") and atom feature codes ("amask") */
enum { PM_SPD = 0, PM_EDGE = 1, PM_3D = 2 };
enum { AM_DEGREE = 0, AM_3D = 1 };

/* Typed-array fields: X(field, C type, REC_ type, key, length kind).
 * Length kinds: A = n, A3 = 3n, A9 = 9n, B = nb, B2 = 2nb, B3 = 3nb, P = n*n, P5 = n*n*5,
 * V = free length (checked by the stage that uses it). */
#define MOL_ARRAYS(X)                                                                           \
    /* conformer-ingest: atoms, in file order */                                                \
    X(z, uint8_t, REC_U8, "z", A)          /* atomic number */                                 \
    X(chg, int8_t, REC_I8, "chg", A)       /* formal charge */                                 \
    X(iso, uint16_t, REC_U16, "iso", A)    /* isotope mass number, 0 = natural */              \
    X(nh, uint8_t, REC_U8, "nh", A)        /* explicit H: removed H atoms + bracket H count */ \
    X(noimp, uint8_t, REC_U8, "noimp", A)  /* 1: no implicit H may be added (SMILES bracket) */\
    X(rad, uint8_t, REC_U8, "rad", A)      /* radical electrons as given (M  RAD, 0 = none) */ \
    X(arom, uint8_t, REC_U8, "arom", A)    /* aromatic as given (lowercase SMILES / bond 4) */ \
    X(chir, uint8_t, REC_U8, "chir", A)    /* RDKit reader chiral tag: 0 none 1 CW 2 CCW 4-8 */\
    X(parity, uint8_t, REC_U8, "parity", A)/* molfile atom parity field 0..3 as given */       \
    X(aclass, uint16_t, REC_U16, "aclass", A) /* SMILES atom class (:n), 0 = none */           \
    X(bonds, uint16_t, REC_U16, "bonds", B2)  /* atom index pairs, bond i = (2i, 2i+1) */      \
    X(bo, uint8_t, REC_U8, "bo", B)        /* bond order code BO_* */                          \
    X(bst, uint8_t, REC_U8, "bst", B)      /* molfile bond stereo field as given */            \
    X(bdir, uint8_t, REC_U8, "bdir", B)    /* SMILES direction: 0 none, 1 '/', 2 '\\' (a->b) */\
    X(pos, float, REC_F32, "pos", A3)      /* coordinates, Angstrom, (n,3) */                  \
    /* relation-build */                                                                        \
    X(af, uint8_t, REC_U8, "af", A9)       /* OGB atom features, raw vocab index (n,9) */      \
    X(bf, uint8_t, REC_U8, "bf", B3)       /* OGB bond features, raw vocab index (nb,3) */     \
    X(deg, uint8_t, REC_U8, "deg", A)      /* heavy-neighbour degree */                        \
    X(spd, uint16_t, REC_U16, "spd", P)    /* shortest path length, 510 = unreachable */       \
    X(path, uint16_t, REC_U16, "path", P5) /* bond index of hop d on path i->j, 0xFFFF none */ \
    X(dist, float, REC_F32, "dist", P)     /* pair distance (Angstrom), when 3D */             \
    /* blend-mask */                                                                            \
    X(pmask, uint8_t, REC_U8, "pmask", P)  /* pair modality PM_* (SPEC 3.1) */                 \
    X(amask, uint8_t, REC_U8, "amask", A)  /* atom feature AM_* (SPEC 3.2) */                  \
    X(noise, float, REC_F32, "noise", A3)  /* coordinate noise (Angstrom), (n,3) */            \
    /* encode */                                                                                \
    X(emb, float, REC_F32, "emb", V)       /* molecule embedding (graph token), (C) */         \
    X(aemb, float, REC_F32, "aemb", V)     /* per-atom embeddings, (n,C) */                    \
    X(pred, float, REC_F32, "pred", V)     /* task predictions (original units / logits) */

enum mol_field {
#define X(f, t, rt, key, len) MOL_F_##f,
    MOL_ARRAYS(X)
#undef X
    MOL_NFIELDS
};

/* A label: a CSV column, SD tag or XYZ property. */
enum { LAB_NIL = 0, LAB_NUM = 1, LAB_STR = 2 };
struct mol_label {
    char *key;
    int kind;   /* LAB_* ; LAB_NIL = missing value (empty cell) */
    double num; /* LAB_NUM */
    char *str;  /* LAB_STR (also kept for LAB_NUM: the original text, NULL if none) */
};

struct mol_extra { /* a key this build does not know, carried through */
    const msgpack_object *key, *val; /* valid until the reader's next record */
};

struct mol {
    /* scalars */
    char *id;       /* molecule id (SD title, CSV row id, XYZ index...) */
    char *src;      /* source "file[:member]" */
    uint32_t rec;   /* 0-based record index within src */
    uint32_t line;  /* 1-based first line within src (0 unknown) */
    char *fmt;      /* "sdf", "xyz", "smiles" */
    char *smiles;   /* input SMILES when the source was SMILES (else NULL) */
    uint32_t n;     /* atoms */
    uint32_t nb;    /* bonds */
    int has_pos;    /* "pos" present */
    int is3d;       /* coordinates are 3D (not flat 2D depiction) */
    int has_bonds;  /* bonds known (false for XYZ without --perceive-bonds) */
    int mode;       /* blend mode MODE_*, -1 if not blended */
    uint32_t epoch; /* blend-mask epoch */
    char *split;    /* "train", "valid", "test" or NULL */
    /* typed arrays; NULL when absent */
#define X(f, t, rt, key, len) t *f;
    MOL_ARRAYS(X)
#undef X
    uint32_t len[MOL_NFIELDS]; /* element counts of present arrays */
    /* labels */
    struct mol_label *lab;
    uint32_t nlab;
    /* unknown keys */
    struct mol_extra *extra;
    uint32_t nextra;
};

/* Field table, in MOL_ARRAYS order. */
struct mol_field_info {
    const char *key;
    size_t klen;          /* strlen(key) */
    int type;     /* REC_* */
    size_t esize;         /* element size */
    const char *lenkind;  /* "A", "A3", "A9", "B", "B2", "B3", "P", "P5", "V" */
};
extern const struct mol_field_info mol_fields[MOL_NFIELDS];
int mol_field_by_key(const char *key); /* index or -1 */

void mol_init(struct mol *m);
/* Release everything and zero. Safe on a zeroed struct. */
void mol_free(struct mol *m);

/* Decode a record. Arrays are copied (owned by m); extras point into o and are kept only
 * if keep_extra. Returns 0, or -1 with *err set to a static message. Validates array
 * lengths against n / nb and bond indices < n. */
int mol_unpack(struct mol *m, const msgpack_object *o, int keep_extra, const char **err);
/* Encode m as one map (all present fields, labels, extras). */
void mol_pack(const struct mol *m, msgpack_packer *pk);

/* Allocate (zeroed) or drop an array field with the length its kind implies; returns the array. */
void *mol_alloc(struct mol *m, int field, size_t count);
void mol_drop(struct mol *m, int field);
/* Expected length of a field for m's n/nb (0 for kind V). */
size_t mol_field_len(const struct mol *m, int field);

/* Labels */
struct mol_label *mol_add_label(struct mol *m, const char *key);
const struct mol_label *mol_get_label(const struct mol *m, const char *key);
void mol_set_str(char **dst, const char *s); /* free old, dup new (NULL ok) */

/* Copy everything except extras (deep). */
void mol_copy(struct mol *dst, const struct mol *src);

#endif
