// SPDX-License-Identifier: GPL-2.0
/*
 * policy subsystem: a prefetch decision written in eBPF, and the one place where
 * every access is decided.
 *
 * The readahead hook hands each access to aether_policy_decide(); the block
 * telemetry to its two halves, so that a program never runs under the lock it
 * takes with interrupts off. While an aether_policy_ops program is attached, its
 * decide() answers instead of the host's built-in core; detaching it gives every
 * later access back to the core. decide() sees one access
 * (struct aether_policy_ctx), emits up to AETHER_POLICY_MAX_DECISIONS decisions
 * with the kfunc aether_policy_emit(), which checks each one, and returns the
 * pattern that steers the hook. What the hook then does with the decisions is
 * exactly what it does with the core's: the same bounds, queue and counters.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/fs.h>
#include <linux/kobject.h>
#include <linux/module.h>
#include <linux/sysfs.h>

#include <uapi/aether.h>

#include "bpf.h"
#include "compat.h"
#include "core.h"
#include "policy.h"
#include "sysfs.h"

/*
 * The uapi's patterns and actions are the core's: both are built from the lists in
 * uapi/aether_names.h. These two limits are not in a list, so a decision passes
 * through unchanged only while they agree.
 */
static_assert((int)AETHER_POLICY_MAX_DECISIONS == (int)AETHER_CORE_MAX_DECISIONS);
static_assert(AETHER_POLICY_NO_PREV == AETHER_CORE_NO_PREV);

struct aether_policy_kctx {
	struct aether_policy_ctx ctx;	/* what decide() is given; first, for container_of */
	struct aether_core_decision *d;	/* AETHER_POLICY_MAX_DECISIONS slots */
	unsigned int n;			/* of them filled */
};

static struct aether_bpf_slot aether_policy_slot =
	AETHER_BPF_SLOT_INIT(aether_policy_slot, "policy", aether_policy_ops, decide);

/* decide() calls that returned no pattern, and emits it refused: a program's bugs. */
static atomic64_t aether_policy_errors;

__bpf_kfunc_start_defs();

/*
 * aether_policy_emit() - add one decision: @action (enum aether_policy_action)
 * for @len pages from page @start, with @confidence in Q16 (65536 is certain).
 * Returns 0; -EINVAL for an unknown action, a length outside
 * 1..AETHER_POLICY_MAX_LEN or a confidence above 65536; -ENOSPC once
 * AETHER_POLICY_MAX_DECISIONS are emitted.
 */
__bpf_kfunc int aether_policy_emit(struct aether_policy_ctx *ctx, u32 action, u64 start, u32 len,
				   u32 confidence)
{
	struct aether_policy_kctx *k = container_of(ctx, struct aether_policy_kctx, ctx);
	struct aether_core_decision *d;

	if ((action != AETHER_POLICY_READAHEAD && action != AETHER_POLICY_PREFETCH) || !len ||
	    len > AETHER_POLICY_MAX_LEN || confidence > 65536) {
		atomic64_inc(&aether_policy_errors);
		return -EINVAL;
	}
	if (k->n == AETHER_POLICY_MAX_DECISIONS) {
		atomic64_inc(&aether_policy_errors);
		return -ENOSPC;
	}
	d = &k->d[k->n++];
	d->action = action;
	d->start = start;
	d->length = len;
	d->confidence = confidence;
	return 0;
}

__bpf_kfunc_end_defs();

/*
 * Whether a program is attached now. A lock-free look, so that the hosts pay
 * nothing for policies while none is attached; any context.
 */
static inline bool aether_policy_attached(void)
{
	return rcu_access_pointer(aether_policy_slot.ops) != NULL;
}

int aether_policy_decide_by_program(const struct aether_policy_access *a, struct aether_core_decision *d,
				    struct aether_core_result *res)
{
	struct aether_policy_kctx k = { .ctx = a->ctx, .d = d };
	struct aether_policy_ops *ops;
	int pattern, ret = -ENOENT;

	/* Costs nothing more while no program is attached. */
	if (!aether_policy_attached())
		return -ENOENT;
	if (a->inode)
		k.ctx.size = DIV_ROUND_UP_ULL(i_size_read(a->inode), PAGE_SIZE);
	rcu_read_lock();
	ops = aether_bpf_slot_get(&aether_policy_slot, NULL);
	if (ops) {
		pattern = ops->decide(&k.ctx);
		if (pattern < AETHER_POLICY_NONE || pattern > AETHER_POLICY_STRIDE) {
			atomic64_inc(&aether_policy_errors);
			pattern = AETHER_POLICY_NONE;
		}
		res->pattern = pattern;
		res->history = AETHER_CORE_HISTORY_NEW;
		res->n = k.n;
		res->used = 0;
		res->wasted = 0;
		ret = 0;
	}
	rcu_read_unlock();
	return ret;
}

void aether_policy_decide_by_core(struct aether_core_cpu *core, struct aether_core_config *cfg, int *generation,
				  const struct aether_policy_access *a, struct aether_core_decision *d,
				  struct aether_core_result *res)
{
	int gen = atomic_read(&aether_tunables.generation);

	if (unlikely(*generation != gen)) {
		aether_sysfs_core_config(cfg);
		aether_core_cpu_configure(core, cfg);
		*generation = gen;
	}
	aether_core_cpu_access(core, a->key, a->space, a->ctx.index, a->ctx.len, a->ctx.prev, d, res);
}

enum aether_policy_by aether_policy_decide(struct aether_core_cpu *core, struct aether_core_config *cfg,
					   int *generation, const struct aether_policy_access *a,
					   struct aether_core_decision *d, struct aether_core_result *res)
{
	/* A racing detach is harmless: the call then finds no program and the core decides. */
	if (aether_policy_decide_by_program(a, d, res) == 0)
		return AETHER_POLICY_BY_PROGRAM;
	aether_policy_decide_by_core(core, cfg, generation, a, d, res);
	return AETHER_POLICY_BY_CORE;
}

/* struct_ops plumbing. */

/* Never called: the kernel needs a function of each member's type for CFI. */
static int aether_policy_decide_stub(struct aether_policy_ctx *ctx)
{
	return AETHER_POLICY_NONE;
}

static struct aether_policy_ops aether_policy_cfi_stubs = {
	.decide = aether_policy_decide_stub,
};

AETHER_BPF_STRUCT_OPS(aether_policy_bpf_ops, aether_policy_ops, aether_policy_slot,
		      aether_policy_cfi_stubs);

/* /sys/kernel/aether/policy/: which program decides, and its mistakes. */

static ssize_t errors_show(struct kobject *kobj, struct kobj_attribute *attr, char *buf)
{
	return sysfs_emit(buf, "%lld\n", atomic64_read(&aether_policy_errors));
}
static struct kobj_attribute aether_policy_attr_errors = __ATTR_RO_MODE(errors, 0400);

static struct attribute *aether_policy_attrs[] = {
	&aether_policy_attr_errors.attr,
	NULL,
};

int aether_policy_init(void)
{
	return aether_bpf_type_init(&aether_policy_bpf_ops, aether_policy_ops, &aether_policy_slot,
				    aether_policy_attrs);
}

void aether_policy_uninit(void)
{
	aether_bpf_type_uninit(&aether_policy_slot);
}
