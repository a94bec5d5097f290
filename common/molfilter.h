/* molfilter.h: the record loop of a one-in, one-out molecule stage (relation-build, blend-mask):
 * read every input (none = stdin), decode each molecule record, call the stage's function, write
 * the record (unknown keys carried through) or report it as
 * "tool: source: record N (id=...): what" and count it. Strict by default (the first bad record
 * ends the run, exit 1); keep_going skips and counts. A truncated or malformed stream is a data
 * error (exit 1), a read or write failure exit 3. The caller opens/closes the writer (header,
 * compression) and prints its own summary from the counts. */
#ifndef MB_MOLFILTER_H
#define MB_MOLFILTER_H

#include "mol.h"
#include "rec.h"

#include <stdint.h>

/* Process m in place: 0 = write it, -1 = reject it with *err (a message valid until the next
 * call). */
typedef int (*molfilter_fn)(struct mol *m, void *ctx, const char **err);

struct molfilter {
    int keep_going;                /* -k */
    int progress;                  /* --progress */
    uint64_t nin, nout, nbad;      /* records read, written, rejected */
};

/* Run fn over files[0..nfiles) (nfiles 0 = stdin) writing to w. Returns the exit status. */
int molfilter_run(struct molfilter *f, char *const *files, int nfiles, struct rec_writer *w,
                  molfilter_fn fn, void *ctx);

#endif
