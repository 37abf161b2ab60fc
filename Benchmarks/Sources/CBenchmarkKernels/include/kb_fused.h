#ifndef KB_FUSED_H
#define KB_FUSED_H

// A fused population read-out: the tiled recursion of ketasim's kernels with
// the per-lane summary (peak, time above levels) computed inside the tile,
// so that nothing is stored per step.
//
// This is a prototype of what a population engine can do (see
// Benchmarks/README.md); it serves Benchmarks/ only and has no stable API.

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/// Lanes per tile (as KS_TILE_LANES).
#define KB_FUSED_TILE 32

/// Largest number of levels.
#define KB_FUSED_MAX_LEVELS 8

typedef struct kb_fused_problem {
  int32_t states;        // 2 or 3
  int32_t level_count;   // 0 ... KB_FUSED_MAX_LEVELS, levels ascending
  int64_t lanes;         // lanes that matter
  int64_t stride;        // multiple of KB_FUSED_TILE, >= lanes
  int64_t steps;         // steps to advance
  int64_t first_index;   // grid index of the state on entry
  const double *phi;     // per lane: phi[(i*states + j)*stride + l]
  const double *gamma;   // per lane: gamma[i*stride + l]
  const double *rate;    // shared: rate[k] (mg/min) over step k
  const double *scale;   // per lane: value = state_0 * scale[l] (ng/mL)
  const double *levels;  // level_count values, strictly ascending
} kb_fused_problem;

/// Advances every lane by `steps` steps and folds the values at grid
/// indices first_index + 1 ... first_index + steps into:
///   peak[l]            = max(peak[l], every value)
///   above[j*stride + l] += #{indices whose value > levels[j]}
/// `state` is states rows of `stride` (in/out). Levels are tracked by band:
/// each step tests a lane's value against the two levels around its
/// previous value only, and a lane that leaves its band is re-banded
/// outside the vector loop, so the cost hardly depends on the level count.
void kb_fused_summary(const kb_fused_problem *problem, double *state,
                      double *peak, double *above);

#ifdef __cplusplus
}
#endif

#endif
