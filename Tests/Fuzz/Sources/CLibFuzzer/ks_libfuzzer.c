// Declarations only: the driver itself comes from compiler-rt's libFuzzer.
#include "ks_libfuzzer.h"
