#ifndef KS_LIBFUZZER_H
#define KS_LIBFUZZER_H

#include <stddef.h>
#include <stdint.h>

/// libFuzzer's documented driver entry (compiler-rt FuzzerInterface.h): runs
/// the fuzzing loop with the command-line flags in argc/argv, calling
/// `callback` for every input. Linked from compiler-rt by -sanitize=fuzzer.
int LLVMFuzzerRunDriver(int *argc, char ***argv, int (*callback)(const uint8_t *data, size_t size));

#endif
