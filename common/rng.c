/* rng.c: xoshiro256** (Blackman & Vigna) with splitmix64 seeding; see rng.h */
#include "rng.h"

#include <math.h>
#include <string.h>

static uint64_t splitmix64(uint64_t *x)
{
    uint64_t z = (*x += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

void rng_init(struct rng *r, uint64_t seed)
{
    uint64_t x = seed;
    for (int i = 0; i < 4; i++)
        r->s[i] = splitmix64(&x);
    r->have_gauss = 0;
    r->gauss = 0;
}

void rng_init_keyed(struct rng *r, uint64_t seed, uint64_t k1, uint64_t k2, uint64_t k3)
{
    uint64_t x = seed;
    uint64_t h = splitmix64(&x);
    x = h ^ k1;
    h = splitmix64(&x);
    x = h ^ k2;
    h = splitmix64(&x);
    x = h ^ k3;
    rng_init(r, splitmix64(&x));
}

static inline uint64_t rotl(uint64_t x, int k)
{
    return (x << k) | (x >> (64 - k));
}

uint64_t rng_u64(struct rng *r)
{
    uint64_t *s = r->s;
    uint64_t result = rotl(s[1] * 5, 7) * 9;
    uint64_t t = s[1] << 17;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rotl(s[3], 45);
    return result;
}

uint32_t rng_below(struct rng *r, uint32_t n)
{
    /* Lemire's nearly divisionless method with rejection */
    uint64_t m = (uint64_t)(uint32_t)(rng_u64(r) >> 32) * n;
    uint32_t l = (uint32_t)m;
    if (l < n) {
        uint32_t t = (uint32_t)(-n) % n;
        while (l < t) {
            m = (uint64_t)(uint32_t)(rng_u64(r) >> 32) * n;
            l = (uint32_t)m;
        }
    }
    return (uint32_t)(m >> 32);
}

double rng_uniform(struct rng *r)
{
    return (double)(rng_u64(r) >> 11) * 0x1.0p-53;
}

float rng_uniformf(struct rng *r)
{
    return (float)(rng_u64(r) >> 40) * 0x1.0p-24f;
}

double rng_normal(struct rng *r)
{
    if (r->have_gauss) {
        r->have_gauss = 0;
        return r->gauss;
    }
    double u1 = 1.0 - rng_uniform(r); /* (0, 1] */
    double u2 = rng_uniform(r);
    double rad = sqrt(-2.0 * log(u1)), th = 2.0 * M_PI * u2;
    r->gauss = rad * sin(th);
    r->have_gauss = 1;
    return rad * cos(th);
}

uint64_t rng_hash(const void *data, size_t len, uint64_t h0)
{
    const unsigned char *p = data;
    uint64_t h = h0 ? h0 : 0xcbf29ce484222325ULL;
    for (size_t i = 0; i < len; i++) {
        h ^= p[i];
        h *= 0x100000001b3ULL;
    }
    return h;
}

void rng_save(const struct rng *r, uint64_t out[RNG_STATE_WORDS])
{
    memcpy(out, r->s, sizeof r->s);
    out[4] = (uint64_t)r->have_gauss;
    memcpy(&out[5], &r->gauss, sizeof(double));
}

void rng_load(struct rng *r, const uint64_t in[RNG_STATE_WORDS])
{
    memcpy(r->s, in, sizeof r->s);
    r->have_gauss = (int)in[4];
    memcpy(&r->gauss, &in[5], sizeof(double));
}
