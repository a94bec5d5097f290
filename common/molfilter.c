/* molfilter.c: see molfilter.h */
#include "molfilter.h"
#include "util.h"

int molfilter_run(struct molfilter *f, char *const *files, int nfiles, struct rec_writer *w,
                  molfilter_fn fn, void *ctx)
{
    int ret = EXIT_OK;
    struct progress pg;
    progress_init(&pg, f->progress, 0, "records");
    int n = nfiles > 0 ? nfiles : 1;
    for (int fi = 0; fi < n && !(ret && !f->keep_going); fi++) {
        const char *path = nfiles > 0 ? files[fi] : "-";
        struct rec_reader r;
        msgpack_object *obj;
        int rr;
        if (rec_reader_open(&r, path, 0)) {
            ret = EXIT_IO;
            break;
        }
        r.want_schema = MOL_SCHEMA;
        r.want_version = MOL_VERSION;
        while ((rr = rec_read_next(&r, &obj)) == 1) {
            uint64_t idx = r.index - 1;
            struct mol m;
            const char *err = NULL;
            f->nin++;
            if (mol_unpack(&m, obj, 1, &err) || fn(&m, ctx, &err)) {
                weprintf("%s: record %llu%s%s%s: %s", r.name, (unsigned long long)idx,
                         m.id ? " (id=" : "", m.id ? m.id : "", m.id ? ")" : "",
                         err ? err : "bad record");
                mol_free(&m);
                f->nbad++;
                ret = EXIT_DATA;
                if (!f->keep_going)
                    break;
                continue;
            }
            mol_pack(&m, rec_begin(w));
            mol_free(&m);
            if (rec_end(w)) {
                ret = EXIT_IO;
                break;
            }
            f->nout++;
            progress_update(&pg, f->nin);
        }
        if (rr < 0) /* truncated or malformed stream, or a read error: reported by the reader */
            ret = ret == EXIT_IO || rec_reader_io_error(&r) ? EXIT_IO : EXIT_DATA;
        rec_reader_close(&r);
        if (ret == EXIT_IO)
            break;
    }
    progress_done(&pg, f->nin);
    return ret;
}
