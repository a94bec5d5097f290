/* loader.h: molecule record stream(s) -> molecules for batches, with a seeded shuffle buffer,
 * epochs (passes over the input files) and a replayable data position for --resume.
 *
 * Shuffle: a buffer of up to `shuffle` decoded molecules; each output is a uniformly drawn
 * buffer slot (loader RNG, seeded), refilled from the input. At the end of a pass the buffer is
 * drained before the next pass starts, so every epoch holds each record exactly once.
 * The output order depends only on the input bytes, `seed` and `shuffle`; the data position is
 * the number of molecules handed out (`pos`), so a resumed run re-creates the loader with the
 * same options and calls loader_skip(pos) (the records are re-read, not trained on). */
#ifndef MB_LOADER_H
#define MB_LOADER_H

#include "mol.h"
#include "rec.h"
#include "rng.h"

#include <stdint.h>

struct loader_opts {
    int shuffle;          /* buffer size; 0 or 1 = input order */
    uint64_t seed;
    int epochs;           /* passes over the files (stdin: must be 1) */
    int max_atoms;        /* larger molecules are skipped and counted (0 = no limit) */
    const char *split;    /* only records whose "split" equals this (NULL = all) */
    int keep_going;       /* skip undecodable records (counted) instead of failing */
    size_t max_bytes;     /* record size bound (0 = default) */
    int quiet;            /* no per-record warnings for skipped large molecules */
};

/* Where a molecule came from (for messages): files[file], 0-based data record index. */
struct loader_src {
    int file;
    uint64_t index;
};

struct loader {
    struct loader_opts o;
    char **files;         /* owned copies; "-" = stdin */
    int nfiles;
    int fi;               /* current file */
    int is_open;
    struct rec_reader r;
    int epoch;            /* current pass, 0-based */
    int pass_done;        /* all files of this pass read */
    struct rng rng;
    struct mol *buf;      /* shuffle buffer */
    struct loader_src *bsrc; /* origin of each buffered molecule */
    int nbuf, cap;
    uint64_t pos;         /* molecules handed out */
    uint64_t read;        /* data records read (all passes) */
    uint64_t too_big, other_split, bad;
    int status;           /* after -1: EXIT_DATA or EXIT_IO */
};

/* files[0..nfiles) ("-" = stdin; nfiles 0 = stdin). Returns 0, or -1 (reported) for an
 * impossible combination (stdin with epochs > 1). */
int loader_open(struct loader *l, char *const *files, int nfiles, const struct loader_opts *o);
/* Next molecule into *m (decoded, owned by the caller: mol_free it) and its origin into *src
 * (may be NULL). Returns 1, 0 at the end of the last epoch, or -1 after reporting (l->status
 * has the exit code). */
int loader_next(struct loader *l, struct mol *m, struct loader_src *src);
/* Up to B molecules into mols[0..) (origins into src[0..) if non-NULL); returns the count
 * (0 = end), -1 on error. The caller mol_frees them. */
int loader_batch(struct loader *l, struct mol *mols, struct loader_src *src, int B);
/* Display name of input file i ("<stdin>" for "-"). */
const char *loader_file_name(const struct loader *l, int i);
/* Skip n molecules (resume). -1 if the input ends first (reported). */
int loader_skip(struct loader *l, uint64_t n);
void loader_close(struct loader *l);

#endif
