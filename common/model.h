/* model.h: the MoleBLEND network (SPEC 1.8, 2, 3, 4, 6): encoder, 3D module, pretraining heads,
 * fine-tune head, losses; forward and backward on OpenBLAS (llm.c shape, STYLE 2.5).
 *
 * Dims: B molecules, N padded atoms, T = N+1 tokens (token 0 = graph token), C channels,
 * H heads, D = C/H, L layers, F FFN width, K Gaussian kernels, R = 32 (TransformN2 width),
 * NT = n_tasks. Tensors of a family live in ONE 64-byte-aligned block; the X-macro lists below
 * give name, size expression and shape, and generate the struct fields, sizes, carving and the
 * name strings (checkpoints, test labels). Size expressions use C H L F K NT and the flags
 * G3 (3D module), PT (pretraining heads), FT (fine-tune head), each 0/1; activation sizes also
 * use B N T (max_batch, max_atoms at init). A tensor whose flag is off has size 0.
 *
 * Usage (llm.c):
 *     model_config_preset(&cfg, "small"); cfg.task = MODEL_TASK_PRETRAIN; ...
 *     model_init(&m, &cfg, seed);
 *     loop: batch_build(&b, ...); model_forward(&m, &b, 1, &rng, err, sizeof err);
 *           model_zero_grad(&m); model_backward(&m); <AdamW over m.params_memory/m.grads_memory>
 *     model_free(&m);
 * model_backward ACCUMULATES into the grads (+=); model_zero_grad clears them. */
#ifndef MB_MODEL_H
#define MB_MODEL_H

#include "batch.h"
#include "rng.h"

#include <stddef.h>
#include <stdint.h>

/* Vocabulary sizes (SPEC 1.2-1.7). */
#define MODEL_ATOM_VOCAB 4609   /* 512*9+1 */
#define MODEL_DEG_VOCAB 512
#define MODEL_SPD_VOCAB 512
#define MODEL_EDGE_VOCAB 1537   /* 512*3+1 */
#define MODEL_EDGE_DIS 128      /* edge_dis_encoder rows (only 0..4 used) */
#define MODEL_PAIR_VOCAB 1536   /* Gaussian mul/bias embeddings */
#define MODEL_R 32              /* TransformN2 d_hidden */
#define MODEL_P3_HID 256        /* Predict3DHead hidden */

enum { MODEL_TASK_NONE = 0, MODEL_TASK_PRETRAIN = 1, MODEL_TASK_CLASS = 2, MODEL_TASK_REG = 3 };
/* loss parts (m->loss_parts) */
enum { MODEL_LOSS_DENOISE = 0, MODEL_LOSS_SPD, MODEL_LOSS_EDGE, MODEL_LOSS_3D, MODEL_LOSS_TASK,
       MODEL_NLOSS };

struct model_config {
    int n_layer;      /* L: 12 */
    int d_model;      /* C: 768 */
    int n_head;       /* H: 32 (D = C/H = 24) */
    int d_ff;         /* F: 768 */
    int n_rbf;        /* K: 128 Gaussian kernels */
    int max_atoms;    /* N max: 256 (graph token excluded) */
    int max_batch;    /* B max: 32 */
    int n_tasks;      /* NT: fine-tune outputs, e.g. 12 (tox21) */
    int has_3d;       /* 1: 3D module (Molecule3DBias + centrality), SPEC 2.6 */
    int task;         /* MODEL_TASK_*: PRETRAIN builds the 4 heads, CLASS/REG the fine-tune head */
    int nominal_gauss_init; /* 1: GaussianLayer nominal init (means/stds U(0,3), mul 1, bias 0) */
    float attn_dropout;     /* 0.1 (encoder attention probabilities) */
    float act_dropout;      /* 0.1 (after FFN GELU) */
    float drop_path;        /* 0.1; layer l uses linspace(0, p, L)[l] (SPEC 2.5) */
    float head_dropout;     /* 0.1 (denoising head attention) */
    float w_denoise, w_spd, w_edge, w_3d; /* 6.0 0.1 0.1 0.5 (SPEC 4.5) */
};

/* Parameters: X(name, size, shape). */
#define MODEL_PARAM_TENSORS(X)                                                                     \
    X(atom_emb, 4609 * C, "(4609, C) atom feature embedding, row 0 = pad")                         \
    X(in_deg_emb, 512 * C, "(512, C) in-degree embedding, row 0 = pad")                            \
    X(out_deg_emb, 512 * C, "(512, C) out-degree embedding, row 0 = pad")                          \
    X(graph_token, C, "(1, C) graph token")                                                        \
    X(vdist, H, "(1, H) graph_token_virtual_distance t")                                           \
    X(spd_emb, 512 * H, "(512, H) spatial_pos_encoder, row 0 = pad")                               \
    X(edge_emb, 1537 * H, "(1537, H) edge_encoder, row 0 = pad")                                   \
    X(edge_dis, 128 * H * H, "(128, H, H) edge_dis_encoder, hops 0..4 used")                       \
    X(emb_lnw, C, "(C) emb_layer_norm weight")                                                     \
    X(emb_lnb, C, "(C) emb_layer_norm bias")                                                       \
    X(qkvw, L * 3 * C * C, "(L, 3C, C) q,k,v projections")                                         \
    X(qkvb, L * 3 * C, "(L, 3C)")                                                                  \
    X(attprojw, L * C * C, "(L, C, C) out_proj")                                                   \
    X(attprojb, L * C, "(L, C)")                                                                   \
    X(ln1w, L * C, "(L, C) self_attn_layer_norm")                                                  \
    X(ln1b, L * C, "(L, C)")                                                                       \
    X(fc1w, L * F * C, "(L, F, C)")                                                                \
    X(fc1b, L * F, "(L, F)")                                                                       \
    X(fc2w, L * C * F, "(L, C, F)")                                                                \
    X(fc2b, L * C, "(L, C)")                                                                       \
    X(ln2w, L * C, "(L, C) final_layer_norm")                                                      \
    X(ln2b, L * C, "(L, C)")                                                                       \
    X(g_means, G3 * K, "(K) Gaussian means")                                                       \
    X(g_stds, G3 * K, "(K) Gaussian stds (sigma = |std| + 0.01)")                                  \
    X(g_mul, G3 * 1536, "(1536, 1) pair-type mul, row 0 = pad")                                    \
    X(g_bias, G3 * 1536, "(1536, 1) pair-type bias, row 0 = pad")                                  \
    X(g_w1, G3 * K * K, "(K, K) NonLinear layer1")                                                 \
    X(g_b1, G3 * K, "(K)")                                                                         \
    X(g_w2, G3 * H * K, "(H, K) NonLinear layer2")                                                 \
    X(g_b2, G3 * H, "(H)")                                                                         \
    X(cent_w, G3 * C * K, "(C, K) edge_proj (3D centrality)")                                      \
    X(cent_b, G3 * C, "(C)")                                                                       \
    X(n2_w, PT * 3 * 2 * 32 * C, "(3 heads spd/edge/3d, 2 row/col, 32, C) TransformN2 proj")       \
    X(n2_b, PT * 3 * 2 * 32, "(3, 2, 32)")                                                         \
    X(n2_lnw, PT * 3 * 2 * 32, "(3, 2, 32) LN eps 1e-12")                                          \
    X(n2_lnb, PT * 3 * 2 * 32, "(3, 2, 32)")                                                       \
    X(spd_w, PT * 11 * 1024, "(11, 32, 32) SPD head Linear(1024, 11), [k][p][q]")                  \
    X(spd_b, PT * 11, "(11)")                                                                      \
    X(edge_w, PT * 120 * 1024, "(120, 32, 32) edge head Linear(1024, 5*24)")                       \
    X(edge_b, PT * 120, "(120)")                                                                   \
    X(p3_w1, PT * 256 * 1024, "(256, 32, 32) Predict3DHead Linear(1024, 256)")                     \
    X(p3_b1, PT * 256, "(256)")                                                                    \
    X(p3_w2, PT * 3 * 256, "(3, 256) three Linear(256, 1), one per axis")                          \
    X(p3_b2, PT * 3, "(3)")                                                                        \
    X(dn_qkvw, PT * 3 * C * C, "(3C, C) AtomTaskHead q,k,v")                                       \
    X(dn_qkvb, PT * 3 * C, "(3C)")                                                                 \
    X(dn_fw, PT * 3 * C, "(3, C) AtomTaskHead force_proj1..3")                                     \
    X(dn_fb, PT * 3, "(3)")                                                                        \
    X(ft_w1, FT * C * C, "(C, C) classification head dense")                                       \
    X(ft_b1, FT * C, "(C)")                                                                        \
    X(ft_w2, FT * NT * C, "(NT, C) classification head out_proj")                                  \
    X(ft_b2, FT * NT, "(NT)")

/* Activations (forward cache), sized for (max_batch, max_atoms): X(name, size, shape).
 * The gradient arena (m->dacts) has the same layout. Encoder token tensors are PACKED: only
 * the M = sum_b (n_b + 1) real tokens of the batch, molecule b at rows tok_off[b] ..
 * tok_off[b] + n_b (graph token first), so padding costs nothing in the projections, FFN,
 * LayerNorms and attention (Tb = n_b + 1 per molecule). `out` holds the final states in the
 * padded (B, T, C) layout. Head tensors use the compact current (B, N). */
#define MODEL_ACT_TENSORS(X)                                                                       \
    X(emb_x, B * T * C, "(M, C) token embedding before emb LN (packed)")                           \
    X(emb_mean, B * T, "(M)")                                                                      \
    X(emb_rstd, B * T, "(M)")                                                                      \
    X(emb_out, B * T * C, "(M, C) emb LN output = layer 0 input")                                  \
    X(bias, B * H * T * T, "(B, H, T, T) full attention bias (base + t + blended, -inf pads)")     \
    X(dpos, G3 * B * N * N * 3, "(B, N, N, 3) delta_pos (noisy)")                                  \
    X(g3_dist, G3 * B * N * N, "(B, N, N) |pos_j - pos_i|")                                        \
    X(g3_g, G3 * B * N * N * K, "(P, K) Gaussian basis of the real pairs that need it (g3_row)")        \
    X(g3_h, G3 * B * N * N * K, "(P, K) NonLinear hidden, pre-GELU")                               \
    X(g3_hg, G3 * B * N * N * K, "(P, K) NonLinear hidden, GELU")                                  \
    X(g3_out, G3 * B * N * N * H, "(P, H) 3D bias (pair-major)")                                   \
    X(g3_gsum, G3 * B * N * K, "(B, N, K) sum_j g_ij over real j")                                 \
    X(qkv, L * B * T * 3 * C, "(L, M, 3C)")                                                        \
    X(att, L * B * H * T * T, "(L, B, H, T*T) softmax probs, Tb x Tb per block")                   \
    X(attd, L * B * H * T * T, "(L, B, H, T*T) probs after dropout")                               \
    X(atty, L * B * T * C, "(L, M, C) attention output (heads concat)")                            \
    X(attproj, L * B * T * C, "(L, M, C) out_proj output")                                         \
    X(res1, L * B * T * C, "(L, M, C) x + droppath(a), LN1 input")                                 \
    X(ln1, L * B * T * C, "(L, M, C)")                                                             \
    X(ln1_mean, L * B * T, "(L, M)")                                                               \
    X(ln1_rstd, L * B * T, "(L, M)")                                                               \
    X(fch, L * B * T * F, "(L, M, F) fc1 output, pre-GELU")                                        \
    X(fchg, L * B * T * F, "(L, M, F) GELU output after act. dropout")                             \
    X(fcproj, L * B * T * C, "(L, M, C) fc2 output")                                               \
    X(res2, L * B * T * C, "(L, M, C) LN2 input")                                                  \
    X(ln2, L * B * T * C, "(L, M, C) layer output")                                                \
    X(ln2_mean, L * B * T, "(L, M)")                                                               \
    X(ln2_rstd, L * B * T, "(L, M)")                                                               \
    X(droppath, L * 2 * T, "(L, 2, T) DropPath scale per token (attention, FFN)")                  \
    X(n2_pre, PT * 3 * 2 * B * N * 32, "(3, 2, B, N, 32) TransformN2 pre-GELU")                    \
    X(n2_act, PT * 3 * 2 * B * N * 32, "(3, 2, B, N, 32) GELU")                                    \
    X(n2_out, PT * 3 * 2 * B * N * 32, "(3, 2, B, N, 32) LN output r_i / c_j")                     \
    X(n2_mean, PT * 3 * 2 * B * N, "(3, 2, B, N)")                                                 \
    X(n2_rstd, PT * 3 * 2 * B * N, "(3, 2, B, N)")                                                 \
    X(spd_wt, PT * 32 * 11 * 32, "(32, 11*32) SPD weights as [p][k][q]")                           \
    X(spd_a, PT * B * N * 11 * 32, "(B, N, 11, 32) r_i^T W_k")                                     \
    X(spd_log, PT * B * N * 11 * N, "(B, N, 11, N) SPD logits [i][k][j]")                          \
    X(edge_wt, PT * 32 * 120 * 32, "(32, 120*32)")                                                 \
    X(edge_a, PT * B * N * 120 * 32, "(B, N, 120, 32)")                                            \
    X(edge_log, PT * B * N * 120 * N, "(B, N, 120, N) edge logits [i][hop*24+class][j]")           \
    X(p3_weff, PT * 3 * 1024, "(3, 32, 32) folded Predict3DHead weights w2 . W1")                  \
    X(p3_beff, PT * 3, "(3) folded bias")                                                          \
    X(p3_wt, PT * 32 * 3 * 32, "(32, 3*32)")                                                       \
    X(p3_a, PT * B * N * 3 * 32, "(B, N, 3, 32)")                                                  \
    X(p3_pred, PT * B * N * 3 * N, "(B, N, 3, N) predicted pos_j - pos_i [i][axis][j]")            \
    X(dn_qkv, PT * B * N * 3 * C, "(B, N, 3C) AtomTaskHead q,k,v")                                 \
    X(dn_att, PT * B * H * N * N, "(B, H, N, N) probabilities")                                    \
    X(dn_attd, PT * B * H * N * N, "(B, H, N, N) after dropout")                                   \
    X(dn_o, PT * 3 * B * N * C, "(3, B, N, C) per-axis delta_pos-weighted values")                 \
    X(dn_f, PT * B * N * 3, "(B, N, 3) denoising prediction")                                      \
    X(ft_h, FT * B * C, "(B, C) head dense output, pre-GELU")                                      \
    X(ft_hg, FT * B * C, "(B, C) GELU")                                                            \
    X(ft_out, FT * B * NT, "(B, NT) logits (standardised units for regression)")                   \
    X(ft_pred, FT * B * NT, "(B, NT) predictions: logits, or logit*std+mean for regression")       \
    X(cent, G3 * B * N * C, "(B, N, C) 3D centrality c_i = W_e gsum_i + b_e (before x0.01)")       \
    X(hat, PT * B * N * C, "(B, N, C) final atom states (tokens 1..N), contiguous")                \
    X(ft_in, FT * B * C, "(B, C) final graph-token states")                                        \
    X(dn_scr, PT * 3 * N * N, "(3, N, N) scratch: attention x delta_pos per axis")                 \
    X(out, B * T * C, "(B, T, C) final states, padded layout (model_out); pad rows 0")

enum model_param_id {
#define X(name, size, shape) MODEL_P_##name,
    MODEL_PARAM_TENSORS(X)
#undef X
    MODEL_NPARAM
};
enum model_act_id {
#define X(name, size, shape) MODEL_A_##name,
    MODEL_ACT_TENSORS(X)
#undef X
    MODEL_NACT
};

struct model_params { /* pointers into one block; same struct for params and grads */
#define X(name, size, shape) float *name;
    MODEL_PARAM_TENSORS(X)
#undef X
};
struct model_acts {
#define X(name, size, shape) float *name;
    MODEL_ACT_TENSORS(X)
#undef X
};

/* Tensor tables (index = MODEL_P_* / MODEL_A_*). */
extern const char *const model_param_names[MODEL_NPARAM];
extern const char *const model_param_shapes[MODEL_NPARAM];
extern const char *const model_act_names[MODEL_NACT];

struct model {
    struct model_config cfg;
    /* parameters and gradients: one aligned block each, same layout */
    struct model_params params, grads;
    float *params_memory, *grads_memory;
    size_t num_params;                       /* floats in the block */
    size_t param_sizes[MODEL_NPARAM];        /* floats per tensor (0 if absent) */
    size_t param_offsets[MODEL_NPARAM];      /* float offset of each tensor in the block */
    /* activations and their gradients, sized for (max_batch, max_atoms) */
    struct model_acts acts, dacts;
    float *acts_memory, *dacts_memory;
    size_t num_acts;
    size_t act_sizes[MODEL_NACT];
    /* fine-tune regression standardisation (NT each; mean 0, std 1 by default). Not
     * parameters: the checkpoint writer must save them separately. */
    float *y_mean, *y_std;
    /* optional test probe: if non-NULL, loss += sum over real tokens of probe[b,t,c] *
     * out[b,t,c] (layout (B, T, C) of the current batch) */
    const float *probe;
    /* set by the caller: only the graph-token states of the final layer are wanted (encode
     * without per-atom output, fine-tune predictions). An inference forward (train 0) then runs
     * the last layer's attention, out_proj, LayerNorms and FFN for the graph-token rows only;
     * model_out's atom rows are 0. Ignored for pretraining, with a probe, or when training. */
    int graph_only;
    /* last forward */
    const struct batch *batch;
    int B, N, T, train;
    float loss;                      /* total (weighted) loss */
    double loss_d;                   /* the same, as accumulated (double) */
    float loss_parts[MODEL_NLOSS];   /* unweighted parts (MODEL_LOSS_*) */
    int loss_count[MODEL_NLOSS];     /* entries averaged (0: part absent, contributes 0) */
    int have_forward;
    int *scratch_int;                /* (max_batch) */
    float *scratch_f;                /* (2 * max_atoms) */
    size_t n_pairs;                  /* Gaussian-basis rows of the last forward (g3_forward) */
    size_t n_sel;                    /* of which the first n_sel show the 3D bias (NonLinear) */
    int32_t *g3_row;                 /* (max_batch * max_atoms^2) pair (k,i,j) -> its row, -1 */
    size_t *tok_off;                 /* (max_batch+1) first packed token row per molecule */
    int *tok_len;                    /* (max_batch) tokens per molecule (n + 1) */
    int M;                           /* packed real tokens of the last forward (sum n+1) */
};

/* Fill cfg with a preset: "tiny" (L2 C16 H2 F16 K8, tests), "small" (4/128/8/128, K128),
 * "base" (12/768/32/768, K128, SPEC 2.1). Sets has_3d=1, task=PRETRAIN, dropout and loss
 * weights of SPEC 5.1, max_atoms 64, max_batch 8; adjust after. Returns 0 or -1 (bad name). */
int model_config_preset(struct model_config *cfg, const char *name);
/* Check sizes (C % H == 0, bounds); 0 or -1 with a message. */
int model_config_check(const struct model_config *cfg, char *err, size_t errlen);
/* Parameter count a config gives (floats), without allocating. */
size_t model_config_num_params(const struct model_config *cfg);

/* Allocate everything and initialise parameters (SPEC 2.7 effective init, or nominal Gaussian
 * init if cfg->nominal_gauss_init) from seed. Returns 0, or -1 with a message (bad config). */
int model_init(struct model *m, const struct model_config *cfg, uint64_t seed, char *err,
               size_t errlen);
/* model_init with flags: MODEL_INIT_NO_RANDOM leaves every parameter 0 (no random draw; for
 * callers that load all tensors from a checkpoint right after, e.g. encode). Arenas are zeroed
 * lazily by the OS (huge pages where the kernel gives them), so memory is spent only on what
 * runs touch: an inference-only model never pays for its gradient arenas. */
enum { MODEL_INIT_NO_RANDOM = 1 };
int model_init_flags(struct model *m, const struct model_config *cfg, uint64_t seed,
                     unsigned flags, char *err, size_t errlen);
/* Release everything and zero; safe on a zeroed struct. */
void model_free(struct model *m);

/* Forward on a batch built by batch_build (b must stay valid until model_backward). train = 1:
 * dropout and DropPath active (rng required); 0: deterministic (eval, encode, grad checks).
 * Computes the loss of cfg.task into m->loss (pretraining: weighted sum of 4 parts SPEC 4.5;
 * CLASS: BCE-with-logits averaged over the labels that are finite and >= 0 (NaN or -1 =
 * missing); REG: MSE of logit*std+mean vs the raw label (original units, SPEC 6.1) over
 * finite labels; NONE: 0), plus the optional probe term, and stores the gradient seeds for
 * model_backward. Blending is per molecule from the batch (mode, pmask, amask).
 * Returns 0, or -1 with a message (batch too large, 3D mode without 3D module/positions). */
int model_forward(struct model *m, const struct batch *b, int train, struct rng *rng, char *err,
                  size_t errlen);
/* d(m->loss)/d(params), ACCUMULATED into m->grads. Needs a preceding model_forward. */
void model_backward(struct model *m);
void model_zero_grad(struct model *m);

/* Outputs of the last forward (valid until the next forward). Strides use m->N / m->T. */
const float *model_out(const struct model *m);        /* (B, T, C) final states, token 0 = graph */
void model_graph_emb(const struct model *m, float *out); /* copy (B, C) graph-token states */
const float *model_pred(const struct model *m);       /* (B, NT) fine-tune predictions or NULL */
const float *model_denoise_pred(const struct model *m); /* (B, N, 3) or NULL */

/* Print sizes and parameter counts per group on f (stdio FILE *). */
void model_print_summary(const struct model *m, void *f);

#endif
