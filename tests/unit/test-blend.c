/* test-blend.c: blend-mask draws (statistics, determinism, modes). Includes the tool's source
 * with TESTING defined (llm.c test_gpt2.c pattern) to test its static functions directly.
 *
 * Statistical checks use a fixed seed, so they are deterministic; the thresholds are the
 * chi-square critical values at p = 0.001 (df 1: 10.83, df 2: 13.82) and 4-sigma bands, so
 * a correct implementation passes for almost every seed and a wrong probability mapping,
 * a symmetric mask or a wrong noise scale fails. */
#define TESTING
#include "../../cmds/blend-mask.c"

#include "check.h"

#define CHI2_DF1_P001 10.83
#define CHI2_DF2_P001 13.82

static void make_mol(struct mol *m, int k, uint32_t n, int with_pos)
{
    char id[32];
    mol_init(m);
    snprintf(id, sizeof id, "mol%d", k);
    mol_set_str(&m->id, id);
    mol_set_str(&m->src, "test.sdf");
    m->rec = (uint32_t)k;
    m->n = n;
    uint16_t *spd = mol_alloc(m, MOL_F_spd, (size_t)n * n);
    for (uint32_t i = 0; i < n; i++)
        for (uint32_t j = 0; j < n; j++)
            spd[i * n + j] = (uint16_t)(i > j ? i - j : j - i);
    if (with_pos) {
        float *p = mol_alloc(m, MOL_F_pos, 3 * (size_t)n);
        for (uint32_t i = 0; i < 3 * n; i++)
            p[i] = 0.7f * (float)i - 1.0f;
        m->is3d = 1;
    }
}

static double chi2(const uint64_t *cnt, const double *p, int k)
{
    uint64_t tot = 0;
    double x = 0;
    for (int i = 0; i < k; i++)
        tot += cnt[i];
    for (int i = 0; i < k; i++) {
        double e = p[i] * (double)tot;
        x += ((double)cnt[i] - e) * ((double)cnt[i] - e) / e;
    }
    return x;
}

static void test_statistics(void)
{
    struct blend_opts o;
    blend_opts_default(&o);
    o.seed = 12345;
    uint64_t pc[3] = {0}, dc[3] = {0}, ac[2] = {0}, same = 0, npairs = 0;
    double s1 = 0, s2 = 0;
    uint64_t nn = 0;
    const uint32_t n = 20;
    for (int k = 0; k < 400; k++) {
        struct mol m;
        const char *err = NULL;
        make_mol(&m, k, n, 1);
        CHECK(blend_mol(&m, &o, &err) == 0);
        CHECK(m.mode == MODE_BLEND && m.pmask && m.amask && m.noise);
        if (!m.pmask || !m.amask || !m.noise) {
            mol_free(&m);
            return;
        }
        for (uint32_t i = 0; i < n; i++)
            for (uint32_t j = 0; j < n; j++) {
                uint8_t v = m.pmask[i * n + j];
                CHECK(v <= PM_3D);
                if (v > PM_3D)
                    continue;
                pc[v]++;
                if (i == j)
                    dc[v]++;
                if (i < j) {
                    npairs++;
                    same += v == m.pmask[j * n + i];
                }
            }
        for (uint32_t i = 0; i < n; i++) {
            CHECK(m.amask[i] <= AM_3D);
            ac[m.amask[i] & 1]++;
        }
        for (uint32_t i = 0; i < 3 * n; i++) {
            s1 += m.noise[i];
            s2 += (double)m.noise[i] * m.noise[i];
            nn++;
        }
        mol_free(&m);
    }
    double xp = chi2(pc, o.pair, 3), xd = chi2(dc, o.pair, 3), xa = chi2(ac, o.atom, 2);
    CHECK_MSG(xp < CHI2_DF2_P001, "pair chi2 %.2f (counts %llu %llu %llu)", xp,
              (unsigned long long)pc[0], (unsigned long long)pc[1], (unsigned long long)pc[2]);
    CHECK_MSG(xd < CHI2_DF2_P001, "diagonal chi2 %.2f", xd);
    CHECK_MSG(xa < CHI2_DF1_P001, "atom chi2 %.2f", xa);
    /* the diagonal is drawn too: every class appears there */
    CHECK(dc[0] > 0 && dc[1] > 0 && dc[2] > 0);
    /* (i,j) and (j,i) independent: P(equal) = sum p^2 = 0.44 (a symmetric mask gives 1) */
    double q = 0.04 + 0.04 + 0.36, f = (double)same / (double)npairs;
    double sd = sqrt(q * (1 - q) / (double)npairs);
    CHECK_MSG(fabs(f - q) < 4 * sd, "P(pmask[i,j]==pmask[j,i]) = %.4f, expected %.4f", f, q);
    /* noise: mean 0 within 4 standard errors, sd within 2% (about 4.4 standard errors) */
    double mean = s1 / (double)nn, var = s2 / (double)nn - mean * mean, sig = sqrt(var);
    CHECK_MSG(fabs(mean) < 4 * o.noise / sqrt((double)nn), "noise mean %.5f", mean);
    CHECK_MSG(fabs(sig - o.noise) / o.noise < 0.02, "noise sd %.5f, expected %.3f", sig, o.noise);
}

/* custom probabilities: degenerate ones and a skewed one */
static void test_custom_probs(void)
{
    struct blend_opts o;
    blend_opts_default(&o);
    double pairs[3][3] = {{1, 0, 0}, {0, 0, 1}, {0.5, 0.5, 0}};
    for (int t = 0; t < 3; t++) {
        memcpy(o.pair, pairs[t], sizeof o.pair);
        o.atom[0] = t == 0 ? 1 : 0;
        o.atom[1] = 1 - o.atom[0];
        struct mol m;
        const char *err;
        make_mol(&m, t, 30, 1);
        CHECK(blend_mol(&m, &o, &err) == 0);
        uint64_t pc[3] = {0}, ac[2] = {0};
        for (int i = 0; i < 900; i++)
            pc[m.pmask[i]]++;
        for (int i = 0; i < 30; i++)
            ac[m.amask[i]]++;
        for (int c = 0; c < 3; c++)
            if (o.pair[c] == 0)
                CHECK_EQ_INT(pc[c], 0);
        if (t == 2)
            CHECK(pc[0] > 350 && pc[1] > 350);
        CHECK_EQ_INT(ac[t == 0 ? 1 : 0], 0);
        mol_free(&m);
    }
    double bad[][3] = {{0.5, 0.5, 0.5}, {-0.1, 0.5, 0.6}, {0.2, 0.2, 0.59}, {NAN, 0, 1}};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        CHECK(blend_check_prob(bad[i], 3) == -1);
    double good[3] = {0.2, 0.2, 0.6};
    CHECK(blend_check_prob(good, 3) == 0);
}

static int same_draw(const struct mol *a, const struct mol *b)
{
    size_t n = a->n;
    return !memcmp(a->pmask, b->pmask, n * n) && !memcmp(a->amask, b->amask, n) &&
           !memcmp(a->noise, b->noise, 3 * n * sizeof(float));
}

static void test_determinism(void)
{
    struct blend_opts o;
    struct mol a, b;
    const char *err;
    blend_opts_default(&o);
    o.seed = 7;
    make_mol(&a, 3, 12, 1);
    make_mol(&b, 3, 12, 1);
    CHECK(blend_mol(&a, &o, &err) == 0 && blend_mol(&b, &o, &err) == 0);
    CHECK(same_draw(&a, &b));
    /* re-blending replaces the old draw with the same one */
    CHECK(blend_mol(&b, &o, &err) == 0);
    CHECK(same_draw(&a, &b));
    o.epoch = 1;
    CHECK(blend_mol(&b, &o, &err) == 0);
    CHECK(b.epoch == 1);
    CHECK(!same_draw(&a, &b));
    o.epoch = 0;
    o.seed = 8;
    CHECK(blend_mol(&b, &o, &err) == 0);
    CHECK(!same_draw(&a, &b));
    /* another molecule id gets another draw under the same seed */
    o.seed = 7;
    mol_set_str(&b.id, "other");
    CHECK(blend_mol(&b, &o, &err) == 0);
    CHECK(!same_draw(&a, &b));
    mol_free(&a);
    mol_free(&b);
}

static void test_modes(void)
{
    struct blend_opts o;
    struct mol m;
    const char *err = NULL;
    blend_opts_default(&o);
    /* pretrain without 3D: 2D-only, no masks */
    make_mol(&m, 1, 5, 0);
    CHECK(blend_mol(&m, &o, &err) == 0);
    CHECK(m.mode == MODE_2D && !m.pmask && !m.amask && !m.noise);
    mol_free(&m);
    /* pretrain with all-zero positions (SPEC 1.7 "no position") */
    make_mol(&m, 1, 5, 1);
    memset(m.pos, 0, 15 * sizeof(float));
    CHECK(blend_mol(&m, &o, &err) == 0);
    CHECK(m.mode == MODE_2D && !m.pmask);
    mol_free(&m);
    /* pretrain with flat 2D depiction */
    make_mol(&m, 1, 5, 1);
    m.is3d = 0;
    CHECK(blend_mol(&m, &o, &err) == 0);
    CHECK(m.mode == MODE_2D && !m.pmask);
    mol_free(&m);
    /* 2d mode drops an earlier draw */
    make_mol(&m, 1, 5, 1);
    CHECK(blend_mol(&m, &o, &err) == 0 && m.pmask);
    o.mode = BM_2D;
    CHECK(blend_mol(&m, &o, &err) == 0);
    CHECK(m.mode == MODE_2D && !m.pmask && !m.amask && !m.noise && m.spd && m.pos);
    mol_free(&m);
    /* 3d mode: positions kept, no masks, no noise; needs 3D */
    o.mode = BM_3D;
    make_mol(&m, 1, 5, 1);
    CHECK(blend_mol(&m, &o, &err) == 0);
    CHECK(m.mode == MODE_3D && !m.pmask && !m.amask && !m.noise && m.pos);
    mol_free(&m);
    make_mol(&m, 1, 5, 0);
    err = NULL;
    CHECK(blend_mol(&m, &o, &err) == -1 && err);
    mol_free(&m);
    /* pretrain / 2d need relation-build output */
    o.mode = BM_PRETRAIN;
    make_mol(&m, 1, 5, 1);
    mol_drop(&m, MOL_F_spd);
    err = NULL;
    CHECK(blend_mol(&m, &o, &err) == -1 && err);
    mol_free(&m);
    /* n = 0: nothing to draw, no crash */
    make_mol(&m, 1, 0, 0);
    CHECK(blend_mol(&m, &o, &err) == 0 && m.mode == MODE_2D);
    mol_free(&m);
    /* noise 0: no noise key */
    o.noise = 0;
    make_mol(&m, 1, 4, 1);
    CHECK(blend_mol(&m, &o, &err) == 0 && m.mode == MODE_BLEND && m.pmask && !m.noise);
    mol_free(&m);
}

int main(void)
{
    RUN(test_statistics);
    RUN(test_custom_probs);
    RUN(test_determinism);
    RUN(test_modes);
    CHECK_EXIT();
}
