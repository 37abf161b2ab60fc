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

/// Sorts `n` doubles in place, ascending, without allocating (insertion
/// sort for short arrays, heapsort otherwise). No NaNs.
void kb_sort(double *values, int64_t n);

#ifdef __cplusplus
}
#endif

#endif
