/* rec.h: msgpack record streams over pipes.
 *
 * A stream is a sequence of msgpack maps. A map holding the key "schema" is a header record
 * {schema, version, producer, ...}; every other map is a data record. Headers may appear again
 * mid-stream (cat a.mpk b.mpk | tool), and the reader checks each one. Streams may be
 * zstd-compressed: the reader detects the zstd frame magic and decompresses transparently;
 * compressed and plain frames may be concatenated.
 *
 * Numeric arrays travel as msgpack ext objects holding little-endian elements (REC_U8 ..
 * REC_F64 below); readers also accept plain msgpack arrays of numbers for the same keys. */
#ifndef MB_REC_H
#define MB_REC_H

#include <msgpack.h>
#include <stdint.h>
#include <stdio.h>
#include <zstd.h>

#define REC_MAX_BYTES_DEFAULT (256u << 20) /* 256 MiB per record */

/* ext type codes for typed arrays (schemas/README.md) */
enum rec_type {
    REC_U8 = 0x10,
    REC_I8 = 0x11,
    REC_U16 = 0x12,
    REC_I16 = 0x13,
    REC_U32 = 0x14,
    REC_I32 = 0x15,
    REC_F32 = 0x16,
    REC_F64 = 0x17,
};
size_t rec_type_size(int type); /* element size in bytes, 0 if not a typed-array code */
const char *rec_type_name(int type); /* "u8", "f32", ... or NULL */
int rec_type_from_name(const char *name); /* inverse; -1 if unknown */

struct rec_reader {
    FILE *fp;
    const char *name;  /* for messages: path or "<stdin>" */
    int own_fp;
    size_t max_bytes;  /* bound on one record's encoded size */
    msgpack_unpacked res;
    /* decoded (decompressed) bytes: the next record starts at dpos; a record is decoded only
     * once a walker has found all its bytes, so declared container sizes never allocate */
    unsigned char *dbuf;
    size_t dlen, dpos, dcap;
    /* resumable walker state over dbuf[dpos..] */
    size_t wpos;                 /* bytes of the pending record walked so far */
    int wdepth;                  /* open containers */
    uint64_t wleft[32];          /* children left per open container */
    /* zstd */
    ZSTD_DCtx *zd;
    int in_zstd;       /* currently inside a zstd frame */
    unsigned char *ibuf;
    size_t ilen, ipos, icap;
    int eof;
    uint64_t index;    /* data records returned so far (the next record's 0-based index) */
    uint64_t nheaders;
    /* expected schema ("moleblend.mol") and max version; NULL accepts any */
    const char *want_schema;
    int want_version;
    char schema[64];   /* last header seen */
    int version;
    /* raw mode (mpk2json, mpk-shard): also return header records (is_header = 1) and
     * non-map objects instead of skipping / rejecting them */
    int raw;
    int is_header;
};

/* Open path ("-" or NULL = stdin). Returns 0, or -1 after reporting (errno kept). */
int rec_reader_open(struct rec_reader *r, const char *path, size_t max_bytes);
/* Next data record. Returns 1 with *obj valid until the next call, 0 at clean end of stream,
 * -1 on error after reporting "argv0: name: record N: what" (truncated, malformed, oversize,
 * schema mismatch). After -1 the stream cannot continue; rec_reader_io_error tells a read
 * error (exit 3) from bad data (exit 1). */
int rec_read_next(struct rec_reader *r, msgpack_object **obj);
int rec_reader_io_error(const struct rec_reader *r);
void rec_reader_close(struct rec_reader *r);

/* The records of several inputs in turn (none = stdin), the outer loop of every stream tool:
 *     struct rec_inputs in;
 *     rec_inputs_open(&in, files, nfiles, MOL_SCHEMA, MOL_VERSION, keep_going);
 *     while (rec_inputs_next(&in, &obj) == 1) {
 *         ... in.r.name and in.r.index - 1 name the record ...
 *         bad record: report it, ret = EXIT_DATA, and `if (!keep_going) break;`
 *     }
 *     ret = rec_inputs_close(&in, ret);
 * A file that cannot be opened, or a read error, ends the input (exit 3); a truncated or
 * malformed stream (reported by the reader) is bad data (exit 1), and with keep_going the
 * next file is read. rec_inputs_close closes what is open and returns the exit status: EXIT_IO
 * if the caller's status or the inputs' is EXIT_IO, else the caller's if not EXIT_OK (e.g.
 * EXIT_DATA, EXIT_NUMERIC), else the inputs'. */
struct rec_inputs {
    char *const *files;
    int nfiles, next, open, keep_going;
    const char *schema;
    int version;
    int status; /* EXIT_OK, EXIT_DATA or EXIT_IO of the streams themselves */
    struct rec_reader r;
};
void rec_inputs_open(struct rec_inputs *in, char *const *files, int nfiles, const char *schema,
                     int version, int keep_going);
/* 1: *obj is the next data record (valid until the next call); 0: no more input. */
int rec_inputs_next(struct rec_inputs *in, msgpack_object **obj);
int rec_inputs_close(struct rec_inputs *in, int status);

struct rec_writer {
    FILE *fp;
    const char *name;
    int own_fp;
    int err;               /* sticky: set on the first write error */
    msgpack_sbuffer sb;
    msgpack_packer pk;
    ZSTD_CStream *zc;      /* non-NULL when compressing */
    unsigned char *obuf;
    size_t ocap;
    uint64_t count;        /* data records written */
};

/* Open path ("-" or NULL = stdout). zstd_level 0 = plain msgpack. Returns 0 or -1 (reported). */
int rec_writer_open(struct rec_writer *w, const char *path, int zstd_level);
/* Start a record: returns the packer (buffer cleared). */
msgpack_packer *rec_begin(struct rec_writer *w);
/* Finish the record started by rec_begin: write it out. 0 or -1 (write error, sticky). */
int rec_end(struct rec_writer *w);
/* Header record {schema, version, producer}; extra key/values may be added by the caller
 * with rec_begin + pack map manually instead. */
int rec_write_header(struct rec_writer *w, const char *schema, int version, const char *producer);
/* Copy an already-decoded object as one record (used by filters like shard). */
int rec_write_object(struct rec_writer *w, const msgpack_object *o);
/* Flush, end the zstd frame, close. Returns 0 or EXIT_IO after reporting. */
int rec_writer_close(struct rec_writer *w);

/* ---- msgpack helpers ---- */
void mp_pack_str(msgpack_packer *pk, const char *s);
void mp_pack_kstr(msgpack_packer *pk, const char *key, const char *val); /* key + str value */
void mp_pack_key(msgpack_packer *pk, const char *key);
/* typed array as ext(type, n * elemsize bytes) */
void mp_pack_arr(msgpack_packer *pk, int type, const void *data, size_t n);
/* Element count of a typed array object (ext of a REC_* type, or a plain array); -1 if not one. */
long mp_arr_len(const msgpack_object *o);
/* Copy n elements of a typed array (ext of any REC_* type or plain array of numbers) into dst of
 * type dst_type, converting. Returns 0, or -1 if o is not an array of n numbers or a value does
 * not fit / is not finite where dst is an integer type. */
int mp_copy_arr(void *dst, int dst_type, size_t n, const msgpack_object *o);
/* Map lookup by key (NULL if absent or o is not a map). */
const msgpack_object *mp_map_get(const msgpack_object *o, const char *key);
int mp_str_eq(const msgpack_object *o, const char *s);
/* Copy a str object into a fresh malloc'd C string (NULL if not a str). */
char *mp_strdup(const msgpack_object *o);
/* Number (int/uint/float) as double; returns 0 on success. */
int mp_get_num(const msgpack_object *o, double *v);

#endif
