// Binning kernel of the population bands. See ks_bins.h.
//
// ks_bin_values is compiled for SSE2, AVX2 and AVX-512 (one always-inline
// body, three target versions) and dispatched like the tiled kernel, on
// ks_isa_selected() (KETASIM_CPU, else the widest set the CPU runs). Its
// results are comparisons, counts and bit patterns: the same on every path.

#include "ks_bins.h"
#include "ks_kernels.h"

#include <math.h>
#include <string.h>

static inline __attribute__((always_inline)) void
bin_values(const double *restrict values, int64_t n,
           const double *restrict thresholds, int32_t threshold_count,
           uint32_t *restrict keys, int64_t *restrict above,
           ks_bin_stats *restrict stats) {
  double minimum = INFINITY, maximum = -INFINITY;
  int64_t positives = 0;
  uint32_t low = UINT32_MAX, high = 0;
  for (int64_t i = 0; i < n; i++) {
    const double v = values[i];
    minimum = v < minimum ? v : minimum;
    maximum = v > maximum ? v : maximum;
    if (v > 0) {
      uint64_t bits;
      memcpy(&bits, &v, sizeof bits);
      const uint32_t key = (uint32_t)(bits >> KS_BIN_SHIFT);
      keys[positives++] = key;
      low = key < low ? key : low;
      high = key > high ? key : high;
    }
  }
  for (int32_t t = 0; t < threshold_count; t++) {
    const double level = thresholds[t];
    int64_t count = 0;
    for (int64_t i = 0; i < n; i++) count += values[i] > level;
    above[t] = count;
  }
  stats->minimum = minimum;
  stats->maximum = maximum;
  stats->zeros = n - positives;
  stats->positives = positives;
  stats->low_key = low;
  stats->high_key = high;
}

#define KS_BIN_VALUES_VERSION(NAME, ATTRIBUTES)                               \
  static ATTRIBUTES void NAME(const double *values, int64_t n,                \
                              const double *thresholds, int32_t count,        \
                              uint32_t *keys, int64_t *above,                 \
                              ks_bin_stats *stats) {                          \
    bin_values(values, n, thresholds, count, keys, above, stats);             \
  }
KS_BIN_VALUES_VERSION(bin_values_sse2, )
#if defined(__x86_64__)
KS_BIN_VALUES_VERSION(bin_values_avx2, __attribute__((target("avx2"))))
KS_BIN_VALUES_VERSION(bin_values_avx512, __attribute__((target("avx512f"))))
#endif

void ks_bin_values_isa(const double *values, int64_t n,
                       const double *thresholds, int32_t threshold_count,
                       uint32_t *keys, int64_t *above, ks_bin_stats *stats,
                       ks_isa isa) {
  switch (isa) {
#if defined(__x86_64__)
  case KS_ISA_AVX512:
    bin_values_avx512(values, n, thresholds, threshold_count, keys, above, stats);
    return;
  case KS_ISA_AVX2:
    bin_values_avx2(values, n, thresholds, threshold_count, keys, above, stats);
    return;
#endif
  default:
    bin_values_sse2(values, n, thresholds, threshold_count, keys, above, stats);
    return;
  }
}

void ks_bin_values(const double *values, int64_t n, const double *thresholds,
                   int32_t threshold_count, uint32_t *keys, int64_t *above,
                   ks_bin_stats *stats) {
  ks_bin_values_isa(values, n, thresholds, threshold_count, keys, above, stats,
                    ks_isa_selected());
}

int64_t ks_count_keys(const uint32_t *restrict keys, int64_t n, uint32_t low,
                      int64_t range, int64_t *restrict counts,
                      uint64_t *restrict occupied, uint32_t *restrict out_keys,
                      int64_t *restrict out_counts) {
  for (int64_t i = 0; i < n; i++) {
    const uint32_t d = keys[i] - low;
    counts[d]++;
    occupied[d >> 6] |= (uint64_t)1 << (d & 63);
  }
  int64_t m = 0;
  const int64_t words = (range + 63) / 64;
  for (int64_t w = 0; w < words; w++) {
    uint64_t bits = occupied[w];
    occupied[w] = 0;
    while (bits) {
      const int64_t d = w * 64 + __builtin_ctzll(bits);
      out_keys[m] = low + (uint32_t)d;
      out_counts[m] = counts[d];
      counts[d] = 0;
      m++;
      bits &= bits - 1;
    }
  }
  return m;
}

// MARK: - Predicted brackets (the bands' fast path)
//
// ks_bracket_body.h holds the counting and gathering scans; it is included
// once per instruction set below, with its vector width (2 doubles for SSE2,
// 4 for AVX2, 8 for AVX-512: one register each) and its target switched on
// for every function, as ks_tiled_body.h is.

#define KS_BRACKET_SUFFIX sse2
#define KS_BRACKET_WIDTH 2
#include "ks_bracket_body.h"
#undef KS_BRACKET_SUFFIX
#undef KS_BRACKET_WIDTH

#if defined(__x86_64__)
#pragma clang attribute push(__attribute__((target("avx2"))), apply_to = function)
#define KS_BRACKET_SUFFIX avx2
#define KS_BRACKET_WIDTH 4
#include "ks_bracket_body.h"
#undef KS_BRACKET_SUFFIX
#undef KS_BRACKET_WIDTH
#pragma clang attribute pop

#pragma clang attribute push(__attribute__((target("avx512f"))), apply_to = function)
#define KS_BRACKET_SUFFIX avx512
#define KS_BRACKET_WIDTH 8
#include "ks_bracket_body.h"
#undef KS_BRACKET_SUFFIX
#undef KS_BRACKET_WIDTH
#pragma clang attribute pop
#endif

void ks_bracket_count_isa(const double *values, int64_t n,
                          const double *thresholds, int32_t threshold_count,
                          const double *lows, const double *highs,
                          int32_t bracket_count, int64_t *below,
                          int64_t *under_high, int64_t *above, int64_t *zeros,
                          ks_isa isa) {
  switch (isa) {
#if defined(__x86_64__)
  case KS_ISA_AVX512:
    bracket_count_avx512(values, n, thresholds, threshold_count, lows, highs,
                         bracket_count, below, under_high, above, zeros);
    return;
  case KS_ISA_AVX2:
    bracket_count_avx2(values, n, thresholds, threshold_count, lows, highs,
                       bracket_count, below, under_high, above, zeros);
    return;
#endif
  default:
    bracket_count_sse2(values, n, thresholds, threshold_count, lows, highs,
                       bracket_count, below, under_high, above, zeros);
    return;
  }
}

void ks_bracket_gather_isa(const double *values, int64_t n,
                           const uint32_t *low_keys, const int64_t *spans,
                           const int64_t *offsets, int32_t bracket_count,
                           int64_t *counts, ks_isa isa) {
  switch (isa) {
#if defined(__x86_64__)
  case KS_ISA_AVX512:
    bracket_gather_avx512(values, n, low_keys, spans, offsets, bracket_count,
                          counts);
    return;
  case KS_ISA_AVX2:
    bracket_gather_avx2(values, n, low_keys, spans, offsets, bracket_count,
                        counts);
    return;
#endif
  default:
    bracket_gather_sse2(values, n, low_keys, spans, offsets, bracket_count,
                        counts);
    return;
  }
}

void ks_value_range(const double *restrict values, int64_t n,
                    double *restrict minimum, double *restrict maximum) {
  double low = INFINITY, high = -INFINITY;
  for (int64_t i = 0; i < n; i++) {
    const double v = values[i];
    low = v < low ? v : low;
    high = v > high ? v : high;
  }
  *minimum = low;
  *maximum = high;
}
