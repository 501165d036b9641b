/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * What every Aether eBPF program includes: libbpf's helpers, the uapi types the
 * module's struct_ops pass, and the module's kfuncs. Programs only, never user
 * space (which includes <uapi/aether.h> directly).
 */
#ifndef AETHER_BPF_H
#define AETHER_BPF_H

#include <linux/types.h>
#include <linux/errno.h>
#include <linux/bpf.h>

#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

#include <uapi/aether.h>

/*
 * The block just read from byte @offset, for @size bytes that must be a
 * constant; NULL unless the range is inside the block. Read-only.
 */
extern __u8 *aether_xrp_get_block(struct aether_xrp_ctx *ctx, __u32 offset, const __u64 size) __ksym;

/* The lookup's scratch area from byte @offset, for @size constant bytes; NULL unless inside. */
extern __u8 *aether_xrp_get_scratch(struct aether_xrp_ctx *ctx, __u32 offset, const __u64 size) __ksym;

/*
 * Names the block to read next. Returns 0, or -ERANGE if it is misaligned,
 * longer than AETHER_XRP_MAX_LEN or outside the device (a NEXT verdict then
 * ends the lookup with -ERANGE).
 */
extern int aether_xrp_set_next(struct aether_xrp_ctx *ctx, __u64 offset, __u32 len) __ksym;

/*
 * From an aether_policy_ops program: adds one decision (enum aether_policy_action)
 * for @len pages from page @start, @confidence in Q16. Returns 0, -EINVAL for a bad
 * action, length or confidence, -ENOSPC after AETHER_POLICY_MAX_DECISIONS.
 */
extern int aether_policy_emit(struct aether_policy_ctx *ctx, __u32 action, __u64 start, __u32 len,
			      __u32 confidence) __ksym;

#endif /* AETHER_BPF_H */
