/* archive_in.h: input members from plain files, stdin, compressed files and archives.
 *
 * One input path yields a sequence of members, each held whole in memory:
 *   - a plain file or stdin: one member, named after the file ("x.sdf", "<stdin>");
 *   - a compressed single file (gzip, bzip2, xz, zstd, lz4, compress...): one member holding the
 *     decompressed bytes, named after the file ("x.sdf.gz");
 *   - an archive (tar, tar.gz/bz2/xz/zst, zip, cpio, 7z): one member per regular file, named
 *     "archive:member" ("sdffiles.tar.gz:sdffiles/mobley_123.sdf"); directories, links and other
 *     non-regular entries are skipped. A member that is itself gzip/bzip2/xz/zstd-compressed
 *     (a tar of .sdf.gz files) is decompressed (one level).
 * Built on libarchive: every filter, the archive formats above and the "raw" format for
 * non-archives. Library code: never exits (except OOM via e* allocators). */
#ifndef MB_ARCHIVE_IN_H
#define MB_ARCHIVE_IN_H

#include <stddef.h>
#include <stdint.h>

#define ARCHIVE_IN_MAX_MEMBER_DEFAULT ((size_t)1 << 31) /* 2 GiB per member */

struct archive; /* libarchive handle */

struct archive_in {
    struct archive *a;
    char *path;        /* display name of the input: path, or "<stdin>" */
    int is_raw;        /* not an archive: the single member is the (decompressed) file itself */
    int done;          /* no more members */
    size_t max_member; /* bound on one member's decompressed size */
    uint64_t nmembers; /* members returned so far */
    char *name;        /* current member's display name ("path" or "path:member") */
    char *member;      /* current member's name inside the archive (NULL when raw) */
    char *data;        /* current member's bytes (NUL-terminated; len excludes the NUL) */
    size_t len, cap;
};

/* Status codes of archive_in_next */
enum {
    ARCHIVE_IN_MEMBER = 1, /* a member is available in ai->name/ai->data/ai->len */
    ARCHIVE_IN_END = 0,    /* no more members */
    ARCHIVE_IN_SKIP = -1,  /* this member is bad (too large, corrupt compressed member); err
                              set; the next call continues */
    ARCHIVE_IN_FATAL = -2, /* I/O or archive format failure; err set; the input cannot continue */
};

/* Open path ("-" or NULL = stdin). max_member 0 = ARCHIVE_IN_MAX_MEMBER_DEFAULT.
 * Returns 0, or -1 with err set (cannot open / not readable). */
int archive_in_open(struct archive_in *ai, const char *path, size_t max_member, char *err,
                    size_t errlen);
/* Next member (see the status codes above). ai->name/data valid until the next call. */
int archive_in_next(struct archive_in *ai, char *err, size_t errlen);
/* Release everything; safe on a zeroed or already closed struct. */
void archive_in_close(struct archive_in *ai);

/* The name used for extension-based format detection: the member name inside an archive, else
 * the path, with compression suffixes (.gz .bz2 .xz .zst .lz4 .Z .lzma) removed. Writes into out.
 */
void archive_in_base_name(const struct archive_in *ai, char *out, size_t outlen);

#endif
