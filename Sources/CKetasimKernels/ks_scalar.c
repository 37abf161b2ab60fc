// Scalar reference kernel: lane by lane, step by step. It exists so that the
// tiled and BLAS kernels can be checked against the plainest possible loop.

#include "ks_kernels.h"

#include <stddef.h>

// Never fuse a*b+c (even in a -march build with FMA): the tiled kernel's
// versions do not, and they must match this loop bit for bit.
#pragma clang fp contract(off)

void ks_advance_scalar(const ks_lane_problem *p, double *state) {
  const int m = p->states;
  const int64_t ld = p->stride;
  for (int64_t l = 0; l < p->lanes; l++) {
    double x[KS_MAX_STATES], next[KS_MAX_STATES];
    for (int i = 0; i < m; i++) x[i] = state[i * ld + l];
    for (int64_t k = 0; k < p->steps; k++) {
      double u = 0.0;
      if (p->rate != NULL)
        u = p->rate_mode == KS_RATE_HELD       ? p->rate[l]
            : p->rate_mode == KS_RATE_PER_STEP ? p->rate[k * ld + l]
                                               : p->rate[k];
      for (int i = 0; i < m; i++) {
        double g = p->per_lane_system ? p->gamma[i * ld + l] : p->gamma[i];
        double acc = g * u;
        for (int j = 0; j < m; j++) {
          double f = p->per_lane_system ? p->phi[(i * m + j) * ld + l]
                                        : p->phi[i * m + j];
          acc += f * x[j];
        }
        next[i] = acc;
      }
      for (int i = 0; i < m; i++) x[i] = next[i];
      for (int o = 0; o < p->observed_count; o++)
        p->output[(k * p->observed_count + o) * ld + l] = x[p->observed[o]];
    }
    for (int i = 0; i < m; i++) state[i * ld + l] = x[i];
  }
}
