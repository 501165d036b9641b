// SPDX-License-Identifier: GPL-2.0
/*
 * xrp_btree: one B+tree search step per block, so that `aether-ctl xrp get`
 * descends the whole tree (bpf/xrp_btree.h) inside one AETHER_IOC_XRP_LOOKUP.
 * The scratch area is a struct aether_btree_xrp_scratch: the key in, the
 * answer out.
 */
#include "aether.bpf.h"
#include "xrp_btree.h"

char LICENSE[] SEC("license") = "GPL";

SEC("struct_ops/xrp_btree_step")
int BPF_PROG(xrp_btree_step, struct aether_xrp_ctx *xctx)
{
	const struct aether_btree_node *node;
	struct aether_btree_xrp_scratch *s;
	__u64 out = 0;

	node = (const struct aether_btree_node *)aether_xrp_get_block(xctx, 0, sizeof(*node));
	s = (struct aether_btree_xrp_scratch *)aether_xrp_get_scratch(xctx, 0, sizeof(*s));
	if (!node || !s)
		return -EINVAL;

	switch (aether_btree_step(node, s->key, &out)) {
	case AETHER_BTREE_NEXT:
		/* A bad offset is the module's to report (-ERANGE), not ours. */
		aether_xrp_set_next(xctx, out, AETHER_BTREE_BLOCK);
		return AETHER_XRP_NEXT;
	case AETHER_BTREE_FOUND:
		s->value = out;
		s->found = 1;
		return AETHER_XRP_DONE;
	case AETHER_BTREE_MISSING:
		s->found = 0;
		return AETHER_XRP_DONE;
	default:
		return -EUCLEAN;
	}
}

SEC(".struct_ops.link")
struct aether_xrp_ops xrp_btree = {
	.step = (void *)xrp_btree_step,
	.name = "xrp_btree",
};
