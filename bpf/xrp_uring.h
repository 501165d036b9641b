/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * The XRP B+tree walk on a stock kernel: an io_uring whose BPF loop_step
 * (struct io_uring_bpf_ops, Linux 7.x with CONFIG_IO_URING_BPF_OPS) submits each
 * hop's read from the previous read's completion, so that one io_uring_enter()
 * runs a whole lookup without aether.ko. What xrp_uring.bpf.c and its user space
 * (xrp_uring_user.cpp) share:
 *   - the ring: AETHER_XRP_URING_ENTRIES SQEs and CQEs, set up with
 *     IORING_SETUP_SINGLE_ISSUER | DEFER_TASKRUN (the loop needs them) and
 *     NO_SQARRAY (so an SQE's index is the SQ tail);
 *   - the ring's parameter region (IORING_REGISTER_MEM_REGION, user memory): one
 *     AETHER_BTREE_BLOCK, where every hop's read lands and the program reads the
 *     node; the same block is the ring's fixed buffer 0, and the tree its fixed
 *     file 0, so a hop is one READ_FIXED;
 *   - struct aether_xrp_uring_lookup, the program's global `lookup`: the walk in,
 *     the answer out.
 */
#ifndef AETHER_XRP_URING_H
#define AETHER_XRP_URING_H

#include <linux/types.h>

/* One read is in flight at a time, so a small ring never fills. */
#define AETHER_XRP_URING_ENTRIES 8

/* Where the loop stands between two io_uring_enter() calls. */
enum aether_xrp_uring_state {
	AETHER_XRP_URING_IDLE = 0,   /* the next step starts the lookup in `lookup` */
	AETHER_XRP_URING_READING = 1 /* a hop's read is in flight */
};

struct aether_xrp_uring_lookup {
	/* in, set before each io_uring_enter() that starts a lookup */
	__u64 key;
	__u64 root;      /* byte offset of the root node */
	__u64 dev_size;  /* bytes: a child must lie wholly below it */
	__u64 node_addr; /* user address of the parameter region, where reads land */
	__u32 max_hops;  /* the tree's depth: more hops mean a cycle */
	__u32 pad;
	/* out, once io_uring_enter() returns 0 and state is IDLE */
	__u64 value;     /* if found */
	__u64 bad_off;   /* the offset -EUCLEAN or a failed read was about */
	__u32 hops;      /* reads completed */
	__u32 found;     /* 1 or 0 */
	__s32 error;     /* 0, -ELOOP (a cycle), -EUCLEAN (not a node, or a child
			  * outside the device), -EIO (a short read), or the -errno of
			  * a failed read or submission */
	__u32 state;     /* enum aether_xrp_uring_state */
};

#endif /* AETHER_XRP_URING_H */
