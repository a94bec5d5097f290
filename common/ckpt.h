/* ckpt.h: checkpoint files (schemas/checkpoint.md).
 *
 * One file = one zstd frame (with content checksum) holding a msgpack stream:
 *   1. header map {schema:"moleblend.ckpt", version, producer, config{...}, run state...}
 *   2. one map per tensor {name, shape:[..], dtype:"f32", data: ext(0x16, little-endian f32)}
 *      (optimizer moments are tensors named "adam_m/<name>" and "adam_v/<name>")
 *   3. trailer map {end: <number of tensors>}
 * Files are written atomically: "<path>.tmp.<pid>" in the same directory, fsync, rename.
 * Library code: functions return 0 / -1 and fill err[CKPT_ERRLEN] with a message (and a hint). */
#ifndef MB_CKPT_H
#define MB_CKPT_H

#include "model.h"
#include "rng.h"

#include <msgpack.h>
#include <stdint.h>
#include <stdio.h>
#include <zstd.h>

#define CKPT_SCHEMA "moleblend.ckpt"
#define CKPT_VERSION 1
#define CKPT_ERRLEN 512
#define CKPT_MAX_CFG 64
#define CKPT_MAX_DIM 8
#define CKPT_MAX_LABELS 4096
#define CKPT_MAX_LOGACC 32

struct ckpt_kv {
    char key[48];
    double val;
};

/* Everything in the header besides schema/version. Strings are malloc'd (ckpt_meta_free). */
struct ckpt_meta {
    char *producer;         /* "train-step 0.1" */
    char *preset;           /* config preset name ("tiny") or NULL */
    struct ckpt_kv cfg[CKPT_MAX_CFG]; /* model config fields by name */
    int ncfg;
    char *objective;        /* "pretrain" or "finetune" */
    char *task;             /* "classification", "regression" or NULL */
    char *input_mode;       /* "blend", "2d", "3d": what the encoder was trained on */
    int nlabels;
    char **labels;          /* label names (fine-tuning) */
    double *target_mean;    /* regression standardisation, per label (NULL otherwise) */
    double *target_std;
    int64_t step;           /* optimizer updates done */
    int64_t epoch;          /* passes over the input completed */
    uint64_t data_pos;      /* records handed to batches so far (loader position) */
    uint64_t data_read;     /* records read from the input so far */
    uint64_t seed;          /* --seed of the run */
    int64_t shuffle, batch; /* loader settings of the run (-1 = unknown) */
    uint64_t rng[RNG_STATE_WORDS]; /* model RNG (dropout) state */
    struct {
        double peak, min_lr;
        int64_t warmup, total;
    } lr;
    struct {
        double beta1, beta2, eps, weight_decay, clip;
    } adamw;
    double best_valid;      /* best validation loss so far (NAN = none) */
    double logacc[CKPT_MAX_LOGACC]; /* metrics accumulators of the open logging interval */
    int nlogacc;
    int has_adam;           /* adam_m/ and adam_v/ tensors present */
};

void ckpt_meta_init(struct ckpt_meta *m);
void ckpt_meta_free(struct ckpt_meta *m);
void ckpt_meta_copy(struct ckpt_meta *dst, const struct ckpt_meta *src);
/* set/get a config field; get returns 0 when found */
void ckpt_meta_set_cfg(struct ckpt_meta *m, const char *key, double val);
int ckpt_meta_get_cfg(const struct ckpt_meta *m, const char *key, double *val);
void ckpt_meta_set_labels(struct ckpt_meta *m, int n, char *const *names, const double *mean,
                          const double *std);

/* ---- writing ---- */
struct ckpt_writer {
    FILE *fp;
    char *path, *tmp;
    ZSTD_CCtx *zc;
    unsigned char *obuf;
    size_t ocap;
    msgpack_sbuffer sb;
    msgpack_packer pk;
    long ntensors;
    int err;
};
/* Create the temp file and write the header. */
int ckpt_create(struct ckpt_writer *w, const char *path, const struct ckpt_meta *meta, char *err);
/* Append one f32 tensor. */
int ckpt_put(struct ckpt_writer *w, const char *name, int ndim, const uint32_t *shape,
             const float *data, char *err);
/* Trailer, end frame, fsync, rename over path. On failure the temp file is removed and any
 * existing file at path is left intact. */
int ckpt_commit(struct ckpt_writer *w, char *err);
/* Drop a writer without committing (temp file removed). Safe on a zeroed/closed writer. */
void ckpt_abort(struct ckpt_writer *w);

/* ---- reading ---- */
struct ckpt_tensor {
    char name[128];
    int ndim;
    uint32_t shape[CKPT_MAX_DIM];
    size_t n;            /* product of shape */
    const void *data;    /* n little-endian f32, possibly unaligned; valid until the next call */
};
struct ckpt_reader {
    FILE *fp;
    char *path;
    ZSTD_DCtx *zd;
    int in_zstd, eof;
    unsigned char *ibuf;
    size_t ilen, ipos, icap;
    msgpack_unpacker up;
    msgpack_unpacked res;
    long ntensors;
    int done;
};
/* Open and read the header into meta (ckpt_meta_init'd by the call). */
int ckpt_open(struct ckpt_reader *r, const char *path, struct ckpt_meta *meta, char *err);
/* Next tensor: 1 = *t filled, 0 = clean end (trailer checked), -1 = error. */
int ckpt_next(struct ckpt_reader *r, struct ckpt_tensor *t, char *err);
void ckpt_close(struct ckpt_reader *r);
/* Copy a tensor's data into dst (n floats). */
void ckpt_tensor_copy(float *dst, const struct ckpt_tensor *t);

/* ---- the MoleBLEND model (model.h) ---- */
/* Shape of parameter tensor id under cfg (parsed from model_param_shapes; falls back to one
 * dimension when the shape text does not multiply out). Returns ndim (0 = absent tensor). */
int ckpt_param_shape(const struct model *m, int id, uint32_t shape[CKPT_MAX_DIM]);
/* Pretraining/fine-tune head tensor (dropped when fine-tuning from a checkpoint)? */
int ckpt_is_head(const char *name);
/* Every model_config field into meta->cfg by name. */
void ckpt_meta_set_config(struct ckpt_meta *meta, const struct model_config *cfg);
/* Fields present in meta->cfg overwrite cfg; unknown names are an error (newer producer). */
int ckpt_meta_get_config(const struct ckpt_meta *meta, struct model_config *cfg, char *err);
/* Write params (and adam_m/adam_v when non-NULL, num_params floats each) atomically. The
 * regression standardisation m->y_mean/y_std goes into meta->target_mean/std by the caller. */
int ckpt_save_model(const char *path, const struct ckpt_meta *meta, const struct model *m,
                    const float *adam_m, const float *adam_v, char *err);
/* Load flags */
enum {
    CKPT_LOAD_STRICT = 0,        /* every tensor of the model present, nothing extra */
    CKPT_LOAD_DROP_EXTRA = 1,    /* ignore file tensors the model does not have */
    CKPT_LOAD_KEEP_MISSING = 2,  /* model tensors absent from the file keep their values */
    CKPT_LOAD_ENCODER_ONLY = 4,  /* never load head tensors (fresh head, SPEC 6.1) */
};
/* Read the header only (ckpt_meta_init'd by the call). */
int ckpt_read_meta(const char *path, struct ckpt_meta *meta, char *err);
/* Load tensors into m (initialised with a compatible config) and, if non-NULL, the AdamW
 * moments. Shape or name mismatches are errors naming the tensor, with a hint. *nloaded (may
 * be NULL) gets the number of parameter tensors loaded. */
int ckpt_load_model(const char *path, struct model *m, float *adam_m, float *adam_v, int flags,
                    int *nloaded, char *err);

#endif
