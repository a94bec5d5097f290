/* cli.h: the options every moleblend tool shares, parsed one way in all of them (README "The
 * tools"):
 *   -h, --help        usage on stdout, exit 0
 *   -V, --version     "TOOL VERSION" on stdout, exit 0
 *   -q, --quiet       less on stderr (verbosity - 1, not below 0)
 *   -v, --verbose     more on stderr (verbosity + 1)
 * and those of the tools that read and write record streams, each where it makes sense:
 *   -k, --keep-going  skip bad records, report them, exit 1 at the end
 *   -f, --force       write binary msgpack to a terminal
 *   --zstd[=L]        zstd-compress the output at level L (0..19, 0 = plain; 3 without L). A
 *                     level may also follow as the next argument (`--zstd 5`) when that argument
 *                     is one or two digits (write ./5 for an input file named 5).
 *   --progress        progress (rate, ETA) on stderr even when it is not a terminal
 *
 * Usage, in a tool's main:
 *     static const struct option lo[] = {CLI_LONG_BASE, CLI_LONG_KEEP, CLI_LONG_ZSTD,
 *                                        {"max-atoms", required_argument, 0, O_MAX}, {0, 0, 0, 0}};
 *     struct cli co = CLI_INIT(usage_line);
 *     while ((c = getopt_long(argc, argv, CLI_SHORT_BASE "k" "n:", lo, NULL)) != -1)
 *         switch (c) {
 *         case O_MAX: ...; break;
 *         default: cli_common(&co, c, argc, argv, usage, VERSION);
 *         }
 * cli_common handles the shared options; on -h/-V it prints and exits 0, on an unknown option
 * or a missing argument it exits 2 with "tool: ..." and the usage line (eusage). */
#ifndef MB_CLI_H
#define MB_CLI_H

#include <getopt.h>
#include <stdio.h>

/* getopt_long return values of the long-only shared options */
enum { CLI_O_ZSTD = 0x1000, CLI_O_PROGRESS };

/* ':' first: a missing argument returns ':' (told apart from an unknown option, '?') */
#define CLI_SHORT_BASE ":hVqv"
#define CLI_LONG_BASE                                                                              \
    {"help", no_argument, 0, 'h'}, {"version", no_argument, 0, 'V'},                               \
        {"quiet", no_argument, 0, 'q'}, {"verbose", no_argument, 0, 'v'}
#define CLI_LONG_KEEP {"keep-going", no_argument, 0, 'k'}
#define CLI_LONG_FORCE {"force", no_argument, 0, 'f'}
#define CLI_LONG_ZSTD {"zstd", optional_argument, 0, CLI_O_ZSTD}
#define CLI_LONG_PROGRESS {"progress", no_argument, 0, CLI_O_PROGRESS}

struct cli {
    int keep;     /* -k */
    int force;    /* -f */
    int zstd;     /* --zstd level, 0 = plain */
    int progress; /* --progress */
    const char *usage_line; /* for eusage messages */
};
#define CLI_INIT(usage_line) {0, 0, 0, 0, (usage_line)}

/* The help lines of the shared options, the same in every tool's usage: `which` is the set of
 * stream options the tool has (CLI_KEEP | CLI_FORCE | CLI_ZSTD | CLI_PROGRESS); -q -v -h -V
 * always. Descriptions start `col` characters after the two-space indent, as the tool's own. */
enum { CLI_KEEP = 1, CLI_FORCE = 2, CLI_ZSTD = 4, CLI_PROGRESS = 8 };
void cli_usage(FILE *fp, unsigned which, int col);

/* Handle option c (a getopt_long result) as a shared option, or exit: 0 after -h (usage(stdout))
 * and -V ("argv0 version"), 2 after an unknown option or missing argument. */
void cli_common(struct cli *co, int c, int argc, char **argv, void (*usage)(FILE *),
                const char *version);

#endif
