#ifndef KB_CEILING_H
#define KB_CEILING_H

// The compute ceiling of this core: a tight loop of independent
// multiply-add chains, with no memory traffic, measuring the peak rate of
// floating-point multiply-adds (fused where the instruction set has FMA).
//
// This module provides no stable API: it serves Benchmarks/ only.

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/// Instruction sets a ceiling can be measured for.
typedef enum kb_isa {
  /// Whatever the build targets (baseline x86-64 is SSE2, no FMA).
  KB_ISA_BUILD = 0,
  /// AVX2 with FMA, 4 doubles per vector.
  KB_ISA_AVX2_FMA = 1,
  /// AVX-512F, 8 doubles per vector.
  KB_ISA_AVX512 = 2,
} kb_isa;

/// Whether this CPU can run `isa`.
int kb_isa_supported(kb_isa isa);

/// Doubles per vector instruction of `isa` (for KB_ISA_BUILD, of the build's
/// own vector width: 2 for SSE2, 4 for AVX, 8 for AVX-512).
int kb_isa_width(kb_isa isa);

/// Whether `isa` fuses the multiply-add into one instruction.
int kb_isa_fused(kb_isa isa);

/// Runs `iterations` rounds of the multiply-add loop with `isa` and returns
/// the number of lane multiply-adds done (one per double lane per chain per
/// round). `isa` must be supported. The result also lands in `sink` so the
/// work cannot be optimised away.
int64_t kb_multiply_add_loop(kb_isa isa, int64_t iterations, double *sink);

#ifdef __cplusplus
}
#endif

#endif
