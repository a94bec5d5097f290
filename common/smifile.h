/* smifile.h: records of a SMILES-bearing text buffer (a whole file or an archive member).
 *
 * Layouts (chosen by smi_opts.delim, else by the name's extension, else sniffed):
 *   - CSV (',', .csv) and TSV ('\t', .tsv .tab): RFC 4180 fields ("quoted", "" escapes, quoted
 *     newlines, CRLF), UTF-8 BOM skipped, blank lines skipped. Every row must have as many cells
 *     as the header (or, without a header, as the first row).
 *   - SMILES files (.smi .smiles .ism .can, or no delimiter found): SMILES, then optional
 *     whitespace and a name (the rest of the line, trimmed) which becomes the id; '#' lines and
 *     blank lines are skipped; no labels. A .smi whose first line holds a tab is read as TSV.
 *   A compression suffix on name_hint (.gz .zst .bz2 .xz) is ignored for the extension test.
 *
 * Header (header = -1): present when a first-row cell names a SMILES column (smiles_col, or
 * case-insensitively smiles, canonical_smiles, isomeric_smiles, mol, smi, or a name holding
 * "smiles"), or when no first-row cell parses as SMILES but a second-row cell does. SMILES
 * column: opts smiles_col (a header name, case-sensitive then -insensitive, or a 1-based column
 * number), else the best-named column above, else the first column whose first data cell
 * parses (column 1 if none). Without a header, columns are named col1, col2, ...
 *
 * Per record: m->smiles/fmt and the graph (smiles_parse), m->id = the id column's cell (or the
 * .smi name), else the 0-based data-record index as text; m->rec = that index, m->line = the
 * record's first line (1-based). Every other column becomes a label: numbers (1, 1.0, -1e-3)
 * LAB_NUM, empty cells and nan/NaN LAB_NIL, anything else (incl. inf) LAB_STR. Repeated header
 * names get a suffix "_2", "_3"... Cells are trimmed of spaces for SMILES, id and numbers; in a
 * SMILES cell, text after inner whitespace (e.g. a CXSMILES "|...|" extension) is ignored, as RDKit
 * does. */
#ifndef MB_SMIFILE_H
#define MB_SMIFILE_H

#include "mol.h"
#include "util.h"

#include <stddef.h>
#include <stdint.h>

struct smi_opts {
    char delim;             /* 0 auto: ',' .csv, '\t' .tsv/.tab, whitespace for .smi */
    const char *smiles_col; /* NULL: auto-detect (see above) */
    const char *id_col;     /* NULL: no id column: id = "<data-record index>" */
    int header;             /* -1 auto, 0 none, 1 yes */
    const char *name_hint;  /* file name for extension-based defaults (NULL ok) */
};

struct smi_iter {
    /* private */
    const char *buf;
    size_t len, pos;
    int ws;           /* whitespace (.smi) layout */
    char delim;       /* delimited layout */
    int ncols;        /* cells per row (delimited) */
    char **names;     /* column names [ncols] */
    int scol, icol;   /* SMILES and id column, icol -1 = none */
    uint32_t line;    /* 1-based line at pos */
    uint32_t nrec;    /* data records seen (good and bad) */
    struct buf cells; /* current row: decoded cells, each NUL-terminated */
    size_t *off;      /* cell start offsets in cells.p */
    int ncell, capoff;
    /* public, valid after smi_iter_next returned 1 or -1 */
    size_t span_start, span_end; /* byte range of the raw record in buf (for reject files) */
    uint32_t line0;              /* its 1-based first line */
    uint32_t index;              /* its 0-based data-record index */
};

/* Set up over buf[0..len) (kept by reference: it must outlive the iterator) and read the
 * header. o may be NULL (all auto). Returns 0, or -1 with err (e.g. a named column that does
 * not exist); smi_iter_free is safe either way. */
int smi_iter_init(struct smi_iter *it, const char *buf, size_t len, const struct smi_opts *o,
                  char *err, size_t errlen);
/* 1 = record parsed into m (m initialised by the callee), 0 = end, -1 = bad record: err filled
 * ("line L: what"), m freed, iterator advanced past it. */
int smi_iter_next(struct smi_iter *it, struct mol *m, char *err, size_t errlen);
void smi_iter_free(struct smi_iter *it);

#endif
