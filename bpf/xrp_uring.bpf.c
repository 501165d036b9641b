// SPDX-License-Identifier: GPL-2.0
/*
 * xrp_uring: the B+tree walk of xrp_btree.bpf.c with no aether.ko, as an io_uring
 * loop_step (struct io_uring_bpf_ops, Linux 7.x). Each step either starts the
 * lookup in `lookup` by reading the root, or takes the one completed read, steps
 * over its node with aether_btree_step() and submits the read of the child. The
 * ring, its regions and `lookup` are described in xrp_uring.h.
 *
 * The kernel's types are declared here rather than taken from a vmlinux.h: only
 * their names and the members used matter (libbpf matches struct_ops members by
 * name, and CO-RE relocates iou_loop_params), so one object serves every kernel
 * that has the struct_ops, and loading it elsewhere fails cleanly.
 */
#include <linux/types.h>
#include <linux/errno.h>
#include <linux/bpf.h>
#include <linux/io_uring.h>

#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

#include "xrp_btree.h"
#include "xrp_uring.h"

char LICENSE[] SEC("license") = "GPL";

/* io_uring/bpf-ops.h and loop.h of Linux 7.2. */
struct iou_ctx {
};
struct iou_loop_params {
	__u32 cq_wait_idx;
} __attribute__((preserve_access_index));
struct io_uring_bpf_ops {
	int (*loop_step)(struct iou_ctx *ctx, struct iou_loop_params *lp);
	__u32 ring_fd;
};
enum { IOU_LOOP_CONTINUE = 0, IOU_LOOP_STOP = 1 };
enum { IOU_REGION_MEM = 0, IOU_REGION_CQ = 1, IOU_REGION_SQ = 2 };

extern int bpf_io_uring_submit_sqes(struct iou_ctx *ctx, __u32 nr) __ksym;
extern __u8 *bpf_io_uring_get_region(struct iou_ctx *ctx, __u32 region_id, const __u64 rdwr_buf_size) __ksym;

/* The ring's layout, from io_uring_setup()'s params: set before load. */
const volatile __u32 sq_tail_off;
const volatile __u32 cq_head_off;
const volatile __u32 cq_tail_off;
const volatile __u32 cqes_off;

struct aether_xrp_uring_lookup lookup;

/* Ends the lookup with @error; the loop returns to user space. */
static __always_inline int finish(struct aether_xrp_uring_lookup *l, int error)
{
	l->error = error;
	l->state = AETHER_XRP_URING_IDLE;
	return IOU_LOOP_STOP;
}

/* Submits the read of the node at @off, and waits for its completion. */
static __always_inline int read_node(struct iou_ctx *ring, struct aether_xrp_uring_lookup *l, struct iou_loop_params *lp,
					     __u8 *rings, struct io_uring_sqe *sqes, __u64 off)
{
	__u32 *sq_tail = (__u32 *)(rings + sq_tail_off);
	__u32 *cq_head = (__u32 *)(rings + cq_head_off);
	struct io_uring_sqe *sqe = &sqes[*sq_tail & (AETHER_XRP_URING_ENTRIES - 1)];
	int ret;

	if (off == 0 || off % AETHER_BTREE_BLOCK || off > l->dev_size - AETHER_BTREE_BLOCK) {
		l->bad_off = off;
		return finish(l, -EUCLEAN);
	}
	/*
	 * The device is the ring's file 0 and the node its buffer 0: no file lookup and
	 * no page pinning per hop.
	 */
	__builtin_memset(sqe, 0, sizeof(*sqe));
	sqe->opcode = IORING_OP_READ_FIXED;
	sqe->flags = IOSQE_FIXED_FILE;
	sqe->fd = 0;
	sqe->buf_index = 0;
	sqe->off = off;
	sqe->addr = l->node_addr;
	sqe->len = AETHER_BTREE_BLOCK;
	sqe->user_data = off;
	/* The kernel takes SQEs up to the tail it reads. */
	*sq_tail += 1;
	ret = bpf_io_uring_submit_sqes(ring, 1);
	if (ret != 1) {
		l->bad_off = off;
		return finish(l, ret < 0 ? ret : -EAGAIN);
	}
	l->state = AETHER_XRP_URING_READING;
	lp->cq_wait_idx = *cq_head + 1;
	return IOU_LOOP_CONTINUE;
}

SEC("struct_ops.s/xrp_uring_step")
int BPF_PROG(xrp_uring_step, struct iou_ctx *ring, struct iou_loop_params *lp)
{
	struct aether_xrp_uring_lookup *l = &lookup;
	const struct aether_btree_node *node;
	struct io_uring_sqe *sqes;
	struct io_uring_cqe *cqe;
	__u32 *cq_head, *cq_tail;
	__u64 next = 0;
	__u8 *rings;
	int res;

	sqes = (struct io_uring_sqe *)bpf_io_uring_get_region(
		ring, IOU_REGION_SQ, AETHER_XRP_URING_ENTRIES * sizeof(struct io_uring_sqe));
	rings = bpf_io_uring_get_region(ring, IOU_REGION_CQ,
					cqes_off + AETHER_XRP_URING_ENTRIES * sizeof(struct io_uring_cqe));
	node = (const struct aether_btree_node *)bpf_io_uring_get_region(ring, IOU_REGION_MEM, AETHER_BTREE_BLOCK);
	if (!sqes || !rings || !node)
		return finish(l, -EFAULT);

	if (l->state == AETHER_XRP_URING_IDLE) {
		l->hops = 0;
		l->found = 0;
		l->value = 0;
		l->bad_off = 0;
		return read_node(ring, l, lp, rings, sqes, l->root);
	}

	cq_head = (__u32 *)(rings + cq_head_off);
	cq_tail = (__u32 *)(rings + cq_tail_off);
	if (*cq_tail == *cq_head) {
		/* Woken before the read completed (task work, a signal): wait on. */
		lp->cq_wait_idx = *cq_head + 1;
		return IOU_LOOP_CONTINUE;
	}
	cqe = (struct io_uring_cqe *)(rings + cqes_off +
				      (*cq_head & (AETHER_XRP_URING_ENTRIES - 1)) * sizeof(struct io_uring_cqe));
	res = cqe->res;
	l->bad_off = cqe->user_data;
	*cq_head += 1;
	if (res != AETHER_BTREE_BLOCK)
		return finish(l, res < 0 ? res : -EIO);
	l->hops++;

	switch (aether_btree_step(node, l->key, &next)) {
	case AETHER_BTREE_FOUND:
		l->value = next;
		l->found = 1;
		return finish(l, 0);
	case AETHER_BTREE_MISSING:
		return finish(l, 0);
	case AETHER_BTREE_NEXT:
		/* A sound tree is walked in exactly depth hops; more means a cycle. */
		if (l->hops >= l->max_hops)
			return finish(l, -ELOOP);
		return read_node(ring, l, lp, rings, sqes, next);
	default:
		return finish(l, -EUCLEAN);
	}
}

SEC(".struct_ops.link")
struct io_uring_bpf_ops xrp_uring = {
	.loop_step = (void *)xrp_uring_step,
};
