/* loader.c: record streams -> shuffled molecules with epochs and a data position (loader.h). */
#include "loader.h"
#include "util.h"

#include <stdlib.h>
#include <string.h>

int loader_open(struct loader *l, char *const *files, int nfiles, const struct loader_opts *o)
{
    memset(l, 0, sizeof *l);
    l->o = *o;
    if (l->o.epochs < 1)
        l->o.epochs = 1;
    if (nfiles <= 0) {
        l->nfiles = 1;
        l->files = emalloc(sizeof *l->files);
        l->files[0] = estrdup("-");
    } else {
        l->nfiles = nfiles;
        l->files = emalloc((size_t)nfiles * sizeof *l->files);
        for (int i = 0; i < nfiles; i++)
            l->files[i] = estrdup(files[i]);
    }
    for (int i = 0; i < l->nfiles; i++)
        if (!strcmp(l->files[i], "-") && l->o.epochs > 1) {
            weprintf("--epochs %d needs input files that can be read again, not stdin; hint: "
                     "concatenate per-epoch streams (blend-mask --epoch e) instead", l->o.epochs);
            l->status = EXIT_USAGE;
            return -1;
        }
    l->cap = l->o.shuffle > 1 ? l->o.shuffle : 1;
    l->buf = ecalloc((size_t)l->cap, sizeof *l->buf);
    l->bsrc = ecalloc((size_t)l->cap, sizeof *l->bsrc);
    rng_init_keyed(&l->rng, l->o.seed, 0x6c6f61646572ULL /* "loader" */, 0, 0);
    return 0;
}

void loader_close(struct loader *l)
{
    if (l->is_open)
        rec_reader_close(&l->r);
    for (int i = 0; i < l->nbuf; i++)
        mol_free(&l->buf[i]);
    free(l->buf);
    free(l->bsrc);
    for (int i = 0; i < l->nfiles; i++)
        free(l->files[i]);
    free(l->files);
    memset(l, 0, sizeof *l);
}

/* Read one usable molecule of the current pass into *m. 1 ok, 0 pass exhausted, -1 error. */
static int read_one(struct loader *l, struct mol *m, struct loader_src *src)
{
    for (;;) {
        if (!l->is_open) {
            if (l->fi >= l->nfiles)
                return 0;
            if (rec_reader_open(&l->r, l->files[l->fi], l->o.max_bytes)) {
                l->status = EXIT_IO;
                return -1;
            }
            l->r.want_schema = MOL_SCHEMA;
            l->r.want_version = MOL_VERSION;
            l->is_open = 1;
        }
        msgpack_object *o;
        int ret = rec_read_next(&l->r, &o);
        if (ret == 0) {
            rec_reader_close(&l->r);
            l->is_open = 0;
            l->fi++;
            continue;
        }
        if (ret < 0) {
            l->status = rec_reader_io_error(&l->r) ? EXIT_IO : EXIT_DATA;
            return -1;
        }
        l->read++;
        const char *err = NULL;
        uint64_t idx = l->r.index - 1;
        if (mol_unpack(m, o, 0, &err)) {
            werecord(l->r.name, idx, NULL, "%s", err);
            mol_free(m);
            l->bad++;
            if (l->o.keep_going)
                continue;
            l->status = EXIT_DATA;
            return -1;
        }
        if (l->o.split && (!m->split || strcmp(m->split, l->o.split))) {
            l->other_split++;
            mol_free(m);
            continue;
        }
        if (l->o.max_atoms > 0 && m->n > (uint32_t)l->o.max_atoms) {
            if (l->too_big++ < 5 && verbosity >= 1 && !l->o.quiet)
                weprintf("warning: %s: record %llu%s%s%s: %u atoms > --max-atoms %d, skipped",
                         l->r.name, (unsigned long long)idx, m->id ? " (id=" : "",
                         m->id ? m->id : "", m->id ? ")" : "", m->n, l->o.max_atoms);
            mol_free(m);
            continue;
        }
        if (m->n == 0) {
            werecord(l->r.name, idx, m->id, "molecule has no atoms");
            mol_free(m);
            l->bad++;
            if (l->o.keep_going)
                continue;
            l->status = EXIT_DATA;
            return -1;
        }
        src->file = l->fi;
        src->index = idx;
        return 1;
    }
}

const char *loader_file_name(const struct loader *l, int i)
{
    if (i < 0 || i >= l->nfiles)
        return "?";
    return strcmp(l->files[i], "-") ? l->files[i] : "<stdin>";
}

int loader_next(struct loader *l, struct mol *m, struct loader_src *src)
{
    for (;;) {
        /* fill the buffer */
        while (!l->pass_done && l->nbuf < l->cap) {
            int ret = read_one(l, &l->buf[l->nbuf], &l->bsrc[l->nbuf]);
            if (ret < 0)
                return -1;
            if (ret == 0) {
                l->pass_done = 1;
                break;
            }
            l->nbuf++;
        }
        if (l->nbuf > 0) {
            uint32_t j = l->cap > 1 ? rng_below(&l->rng, (uint32_t)l->nbuf) : 0;
            *m = l->buf[j];
            if (src)
                *src = l->bsrc[j];
            l->buf[j] = l->buf[--l->nbuf];
            l->bsrc[j] = l->bsrc[l->nbuf];
            memset(&l->buf[l->nbuf], 0, sizeof l->buf[0]);
            l->pos++;
            return 1;
        }
        /* pass drained */
        if (l->epoch + 1 >= l->o.epochs)
            return 0;
        if (l->pos == 0) /* an empty pass: more passes give nothing either */
            return 0;
        l->epoch++;
        l->fi = 0;
        l->pass_done = 0;
    }
}

int loader_batch(struct loader *l, struct mol *mols, struct loader_src *src, int B)
{
    int k = 0;
    while (k < B) {
        int ret = loader_next(l, &mols[k], src ? &src[k] : NULL);
        if (ret < 0) {
            for (int i = 0; i < k; i++)
                mol_free(&mols[i]);
            return -1;
        }
        if (ret == 0)
            break;
        k++;
    }
    return k;
}

int loader_skip(struct loader *l, uint64_t n)
{
    while (l->pos < n) {
        struct mol m;
        int ret = loader_next(l, &m, NULL);
        if (ret < 0)
            return -1;
        if (ret == 0) {
            weprintf("cannot resume: the input ends after %llu molecules but the checkpoint had "
                     "consumed %llu; hint: resume with the same input files and options",
                     (unsigned long long)l->pos, (unsigned long long)n);
            l->status = EXIT_DATA;
            return -1;
        }
        mol_free(&m);
    }
    return 0;
}
