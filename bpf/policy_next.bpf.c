// SPDX-License-Identifier: GPL-2.0
/*
 * policy_next: an aether_policy_ops program that, after every access, prefetches
 * the next @pages pages, whatever the pattern. It says every stream is random, so
 * the kernel's own readahead stays as it is: this only adds reads. The simplest
 * policy there is, and a baseline for smarter ones.
 */
#include "aether.bpf.h"

char LICENSE[] SEC("license") = "GPL";

/* Pages to prefetch past each access: 1..AETHER_POLICY_MAX_LEN (`--set pages=N`). */
const volatile __u32 pages = 8;

SEC("struct_ops/policy_next_decide")
int BPF_PROG(policy_next_decide, struct aether_policy_ctx *pctx)
{
	/* A bad @pages is refused by the kfunc and counted in policy/errors. */
	aether_policy_emit(pctx, AETHER_POLICY_PREFETCH, pctx->index + pctx->len, pages, 32768);
	return AETHER_POLICY_NONE;
}

SEC(".struct_ops.link")
struct aether_policy_ops policy_next = {
	.decide = (void *)policy_next_decide,
	.name = "policy_next",
};
