// The bands' bracket scans, compiled once per instruction set: ks_bins.c
// defines KS_BRACKET_SUFFIX (the versions' names end in it) and
// KS_BRACKET_WIDTH (doubles per register), switches the target on, and
// includes this file. Every count is a comparison of doubles, so every
// version gives the same counts.

#if !defined(KS_BRACKET_SUFFIX) || !defined(KS_BRACKET_WIDTH)
#error "define KS_BRACKET_SUFFIX and KS_BRACKET_WIDTH before including ks_bracket_body.h"
#endif

#define KS_BR_CAT2(a, b) a##_##b
#define KS_BR_CAT(a, b) KS_BR_CAT2(a, b)
#define KS_BR(name) KS_BR_CAT(name, KS_BRACKET_SUFFIX)

typedef double KS_BR(ks_vd) __attribute__((ext_vector_type(KS_BRACKET_WIDTH)));
typedef int64_t KS_BR(ks_vl) __attribute__((ext_vector_type(KS_BRACKET_WIDTH)));

// The common shapes (up to 3 brackets and 4 thresholds: the default 5/50/95 %
// bands and four thresholds) in one pass over the values, one register of
// values at a time. With the counts known at compile time the inner loops
// unroll and every counter is a register; a comparison's lanes are -1 or 0,
// so subtracting counts.
#define KS_FUSED_BRACKETS 3
#define KS_FUSED_THRESHOLDS 4

static inline __attribute__((always_inline)) void KS_BR(bracket_count_fused)(
    const double *restrict values, int64_t n, const double *restrict thresholds,
    const int32_t nt, const double *restrict lows,
    const double *restrict highs, const int32_t nb, int64_t *restrict below,
    int64_t *restrict under_high, int64_t *restrict above,
    int64_t *restrict zeros) {
  typedef KS_BR(ks_vd) vd;
  typedef KS_BR(ks_vl) vl;
  vl lt[KS_FUSED_BRACKETS + 1], uh[KS_FUSED_BRACKETS + 1],
      gt[KS_FUSED_THRESHOLDS + 1];
  for (int32_t b = 0; b < nb; b++) lt[b] = uh[b] = (vl)0;
  for (int32_t t = 0; t < nt; t++) gt[t] = (vl)0;
  vl nonpositive = (vl)0;
  int64_t i = 0;
  for (; i + KS_BRACKET_WIDTH <= n; i += KS_BRACKET_WIDTH) {
    vd v;
    memcpy(&v, values + i, sizeof v);
    nonpositive -= v <= 0;
    for (int32_t b = 0; b < nb; b++) {
      lt[b] -= v < lows[b];
      uh[b] -= v < highs[b];
    }
    for (int32_t t = 0; t < nt; t++) gt[t] -= v > thresholds[t];
  }
  int64_t z = __builtin_reduce_add(nonpositive);
  int64_t lt_s[KS_FUSED_BRACKETS + 1], uh_s[KS_FUSED_BRACKETS + 1],
      gt_s[KS_FUSED_THRESHOLDS + 1];
  for (int32_t b = 0; b < nb; b++) {
    lt_s[b] = __builtin_reduce_add(lt[b]);
    uh_s[b] = __builtin_reduce_add(uh[b]);
  }
  for (int32_t t = 0; t < nt; t++) gt_s[t] = __builtin_reduce_add(gt[t]);
  for (; i < n; i++) {
    const double v = values[i];
    z += v <= 0;
    for (int32_t b = 0; b < nb; b++) {
      lt_s[b] += v < lows[b];
      uh_s[b] += v < highs[b];
    }
    for (int32_t t = 0; t < nt; t++) gt_s[t] += v > thresholds[t];
  }
  for (int32_t b = 0; b < nb; b++) {
    below[b] = lt_s[b];
    under_high[b] = uh_s[b];
  }
  for (int32_t t = 0; t < nt; t++) above[t] = gt_s[t];
  *zeros = z;
}

// Other shapes: one loop per count, each a plain reduction that clang
// vectorises; the values (one output time of every subject) stay in cache
// between the loops.
static inline __attribute__((always_inline)) void KS_BR(bracket_count_loops)(
    const double *restrict values, int64_t n, const double *restrict thresholds,
    int32_t nt, const double *restrict lows, const double *restrict highs,
    int32_t nb, int64_t *restrict below, int64_t *restrict under_high,
    int64_t *restrict above, int64_t *restrict zeros) {
  int64_t z = 0;
  for (int64_t i = 0; i < n; i++) z += values[i] <= 0;
  for (int32_t b = 0; b < nb; b++) {
    const double low = lows[b], high = highs[b];
    int64_t under_low = 0, under = 0;
    for (int64_t i = 0; i < n; i++) {
      under_low += values[i] < low;
      under += values[i] < high;
    }
    below[b] = under_low;
    under_high[b] = under;
  }
  for (int32_t t = 0; t < nt; t++) {
    const double level = thresholds[t];
    int64_t count = 0;
    for (int64_t i = 0; i < n; i++) count += values[i] > level;
    above[t] = count;
  }
  *zeros = z;
}

#define KS_FUSED_CASE(NB, NT)                                                 \
  case (NB) * 8 + (NT):                                                       \
    KS_BR(bracket_count_fused)(values, n, thresholds, NT, lows, highs, NB,    \
                               below, under_high, above, zeros);              \
    return;
#define KS_FUSED_CASES(NB)                                                    \
  KS_FUSED_CASE(NB, 0)                                                        \
  KS_FUSED_CASE(NB, 1)                                                        \
  KS_FUSED_CASE(NB, 2) KS_FUSED_CASE(NB, 3) KS_FUSED_CASE(NB, 4)

// The fused pass specialised on (brackets, thresholds) through a switch of
// constant arguments, else the loops.
static void KS_BR(bracket_count)(const double *values, int64_t n,
                                 const double *thresholds, int32_t nt,
                                 const double *lows, const double *highs,
                                 int32_t nb, int64_t *below,
                                 int64_t *under_high, int64_t *above,
                                 int64_t *zeros) {
  if (nb <= KS_FUSED_BRACKETS && nt <= KS_FUSED_THRESHOLDS) {
    switch (nb * 8 + nt) {
      KS_FUSED_CASES(0)
      KS_FUSED_CASES(1)
      KS_FUSED_CASES(2)
      KS_FUSED_CASES(3)
    default:
      break;
    }
  }
  KS_BR(bracket_count_loops)(values, n, thresholds, nt, lows, highs, nb, below,
                             under_high, above, zeros);
}

#undef KS_FUSED_CASES
#undef KS_FUSED_CASE
#undef KS_FUSED_BRACKETS
#undef KS_FUSED_THRESHOLDS

// Eight values at a time (one AVX-512 register, two AVX2, four SSE2) are
// tested against a bracket with comparisons of doubles; only a group with a
// value inside goes on to the per-value counts (a few per cent of the values:
// a bracket is a few bins around one percentile). A value's offset in the
// bracket is its key minus the bracket's low key as an unsigned number: below
// the bracket it wraps to a huge value, so one comparison tests both ends.
// The caller keeps every bracket within the keys of positive finite doubles,
// so no value <= 0 is in one.
typedef double KS_BR(ks_v8d) __attribute__((ext_vector_type(8)));
typedef int64_t KS_BR(ks_v8l) __attribute__((ext_vector_type(8)));

static void KS_BR(bracket_gather)(const double *restrict values, int64_t n,
                                  const uint32_t *restrict low_keys,
                                  const int64_t *restrict spans,
                                  const int64_t *restrict offsets, int32_t nb,
                                  int64_t *restrict counts) {
  typedef KS_BR(ks_v8d) v8d;
  typedef KS_BR(ks_v8l) v8l;
  for (int32_t b = 0; b < nb; b++) {
    const uint64_t low = low_keys[b], span = (uint64_t)spans[b];
    const uint64_t low_bits = low << KS_BIN_SHIFT, high_bits = (low + span) << KS_BIN_SHIFT;
    double low_edge, high_edge;
    memcpy(&low_edge, &low_bits, sizeof low_edge);
    memcpy(&high_edge, &high_bits, sizeof high_edge);
    int64_t *restrict bins = counts + offsets[b];
    for (int64_t i = 0; i < n; i += 8) {
      const int64_t end = n - i < 8 ? n : i + 8;
      if (end == i + 8) {
        v8d v;
        memcpy(&v, values + i, sizeof v);
        const v8l inside = (v >= low_edge) & (v < high_edge);
        if (!__builtin_reduce_or(inside)) continue;
      }
      for (int64_t j = i; j < end; j++) {
        uint64_t bits;
        memcpy(&bits, &values[j], sizeof bits);
        const uint64_t offset = (bits >> KS_BIN_SHIFT) - low;
        if (offset < span) bins[offset]++;
      }
    }
  }
}

#undef KS_BR
#undef KS_BR_CAT
#undef KS_BR_CAT2
