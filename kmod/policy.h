/* SPDX-License-Identifier: GPL-2.0 */
#ifndef AETHER_POLICY_H
#define AETHER_POLICY_H

#include <linux/rcupdate.h>

#include "bpf.h"
#include "core.h"

struct aether_policy_ctx;

/* Where the attached aether_policy_ops program is; readers use the helpers below. */
extern struct aether_bpf_slot aether_policy_slot;

/*
 * Whether a policy program is attached now, for the hot paths to skip building a
 * context when none is. A racing detach is harmless: aether_policy_decide() then
 * returns -ENOENT and the core decides. Any context.
 */
static inline bool aether_policy_attached(void)
{
	return rcu_access_pointer(aether_policy_slot.ops) != NULL;
}

/*
 * aether_policy_init() - register the aether_policy_ops struct_ops type and create
 * /sys/kernel/aether/policy/. Its kfunc is registered by aether_bpf_init().
 *
 * Caller has created /sys/kernel/aether/. Returns 0 or a -errno from BTF or sysfs.
 * As for xrp, the type cannot be unregistered; an attached program holds the module.
 */
int aether_policy_init(void);
void aether_policy_uninit(void);

/*
 * aether_policy_decide() - let the attached policy program decide for one access.
 *
 * Fills up to AETHER_CORE_MAX_DECISIONS decisions in @d and @res as the core
 * would (a policy reports no history and no hits or waste). Caller has preemption
 * disabled; never sleeps. Returns 0, or -ENOENT when no policy is attached and
 * the built-in core must decide.
 */
int aether_policy_decide(const struct aether_policy_ctx *ctx, struct aether_core_decision *d,
			 struct aether_core_result *res);

#endif /* AETHER_POLICY_H */
