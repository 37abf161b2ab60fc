// The bands' bracket scan, compiled once per instruction set: ks_bins.c
// defines KS_BRACKET_SUFFIX (the versions' names end in it) and
// KS_BRACKET_WIDTH (doubles per register), switches the target on, and
// includes this file. Every count is a comparison of doubles and every bin a
// bit pattern, so every version gives the same counts.

#if !defined(KS_BRACKET_SUFFIX) || !defined(KS_BRACKET_WIDTH)
#error "define KS_BRACKET_SUFFIX and KS_BRACKET_WIDTH before including ks_bracket_body.h"
#endif

#define KS_BR_CAT2(a, b) a##_##b
#define KS_BR_CAT(a, b) KS_BR_CAT2(a, b)
#define KS_BR(name) KS_BR_CAT(name, KS_BRACKET_SUFFIX)

typedef double KS_BR(ks_vd) __attribute__((ext_vector_type(KS_BRACKET_WIDTH)));
typedef int64_t KS_BR(ks_vl) __attribute__((ext_vector_type(KS_BRACKET_WIDTH)));
typedef uint64_t KS_BR(ks_vu) __attribute__((ext_vector_type(KS_BRACKET_WIDTH)));

// The common shapes (up to 3 brackets and 4 thresholds: the default 5/50/95 %
// bands and four thresholds) in one pass, one register of values at a time.
// With the counts known at compile time the inner loops unroll and every
// counter is a register; a comparison's lanes are -1 or 0, so subtracting
// counts. A register with a value inside a bracket (a few per cent of them: a
// bracket is a few bins around one percentile) goes on to count the bins of
// its lanes inside (their keys minus the bracket's low key). The values after
// the last whole register, and the sums into the outputs, are
// band_scan_tail's (ks_bins.c), shared by every version.
#define KS_FUSED_BRACKETS 3
#define KS_FUSED_THRESHOLDS 4

static inline __attribute__((always_inline)) void KS_BR(band_scan_fused)(
    const double *restrict values, const double *restrict scales,
    const int scaled, int64_t n, const double *restrict thresholds,
    const int32_t nt, const uint32_t *restrict low_keys,
    const int64_t *restrict spans, const int64_t *restrict offsets,
    const int32_t nb, int64_t *restrict below, int64_t *restrict under_high,
    int64_t *restrict above, int64_t *restrict zeros,
    int64_t *restrict counts) {
  typedef KS_BR(ks_vd) vd;
  typedef KS_BR(ks_vl) vl;
  typedef KS_BR(ks_vu) vu;
  double lows[KS_FUSED_BRACKETS + 1], highs[KS_FUSED_BRACKETS + 1];
  band_edges(low_keys, spans, nb, lows, highs);
  vl lt[KS_FUSED_BRACKETS + 1], uh[KS_FUSED_BRACKETS + 1],
      gt[KS_FUSED_THRESHOLDS + 1];
  for (int32_t b = 0; b < nb; b++) lt[b] = uh[b] = (vl)0;
  for (int32_t t = 0; t < nt; t++) gt[t] = (vl)0;
  vl nonpositive = (vl)0;
  int64_t i = 0;
  for (; i + KS_BRACKET_WIDTH <= n; i += KS_BRACKET_WIDTH) {
    vd v;
    memcpy(&v, values + i, sizeof v);
    if (scaled) {
      vd s;
      memcpy(&s, scales + i, sizeof s);
      v = v * s + 0.0;
    }
    nonpositive -= v <= 0;
    vl inside[KS_FUSED_BRACKETS + 1], any = (vl)0;
    for (int32_t b = 0; b < nb; b++) {
      const vl l = v < lows[b], h = v < highs[b];
      lt[b] -= l;
      uh[b] -= h;
      inside[b] = ~l & h;
      any |= inside[b];
    }
    for (int32_t t = 0; t < nt; t++) gt[t] -= v > thresholds[t];
    if (nb > 0 && __builtin_reduce_or(any)) {
      // The register's bin keys once, then a count for each lane inside.
      const vu keys = __builtin_bit_cast(vu, v) >> KS_BIN_SHIFT;
      for (int32_t b = 0; b < nb; b++) {
        if (!__builtin_reduce_or(inside[b])) continue;
        const vu bins = keys - (vu)(uint64_t)low_keys[b];
        int64_t *restrict slots = counts + offsets[b];
        for (int32_t j = 0; j < KS_BRACKET_WIDTH; j++)
          if (inside[b][j]) slots[bins[j]]++;
      }
    }
  }
  int64_t z = __builtin_reduce_add(nonpositive);
  int64_t lt_s[KS_FUSED_BRACKETS + 1], uh_s[KS_FUSED_BRACKETS + 1],
      gt_s[KS_FUSED_THRESHOLDS + 1];
  for (int32_t b = 0; b < nb; b++) {
    lt_s[b] = __builtin_reduce_add(lt[b]);
    uh_s[b] = __builtin_reduce_add(uh[b]);
  }
  for (int32_t t = 0; t < nt; t++) gt_s[t] = __builtin_reduce_add(gt[t]);
  band_scan_tail(values, scales, scaled, i, n, thresholds, nt, lows, highs,
                 low_keys, spans, offsets, nb, z, lt_s, uh_s, gt_s, below,
                 under_high, above, zeros, counts);
}

// Other shapes: one plain loop per count, which clang vectorises, then the
// bins value by value.
static inline __attribute__((always_inline)) void KS_BR(band_scan_loops)(
    const double *restrict values, const double *restrict scales, int64_t n,
    const double *restrict thresholds, int32_t nt,
    const uint32_t *restrict low_keys, const int64_t *restrict spans,
    const int64_t *restrict offsets, int32_t nb, int64_t *restrict below,
    int64_t *restrict under_high, int64_t *restrict above,
    int64_t *restrict zeros, int64_t *restrict counts) {
#define KS_BR_VALUE(i) (scales ? values[i] * scales[i] + 0.0 : values[i])
  int64_t z = 0;
  for (int64_t i = 0; i < n; i++) z += KS_BR_VALUE(i) <= 0;
  *zeros += z;
  for (int32_t b = 0; b < nb; b++) {
    double low, high;
    band_edges(low_keys + b, spans + b, 1, &low, &high);
    int64_t under_low = 0, under = 0;
    for (int64_t i = 0; i < n; i++) {
      const double v = KS_BR_VALUE(i);
      under_low += v < low;
      under += v < high;
    }
    below[b] += under_low;
    under_high[b] += under;
  }
  for (int32_t t = 0; t < nt; t++) {
    const double level = thresholds[t];
    int64_t count = 0;
    for (int64_t i = 0; i < n; i++) count += KS_BR_VALUE(i) > level;
    above[t] += count;
  }
  if (nb > 0) {
    for (int64_t i = 0; i < n; i++)
      band_bin_value(KS_BR_VALUE(i), low_keys, spans, offsets, nb, counts);
  }
#undef KS_BR_VALUE
}

// The fused pass of a common shape (KS_BAND_SHAPES, ks_bins.c); 0 for the
// others.
static int KS_BR(band_scan_common)(const double *values, const double *scales,
                                   int64_t n, const double *thresholds,
                                   int32_t nt, const uint32_t *low_keys,
                                   const int64_t *spans, const int64_t *offsets,
                                   int32_t nb, int64_t *below,
                                   int64_t *under_high, int64_t *above,
                                   int64_t *zeros, int64_t *counts) {
  KS_BAND_SHAPES(KS_BR(band_scan_fused))
}

// The fused pass specialised on (brackets, thresholds, scaled), else the
// loops.
static void KS_BR(band_scan)(const double *values, const double *scales,
                             int64_t n, const double *thresholds, int32_t nt,
                             const uint32_t *low_keys, const int64_t *spans,
                             const int64_t *offsets, int32_t nb,
                             int64_t *below, int64_t *under_high,
                             int64_t *above, int64_t *zeros, int64_t *counts) {
  if (KS_BR(band_scan_common)(values, scales, n, thresholds, nt, low_keys,
                              spans, offsets, nb, below, under_high, above,
                              zeros, counts))
    return;
  KS_BR(band_scan_loops)(values, scales, n, thresholds, nt, low_keys, spans,
                         offsets, nb, below, under_high, above, zeros, counts);
}

#undef KS_FUSED_BRACKETS
#undef KS_FUSED_THRESHOLDS
#undef KS_BR
#undef KS_BR_CAT
#undef KS_BR_CAT2
