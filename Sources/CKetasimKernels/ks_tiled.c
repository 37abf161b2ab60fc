// Runtime CPU dispatch of the tiled kernel: one portable binary carries the
// SSE2, AVX2 and AVX-512 versions (ks_tiled_*.c, one source) and picks one
// per call from an explicit table, as NumPy and OpenBLAS do. The choice is
// made once per process: KETASIM_CPU if set, else the widest the CPU runs.

#include "ks_kernels.h"

#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

void ks_advance_tiled_sse2(const ks_lane_problem *p, double *state);
#if defined(__x86_64__)
void ks_advance_tiled_avx2(const ks_lane_problem *p, double *state);
void ks_advance_tiled_avx512(const ks_lane_problem *p, double *state);
#endif

int ks_isa_supported(ks_isa isa) {
  switch (isa) {
  case KS_ISA_SSE2:
    return 1;
#if defined(__x86_64__)
  case KS_ISA_AVX2:
    __builtin_cpu_init();
    return __builtin_cpu_supports("avx2");
  case KS_ISA_AVX512:
    __builtin_cpu_init();
    return __builtin_cpu_supports("avx512f");
#endif
  default:
    return 0;
  }
}

ks_isa ks_isa_best(void) {
  if (ks_isa_supported(KS_ISA_AVX512)) return KS_ISA_AVX512;
  if (ks_isa_supported(KS_ISA_AVX2)) return KS_ISA_AVX2;
  return KS_ISA_SSE2;
}

// The once-per-process choice; 0 = not yet made. Racing first calls compute
// the same value, so a relaxed atomic suffices.
static _Atomic int selection = 0;

static ks_isa choose(void) {
  const ks_isa best = ks_isa_best();
  const char *value = getenv("KETASIM_CPU");
  if (value == NULL || value[0] == '\0' || strcmp(value, "auto") == 0)
    return best;
  ks_isa named;
  if (strcmp(value, "sse2") == 0) named = KS_ISA_SSE2;
  else if (strcmp(value, "avx2") == 0) named = KS_ISA_AVX2;
  else if (strcmp(value, "avx512") == 0) named = KS_ISA_AVX512;
  else return best;
  return ks_isa_supported(named) ? named : best;
}

static int chosen(void) {
  int value = atomic_load_explicit(&selection, memory_order_relaxed);
  if (value == 0) {
    value = (int)choose();
    atomic_store_explicit(&selection, value, memory_order_relaxed);
  }
  return value;
}

ks_isa ks_isa_selected(void) { return (ks_isa)chosen(); }

void ks_advance_tiled_isa(const ks_lane_problem *p, double *state, ks_isa isa) {
  switch (isa) {
#if defined(__x86_64__)
  case KS_ISA_AVX512:
    ks_advance_tiled_avx512(p, state);
    return;
  case KS_ISA_AVX2:
    ks_advance_tiled_avx2(p, state);
    return;
#endif
  default:
    ks_advance_tiled_sse2(p, state);
    return;
  }
}

void ks_advance_tiled(const ks_lane_problem *p, double *state) {
  ks_advance_tiled_isa(p, state, ks_isa_selected());
}
