/* encode: molecule embeddings (and predictions) from a trained MoleBLEND checkpoint.
 *
 * Input:  moleblend.mol@1 records after relation-build (blend-mask keys optional).
 * Output: moleblend.mol@1, the same records plus (schemas/encode.md)
 *         emb   (C) f32  final-layer graph-token state: the molecule embedding
 *         aemb  (n,C) f32 final-layer atom states, with --atoms
 *         pred  (NT) f32 with a fine-tuned checkpoint: original units (regression) or logits
 *               (classification), in the order of the checkpoint's labels
 * Input mode per record: --mode 2d|3d|blend forces it; otherwise records carrying blend-mask
 * keys are encoded as blended, and the others as the checkpoint's input mode (a pretrained
 * "blend" checkpoint: 3D when the record has 3D coordinates, else 2D).
 * Deterministic: eval mode (no dropout, no noise); the same input gives the same bits.
 * Exit: 0 ok, 1 bad record (or records skipped with -k), 2 usage, 3 I/O or unusable checkpoint. */
#include "ckpt.h"
#include "cli.h"
#include "layers.h"
#include "model.h"
#include "mol.h"
#include "rec.h"
#include "util.h"

#include <getopt.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#define ENCODE_VERSION "0.1"

void openblas_set_num_threads(int num_threads); /* OpenBLAS (cblas.h) */

static const char usage_line[] =
    "[-hkqvfV] --ckpt CKPT [--mode 2d|3d|blend] [--atoms] [--batch B] [--max-atoms N]\n"
    "       [--threads N] [--zstd[=L]] [--progress] [file...]";

static void usage(FILE *fp)
{
    fprintf(fp, "usage: encode %s\n\n", usage_line);
    fputs("Add MoleBLEND embeddings to moleblend.mol records (relation-build output).\n"
          "  --ckpt CKPT        checkpoint from train-step (pretrained or fine-tuned)\n"
          "  --mode M           encode every record as 2d, 3d or blend (default: the record's\n"
          "                     blend-mask keys, else the checkpoint's input mode)\n"
          "  --atoms            also write per-atom embeddings 'aemb' (n x C)\n"
          "  --batch B          molecules per forward pass (default 16)\n"
          "  --max-atoms N      largest molecule accepted (default: any; the model grows)\n"
          "  --threads N        OpenBLAS threads\n",
          fp);
    cli_usage(fp, CLI_KEEP | CLI_FORCE | CLI_ZSTD | CLI_PROGRESS, 19);
    fputs("Output keys: emb (C), aemb (n,C) with --atoms, pred (tasks) for fine-tuned checkpoints.\n"
          "Exit: 0 ok, 1 bad record, 2 usage, 3 I/O or unusable checkpoint.\n",
          fp);
}

struct item {
    msgpack_sbuffer sb;   /* private copy of the record (extras point into up's zone) */
    msgpack_unpacked up;
    struct mol m;
    uint64_t idx;
    const char *src;
    int mode0; /* the record's own mode, written back unchanged */
};

struct enc {
    const char *ckpt;
    struct ckpt_meta meta;
    struct model_config cfg;
    int max_fixed;        /* --max-atoms given: larger molecules are errors, else grow */
    struct model m;
    struct batch b;
    int C, NT, atoms, force_mode, ck_mode, keep_going;
    struct item *items;
    int nitems, cap;
    uint64_t nout, bad;
    float *emb;
};

static void item_clear(struct item *it)
{
    mol_free(&it->m);
    msgpack_unpacked_destroy(&it->up);
    msgpack_sbuffer_destroy(&it->sb);
    memset(it, 0, sizeof *it);
}

static int mode_for(const struct enc *E, const struct mol *m)
{
    if (E->force_mode >= 0)
        return E->force_mode;
    if (!E->m.cfg.has_3d) /* a 2D-only encoder: every record is 2D */
        return MODE_2D;
    if (m->mode >= 0 && (m->mode != MODE_BLEND || (m->pmask && m->amask)))
        return m->mode;
    if (E->ck_mode != MODE_BLEND)
        return E->ck_mode;
    return m->pos && m->is3d && E->m.cfg.has_3d ? MODE_3D : MODE_2D;
}

/* Check one molecule alone (to name bad records). 0 ok, -1 bad (reported). */
static int check_one(struct enc *E, struct item *it)
{
    char err[256];
    const struct mol *p = &it->m;
    struct batch_opts bo = {0, MODE_2D, NULL};
    if (it->m.mode != MODE_2D && !E->m.cfg.has_3d) {
        werecord(it->src, it->idx, it->m.id,
                 "3D or blended input but the checkpoint has no 3D module (use --mode 2d)");
        return -1;
    }
    if (batch_build(&E->b, &p, 1, &bo, err, sizeof err)) {
        werecord(it->src, it->idx, p->id, "%s%s",
                 strncmp(err, "molecule 0: ", 12) ? err : err + 12,
                 p->n > (uint32_t)E->b.max_atoms ? " (raise --max-atoms)" : "");
        return -1;
    }
    return 0;
}

/* Encode and write the pending items. Returns 0, EXIT_DATA (strict failure) or EXIT_IO. */
static int flush(struct enc *E, struct rec_writer *w)
{
    char err[256];
    const struct mol **ptr = emalloc((size_t)(E->nitems > 0 ? E->nitems : 1) * sizeof *ptr);
    struct batch_opts bo = {0, MODE_2D, NULL};
    int n = 0, ret = 0;
    for (int i = 0; i < E->nitems; i++) {
        struct item *it = &E->items[i];
        it->mode0 = it->m.mode;
        it->m.mode = mode_for(E, &it->m);
        if (check_one(E, it)) {
            E->bad++;
            if (!E->keep_going) {
                ret = EXIT_DATA;
                goto out;
            }
            item_clear(it);
            continue;
        }
        ptr[n++] = &it->m;
    }
    if (n == 0)
        goto out;
    if (batch_build(&E->b, ptr, n, &bo, err, sizeof err) ||
        model_forward(&E->m, &E->b, 0, NULL, err, sizeof err)) {
        weprintf("batch ending at record %llu: %s",
                 (unsigned long long)E->items[E->nitems - 1].idx, err);
        ret = EXIT_DATA;
        goto out;
    }
    model_graph_emb(&E->m, E->emb);
    const float *out = model_out(&E->m);
    const float *pred = E->NT ? model_pred(&E->m) : NULL;
    int T = E->m.T, C = E->C;
    for (int k = 0; k < n; k++) {
        struct mol *m = (struct mol *)ptr[k];
        m->mode = ((const struct item *)((const char *)m - offsetof(struct item, m)))->mode0;
        memcpy(mol_alloc(m, MOL_F_emb, (size_t)C), E->emb + (size_t)k * C, (size_t)C * sizeof(float));
        if (E->atoms) {
            float *a = mol_alloc(m, MOL_F_aemb, (size_t)m->n * C);
            for (uint32_t i = 0; i < m->n; i++)
                memcpy(a + (size_t)i * C, out + ((size_t)k * T + 1 + i) * C,
                       (size_t)C * sizeof(float));
        }
        if (pred)
            memcpy(mol_alloc(m, MOL_F_pred, (size_t)E->NT), pred + (size_t)k * E->NT,
                   (size_t)E->NT * sizeof(float));
        mol_pack(m, rec_begin(w));
        if (rec_end(w)) {
            ret = EXIT_IO;
            goto out;
        }
        E->nout++;
    }
out:
    free(ptr);
    for (int i = 0; i < E->nitems; i++)
        item_clear(&E->items[i]);
    E->nitems = 0;
    return ret;
}

/* (Re)build the model for E->cfg and load the checkpoint into it. 0 or EXIT_IO (reported). */
static int setup_model(struct enc *E)
{
    char errbuf[CKPT_ERRLEN];
    model_free(&E->m);
    batch_free(&E->b);
    /* every tensor comes from the checkpoint (strict load below): no random init; forward
     * only: the gradient arenas stay untouched */
    if (model_init_flags(&E->m, &E->cfg, 0, MODEL_INIT_NO_RANDOM, errbuf,
                         sizeof errbuf)) {
        weprintf("%s: model: %s", E->ckpt, errbuf);
        return EXIT_IO;
    }
    if (ckpt_load_model(E->ckpt, &E->m, NULL, NULL, CKPT_LOAD_DROP_EXTRA, NULL, errbuf)) {
        weprintf("%s", errbuf);
        return EXIT_IO;
    }
    if (E->cfg.task == MODEL_TASK_REG && E->meta.target_mean && E->meta.nlabels == E->NT)
        for (int t = 0; t < E->NT; t++) {
            E->m.y_mean[t] = (float)E->meta.target_mean[t];
            E->m.y_std[t] = (float)E->meta.target_std[t];
        }
    batch_init(&E->b, E->cfg.max_batch, E->cfg.max_atoms, 0);
    E->m.graph_only = !E->atoms; /* the last layer's atom rows are not needed */
    return 0;
}

int main(int argc, char **argv)
{
    enum { O_CKPT = 256, O_MODE, O_ATOMS, O_BATCH, O_MAXAT, O_THREADS };
    static const struct option lo[] = {
        CLI_LONG_BASE, CLI_LONG_KEEP, CLI_LONG_FORCE, CLI_LONG_ZSTD, CLI_LONG_PROGRESS,
        {"ckpt", required_argument, 0, O_CKPT}, {"mode", required_argument, 0, O_MODE},
        {"atoms", no_argument, 0, O_ATOMS}, {"batch", required_argument, 0, O_BATCH},
        {"max-atoms", required_argument, 0, O_MAXAT}, {"threads", required_argument, 0, O_THREADS},
        {0, 0, 0, 0}};
    struct enc E;
    struct cli co = CLI_INIT(usage_line);
    const char *ckpt = NULL;
    int c, batch = 16, max_atoms = 0, ret = 0;
    char errbuf[CKPT_ERRLEN];

    util_set_argv0(argv[0]);
    memset(&E, 0, sizeof E);
    E.force_mode = -1;
    opterr = 0;
    while ((c = getopt_long(argc, argv, CLI_SHORT_BASE "kf", lo, NULL)) != -1) {
        switch (c) {
        case O_CKPT: ckpt = optarg; break;
        case O_MODE:
            E.force_mode = !strcmp(optarg, "2d") ? MODE_2D : !strcmp(optarg, "3d") ? MODE_3D
                           : !strcmp(optarg, "blend") ? MODE_BLEND : -2;
            if (E.force_mode == -2)
                eusage(usage_line, "--mode must be 2d, 3d or blend");
            break;
        case O_ATOMS: E.atoms = 1; break;
        case O_BATCH: batch = (int)estrtoll(optarg, "--batch", 1, 65536); break;
        case O_MAXAT: max_atoms = (int)estrtoll(optarg, "--max-atoms", 1, MOL_MAX_ATOMS_HARD); break;
        case O_THREADS: openblas_set_num_threads((int)estrtoll(optarg, "--threads", 1, 1024)); break;
        default: cli_common(&co, c, argc, argv, usage, ENCODE_VERSION);
        }
    }
    if (!ckpt)
        eusage(usage_line, "--ckpt is required");
    E.keep_going = co.keep;
    util_check_stdout_binary(co.force);

    /* model from the checkpoint: encoder (+ fine-tune head); pretraining heads dropped */
    struct model_config cfg;
    memset(&cfg, 0, sizeof cfg);
    E.ckpt = ckpt;
    if (ckpt_read_meta(ckpt, &E.meta, errbuf)) {
        weprintf("%s", errbuf);
        return EXIT_IO;
    }
    if (ckpt_meta_get_config(&E.meta, &cfg, errbuf)) {
        weprintf("%s: %s", ckpt, errbuf);
        ckpt_meta_free(&E.meta);
        return EXIT_IO;
    }
    if (cfg.task == MODEL_TASK_PRETRAIN)
        cfg.task = MODEL_TASK_NONE;
    cfg.max_batch = batch;
    if (max_atoms)
        cfg.max_atoms = max_atoms;
    E.max_fixed = max_atoms > 0;
    E.ck_mode = !E.meta.input_mode ? MODE_BLEND : !strcmp(E.meta.input_mode, "2d") ? MODE_2D
                : !strcmp(E.meta.input_mode, "3d") ? MODE_3D : MODE_BLEND;
    if (E.force_mode >= 0 && E.force_mode != MODE_2D && !cfg.has_3d) {
        ckpt_meta_free(&E.meta);
        eusage(usage_line, "--mode 3d/blend: the checkpoint has no 3D module");
    }
    E.cfg = cfg;
    E.C = cfg.d_model;
    E.NT = cfg.task == MODEL_TASK_CLASS || cfg.task == MODEL_TASK_REG ? cfg.n_tasks : 0;
    if ((ret = setup_model(&E)))
        goto done;
    E.emb = emalloc((size_t)batch * E.C * sizeof(float));
    E.items = ecalloc((size_t)batch, sizeof *E.items);
    E.cap = batch;

    struct rec_writer w;
    if (rec_writer_open(&w, "-", co.zstd)) {
        ret = EXIT_IO;
        goto done;
    }
    rec_write_header(&w, MOL_SCHEMA, MOL_VERSION, "encode " ENCODE_VERSION);
    struct progress pg;
    progress_init(&pg, co.progress, 0, "molecules");
    double cpu0 = util_cpu(), wall0 = util_now(); /* after start-up: model init, checkpoint */
    uint64_t nin = 0;
    struct rec_inputs in;
    msgpack_object *o;
    /* batches run across input files: an item keeps its own copy of the record, and its
     * source name (argv or "<stdin>") outlives the reader */
    rec_inputs_open(&in, argv + optind, argc - optind, MOL_SCHEMA, MOL_VERSION, E.keep_going);
    const struct rec_reader *rd = &in.r;
    while (rec_inputs_next(&in, &o) == 1) {
        struct item *it = &E.items[E.nitems];
        const char *err = NULL;
        nin++;
        msgpack_sbuffer_init(&it->sb);
        msgpack_packer pk;
        msgpack_packer_init(&pk, &it->sb, msgpack_sbuffer_write);
        msgpack_pack_object(&pk, *o);
        msgpack_unpacked_init(&it->up);
        it->idx = rd->index - 1;
        it->src = rd->name;
        if (msgpack_unpack_next(&it->up, it->sb.data, it->sb.size, NULL) !=
                MSGPACK_UNPACK_SUCCESS ||
            mol_unpack(&it->m, &it->up.data, 1, &err)) {
            werecord(rd->name, it->idx, NULL, "%s", err ? err : "cannot copy record");
            item_clear(it);
            E.bad++;
            if (!E.keep_going) {
                ret = EXIT_DATA;
                break;
            }
            continue;
        }
        /* the encoder's outputs of an earlier run are replaced */
        mol_drop(&it->m, MOL_F_emb);
        mol_drop(&it->m, MOL_F_aemb);
        mol_drop(&it->m, MOL_F_pred);
        if (!E.max_fixed && it->m.n > (uint32_t)E.cfg.max_atoms) {
            /* a larger molecule than the model was sized for: encode what is pending, then
             * grow the activations (the parameters do not depend on max_atoms) */
            struct item cur = *it;
            memset(it, 0, sizeof *it);
            if ((ret = flush(&E, &w)) == 0) {
                int grow = E.cfg.max_atoms * 2;
                E.cfg.max_atoms = grow > (int)cur.m.n ? grow : (int)cur.m.n;
                if (E.cfg.max_atoms > MOL_MAX_ATOMS_HARD)
                    E.cfg.max_atoms = MOL_MAX_ATOMS_HARD;
                if (verbosity >= 2)
                    weprintf("record %llu: %u atoms, model resized for %d atoms",
                             (unsigned long long)cur.idx, cur.m.n, E.cfg.max_atoms);
                ret = setup_model(&E);
            }
            E.items[0] = cur;
            if (ret) {
                item_clear(&E.items[0]);
                break;
            }
            it = &E.items[0];
        }
        E.nitems++;
        if (E.nitems == E.cap && (ret = flush(&E, &w)))
            break;
        progress_update(&pg, E.nout);
    }
    if (!ret && E.nitems)
        ret = flush(&E, &w);
    ret = rec_inputs_close(&in, ret);
    progress_done(&pg, E.nout);
    for (int i = 0; i < E.nitems; i++)
        item_clear(&E.items[i]);
    int cr = rec_writer_close(&w);
    if (cr)
        ret = EXIT_IO;
    if (E.bad && !ret)
        ret = EXIT_DATA;
    if (E.bad || verbosity >= 2)
        weprintf("%llu records in, %llu encoded, %llu bad", (unsigned long long)nin,
                 (unsigned long long)E.nout, (unsigned long long)E.bad);
    if (verbosity >= 2)
        weprintf("after start-up %.3f s wall, %.3f s CPU; OpenBLAS %s kernels",
                 util_now() - wall0, util_cpu() - cpu0, layers_blas_core());
done:
    ckpt_meta_free(&E.meta);
    free(E.items);
    free(E.emb);
    batch_free(&E.b);
    model_free(&E.m);
    return ret;
}
