// Register-tiled lane kernel, compiled once per instruction set. See
// ks_kernels.h for the layout contract and ks_tiled.c for the dispatch.
//
// Each of ks_tiled_sse2.c, ks_tiled_avx2.c and ks_tiled_avx512.c defines
// KS_TILED_ENTRY (the exported name), switches its instruction set on for
// every function with `#pragma clang attribute`, and includes this file: the
// same source, three machine-code versions, all in one portable build.
//
// Identical results on every path: contraction of a*b+c into a fused
// multiply-add is off below, so each lane's arithmetic is the same sequence
// of correctly rounded multiplies and adds on SSE2, AVX2 and AVX-512 (and in
// the scalar reference, which sums in the same order); vector width changes
// only how many lanes one instruction carries.
//
// A tile is KS_TILE_LANES = 32 lanes, held as four 8-wide vectors per state.
// For 1 to 4 states the body below is force-inlined with constant state
// count, parameter mode and rate mode, so every loop has constant bounds,
// unrolls, and the tile's state stays in vector registers for all steps
// (8-wide vectors map to one AVX-512 register, two AVX or four SSE2
// registers, depending on the version: see ks_tiled.c). Larger state
// counts take a plain loop over the same layout.

#ifndef KS_TILED_ENTRY
#error "define KS_TILED_ENTRY before including ks_tiled_body.h"
#endif

#include "ks_kernels.h"

#include <stddef.h>
#include <string.h>

#pragma clang fp contract(off)

// 8-wide vectors are passed between force-inlined helpers only, so the
// "AVX vector return changes the ABI" note on non-AVX-512 targets is moot.
#pragma clang diagnostic ignored "-Wpsabi"
#pragma GCC diagnostic ignored "-Wpsabi"

#define TILE KS_TILE_LANES
#define WIDTH 8
#define GROUPS (TILE / WIDTH)
#define SMALL 4

typedef double vec __attribute__((vector_size(WIDTH * sizeof(double))));

static inline __attribute__((always_inline)) vec load(const double *p) {
  vec v;
  memcpy(&v, p, sizeof v);
  return v;
}

static inline __attribute__((always_inline)) void store(double *p, vec v) {
  memcpy(p, &v, sizeof v);
}

static inline __attribute__((always_inline)) vec splat(double s) {
  return (vec){s, s, s, s, s, s, s, s};
}

// Index of a specialised kernel by input: none (rate == NULL), or a
// ks_rate_mode.
enum { RATE_NONE = 0, RATE_SHARED = 1, RATE_PER_LANE = 2, RATE_HELD = 3 };

static inline __attribute__((always_inline)) void
advance_small_tile(const int m, const int per_lane_system, const int rate_mode,
                   const ks_lane_problem *restrict p, double *restrict state,
                   const int64_t base) {
  const int64_t ld = p->stride;
  const int nobs = p->observed_count;
  vec x[SMALL][GROUPS];
  for (int i = 0; i < m; i++)
    for (int g = 0; g < GROUPS; g++) x[i][g] = load(state + i * ld + base + g * WIDTH);

  vec f[SMALL][SMALL];
  vec c[SMALL];
  if (!per_lane_system) {
    for (int i = 0; i < m; i++) {
      c[i] = splat(p->gamma[i]);
      for (int j = 0; j < m; j++) f[i][j] = splat(p->phi[i * m + j]);
    }
  }

  // A held per-lane rate is loaded once per tile, not once per step.
  vec held[GROUPS];
  for (int g = 0; g < GROUPS; g++)
    held[g] = rate_mode == RATE_HELD ? load(p->rate + base + g * WIDTH) : splat(0.0);
  // With no rate or a held one, the input term Γ·u is the same product at
  // every step: computed once per tile (the same correctly rounded multiply,
  // so the same bits), it saves a load and a multiply per state and step.
  const int constant_input = rate_mode == RATE_NONE || rate_mode == RATE_HELD;
  vec input[SMALL][GROUPS];
  if (constant_input)
    for (int i = 0; i < m; i++)
      for (int g = 0; g < GROUPS; g++) {
        const vec column =
            per_lane_system ? load(p->gamma + i * ld + base + g * WIDTH) : c[i];
        input[i][g] = column * held[g];
      }

  for (int64_t k = 0; k < p->steps; k++) {
    vec u[GROUPS];
    for (int g = 0; g < GROUPS; g++) {
      if (rate_mode == RATE_NONE) u[g] = splat(0.0);
      else if (rate_mode == RATE_SHARED) u[g] = splat(p->rate[k]);
      else if (rate_mode == RATE_HELD) u[g] = held[g];
      else u[g] = load(p->rate + k * ld + base + g * WIDTH);
    }
    vec next[SMALL][GROUPS];
    for (int i = 0; i < m; i++) {
      for (int g = 0; g < GROUPS; g++) {
        const int64_t at = base + g * WIDTH;
        vec acc;
        if (per_lane_system) {
          acc = constant_input ? input[i][g]
                               : load(p->gamma + i * ld + at) * u[g];
          for (int j = 0; j < m; j++)
            acc += load(p->phi + (int64_t)(i * m + j) * ld + at) * x[j][g];
        } else {
          acc = constant_input ? input[i][g] : c[i] * u[g];
          for (int j = 0; j < m; j++) acc += f[i][j] * x[j][g];
        }
        next[i][g] = acc;
      }
    }
    for (int i = 0; i < m; i++)
      for (int g = 0; g < GROUPS; g++) x[i][g] = next[i][g];
    for (int o = 0; o < nobs; o++) {
      double *restrict y = p->output + (k * nobs + o) * ld + base;
      const int row = p->observed[o];
      for (int i = 0; i < m; i++)
        if (i == row)
          for (int g = 0; g < GROUPS; g++) store(y + g * WIDTH, x[i][g]);
    }
  }

  for (int i = 0; i < m; i++)
    for (int g = 0; g < GROUPS; g++) store(state + i * ld + base + g * WIDTH, x[i][g]);
}

// One function per (states, parameter mode, rate mode): 4 x 2 x 4 variants.
#define KS_VARIANT(M, SYS, RATE)                                              \
  static void tiled_##M##_##SYS##_##RATE(const ks_lane_problem *p,            \
                                         double *state) {                     \
    for (int64_t base = 0; base < p->lanes; base += TILE)                     \
      advance_small_tile(M, SYS, RATE, p, state, base);                       \
  }
#define KS_VARIANTS_FOR(M)                                                    \
  KS_VARIANT(M, 0, 0) KS_VARIANT(M, 0, 1) KS_VARIANT(M, 0, 2)                 \
  KS_VARIANT(M, 0, 3) KS_VARIANT(M, 1, 0) KS_VARIANT(M, 1, 1)                 \
  KS_VARIANT(M, 1, 2) KS_VARIANT(M, 1, 3)
KS_VARIANTS_FOR(1)
KS_VARIANTS_FOR(2)
KS_VARIANTS_FOR(3)
KS_VARIANTS_FOR(4)

typedef void (*tiled_fn)(const ks_lane_problem *, double *);
#define KS_ROW(M)                                                             \
  {{tiled_##M##_0_0, tiled_##M##_0_1, tiled_##M##_0_2, tiled_##M##_0_3},     \
   {tiled_##M##_1_0, tiled_##M##_1_1, tiled_##M##_1_2, tiled_##M##_1_3}}
static const tiled_fn small_kernels[SMALL][2][4] = {KS_ROW(1), KS_ROW(2),
                                                    KS_ROW(3), KS_ROW(4)};

// Larger systems: the same recursion with runtime bounds. The tile lives in
// L1 rather than registers; rates are staged once per step and each
// coefficient is read once per tile row, so the inner loops stay vectorised.
static void advance_large(const ks_lane_problem *restrict p,
                          double *restrict state) {
  const int m = p->states;
  const int64_t ld = p->stride;
  const int per_lane = p->per_lane_system;
  for (int64_t base = 0; base < p->lanes; base += TILE) {
    double x[KS_MAX_STATES][TILE], next[KS_MAX_STATES][TILE];
    for (int i = 0; i < m; i++)
      for (int l = 0; l < TILE; l++) x[i][l] = state[i * ld + base + l];
    for (int64_t k = 0; k < p->steps; k++) {
      double u[TILE];
      if (p->rate == NULL)
        for (int l = 0; l < TILE; l++) u[l] = 0.0;
      else if (p->rate_mode == KS_RATE_HELD)
        for (int l = 0; l < TILE; l++) u[l] = p->rate[base + l];
      else if (p->rate_mode == KS_RATE_PER_STEP)
        for (int l = 0; l < TILE; l++) u[l] = p->rate[k * ld + base + l];
      else
        for (int l = 0; l < TILE; l++) u[l] = p->rate[k];
      for (int i = 0; i < m; i++) {
        double *restrict row = next[i];
        if (per_lane) {
          const double *restrict g = p->gamma + i * ld + base;
          for (int l = 0; l < TILE; l++) row[l] = g[l] * u[l];
          for (int j = 0; j < m; j++) {
            const double *restrict f = p->phi + (int64_t)(i * m + j) * ld + base;
            for (int l = 0; l < TILE; l++) row[l] += f[l] * x[j][l];
          }
        } else {
          const double g = p->gamma[i];
          for (int l = 0; l < TILE; l++) row[l] = g * u[l];
          for (int j = 0; j < m; j++) {
            const double f = p->phi[i * m + j];
            for (int l = 0; l < TILE; l++) row[l] += f * x[j][l];
          }
        }
      }
      memcpy(x, next, sizeof x[0] * (size_t)m);
      for (int o = 0; o < p->observed_count; o++) {
        double *restrict y = p->output + (k * p->observed_count + o) * ld + base;
        for (int l = 0; l < TILE; l++) y[l] = x[p->observed[o]][l];
      }
    }
    for (int i = 0; i < m; i++)
      for (int l = 0; l < TILE; l++) state[i * ld + base + l] = x[i][l];
  }
}

void KS_TILED_ENTRY(const ks_lane_problem *p, double *state) {
  if (p->states <= SMALL) {
    const int rate_mode = p->rate == NULL          ? RATE_NONE
                          : p->rate_mode == KS_RATE_HELD     ? RATE_HELD
                          : p->rate_mode == KS_RATE_PER_STEP ? RATE_PER_LANE
                                                             : RATE_SHARED;
    small_kernels[p->states - 1][p->per_lane_system ? 1 : 0][rate_mode](p, state);
  } else {
    advance_large(p, state);
  }
}
