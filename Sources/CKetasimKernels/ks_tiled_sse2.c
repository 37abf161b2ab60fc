// The tiled kernel for the x86-64 baseline (SSE2: two doubles per register),
// which every x86-64 CPU runs; on other architectures, the build's own
// baseline. See ks_tiled_body.h and ks_tiled.c.

#define KS_TILED_ENTRY ks_advance_tiled_sse2
#include "ks_tiled_body.h"
