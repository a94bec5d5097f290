/* split: scaffold or random train/valid/test split of a molecule stream.
 *
 * Input:  moleblend.mol@1 records (conformer-ingest output or later: needs z, bonds, bo; uses
 *         chg, nh, noimp, arom).
 * Output: the same records with `split` set to "train", "valid" or "test": in input order on
 *         stdout, or with --out PREFIX in PREFIX-train.mpk, PREFIX-valid.mpk, PREFIX-test.mpk.
 * --scaffold: Bemis-Murcko scaffolds as RDKit MurckoScaffoldSmiles(includeChirality=False) on
 *         perceived aromaticity (common/scaffold.h, common/perceive.h), grouped by a canonical
 *         key; groups sorted by (size, first index) descending and filled into train/valid/test
 *         (deepchem ScaffoldSplitter order, shared/data/README.md). Deterministic; --seed unused.
 * --random: seeded permutation; floor(f0*n) train, floor((f0+f1)*n) - that valid, rest test.
 * The whole input is spooled to a temporary file ($TMPDIR) because every assignment depends on
 * all molecules.
 * Exit: 0 ok, 1 bad record (or skipped with -k), 2 usage, 3 I/O. */
#include "cli.h"
#include "mol.h"
#include "perceive.h"
#include "rec.h"
#include "scaffold.h"
#include "util.h"

#include <getopt.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define SPLIT_VERSION "1"

static const char usage_line[] =
    "[-hkqvfV] (--scaffold | --random) [--seed S] [--frac TR,VA,TE] [--out PREFIX]\n"
    "       [--groups FILE] [--zstd[=L]] [file...]";

static void usage(FILE *fp)
{
    fprintf(fp, "usage: %s %s\n", argv0, usage_line);
    fprintf(fp,
            "Split molecule records into train/valid/test (key 'split').\n"
            "  --scaffold       Bemis-Murcko scaffold split (deterministic, deepchem order)\n"
            "  --random         random split with --seed S (default 0)\n"
            "  --frac a,b,c     train,valid,test fractions (default 0.8,0.1,0.1)\n"
            "  --out PREFIX     write PREFIX-train.mpk, PREFIX-valid.mpk, PREFIX-test.mpk\n"
            "                   (default: one stream on stdout, records tagged, input order)\n"
            "  --groups FILE    write 'index id split group scaffold-key' lines (TSV) to FILE\n"
            "  --input-arom     scaffold from the record's aromaticity, skip perception\n");
    cli_usage(fp, CLI_KEEP | CLI_FORCE | CLI_ZSTD, 17);
    fputs("A record skipped with -k gets no split. Exit: 0 ok, 1 bad record, 2 usage, 3 I/O.\n", fp);
}

int main(int argc, char **argv)
{
    int mode = -1, input_arom = 0, ret = EXIT_OK, c;
    uint64_t seed = 0;
    double frac[3] = {0.8, 0.1, 0.1};
    const char *prefix = NULL, *groups_path = NULL;
    enum { O_SCAF = 256, O_RAND, O_SEED, O_FRAC, O_OUT, O_GROUPS, O_INARO };
    static const struct option lo[] = {
        CLI_LONG_BASE, CLI_LONG_KEEP, CLI_LONG_FORCE, CLI_LONG_ZSTD,
        {"scaffold", no_argument, 0, O_SCAF}, {"random", no_argument, 0, O_RAND},
        {"seed", required_argument, 0, O_SEED}, {"frac", required_argument, 0, O_FRAC},
        {"out", required_argument, 0, O_OUT}, {"groups", required_argument, 0, O_GROUPS},
        {"input-arom", no_argument, 0, O_INARO}, {0, 0, 0, 0}};
    struct cli co = CLI_INIT(usage_line);

    util_set_argv0(argv[0]);
    opterr = 0;
    while ((c = getopt_long(argc, argv, CLI_SHORT_BASE "kf", lo, NULL)) != -1) {
        switch (c) {
        case O_SCAF:
        case O_RAND:
            if (mode >= 0 && mode != (c == O_RAND))
                eusage(usage_line, "--scaffold and --random exclude each other");
            mode = c == O_RAND;
            break;
        case O_SEED: seed = (uint64_t)estrtoll(optarg, "--seed", 0, INT64_MAX); break;
        case O_FRAC: {
            estrtod_list(optarg, "--frac", frac, 3);
            double s = frac[0] + frac[1] + frac[2];
            if (frac[0] < 0 || frac[1] < 0 || frac[2] < 0 || fabs(s - 1) > 1e-6)
                eusage(usage_line, "--frac: need 3 fractions >= 0 summing to 1: '%s'", optarg);
            break;
        }
        case O_OUT: prefix = optarg; break;
        case O_GROUPS: groups_path = optarg; break;
        case O_INARO: input_arom = 1; break;
        default: cli_common(&co, c, argc, argv, usage, SPLIT_VERSION);
        }
    }
    if (mode < 0)
        eusage(usage_line, "choose --scaffold or --random");
    if (!prefix)
        util_check_stdout_binary(co.force);

    /* pass 1: read, key, spool */
    char spool[4096];
    const char *tmp = getenv("TMPDIR");
    snprintf(spool, sizeof spool, "%s/mbsplit.XXXXXX", tmp && *tmp ? tmp : "/tmp");
    int fd = mkstemp(spool);
    if (fd < 0) {
        weprintf("%s:", spool);
        return EXIT_IO;
    }
    close(fd);
    struct rec_writer sw;
    if (rec_writer_open(&sw, spool, 1)) {
        unlink(spool);
        return EXIT_IO;
    }
    char **keys = NULL, **ids = NULL;
    size_t n = 0, cap = 0;
    uint64_t nin = 0, nbad = 0, nnoperc = 0, ncapped = 0;
    struct perceive per;
    struct buf kb = {0};
    perceive_init(&per);
    struct rec_inputs in;
    msgpack_object *robj;
    rec_inputs_open(&in, argv + optind, argc - optind, MOL_SCHEMA, MOL_VERSION, co.keep);
    struct rec_reader *rd = &in.r; /* names the current record in messages */
    while (rec_inputs_next(&in, &robj) == 1) {
        struct mol m;
        const char *err = NULL;
        char ebuf[256];
        nin++;
        kb.len = 0;
        if (mol_unpack(&m, robj, 0, &err)) {
            snprintf(ebuf, sizeof ebuf, "%s", err);
            goto bad;
        }
        if (mode == 0) {
            struct scaffold_stats st;
            int rc;
            if (!input_arom && !perceive_run(&m, &per, ebuf, sizeof ebuf)) {
                rc = scaffold_key_perceived(&m, &per, &kb, &st, ebuf, sizeof ebuf);
            } else {
                if (!input_arom) {
                    nnoperc++;
                    if (verbosity >= 2)
                        werecord(rd->name, rd->index - 1, m.id,
                             "perception failed (%s): scaffold from input aromaticity", ebuf);
                }
                rc = scaffold_key_input(&m, &kb, &st, ebuf, sizeof ebuf);
            }
            if (rc)
                goto bad;
            ncapped += st.capped;
        }
        if (n == cap) {
            cap = cap ? 2 * cap : 1024;
            keys = erealloc(keys, emul(cap, sizeof *keys));
            ids = erealloc(ids, emul(cap, sizeof *ids));
        }
        keys[n] = estrdup(mode == 0 && kb.p ? kb.p : "");
        ids[n] = estrdup(m.id ? m.id : "");
        n++;
        mol_free(&m);
        if (rec_write_object(&sw, robj)) {
            ret = EXIT_IO;
            break;
        }
        continue;
    bad:
        werecord(rd->name, rd->index - 1, m.id, "%s", ebuf);
        mol_free(&m);
        nbad++;
        ret = EXIT_DATA;
        if (!co.keep)
            break;
    }
    ret = rec_inputs_close(&in, ret);
    perceive_free(&per);
    buf_free(&kb);
    if (rec_writer_close(&sw))
        ret = EXIT_IO;
    if (ret && !co.keep) {
        unlink(spool);
        goto out;
    }

    /* assign */
    uint8_t *sp = emalloc(n ? n : 1);
    uint32_t *grp = emalloc((n ? n : 1) * sizeof *grp);
    size_t ngroups = 0;
    if (mode == 0) {
        ngroups = split_scaffold_assign((const char *const *)keys, n, frac, sp, grp);
    } else {
        split_random_assign(n, seed, frac, sp);
        for (size_t i = 0; i < n; i++)
            grp[i] = (uint32_t)i;
        ngroups = n;
    }
    size_t cnt[3] = {0, 0, 0};
    for (size_t i = 0; i < n; i++)
        cnt[sp[i]]++;

    if (groups_path) {
        FILE *gf = fopen(groups_path, "w");
        if (!gf) {
            weprintf("%s:", groups_path);
            ret = EXIT_IO;
        } else {
            for (size_t i = 0; i < n; i++)
                fprintf(gf, "%zu\t%s\t%s\t%u\t%s\n", i, ids[i], split_names[sp[i]], grp[i],
                        keys[i]);
            if (fshut(gf, groups_path))
                ret = EXIT_IO;
        }
    }

    /* pass 2: write */
    struct rec_writer w[3];
    int nw = prefix ? 3 : 1, opened = 0;
    for (int s = 0; s < nw; s++) {
        char path[4096];
        if (prefix)
            snprintf(path, sizeof path, "%s-%s.mpk", prefix, split_names[s]);
        if (rec_writer_open(&w[s], prefix ? path : "-", co.zstd)) {
            ret = EXIT_IO;
            break;
        }
        opened++;
        rec_write_header(&w[s], MOL_SCHEMA, MOL_VERSION, "split " SPLIT_VERSION);
    }
    if (opened == nw) {
        struct rec_reader r;
        msgpack_object *obj;
        size_t i = 0;
        if (rec_reader_open(&r, spool, 0)) {
            ret = EXIT_IO;
        } else {
            int rr;
            while ((rr = rec_read_next(&r, &obj)) == 1 && i < n) {
                struct mol m;
                const char *err;
                if (mol_unpack(&m, obj, 1, &err)) { /* cannot happen: checked in pass 1 */
                    weprintf("%s: spooled record %zu: %s", spool, i, err);
                    ret = EXIT_IO;
                    break;
                }
                mol_set_str(&m.split, split_names[sp[i]]);
                struct rec_writer *o = &w[prefix ? sp[i] : 0];
                mol_pack(&m, rec_begin(o));
                mol_free(&m);
                if (rec_end(o)) {
                    ret = EXIT_IO;
                    break;
                }
                i++;
            }
            if (rr < 0)
                ret = EXIT_IO;
            rec_reader_close(&r);
        }
    }
    unlink(spool);
    for (int s = 0; s < opened; s++)
        if (rec_writer_close(&w[s]))
            ret = EXIT_IO;
    if (verbosity >= 2 || nbad || nnoperc || ncapped)
        weprintf("%llu records in, %zu split (%zu %s: train %zu, valid %zu, test %zu), %llu "
                 "rejected",
                 (unsigned long long)nin, n, ngroups, mode == 0 ? "scaffolds" : "molecules",
                 cnt[0], cnt[1], cnt[2], (unsigned long long)nbad);
    if (nnoperc)
        weprintf("warning: perception failed for %llu records: their scaffolds use the input "
                 "aromaticity (-vv names them)", (unsigned long long)nnoperc);
    if (ncapped)
        weprintf("warning: %llu scaffolds hit the canonical search cap (%d leaves)",
                 (unsigned long long)ncapped, SCAFFOLD_MAX_LEAVES);
    free(sp);
    free(grp);
out:
    for (size_t i = 0; i < n; i++) {
        free(keys[i]);
        free(ids[i]);
    }
    free(keys);
    free(ids);
    return ret;
}
