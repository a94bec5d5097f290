/* molfilter.c: see molfilter.h */
#include "molfilter.h"
#include "util.h"

int molfilter_run(struct molfilter *f, char *const *files, int nfiles, struct rec_writer *w,
                  molfilter_fn fn, void *ctx)
{
    int ret = EXIT_OK;
    struct progress pg;
    progress_init(&pg, f->progress, 0, "records");
    struct rec_inputs in;
    msgpack_object *obj;
    rec_inputs_open(&in, files, nfiles, MOL_SCHEMA, MOL_VERSION, f->keep_going);
    while (rec_inputs_next(&in, &obj) == 1) {
        struct mol m;
        const char *err = NULL;
        f->nin++;
        if (mol_unpack(&m, obj, 1, &err) || fn(&m, ctx, &err)) {
            werecord(in.r.name, in.r.index - 1, m.id, "%s", err ? err : "bad record");
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
    progress_done(&pg, f->nin);
    return rec_inputs_close(&in, ret);
}
