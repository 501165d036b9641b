/* SPDX-License-Identifier: GPL-2.0 */
/*
 * aether.ko's own tracepoints, under events/aether/ in tracefs, for perf and
 * bpftrace: every decision the readahead hook gets, and every explicit prefetch
 * issued and later used. Files are named by device and inode number.
 */
#undef TRACE_SYSTEM
#define TRACE_SYSTEM aether

#if !defined(AETHER_TRACE_H) || defined(TRACE_HEADER_MULTI_READ)
#define AETHER_TRACE_H

#include <linux/fs.h>
#include <linux/tracepoint.h>

#include "core.h"

/*
 * The names of uapi's AETHER_PATTERNS and AETHER_ACTIONS, as __print_symbolic()
 * takes them: "{ value, name }" pairs separated by commas, with none after the
 * last. Each pair comes with a leading comma, which AETHER_TRACE_SYMBOLS() drops
 * from the first. Guarded: define_trace.h reads this file more than once.
 */
#ifndef AETHER_TRACE_SYMBOLS
#define AETHER_TRACE_PATTERN(NAME, name, Camel, value) , { AETHER_CORE_PATTERN_##NAME, #name }
#define AETHER_TRACE_ACTION(NAME, name, Camel, value) , { AETHER_CORE_ACTION_##NAME, #name }
#define AETHER_TRACE_DROP_FIRST(first, rest...) rest
#define AETHER_TRACE_SYMBOLS(pairs...) AETHER_TRACE_DROP_FIRST(pairs)
#endif

TRACE_EVENT(aether_decision,
	TP_PROTO(const struct inode *inode, unsigned long index, unsigned long req,
		 enum aether_core_pattern pattern, const struct aether_core_decision *d),
	TP_ARGS(inode, index, req, pattern, d),
	TP_STRUCT__entry(
		__field(dev_t, dev)
		__field(unsigned long, ino)
		__field(unsigned long, index)
		__field(unsigned long, req)
		__field(int, pattern)
		__field(int, action)
		__field(unsigned long long, start)
		__field(unsigned int, length)
		__field(unsigned int, confidence)
	),
	TP_fast_assign(
		__entry->dev = inode->i_sb->s_dev;
		__entry->ino = inode->i_ino;
		__entry->index = index;
		__entry->req = req;
		__entry->pattern = pattern;
		__entry->action = d->action;
		__entry->start = d->start;
		__entry->length = d->length;
		__entry->confidence = d->confidence;
	),
	TP_printk("dev=%u:%u ino=%lu index=%lu req=%lu pattern=%s action=%s start=%llu length=%u confidence=%u%%",
		  MAJOR(__entry->dev), MINOR(__entry->dev), __entry->ino, __entry->index, __entry->req,
		  __print_symbolic(__entry->pattern, AETHER_TRACE_SYMBOLS(AETHER_PATTERNS(AETHER_TRACE_PATTERN))),
		  __print_symbolic(__entry->action, AETHER_TRACE_SYMBOLS(AETHER_ACTIONS(AETHER_TRACE_ACTION))),
		  __entry->start, __entry->length,
		  (unsigned int)(((unsigned long long)__entry->confidence * 100) >> 16))
);

/* A prefetch of @nr pages from @index, as the workqueue starts reading it. */
TRACE_EVENT(aether_prefetch_issue,
	TP_PROTO(const struct inode *inode, unsigned long index, unsigned long nr),
	TP_ARGS(inode, index, nr),
	TP_STRUCT__entry(
		__field(dev_t, dev)
		__field(unsigned long, ino)
		__field(unsigned long, index)
		__field(unsigned long, nr)
	),
	TP_fast_assign(
		__entry->dev = inode->i_sb->s_dev;
		__entry->ino = inode->i_ino;
		__entry->index = index;
		__entry->nr = nr;
	),
	TP_printk("dev=%u:%u ino=%lu index=%lu nr=%lu", MAJOR(__entry->dev), MINOR(__entry->dev),
		  __entry->ino, __entry->index, __entry->nr)
);

/* A read at @index used @used pages of earlier decisions; @wasted retired unread. */
TRACE_EVENT(aether_prefetch_hit,
	TP_PROTO(const struct inode *inode, unsigned long index, unsigned int used, unsigned int wasted),
	TP_ARGS(inode, index, used, wasted),
	TP_STRUCT__entry(
		__field(dev_t, dev)
		__field(unsigned long, ino)
		__field(unsigned long, index)
		__field(unsigned int, used)
		__field(unsigned int, wasted)
	),
	TP_fast_assign(
		__entry->dev = inode->i_sb->s_dev;
		__entry->ino = inode->i_ino;
		__entry->index = index;
		__entry->used = used;
		__entry->wasted = wasted;
	),
	TP_printk("dev=%u:%u ino=%lu index=%lu used=%u wasted=%u", MAJOR(__entry->dev),
		  MINOR(__entry->dev), __entry->ino, __entry->index, __entry->used, __entry->wasted)
);

#endif /* AETHER_TRACE_H */

/* The rest is for define_trace.h, which includes this file again from trace.c. */
#undef TRACE_INCLUDE_PATH
#define TRACE_INCLUDE_PATH .
#undef TRACE_INCLUDE_FILE
#define TRACE_INCLUDE_FILE trace
#include <trace/define_trace.h>
