/* mpk-shard: split a record stream into N shards, or take shard k of N.
 *
 *   mpk-shard -n N -o 'out-%03d.mpk.zst' [FILE...]   data record i goes to shard i mod N
 *   mpk-shard --take k/N [FILE...] > part.mpk         only the records with i mod N == k
 * i counts data records from 0 over all inputs (headers excluded), so the split is
 * deterministic and the N takes of one stream partition it (GNU parallel, several hosts).
 * Header records are copied to every shard (each shard starts with the input's header);
 * records are copied unchanged (any schema). Output names ending in .zst, or --zstd, compress.
 * Exit: 0 ok, 1 malformed or truncated input, 2 usage, 3 I/O. */
#define _POSIX_C_SOURCE 200809L
#include "cli.h"
#include "ingest.h"
#include "rec.h"
#include "util.h"

#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#define VERSION "1.0"
#define MAX_SHARDS 4096
static const char *usage_line = "(-n N -o PATTERN | --take K/N) [-qvf] [--zstd[=L]] [FILE...]";

static void usage(FILE *fp)
{
    fprintf(fp,
            "usage: mpk-shard %s\n"
            "Split a msgpack record stream round-robin by data record index.\n"
            "  -n, --shards N      write N shard files named by PATTERN\n"
            "  -o, --output PAT    printf pattern with one integer conversion, e.g. "
            "'out-%%03d.mpk.zst'\n"
            "  --take K/N          write only shard K (0-based) of N to stdout\n",
            usage_line);
    cli_usage(fp, CLI_FORCE | CLI_ZSTD, 20);
    fputs("Shard files named *.zst are compressed (level 3) unless --zstd says otherwise.\n"
          "Headers are copied to every shard. FILE: input stream(s), none or '-' = stdin.\n"
          "Exit status: 0 ok, 1 malformed or truncated input, 2 usage, 3 I/O error.\n",
          fp);
}

/* The pattern must hold exactly one integer conversion (%d, %03d, %i, %u, %x) and may hold %%. */
static int check_pattern(const char *p)
{
    int conv = 0;
    for (; *p; p++) {
        if (*p != '%')
            continue;
        if (p[1] == '%') {
            p++;
            continue;
        }
        p++;
        while (*p && strchr("-0+ #", *p))
            p++;
        while (*p >= '0' && *p <= '9')
            p++;
        if (!*p || !strchr("diux", *p))
            return -1;
        conv++;
    }
    return conv == 1 ? 0 : -1;
}

static int ends_with(const char *s, const char *suf)
{
    size_t n = strlen(s), k = strlen(suf);
    return n >= k && !strcmp(s + n - k, suf);
}

int main(int argc, char **argv)
{
    static const struct option lopts[] = {
        {"shards", required_argument, 0, 'n'}, {"output", required_argument, 0, 'o'},
        {"take", required_argument, 0, 'T'},   CLI_LONG_BASE,
        CLI_LONG_FORCE,                        CLI_LONG_ZSTD,
        {0, 0, 0, 0}};
    long nshard = 0, take = -1;
    const char *pattern = NULL;
    int opt, ret = EXIT_OK;
    struct cli co = CLI_INIT(usage_line);
    co.zstd = -1; /* not given: by the shard names */
    util_set_argv0(argv[0]);
    opterr = 0;
    while ((opt = getopt_long(argc, argv, CLI_SHORT_BASE "n:o:f", lopts, NULL)) != -1) {
        switch (opt) {
        case 'n':
            nshard = (long)estrtoll(optarg, "-n", 1, MAX_SHARDS);
            break;
        case 'o':
            pattern = optarg;
            break;
        case 'T': {
            const char *sl = strchr(optarg, '/');
            if (!sl)
                eusage(usage_line, "--take wants K/N, got '%s'", optarg);
            char kbuf[32];
            snprintf(kbuf, sizeof kbuf, "%.*s", (int)(sl - optarg), optarg);
            nshard = (long)estrtoll(sl + 1, "--take N", 1, 1L << 40);
            take = (long)estrtoll(kbuf, "--take K", 0, nshard - 1);
            break;
        }
        default:
            cli_common(&co, opt, argc, argv, usage, VERSION);
        }
    }
    if (take < 0 && (!nshard || !pattern))
        eusage(usage_line, "give -n N -o PATTERN, or --take K/N");
    if (take >= 0 && pattern)
        eusage(usage_line, "--take writes to stdout; -o is for -n");
    if (pattern && check_pattern(pattern))
        eusage(usage_line, "-o pattern must hold exactly one integer conversion such as %%03d");

    int nout = take >= 0 ? 1 : (int)nshard;
    struct rec_writer *w = ecalloc((size_t)nout, sizeof *w);
    if (take >= 0) {
        util_check_stdout_binary(co.force);
        if (rec_writer_open(&w[0], NULL, co.zstd > 0 ? co.zstd : 0))
            return EXIT_IO;
    } else {
        for (int s = 0; s < nout; s++) {
            char name[4096];
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral" /* checked by check_pattern */
            snprintf(name, sizeof name, pattern, s);
#pragma GCC diagnostic pop
            int zl = co.zstd >= 0 ? co.zstd : ends_with(name, ".zst") ? 3 : 0;
            if (rec_writer_open(&w[s], name, zl)) {
                while (s--)
                    rec_writer_close(&w[s]);
                free(w);
                return EXIT_IO;
            }
            w[s].name = estrdup(name);
        }
    }
    const char *stdin_only[] = {"-"};
    const char **files = optind < argc ? (const char **)argv + optind : stdin_only;
    int nfiles = optind < argc ? argc - optind : 1;
    uint64_t idx = 0, kept = 0;
    for (int f = 0; f < nfiles && ret == EXIT_OK; f++) {
        struct rec_reader r;
        if (rec_reader_open(&r, files[f], 0)) {
            ret = EXIT_IO;
            break;
        }
        r.raw = 1;
        msgpack_object *o;
        int st;
        while (ret == EXIT_OK && (st = rec_read_next(&r, &o)) == 1) {
            if (r.is_header) {
                for (int s = 0; s < nout; s++)
                    if (rec_write_object(&w[s], o))
                        ret = EXIT_IO;
                continue;
            }
            long s = (long)(idx++ % (uint64_t)nshard);
            if (take >= 0 && s != take)
                continue;
            if (rec_write_object(&w[take >= 0 ? 0 : s], o))
                ret = EXIT_IO;
            kept++;
        }
        if (ret == EXIT_OK && st < 0)
            ret = rec_reader_io_error(&r) ? EXIT_IO : EXIT_DATA;
        rec_reader_close(&r);
    }
    for (int s = 0; s < nout; s++) {
        char *name = take >= 0 ? NULL : (char *)w[s].name;
        if (rec_writer_close(&w[s]))
            ret = EXIT_IO;
        free(name);
    }
    free(w);
    if (verbosity > 1)
        weprintf("%llu records read, %llu written to %d output(s)", (unsigned long long)idx,
                 (unsigned long long)kept, nout);
    return ret;
}
