// SPDX-License-Identifier: GPL-2.0
/*
 * policy_stride: an aether_policy_ops program that learns each stream's stride
 * in a BPF map. Once two accesses in a row have moved by the same distance, it
 * prefetches @depth strides ahead (backwards too), each as long as the access,
 * and reports the stream as strided, so the kernel's sequential readahead is
 * skipped for it. A sequential stream (stride = length) is left to the kernel.
 */
#include "aether.bpf.h"

char LICENSE[] SEC("license") = "GPL";

/* Strides to prefetch ahead, 1..AETHER_POLICY_MAX_DECISIONS (`--set depth=N`). */
const volatile __u32 depth = 2;

struct stream_key {
	__u64 stream;
	__u32 source; /* the hook's and the disk's streams are apart */
	__u32 pad;
};

struct stride {
	__u64 last;  /* the last access's first page */
	__s64 delta; /* the last distance moved */
	__u32 seen;  /* accesses in a row that moved by delta */
	__u32 pad;
};

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 4096);
	__type(key, struct stream_key);
	__type(value, struct stride);
} strides SEC(".maps");

SEC("struct_ops/policy_stride_decide")
int BPF_PROG(policy_stride_decide, struct aether_policy_ctx *pctx)
{
	struct stream_key key = { .stream = pctx->stream, .source = pctx->source };
	struct stride *s, fresh = { .last = pctx->index };
	__u64 index = pctx->index;
	__s64 delta;
	__u32 k;

	s = bpf_map_lookup_elem(&strides, &key);
	if (!s) {
		bpf_map_update_elem(&strides, &key, &fresh, BPF_ANY);
		return AETHER_POLICY_NONE;
	}
	/* Races with another CPU on the same stream only blur the guess. */
	delta = (__s64)(index - s->last);
	if (delta != 0 && delta == s->delta) {
		s->seen++;
	} else {
		s->delta = delta;
		s->seen = 0;
	}
	s->last = index;
	if (!s->seen || delta == 0 || delta == (__s64)pctx->len)
		return AETHER_POLICY_NONE;

	for (k = 1; k <= AETHER_POLICY_MAX_DECISIONS; k++) {
		__s64 start = (__s64)index + delta * (__s64)k;

		if (k > depth || start < 0 || (__u64)start >= pctx->size)
			break;
		aether_policy_emit(pctx, AETHER_POLICY_PREFETCH, (__u64)start, pctx->len, 49152);
	}
	return delta > 0 ? AETHER_POLICY_STRIDE : AETHER_POLICY_BACKWARD;
}

SEC(".struct_ops.link")
struct aether_policy_ops policy_stride = {
	.decide = (void *)policy_stride_decide,
	.name = "policy_stride",
};
