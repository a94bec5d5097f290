/* archive_in.c: see archive_in.h */
#define _POSIX_C_SOURCE 200809L
#include "archive_in.h"
#include "util.h"

#include <archive.h>
#include <archive_entry.h>
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static const char *aerr(struct archive *a)
{
    const char *s = archive_error_string(a);
    return s ? s : "unknown libarchive error";
}

int archive_in_open(struct archive_in *ai, const char *path, size_t max_member, char *err,
                    size_t errlen)
{
    memset(ai, 0, sizeof *ai);
    int is_stdin = !path || !strcmp(path, "-");
    ai->path = estrdup(is_stdin ? "<stdin>" : path);
    ai->max_member = max_member ? max_member : ARCHIVE_IN_MAX_MEMBER_DEFAULT;
    if (!is_stdin) {
        struct stat st;
        if (stat(path, &st))
            return util_seterr(err, errlen, "cannot open: %s", strerror(errno));
        if (S_ISDIR(st.st_mode))
            return util_seterr(err, errlen, "is a directory");
    }
    ai->a = archive_read_new();
    if (!ai->a)
        return util_seterr(err, errlen, "out of memory");
    archive_read_support_filter_all(ai->a);
    archive_read_support_format_tar(ai->a);
    archive_read_support_format_zip(ai->a);
    archive_read_support_format_cpio(ai->a);
    archive_read_support_format_7zip(ai->a);
    archive_read_support_format_empty(ai->a);
    archive_read_support_format_raw(ai->a); /* lowest bid: anything else is one raw member */
    int r = is_stdin ? archive_read_open_fd(ai->a, 0, 1 << 16)
                     : archive_read_open_filename(ai->a, path, 1 << 16);
    if (r != ARCHIVE_OK) {
        util_seterr(err, errlen, "cannot open: %s", aerr(ai->a));
        archive_read_free(ai->a);
        ai->a = NULL;
        return -1;
    }
    ai->cap = 1 << 16;
    ai->data = emalloc(ai->cap);
    ai->data[0] = 0;
    return 0;
}

void archive_in_close(struct archive_in *ai)
{
    if (ai->a)
        archive_read_free(ai->a);
    free(ai->path);
    free(ai->name);
    free(ai->member);
    free(ai->data);
    memset(ai, 0, sizeof *ai);
}

static void set_name(struct archive_in *ai, const char *member)
{
    free(ai->name);
    free(ai->member);
    ai->member = NULL;
    if (ai->is_raw || !member) {
        ai->name = estrdup(ai->path);
        return;
    }
    ai->member = estrdup(member);
    size_t n = strlen(ai->path) + strlen(member) + 2;
    ai->name = emalloc(n);
    snprintf(ai->name, n, "%s:%s", ai->path, member);
}

/* Read the current entry's data into ai->data. 0 ok, ARCHIVE_IN_SKIP (too big), or
 * ARCHIVE_IN_FATAL. */
static int read_data(struct archive_in *ai, struct archive_entry *e, char *err, size_t errlen)
{
    ai->len = 0;
    ai->data[0] = 0;
    if (archive_entry_size_is_set(e) && archive_entry_size(e) >= 0 &&
        (uint64_t)archive_entry_size(e) > ai->max_member) {
        util_seterr(err, errlen, "member is %lld bytes, more than the limit of %zu (--max-member-bytes)",
               (long long)archive_entry_size(e), ai->max_member);
        if (archive_read_data_skip(ai->a) == ARCHIVE_FATAL) {
            util_seterr(err, errlen, "%s", aerr(ai->a));
            return ARCHIVE_IN_FATAL;
        }
        return ARCHIVE_IN_SKIP;
    }
    if (archive_entry_size_is_set(e) && archive_entry_size(e) > 0 &&
        (size_t)archive_entry_size(e) + 1 > ai->cap) {
        ai->cap = (size_t)archive_entry_size(e) + 1;
        free(ai->data);
        ai->data = emalloc(ai->cap);
    }
    for (;;) {
        if (ai->cap - ai->len < (1 << 16) + 1) {
            size_t ncap = ai->cap * 2;
            if (ncap < ai->len + (1 << 16) + 1)
                ncap = ai->len + (1 << 16) + 1;
            ai->data = erealloc(ai->data, ncap);
            ai->cap = ncap;
        }
        la_ssize_t got = archive_read_data(ai->a, ai->data + ai->len, ai->cap - ai->len - 1);
        if (got == 0)
            break;
        if (got < 0) {
            if (got == ARCHIVE_WARN)
                continue;
            util_seterr(err, errlen, "%s", aerr(ai->a));
            return ARCHIVE_IN_FATAL;
        }
        ai->len += (size_t)got;
        if (ai->len > ai->max_member) {
            util_seterr(err, errlen, "member is more than the limit of %zu bytes (--max-member-bytes)",
                   ai->max_member);
            ai->len = 0;
            if (ai->is_raw) {
                ai->done = 1; /* nothing after the single raw member */
            } else if (archive_read_data_skip(ai->a) == ARCHIVE_FATAL) {
                util_seterr(err, errlen, "%s", aerr(ai->a));
                return ARCHIVE_IN_FATAL;
            }
            ai->data[0] = 0;
            return ARCHIVE_IN_SKIP;
        }
    }
    ai->data[ai->len] = 0;
    return 0;
}

/* A member of an archive that is itself compressed (a tar of .sdf.gz files): replace ai->data by
 * its decompressed bytes. 0 (also when not compressed), ARCHIVE_IN_SKIP (over the limit or
 * corrupt: a bad member, the archive itself goes on). */
static int inflate_member(struct archive_in *ai, char *err, size_t errlen)
{
    static const unsigned char gz[] = {0x1f, 0x8b}, bz[] = {'B', 'Z', 'h'},
                               xz[] = {0xfd, '7', 'z', 'X', 'Z', 0},
                               zs[] = {0x28, 0xb5, 0x2f, 0xfd};
    const unsigned char *p = (const unsigned char *)ai->data;
    if (!((ai->len >= 2 && !memcmp(p, gz, 2)) || (ai->len >= 3 && !memcmp(p, bz, 3)) ||
          (ai->len >= 6 && !memcmp(p, xz, 6)) || (ai->len >= 4 && !memcmp(p, zs, 4))))
        return 0;
    struct archive *a = archive_read_new();
    if (!a)
        return util_seterr(err, errlen, "out of memory"), ARCHIVE_IN_SKIP;
    archive_read_support_filter_all(a);
    archive_read_support_format_raw(a);
    struct archive_entry *e;
    struct buf out = {0};
    int ret = 0;
    if (archive_read_open_memory(a, ai->data, ai->len) != ARCHIVE_OK ||
        archive_read_next_header(a, &e) != ARCHIVE_OK) {
        util_seterr(err, errlen, "compressed member: %s", aerr(a));
        ret = ARCHIVE_IN_SKIP;
    }
    while (!ret) {
        buf_reserve(&out, 1 << 16);
        la_ssize_t got = archive_read_data(a, out.p + out.len, out.cap - out.len - 1);
        if (got == 0)
            break;
        if (got < 0) {
            util_seterr(err, errlen, "compressed member: %s", aerr(a));
            ret = ARCHIVE_IN_SKIP;
        } else if ((out.len += (size_t)got) > ai->max_member) {
            util_seterr(err, errlen, "member is more than the limit of %zu bytes (--max-member-bytes)",
                   ai->max_member);
            ret = ARCHIVE_IN_SKIP;
        }
    }
    archive_read_free(a);
    if (ret) {
        buf_free(&out);
        ai->len = 0;
        ai->data[0] = 0;
        return ret;
    }
    buf_reserve(&out, 1);
    out.p[out.len] = 0;
    free(ai->data);
    ai->data = out.p;
    ai->len = out.len;
    ai->cap = out.cap;
    return 0;
}

int archive_in_next(struct archive_in *ai, char *err, size_t errlen)
{
    if (!ai->a || ai->done)
        return ARCHIVE_IN_END;
    for (;;) {
        struct archive_entry *e;
        int r = archive_read_next_header(ai->a, &e);
        if (r == ARCHIVE_EOF) {
            ai->done = 1;
            return ARCHIVE_IN_END;
        }
        if (r == ARCHIVE_RETRY)
            continue;
        if (r == ARCHIVE_FATAL || r < ARCHIVE_WARN) {
            util_seterr(err, errlen, "%s", aerr(ai->a));
            ai->done = 1;
            return ARCHIVE_IN_FATAL;
        }
        ai->is_raw = archive_format(ai->a) == ARCHIVE_FORMAT_RAW;
        if (!ai->is_raw && archive_entry_filetype(e) != AE_IFREG) {
            archive_read_data_skip(ai->a);
            continue; /* directories, links, devices */
        }
        set_name(ai, archive_entry_pathname(e));
        int s = read_data(ai, e, err, errlen);
        if (!s && !ai->is_raw)
            s = inflate_member(ai, err, errlen);
        if (s == ARCHIVE_IN_FATAL)
            ai->done = 1;
        if (s)
            return s;
        if (ai->is_raw)
            ai->done = 1;
        ai->nmembers++;
        return ARCHIVE_IN_MEMBER;
    }
}

static const char *const zsuffix[] = {".gz", ".bz2",  ".xz", ".zst",  ".zstd", ".lz4",
                                      ".Z",  ".lzma", ".lz", ".gzip", NULL};

void archive_in_base_name(const struct archive_in *ai, char *out, size_t outlen)
{
    const char *s = ai->member ? ai->member : ai->path ? ai->path : "";
    snprintf(out, outlen, "%s", s);
    for (int again = 1; again;) {
        again = 0;
        size_t n = strlen(out);
        for (int i = 0; zsuffix[i]; i++) {
            size_t k = strlen(zsuffix[i]);
            if (n > k && !strcmp(out + n - k, zsuffix[i])) {
                out[n - k] = 0;
                again = 1;
                break;
            }
        }
    }
}
