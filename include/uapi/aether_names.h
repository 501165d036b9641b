/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note OR MIT */
/*
 * Every name aether.ko shows user space, each list written once: the files under
 * /sys/kernel/aether/ and the values they hold, and the patterns and actions of
 * the core, which the struct_ops policies, sysfs and the tracepoints share.
 *
 * Each list is an X-macro: AETHER_STATS(X) expands X(...) once per entry, in
 * order, and each user defines X to build its own table or enum from it (the
 * module's sysfs files and enums, the core's enums, aether-ctl's tables). So a
 * name added here reaches all of them, and none can fall out of step.
 *
 * Only preprocessor macros, and no includes: the freestanding core
 * (include/aether/) includes this file alone, in user space and in the kernel.
 * Like aether.h it only grows: an entry keeps its name, its place and its value.
 *
 * Arguments: NAME is the upper-case C name (AETHER_STAT_<NAME>), name the
 * lower-case one, which is also the string user space sees (#name). Camel is the
 * core's C++ enumerator (k<Camel>); value the number, where the number is ABI.
 */
#ifndef _UAPI_AETHER_NAMES_H
#define _UAPI_AETHER_NAMES_H

/* Event counters, the files under /sys/kernel/aether/stats/: X(NAME, name). */
#define AETHER_STATS(X)							\
	X(DECISIONS, decisions)		/* decisions the core returned */	\
	X(WINDOWS_GROWN, windows_grown)	/* readahead windows made larger than the kernel's */ \
	X(WINDOWS_SHRUNK, windows_shrunk) /* grown windows set back to what they were, */ \
					  /* because their stream stopped reading forward */ \
	X(PREFETCH_ISSUED, prefetch_issued) /* explicit prefetches queued */	\
	X(PREFETCH_PAGES, prefetch_pages) /* pages in those prefetches */	\
	X(PREFETCH_HITS, prefetch_hits)	/* prefetched pages later read */	\
	X(PREFETCH_WASTED, prefetch_wasted) /* prefetched pages retired unread */ \
	X(QUEUE_DROPS, queue_drops)	/* prefetches dropped because the queue was full */ \
	X(SYNC_MISSES, sync_misses)	/* demand reads that had to wait for the device */ \
	X(POLICY_DECISIONS, policy_decisions) /* of the decisions, those an eBPF policy made */

/*
 * The core's presets: X(NAME, name, Camel, value). Each is also a value of
 * /sys/kernel/aether/mode, the mode that acts with it.
 */
#define AETHER_PRESETS(X)						\
	X(HFT, hft, Hft, 0)		/* conservative: acts late, small windows, high target accuracy */ \
	X(GAMING, gaming, Gaming, 1)	/* aggressive: acts early, large windows, tolerates waste */ \
	X(ADAPTIVE, adaptive, Adaptive, 2) /* balanced, with the widest online threshold range */

/*
 * The values of /sys/kernel/aether/mode, in this order: X(NAME, name, ...). Off
 * and observe act on nothing; then come the presets, each the mode that acts
 * with it (their X also gets the preset's Camel and value, which modes ignore).
 */
#define AETHER_MODES(X)							\
	X(OFF, off)			/* hooks return at once: the kernel's readahead alone */ \
	X(OBSERVE, observe)		/* run the core and count, change nothing */ \
	AETHER_PRESETS(X)

/*
 * The tunables, the writable files under /sys/kernel/aether/, in this order.
 * NUMBER(name, min, max, align) is an unsigned decimal in [min, max] and a
 * multiple of align; MODE(name) holds one of AETHER_MODES. Windows are in KiB.
 * The module also refuses a min_window_kb above max_window_kb.
 */
#define AETHER_TUNABLES(NUMBER, MODE)					\
	NUMBER(enabled, 0, 1, 1)	/* 1 runs the hooks, 0 leaves the kernel alone */ \
	MODE(mode)							\
	NUMBER(min_window_kb, 4, 65536, 4) /* whole pages, up to 64 MiB */	\
	NUMBER(max_window_kb, 4, 65536, 4)				\
	NUMBER(prefetch_queue_depth, 0, 4096, 1) /* 0 turns explicit prefetches off */ \
	NUMBER(target_accuracy, 0, 100, 1) /* percent; 0: the preset's own */

/*
 * Per-disk counters, the files under /sys/kernel/aether/devices/<major:minor>/,
 * in this order: X(NAME, name).
 */
#define AETHER_DISK_COUNTERS(X)						\
	X(READS, reads)			/* read requests issued */		\
	X(WRITES, writes)		/* write requests issued */		\
	X(READ_BYTES, read_bytes)	/* their bytes */			\
	X(WRITE_BYTES, write_bytes)					\
	X(READAHEAD_BYTES, readahead_bytes) /* of the bytes read, those read ahead (REQ_RAHEAD) */ \
	X(SEQUENTIAL_READS, sequential_reads) /* reads that started where the previous read ended */ \
	X(ERRORS, errors)		/* requests that completed with an error */ \
	X(DECISIONS, decisions)		/* decisions made about the disk's reads */ \
	X(DECISIONS_SKIPPED, decisions_skipped) /* reads not decided on: the disk's core was busy */

/*
 * What the core makes of a stream's access, which a struct_ops policy returns too:
 * X(NAME, name, Camel, value). name is what sysfs and the tracepoints print.
 */
#define AETHER_PATTERNS(X)						\
	X(NONE, none, None, 0)		/* no relation to earlier accesses: random or unknown */ \
	X(FORWARD, forward, Forward, 1)	/* each access starts where the previous one ended */ \
	X(BACKWARD, backward, Backward, 2) /* each access ends where the previous one started */ \
	X(STRIDE, stride, Stride, 3)	/* a constant step between starts, not contiguous */

/* What a decision asks for: X(NAME, name, Camel, value). 0 is no action. */
#define AETHER_ACTIONS(X)						\
	X(READAHEAD, readahead, Readahead, 1) /* extend a sequential stream's window */ \
	X(PREFETCH, prefetch, Prefetch, 2) /* read a range that is not next in sequence */

#endif /* _UAPI_AETHER_NAMES_H */
