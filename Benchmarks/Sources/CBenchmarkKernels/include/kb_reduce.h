#ifndef KB_REDUCE_H
#define KB_REDUCE_H

// Read-outs over chunks of lane rows, for the population and regimen
// workloads: running peak and time above levels per lane, and the counts an
// exact percentile needs per time row.
//
// Rows are laid out as the ketasim kernels write them: row k of a chunk is
// `stride` doubles, lane l at rows[k * stride + l]. A value is
// `rows[k * stride + l] * scale[l]` (scale converts the state to ng/mL).
//
// This module provides no stable API: it serves Benchmarks/ only.

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/// Largest number of levels (thresholds) a summary tracks.
#define KB_MAX_LEVELS 16

/// Folds `count` rows into per-lane running summaries:
/// peak[l] = max(peak[l], value); peak_step[l] = the step (first_step + k)
/// where the peak was first reached; above[j * lanes + l] += 1 for every row
/// whose value is strictly above levels[j].
void kb_summary_update(const double *rows, int64_t count, int64_t stride,
                       int64_t lanes, const double *scale, int64_t first_step,
                       double *peak, double *peak_step, const double *levels,
                       int32_t level_count, double *above);

/// The same read-out for values generated as
/// value_k = factor * (response[k] - response[k - shift]) (the second term
/// only for k >= shift), k = 0 ... count - 1: one regimen by superposition of
/// a unit response. Writes the peak, its first step and the counts above
/// each level.
void kb_superposition_summary(const double *response, int64_t count,
                              int64_t shift, double factor,
                              const double *levels, int32_t level_count,
                              double *peak, double *peak_step, double *above);

/// The superposition read-out for many doses of one duration at once.
///
/// The shape g[k] = response[k] - response[k - shift] (second term for
/// k >= shift), k < count, is written to `shape` (count doubles). When it
/// rises to its maximum and then falls (checked here, exactly), dose d's
/// values fl(factors[d] * g[k]) do the same, so its peak, the first step
/// reaching it and its counts above each level follow from binary searches
/// on the two monotone runs: the same numbers as
/// kb_superposition_summary, in O(log count) per dose and level. Returns 1
/// when the shape is not rise-then-fall (nothing written but `shape`), so
/// that the caller can fall back to kb_superposition_summary; 0 otherwise.
/// Writes peak[d], peak_step[d] and above[j * doses + d]. Factors must be
/// positive.
int kb_shape_sweep(const double *response, int64_t count, int64_t shift,
                   const double *factors, int64_t doses,
                   const double *levels, int32_t level_count, double *shape,
                   double *peak, double *peak_step, double *above);

/// out[l] = row[l] * scale[l] for l < lanes.
void kb_scale_row(const double *row, const double *scale, int64_t lanes,
                  double *out);

/// For each edge e: below[j] = #{values < edges[j]} and
/// at_most[j] = #{values <= edges[j]}.
void kb_count_edges(const double *values, int64_t n, const double *edges,
                    int32_t edge_count, int64_t *below, int64_t *at_most);

/// Copies the values v with low <= v <= high into out (at most `capacity`)
/// and returns how many there are (which may exceed `capacity`).
int64_t kb_gather_between(const double *values, int64_t n, double low,
                          double high, double *out, int64_t capacity);

/// Largest number of brackets one row pass handles.
#define KB_MAX_BRACKETS 8

/// One pass over a row of values v[l] = row[l] * scale[l] (l < n) for exact
/// percentiles and fractions above levels:
/// - for each bracket b < bracket_count: below[b] = #{v < low[b]},
///   at_most[b] = #{v <= high[b]}, and the values with low[b] <= v <= high[b]
///   copied to out[b * capacity ...] (at most `capacity`; found[b] = how many
///   there are, which may exceed `capacity`);
/// - for each level j < level_count: above[j] = #{v > levels[j]}.
/// The order of the copied values is unspecified.
void kb_bracket_pass(const double *row, const double *scale, int64_t n,
                     const double *low, const double *high,
                     int32_t bracket_count, double *out, int64_t capacity,
                     int64_t *below, int64_t *at_most, int64_t *found,
                     const double *levels, int32_t level_count,
                     int64_t *above);

/// Sorts `n` doubles in place, ascending, without allocating (insertion
/// sort for short arrays, heapsort otherwise). No NaNs.
void kb_sort(double *values, int64_t n);

#ifdef __cplusplus
}
#endif

#endif
