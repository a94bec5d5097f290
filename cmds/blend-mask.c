/* blend-mask: draw the MoleBLEND modality-blending masks and coordinate noise per molecule.
 *
 * Input:  moleblend.mol@1 records after relation-build (keys n, spd, pos, is3d, ...).
 * Output: moleblend.mol@1, the same records plus
 *         mode   MODE_BLEND / MODE_2D / MODE_3D
 *         epoch  the --epoch value
 *         pmask  (n,n) u8 pair modality PM_SPD/PM_EDGE/PM_3D, iid per ORDERED pair including the
 *                diagonal (SPEC 3.1: not symmetric)
 *         amask  (n) u8 atom feature AM_DEGREE/AM_3D (SPEC 3.2)
 *         noise  (n,3) f32 Gaussian coordinate noise, sigma --noise Angstrom (SPEC 1.7, 3.3)
 * Modes: pretrain (default): records with 3D get MODE_BLEND + pmask/amask/noise; records without
 *        3D (no pos, is3d false, or every position exactly 0, SPEC 1.7) get MODE_2D and no masks:
 *        SPD + edge on every pair, degree on every atom (SPEC 3.1 fallback).
 *        2d: MODE_2D (fine-tuning, SPEC 6.1). 3d: MODE_3D, needs 3D positions (SPEC 6.2).
 *        Masks/noise from an earlier run are always dropped first.
 * The draw of a molecule depends only on (--seed, --epoch, id, src, rec): not on its position in
 * the stream, sharding or batching. The original draws one pair mask per GPU batch; we draw one
 * per molecule (schemas/blend.md).
 * Exit: 0 ok, 1 bad record (or records skipped with -k), 2 usage, 3 I/O. */
#include "cli.h"
#include "mol.h"
#include "molfilter.h"
#include "rec.h"
#include "rng.h"
#include "util.h"

#include <getopt.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#define BLEND_VERSION "1"

static const char usage_line[] =
    "[-hkqvfV] [--mode pretrain|2d|3d] [--pair-prob S,E,D] [--atom-prob G,D] [--noise SIGMA]\n"
    "       [--seed S] [--epoch E] [--zstd[=L]] [--progress] [file...]";

enum { BM_PRETRAIN = 0, BM_2D = 1, BM_3D = 2 };

struct blend_opts {
    int mode;          /* BM_* */
    double pair[3];    /* p_spd, p_edge, p_3d */
    double atom[2];    /* p_degree, p_3d */
    double noise;      /* sigma, Angstrom */
    uint64_t seed;
    uint32_t epoch;
};

static void blend_opts_default(struct blend_opts *o)
{
    memset(o, 0, sizeof *o);
    o->mode = BM_PRETRAIN;
    o->pair[0] = 0.2, o->pair[1] = 0.2, o->pair[2] = 0.6;
    o->atom[0] = 0.4, o->atom[1] = 0.6;
    o->noise = 0.2;
}

/* Validate a probability vector: finite, >= 0, sum 1 within 1e-6. 0 or -1. */
static int blend_check_prob(const double *p, int k)
{
    double s = 0;
    for (int i = 0; i < k; i++) {
        if (!isfinite(p[i]) || p[i] < 0 || p[i] > 1)
            return -1;
        s += p[i];
    }
    return fabs(s - 1) <= 1e-6 ? 0 : -1;
}

/* Cumulative thresholds for a categorical draw with u in [0,1): category c if u < cum[c].
 * Categories after the last non-zero one can never be drawn (cum of the last non-zero = 2). */
static void blend_cum(double *cum, const double *p, int k)
{
    double s = 0;
    int last = 0;
    for (int i = 0; i < k; i++) {
        s += p[i];
        cum[i] = s;
        if (p[i] > 0)
            last = i;
    }
    for (int i = last; i < k; i++)
        cum[i] = 2.0;
}

static uint8_t blend_cat(struct rng *r, const double *cum, int k)
{
    double u = rng_uniform(r);
    for (int i = 0; i < k - 1; i++)
        if (u < cum[i])
            return (uint8_t)i;
    return (uint8_t)(k - 1);
}

/* Key of a molecule for its random stream: FNV-1a over id, NUL, src, NUL, rec (4 bytes LE). */
static uint64_t blend_key(const struct mol *m)
{
    const char *id = m->id ? m->id : "", *src = m->src ? m->src : "";
    unsigned char rb[4] = {(unsigned char)m->rec, (unsigned char)(m->rec >> 8),
                           (unsigned char)(m->rec >> 16), (unsigned char)(m->rec >> 24)};
    uint64_t h = rng_hash(id, strlen(id) + 1, 0);
    h = rng_hash(src, strlen(src) + 1, h);
    return rng_hash(rb, sizeof rb, h);
}

/* 1 if m has usable 3D positions: pos present, is3d, and not every coordinate exactly 0. */
static int blend_has_3d(const struct mol *m)
{
    if (!m->pos || !m->is3d || m->n == 0)
        return 0;
    for (size_t i = 0; i < 3 * (size_t)m->n; i++)
        if (m->pos[i] != 0.0f)
            return 1;
    return 0;
}

/* Blend one molecule in place. Returns 0, or -1 with *err set. */
static int blend_mol(struct mol *m, const struct blend_opts *o, const char **err)
{
    mol_drop(m, MOL_F_pmask);
    mol_drop(m, MOL_F_amask);
    mol_drop(m, MOL_F_noise);
    m->epoch = o->epoch;
    if (o->mode == BM_3D) {
        if (!blend_has_3d(m)) {
            *err = "--mode 3d needs 3D positions ('pos' with is3d true, not all 0)";
            return -1;
        }
        m->mode = MODE_3D;
        return 0;
    }
    if (!m->spd && m->n > 0) {
        *err = "no 'spd' (run relation-build first)";
        return -1;
    }
    if (o->mode == BM_2D || !blend_has_3d(m)) {
        m->mode = MODE_2D;
        return 0;
    }
    m->mode = MODE_BLEND;
    struct rng r;
    double pc[3], ac[2];
    size_t n = m->n;
    blend_cum(pc, o->pair, 3);
    blend_cum(ac, o->atom, 2);
    rng_init_keyed(&r, o->seed, o->epoch, blend_key(m), 0);
    /* order of draws is part of the format: pmask row-major, amask, noise row-major */
    uint8_t *pm = mol_alloc(m, MOL_F_pmask, n * n);
    for (size_t i = 0; i < n * n; i++)
        pm[i] = blend_cat(&r, pc, 3);
    uint8_t *am = mol_alloc(m, MOL_F_amask, n);
    for (size_t i = 0; i < n; i++)
        am[i] = blend_cat(&r, ac, 2);
    if (o->noise > 0) {
        float *nz = mol_alloc(m, MOL_F_noise, 3 * n);
        for (size_t i = 0; i < 3 * n; i++)
            nz[i] = (float)(o->noise * rng_normal(&r));
    }
    return 0;
}

#ifndef TESTING
/* molfilter adapter: blend one record and count its mode */
struct blend_run {
    const struct blend_opts *o;
    uint64_t nmode[3];
};

static int blend_fn(struct mol *m, void *ctx, const char **err)
{
    struct blend_run *run = ctx;
    if (blend_mol(m, run->o, err))
        return -1;
    run->nmode[m->mode]++;
    return 0;
}

static void usage(FILE *fp)
{
    fprintf(fp, "usage: %s %s\n", argv0, usage_line);
    fprintf(fp,
            "Draw MoleBLEND blend masks and coordinate noise for each molecule record.\n"
            "  --mode M         pretrain (default): blend; records without 3D get mode 2d\n"
            "                   2d: 2D-only fine-tuning (SPD + edge everywhere, degree), no masks\n"
            "                   3d: 3D-only (no 2D relations); records need 3D positions\n"
            "  --pair-prob S,E,D  pair modality probabilities SPD,edge,3D (default 0.2,0.2,0.6)\n"
            "  --atom-prob G,D  atom feature probabilities degree,3D (default 0.4,0.6)\n"
            "  --noise SIGMA    coordinate noise sigma in Angstrom, 0 = none (default 0.2)\n"
            "  --seed S         random seed (default 0)\n"
            "  --epoch E        epoch: a fresh draw per epoch (default 0)\n");
    cli_usage(fp, CLI_KEEP | CLI_FORCE | CLI_ZSTD | CLI_PROGRESS, 17);
    fputs("Exit: 0 ok, 1 bad record, 2 usage, 3 I/O.\n", fp);
}

int main(int argc, char **argv)
{
    struct blend_opts o;
    int ret = EXIT_OK;
    enum { O_MODE = 256, O_PAIR, O_ATOM, O_NOISE, O_SEED, O_EPOCH };
    static const struct option lo[] = {
        CLI_LONG_BASE, CLI_LONG_KEEP, CLI_LONG_FORCE, CLI_LONG_ZSTD, CLI_LONG_PROGRESS,
        {"mode", required_argument, 0, O_MODE}, {"pair-prob", required_argument, 0, O_PAIR},
        {"atom-prob", required_argument, 0, O_ATOM}, {"noise", required_argument, 0, O_NOISE},
        {"seed", required_argument, 0, O_SEED}, {"epoch", required_argument, 0, O_EPOCH},
        {0, 0, 0, 0}};
    struct cli co = CLI_INIT(usage_line);
    int c;

    util_set_argv0(argv[0]);
    blend_opts_default(&o);
    opterr = 0;
    while ((c = getopt_long(argc, argv, CLI_SHORT_BASE "kf", lo, NULL)) != -1) {
        switch (c) {
        case O_MODE:
            if (!strcmp(optarg, "pretrain") || !strcmp(optarg, "blend"))
                o.mode = BM_PRETRAIN;
            else if (!strcmp(optarg, "2d"))
                o.mode = BM_2D;
            else if (!strcmp(optarg, "3d"))
                o.mode = BM_3D;
            else
                eusage(usage_line, "--mode: expected pretrain, 2d or 3d, not '%s'", optarg);
            break;
        case O_PAIR:
            estrtod_list(optarg, "--pair-prob", o.pair, 3);
            if (blend_check_prob(o.pair, 3))
                eusage(usage_line, "--pair-prob: need 3 probabilities in [0,1] summing to 1: '%s'",
                       optarg);
            break;
        case O_ATOM:
            estrtod_list(optarg, "--atom-prob", o.atom, 2);
            if (blend_check_prob(o.atom, 2))
                eusage(usage_line, "--atom-prob: need 2 probabilities in [0,1] summing to 1: '%s'",
                       optarg);
            break;
        case O_NOISE: o.noise = estrtod(optarg, "--noise", 0, 100); break;
        case O_SEED: o.seed = (uint64_t)estrtoll(optarg, "--seed", 0, INT64_MAX); break;
        case O_EPOCH: o.epoch = (uint32_t)estrtoll(optarg, "--epoch", 0, UINT32_MAX); break;
        default: cli_common(&co, c, argc, argv, usage, BLEND_VERSION);
        }
    }
    util_check_stdout_binary(co.force);

    struct rec_writer w;
    if (rec_writer_open(&w, "-", co.zstd))
        return EXIT_IO;
    rec_write_header(&w, MOL_SCHEMA, MOL_VERSION, "blend-mask " BLEND_VERSION);
    struct blend_run run = {.o = &o};
    struct molfilter f = {.keep_going = co.keep, .progress = co.progress};
    ret = molfilter_run(&f, argv + optind, argc - optind, &w, blend_fn, &run);
    int wr = rec_writer_close(&w);
    if (wr)
        ret = EXIT_IO;
    if (verbosity >= 2 || f.nbad || ret)
        weprintf("%llu records in, %llu out (%llu blend, %llu 2d, %llu 3d), %llu rejected",
                 (unsigned long long)f.nin, (unsigned long long)f.nout,
                 (unsigned long long)run.nmode[MODE_BLEND], (unsigned long long)run.nmode[MODE_2D],
                 (unsigned long long)run.nmode[MODE_3D], (unsigned long long)f.nbad);
    return ret;
}
#endif
