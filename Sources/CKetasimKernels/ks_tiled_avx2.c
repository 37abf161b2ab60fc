// The tiled kernel for AVX2 (four doubles per register), chosen at run time
// on CPUs that report it. See ks_tiled_body.h and ks_tiled.c.
//
// Only "avx2" is switched on, not "fma": the kernels never fuse (see
// ks_tiled_body.h), so FMA would add nothing and results stay identical to
// the SSE2 path.

#if defined(__x86_64__)
#define KS_TILED_ENTRY ks_advance_tiled_avx2
#pragma clang attribute push(__attribute__((target("avx2"))), apply_to = function)
#include "ks_tiled_body.h"
#pragma clang attribute pop
#endif
