#ifndef C_BENCHMARK_KERNELS_H
#define C_BENCHMARK_KERNELS_H

// C loops of the benchmarks: the compute ceiling, the read-outs over lane
// rows and the fused population read-out. No stable API: Benchmarks/ only.

#include "kb_ceiling.h"
#include "kb_fused.h"
#include "kb_reduce.h"

#endif
