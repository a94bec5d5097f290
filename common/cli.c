/* cli.c: the options every tool shares (see cli.h). */
#include "cli.h"

#include "util.h"

#include <stdlib.h>
#include <string.h>

/* "--zstd" alone is level 3; "--zstd=L" or "--zstd L" (L one or two digits) sets L */
static int zstd_level(const char *optarg, int argc, char **argv)
{
    if (optarg)
        return (int)estrtoll(optarg, "--zstd", 0, 19);
    const char *next = optind < argc ? argv[optind] : NULL;
    size_t n = next ? strlen(next) : 0;
    if (n >= 1 && n <= 2 && strspn(next, "0123456789") == n) {
        optind++;
        return (int)estrtoll(next, "--zstd", 0, 19);
    }
    return 3;
}

void cli_usage(FILE *fp, unsigned which, int col)
{
    static const struct {
        unsigned flag;
        const char *opt, *what;
    } rows[] = {
        {CLI_ZSTD, "--zstd[=L]", "zstd-compress the output, level L 0..19 (3 without L, 0 plain)"},
        {CLI_KEEP, "-k, --keep-going", "skip bad records, report each, exit 1 at the end"},
        {CLI_FORCE, "-f, --force", "write binary msgpack to a terminal"},
        {CLI_PROGRESS, "--progress", "progress (rate, ETA) on stderr even when not a terminal"},
        {0, "-q, -v", "quieter / more verbose on stderr"},
        {0, "-h, --help", "this help;  -V, --version  the version"},
    };
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++)
        if (!rows[i].flag || (which & rows[i].flag))
            fprintf(fp, "  %-*s %s\n", col - 1, rows[i].opt, rows[i].what);
}

void cli_common(struct cli *co, int c, int argc, char **argv, void (*usage)(FILE *),
                const char *version)
{
    switch (c) {
    case 'h':
        usage(stdout);
        exit(fshut(stdout, "<stdout>"));
    case 'V':
        printf("%s %s\n", argv0, version);
        exit(fshut(stdout, "<stdout>"));
    case 'q':
        verbosity = verbosity > 0 ? verbosity - 1 : 0;
        return;
    case 'v':
        verbosity++;
        return;
    case 'k':
        co->keep = 1;
        return;
    case 'f':
        co->force = 1;
        return;
    case CLI_O_ZSTD:
        co->zstd = zstd_level(optarg, argc, argv);
        return;
    case CLI_O_PROGRESS:
        co->progress = 1;
        return;
    case ':':
        eusage(co->usage_line, "option %s needs an argument", argv[optind - 1]);
    default: { /* '?': an unknown option, or an argument given to one that takes none */
        const char *a = optind > 1 && optind - 1 < argc ? argv[optind - 1] : "";
        char sh[3] = {'-', (char)optopt, 0};
        eusage(co->usage_line, "bad option %s", !strncmp(a, "--", 2) || optopt <= 0 ? a : sh);
    }
    }
}
