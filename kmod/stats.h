/* SPDX-License-Identifier: GPL-2.0 */
#ifndef AETHER_STATS_H
#define AETHER_STATS_H

#include <linux/log2.h>
#include <linux/minmax.h>
#include <linux/percpu.h>
#include <linux/types.h>

#include <uapi/aether_names.h>

/*
 * Event counters, per CPU so that counting never takes a lock or bounces a cache
 * line between the CPUs that do I/O: AETHER_STAT_<NAME> for each of uapi's
 * AETHER_STATS, which says what each counts. sysfs shows them under
 * /sys/kernel/aether/stats/, in this order.
 */
#define AETHER_STAT_ENUM(NAME, name) AETHER_STAT_##NAME,
enum aether_stat {
	AETHER_STATS(AETHER_STAT_ENUM)
	AETHER_STAT_NR,
};
#undef AETHER_STAT_ENUM

/* Latency buckets: bucket i counts latencies in [2^i, 2^(i+1)) ns; the last is open. */
#define AETHER_STATS_LAT_BUCKETS 32

struct aether_stats_cpu {
	u64 count[AETHER_STAT_NR];
	u64 latency[AETHER_STATS_LAT_BUCKETS];
};

extern struct aether_stats_cpu __percpu *aether_stats;

/* Adds @n to counter @stat on this CPU. Any context; never sleeps. */
static inline void aether_stats_add(enum aether_stat stat, u64 n)
{
	this_cpu_add(aether_stats->count[stat], n);
}

/* The latency bucket that @ns nanoseconds fall in. */
static inline unsigned int aether_stats_bucket(u64 ns)
{
	return ns ? min_t(unsigned int, ilog2(ns), AETHER_STATS_LAT_BUCKETS - 1) : 0;
}

/* Counts one core decision that took @ns nanoseconds. Any context. */
static inline void aether_stats_latency(u64 ns)
{
	this_cpu_inc(aether_stats->latency[aether_stats_bucket(ns)]);
}

/*
 * aether_stats_sum() - the u64 at @offset in each CPU's copy of @base, summed.
 *
 * Writers are not stopped: the sum may miss an increment in flight, but never sees
 * a torn or decreasing value on a 64-bit machine. Any context.
 */
u64 aether_stats_sum(const void __percpu *base, size_t offset);

/*
 * aether_stats_emit_latency() - print a per-CPU latency histogram for sysfs.
 *
 * @offset is where the AETHER_STATS_LAT_BUCKETS u64 buckets start in each CPU's
 * copy of @base. One "<from_ns> <count>" line per bucket, where a bucket holds
 * [from_ns, 2 * from_ns) and the first also holds 0. Returns the length written.
 */
int aether_stats_emit_latency(char *buf, const void __percpu *base, size_t offset);

/* Returns counter @stat summed over all CPUs. */
u64 aether_stats_read(enum aether_stat stat);


/* aether_stats_init() - allocate the counters, all zero. Returns 0 or -ENOMEM. */
int aether_stats_init(void);
void aether_stats_uninit(void);

#endif /* AETHER_STATS_H */
