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

// The edges of each bracket as doubles: its low key, and the key after its
// last, followed by zeros (keys increase with positive doubles, so a value is
// inside exactly when low <= v < high).
static inline __attribute__((always_inline)) void
band_edges(const uint32_t *restrict low_keys, const int64_t *restrict spans,
           int32_t nb, double *restrict lows, double *restrict highs) {
  for (int32_t b = 0; b < nb; b++) {
    const uint64_t low_bits = (uint64_t)low_keys[b] << KS_BIN_SHIFT;
    const uint64_t high_bits = ((uint64_t)low_keys[b] + (uint64_t)spans[b])
                               << KS_BIN_SHIFT;
    memcpy(&lows[b], &low_bits, sizeof lows[b]);
    memcpy(&highs[b], &high_bits, sizeof highs[b]);
  }
}

// The common shapes, up to 3 brackets and 4 thresholds (the default 5/50/95 %
// bands and four thresholds), as the cases of a switch on nb * 8 + nt in a
// function with the scan's parameters: each calls FN with the counts and
// `scaled` as constants, so that its loops unroll and its counters stay in
// registers, and returns 1; another shape returns 0.
#define KS_BAND_CASE(FN, NB, NT)                                              \
  case (NB) * 8 + (NT):                                                       \
    if (scales)                                                               \
      FN(values, scales, 1, n, thresholds, NT, low_keys, spans, offsets, NB,  \
         below, under_high, above, zeros, counts);                            \
    else                                                                      \
      FN(values, scales, 0, n, thresholds, NT, low_keys, spans, offsets, NB,  \
         below, under_high, above, zeros, counts);                            \
    return 1;
#define KS_BAND_CASES(FN, NB)                                                 \
  KS_BAND_CASE(FN, NB, 0)                                                     \
  KS_BAND_CASE(FN, NB, 1)                                                     \
  KS_BAND_CASE(FN, NB, 2) KS_BAND_CASE(FN, NB, 3) KS_BAND_CASE(FN, NB, 4)
#define KS_BAND_SHAPES(FN)                                                    \
  if (nb > 3 || nt > 4) return 0;                                             \
  switch (nb * 8 + nt) {                                                      \
    KS_BAND_CASES(FN, 0)                                                      \
    KS_BAND_CASES(FN, 1)                                                      \
    KS_BAND_CASES(FN, 2)                                                      \
    KS_BAND_CASES(FN, 3)                                                      \
  default:                                                                    \
    return 0;                                                                 \
  }

// A value's bins: its key minus each bracket's low key as an unsigned number
// (below the bracket it wraps to a huge value, so one comparison tests both
// ends, and a value <= 0 is in no bracket).
static inline __attribute__((always_inline)) void
band_bin_value(double v, const uint32_t *restrict low_keys,
               const int64_t *restrict spans, const int64_t *restrict offsets,
               int32_t nb, int64_t *restrict counts) {
  uint64_t bits;
  memcpy(&bits, &v, sizeof bits);
  const uint64_t key = bits >> KS_BIN_SHIFT;
  for (int32_t b = 0; b < nb; b++) {
    const uint64_t offset = key - low_keys[b];
    if (offset < (uint64_t)spans[b]) counts[offsets[b] + (int64_t)offset]++;
  }
}

// The end of every version of the scan: the values from `i` on (fewer than a
// register), one at a time, into the registers' summed counts (`z`, `lt_s`,
// `uh_s`, `gt_s`), which are then added to the outputs.
static inline __attribute__((always_inline)) void band_scan_tail(
    const double *restrict values, const double *restrict scales,
    const int scaled, int64_t i, int64_t n, const double *restrict thresholds,
    int32_t nt, const double *lows, const double *highs,
    const uint32_t *restrict low_keys, const int64_t *restrict spans,
    const int64_t *restrict offsets, int32_t nb, int64_t z, int64_t *lt_s,
    int64_t *uh_s, int64_t *gt_s, int64_t *restrict below,
    int64_t *restrict under_high, int64_t *restrict above,
    int64_t *restrict zeros, int64_t *restrict counts) {
  for (; i < n; i++) {
    const double v = scaled ? values[i] * scales[i] + 0.0 : values[i];
    z += v <= 0;
    for (int32_t b = 0; b < nb; b++) {
      lt_s[b] += v < lows[b];
      uh_s[b] += v < highs[b];
    }
    for (int32_t t = 0; t < nt; t++) gt_s[t] += v > thresholds[t];
    band_bin_value(v, low_keys, spans, offsets, nb, counts);
  }
  for (int32_t b = 0; b < nb; b++) {
    below[b] += lt_s[b];
    under_high[b] += uh_s[b];
  }
  for (int32_t t = 0; t < nt; t++) above[t] += gt_s[t];
  *zeros += z;
}
//
// ks_bracket_body.h holds the fused counting and binning scan; it is included
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

#if defined(__x86_64__)
#include <immintrin.h>

// AVX-512's own version of the common shapes (up to 3 brackets and 4
// thresholds), written with mask registers: a comparison gives a mask and a
// masked add counts it, and a register with a value inside a bracket is found
// by one test of a mask (the generic body's reductions across a register cost
// more than its comparisons here), and the thresholds above the lowest are
// compared only in a register with a value above it. The same counts as every
// other version.
static inline __attribute__((always_inline, target("avx512f"))) void
band_scan_avx512_masks(const double *restrict values,
                       const double *restrict scales, const int scaled,
                       int64_t n, const double *restrict thresholds,
                       const int32_t nt, const uint32_t *restrict low_keys,
                       const int64_t *restrict spans,
                       const int64_t *restrict offsets, const int32_t nb,
                       int64_t *restrict below, int64_t *restrict under_high,
                       int64_t *restrict above, int64_t *restrict zeros,
                       int64_t *restrict counts) {
  const __m512i one = _mm512_set1_epi64(1);
  const __m512d zero = _mm512_setzero_pd();
  double lows[3], highs[3];
  __m512d low[3], high[3], level[4];
  __m512i lt[3], uh[3], gt[4], nonpositive = _mm512_setzero_si512();
  band_edges(low_keys, spans, nb, lows, highs);
  for (int32_t b = 0; b < nb; b++) {
    low[b] = _mm512_set1_pd(lows[b]);
    high[b] = _mm512_set1_pd(highs[b]);
    lt[b] = uh[b] = _mm512_setzero_si512();
  }
  // The lowest threshold, and whether every threshold is a number: then a
  // register with no value above the lowest has none above any, and the
  // others are not compared (most times of a run are below every threshold).
  int32_t lowest = 0, ordered = 1;
  for (int32_t t = 0; t < nt; t++) {
    level[t] = _mm512_set1_pd(thresholds[t]);
    gt[t] = _mm512_setzero_si512();
    ordered &= thresholds[t] == thresholds[t];
    if (thresholds[t] < thresholds[lowest]) lowest = t;
  }
  int64_t i = 0;
  for (; i + 8 <= n; i += 8) {
    __m512d v = _mm512_loadu_pd(values + i);
    if (scaled)
      v = _mm512_add_pd(_mm512_mul_pd(v, _mm512_loadu_pd(scales + i)), zero);
    nonpositive = _mm512_mask_add_epi64(
        nonpositive, _mm512_cmp_pd_mask(v, zero, _CMP_LE_OQ), nonpositive, one);
    __mmask8 inside[3], any = 0;
    for (int32_t b = 0; b < nb; b++) {
      const __mmask8 l = _mm512_cmp_pd_mask(v, low[b], _CMP_LT_OQ);
      const __mmask8 h = _mm512_cmp_pd_mask(v, high[b], _CMP_LT_OQ);
      lt[b] = _mm512_mask_add_epi64(lt[b], l, lt[b], one);
      uh[b] = _mm512_mask_add_epi64(uh[b], h, uh[b], one);
      inside[b] = (__mmask8)(h & ~l);
      any |= inside[b];
    }
    if (nt > 0) {
      const __mmask8 above_lowest =
          _mm512_cmp_pd_mask(v, level[lowest], _CMP_GT_OQ);
      gt[lowest] =
          _mm512_mask_add_epi64(gt[lowest], above_lowest, gt[lowest], one);
      if (above_lowest || !ordered)
        for (int32_t t = 0; t < nt; t++)
          if (t != lowest)
            gt[t] = _mm512_mask_add_epi64(
                gt[t], _mm512_cmp_pd_mask(v, level[t], _CMP_GT_OQ), gt[t],
                one);
    }
    if (any) {
      uint64_t keys[8];
      _mm512_storeu_si512(
          keys, _mm512_srli_epi64(_mm512_castpd_si512(v), KS_BIN_SHIFT));
      for (int32_t b = 0; b < nb; b++) {
        int64_t *restrict slots = counts + offsets[b] - (int64_t)low_keys[b];
        for (unsigned m = inside[b]; m; m &= m - 1)
          slots[keys[__builtin_ctz(m)]]++;
      }
    }
  }
  int64_t z = _mm512_reduce_add_epi64(nonpositive);
  int64_t lt_s[3], uh_s[3], gt_s[4];
  for (int32_t b = 0; b < nb; b++) {
    lt_s[b] = _mm512_reduce_add_epi64(lt[b]);
    uh_s[b] = _mm512_reduce_add_epi64(uh[b]);
  }
  for (int32_t t = 0; t < nt; t++) gt_s[t] = _mm512_reduce_add_epi64(gt[t]);
  band_scan_tail(values, scales, scaled, i, n, thresholds, nt, lows, highs,
                 low_keys, spans, offsets, nb, z, lt_s, uh_s, gt_s, below,
                 under_high, above, zeros, counts);
}

// The mask version of a common shape; 0 for the others.
static __attribute__((target("avx512f"))) int
band_scan_avx512_common(const double *values, const double *scales, int64_t n,
                        const double *thresholds, int32_t nt,
                        const uint32_t *low_keys, const int64_t *spans,
                        const int64_t *offsets, int32_t nb, int64_t *below,
                        int64_t *under_high, int64_t *above, int64_t *zeros,
                        int64_t *counts) {
  KS_BAND_SHAPES(band_scan_avx512_masks)
}
#endif

void ks_band_scan_isa(const double *values, const double *scales, int64_t n,
                      const double *thresholds, int32_t threshold_count,
                      const uint32_t *low_keys, const int64_t *spans,
                      const int64_t *offsets, int32_t bracket_count,
                      int64_t *below, int64_t *under_high, int64_t *above,
                      int64_t *zeros, int64_t *counts, ks_isa isa) {
  switch (isa) {
#if defined(__x86_64__)
  case KS_ISA_AVX512:
    if (band_scan_avx512_common(values, scales, n, thresholds, threshold_count,
                                low_keys, spans, offsets, bracket_count,
                                below, under_high, above, zeros, counts))
      return;
    band_scan_avx512(values, scales, n, thresholds, threshold_count, low_keys,
                     spans, offsets, bracket_count, below, under_high, above,
                     zeros, counts);
    return;
  case KS_ISA_AVX2:
    band_scan_avx2(values, scales, n, thresholds, threshold_count, low_keys,
                   spans, offsets, bracket_count, below, under_high, above,
                   zeros, counts);
    return;
#endif
  default:
    band_scan_sse2(values, scales, n, thresholds, threshold_count, low_keys,
                   spans, offsets, bracket_count, below, under_high, above,
                   zeros, counts);
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
