// Read-out loops over lane rows. Plain loops with restrict pointers and
// branch-free selects, so that clang vectorises them across lanes (or, for
// the superposition summary, across steps) at every target CPU.

#include "kb_reduce.h"

#include <stddef.h>

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

void kb_superposition_summary(const double *restrict response, int64_t count,
                              int64_t shift, double factor,
                              const double *restrict levels,
                              int32_t level_count, double *restrict peak,
                              double *restrict peak_step,
                              double *restrict above) {
  double best = -1.0 / 0.0;
  int64_t best_step = 0;
  double counts[KB_MAX_LEVELS] = {0};
  const int32_t m = level_count < KB_MAX_LEVELS ? level_count : KB_MAX_LEVELS;
  // Rising part (k < shift): no second term.
  const int64_t split = shift < count ? shift : count;
  for (int pass = 0; pass < 2; pass++) {
    const int64_t begin = pass == 0 ? 0 : split;
    const int64_t end = pass == 0 ? split : count;
    // The peak: largest value, first step reaching it.
    for (int64_t k = begin; k < end; k++) {
      const double v =
          factor * (pass == 0 ? response[k] : response[k] - response[k - shift]);
      if (v > best) {
        best = v;
        best_step = k;
      }
    }
    for (int32_t j = 0; j < m; j++) {
      const double level = levels[j];
      double c = 0;
      for (int64_t k = begin; k < end; k++) {
        const double v = factor * (pass == 0 ? response[k]
                                             : response[k] - response[k - shift]);
        c += v > level ? 1.0 : 0.0;
      }
      counts[j] += c;
    }
  }
  *peak = best;
  *peak_step = (double)best_step;
  for (int32_t j = 0; j < m; j++) above[j] = counts[j];
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
