/* train-step: train the MoleBLEND network on molecule records (pretraining or fine-tuning).
 *
 * Input:  moleblend.mol@1 records after relation-build (+ blend-mask for pretraining), from the
 *         named files or stdin. For several pretraining epochs, concatenate the outputs of
 *         `blend-mask --epoch e`; with files, --epochs E re-reads them E times.
 * Output: checkpoints (--save, --best; schemas/checkpoint.md), a metrics file (--metrics;
 *         schemas/metrics.md), progress and a summary on stderr. Nothing on stdout.
 * Objectives:
 *   --pretrain (default)  blend-then-predict: L = 6 denoise + 0.1 spd + 0.1 edge + 0.5 3d
 *                         (SPEC 4.5, --loss-weights); records need blend-mask keys.
 *   --finetune --task classification|regression --labels a,b,c
 *                         masked BCE over present labels (multi-task), or MSE in original units
 *                         with the train-split mean/std (stored in the checkpoint). --init CKPT
 *                         loads a pretrained encoder (heads dropped, fresh head); without it the
 *                         encoder starts from scratch (the ablation). Input mode --mode 2d
 *                         (default, SPEC 6.1) or 3d (QM9 protocol, SPEC 6.2).
 * Optimiser: AdamW (0.9, 0.999, 1e-8, --weight-decay), clip global norm --clip, LR linear warmup
 *   over --warmup updates then cosine to --min-lr at --decay-steps (SPEC 5.1).
 * Resume: --resume CKPT restores parameters, AdamW moments, step, RNG and the data position (the
 *   records already consumed are re-read and skipped), so an interrupted run continues with the
 *   same losses bit for bit, given the same input and OPENBLAS_NUM_THREADS.
 * Signals: SIGINT/SIGTERM end the run after the current update; --save is written (resumable)
 *   and the exit status is 128 + signal.
 * Exit: 0 ok, 1 bad record, 2 usage, 3 I/O (input, checkpoint, metrics), 4 NaN/Inf in loss,
 *   gradients or parameters (names step and batch; the last saved checkpoint is left intact),
 *   130/143 interrupted by SIGINT/SIGTERM. */
#include "ckpt.h"
#include "cli.h"
#include "layers.h"
#include "loader.h"
#include "model.h"
#include "optim.h"
#include "util.h"

#include <getopt.h>
#include <math.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define TRAIN_VERSION "0.1"

void openblas_set_num_threads(int num_threads); /* OpenBLAS (cblas.h) */

/* SIGINT/SIGTERM: finish the current update, save --save, exit 128+signal (resumable). The one
 * global besides argv0/verbosity: a signal handler can only talk through one. */
static volatile sig_atomic_t stop_signal;

static void on_signal(int sig)
{
    stop_signal = sig;
}

static const char usage_line[] =
    "[-hkqvV] [--pretrain | --finetune --task classification|regression --labels a,b]\n"
    "       [--config tiny|small|base] [--init CKPT] [--resume CKPT] [--mode blend|2d|3d]\n"
    "       [--batch B] [--max-atoms N] [--shuffle N] [--seed S] [--steps S] [--epochs E]\n"
    "       [--lr LR] [--warmup W] [--decay-steps T] [--min-lr LR] [--weight-decay WD]\n"
    "       [--clip C] [--loss-weights D,S,E,3] [--threads N] [--save CKPT] [--save-every N]\n"
    "       [--valid FILE] [--eval-every N] [--best CKPT] [--split NAME] [--metrics FILE]\n"
    "       [--metrics-format tsv|jsonl] [--log-every N] [--progress] [file...]";

static void usage(FILE *fp)
{
    fprintf(fp, "usage: train-step %s\n\n", usage_line);
    fputs(
        "Train MoleBLEND on moleblend.mol records (relation-build [+ blend-mask] output).\n"
        "  --pretrain            blend-then-predict pretraining (default)\n"
        "  --finetune            fine-tune a prediction head; needs --task and --labels\n"
        "  --task T              classification (masked BCE) or regression (MSE, standardised)\n"
        "  --labels a,b          label keys to predict (missing values are masked)\n"
        "  --config P            model preset tiny, small (default) or base (SPEC 2.1)\n"
        "  --init CKPT           start from a checkpoint's encoder (fine-tune: heads dropped)\n"
        "  --resume CKPT         continue a run exactly (parameters, AdamW, step, RNG, data)\n"
        "  --mode M              input: blend (records' blend-mask keys), 2d or 3d;\n"
        "                        default blend for --pretrain, 2d for --finetune\n"
        "  --batch B             molecules per update (default 16)\n"
        "  --max-atoms N         skip larger molecules (counted; default 64)\n"
        "  --shuffle N           shuffle buffer size (default 1024; 0 = input order)\n"
        "  --seed S              seed for init, shuffling and dropout (default 1)\n"
        "  --steps S             stop after S updates in total (counting resumed ones)\n"
        "  --epochs E            passes over the input files (default 1)\n"
        "  --lr LR               peak learning rate (default 1e-4)\n"
        "  --warmup W            linear warmup updates (default 10% of --decay-steps)\n"
        "  --decay-steps T       cosine horizon (default: --steps, or epochs x batches)\n"
        "  --min-lr LR           floor of the cosine (default 0)\n"
        "  --weight-decay WD     decoupled weight decay (default 0 pretrain, 5e-5 fine-tune)\n"
        "  --clip C              clip gradients to global norm C (default 5; 0 = off)\n"
        "  --loss-weights a,b,c,d  denoise,spd,edge,3d weights (default 6,0.1,0.1,0.5)\n"
        "  --dropout a,b,c,d     attention,activation,droppath,head dropout (default preset)\n"
        "  --threads N           OpenBLAS threads (default: OpenBLAS's own choice)\n"
        "  --save CKPT           checkpoint at the end (and every --save-every updates)\n"
        "  --valid FILE          validation records, evaluated every --eval-every updates\n"
        "  --best CKPT           keep the checkpoint with the lowest validation loss\n"
        "  --split NAME          train only on records whose split is NAME\n"
        "  --valid-split NAME    evaluate only records of --valid whose split is NAME\n"
        "  --metrics FILE        one row per --log-every updates and per evaluation\n"
        "  --metrics-format F    tsv (default) or jsonl (default for *.jsonl / *.json)\n",
        fp);
    cli_usage(fp, CLI_KEEP | CLI_PROGRESS, 22);
    fputs("SIGINT/SIGTERM: stop after the current update, write --save, exit 128+signal.\n"
          "Exit: 0 ok, 1 bad record, 2 usage, 3 I/O, 4 NaN/Inf (step and batch named).\n",
          fp);
}

enum { OBJ_PRETRAIN = 0, OBJ_FINETUNE = 1 };
enum { ACC_N = 0, ACC_LOSS = 1, ACC_PART = 2, ACC_CNT = 2 + MODEL_NLOSS, ACC_GN = 2 + 2 * MODEL_NLOSS,
       ACC_CLIP, LOGACC_N };

struct opts {
    int objective, task, mode;     /* OBJ_*, MODEL_TASK_*, MODE_* (-1 = default) */
    char *labels_arg;
    const char *config, *init, *resume, *save, *best, *valid, *metrics, *split, *valid_split;
    int metrics_jsonl;
    int batch, max_atoms, shuffle, epochs, threads, log_every, save_every, eval_every;
    long steps, warmup, decay_steps;
    uint64_t seed;
    double lr, min_lr, weight_decay, clip;
    double lw[4], dropout[4];
    int have_lw, have_dropout, have_wd, keep_going, progress;
};

/* The run state that is not in the model. */
struct run {
    struct opts *o;
    struct model m;
    float *adam_m, *adam_v;
    struct adamw aw;
    struct lr_sched sched;
    struct rng rng;        /* dropout */
    struct ckpt_meta meta; /* header of the checkpoints we write */
    char **labels;
    int nlabels;
    long step;
    FILE *mf;
    double t0, tlog;
    uint64_t mols_since_log, mols_total, bad;
    int nevals;
    double t_data, t_fwd, t_bwd, t_opt, t_save, t_eval; /* wall seconds per phase (-v) */
    /* sums over the open logging interval: steps, loss, parts, part counts, grad norm, clip */
    double acc[LOGACC_N];
    char err[CKPT_ERRLEN]; /* library error messages */
};


static const char *mode_name(int mode)
{
    return mode == MODE_2D ? "2d" : mode == MODE_3D ? "3d" : "blend";
}

static int split_list(char *s, char ***out)
{
    int n = 0;
    char **v = NULL;
    for (char *tok = strtok(s, ","); tok; tok = strtok(NULL, ",")) {
        v = erealloc(v, (size_t)(n + 1) * sizeof *v);
        v[n++] = tok;
    }
    *out = v;
    return n;
}

static void parse_opts(struct opts *o, int argc, char **argv)
{
    enum { O_PRE = 256, O_FT, O_TASK, O_LABELS, O_CONFIG, O_INIT, O_RESUME, O_MODE, O_BATCH,
           O_MAXAT, O_SHUF, O_SEED, O_STEPS, O_EPOCHS, O_LR, O_WARM, O_DECAY, O_MINLR, O_WD,
           O_CLIP, O_LW, O_DROP, O_THREADS, O_SAVE, O_SAVEEV, O_VALID, O_EVALEV, O_BEST, O_SPLIT,
           O_VSPLIT, O_METRICS, O_MFMT, O_LOGEV };
    static const struct option lo[] = {
        CLI_LONG_BASE, CLI_LONG_KEEP, CLI_LONG_FORCE, CLI_LONG_PROGRESS,
        {"pretrain", no_argument, 0, O_PRE}, {"finetune", no_argument, 0, O_FT},
        {"task", required_argument, 0, O_TASK}, {"labels", required_argument, 0, O_LABELS},
        {"config", required_argument, 0, O_CONFIG}, {"init", required_argument, 0, O_INIT},
        {"resume", required_argument, 0, O_RESUME}, {"mode", required_argument, 0, O_MODE},
        {"batch", required_argument, 0, O_BATCH}, {"max-atoms", required_argument, 0, O_MAXAT},
        {"shuffle", required_argument, 0, O_SHUF}, {"seed", required_argument, 0, O_SEED},
        {"steps", required_argument, 0, O_STEPS}, {"epochs", required_argument, 0, O_EPOCHS},
        {"lr", required_argument, 0, O_LR}, {"warmup", required_argument, 0, O_WARM},
        {"decay-steps", required_argument, 0, O_DECAY}, {"min-lr", required_argument, 0, O_MINLR},
        {"weight-decay", required_argument, 0, O_WD}, {"clip", required_argument, 0, O_CLIP},
        {"loss-weights", required_argument, 0, O_LW}, {"dropout", required_argument, 0, O_DROP},
        {"threads", required_argument, 0, O_THREADS}, {"save", required_argument, 0, O_SAVE},
        {"save-every", required_argument, 0, O_SAVEEV}, {"valid", required_argument, 0, O_VALID},
        {"eval-every", required_argument, 0, O_EVALEV}, {"best", required_argument, 0, O_BEST},
        {"split", required_argument, 0, O_SPLIT}, {"valid-split", required_argument, 0, O_VSPLIT},
        {"metrics", required_argument, 0, O_METRICS},
        {"metrics-format", required_argument, 0, O_MFMT},
        {"log-every", required_argument, 0, O_LOGEV}, {0, 0, 0, 0}};
    struct cli co = CLI_INIT(usage_line);
    int c, mfmt = -1;
    memset(o, 0, sizeof *o);
    o->objective = OBJ_PRETRAIN;
    o->task = MODEL_TASK_PRETRAIN;
    o->mode = -1;
    o->config = "small";
    o->batch = 16;
    o->max_atoms = 64;
    o->shuffle = 1024;
    o->seed = 1;
    o->epochs = 1;
    o->lr = 1e-4;
    o->warmup = -1;
    o->clip = 5.0;
    o->log_every = 1;
    o->lw[0] = 6.0, o->lw[1] = 0.1, o->lw[2] = 0.1, o->lw[3] = 0.5;
    opterr = 0;
    while ((c = getopt_long(argc, argv, CLI_SHORT_BASE "kf", lo, NULL)) != -1) {
        switch (c) {
        case O_PRE: o->objective = OBJ_PRETRAIN; break;
        case O_FT: o->objective = OBJ_FINETUNE; break;
        case O_TASK:
            if (!strcmp(optarg, "classification"))
                o->task = MODEL_TASK_CLASS;
            else if (!strcmp(optarg, "regression"))
                o->task = MODEL_TASK_REG;
            else
                eusage(usage_line, "--task must be classification or regression");
            break;
        case O_LABELS: o->labels_arg = estrdup(optarg); break;
        case O_CONFIG: o->config = optarg; break;
        case O_INIT: o->init = optarg; break;
        case O_RESUME: o->resume = optarg; break;
        case O_MODE:
            o->mode = !strcmp(optarg, "blend") ? MODE_BLEND : !strcmp(optarg, "2d") ? MODE_2D
                      : !strcmp(optarg, "3d") ? MODE_3D : -2;
            if (o->mode == -2)
                eusage(usage_line, "--mode must be blend, 2d or 3d");
            break;
        case O_BATCH: o->batch = (int)estrtoll(optarg, "--batch", 1, 65536); break;
        case O_MAXAT:
            o->max_atoms = (int)estrtoll(optarg, "--max-atoms", 1, MOL_MAX_ATOMS_HARD);
            break;
        case O_SHUF: o->shuffle = (int)estrtoll(optarg, "--shuffle", 0, 1 << 24); break;
        case O_SEED: o->seed = (uint64_t)estrtoll(optarg, "--seed", 0, INT64_MAX); break;
        case O_STEPS: o->steps = (long)estrtoll(optarg, "--steps", 1, 1L << 40); break;
        case O_EPOCHS: o->epochs = (int)estrtoll(optarg, "--epochs", 1, 1 << 20); break;
        case O_LR: o->lr = estrtod(optarg, "--lr", 0, 1e300); break;
        case O_WARM: o->warmup = (long)estrtoll(optarg, "--warmup", 0, 1L << 40); break;
        case O_DECAY: o->decay_steps = (long)estrtoll(optarg, "--decay-steps", 0, 1L << 40); break;
        case O_MINLR: o->min_lr = estrtod(optarg, "--min-lr", 0, 1e300); break;
        case O_WD:
            o->weight_decay = estrtod(optarg, "--weight-decay", 0, 1e6);
            o->have_wd = 1;
            break;
        case O_CLIP: o->clip = estrtod(optarg, "--clip", 0, 1e30); break;
        case O_LW:
            estrtod_list(optarg, "--loss-weights", o->lw, 4);
            o->have_lw = 1;
            break;
        case O_DROP:
            estrtod_list(optarg, "--dropout", o->dropout, 4);
            for (int i = 0; i < 4; i++)
                if (!(o->dropout[i] >= 0 && o->dropout[i] < 1))
                    eusage(usage_line, "--dropout rates must be in [0, 1)");
            o->have_dropout = 1;
            break;
        case O_THREADS: o->threads = (int)estrtoll(optarg, "--threads", 1, 1024); break;
        case O_SAVE: o->save = optarg; break;
        case O_SAVEEV: o->save_every = (int)estrtoll(optarg, "--save-every", 0, 1 << 30); break;
        case O_VALID: o->valid = optarg; break;
        case O_EVALEV: o->eval_every = (int)estrtoll(optarg, "--eval-every", 0, 1 << 30); break;
        case O_BEST: o->best = optarg; break;
        case O_SPLIT: o->split = optarg; break;
        case O_VSPLIT: o->valid_split = optarg; break;
        case O_METRICS: o->metrics = optarg; break;
        case O_MFMT:
            mfmt = !strcmp(optarg, "tsv") ? 0 : !strcmp(optarg, "jsonl") ? 1 : -2;
            if (mfmt == -2)
                eusage(usage_line, "--metrics-format must be tsv or jsonl");
            break;
        case O_LOGEV: o->log_every = (int)estrtoll(optarg, "--log-every", 1, 1 << 30); break;
        default: cli_common(&co, c, argc, argv, usage, TRAIN_VERSION); /* -f: accepted, no-op */
        }
    }
    o->keep_going = co.keep;
    o->progress = co.progress;
    for (int i = 0; i < 4; i++)
        if (!(o->lw[i] >= 0 && isfinite(o->lw[i])))
            eusage(usage_line, "--loss-weights must be finite and >= 0");
    if (o->objective == OBJ_FINETUNE) {
        if (o->task == MODEL_TASK_PRETRAIN && !o->resume)
            eusage(usage_line, "--finetune needs --task classification|regression");
        if (!o->labels_arg && !o->resume)
            eusage(usage_line, "--finetune needs --labels");
        if (o->mode < 0)
            o->mode = MODE_2D;
        if (!o->have_wd)
            o->weight_decay = 5e-5;
    } else {
        if (o->task != MODEL_TASK_PRETRAIN || o->labels_arg)
            eusage(usage_line, "--task/--labels need --finetune");
        if (o->mode < 0)
            o->mode = MODE_BLEND;
    }
    if (o->init && o->resume)
        eusage(usage_line, "--init and --resume exclude each other");
    if (o->best && !o->valid)
        eusage(usage_line, "--best needs --valid");
    /* --valid without --eval-every: evaluated once, at the end */
    if (o->metrics)
        o->metrics_jsonl = mfmt >= 0 ? mfmt
                           : (strlen(o->metrics) > 5 &&
                              (!strcmp(o->metrics + strlen(o->metrics) - 6, ".jsonl") ||
                               !strcmp(o->metrics + strlen(o->metrics) - 5, ".json")));
}

/* ------------------------------------------------------------------ metrics */

static const char *const part_names[MODEL_NLOSS] = {"denoise", "spd", "edge", "3d", "task"};

static void metrics_header(struct run *R)
{
    if (R->o->metrics_jsonl)
        return;
    fputs("kind\tstep\tepoch\tmols\tloss", R->mf);
    for (int i = 0; i < MODEL_NLOSS; i++)
        fprintf(R->mf, "\t%s", part_names[i]);
    fputs("\tlr\tgrad_norm\tclip\tmol_per_s\telapsed_s\tcpu_s\n", R->mf);
}

/* Values use %.9g (float) / %.17g (double): exact, so rows compare bit for bit. */
static int metrics_row(struct run *R, const char *kind, long epoch, uint64_t mols, double loss,
                       const double *parts, const int *counts, double lr, double gnorm,
                       double clip, double mps, double elapsed)
{
    FILE *f = R->mf;
    if (!f)
        return 0;
    int js = R->o->metrics_jsonl;
    if (js)
        fprintf(f, "{\"kind\":\"%s\",\"step\":%ld,\"epoch\":%ld,\"mols\":%llu,\"loss\":%.9g", kind,
                R->step, epoch, (unsigned long long)mols, loss);
    else
        fprintf(f, "%s\t%ld\t%ld\t%llu\t%.9g", kind, R->step, epoch, (unsigned long long)mols,
                loss);
    for (int i = 0; i < MODEL_NLOSS; i++) {
        if (js)
            fprintf(f, counts[i] ? ",\"%s\":%.9g" : ",\"%s\":null", part_names[i], parts[i]);
        else if (counts[i])
            fprintf(f, "\t%.9g", parts[i]);
        else
            fputs("\t-", f);
    }
    if (js) {
        if (lr >= 0)
            fprintf(f, ",\"lr\":%.17g,\"grad_norm\":%.9g,\"clip\":%.9g", lr, gnorm, clip);
        fprintf(f, ",\"mol_per_s\":%.1f,\"elapsed_s\":%.3f,\"cpu_s\":%.3f}\n", mps, elapsed,
                util_cpu());
    } else if (lr >= 0) {
        fprintf(f, "\t%.17g\t%.9g\t%.9g\t%.1f\t%.3f\t%.3f\n", lr, gnorm, clip, mps, elapsed,
                util_cpu());
    } else {
        fprintf(f, "\t-\t-\t-\t%.1f\t%.3f\t%.3f\n", mps, elapsed, util_cpu());
    }
    if (fflush(f) == EOF || ferror(f)) {
        weprintf("%s: write error:", R->o->metrics);
        return -1;
    }
    return 0;
}

/* Train row: means over the steps since the last row (exact for --log-every 1). */
static int log_train(struct run *R, const struct loader *ld, double lr, double now)
{
    double parts[MODEL_NLOSS], n = R->acc[ACC_N];
    int counts[MODEL_NLOSS];
    for (int i = 0; i < MODEL_NLOSS; i++) {
        counts[i] = R->acc[ACC_CNT + i] > 0;
        parts[i] = counts[i] ? R->acc[ACC_PART + i] / R->acc[ACC_CNT + i] : 0;
    }
    double mps = now > R->tlog ? (double)R->mols_since_log / (now - R->tlog) : 0;
    int ret = metrics_row(R, "train", ld->epoch, ld->pos, R->acc[ACC_LOSS] / n, parts, counts, lr,
                          R->acc[ACC_GN] / n, R->acc[ACC_CLIP] / n, mps, now - R->t0);
    memset(R->acc, 0, sizeof R->acc);
    R->mols_since_log = 0;
    R->tlog = now;
    return ret;
}

/* Step of a metrics line (TSV second column or JSON "step"); -1 for the header. */
static long line_step(const char *line)
{
    const char *p = strstr(line, "\"step\":");
    if (p)
        return strtol(p + 7, NULL, 10);
    p = strchr(line, '\t');
    if (!p || !(p[1] >= '0' && p[1] <= '9'))
        return -1;
    return strtol(p + 1, NULL, 10);
}

/* Resuming: drop the rows an interrupted run wrote after the checkpoint's step, so the file
 * ends up as the uninterrupted run's. Rewritten atomically; a missing file is fine. */
static int metrics_rewind(const char *path, long step)
{
    FILE *in = fopen(path, "r"), *out;
    char *line = NULL, *tmp;
    size_t cap = 0, len;
    int ret = 0;
    if (!in)
        return 0;
    len = strlen(path) + 16;
    tmp = emalloc(len);
    snprintf(tmp, len, "%s.tmp.%ld", path, (long)getpid());
    out = fopen(tmp, "w");
    if (!out) {
        weprintf("%s: cannot create:", tmp);
        fclose(in);
        free(tmp);
        return -1;
    }
    while (getline(&line, &cap, in) > 0)
        if (line_step(line) <= step)
            fputs(line, out);
    if (ferror(in)) {
        weprintf("%s: read error:", path);
        ret = -1;
    }
    fclose(in);
    free(line);
    if (fshut(out, tmp) || ret || rename(tmp, path)) {
        if (!ret)
            weprintf("%s: cannot replace:", path);
        unlink(tmp);
        ret = -1;
    }
    free(tmp);
    return ret;
}

/* ------------------------------------------------------------------ batches */

/* Force the input mode, then build. A failing batch is checked molecule by molecule so the
 * message names the record; with -k the bad molecules are dropped (mols/src compacted).
 * Returns the number of molecules in the batch (0 = all dropped), or -1. */
static int build_batch(struct run *R, struct batch *b, const struct loader *ld, struct mol *mols,
                       struct loader_src *src, int k, int add_noise)
{
    struct opts *o = R->o;
    const struct mol **ptr = emalloc((size_t)(k > 0 ? k : 1) * sizeof *ptr);
    struct batch_opts bo = {add_noise, o->mode, (const char *const *)R->labels};
    char err[256];
    int kept = 0, ret;
    for (int i = 0; i < k; i++) {
        if (o->mode != MODE_BLEND)
            mols[i].mode = o->mode;
        ptr[i] = &mols[i];
    }
    if (batch_build(b, ptr, k, &bo, err, sizeof err) == 0) {
        free(ptr);
        return k;
    }
    for (int i = 0; i < k; i++) {
        const struct mol *p = &mols[i];
        if (batch_build(b, &p, 1, &bo, err, sizeof err) == 0) {
            if (kept != i) {
                mols[kept] = mols[i];
                src[kept] = src[i];
                memset(&mols[i], 0, sizeof mols[i]);
            }
            kept++;
            continue;
        }
        werecord(loader_file_name(ld, src[i].file), src[i].index, p->id, "%s",
                 strncmp(err, "molecule 0: ", 12) ? err : err + 12);
        mol_free(&mols[i]);
        R->bad++;
        if (!o->keep_going) {
            free(ptr);
            return -1;
        }
    }
    ret = kept;
    for (int i = 0; i < kept; i++)
        ptr[i] = &mols[i];
    if (kept > 0 && batch_build(b, ptr, kept, &bo, err, sizeof err)) {
        weprintf("batch: %s", err);
        ret = -1;
    }
    free(ptr);
    return ret;
}

/* Classification labels: -1 means missing (MoleculeNet/Uni-Mol); other values must be 0/1. */
static int check_labels(struct run *R, struct batch *b, const struct loader *ld,
                        const struct mol *mols, const struct loader_src *src)
{
    if (R->m.cfg.task != MODEL_TASK_CLASS)
        return 0;
    for (int i = 0; i < b->B; i++)
        for (int t = 0; t < b->n_tasks; t++) {
            float *y = &b->y[(size_t)i * b->n_tasks + t];
            if (*y == -1.0f)
                *y = NAN;
            else if (!isnan(*y) && *y != 0.0f && *y != 1.0f) {
                werecord(loader_file_name(ld, src[i].file), src[i].index, mols[i].id,
                         "label '%s' = %g is not 0, 1 or -1 (missing)", R->labels[t], (double)*y);
                return -1;
            }
        }
    return 0;
}

/* Mean loss over a validation file (eval mode). Returns 0, -1 data error, -2 I/O. */
static int evaluate(struct run *R, struct batch *b, double *loss, double parts[MODEL_NLOSS],
                    int counts[MODEL_NLOSS], uint64_t *nmols)
{
    struct opts *o = R->o;
    struct loader vl;
    struct loader_opts lo = {0, 0, 1, o->max_atoms, o->valid_split, o->keep_going, 0, 1};
    char *files[1] = {(char *)o->valid};
    struct mol *mols = ecalloc((size_t)o->batch, sizeof *mols);
    struct loader_src *src = ecalloc((size_t)o->batch, sizeof *src);
    double wsum = 0, lsum = 0, psum[MODEL_NLOSS] = {0}, pw[MODEL_NLOSS] = {0};
    double t0 = util_now();
    int ret = 0, k;
    if (loader_open(&vl, files, 1, &lo)) {
        free(mols);
        free(src);
        return -2;
    }
    while ((k = loader_batch(&vl, mols, src, o->batch)) > 0) {
        int kb = build_batch(R, b, &vl, mols, src, k, o->objective == OBJ_PRETRAIN);
        if (kb > 0 && check_labels(R, b, &vl, mols, src))
            kb = -1;
        if (kb > 0 && model_forward(&R->m, b, 0, NULL, R->err, sizeof R->err)) {
            weprintf("%s: %s", o->valid, R->err);
            kb = -1;
        }
        if (kb > 0) {
            lsum += (double)R->m.loss * kb;
            wsum += kb;
            for (int i = 0; i < MODEL_NLOSS; i++)
                if (R->m.loss_count[i]) {
                    psum[i] += (double)R->m.loss_parts[i] * kb;
                    pw[i] += kb;
                }
        }
        for (int i = 0; i < k; i++)
            mol_free(&mols[i]);
        if (kb < 0) {
            ret = -1;
            break;
        }
    }
    if (k < 0)
        ret = vl.status == EXIT_IO ? -2 : -1;
    if (R->nevals++ == 0 && vl.too_big)
        weprintf("warning: %s: %llu molecules larger than --max-atoms are left out of the "
                 "validation loss", o->valid, (unsigned long long)vl.too_big);
    R->bad += vl.bad;
    *nmols = (uint64_t)wsum;
    loader_close(&vl);
    free(mols);
    free(src);
    *loss = wsum > 0 ? lsum / wsum : NAN;
    R->t_eval += util_now() - t0;
    for (int i = 0; i < MODEL_NLOSS; i++) {
        counts[i] = pw[i] > 0;
        parts[i] = pw[i] > 0 ? psum[i] / pw[i] : 0;
    }
    return ret;
}

/* ------------------------------------------------------------------ checkpoints */

static int save_ckpt(struct run *R, const char *path, struct loader *ld, int with_adam)
{
    struct ckpt_meta *mt = &R->meta;
    double t0 = util_now();
    mt->step = R->step;
    mt->epoch = ld->epoch;
    mt->data_pos = ld->pos;
    mt->data_read = ld->read;
    rng_save(&R->rng, mt->rng);
    mt->nlogacc = LOGACC_N;
    memcpy(mt->logacc, R->acc, sizeof R->acc);
    if (R->m.cfg.task == MODEL_TASK_REG) {
        double *mean = emalloc((size_t)R->nlabels * sizeof *mean);
        double *sd = emalloc((size_t)R->nlabels * sizeof *sd);
        for (int i = 0; i < R->nlabels; i++)
            mean[i] = R->m.y_mean[i], sd[i] = R->m.y_std[i];
        ckpt_meta_set_labels(mt, R->nlabels, R->labels, mean, sd);
        free(mean);
        free(sd);
    } else {
        ckpt_meta_set_labels(mt, R->nlabels, R->labels, NULL, NULL);
    }
    if (ckpt_save_model(path, mt, &R->m, with_adam ? R->adam_m : NULL,
                        with_adam ? R->adam_v : NULL, R->err)) {
        weprintf("%s", R->err);
        return -1;
    }
    if (verbosity >= 2)
        weprintf("step %ld: saved %s", R->step, path);
    R->t_save += util_now() - t0;
    return 0;
}

/* Name of the parameter tensor holding flat index i. */
static const char *param_at(const struct model *m, size_t i)
{
    for (int id = MODEL_NPARAM - 1; id >= 0; id--)
        if (m->param_sizes[id] && i >= m->param_offsets[id])
            return model_param_names[id];
    return "?";
}

/* ------------------------------------------------------------------ setup */

/* Pre-pass over the training files: molecules after filters and label mean/std. */
static int prepass(struct run *R, char **files, int nfiles, uint64_t *count, double *mean,
                   double *sd)
{
    struct opts *o = R->o;
    struct loader pl;
    struct loader_opts lo = {0, 0, 1, o->max_atoms, o->split, o->keep_going, 0, 1};
    struct mol m;
    double *s1 = ecalloc((size_t)R->nlabels + 1, sizeof *s1);
    double *s2 = ecalloc((size_t)R->nlabels + 1, sizeof *s2);
    uint64_t *cnt = ecalloc((size_t)R->nlabels + 1, sizeof *cnt);
    int ret;
    if (loader_open(&pl, files, nfiles, &lo))
        return EXIT_USAGE;
    *count = 0;
    uint64_t heldout = 0;
    while ((ret = loader_next(&pl, &m, NULL)) == 1) {
        (*count)++;
        heldout += !o->split && m.split && strcmp(m.split, "train");
        for (int t = 0; t < R->nlabels; t++) {
            const struct mol_label *l = mol_get_label(&m, R->labels[t]);
            if (l && l->kind == LAB_NUM && isfinite(l->num)) {
                s1[t] += l->num;
                s2[t] += l->num * l->num;
                cnt[t]++;
            }
        }
        mol_free(&m);
    }
    int status = ret < 0 ? pl.status : 0;
    loader_close(&pl);
    if (heldout)
        weprintf("warning: training on %llu records whose split is not 'train'; hint: --split "
                 "train (and --valid FILE --valid-split valid)", (unsigned long long)heldout);
    for (int t = 0; t < R->nlabels && !status; t++) {
        if (cnt[t] == 0) {
            weprintf("label '%s': no numeric value in the training records; hint: check "
                     "--labels against the record's labels (mpk2json)", R->labels[t]);
            status = EXIT_DATA;
            break;
        }
        mean[t] = s1[t] / (double)cnt[t];
        double var = cnt[t] > 1 ? (s2[t] - s1[t] * s1[t] / (double)cnt[t]) / (double)(cnt[t] - 1)
                                : 0;
        sd[t] = var > 0 ? sqrt(var) : 1.0;
    }
    free(s1);
    free(s2);
    free(cnt);
    return status;
}

static int files_seekable(char **files, int nfiles)
{
    if (nfiles == 0)
        return 0;
    for (int i = 0; i < nfiles; i++)
        if (!strcmp(files[i], "-"))
            return 0;
    return 1;
}

static void apply_overrides(struct opts *o, struct model_config *cfg)
{
    cfg->max_batch = o->batch;
    cfg->max_atoms = o->max_atoms;
    cfg->w_denoise = (float)o->lw[0], cfg->w_spd = (float)o->lw[1];
    cfg->w_edge = (float)o->lw[2], cfg->w_3d = (float)o->lw[3];
    if (o->have_dropout) {
        cfg->attn_dropout = (float)o->dropout[0], cfg->act_dropout = (float)o->dropout[1];
        cfg->drop_path = (float)o->dropout[2], cfg->head_dropout = (float)o->dropout[3];
    }
}

int main(int argc, char **argv)
{
    struct opts o;
    struct run R;
    struct loader ld;
    struct batch b;
    struct mol *mols = NULL;
    struct loader_src *srcs = NULL;
    int ret = 0, have_loader = 0, have_batch = 0, nfiles;
    char **files;

    util_set_argv0(argv[0]);
    parse_opts(&o, argc, argv);
    files = argv + optind;
    nfiles = argc - optind;
    memset(&R, 0, sizeof R);
    memset(&b, 0, sizeof b);
    R.o = &o;
    ckpt_meta_init(&R.meta);
    if (o.threads)
        openblas_set_num_threads(o.threads);
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    sa.sa_flags = SA_RESTART;
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);

    /* ---- model config and run settings: from the resume checkpoint, or options ---- */
    struct model_config cfg;
    struct ckpt_meta src;
    ckpt_meta_init(&src);
    if (o.resume || o.init) {
        const char *path = o.resume ? o.resume : o.init;
        if (ckpt_read_meta(path, &src, R.err)) {
            weprintf("%s", R.err);
            ret = EXIT_IO;
            goto out;
        }
    }
    if (o.resume) {
        memset(&cfg, 0, sizeof cfg);
        if (ckpt_meta_get_config(&src, &cfg, R.err)) {
            weprintf("%s: %s", o.resume, R.err);
            ret = EXIT_IO;
            goto out;
        }
        o.objective = src.objective && !strcmp(src.objective, "finetune") ? OBJ_FINETUNE
                                                                          : OBJ_PRETRAIN;
        o.mode = !src.input_mode ? o.mode : !strcmp(src.input_mode, "2d") ? MODE_2D
                 : !strcmp(src.input_mode, "3d") ? MODE_3D : MODE_BLEND;
        o.seed = src.seed;
        if (src.shuffle >= 0)
            o.shuffle = (int)src.shuffle;
        cfg.max_batch = o.batch;
        cfg.max_atoms = o.max_atoms;
        R.nlabels = src.nlabels;
        R.labels = src.labels;
        ckpt_meta_copy(&R.meta, &src);
        R.sched.peak = src.lr.peak, R.sched.min_lr = src.lr.min_lr;
        R.sched.warmup = src.lr.warmup, R.sched.total = src.lr.total;
        R.aw.beta1 = src.adamw.beta1, R.aw.beta2 = src.adamw.beta2, R.aw.eps = src.adamw.eps;
        R.aw.weight_decay = src.adamw.weight_decay;
        o.clip = src.adamw.clip;
    } else {
        if (o.init) {
            memset(&cfg, 0, sizeof cfg);
            if (ckpt_meta_get_config(&src, &cfg, R.err)) {
                weprintf("%s: %s", o.init, R.err);
                ret = EXIT_IO;
                goto out;
            }
            /* dropout and loss weights from the objective's defaults, sizes from the file */
            struct model_config pre;
            model_config_preset(&pre, "tiny");
            cfg.attn_dropout = pre.attn_dropout, cfg.act_dropout = pre.act_dropout;
            cfg.drop_path = pre.drop_path, cfg.head_dropout = pre.head_dropout;
        } else if (model_config_preset(&cfg, o.config)) {
            eusage(usage_line, "--config must be tiny, small or base");
        }
        if (o.objective == OBJ_FINETUNE) {
            char **lab;
            R.nlabels = split_list(o.labels_arg, &lab);
            R.labels = lab;
            if (R.nlabels < 1)
                eusage(usage_line, "--labels is empty");
            cfg.task = o.task;
            cfg.n_tasks = R.nlabels;
            cfg.has_3d = o.mode != MODE_2D;
            cfg.act_dropout = 0.0f; /* SPEC 6.1: attention dropout 0.1, others 0 */
            cfg.drop_path = 0.0f;
        } else {
            cfg.task = MODEL_TASK_PRETRAIN;
            cfg.n_tasks = 0;
            cfg.has_3d = 1;
        }
        apply_overrides(&o, &cfg);
        adamw_defaults(&R.aw);
        R.aw.weight_decay = o.weight_decay;
    }
    if (model_init(&R.m, &cfg, rng_hash("init", 4, o.seed), R.err, sizeof R.err)) {
        weprintf("model: %s", R.err);
        ret = o.resume || o.init ? EXIT_IO : EXIT_USAGE;
        goto out;
    }
    R.adam_m = util_bigalloc(emul(R.m.num_params ? R.m.num_params : 1, sizeof(float)));
    R.adam_v = util_bigalloc(emul(R.m.num_params ? R.m.num_params : 1, sizeof(float)));
    rng_init_keyed(&R.rng, o.seed, 0x64726f70ULL /* "drop" */, 0, 0);

    /* ---- data ---- */
    uint64_t ntrain = 0;
    int known = files_seekable(files, nfiles);
    if (!o.resume && (o.objective == OBJ_FINETUNE || (!o.steps && !o.decay_steps)) && known) {
        double *mean = ecalloc((size_t)R.nlabels + 1, sizeof *mean);
        double *sd = ecalloc((size_t)R.nlabels + 1, sizeof *sd);
        ret = prepass(&R, files, nfiles, &ntrain, mean, sd);
        if (!ret && cfg.task == MODEL_TASK_REG)
            for (int t = 0; t < R.nlabels; t++) {
                R.m.y_mean[t] = (float)mean[t];
                R.m.y_std[t] = (float)sd[t];
                if (verbosity >= 2)
                    weprintf("label %s: train mean %g std %g", R.labels[t], mean[t], sd[t]);
            }
        free(mean);
        free(sd);
        if (ret)
            goto out;
        if (ntrain == 0) {
            weprintf("no training molecules in the input%s", o.split ? " (check --split)" : "");
            ret = EXIT_DATA;
            goto out;
        }
    } else if (!o.resume && cfg.task == MODEL_TASK_REG) {
        weprintf("regression needs the train-split mean/std: give the input as files, not "
                 "stdin");
        ret = EXIT_USAGE;
        goto out;
    }
    if (o.resume && cfg.task == MODEL_TASK_REG && src.target_mean)
        for (int t = 0; t < R.nlabels; t++) {
            R.m.y_mean[t] = (float)src.target_mean[t];
            R.m.y_std[t] = (float)src.target_std[t];
        }
    if (!o.resume) {
        long total = o.decay_steps ? o.decay_steps : o.steps;
        if (!total && ntrain)
            total = (long)((ntrain * (uint64_t)o.epochs + (uint64_t)o.batch - 1) / (uint64_t)o.batch);
        R.sched.peak = o.lr;
        R.sched.min_lr = o.min_lr;
        R.sched.total = total;
        R.sched.warmup = o.warmup >= 0 ? o.warmup : total / 10;
        /* header of the checkpoints this run writes */
        mol_set_str(&R.meta.producer, "train-step " TRAIN_VERSION);
        mol_set_str(&R.meta.preset, o.init ? src.preset : o.config);
        mol_set_str(&R.meta.objective, o.objective == OBJ_FINETUNE ? "finetune" : "pretrain");
        mol_set_str(&R.meta.task, cfg.task == MODEL_TASK_CLASS ? "classification"
                                  : cfg.task == MODEL_TASK_REG ? "regression" : NULL);
        mol_set_str(&R.meta.input_mode, mode_name(o.mode));
        R.meta.seed = o.seed;
        R.meta.shuffle = o.shuffle;
        R.meta.batch = o.batch;
        R.meta.lr.peak = R.sched.peak, R.meta.lr.min_lr = R.sched.min_lr;
        R.meta.lr.warmup = R.sched.warmup, R.meta.lr.total = R.sched.total;
        R.meta.adamw.beta1 = R.aw.beta1, R.meta.adamw.beta2 = R.aw.beta2;
        R.meta.adamw.eps = R.aw.eps, R.meta.adamw.weight_decay = R.aw.weight_decay;
        R.meta.adamw.clip = o.clip;
    }

    /* ---- parameters ---- */
    if (o.init) {
        int n = 0, flags = CKPT_LOAD_DROP_EXTRA;
        if (o.objective == OBJ_FINETUNE)
            flags |= CKPT_LOAD_ENCODER_ONLY;
        if (ckpt_load_model(o.init, &R.m, NULL, NULL, flags, &n, R.err)) {
            weprintf("%s", R.err);
            ret = EXIT_IO;
            goto out;
        }
        if (verbosity >= 2)
            weprintf("%s: loaded %d tensors", o.init, n);
    }
    if (o.resume) {
        if (ckpt_load_model(o.resume, &R.m, R.adam_m, R.adam_v, CKPT_LOAD_STRICT, NULL, R.err)) {
            weprintf("%s", R.err);
            ret = EXIT_IO;
            goto out;
        }
        rng_load(&R.rng, src.rng);
        if (src.nlogacc == LOGACC_N)
            memcpy(R.acc, src.logacc, sizeof R.acc);
        R.step = (long)src.step;
        if (src.batch > 0 && src.batch != o.batch)
            weprintf("warning: --batch %d differs from the checkpoint's %lld: the run will not "
                     "repeat the uninterrupted one", o.batch, (long long)src.batch);
    }

    struct loader_opts lopt = {o.shuffle, o.seed, o.epochs, o.max_atoms, o.split, o.keep_going,
                               0, 0};
    if (loader_open(&ld, files, nfiles, &lopt)) {
        ret = ld.status ? ld.status : EXIT_USAGE;
        loader_close(&ld);
        goto out;
    }
    have_loader = 1;
    if (o.resume && src.data_pos) {
        ld.o.quiet = 1; /* the skipped part was reported by the interrupted run */
        if (loader_skip(&ld, src.data_pos)) {
            ret = ld.status;
            goto out;
        }
        ld.o.quiet = 0;
    }
    batch_init(&b, o.batch, o.max_atoms, R.nlabels);
    have_batch = 1;
    mols = ecalloc((size_t)o.batch, sizeof *mols);
    srcs = ecalloc((size_t)o.batch, sizeof *srcs);

    if (o.metrics && o.resume && metrics_rewind(o.metrics, R.step)) {
        ret = EXIT_IO;
        goto out;
    }
    if (o.metrics) {
        R.mf = fopen(o.metrics, o.resume ? "a" : "w");
        if (!R.mf) {
            weprintf("%s: cannot open:", o.metrics);
            ret = EXIT_IO;
            goto out;
        }
        if (ftell(R.mf) == 0)
            metrics_header(&R);
    }

    /* ---- training loop ---- */
    int show = o.progress || isatty(2);
    double tshow = 0;
    long step0 = R.step;
    double last_lr = 0;
    R.t0 = R.tlog = util_now();
    for (;;) {
        if (stop_signal)
            break;
        if (o.steps && R.step >= o.steps)
            break;
        double tt = util_now();
        int k = loader_batch(&ld, mols, srcs, o.batch);
        if (k < 0) {
            ret = ld.status;
            goto out;
        }
        if (k == 0)
            break;
        uint64_t first = ld.pos - (uint64_t)k;
        int kb = build_batch(&R, &b, &ld, mols, srcs, k, o.objective == OBJ_PRETRAIN);
        if (kb > 0 && check_labels(&R, &b, &ld, mols, srcs))
            kb = -1;
        if (kb <= 0) {
            for (int i = 0; i < k; i++)
                mol_free(&mols[i]);
            if (kb < 0) {
                ret = EXIT_DATA;
                goto out;
            }
            continue;
        }
        long step = R.step + 1;
        double tf = util_now();
        R.t_data += tf - tt;
        model_zero_grad(&R.m);
        if (model_forward(&R.m, &b, 1, &R.rng, R.err, sizeof R.err)) {
            weprintf("step %ld: %s", step, R.err);
            ret = EXIT_DATA;
            goto out;
        }
        float loss = R.m.loss;
        char where[512];
        snprintf(where, sizeof where, "step %ld, batch = molecules %llu..%llu of the input "
                 "(first: %s record %llu%s%s)", step, (unsigned long long)first,
                 (unsigned long long)ld.pos - 1, loader_file_name(&ld, srcs[0].file),
                 (unsigned long long)srcs[0].index, mols[0].id ? ", id=" : "",
                 mols[0].id ? mols[0].id : "");
        if (!isfinite(loss)) {
            weprintf("%s: loss is %s; stopped, the last saved checkpoint is left intact", where,
                     isnan(loss) ? "NaN" : "Inf");
            ret = EXIT_NUMERIC;
            goto out;
        }
        double tb = util_now();
        R.t_fwd += tb - tf;
        model_backward(&R.m);
        double to = util_now();
        R.t_bwd += to - tb;
        double gn = grad_norm(R.m.grads_memory, R.m.num_params);
        if (!isfinite(gn)) {
            long at = scan_nonfinite(R.m.grads_memory, R.m.num_params);
            weprintf("%s: gradient of '%s' is not finite; stopped, the last saved checkpoint is "
                     "left intact", where, at >= 0 ? param_at(&R.m, (size_t)at) : "?");
            ret = EXIT_NUMERIC;
            goto out;
        }
        double coef = grad_clip(R.m.grads_memory, R.m.num_params, gn, o.clip);
        double lr = lr_at(&R.sched, step);
        long bad = -1;
        if (adamw_step(&R.aw, R.m.params_memory, R.m.grads_memory, R.adam_m, R.adam_v,
                       R.m.num_params, lr, step))
            bad = scan_nonfinite(R.m.params_memory, R.m.num_params);
        if (bad >= 0) {
            weprintf("%s: parameter '%s' became non-finite in the update (lr %g); stopped, the "
                     "last saved checkpoint is left intact", where, param_at(&R.m, (size_t)bad),
                     lr);
            ret = EXIT_NUMERIC;
            goto out;
        }
        R.t_opt += util_now() - to;
        R.step = step;
        R.mols_since_log += (uint64_t)kb;
        R.mols_total += (uint64_t)kb;
        for (int i = 0; i < k; i++)
            mol_free(&mols[i]);
        R.acc[ACC_N] += 1;
        R.acc[ACC_LOSS] += loss;
        for (int i = 0; i < MODEL_NLOSS; i++)
            if (R.m.loss_count[i]) {
                R.acc[ACC_PART + i] += R.m.loss_parts[i];
                R.acc[ACC_CNT + i] += 1;
            }
        R.acc[ACC_GN] += gn;
        R.acc[ACC_CLIP] += coef;
        double now = util_now();
        last_lr = lr;
        if (R.step % o.log_every == 0 && log_train(&R, &ld, lr, now)) {
            ret = EXIT_IO;
            goto out;
        }
        if (show && (now - tshow >= 0.5 || R.step == o.steps)) {
            double rate = (double)R.mols_total / (now - R.t0 + 1e-9);
            double sps = (double)(R.step - step0) / (now - R.t0 + 1e-9);
            long left = (o.steps ? o.steps : R.sched.total) - R.step;
            fprintf(stderr, "%s: step %ld loss %.4f (", argv0, R.step, (double)loss);
            for (int i = 0, sep = 0; i < MODEL_NLOSS; i++)
                if (R.m.loss_count[i])
                    fprintf(stderr, "%s%s %.3f", sep++ ? " " : "", part_names[i],
                            (double)R.m.loss_parts[i]);
            fprintf(stderr, ") lr %.3g %.1f mol/s", lr, rate);
            if (left > 0 && sps > 0)
                fprintf(stderr, " ETA %.0fs", (double)left / sps);
            fputs(isatty(2) ? "   \r" : "\n", stderr);
            tshow = now;
        }
        int do_eval = o.valid && o.eval_every && R.step % o.eval_every == 0;
        if (do_eval) {
            double vl, vp[MODEL_NLOSS];
            int vc[MODEL_NLOSS];
            uint64_t vn;
            int er = evaluate(&R, &b, &vl, vp, vc, &vn);
            if (er) {
                ret = er == -2 ? EXIT_IO : EXIT_DATA;
                goto out;
            }
            if (metrics_row(&R, "valid", ld.epoch, vn, vl, vp, vc, -1, 0, 0, 0,
                            util_now() - R.t0)) {
                ret = EXIT_IO;
                goto out;
            }
            if (!isfinite(vl)) {
                weprintf("step %ld: validation loss is not finite", R.step);
                ret = EXIT_NUMERIC;
                goto out;
            }
            if (isnan(R.meta.best_valid) || vl < R.meta.best_valid) {
                R.meta.best_valid = vl;
                if (o.best && save_ckpt(&R, o.best, &ld, 0)) {
                    ret = EXIT_IO;
                    goto out;
                }
            }
        }
        if (o.save && o.save_every && R.step % o.save_every == 0 && save_ckpt(&R, o.save, &ld, 1)) {
            ret = EXIT_IO;
            goto out;
        }
    }
    if (show && isatty(2))
        fputc('\n', stderr);
    if (stop_signal) {
        /* interrupted: save exactly the state an uninterrupted run has at this step (the open
         * logging interval stays in the checkpoint), so --resume continues it bit for bit */
        if (o.save && save_ckpt(&R, o.save, &ld, 1)) {
            ret = EXIT_IO;
            goto out;
        }
        weprintf("interrupted by signal %d at step %ld%s%s%s", (int)stop_signal, R.step,
                 o.save ? "; saved " : "; nothing saved (no --save)", o.save ? o.save : "",
                 o.save ? ": continue with --resume" : "");
        ret = 128 + (int)stop_signal;
        goto out;
    }
    /* the input is exhausted (not stopped by --steps): log the open interval */
    if (R.acc[ACC_N] > 0 && !(o.steps && R.step >= o.steps) &&
        log_train(&R, &ld, last_lr, util_now())) {
        ret = EXIT_IO;
        goto out;
    }
    /* final evaluation when it did not just happen */
    if (o.valid && (!o.eval_every || R.step % o.eval_every != 0) && R.step > step0) {
        double vl, vp[MODEL_NLOSS];
        int vc[MODEL_NLOSS];
        uint64_t vn;
        int er = evaluate(&R, &b, &vl, vp, vc, &vn);
        if (er) {
            ret = er == -2 ? EXIT_IO : EXIT_DATA;
            goto out;
        }
        if (metrics_row(&R, "valid", ld.epoch, vn, vl, vp, vc, -1, 0, 0, 0, util_now() - R.t0)) {
            ret = EXIT_IO;
            goto out;
        }
        if (isfinite(vl) && (isnan(R.meta.best_valid) || vl < R.meta.best_valid)) {
            R.meta.best_valid = vl;
            if (o.best && save_ckpt(&R, o.best, &ld, 0)) {
                ret = EXIT_IO;
                goto out;
            }
        }
    }
    if (o.save && save_ckpt(&R, o.save, &ld, 1)) {
        ret = EXIT_IO;
        goto out;
    }
    R.bad += ld.bad;
    if (verbosity >= 1) {
        double el = util_now() - R.t0;
        weprintf("%ld steps (%ld this run), %llu molecules in %.1f s (%.1f mol/s), epoch %d, "
                 "final loss %.6g%s", R.step, R.step - step0, (unsigned long long)R.mols_total,
                 el, (double)R.mols_total / (el + 1e-9), ld.epoch, (double)R.m.loss,
                 R.step == step0 ? " (no training step: empty input?)" : "");
    }
    if (verbosity >= 2)
        weprintf("time: data+batches %.3f s, forward %.3f s, backward %.3f s, optimizer %.3f s, "
                 "checkpoints %.3f s, validation %.3f s; OpenBLAS %s kernels", R.t_data, R.t_fwd,
                 R.t_bwd, R.t_opt, R.t_save, R.t_eval, layers_blas_core());
    if (ld.too_big || ld.other_split || R.bad)
        weprintf("skipped: %llu larger than --max-atoms, %llu of another split, %llu bad",
                 (unsigned long long)ld.too_big, (unsigned long long)ld.other_split,
                 (unsigned long long)R.bad);
    if (R.bad)
        ret = EXIT_DATA;
out:
    if (mols) {
        for (int i = 0; i < o.batch; i++)
            mol_free(&mols[i]);
        free(mols);
    }
    free(srcs);
    if (R.mf && fshut(R.mf, o.metrics) && !ret)
        ret = EXIT_IO;
    if (have_batch)
        batch_free(&b);
    if (have_loader)
        loader_close(&ld);
    if (!o.resume && R.labels)
        free(R.labels); /* the strings point into labels_arg */
    free(o.labels_arg);
    util_bigfree(R.adam_m);
    util_bigfree(R.adam_v);
    model_free(&R.m);
    ckpt_meta_free(&R.meta);
    ckpt_meta_free(&src);
    return ret;
}
