// BLAS lane kernel. See ks_kernels.h for the layout contract.
//
// Shared system: the augmented matrix W = [x; u] ((m+1) x stride) is updated
// by one dgemm per step, W'[0..m) = [Phi | Gamma] W, ping-ponging between the
// two halves of `work`. Per-lane system: a Hadamard recursion expressed with
// dsbmv at band width 0 (a diagonal matrix times a vector), the only BLAS
// primitive that multiplies element by element.

#include "ks_kernels.h"

#include <cblas.h>
#include <string.h>

static void record(const ks_lane_problem *p, const double *x, int64_t k) {
  const int64_t ld = p->stride;
  for (int o = 0; o < p->observed_count; o++)
    memcpy(p->output + (k * p->observed_count + o) * ld,
           x + (int64_t)p->observed[o] * ld, (size_t)p->lanes * sizeof(double));
}

static void load_rate(const ks_lane_problem *p, int64_t k, double *row) {
  const int64_t n = p->lanes;
  if (p->rate == NULL) {
    memset(row, 0, (size_t)n * sizeof(double));
  } else if (p->rate_mode == KS_RATE_HELD) {
    memcpy(row, p->rate, (size_t)n * sizeof(double));
  } else if (p->rate_mode == KS_RATE_PER_STEP) {
    memcpy(row, p->rate + k * p->stride, (size_t)n * sizeof(double));
  } else {
    const double r = p->rate[k];
    for (int64_t l = 0; l < n; l++) row[l] = r;
  }
}

static void advance_shared(const ks_lane_problem *p, double *state,
                           double *work) {
  const int m = p->states;
  const int64_t ld = p->stride, n = p->lanes;
  double a[KS_MAX_STATES * (KS_MAX_STATES + 1)];
  for (int i = 0; i < m; i++) {
    for (int j = 0; j < m; j++) a[i * (m + 1) + j] = p->phi[i * m + j];
    a[i * (m + 1) + m] = p->gamma[i];
  }
  double *cur = work, *nxt = work + (int64_t)(m + 1) * ld;
  for (int i = 0; i < m; i++)
    memcpy(cur + i * ld, state + i * ld, (size_t)n * sizeof(double));
  for (int64_t k = 0; k < p->steps; k++) {
    load_rate(p, k, cur + (int64_t)m * ld);
    cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, m, (int)n, m + 1,
                1.0, a, m + 1, cur, (int)ld, 0.0, nxt, (int)ld);
    double *t = cur; cur = nxt; nxt = t;
    record(p, cur, k);
  }
  for (int i = 0; i < m; i++)
    memcpy(state + i * ld, cur + i * ld, (size_t)n * sizeof(double));
}

static void advance_per_lane(const ks_lane_problem *p, double *state,
                             double *work) {
  const int m = p->states;
  const int64_t ld = p->stride, n = p->lanes;
  double *cur = work, *nxt = work + (int64_t)(m + 1) * ld;
  for (int i = 0; i < m; i++)
    memcpy(cur + i * ld, state + i * ld, (size_t)n * sizeof(double));
  for (int64_t k = 0; k < p->steps; k++) {
    double *u = cur + (int64_t)m * ld;
    load_rate(p, k, u);
    for (int i = 0; i < m; i++) {
      double *y = nxt + i * ld;
      cblas_dsbmv(CblasRowMajor, CblasUpper, (int)n, 0, 1.0,
                  p->gamma + i * ld, 1, u, 1, 0.0, y, 1);
      for (int j = 0; j < m; j++)
        cblas_dsbmv(CblasRowMajor, CblasUpper, (int)n, 0, 1.0,
                    p->phi + (int64_t)(i * m + j) * ld, 1, cur + j * ld, 1,
                    1.0, y, 1);
    }
    double *t = cur; cur = nxt; nxt = t;
    record(p, cur, k);
  }
  for (int i = 0; i < m; i++)
    memcpy(state + i * ld, cur + i * ld, (size_t)n * sizeof(double));
}

void ks_advance_blas(const ks_lane_problem *p, double *state, double *work) {
  if (p->per_lane_system)
    advance_per_lane(p, state, work);
  else
    advance_shared(p, state, work);
}

const char *ks_blas_core_name(void) { return openblas_get_corename(); }

void ks_blas_set_threads(int threads) { openblas_set_num_threads(threads); }
