/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note OR MIT */
/*
 * The C ABI between aether.ko and user space: /dev/aether's ioctls and the
 * struct_ops types that eBPF programs implement, and (from aether_names.h) the
 * names of its sysfs files and of the patterns and actions. Read by the module,
 * by aether-ctl, by the tests and by the programs in bpf/. It only ever grows:
 * a field, once here, keeps its offset and meaning.
 */
#ifndef _UAPI_AETHER_H
#define _UAPI_AETHER_H

#include <linux/ioctl.h>
#include <linux/types.h>

#include "aether_names.h"

/* The misc device, root only. */
#define AETHER_DEV_NAME "aether"

/* The longest name a struct_ops program may give itself, with its NUL. */
#define AETHER_OPS_NAME_LEN 32

/*
 * XRP-style chained reads. One AETHER_IOC_XRP_LOOKUP runs a whole chain of
 * dependent reads inside the kernel: read a block, hand it to the attached
 * aether_xrp_ops program, read the block it names next, and so on until the
 * program says it is done. User space is crossed once per lookup, not per hop.
 */

/* The most bytes one hop reads, and the most scratch a lookup carries. */
#define AETHER_XRP_MAX_LEN 4096
#define AETHER_XRP_SCRATCH_MAX 4096
/* The most hops one lookup may ask for. */
#define AETHER_XRP_MAX_HOPS 256

/*
 * What a step program returns. Anything else, or NEXT without a successful
 * aether_xrp_set_next() in that step, stops the chain as a program error.
 */
enum aether_xrp_verdict {
	AETHER_XRP_NEXT = 0, /* read what aether_xrp_set_next() named, then step again */
	AETHER_XRP_DONE = 1, /* the answer is in the scratch area */
};

/*
 * What a step program sees, read-only. The block itself and the scratch area
 * are reached through the kfuncs aether_xrp_get_block() and
 * aether_xrp_get_scratch(), which bound every access.
 */
struct aether_xrp_ctx {
	__u64 offset;      /* byte offset of the block just read */
	__u64 dev_size;    /* bytes in the device */
	__u32 len;         /* bytes just read */
	__u32 hop;         /* 0 for the first block */
	__u32 max_hops;    /* what the lookup allows */
	__u32 scratch_len; /* bytes in the scratch area */
};

/*
 * The struct_ops type of a resubmission program. @step is called once per block
 * read. @name is what /sys/kernel/aether/xrp/ops and `aether-ctl bpf list` show.
 * One aether_xrp_ops is attached at a time.
 */
struct aether_xrp_ops {
	int (*step)(struct aether_xrp_ctx *ctx);
	char name[AETHER_OPS_NAME_LEN];
};

/*
 * Flags of struct aether_xrp_lookup.
 *
 * AETHER_XRP_F_POLLED: each hop's read is a polled bio (REQ_POLLED) whose
 * completion the lookup reaps itself with bio_poll(), with no interrupt, sleep or
 * wake-up per hop. The device needs poll queues (NVMe's poll_queues, null_blk's
 * poll_queues); the caller's CPU spins while a read is in flight.
 *
 * AETHER_XRP_F_CACHED: a hop whose block the device's page cache holds, whole
 * and up to date, reads it from there with no I/O, as a buffered read would; the
 * other hops read the device and leave the page cache as it was.
 */
#define AETHER_XRP_F_POLLED (1U << 0)
#define AETHER_XRP_F_CACHED (1U << 1)
#define AETHER_XRP_F_ALL (AETHER_XRP_F_POLLED | AETHER_XRP_F_CACHED)

/*
 * The argument of AETHER_IOC_XRP_LOOKUP. Fields marked "in" are read, fields
 * marked "out" written; the rest must be zero.
 *
 * Errors, checked in this order (the first that applies is returned):
 *   1. -EFAULT  the argument cannot be read;
 *   2. -EINVAL  a flag not AETHER_XRP_F_* or reserved set, len 0 or above AETHER_XRP_MAX_LEN,
 *               max_hops 0 or above AETHER_XRP_MAX_HOPS, or scratch_len above
 *               AETHER_XRP_SCRATCH_MAX;
 *   3. -EBADF   fd is not an open descriptor; -ENOTBLK it is not a block
 *               device; -EBADF it is not open for reading;
 *   4. -EINVAL  offset or len not a multiple of the device's logical block
 *               size, or [offset, offset + len) not inside the device;
 *      -EOPNOTSUPP AETHER_XRP_F_POLLED on a device without poll queues;
 *   5. -EFAULT  the scratch area cannot be read;
 *   6. -ENOENT  no aether_xrp_ops program is attached;
 *   7. while the chain runs: -EIO a read failed, or the program returned
 *      neither NEXT nor DONE (its value is in @status); -ERANGE the program
 *      named a next block outside the device or misaligned; -ELOOP the
 *      program still asked for more after max_hops reads; -ENOENT the program
 *      was detached or replaced between two hops; -EINTR the caller was
 *      killed (a fatal signal), checked between hops;
 *   8. -EFAULT  the results cannot be written back.
 * On 0 and on the errors of step 7 the out fields and the scratch area are
 * written back, so a caller can see how far the chain got.
 */
struct aether_xrp_lookup {
	__s32 fd;          /* in: a block device open for reading */
	__u32 flags;       /* in: AETHER_XRP_F_* */
	__u64 offset;      /* in: byte offset of the first block */
	__u32 len;         /* in: bytes of the first read */
	__u32 max_hops;    /* in: reads allowed, 1..AETHER_XRP_MAX_HOPS */
	__u64 scratch;     /* in: user address of scratch_len bytes, copied in and back */
	__u32 scratch_len; /* in: 0..AETHER_XRP_SCRATCH_MAX */
	__u32 hops;        /* out: blocks read */
	__s32 status;      /* out: the program's last return value */
	__u32 reserved;    /* in: 0 */
	__u64 last_offset; /* out: byte offset of the last block read */
};

/*
 * Programmable prefetch policy. While an aether_policy_ops program is attached,
 * its decide() replaces the built-in core's decision for every access the
 * readahead hook and the block telemetry see; detaching it restores the
 * built-in core at once.
 */

/* Where an access was seen. */
enum aether_policy_source {
	AETHER_POLICY_SYNC_MISS = 0,  /* a read found its page missing (page_cache_sync_ra) */
	AETHER_POLICY_ASYNC_MARK = 1, /* a read reached a readahead mark (page_cache_async_ra) */
	AETHER_POLICY_BLOCK = 2,      /* a disk read was issued (block telemetry: shown, never acted on) */
};

/*
 * What decide() returns: what the stream looks like, which steers the hook.
 * AETHER_POLICY_<NAME> for each of AETHER_PATTERNS: NONE (random or unknown, the
 * kernel's own readahead stays), FORWARD (sequential: READAHEAD decisions grow
 * the window), BACKWARD and STRIDE (the policy prefetches; the kernel's async
 * readahead is skipped).
 */
#define AETHER_POLICY_PATTERN_ENUM(NAME, name, Camel, value) AETHER_POLICY_##NAME = (value),
enum aether_policy_pattern {
	AETHER_PATTERNS(AETHER_POLICY_PATTERN_ENUM)
};
#undef AETHER_POLICY_PATTERN_ENUM

/*
 * A decision's action, as aether_policy_emit() takes it: AETHER_POLICY_<NAME>
 * for each of AETHER_ACTIONS. READAHEAD extends a sequential stream's window to
 * @len pages; PREFETCH reads pages [@start, @start + @len).
 */
#define AETHER_POLICY_ACTION_ENUM(NAME, name, Camel, value) AETHER_POLICY_##NAME = (value),
enum aether_policy_action {
	AETHER_ACTIONS(AETHER_POLICY_ACTION_ENUM)
};
#undef AETHER_POLICY_ACTION_ENUM

/* The most decisions one decide() may emit, and the longest one, in pages. */
#define AETHER_POLICY_MAX_DECISIONS 4
#define AETHER_POLICY_MAX_LEN 16384

/* @prev when the host knows no page read since the last access. */
#define AETHER_POLICY_NO_PREV (~0ULL)

/* What a decide() program sees, read-only. Pages are 4 KiB. */
struct aether_policy_ctx {
	__u64 stream; /* the stream: one open file (hook) or one disk (block) */
	__u64 index;  /* first page of the access */
	__u64 prev;   /* a page read since the stream's last access, or AETHER_POLICY_NO_PREV */
	__u64 size;   /* pages in the file or disk */
	__u32 len;    /* pages in the access, >= 1 */
	__u32 source; /* enum aether_policy_source */
};

/*
 * The struct_ops type of a prefetch policy. @decide is called for every access,
 * with preemption disabled: it may not sleep. It emits its decisions with the
 * kfunc aether_policy_emit() and returns an enum aether_policy_pattern; anything
 * else is counted in /sys/kernel/aether/policy/errors and taken as NONE.
 */
struct aether_policy_ops {
	int (*decide)(struct aether_policy_ctx *ctx);
	char name[AETHER_OPS_NAME_LEN];
};

#define AETHER_IOC_MAGIC 0xAE
#define AETHER_IOC_XRP_LOOKUP _IOWR(AETHER_IOC_MAGIC, 1, struct aether_xrp_lookup)

#endif /* _UAPI_AETHER_H */
