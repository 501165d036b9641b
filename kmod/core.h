/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The module's view of the prediction core. The core itself is freestanding C++
 * (include/aether/); kmod/core_cxx.cpp instantiates it and exports the C entry
 * points declared here, so this header is read by both C and C++ and may only use
 * plain C types.
 */
#ifndef AETHER_CORE_H
#define AETHER_CORE_H

#include <uapi/aether_names.h>

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

/* The core's presets: AETHER_CORE_PRESET_<NAME> for each of uapi's AETHER_PRESETS. */
#define AETHER_CORE_PRESET_ENUM(NAME, name, Camel, value) AETHER_CORE_PRESET_##NAME = (value),
enum aether_core_preset {
	AETHER_PRESETS(AETHER_CORE_PRESET_ENUM)
};
#undef AETHER_CORE_PRESET_ENUM

/* What one CPU's core is configured with. Windows are in pages. */
struct aether_core_config {
	enum aether_core_preset preset;
	unsigned int min_window;	/* > 0 */
	unsigned int max_window;	/* >= min_window */
	unsigned int target_accuracy;	/* percent, 1..100; 0 keeps the preset's own */
};

/*
 * What the core made of one stream's access, beside its decisions:
 * AETHER_CORE_PATTERN_<NAME> for each of uapi's AETHER_PATTERNS. NONE means no
 * sub-stream continued: random so far.
 */
#define AETHER_CORE_PATTERN_ENUM(NAME, name, Camel, value) AETHER_CORE_PATTERN_##NAME = (value),
enum aether_core_pattern {
	AETHER_PATTERNS(AETHER_CORE_PATTERN_ENUM)
};
#undef AETHER_CORE_PATTERN_ENUM

/*
 * A decision's action: AETHER_CORE_ACTION_<NAME> for each of uapi's
 * AETHER_ACTIONS (READAHEAD extends a sequential stream, PREFETCH fetches a
 * non-sequential range).
 */
#define AETHER_CORE_ACTION_ENUM(NAME, name, Camel, value) AETHER_CORE_ACTION_##NAME = (value),
enum aether_core_action {
	AETHER_ACTIONS(AETHER_CORE_ACTION_ENUM)
};
#undef AETHER_CORE_ACTION_ENUM

struct aether_core_decision {
	unsigned long long start;	/* first page */
	unsigned int length;		/* pages, > 0 */
	unsigned int confidence;	/* Q16: 65536 is certain */
	enum aether_core_action action;
};

/* Whether the stream was seen before this access. */
enum aether_core_history {
	AETHER_CORE_HISTORY_NEW = 0,	/* first access, or the stream was evicted */
	AETHER_CORE_HISTORY_KNOWN = 1,
};

struct aether_core_result {
	enum aether_core_pattern pattern;
	enum aether_core_history history;
	unsigned int n;			/* decisions written */
	unsigned int used;		/* blocks of earlier decisions this access used */
	unsigned int wasted;		/* blocks of earlier decisions retired unused */
};

/* The most decisions one access produces (aether::kMaxDecisions). */
#define AETHER_CORE_MAX_DECISIONS 4

/*
 * One CPU's prediction state: a predictor, its correlation table and a stream table
 * of @streams entries, in one block of aether_core_cpu_size(@streams) bytes that the
 * caller allocates (any alignment of at least 8) and zeroes. Only the CPU that owns
 * a block may touch it, with preemption disabled, so the core needs no lock.
 */
struct aether_core_cpu;

/* Returns the bytes one CPU's state needs; @streams must be a power of two >= 8. */
unsigned long aether_core_cpu_size(unsigned int streams);

/* Builds the state in zeroed @mem for @streams streams and @cfg. Never fails. */
struct aether_core_cpu *aether_core_cpu_init(void *mem, unsigned int streams,
					     const struct aether_core_config *cfg);

/* Applies a new @cfg; known streams are kept, the predictor's counters restart. */
void aether_core_cpu_configure(struct aether_core_cpu *c, const struct aether_core_config *cfg);

/* @prev of aether_core_cpu_access() when the host knows no earlier access. */
#define AETHER_CORE_NO_PREV (~0ULL)

/*
 * aether_core_cpu_access() - feed one demand access of pages [@index, @index + @len)
 * on stream @key and collect up to AETHER_CORE_MAX_DECISIONS decisions in @out.
 *
 * @space names what the pages belong to (the file), the same for every stream of
 * it and nonzero, or 0 where all of the core's streams share one (a disk): the
 * core's correlations ("after page X comes page Y") hold within a space only.
 *
 * @prev is a page the stream's reader is known to have read since the last access
 * the core saw, or AETHER_CORE_NO_PREV; it counts only if it lies between that
 * access and this one. A host that sees only some accesses (the
 * readahead hook sees misses and marks, not cache hits) passes what else it knows,
 * so the core sees a stride that cache hits would otherwise hide. The core learns
 * from it first, as an access that decides nothing.
 *
 * Caller owns @c (its CPU, preemption disabled). Never fails, sleeps or allocates;
 * fills @res and returns res->n.
 */
unsigned int aether_core_cpu_access(struct aether_core_cpu *c, unsigned long long key,
				    unsigned long long space, unsigned long long index, unsigned int len,
				    unsigned long long prev,
				    struct aether_core_decision *out, struct aether_core_result *res);

#ifdef __cplusplus
}
#endif

#endif /* AETHER_CORE_H */
