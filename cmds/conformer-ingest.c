/* conformer-ingest: molecule files -> molecule record stream (schemas/mol.md).
 *
 * Input: SDF/MOL (V2000, V3000), XYZ/extended XYZ, SMILES files and CSV/TSV with a SMILES column,
 * as plain files, stdin, compressed files (gz bz2 xz zst ...) or archives (tar, tar.*, zip), read
 * through common/archive_in. Format by content, then extension (common/ingest.c), or --format.
 * Output: a header record, then one moleblend.mol@1 record per molecule: heavy atoms only
 * (removed H counted in "nh") unless --keep-h; src = "file[:member]", rec, line.
 * Exit: 0 ok; 1 rejected record(s) (strict: the first one ends the run; -k: at the end);
 * 2 usage; 3 I/O (open/read/write, archive failure). */
#define _POSIX_C_SOURCE 200809L
#include "archive_in.h"
#include "cli.h"
#include "ingest.h"
#include "mol.h"
#include "molops.h"
#include "rec.h"
#include "util.h"

#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#define VERSION "1.0"
static const char *usage_line =
    "[-kqvf] [--format F] [--keep-h] [--perceive-bonds[=TOL]]\n"
    "       [--smiles-col C] [--id-col C] [--delim C] [--max-atoms N] [--max-member-bytes N]\n"
    "       [--reject FILE] [--zstd[=L]] [--progress] [FILE...]";

static void usage(FILE *fp)
{
    fprintf(fp,
        "usage: conformer-ingest %s\n"
        "Read molecules and write molecule records (schemas/mol.md) as msgpack on stdout.\n"
        "  FILE                  .sdf .mol .xyz .extxyz .smi .csv .tsv, optionally .gz .bz2 .xz\n"
        "                        .zst, or an archive (.tar[.gz|.bz2|.xz|.zst], .zip) of them\n"
        "                        (members may be compressed too);\n"
        "                        none or '-' = stdin. Archive members without a molecule\n"
        "                        extension or SDF/XYZ content are skipped (warning)\n"
        "  --format F            sdf|xyz|smi|csv|tsv (default: by content, then extension)\n"
        "  --keep-h              keep hydrogen atoms (default: heavy atoms only, H counted in nh)\n"
        "  --perceive-bonds[=T]  XYZ: single bonds from covalent radii + T A (default %.2f)\n"
        "  --smiles-col C        CSV/TSV SMILES column (name or 1-based number; default: auto)\n"
        "  --id-col C            CSV/TSV column holding the molecule id (default: row index)\n"
        "  --delim C             CSV field delimiter (',', ';', 'tab', ...)\n"
        "  --no-header / --header  CSV/TSV/SMI first row is data / is a header (default: auto)\n"
        "  --check-valence       reject RDKit valence errors (SDMolSupplier parity)\n"
        "  --max-atoms N         reject molecules with more than N atoms after H removal "
        "(default %d)\n"
        "  --max-member-bytes N  reject files/members larger than N bytes (default 2 GiB)\n"
        "  --reject FILE         copy each rejected record's raw text to FILE\n",
        usage_line, MOL_BOND_TOL, MOL_MAX_ATOMS_DEFAULT);
    cli_usage(fp, CLI_KEEP | CLI_FORCE | CLI_ZSTD | CLI_PROGRESS, 22);
    fputs("Summary on stderr: 'read N, written W, rejected R' (N = W + R); -q: only when a\n"
          "record was rejected.\n"
          "Exit status: 0 all records written; 1 a record was rejected (bad record, too many\n"
          "atoms; strict mode stops at the first); 2 usage; 3 I/O error (cannot open or read,\n"
          "corrupt compressed data or archive, write error).\n",
          fp);
}

struct run {
    struct ingest_opts o;
    int keep_going;
    FILE *rej;
    const char *rej_name;
    struct rec_writer w;
    struct progress pg;
    size_t max_member;
    uint64_t nread, nwritten, nrejected;
    int status; /* worst exit status so far */
};

static void reject(struct run *r, const char *src, long long rec, uint32_t line, const char *what,
                   const char *raw, size_t rawlen)
{
    r->nread++;
    r->nrejected++;
    if (r->status < EXIT_DATA)
        r->status = EXIT_DATA;
    /* a rejected record is always reported, -q only drops the summary of a clean run */
    {
        if (rec < 0)
            weprintf("%s: %s", src, what);
        else if (line)
            weprintf("%s: record %lld (line %u): %s", src, rec, line, what);
        else
            weprintf("%s: record %lld: %s", src, rec, what);
    }
    if (r->rej && rawlen) {
        if (fwrite(raw, 1, rawlen, r->rej) != rawlen) {
            weprintf("%s: write error:", r->rej_name);
            r->status = EXIT_IO;
        } else if (raw[rawlen - 1] != '\n') {
            fputc('\n', r->rej);
        }
    }
}

/* An archive member worth reading: a molecule file extension, or SDF/XYZ content; not a macOS
 * resource fork ("._x.sdf"). Without --format, other members (README, LICENSE ...) are skipped
 * with a warning: they are not molecule records, so they are not counted as rejects. */
static int member_wanted(const struct run *r, const struct archive_in *ai, const char *base)
{
    const char *sl = strrchr(base, '/'), *name = sl ? sl + 1 : base;
    const char *dot = strrchr(name, '.');
    if (!strncmp(name, "._", 2))
        return 0;
    if (r->o.fmt || (dot && ingest_fmt_from_name(dot + 1) > 0))
        return 1;
    int f = ingest_detect(NULL, ai->data, ai->len);
    return f == INGEST_SDF || f == INGEST_XYZ;
}

/* All records of one member. Returns 0 to go on, -1 to stop (strict reject or I/O). */
static int do_member(struct run *r, struct archive_in *ai)
{
    char base[4096], err[512];
    archive_in_base_name(ai, base, sizeof base);
    if (ai->member && !member_wanted(r, ai, base)) {
        if (verbosity > 0)
            weprintf("warning: %s: skipped, not a molecule file (use --format to read it)",
                     ai->name);
        return 0;
    }
    struct ingest_src s;
    if (ingest_src_init(&s, &r->o, ai->name, base, ai->data, ai->len, err, sizeof err)) {
        reject(r, ai->name, -1, 0, err, NULL, 0);
        ingest_src_free(&s);
        return r->keep_going ? 0 : -1;
    }
    if (verbosity > 2)
        weprintf("%s: reading as %s", ai->name, ingest_fmt_name(s.fmt));
    struct mol m;
    int st, ret = 0;
    while ((st = ingest_src_next(&s, &m, err, sizeof err)) != 0) {
        if (st < 0) {
            reject(r, ai->name, s.index, s.line, err, ai->data + s.span_start,
                   s.span_end - s.span_start);
            if (!r->keep_going || r->status == EXIT_IO) {
                ret = -1;
                break;
            }
            continue;
        }
        r->nread++;
        mol_pack(&m, rec_begin(&r->w));
        mol_free(&m);
        if (rec_end(&r->w)) {
            r->status = EXIT_IO;
            ret = -1;
            break;
        }
        r->nwritten++;
        progress_update(&r->pg, r->nread);
    }
    ingest_src_free(&s);
    return ret;
}

/* All members of one input. Returns 0 to go on, -1 to stop. */
static int do_input(struct run *r, const char *path)
{
    struct archive_in ai;
    char err[512];
    int ret = 0, st;
    if (archive_in_open(&ai, path, r->max_member, err, sizeof err)) {
        weprintf("%s: %s", ai.path ? ai.path : path, err);
        archive_in_close(&ai);
        r->status = EXIT_IO;
        return -1;
    }
    while ((st = archive_in_next(&ai, err, sizeof err)) != ARCHIVE_IN_END) {
        if (st == ARCHIVE_IN_FATAL) {
            weprintf("%s: %s", ai.name ? ai.name : ai.path, err);
            r->status = EXIT_IO;
            ret = -1;
            break;
        }
        if (st == ARCHIVE_IN_SKIP) {
            reject(r, ai.name ? ai.name : ai.path, -1, 0, err, NULL, 0);
            if (!r->keep_going) {
                ret = -1;
                break;
            }
            continue;
        }
        if (do_member(r, &ai)) {
            ret = -1;
            break;
        }
    }
    archive_in_close(&ai);
    return ret;
}

static char parse_delim(const char *s)
{
    if (!strcmp(s, "tab") || !strcmp(s, "\\t"))
        return '\t';
    if (strlen(s) != 1 || s[0] == '"' || s[0] == '\n' || s[0] == '\r')
        eusage(usage_line, "--delim wants one character (or 'tab'), got '%s'", s);
    return s[0];
}

int main(int argc, char **argv)
{
    enum {
        O_FORMAT = 256,
        O_KEEPH,
        O_PERCEIVE,
        O_SCOL,
        O_ICOL,
        O_DELIM,
        O_MAXAT,
        O_MAXMEM,
        O_REJECT,
        O_HEADER,
        O_NOHEADER,
        O_VALENCE
    };
    static const struct option lopts[] = {{"format", required_argument, 0, O_FORMAT},
                                          {"keep-h", no_argument, 0, O_KEEPH},
                                          {"perceive-bonds", optional_argument, 0, O_PERCEIVE},
                                          {"smiles-col", required_argument, 0, O_SCOL},
                                          {"id-col", required_argument, 0, O_ICOL},
                                          {"delim", required_argument, 0, O_DELIM},
                                          {"header", no_argument, 0, O_HEADER},
                                          {"no-header", no_argument, 0, O_NOHEADER},
                                          {"check-valence", no_argument, 0, O_VALENCE},
                                          {"max-atoms", required_argument, 0, O_MAXAT},
                                          {"max-member-bytes", required_argument, 0, O_MAXMEM},
                                          {"reject", required_argument, 0, O_REJECT},
                                          CLI_LONG_BASE,
                                          CLI_LONG_KEEP,
                                          CLI_LONG_FORCE,
                                          CLI_LONG_ZSTD,
                                          CLI_LONG_PROGRESS,
                                          {0, 0, 0, 0}};
    static struct run r;
    struct cli co = CLI_INIT(usage_line);
    int opt;
    util_set_argv0(argv[0]);
    ingest_opts_init(&r.o);
    opterr = 0;
    while ((opt = getopt_long(argc, argv, CLI_SHORT_BASE "kf", lopts, NULL)) != -1) {
        switch (opt) {
        case O_FORMAT:
            r.o.fmt = ingest_fmt_from_name(optarg);
            if (r.o.fmt <= 0)
                eusage(usage_line, "--format wants sdf, xyz, smi, csv or tsv, got '%s'", optarg);
            break;
        case O_KEEPH:
            r.o.keep_h = 1;
            break;
        case O_PERCEIVE:
            r.o.perceive = 1;
            if (optarg)
                r.o.tol = estrtod(optarg, "--perceive-bonds", 0, 2);
            break;
        case O_SCOL:
            r.o.smiles_col = optarg;
            break;
        case O_ICOL:
            r.o.id_col = optarg;
            break;
        case O_DELIM:
            r.o.delim = parse_delim(optarg);
            break;
        case O_HEADER:
            r.o.header = 1;
            break;
        case O_NOHEADER:
            r.o.header = 0;
            break;
        case O_VALENCE:
            r.o.check_valence = 1;
            break;
        case O_MAXAT:
            r.o.max_atoms = (uint32_t)estrtoll(optarg, "--max-atoms", 1, MOL_MAX_ATOMS_HARD);
            break;
        case O_MAXMEM:
            r.max_member = (size_t)estrtoll(optarg, "--max-member-bytes", 1, 1LL << 40);
            break;
        case O_REJECT:
            r.rej_name = optarg;
            break;
        default:
            cli_common(&co, opt, argc, argv, usage, VERSION);
        }
    }
    r.keep_going = co.keep;
    if (r.o.delim && !r.o.fmt)
        r.o.fmt = r.o.delim == '\t' ? INGEST_TSV : INGEST_CSV; /* a delimiter means CSV-like */
    util_check_stdout_binary(co.force);
    if (r.rej_name && !(r.rej = fopen(r.rej_name, "wb")))
        enprintf(EXIT_IO, "%s: cannot open for writing:", r.rej_name);
    if (rec_writer_open(&r.w, NULL, co.zstd))
        return EXIT_IO;
    rec_write_header(&r.w, MOL_SCHEMA, MOL_VERSION, "conformer-ingest " VERSION);
    progress_init(&r.pg, co.progress, 0, "molecules");
    if (optind >= argc) {
        do_input(&r, "-");
    } else {
        for (int i = optind; i < argc; i++)
            if (do_input(&r, argv[i]))
                break;
    }
    progress_done(&r.pg, r.nread);
    if (rec_writer_close(&r.w))
        r.status = EXIT_IO;
    if (r.rej && fshut(r.rej, r.rej_name))
        r.status = EXIT_IO;
    if (verbosity > 0 || r.nrejected)
        weprintf("read %llu, written %llu, rejected %llu", (unsigned long long)r.nread,
                 (unsigned long long)r.nwritten, (unsigned long long)r.nrejected);
    return r.status;
}
