// Binning kernel of the population bands. See ks_bins.h.

#include "ks_bins.h"

#include <math.h>
#include <string.h>

void ks_bin_values(const double *restrict values, int64_t n,
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
