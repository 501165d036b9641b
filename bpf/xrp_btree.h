/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * The on-disk B+tree that XRP-style lookups walk: one format for the BPF search
 * step (xrp_btree.bpf.c), aether-ctl's builder and its user-space pread lookup.
 *
 * A tree is a run of 4 KiB blocks from byte 0 of a file or block device:
 *   - block 0 is the superblock, struct aether_btree_super;
 *   - every other block is a node, struct aether_btree_node. Leaves (level 0)
 *     hold keys and their values; an inner node holds, for each child, the
 *     smallest key under it and the child's byte offset.
 * Keys in a node are strictly increasing. All integers are little-endian (the
 * only byte order Aether runs on). The builder writes the superblock last, so a
 * build cut short never looks like a tree.
 *
 * aether_btree_step() is the whole search: one node in, the next offset (or the
 * answer) out. It is plain C that both clang's BPF target and the C++ host build
 * compile, so the kernel chain and the user-space chain cannot disagree.
 */
#ifndef AETHER_XRP_BTREE_H
#define AETHER_XRP_BTREE_H

#include <linux/types.h>

#define AETHER_BTREE_BLOCK 4096
#define AETHER_BTREE_SUPER_MAGIC 0x53425841u /* "AXBS" */
#define AETHER_BTREE_NODE_MAGIC 0x4e425841u  /* "AXBN" */
#define AETHER_BTREE_VERSION 1
/* Entries per node: what fits in a block after the 16-byte header. */
#define AETHER_BTREE_FANOUT 255
/* No valid tree is deeper: even at fanout 2 that is 2^31 leaves. */
#define AETHER_BTREE_MAX_DEPTH 32

struct aether_btree_super {
	__u32 magic;   /* AETHER_BTREE_SUPER_MAGIC */
	__u32 version; /* AETHER_BTREE_VERSION */
	__u64 root;    /* byte offset of the root node */
	__u64 nkeys;   /* keys in the leaves */
	__u64 nnodes;  /* nodes, not counting this block */
	__u32 depth;   /* levels: 1 when the root is a leaf */
	__u32 fanout;  /* the most entries the builder put in a node */
	__u64 seed;    /* what the builder's keys came from */
	__u8 pad[AETHER_BTREE_BLOCK - 48];
};

struct aether_btree_node {
	__u32 magic;  /* AETHER_BTREE_NODE_MAGIC */
	__u16 level;  /* 0: a leaf */
	__u16 nkeys;  /* 1..AETHER_BTREE_FANOUT */
	__u64 pad;
	__u64 keys[AETHER_BTREE_FANOUT];
	__u64 vals[AETHER_BTREE_FANOUT]; /* a leaf: values; inner: child byte offsets */
};

#ifdef __cplusplus
static_assert(sizeof(struct aether_btree_super) == AETHER_BTREE_BLOCK, "one block");
static_assert(sizeof(struct aether_btree_node) == AETHER_BTREE_BLOCK, "one block");
#else
_Static_assert(sizeof(struct aether_btree_super) == AETHER_BTREE_BLOCK, "one block");
_Static_assert(sizeof(struct aether_btree_node) == AETHER_BTREE_BLOCK, "one block");
#endif

/*
 * The scratch area of an in-kernel lookup (AETHER_IOC_XRP_LOOKUP with
 * xrp_btree.bpf.c attached): @key in; @found and, if found, @value out.
 */
struct aether_btree_xrp_scratch {
	__u64 key;
	__u64 value;
	__u32 found;
	__u32 pad;
};

enum aether_btree_step_result {
	AETHER_BTREE_NEXT = 0,    /* *out is the next node's byte offset */
	AETHER_BTREE_FOUND = 1,   /* *out is the key's value */
	AETHER_BTREE_MISSING = 2, /* the key is not in the tree */
	AETHER_BTREE_CORRUPT = 3, /* the block is not a node */
};

/*
 * One search step: looks @key up in @node. Returns an aether_btree_step_result;
 * *out is set for NEXT and FOUND only. Any block is safe to pass: indexes never
 * leave the node, and a block that is not a node is CORRUPT. The caller checks
 * that a NEXT offset lies inside its device, and bounds the hops.
 */
/*
 * Hides @x's value from the compiler, so that a bounds check it could prove
 * redundant is still emitted. The BPF verifier tracks ranges less well than clang:
 * it needs to see the check before the index is used, or it refuses the program.
 */
#define AETHER_BTREE_OPAQUE(x) __asm__ volatile("" : "+r"(x))

static inline int aether_btree_step(const struct aether_btree_node *node, __u64 key, __u64 *out)
{
	/* 64-bit indexes: a 32-bit one is zero-extended in a copy the verifier cannot tie to its check. */
	__u64 lo = 0, hi, i, at;

	if (node->magic != AETHER_BTREE_NODE_MAGIC || node->nkeys == 0 || node->nkeys > AETHER_BTREE_FANOUT)
		return AETHER_BTREE_CORRUPT;
	hi = node->nkeys;
	/*
	 * Binary search for the first key greater than @key, in at most 8 rounds
	 * (2^8 > AETHER_BTREE_FANOUT): a fixed bound the verifier can see.
	 */
	for (i = 0; i < 8 && lo < hi; i++) {
		__u64 mid = (lo + hi) / 2;

		AETHER_BTREE_OPAQUE(mid);
		if (mid >= AETHER_BTREE_FANOUT)
			return AETHER_BTREE_CORRUPT;
		if (node->keys[mid] <= key)
			lo = mid + 1;
		else
			hi = mid;
	}
	/* keys[lo - 1] is now the last key <= @key, if lo > 0 (else at wraps, and is too big). */
	at = lo - 1;
	AETHER_BTREE_OPAQUE(at);
	if (at >= AETHER_BTREE_FANOUT)
		return AETHER_BTREE_MISSING;
	if (node->level == 0) {
		if (node->keys[at] != key)
			return AETHER_BTREE_MISSING;
		*out = node->vals[at];
		return AETHER_BTREE_FOUND;
	}
	*out = node->vals[at];
	return AETHER_BTREE_NEXT;
}

#endif /* AETHER_XRP_BTREE_H */
