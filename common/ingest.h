/* ingest.h: input side of conformer-ingest and the stream tools.
 *
 * 1. Format detection for molecule files (ingest_detect).
 * 2. The molecule record loop over one in-memory member (struct ingest_src), built on the
 *    SDF/XYZ/SMILES iterators, with H removal, bond perception, atom limits and the
 *    src/rec/line fields of schemas/mol.md. */
#ifndef MB_INGEST_H
#define MB_INGEST_H

#include "rec.h"

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>


/* ---------------------------------------------------------------- format detection */

enum ingest_fmt { INGEST_AUTO = 0, INGEST_SDF, INGEST_XYZ, INGEST_SMI, INGEST_CSV, INGEST_TSV };

/* "sdf", "xyz", "smi", "csv", "tsv" (also "mol", "sd", "extxyz", "smiles") -> INGEST_*; -1 if
 * unknown. */
int ingest_fmt_from_name(const char *s);
const char *ingest_fmt_name(int fmt); /* "sdf" ... ("auto" for INGEST_AUTO) */
/* Format by content, then by the extension of name (compression suffixes already removed),
 * then by a weak content guess:
 *   1. SDF: the 4th line is a V2000/V3000 counts line, or "M  END" occurs in the first 64 KiB;
 *   2. XYZ: the first line is a positive integer (the atom count) followed by more lines;
 *   3. extension: .sdf .sd .mol .mdl / .xyz .extxyz / .smi .smiles .ism .can / .csv / .tsv .tab;
 *   4. the first line holds a tab: TSV; a comma: CSV; otherwise SMI (SMILES [name] lines). */
int ingest_detect(const char *name, const char *buf, size_t len);

/* ---------------------------------------------------------------- molecule record loop */

struct mol;

struct ingest_opts {
    int fmt;                /* INGEST_AUTO, or a forced INGEST_* */
    int keep_h;             /* keep H atoms (default: heavy atoms only, mol_remove_h) */
    int perceive;           /* XYZ: perceive single bonds from distances */
    double tol;             /* bond perception tolerance (Angstrom) */
    int check_valence;      /* reject RDKit valence errors (mol_check_valence) */
    const char *smiles_col; /* CSV/TSV/SMI: column options (smifile.h) */
    const char *id_col;
    char delim;         /* 0 = by format */
    int header;         /* -1 auto, 0 none, 1 yes */
    uint32_t max_atoms; /* larger molecules (after H removal) are rejected */
};
void ingest_opts_init(struct ingest_opts *o); /* defaults */

struct ingest_src {
    int fmt;                     /* INGEST_* actually used */
    const char *name;            /* src ("file[:member]"), kept by reference */
    const struct ingest_opts *o; /* kept by reference */
    void *it;                    /* parser iterator (sdf_iter, xyz_iter or smi_iter) */
    /* after ingest_src_next returned 1 or -1: */
    size_t span_start, span_end; /* raw bytes of the record in buf */
    uint32_t line;               /* line of the record (of the error, when -1 and known) */
    uint32_t index;              /* 0-based record index within this member */
};

/* Set up over buf[0..len) (kept by reference), detecting the format from detect_name and the
 * content unless o->fmt is forced. Returns 0, or -1 with err (e.g. a CSV column option naming
 * no column); ingest_src_free is safe either way. */
int ingest_src_init(struct ingest_src *s, const struct ingest_opts *o, const char *name,
                    const char *detect_name, const char *buf, size_t len, char *err, size_t errlen);
/* Next molecule into m (initialised here): 1 = record, with src/rec/line set, H removed unless
 * keep_h, bonds perceived for XYZ when asked; 0 = end; -1 = rejected record (err = what, without
 * a line prefix; s->line/span/index describe it; m freed). */
int ingest_src_next(struct ingest_src *s, struct mol *m, char *err, size_t errlen);
void ingest_src_free(struct ingest_src *s);

#endif
