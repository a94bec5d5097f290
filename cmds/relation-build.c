/* relation-build: OGB atom/bond features, degree, shortest paths, multi-hop bond paths and 3D
 * pair distances for each molecule record (SPEC 1.2-1.7, schemas/relations.md).
 *
 * Input:  moleblend.mol@1 records from conformer-ingest (heavy atoms, H folded into nh).
 * Output: the same records plus af (n,9) u8, bf (nb,3) u8, deg (n) u8, spd (n,n) u16,
 *         path (n,n,5) u16 and, when the record has positions, dist (n,n) f32.
 *         Keys this tool does not know pass through unchanged.
 * Records RDKit would reject (valence errors, cannot kekulize) and records over --max-atoms are
 * rejected with a message naming the record.
 * Exit: 0 ok, 1 bad record (or records skipped with -k), 2 usage, 3 I/O. */
#include "cli.h"
#include "mol.h"
#include "molfilter.h"
#include "perceive.h"
#include "rec.h"
#include "relations.h"
#include "stereo.h"
#include "util.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define RELATION_VERSION "1"

static const char usage_line[] =
    "[-hkqvfV] [--max-atoms N] [--no-paths] [--no-dist] [--zstd[=L]] [--progress] [file...]";

struct rb_opts {
    uint32_t max_atoms;
    int paths, dist;
};

struct rb_ctx {
    const struct rb_opts *o;
    struct perceive p;
    struct rel_work w;
    struct stereo_work sw;
    uint8_t *sbuf; /* chirality [n] + bond stereo [nb] */
    size_t scap;
    char err[256];
};

/* Add the relation keys to m. Returns 0, or -1 with c->err. */
static int rb_mol(struct mol *m, const struct rb_opts *o, struct rb_ctx *c)
{
    uint32_t n = m->n, nb = m->nb;
    mol_drop(m, MOL_F_af);
    mol_drop(m, MOL_F_bf);
    mol_drop(m, MOL_F_deg);
    mol_drop(m, MOL_F_spd);
    mol_drop(m, MOL_F_path);
    mol_drop(m, MOL_F_dist);
    if (n > o->max_atoms) {
        snprintf(c->err, sizeof c->err, "%u atoms > --max-atoms %u", n, o->max_atoms);
        return -1;
    }
    if (n > 0 && !m->z) {
        snprintf(c->err, sizeof c->err, "no 'z' array");
        return -1;
    }
    if (nb > 0 && !m->bonds) {
        snprintf(c->err, sizeof c->err, "no 'bonds' array");
        return -1;
    }
    if (nb > 0 && !m->bo) {
        snprintf(c->err, sizeof c->err, "no 'bo' array");
        return -1;
    }
    if (!m->has_bonds) {
        /* no bond table (XYZ without --perceive-bonds): atomic number only, every other feature
         * 0, no neighbours; 3D relations still flow (schemas/relations.md) */
        uint8_t *af0 = mol_alloc(m, MOL_F_af, 9 * (size_t)n);
        for (uint32_t i = 0; i < n; i++) {
            uint8_t *f = af0 + 9 * (size_t)i;
            int q = m->chg ? m->chg[i] : 0;
            f[AF_Z] = (uint8_t)((m->z[i] >= 1 && m->z[i] <= 118) ? m->z[i] - 1 : 118);
            f[AF_CHARGE] = (uint8_t)(q >= -5 && q <= 5 ? q + 5 : 11);
            f[AF_NUMH] = (uint8_t)(m->nh && m->nh[i] <= 8 ? m->nh[i] : m->nh ? 9 : 0);
            f[AF_DEGREE] = f[AF_NUMH];
            f[AF_HYB] = 5; /* unspecified -> misc */
        }
        nb = 0;
    } else if (perceive_run(m, &c->p, c->err, sizeof c->err)) {
        return -1;
    }
    uint8_t *af = m->af ? m->af : mol_alloc(m, MOL_F_af, 9 * (size_t)n);
    uint8_t *bf = mol_alloc(m, MOL_F_bf, 3 * (size_t)nb);
    if (!m->has_bonds)
        goto relations;
    perceive_atom_features(m, &c->p, af);
    perceive_bond_features(m, &c->p, bf);
    /* chirality and bond stereo (stereo.c) */
    {
        if ((size_t)n + nb + 1 > c->scap) {
            free(c->sbuf);
            c->scap = (size_t)n + nb + 1 < 256 ? 256 : 2 * ((size_t)n + nb + 1);
            c->sbuf = emalloc(c->scap);
        }
        uint8_t *ch = c->sbuf, *st = c->sbuf + n;
        if (stereo_assign_w(m, &c->p, &c->sw, ch, st, NULL, c->err, sizeof c->err))
            return -1;
        for (uint32_t i = 0; i < n; i++)
            af[9 * (size_t)i + AF_CHIRAL] = ch[i];
        for (uint32_t b = 0; b < nb; b++)
            bf[3 * (size_t)b + BF_STEREO] = st[b];
    }
relations:;
    uint8_t *deg = mol_alloc(m, MOL_F_deg, n);
    if (n)
        rel_degree(n, nb, m->bonds, deg);
    uint16_t *spd = mol_alloc(m, MOL_F_spd, (size_t)n * n);
    uint16_t *path = o->paths ? mol_alloc(m, MOL_F_path, (size_t)n * n * MOL_HOPS) : NULL;
    if (n && rel_spd_paths(n, nb, m->bonds, spd, path, &c->w)) {
        snprintf(c->err, sizeof c->err, "out of memory");
        return -1;
    }
    if (o->dist && m->pos && n)
        rel_distances(n, m->pos, mol_alloc(m, MOL_F_dist, (size_t)n * n));
    return 0;
}

/* molfilter adapter */
static int rb_fn(struct mol *m, void *ctx, const char **err)
{
    struct rb_ctx *c = ctx;
    if (rb_mol(m, c->o, c))
        return *err = c->err, -1;
    return 0;
}

#ifndef TESTING
static void usage(FILE *fp)
{
    fprintf(fp, "usage: %s %s\n", argv0, usage_line);
    fprintf(fp,
            "Add RDKit-faithful OGB features and pair relations to each molecule record.\n"
            "  --max-atoms N    reject molecules with more than N atoms (default %d; PCQM: 256)\n"
            "  --no-paths       do not write 'path' (multi-hop bond indices)\n"
            "  --no-dist        do not write 'dist' (pair distances)\n",
            MOL_MAX_ATOMS_DEFAULT);
    cli_usage(fp, CLI_KEEP | CLI_FORCE | CLI_ZSTD | CLI_PROGRESS, 17);
    fputs("Keys written: af (n,9) bf (nb,3) deg (n) spd (n,n) path (n,n,5) dist (n,n).\n"
          "Exit: 0 ok, 1 bad record, 2 usage, 3 I/O.\n",
          fp);
}

int main(int argc, char **argv)
{
    struct rb_opts o = {MOL_MAX_ATOMS_DEFAULT, 1, 1};
    int ret = EXIT_OK;
    enum { O_MAX = 256, O_NOPATH, O_NODIST };
    static const struct option lo[] = {
        CLI_LONG_BASE, CLI_LONG_KEEP, CLI_LONG_FORCE, CLI_LONG_ZSTD, CLI_LONG_PROGRESS,
        {"max-atoms", required_argument, 0, O_MAX}, {"no-paths", no_argument, 0, O_NOPATH},
        {"no-dist", no_argument, 0, O_NODIST}, {0, 0, 0, 0}};
    struct cli co = CLI_INIT(usage_line);
    int c;

    util_set_argv0(argv[0]);
    opterr = 0;
    while ((c = getopt_long(argc, argv, CLI_SHORT_BASE "kf", lo, NULL)) != -1) {
        switch (c) {
        case O_MAX:
            o.max_atoms = (uint32_t)estrtoll(optarg, "--max-atoms", 1, MOL_MAX_ATOMS_HARD);
            break;
        case O_NOPATH: o.paths = 0; break;
        case O_NODIST: o.dist = 0; break;
        default: cli_common(&co, c, argc, argv, usage, RELATION_VERSION);
        }
    }
    util_check_stdout_binary(co.force);

    struct rec_writer w;
    if (rec_writer_open(&w, "-", co.zstd))
        return EXIT_IO;
    rec_write_header(&w, MOL_SCHEMA, MOL_VERSION, "relation-build " RELATION_VERSION);
    struct rb_ctx ctx;
    memset(&ctx, 0, sizeof ctx);
    perceive_init(&ctx.p);
    ctx.o = &o;
    struct molfilter f = {.keep_going = co.keep, .progress = co.progress};
    ret = molfilter_run(&f, argv + optind, argc - optind, &w, rb_fn, &ctx);
    perceive_free(&ctx.p);
    rel_work_free(&ctx.w);
    stereo_work_free(&ctx.sw);
    free(ctx.sbuf);
    if (rec_writer_close(&w))
        ret = EXIT_IO;
    if (verbosity >= 2 || f.nbad || ret)
        weprintf("%llu records in, %llu out, %llu rejected", (unsigned long long)f.nin,
                 (unsigned long long)f.nout, (unsigned long long)f.nbad);
    return ret;
}
#endif
