// BLAS lane kernel. See ks_kernels.h for the layout contract.
//
// Shared system: the augmented matrix W = [x; u] ((m+1) x stride) is updated
// by one dgemm per step, W'[0..m) = [Phi | Gamma] W, ping-ponging between the
// two halves of `work`. Per-lane system: a Hadamard recursion expressed with
// dsbmv at band width 0 (a diagonal matrix times a vector), the only BLAS
// primitive that multiplies element by element.

#include "ks_kernels.h"

#include <dlfcn.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

// MARK: OpenBLAS, loaded on first use
//
// OpenBLAS starts its thread pool when it is loaded, and the pool's threads
// spin (sched_yield) for about 2^28 clock ticks waiting for work: linked into
// the executable, that is ~0.1 s of CPU taken from every ketasim process,
// most of which never call BLAS (the tiled kernel serves them). So the
// library is opened only when a BLAS kernel first runs. ketasim parallelises
// above BLAS: the command-line front sets OPENBLAS_NUM_THREADS=1 (unless the
// environment sets it) before anything can load it.
//
// The four entry points used, with the CBLAS constants (the reference
// cblas.h values, which every CBLAS shares).
enum { KS_ROW_MAJOR = 101, KS_NO_TRANS = 111, KS_UPPER = 121 };

typedef struct ks_blas_api {
  void (*dgemm)(int order, int trans_a, int trans_b, int m, int n, int k,
                double alpha, const double *a, int lda, const double *b,
                int ldb, double beta, double *c, int ldc);
  void (*dsbmv)(int order, int uplo, int n, int k, double alpha,
                const double *a, int lda, const double *x, int incx,
                double beta, double *y, int incy);
  char *(*core_name)(void);
  void (*set_threads)(int threads);
} ks_blas_api;

static ks_blas_api blas_api;
static pthread_once_t blas_once = PTHREAD_ONCE_INIT;

static void *blas_symbol(void *library, const char *name) {
  void *symbol = dlsym(library, name);
  if (symbol == NULL) {
    fprintf(stderr, "ketasim: OpenBLAS (libopenblas.so.0) has no %s\n", name);
    abort();
  }
  return symbol;
}

static void blas_load(void) {
  void *library = dlopen("libopenblas.so.0", RTLD_NOW | RTLD_LOCAL);
  if (library == NULL) {
    fprintf(stderr,
            "ketasim: cannot load OpenBLAS for the BLAS kernel (%s); install "
            "Debian's libopenblas0 (bash .ci/setup does)\n",
            dlerror());
    abort();
  }
  *(void **)&blas_api.dgemm = blas_symbol(library, "cblas_dgemm");
  *(void **)&blas_api.dsbmv = blas_symbol(library, "cblas_dsbmv");
  *(void **)&blas_api.core_name = blas_symbol(library, "openblas_get_corename");
  *(void **)&blas_api.set_threads = blas_symbol(library, "openblas_set_num_threads");
}

static const ks_blas_api *blas(void) {
  pthread_once(&blas_once, blas_load);
  return &blas_api;
}

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
    blas()->dgemm(KS_ROW_MAJOR, KS_NO_TRANS, KS_NO_TRANS, m, (int)n, m + 1,
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
      blas()->dsbmv(KS_ROW_MAJOR, KS_UPPER, (int)n, 0, 1.0,
                  p->gamma + i * ld, 1, u, 1, 0.0, y, 1);
      for (int j = 0; j < m; j++)
        blas()->dsbmv(KS_ROW_MAJOR, KS_UPPER, (int)n, 0, 1.0,
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

const char *ks_blas_core_name(void) { return blas()->core_name(); }

void ks_blas_set_threads(int threads) { blas()->set_threads(threads); }

// MARK: blocked formulation (shared system): `block` steps per GEMM.
//
// Over a block of B steps from state X0 (m x lanes) with inputs u_0..u_{B-1},
//   x_i = Phi^i X0 + sum_{j<i} Phi^{i-1-j} Gamma u_j      (i = 1..B)
// so the B observed rows and the end state are one product
//   [Y; X_B] = A [X0; U],  A = [O | T]  ((B*nobs + m) x (m + B)),
// O's rows C Phi^i and Phi^B, T's the lower-triangular impulse response.
// A is built once per block size and call. Per-step rates enter as a second
// GEMM (U is B rate rows); a shared or held rate is a rank-1 term added by
// loops.

typedef struct blocked_matrix {
  int block, rows, cols; // rows = block * nobs + m, cols = m + block
  double *a;             // row-major rows x cols
} blocked_matrix;

static int build_blocked(const ks_lane_problem *p, int block,
                         blocked_matrix *out) {
  const int m = p->states, nobs = p->observed_count;
  const int rows = block * nobs + m, cols = m + block;
  double *a = calloc((size_t)rows * (size_t)cols, sizeof(double));
  // powers[i] = Phi^i (i = 0..block), impulse[k] = Phi^k Gamma (k < block)
  double *powers =
      malloc((size_t)(block + 1) * (size_t)(m * m) * sizeof(double));
  double *impulse = malloc((size_t)block * (size_t)m * sizeof(double));
  if (a == NULL || powers == NULL || impulse == NULL) {
    free(a);
    free(powers);
    free(impulse);
    return 0;
  }
  for (int i = 0; i < m; i++)
    for (int j = 0; j < m; j++) powers[i * m + j] = i == j ? 1.0 : 0.0;
  for (int k = 1; k <= block; k++) {
    const double *prev = powers + (size_t)(k - 1) * (size_t)(m * m);
    double *next = powers + (size_t)k * (size_t)(m * m);
    for (int i = 0; i < m; i++)
      for (int j = 0; j < m; j++) {
        double s = 0.0;
        for (int t = 0; t < m; t++) s += p->phi[i * m + t] * prev[t * m + j];
        next[i * m + j] = s;
      }
  }
  for (int k = 0; k < block; k++) {
    const double *pk = powers + (size_t)k * (size_t)(m * m);
    for (int i = 0; i < m; i++) {
      double s = 0.0;
      for (int t = 0; t < m; t++) s += pk[i * m + t] * p->gamma[t];
      impulse[k * m + i] = s;
    }
  }
  for (int i = 1; i <= block; i++)
    for (int o = 0; o < nobs; o++) {
      double *row = a + (size_t)((i - 1) * nobs + o) * (size_t)cols;
      const int s = p->observed[o];
      const double *pi = powers + (size_t)i * (size_t)(m * m);
      for (int j = 0; j < m; j++) row[j] = pi[s * m + j];
      for (int j = 0; j < i; j++) row[m + j] = impulse[(i - 1 - j) * m + s];
    }
  for (int s = 0; s < m; s++) {
    double *row = a + (size_t)(block * nobs + s) * (size_t)cols;
    const double *pb = powers + (size_t)block * (size_t)(m * m);
    for (int j = 0; j < m; j++) row[j] = pb[s * m + j];
    for (int j = 0; j < block; j++)
      row[m + j] = impulse[(block - 1 - j) * m + s];
  }
  free(powers);
  free(impulse);
  *out = (blocked_matrix){block, rows, cols, a};
  return 1;
}

// Adds v[i] (or v[i] * r[l] when r is not NULL) to lane l of each of the
// `count` rows of `target`.
static void add_rank1(double *target, int64_t ld, int count, int64_t lanes,
                      const double *v, const double *r) {
  for (int i = 0; i < count; i++) {
    double *row = target + i * ld;
    const double c = v[i];
    if (r == NULL)
      for (int64_t l = 0; l < lanes; l++) row[l] += c;
    else
      for (int64_t l = 0; l < lanes; l++) row[l] += c * r[l];
  }
}

// One block from X0 = cur: the observed rows into the output (rows from step
// k0 on) and the end state into nxt. `v` holds bm->rows doubles.
static void advance_block(const ks_lane_problem *p, const blocked_matrix *bm,
                          int64_t k0, const double *cur, double *nxt,
                          double *v) {
  const int m = p->states, nobs = p->observed_count, b = bm->block;
  const int64_t ld = p->stride, n = p->lanes;
  const int yrows = b * nobs;
  double *y = nobs > 0 ? p->output + k0 * nobs * ld : NULL;
  const double *ay = bm->a, *ax = bm->a + (size_t)yrows * (size_t)bm->cols;
  if (yrows > 0)
    blas()->dgemm(KS_ROW_MAJOR, KS_NO_TRANS, KS_NO_TRANS, yrows, (int)n, m,
                1.0, ay, bm->cols, cur, (int)ld, 0.0, y, (int)ld);
  blas()->dgemm(KS_ROW_MAJOR, KS_NO_TRANS, KS_NO_TRANS, m, (int)n, m, 1.0, ax,
              bm->cols, cur, (int)ld, 0.0, nxt, (int)ld);
  if (p->rate == NULL) return;
  if (p->rate_mode == KS_RATE_PER_STEP) {
    const double *u = p->rate + k0 * ld;
    if (yrows > 0)
      blas()->dgemm(KS_ROW_MAJOR, KS_NO_TRANS, KS_NO_TRANS, yrows, (int)n, b,
                  1.0, ay + m, bm->cols, u, (int)ld, 1.0, y, (int)ld);
    blas()->dgemm(KS_ROW_MAJOR, KS_NO_TRANS, KS_NO_TRANS, m, (int)n, b, 1.0,
                ax + m, bm->cols, u, (int)ld, 1.0, nxt, (int)ld);
    return;
  }
  // Shared: v = T u (one value per row); held: v = T 1, times the held row.
  for (int r = 0; r < bm->rows; r++) {
    const double *row = bm->a + (size_t)r * (size_t)bm->cols + m;
    double s = 0.0;
    for (int j = 0; j < b; j++)
      s += row[j] * (p->rate_mode == KS_RATE_SHARED ? p->rate[k0 + j] : 1.0);
    v[r] = s;
  }
  const double *held = p->rate_mode == KS_RATE_HELD ? p->rate : NULL;
  if (yrows > 0) add_rank1(y, ld, yrows, n, v, held);
  add_rank1(nxt, ld, m, n, v + yrows, held);
}

int ks_advance_blas_blocked(const ks_lane_problem *p, double *state,
                            int block) {
  if (p->per_lane_system || block < 1) return 0;
  const int m = p->states;
  const int64_t ld = p->stride;
  const int64_t full = p->steps / block, rest = p->steps % block;
  blocked_matrix whole = {0}, tail = {0};
  // Padding lanes of the other state buffer stay zero (finite).
  double *other = calloc((size_t)m * (size_t)ld, sizeof(double));
  double *v = malloc((size_t)(block * p->observed_count + m) * sizeof(double));
  int ok = other != NULL && v != NULL;
  if (ok && full > 0) ok = build_blocked(p, block, &whole);
  if (ok && rest > 0) ok = build_blocked(p, (int)rest, &tail);
  if (ok) {
    double *cur = state, *nxt = other;
    for (int64_t b = 0; b < full; b++) {
      advance_block(p, &whole, b * block, cur, nxt, v);
      double *t = cur;
      cur = nxt;
      nxt = t;
    }
    if (rest > 0) {
      advance_block(p, &tail, full * block, cur, nxt, v);
      double *t = cur;
      cur = nxt;
      nxt = t;
    }
    if (cur != state)
      memcpy(state, cur, (size_t)m * (size_t)ld * sizeof(double));
  }
  free(whole.a);
  free(tail.a);
  free(other);
  free(v);
  return ok;
}
