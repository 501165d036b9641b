// SPDX-License-Identifier: GPL-2.0
/*
 * Stats subsystem: per-CPU event counters and the decision-latency histogram.
 */
#include <linux/cpumask.h>
#include <linux/errno.h>
#include <linux/percpu.h>
#include <linux/stddef.h>
#include <linux/sysfs.h>

#include "compat.h"
#include "stats.h"

struct aether_stats_cpu __percpu *aether_stats;

u64 aether_stats_sum(const void __percpu *base, size_t offset)
{
	u64 sum = 0;
	int cpu;

	for_each_possible_cpu(cpu)
		sum += READ_ONCE(*(u64 *)((char *)per_cpu_ptr(base, cpu) + offset));
	return sum;
}

u64 aether_stats_read(enum aether_stat stat)
{
	return aether_stats_sum(aether_stats, offsetof(struct aether_stats_cpu, count[stat]));
}

int aether_stats_emit_latency(char *buf, const void __percpu *base, size_t offset)
{
	unsigned int i;
	int len = 0;

	for (i = 0; i < AETHER_STATS_LAT_BUCKETS; i++)
		len += sysfs_emit_at(buf, len, "%llu %llu\n", i ? 1ULL << i : 0ULL,
				     aether_stats_sum(base, offset + i * sizeof(u64)));
	return len;
}

int aether_stats_init(void)
{
	aether_stats = alloc_percpu(struct aether_stats_cpu);
	return aether_stats ? 0 : -ENOMEM;
}

void aether_stats_uninit(void)
{
	free_percpu(aether_stats);
	aether_stats = NULL;
}
