/* test-ckpt.c: checkpoint round trip, determinism, truncated/corrupt/mismatched files,
 * fine-tune loading (encoder only, fresh head), shapes and config by name. */
#include "check.h"
#include "ckpt.h"
#include "model.h"
#include "util.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static char err[CKPT_ERRLEN];

static int tiny(struct model *m, int task, int nt, uint64_t seed)
{
    struct model_config c;
    char e[256];
    model_config_preset(&c, "tiny");
    c.max_atoms = 8;
    c.max_batch = 2;
    c.task = task;
    c.n_tasks = nt;
    c.has_3d = 1;
    if (model_init(m, &c, seed, e, sizeof e)) {
        printf("#   model_init: %s\n", e);
        return -1;
    }
    return 0;
}

static void fill_meta(struct ckpt_meta *mt)
{
    static char n0[] = "alpha", n1[] = "beta";
    char *names[2] = {n0, n1};
    double mean[2] = {1.5, -2.25}, sd[2] = {0.5, 3.0};
    ckpt_meta_init(mt);
    mt->producer = estrdup("test-ckpt");
    mt->preset = estrdup("tiny");
    mt->objective = estrdup("pretrain");
    mt->input_mode = estrdup("blend");
    mt->step = 123;
    mt->epoch = 4;
    mt->data_pos = 9876543210ULL;
    mt->data_read = 9876543299ULL;
    mt->seed = 42;
    mt->shuffle = 64;
    mt->batch = 8;
    for (int i = 0; i < RNG_STATE_WORDS; i++)
        mt->rng[i] = 0xfedcba9876543210ULL - (uint64_t)i * 77;
    mt->lr.peak = 1e-5;
    mt->lr.min_lr = 1e-9;
    mt->lr.warmup = 20000;
    mt->lr.total = 200000;
    mt->adamw.weight_decay = 5e-5;
    mt->adamw.clip = 5.0;
    mt->best_valid = 0.125;
    ckpt_meta_set_labels(mt, 2, names, mean, sd);
}

static float *rand_arr(size_t n, uint64_t seed)
{
    struct rng r;
    float *a = emalloc(n * sizeof *a);
    rng_init(&r, seed);
    for (size_t i = 0; i < n; i++)
        a[i] = (float)rng_normal(&r);
    return a;
}

static long file_size(const char *p)
{
    FILE *f = fopen(p, "rb");
    long n;
    if (!f)
        return -1;
    fseek(f, 0, SEEK_END);
    n = ftell(f);
    fclose(f);
    return n;
}

static unsigned char *slurp(const char *p, long *n)
{
    FILE *f = fopen(p, "rb");
    *n = file_size(p);
    unsigned char *b = emalloc((size_t)(*n > 0 ? *n : 1));
    if (!f || fread(b, 1, (size_t)*n, f) != (size_t)*n)
        *n = -1;
    if (f)
        fclose(f);
    return b;
}

static void spit(const char *p, const unsigned char *b, long n)
{
    FILE *f = fopen(p, "wb");
    fwrite(b, 1, (size_t)n, f);
    fclose(f);
}

static void test_roundtrip(void)
{
    struct model a, b;
    struct ckpt_meta mt, rd;
    CHECK(tiny(&a, MODEL_TASK_PRETRAIN, 0, 1) == 0);
    CHECK(tiny(&b, MODEL_TASK_PRETRAIN, 0, 2) == 0);
    CHECK(memcmp(a.params_memory, b.params_memory, a.num_params * 4) != 0);
    float *am = rand_arr(a.num_params, 3), *av = rand_arr(a.num_params, 4);
    float *bm = ecalloc(a.num_params, 4), *bv = ecalloc(a.num_params, 4);
    fill_meta(&mt);
    CHECK(ckpt_save_model("rt.ckpt", &mt, &a, am, av, err) == 0);
    int n = -1;
    CHECK_MSG(ckpt_load_model("rt.ckpt", &b, bm, bv, CKPT_LOAD_STRICT, &n, err) == 0, "%s", err);
    CHECK(memcmp(a.params_memory, b.params_memory, a.num_params * 4) == 0);
    CHECK(memcmp(am, bm, a.num_params * 4) == 0);
    CHECK(memcmp(av, bv, a.num_params * 4) == 0);
    int nonempty = 0;
    for (int i = 0; i < MODEL_NPARAM; i++)
        nonempty += a.param_sizes[i] > 0;
    CHECK_EQ_INT(n, nonempty);
    /* header */
    CHECK(ckpt_read_meta("rt.ckpt", &rd, err) == 0);
    CHECK_EQ_INT(rd.step, 123);
    CHECK_EQ_INT(rd.epoch, 4);
    CHECK(rd.data_pos == 9876543210ULL && rd.data_read == 9876543299ULL);
    CHECK_EQ_INT(rd.seed, 42);
    CHECK_EQ_INT(rd.shuffle, 64);
    CHECK_EQ_INT(rd.batch, 8);
    CHECK(memcmp(rd.rng, mt.rng, sizeof mt.rng) == 0);
    CHECK(rd.lr.peak == 1e-5 && rd.lr.min_lr == 1e-9 && rd.lr.warmup == 20000 &&
          rd.lr.total == 200000);
    CHECK(rd.adamw.weight_decay == 5e-5 && rd.adamw.clip == 5.0 && rd.adamw.beta2 == 0.999);
    CHECK(rd.best_valid == 0.125);
    CHECK(rd.has_adam);
    CHECK(rd.objective && !strcmp(rd.objective, "pretrain"));
    CHECK(rd.preset && !strcmp(rd.preset, "tiny"));
    CHECK(rd.task == NULL);
    CHECK_EQ_INT(rd.nlabels, 2);
    CHECK(rd.nlabels == 2 && !strcmp(rd.labels[1], "beta"));
    CHECK(rd.target_mean && rd.target_mean[1] == -2.25 && rd.target_std[0] == 0.5);
    /* config by name: every field restores the model's config */
    struct model_config c;
    memset(&c, 0, sizeof c);
    CHECK(ckpt_meta_get_config(&rd, &c, err) == 0);
    CHECK(memcmp(&c, &a.cfg, sizeof c) == 0);
    double v;
    CHECK(ckpt_meta_get_cfg(&rd, "d_model", &v) == 0 && v == 16);
    ckpt_meta_set_cfg(&rd, "no_such_field", 1);
    CHECK(ckpt_meta_get_config(&rd, &c, err) == -1 && strstr(err, "no_such_field"));
    ckpt_meta_free(&rd);
    /* same content -> same bytes */
    CHECK(ckpt_save_model("rt2.ckpt", &mt, &a, am, av, err) == 0);
    long n1, n2;
    unsigned char *b1 = slurp("rt.ckpt", &n1), *b2 = slurp("rt2.ckpt", &n2);
    CHECK(n1 > 0 && n1 == n2 && memcmp(b1, b2, (size_t)n1) == 0);
    /* no temp files left behind */
    char tmp[64];
    snprintf(tmp, sizeof tmp, "rt.ckpt.tmp.%ld", (long)getpid());
    CHECK(access(tmp, F_OK) != 0);
    free(b1);
    free(b2);
    ckpt_meta_free(&mt);
    free(am), free(av), free(bm), free(bv);
    model_free(&a);
    model_free(&b);
    unlink("rt2.ckpt");
}

static void test_shapes(void)
{
    struct model a;
    uint32_t s[CKPT_MAX_DIM];
    CHECK(tiny(&a, MODEL_TASK_CLASS, 3, 1) == 0);
    int nd = ckpt_param_shape(&a, MODEL_P_qkvw, s);
    CHECK(nd == 3 && s[0] == 2 && s[1] == 48 && s[2] == 16);
    nd = ckpt_param_shape(&a, MODEL_P_atom_emb, s);
    CHECK(nd == 2 && s[0] == 4609 && s[1] == 16);
    nd = ckpt_param_shape(&a, MODEL_P_ft_w2, s);
    CHECK(nd == 2 && s[0] == 3 && s[1] == 16);
    nd = ckpt_param_shape(&a, MODEL_P_edge_dis, s);
    CHECK(nd == 3 && s[0] == 128 && s[1] == 2 && s[2] == 2);
    CHECK_EQ_INT(ckpt_param_shape(&a, MODEL_P_n2_w, s), 0); /* no pretraining heads */
    /* every tensor's shape multiplies out to its size */
    for (int i = 0; i < MODEL_NPARAM; i++) {
        nd = ckpt_param_shape(&a, i, s);
        size_t p = nd ? 1 : 0;
        for (int k = 0; k < nd; k++)
            p *= s[k];
        CHECK_MSG(p == a.param_sizes[i], "%s", model_param_names[i]);
    }
    CHECK(ckpt_is_head("ft_w1") && ckpt_is_head("spd_w") && ckpt_is_head("n2_lnb"));
    CHECK(!ckpt_is_head("spd_emb") && !ckpt_is_head("edge_emb") && !ckpt_is_head("qkvw"));
    model_free(&a);
}

/* expects rt.ckpt from test_roundtrip */
static void test_damaged(void)
{
    struct model b;
    long n;
    unsigned char *buf = slurp("rt.ckpt", &n);
    CHECK(n > 1000);
    CHECK(tiny(&b, MODEL_TASK_PRETRAIN, 0, 2) == 0);
    /* truncated at several points */
    long cuts[] = {0, 3, 40, n / 3, n / 2, n - 40, n - 1};
    for (size_t i = 0; i < sizeof cuts / sizeof cuts[0]; i++) {
        spit("bad.ckpt", buf, cuts[i]);
        err[0] = 0;
        int r = ckpt_load_model("bad.ckpt", &b, NULL, NULL, CKPT_LOAD_STRICT, NULL, err);
        CHECK_MSG(r == -1, "cut at %ld loaded", cuts[i]);
        CHECK_MSG(strstr(err, "truncated") || strstr(err, "corrupt") || strstr(err, "empty") ||
                      strstr(err, "not a moleblend"),
                  "cut at %ld: %s", cuts[i], err);
    }
    /* one flipped byte in the compressed body: checksum or parse error */
    for (long at = n / 4; at < n - 8; at += n / 4) {
        buf[at] ^= 0x5a;
        spit("bad.ckpt", buf, n);
        buf[at] ^= 0x5a;
        int r = ckpt_load_model("bad.ckpt", &b, NULL, NULL, CKPT_LOAD_STRICT, NULL, err);
        CHECK_MSG(r == -1 && strstr(err, "corrupt"), "flip at %ld: %s", at, err);
    }
    /* trailing garbage after the end record */
    unsigned char *g = emalloc((size_t)n + 4);
    memcpy(g, buf, (size_t)n);
    memcpy(g + n, "\x81\xa1x\x01", 4);
    spit("bad.ckpt", g, n + 4);
    CHECK(ckpt_load_model("bad.ckpt", &b, NULL, NULL, CKPT_LOAD_STRICT, NULL, err) == -1);
    CHECK_MSG(strstr(err, "after the end"), "%s", err);
    free(g);
    /* not a checkpoint: a plain msgpack map without the schema */
    spit("bad.ckpt", (const unsigned char *)"\x81\xa1n\x03", 4);
    CHECK(ckpt_load_model("bad.ckpt", &b, NULL, NULL, CKPT_LOAD_STRICT, NULL, err) == -1);
    CHECK_MSG(strstr(err, "not a moleblend checkpoint"), "%s", err);
    /* missing file */
    CHECK(ckpt_load_model("nonexistent.ckpt", &b, NULL, NULL, 0, NULL, err) == -1);
    CHECK_MSG(strstr(err, "cannot open"), "%s", err);
    /* the intact file still loads */
    spit("bad.ckpt", buf, n);
    CHECK(ckpt_load_model("bad.ckpt", &b, NULL, NULL, CKPT_LOAD_STRICT, NULL, err) == 0);
    unlink("bad.ckpt");
    free(buf);
    model_free(&b);
}

static void test_mismatch(void)
{
    struct model c, ft;
    struct model_config cfg;
    char e[256];
    model_config_preset(&cfg, "tiny");
    cfg.max_atoms = 8;
    cfg.max_batch = 2;
    cfg.d_model = 32; /* another width */
    CHECK(model_init(&c, &cfg, 1, e, sizeof e) == 0);
    CHECK(ckpt_load_model("rt.ckpt", &c, NULL, NULL, CKPT_LOAD_STRICT, NULL, err) == -1);
    CHECK_MSG(strstr(err, "shape") && strstr(err, "hint"), "%s", err);
    model_free(&c);
    /* a pretraining checkpoint into a fine-tune model: strict fails, encoder-only works */
    CHECK(tiny(&ft, MODEL_TASK_CLASS, 2, 9) == 0);
    CHECK(ckpt_load_model("rt.ckpt", &ft, NULL, NULL, CKPT_LOAD_STRICT, NULL, err) == -1);
    CHECK_MSG(strstr(err, "does not exist"), "%s", err);
    CHECK(ckpt_load_model("rt.ckpt", &ft, NULL, NULL, CKPT_LOAD_DROP_EXTRA, NULL, err) == -1);
    CHECK_MSG(strstr(err, "missing") && strstr(err, "ft_"), "%s", err);
    float *head = emalloc(ft.param_sizes[MODEL_P_ft_w1] * 4);
    memcpy(head, ft.params.ft_w1, ft.param_sizes[MODEL_P_ft_w1] * 4);
    int n = 0;
    CHECK_MSG(ckpt_load_model("rt.ckpt", &ft, NULL, NULL,
                              CKPT_LOAD_DROP_EXTRA | CKPT_LOAD_ENCODER_ONLY, &n, err) == 0,
              "%s", err);
    struct model a;
    CHECK(tiny(&a, MODEL_TASK_PRETRAIN, 0, 1) == 0); /* what rt.ckpt holds */
    CHECK(memcmp(ft.params.qkvw, a.params.qkvw, a.param_sizes[MODEL_P_qkvw] * 4) == 0);
    CHECK(memcmp(ft.params.g_w1, a.params.g_w1, a.param_sizes[MODEL_P_g_w1] * 4) == 0);
    CHECK(memcmp(ft.params.ft_w1, head, ft.param_sizes[MODEL_P_ft_w1] * 4) == 0); /* fresh */
    CHECK(n > 10);
    /* asking for optimizer state from a file without it */
    struct ckpt_meta mt;
    fill_meta(&mt);
    CHECK(ckpt_save_model("noadam.ckpt", &mt, &a, NULL, NULL, err) == 0);
    float *am = ecalloc(a.num_params, 4), *av = ecalloc(a.num_params, 4);
    CHECK(ckpt_load_model("noadam.ckpt", &a, am, av, 0, NULL, err) == -1);
    CHECK_MSG(strstr(err, "optimizer"), "%s", err);
    /* unwritable destination: error, nothing created */
    CHECK(ckpt_save_model("no/such/dir/x.ckpt", &mt, &a, NULL, NULL, err) == -1);
    CHECK_MSG(strstr(err, "cannot create"), "%s", err);
    ckpt_meta_free(&mt);
    free(am), free(av), free(head);
    unlink("noadam.ckpt");
    model_free(&a);
    model_free(&ft);
}

int main(void)
{
    RUN(test_roundtrip);
    RUN(test_shapes);
    RUN(test_damaged);
    RUN(test_mismatch);
    unlink("rt.ckpt");
    CHECK_EXIT();
}
