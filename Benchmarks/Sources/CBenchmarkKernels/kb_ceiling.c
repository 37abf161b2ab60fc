// The compute ceiling: independent multiply-add chains held in registers.
//
// Each round updates CHAINS vectors as acc = acc * m + a. With FMA this is
// one fused instruction per vector; without (baseline SSE2) a multiply and an
// add. There are enough chains to cover the latency of the FP pipes (4-cycle
// latency x 2 pipes needs 8 in flight), and few enough that they stay in
// registers (16 on SSE2/AVX2, 32 on AVX-512), so the loop runs at the pipes'
// throughput. m < 1 and a > 0 keep every value near 1: no overflow, no
// subnormals.

#include "kb_ceiling.h"

#include <string.h>

#pragma clang diagnostic ignored "-Wpsabi"
#pragma GCC diagnostic ignored "-Wpsabi"

#define M 0.9999999
#define A 1e-7

// The build's own vectors: one vector register of the target's width.
#if defined(__AVX512F__)
#define BUILD_WIDTH 8
#elif defined(__AVX__)
#define BUILD_WIDTH 4
#else
#define BUILD_WIDTH 2
#endif
#if defined(__FMA__)
#define BUILD_FUSED 1
#else
#define BUILD_FUSED 0
#endif

#define LOOP(TYPE, CHAINS, FMA_EXPR)                                           \
  TYPE acc[CHAINS];                                                            \
  for (int c = 0; c < CHAINS; c++) {                                           \
    for (int l = 0; l < (int)(sizeof(TYPE) / sizeof(double)); l++)             \
      acc[c][l] = 1.0 + 0.001 * c + 0.0001 * l;                                \
  }                                                                            \
  for (int64_t i = 0; i < iterations; i++) {                                   \
    for (int c = 0; c < CHAINS; c++) acc[c] = FMA_EXPR;                        \
    __asm__ volatile("" : "+x"(acc[0]));                                       \
  }                                                                            \
  double total = 0;                                                            \
  for (int c = 0; c < CHAINS; c++)                                             \
    for (int l = 0; l < (int)(sizeof(TYPE) / sizeof(double)); l++)             \
      total += acc[c][l];                                                      \
  *sink = total;                                                               \
  return iterations * CHAINS * (int64_t)(sizeof(TYPE) / sizeof(double));

typedef double vbuild __attribute__((vector_size(BUILD_WIDTH * sizeof(double))));
typedef double v4 __attribute__((vector_size(4 * sizeof(double))));
typedef double v8 __attribute__((vector_size(8 * sizeof(double))));

static int64_t loop_build(int64_t iterations, double *sink) {
  const vbuild m = (vbuild){0} + M, a = (vbuild){0} + A;
  LOOP(vbuild, 12, acc[c] * m + a)
}

__attribute__((target("avx2,fma"))) static int64_t
loop_avx2(int64_t iterations, double *sink) {
  const v4 m = (v4){M, M, M, M}, a = (v4){A, A, A, A};
  LOOP(v4, 12, __builtin_elementwise_fma(acc[c], m, a))
}

__attribute__((target("avx512f"))) static int64_t
loop_avx512(int64_t iterations, double *sink) {
  const v8 m = (v8){M, M, M, M, M, M, M, M}, a = (v8){A, A, A, A, A, A, A, A};
  LOOP(v8, 16, __builtin_elementwise_fma(acc[c], m, a))
}

int kb_isa_supported(kb_isa isa) {
  __builtin_cpu_init();
  switch (isa) {
  case KB_ISA_BUILD: return 1;
  case KB_ISA_AVX2_FMA: return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
  case KB_ISA_AVX512: return __builtin_cpu_supports("avx512f");
  }
  return 0;
}

int kb_isa_width(kb_isa isa) {
  switch (isa) {
  case KB_ISA_BUILD: return BUILD_WIDTH;
  case KB_ISA_AVX2_FMA: return 4;
  case KB_ISA_AVX512: return 8;
  }
  return 0;
}

int kb_isa_fused(kb_isa isa) { return isa == KB_ISA_BUILD ? BUILD_FUSED : 1; }

int64_t kb_multiply_add_loop(kb_isa isa, int64_t iterations, double *sink) {
  switch (isa) {
  case KB_ISA_BUILD: return loop_build(iterations, sink);
  case KB_ISA_AVX2_FMA: return loop_avx2(iterations, sink);
  case KB_ISA_AVX512: return loop_avx512(iterations, sink);
  }
  return 0;
}
