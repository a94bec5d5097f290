/* rng.h: seeded, platform-independent random numbers (xoshiro256** seeded via splitmix64).
 * Same seed -> same bits on every machine. Streams are keyed: rng_init_keyed(seed, k1, k2, k3)
 * gives an independent stream per (seed, epoch, molecule...) so results do not depend on how a
 * stream was sharded or batched. */
#ifndef MB_RNG_H
#define MB_RNG_H

#include <stddef.h>
#include <stdint.h>

struct rng {
    uint64_t s[4];
    int have_gauss;   /* Box-Muller spare */
    double gauss;
};

void rng_init(struct rng *r, uint64_t seed);
/* independent stream for a key tuple */
void rng_init_keyed(struct rng *r, uint64_t seed, uint64_t k1, uint64_t k2, uint64_t k3);
uint64_t rng_u64(struct rng *r);
uint32_t rng_below(struct rng *r, uint32_t n); /* uniform in [0, n), unbiased */
double rng_uniform(struct rng *r);             /* [0, 1) with 53 random bits */
float rng_uniformf(struct rng *r);             /* [0, 1) with 24 random bits */
double rng_normal(struct rng *r);              /* N(0,1), Box-Muller (polar-free, exact log/cos) */
/* FNV-1a 64 of bytes: stable key for strings (molecule ids) */
uint64_t rng_hash(const void *data, size_t len, uint64_t h0);
/* Serialise state (checkpoints): 4 u64 + spare flag + spare value. */
#define RNG_STATE_WORDS 6
void rng_save(const struct rng *r, uint64_t out[RNG_STATE_WORDS]);
void rng_load(struct rng *r, const uint64_t in[RNG_STATE_WORDS]);

#endif
