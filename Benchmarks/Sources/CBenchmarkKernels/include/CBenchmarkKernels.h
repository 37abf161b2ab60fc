#ifndef C_BENCHMARK_KERNELS_H
#define C_BENCHMARK_KERNELS_H

// The one C loop the benchmarks keep for themselves: the compute ceiling
// (chains of multiply-adds with no memory traffic), the yardstick the
// product's kernels are read against. No stable API: Benchmarks/ only.

#include "kb_ceiling.h"

#endif
