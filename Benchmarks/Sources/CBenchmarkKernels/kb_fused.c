// Fused population read-out. See kb_fused.h.
//
// The tile is 32 lanes as four 8-wide vectors per state, as in ks_tiled.c.
// Per-lane coefficients are re-loaded from L1 every step (twelve vectors of
// them would not fit in registers next to the state). Per step and group:
// the recursion, one multiply for the value, one max for the peak and two
// compares against the lane's band [low, high]; a lane whose value leaves
// its band (a threshold crossing: a few per lane per run) is re-banded in
// scalar code, which books the crossing index into the counts.

#include "kb_fused.h"

#include <string.h>

#pragma clang diagnostic ignored "-Wpsabi"
#pragma GCC diagnostic ignored "-Wpsabi"

#define TILE KB_FUSED_TILE
#define WIDTH 8
#define GROUPS (TILE / WIDTH)

typedef double vec __attribute__((vector_size(WIDTH * sizeof(double))));
typedef int64_t mask __attribute__((vector_size(WIDTH * sizeof(int64_t))));

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

static inline __attribute__((always_inline)) vec vmax(vec a, vec b) {
  const mask m = a > b;
  vec r;
  for (int i = 0; i < WIDTH; i++) r[i] = m[i] ? a[i] : b[i];
  return r;
}

/// Band of a value: the number of levels strictly below it.
static int band_of(double v, const double *levels, int count) {
  int b = 0;
  while (b < count && v > levels[b]) b++;
  return b;
}

static inline __attribute__((always_inline)) void
fused_tile(const int m, const kb_fused_problem *restrict p,
           double *restrict state, double *restrict peak,
           double *restrict above, const int64_t base) {
  const int64_t ld = p->stride;
  const int nl = p->level_count;
  const double *levels = p->levels;
  double low[TILE], high[TILE];
  int band[TILE];
  double counts[KB_FUSED_MAX_LEVELS][TILE];

  vec x[3][GROUPS], top[GROUPS];
  for (int i = 0; i < m; i++)
    for (int g = 0; g < GROUPS; g++) x[i][g] = load(state + i * ld + base + g * WIDTH);
  for (int g = 0; g < GROUPS; g++) top[g] = load(peak + base + g * WIDTH);

  // Band of each lane's entry value; levels it is already above count
  // from the first new index.
  const int64_t first = p->first_index + 1;
  for (int l = 0; l < TILE; l++) {
    const double v = state[base + l] * p->scale[base + l];
    band[l] = band_of(v, levels, nl);
    low[l] = band[l] == 0 ? -1.0 / 0.0 : levels[band[l] - 1];
    high[l] = band[l] == nl ? 1.0 / 0.0 : levels[band[l]];
    for (int j = 0; j < nl; j++) counts[j][l] = j < band[l] ? -(double)first : 0.0;
  }

  for (int64_t k = 0; k < p->steps; k++) {
    const vec u = splat(p->rate[k]);
    vec v[GROUPS];
    mask out = {0};
#pragma clang loop unroll(full)
    for (int g = 0; g < GROUPS; g++) {
      const int64_t at = base + g * WIDTH;
      vec next[3];
      for (int i = 0; i < m; i++) {
        vec acc = load(p->gamma + i * ld + at) * u;
        for (int j = 0; j < m; j++) acc += load(p->phi + (int64_t)(i * m + j) * ld + at) * x[j][g];
        next[i] = acc;
      }
      for (int i = 0; i < m; i++) x[i][g] = next[i];
      v[g] = x[0][g] * load(p->scale + at);
      top[g] = vmax(v[g], top[g]);
      out |= (v[g] <= load(low + g * WIDTH)) | (v[g] > load(high + g * WIDTH));
    }
    if (__builtin_reduce_or(out)) {
      // A crossing (a few per lane per run): re-band the lanes that left
      // their band and book the index.
      double values[TILE];
      for (int g = 0; g < GROUPS; g++) store(values + g * WIDTH, v[g]);
      const double index = (double)(p->first_index + k + 1);
      for (int l = 0; l < TILE; l++) {
        if (values[l] > low[l] && values[l] <= high[l]) continue;
        const int b = band_of(values[l], levels, nl);
        for (int j = band[l]; j < b; j++) counts[j][l] -= index;  // now above j
        for (int j = b; j < band[l]; j++) counts[j][l] += index;  // now at or below j
        band[l] = b;
        low[l] = b == 0 ? -1.0 / 0.0 : levels[b - 1];
        high[l] = b == nl ? 1.0 / 0.0 : levels[b];
      }
    }
  }

  const double end = (double)(p->first_index + p->steps + 1);
  for (int l = 0; l < TILE; l++)
    for (int j = 0; j < nl; j++)
      above[j * ld + base + l] += counts[j][l] + (j < band[l] ? end : 0.0);
  for (int i = 0; i < m; i++)
    for (int g = 0; g < GROUPS; g++) store(state + i * ld + base + g * WIDTH, x[i][g]);
  for (int g = 0; g < GROUPS; g++) store(peak + base + g * WIDTH, top[g]);
}

static void fused_2(const kb_fused_problem *p, double *state, double *peak,
                    double *above) {
  for (int64_t base = 0; base < p->lanes; base += TILE)
    fused_tile(2, p, state, peak, above, base);
}

static void fused_3(const kb_fused_problem *p, double *state, double *peak,
                    double *above) {
  for (int64_t base = 0; base < p->lanes; base += TILE)
    fused_tile(3, p, state, peak, above, base);
}

void kb_fused_summary(const kb_fused_problem *p, double *state, double *peak,
                      double *above) {
  if (p->states == 3)
    fused_3(p, state, peak, above);
  else
    fused_2(p, state, peak, above);
}
