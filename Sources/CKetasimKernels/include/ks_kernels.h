#ifndef KS_KERNELS_H
#define KS_KERNELS_H

// Hot-loop kernels of ketasim: advance many lanes (subjects or regimens) of a
// linear compartment model through a uniform time grid with the exact
// discrete-time recursion
//
//     x[k+1] = Phi * x[k] + Gamma * u[k]
//
// where x is the state (amounts in mg, effect-site concentration in mg/L),
// u[k] the infusion rate in mg/min held constant over step k, and Phi, Gamma
// the exact zero-order-hold transition of one step (computed in Swift).
//
// This module provides no stable API: KetasimCore wraps it.
//
// Memory layout (structure of arrays, lane-contiguous):
//   state  : states rows of `stride` doubles; state[i*stride + l] = x_i of lane l
//   phi    : shared  -> states*states doubles, row-major
//            per lane -> states*states rows of `stride`; phi[(i*states+j)*stride + l]
//   gamma  : shared  -> states doubles; per lane -> states rows of `stride`
//   rate   : shared  -> steps doubles (same input for every lane)
//            per lane -> steps rows of `stride`; rate[k*stride + l]
//            per lane, held -> one row of `stride`: rate[l] for every step
//            (a population whose doses differ in amount between lanes)
//   output : steps * observed_count rows of `stride`;
//            output[(k*observed_count + o)*stride + l] = x_observed[o] after step k
// Buffers must not overlap. Lanes in [lanes, stride) are padding: they are
// computed (tiled kernel) but never reported; their contents are arbitrary
// finite numbers.

#include <stdint.h>

#include "ks_bins.h"

#ifdef __cplusplus
extern "C" {
#endif

/// Lanes per register tile of the tiled kernel; `stride` must be a multiple.
#define KS_TILE_LANES 32

/// Largest state dimension the kernels accept (3 compartments + effect site
/// need 4; the rest is headroom for measuring the BLAS crossover).
#define KS_MAX_STATES 16

/// How `rate` is laid out (see the memory layout above).
typedef enum ks_rate_mode {
  KS_RATE_SHARED = 0,   // steps doubles: the same input for every lane
  KS_RATE_PER_STEP = 1, // steps rows of `stride`: per lane and step
  KS_RATE_HELD = 2      // one row of `stride`: per lane, held every step
} ks_rate_mode;

typedef struct ks_lane_problem {
  int32_t states;          // m, 1 ... KS_MAX_STATES
  int32_t per_lane_system; // 0: phi/gamma shared by all lanes; 1: per lane
  ks_rate_mode rate_mode;  // layout of `rate`
  int32_t observed_count;  // rows recorded per step (0 = record nothing)
  int64_t lanes;           // lanes that matter
  int64_t stride;          // >= lanes
  int64_t steps;           // steps to advance
  const double *phi;
  const double *gamma;
  const double *rate;           // NULL means zero input
  const int32_t *observed;      // observed_count state indices
  double *output;               // NULL when observed_count == 0
} ks_lane_problem;

/// Instruction sets the tiled kernel is compiled for (ks_tiled_*.c); the
/// portable build carries all three and picks one at run time.
typedef enum ks_isa {
  KS_ISA_SSE2 = 1,  // x86-64 baseline, 2 doubles per register (on other
                    // architectures: the build's own baseline)
  KS_ISA_AVX2 = 2,  // 4 doubles per register
  KS_ISA_AVX512 = 3 // AVX-512F, 8 doubles per register
} ks_isa;

/// 1 if this CPU runs `isa` (cpuid through __builtin_cpu_supports), else 0.
int ks_isa_supported(ks_isa isa);

/// The widest instruction set this CPU runs.
ks_isa ks_isa_best(void);

/// The instruction set ks_advance_tiled uses, chosen once per process:
/// KETASIM_CPU (auto | sse2 | avx2 | avx512) when it names one this CPU
/// runs, else ks_isa_best() (a bad value is ignored here; front ends report
/// it: KetasimCore's InstructionSet.validateEnvironment). Thread-safe.
ks_isa ks_isa_selected(void);

/// Register-tiled kernel: each tile of KS_TILE_LANES lanes keeps its state
/// in registers for all steps. Specialised for 1 to 4 states.
/// Requires stride % KS_TILE_LANES == 0. Runs the ks_isa_selected() version.
void ks_advance_tiled(const ks_lane_problem *problem, double *state);

/// The tiled kernel's `isa` version, which must be one this CPU runs
/// (ks_isa_supported), else the process may die of an illegal instruction.
/// Every version gives bit-identical results (no fused multiply-adds; the
/// same operation order per lane as ks_advance_scalar).
void ks_advance_tiled_isa(const ks_lane_problem *problem, double *state,
                          ks_isa isa);

/// BLAS kernel. Shared system: one cblas_dgemm per step,
/// [x; u] (m+1 by lanes) <- [Phi | Gamma] (m by m+1) * [x; u].
/// Per-lane system: the Hadamard form x_i <- sum_j diag(Phi_ij) x_j +
/// diag(Gamma_i) u with cblas_dsbmv (band width 0), m(m+1) calls per step.
/// `work` must hold 2 * (states + 1) * stride doubles.
void ks_advance_blas(const ks_lane_problem *problem, double *state,
                     double *work);

/// Blocked BLAS kernel (shared system only; returns 0 for a per-lane one, a
/// block below 1, or when memory runs out, 1 otherwise): `block` steps per
/// product, [Y; x_end] = [O | T] [x; U] with O the observed rows of Phi^i and
/// T the lower-triangular impulse response (see ks_blas.c). The same exact
/// recursion summed in another order: agrees with the others to rounding.
/// Allocates its coefficient matrices per call (O(block * m^3) work, small
/// beside a call's steps). KetasimCore's Kernel.auto runs it for shared
/// systems above the tiled kernel's state limit (Kernel.choice; figures in
/// Benchmarks/README.md "Kernel crossover with runtime dispatch").
int ks_advance_blas_blocked(const ks_lane_problem *problem, double *state,
                            int block);

/// Plain scalar reference: lane by lane, step by step, no BLAS, no tiling.
void ks_advance_scalar(const ks_lane_problem *problem, double *state);

/// ks_bin_values (ks_bins.h) in its `isa` version, which must be one this
/// CPU runs. Every version gives the same results.
void ks_bin_values_isa(const double *values, int64_t n,
                       const double *thresholds, int32_t threshold_count,
                       uint32_t *keys, int64_t *above, ks_bin_stats *stats,
                       ks_isa isa);

/// (ks_bins.h) The bands' scan of one output time against predicted
/// brackets of bins, in one pass. Value i is `values[i] * scales[i] + 0.0`
/// (a row of lane states times each lane's ng/mL per state unit; `+ 0.0`
/// turns -0.0 into +0.0), or `values[i]` when `scales` is NULL. Each count
/// is ADDED to its output, so that the lanes of several parts can be scanned
/// into one set of counts: values <= 0 into `zeros`; for each of the
/// `bracket_count` brackets b (the bin keys `low_keys[b] ..< low_keys[b] +
/// spans[b]`), the values strictly below its low edge (`low_keys[b] << 44`
/// as a double) into `below[b]`, strictly below its high edge into
/// `under_high[b]`, and each value inside it into its bin, `counts[offsets[b]
/// + key - low_keys[b]]`; for each of the `threshold_count` thresholds, the
/// values strictly above it into `above`. Every bracket must lie within the
/// keys of positive finite doubles (1 ... 0x7FEFF). Every count is a
/// comparison of doubles or a bit pattern, so the results are the same on
/// every instruction set. `isa` must be one this CPU runs.
void ks_band_scan_isa(const double *values, const double *scales, int64_t n,
                      const double *thresholds, int32_t threshold_count,
                      const uint32_t *low_keys, const int64_t *spans,
                      const int64_t *offsets, int32_t bracket_count,
                      int64_t *below, int64_t *under_high, int64_t *above,
                      int64_t *zeros, int64_t *counts, ks_isa isa);

/// Name of the OpenBLAS core in use (for benchmark reports).
const char *ks_blas_core_name(void);

/// Sets the OpenBLAS thread count (ketasim parallelises above BLAS).
void ks_blas_set_threads(int threads);

#ifdef __cplusplus
}
#endif

#endif
