// The tiled kernel for AVX-512 (eight doubles per register: one 8-wide tile
// vector is one register), chosen at run time on CPUs that report avx512f.
// See ks_tiled_body.h and ks_tiled.c.

#if defined(__x86_64__)
#define KS_TILED_ENTRY ks_advance_tiled_avx512
#pragma clang attribute push(__attribute__((target("avx512f"))), apply_to = function)
#include "ks_tiled_body.h"
#pragma clang attribute pop
#endif
