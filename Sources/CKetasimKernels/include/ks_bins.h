#ifndef KS_BINS_H
#define KS_BINS_H

// Hot loop of the population bands: reduce many subjects' concentrations at
// one instant to exact statistics and logarithmic bin keys. See
// KetasimCore's ConcentrationHistogram for the bins and what they are for.
//
// This module provides no stable API: KetasimCore wraps it.

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/// Exact statistics of `n` values.
typedef struct ks_bin_stats {
  double minimum;     // +inf when n == 0
  double maximum;     // -inf when n == 0
  int64_t zeros;      // values <= 0
  int64_t positives;  // values > 0 (their keys are in `keys[0 ..< positives]`)
  uint32_t low_key;   // smallest and largest key of the positives
  uint32_t high_key;
} ks_bin_stats;

/// Key of a positive finite double: its top 20 bits (exponent and 8
/// leading mantissa bits), 256 bins per octave.
#define KS_BIN_SHIFT 44

/// Scans `values[0 ..< n]`: minimum, maximum, the count of values <= 0, the
/// keys of the positive values (in order, into `keys`, which holds n), and
/// for each of the `threshold_count` thresholds the count of values strictly
/// above it (into `above`). Runs the ks_isa_selected() version (see
/// ks_kernels.h; ks_bin_values_isa picks one).
void ks_bin_values(const double *values, int64_t n, const double *thresholds,
                   int32_t threshold_count, uint32_t *keys, int64_t *above,
                   ks_bin_stats *stats);

/// Counts `keys[0 ..< n]` (each in `low ... low + range - 1`) and writes
/// the distinct keys in increasing order with their counts into `out_keys`
/// and `out_counts` (each holding min(n, range)); returns how many.
///
/// Scratch: `counts` holds `range` and `occupied` (range + 63) / 64 words;
/// both must be all zero on entry and are left all zero, so the cost is
/// O(n + range / 64), not O(range).
int64_t ks_count_keys(const uint32_t *keys, int64_t n, uint32_t low,
                      int64_t range, int64_t *counts, uint64_t *occupied,
                      uint32_t *out_keys, int64_t *out_counts);

/// Smallest and largest of `values[0 ..< n]` (+inf and -inf when n == 0).
void ks_value_range(const double *values, int64_t n, double *minimum,
                    double *maximum);

#ifdef __cplusplus
}
#endif

#endif
