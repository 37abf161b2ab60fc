#ifndef COPENBLAS_SHIM_H
#define COPENBLAS_SHIM_H

// Debian's libopenblas-dev installs cblas.h under
// /usr/include/<multiarch>/openblas-pthread/; the `openblas` pkg-config file
// puts that directory on the include path, which pins OpenBLAS's own header
// even if another BLAS later takes over the `cblas.h` alternative.
#include <cblas.h>

#endif
