// Read-out loops over lane rows. Plain loops with restrict pointers and
// branch-free selects, so that clang vectorises them across lanes (or, for
// the superposition summary, across steps) at every target CPU.

#include "kb_reduce.h"

#include <stddef.h>

#if defined(__AVX512F__)
#include <immintrin.h>
#endif

void kb_summary_update(const double *restrict rows, int64_t count,
                       int64_t stride, int64_t lanes,
                       const double *restrict scale, int64_t first_step,
                       double *restrict peak, double *restrict peak_step,
                       const double *restrict levels, int32_t level_count,
                       double *restrict above) {
  for (int64_t k = 0; k < count; k++) {
    const double *restrict row = rows + k * stride;
    const double step = (double)(first_step + k);
    for (int64_t l = 0; l < lanes; l++) {
      const double v = row[l] * scale[l];
      const int higher = v > peak[l];
      peak[l] = higher ? v : peak[l];
      peak_step[l] = higher ? step : peak_step[l];
    }
    for (int32_t j = 0; j < level_count; j++) {
      const double level = levels[j];
      double *restrict counts = above + (int64_t)j * lanes;
      for (int64_t l = 0; l < lanes; l++)
        counts[l] += row[l] * scale[l] > level ? 1.0 : 0.0;
    }
  }
}

static inline double superposed(const double *restrict response, int64_t k,
                                int64_t shift, double factor) {
  return factor * (k < shift ? response[k] : response[k] - response[k - shift]);
}

void kb_superposition_summary(const double *restrict response, int64_t count,
                              int64_t shift, double factor,
                              const double *restrict levels,
                              int32_t level_count, double *restrict peak,
                              double *restrict peak_step,
                              double *restrict above) {
  const int32_t m = level_count < KB_MAX_LEVELS ? level_count : KB_MAX_LEVELS;
  // Two ranges without a branch inside: k < shift (rising) and k >= shift.
  const int64_t split = shift < count ? shift : count;
  double best = -1.0 / 0.0;
  // A max is exact in any order, so the loops may be vectorised (fmax: no
  // NaNs here).
#pragma clang loop vectorize(enable)
  for (int64_t k = 0; k < split; k++) {
    const double v = factor * response[k];
    best = __builtin_fmax(best, v);
  }
#pragma clang loop vectorize(enable)
  for (int64_t k = split; k < count; k++) {
    const double v = factor * (response[k] - response[k - shift]);
    best = __builtin_fmax(best, v);
  }
  // The first step that reaches it (the values are recomputed identically).
  int64_t best_step = 0;
  while (best_step < count && superposed(response, best_step, shift, factor) != best) best_step++;
  for (int32_t j = 0; j < m; j++) {
    const double level = levels[j];
    int64_t c = 0;
    for (int64_t k = 0; k < split; k++) c += factor * response[k] > level;
    for (int64_t k = split; k < count; k++) c += factor * (response[k] - response[k - shift]) > level;
    above[j] = (double)c;
  }
  *peak = best;
  *peak_step = (double)best_step;
}

int kb_shape_sweep(const double *restrict response, int64_t count,
                   int64_t shift, const double *restrict factors,
                   int64_t doses, const double *restrict levels,
                   int32_t level_count, double *restrict shape,
                   double *restrict peak, double *restrict peak_step,
                   double *restrict above) {
  for (int64_t k = 0; k < count; k++)
    shape[k] = k < shift ? response[k] : response[k] - response[k - shift];
  // The first maximum, and the check that the shape rises to it and falls.
  int64_t top = 0;
  for (int64_t k = 1; k < count; k++)
    if (shape[k] > shape[top]) top = k;
  for (int64_t k = 1; k <= top; k++)
    if (shape[k] < shape[k - 1]) return 1;
  for (int64_t k = top + 1; k < count; k++)
    if (shape[k] > shape[k - 1]) return 1;
  for (int64_t d = 0; d < doses; d++) {
    const double f = factors[d];
    // fl(f * g) is non-decreasing in g for f > 0: the runs stay monotone.
    const double best = f * shape[top];
    // First k <= top with f * g[k] >= best (it is == best).
    int64_t lo = 0, hi = top;
    while (lo < hi) {
      const int64_t mid = lo + (hi - lo) / 2;
      if (f * shape[mid] >= best) hi = mid; else lo = mid + 1;
    }
    peak[d] = best;
    peak_step[d] = (double)lo;
    for (int32_t j = 0; j < level_count; j++) {
      const double level = levels[j];
      // Rising run [0, top]: first index above the level.
      int64_t a = 0, b = top + 1;
      while (a < b) {
        const int64_t mid = a + (b - a) / 2;
        if (f * shape[mid] > level) b = mid; else a = mid + 1;
      }
      const int64_t rising = top + 1 - a;
      // Falling run (top, count): first index not above the level.
      int64_t c = top + 1, e = count;
      while (c < e) {
        const int64_t mid = c + (e - c) / 2;
        if (f * shape[mid] > level) c = mid + 1; else e = mid;
      }
      const int64_t falling = c - (top + 1);
      above[(int64_t)j * doses + d] = (double)(rising + falling);
    }
  }
  return 0;
}

void kb_scale_row(const double *restrict row, const double *restrict scale,
                  int64_t lanes, double *restrict out) {
  for (int64_t l = 0; l < lanes; l++) out[l] = row[l] * scale[l];
}

void kb_count_edges(const double *restrict values, int64_t n,
                    const double *restrict edges, int32_t edge_count,
                    int64_t *restrict below, int64_t *restrict at_most) {
  for (int32_t j = 0; j < edge_count; j++) {
    const double e = edges[j];
    int64_t lt = 0, le = 0;
    for (int64_t i = 0; i < n; i++) {
      lt += values[i] < e;
      le += values[i] <= e;
    }
    below[j] = lt;
    at_most[j] = le;
  }
}

int64_t kb_gather_between(const double *restrict values, int64_t n, double low,
                          double high, double *restrict out,
                          int64_t capacity) {
  int64_t found = 0;
  for (int64_t i = 0; i < n; i++) {
    const double v = values[i];
    if (v >= low && v <= high) {
      if (found < capacity) out[found] = v;
      found++;
    }
  }
  return found;
}

static void sift_down(double *v, int64_t root, int64_t n) {
  for (;;) {
    int64_t child = 2 * root + 1;
    if (child >= n) return;
    if (child + 1 < n && v[child + 1] > v[child]) child++;
    if (v[root] >= v[child]) return;
    const double t = v[root];
    v[root] = v[child];
    v[child] = t;
    root = child;
  }
}

void kb_sort(double *values, int64_t n) {
  if (n <= 64) {
    for (int64_t i = 1; i < n; i++) {
      const double x = values[i];
      int64_t j = i;
      while (j > 0 && values[j - 1] > x) {
        values[j] = values[j - 1];
        j--;
      }
      values[j] = x;
    }
    return;
  }
  for (int64_t root = n / 2 - 1; root >= 0; root--) sift_down(values, root, n);
  for (int64_t end = n - 1; end > 0; end--) {
    const double t = values[0];
    values[0] = values[end];
    values[end] = t;
    sift_down(values, 0, end);
  }
}

#if defined(__AVX512F__)
// AVX-512: eight values per step; the in-bracket values are written with a
// masked compress store, counts come from mask popcounts.
void kb_bracket_pass(const double *restrict row, const double *restrict scale,
                     int64_t n, const double *restrict low,
                     const double *restrict high, int32_t bracket_count,
                     double *restrict out, int64_t capacity,
                     int64_t *restrict below, int64_t *restrict at_most,
                     int64_t *restrict found, const double *restrict levels,
                     int32_t level_count, int64_t *restrict above) {
  const int32_t nb = bracket_count < KB_MAX_BRACKETS ? bracket_count : KB_MAX_BRACKETS;
  const int32_t nl = level_count < KB_MAX_LEVELS ? level_count : KB_MAX_LEVELS;
  int64_t lt[KB_MAX_BRACKETS] = {0}, le[KB_MAX_BRACKETS] = {0}, got[KB_MAX_BRACKETS] = {0};
  int64_t gt[KB_MAX_LEVELS] = {0};
  __m512d lo[KB_MAX_BRACKETS], hi[KB_MAX_BRACKETS], lv[KB_MAX_LEVELS];
  for (int32_t b = 0; b < nb; b++) {
    lo[b] = _mm512_set1_pd(low[b]);
    hi[b] = _mm512_set1_pd(high[b]);
  }
  for (int32_t j = 0; j < nl; j++) lv[j] = _mm512_set1_pd(levels[j]);
  int64_t i = 0;
  for (; i + 8 <= n; i += 8) {
    const __m512d v = _mm512_mul_pd(_mm512_loadu_pd(row + i), _mm512_loadu_pd(scale + i));
    for (int32_t b = 0; b < nb; b++) {
      const __mmask8 ge = _mm512_cmp_pd_mask(v, lo[b], _CMP_GE_OQ);
      const __mmask8 le_hi = _mm512_cmp_pd_mask(v, hi[b], _CMP_LE_OQ);
      const __mmask8 inside = ge & le_hi;
      lt[b] += 8 - __builtin_popcount(ge);
      le[b] += __builtin_popcount(le_hi);
      if (inside) {
        const int k = __builtin_popcount(inside);
        if (got[b] + k <= capacity)
          _mm512_mask_compressstoreu_pd(out + b * capacity + got[b], inside, v);
        got[b] += k;
      }
    }
    for (int32_t j = 0; j < nl; j++)
      gt[j] += __builtin_popcount(_mm512_cmp_pd_mask(v, lv[j], _CMP_GT_OQ));
  }
  for (; i < n; i++) {
    const double v = row[i] * scale[i];
    for (int32_t b = 0; b < nb; b++) {
      lt[b] += v < low[b];
      le[b] += v <= high[b];
      if (v >= low[b] && v <= high[b]) {
        if (got[b] < capacity) out[b * capacity + got[b]] = v;
        got[b]++;
      }
    }
    for (int32_t j = 0; j < nl; j++) gt[j] += v > levels[j];
  }
  for (int32_t b = 0; b < nb; b++) {
    below[b] = lt[b];
    at_most[b] = le[b];
    found[b] = got[b];
  }
  for (int32_t j = 0; j < nl; j++) above[j] = gt[j];
}
#else
// Portable: vectorisable counting loops, then a branch-free gather.
void kb_bracket_pass(const double *restrict row, const double *restrict scale,
                     int64_t n, const double *restrict low,
                     const double *restrict high, int32_t bracket_count,
                     double *restrict out, int64_t capacity,
                     int64_t *restrict below, int64_t *restrict at_most,
                     int64_t *restrict found, const double *restrict levels,
                     int32_t level_count, int64_t *restrict above) {
  const int32_t nb = bracket_count < KB_MAX_BRACKETS ? bracket_count : KB_MAX_BRACKETS;
  const int32_t nl = level_count < KB_MAX_LEVELS ? level_count : KB_MAX_LEVELS;
  for (int32_t b = 0; b < nb; b++) {
    const double a = low[b], z = high[b];
    int64_t lt = 0, le = 0;
    for (int64_t i = 0; i < n; i++) {
      const double v = row[i] * scale[i];
      lt += v < a;
      le += v <= z;
    }
    below[b] = lt;
    at_most[b] = le;
    // Branch-free: always write, advance only for values inside. Stops
    // writing at `capacity`, keeps counting.
    double *restrict dest = out + b * capacity;
    int64_t got = 0;
    for (int64_t i = 0; i < n; i++) {
      const double v = row[i] * scale[i];
      const int64_t keep = (v >= a) & (v <= z);
      if (got < capacity) dest[got] = v;
      got += keep;
    }
    found[b] = got;
  }
  for (int32_t j = 0; j < nl; j++) {
    const double level = levels[j];
    int64_t gt = 0;
    for (int64_t i = 0; i < n; i++) gt += row[i] * scale[i] > level;
    above[j] = gt;
  }
}
#endif
