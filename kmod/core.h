/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The module's view of the prediction core. The core itself is freestanding C++
 * (include/aether/); kmod/core_cxx.cpp instantiates it and exports the C entry
 * points declared here, so this header is read by both C and C++ and may only use
 * plain C types.
 */
#ifndef AETHER_CORE_H
#define AETHER_CORE_H

#ifdef __cplusplus
extern "C" {
#endif

/*
 * aether_core_init() - check the core against its golden vectors.
 *
 * A core that disagrees with the vectors was miscompiled for this kernel and must
 * not drive I/O. Returns 0, or -ENOTRECOVERABLE on any mismatch.
 */
int aether_core_init(void);
void aether_core_uninit(void);

/*
 * aether_core_selftest() - run the golden vectors through the compiled core.
 *
 * Implemented in C++. Returns the number of mismatching vectors; 0 means the core
 * agrees with every vector. Never fails otherwise and never sleeps.
 */
unsigned long aether_core_selftest(void);

/* Returns the number of golden vectors aether_core_selftest() checks. */
unsigned long aether_core_vector_count(void);

#ifdef __cplusplus
}
#endif

#endif /* AETHER_CORE_H */
