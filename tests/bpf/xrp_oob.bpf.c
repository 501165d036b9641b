// SPDX-License-Identifier: GPL-2.0
/* A step that reads past the 64 bytes it asked for: the verifier must refuse it. */
#include "aether.bpf.h"

char LICENSE[] SEC("license") = "GPL";

SEC("struct_ops/xrp_oob_step")
int BPF_PROG(xrp_oob_step, struct aether_xrp_ctx *xctx)
{
	const __u8 *b = aether_xrp_get_block(xctx, 0, 64);

	if (!b)
		return -EINVAL;
	return b[100];
}

SEC(".struct_ops.link")
struct aether_xrp_ops xrp_oob = {
	.step = (void *)xrp_oob_step,
	.name = "xrp_oob",
};
