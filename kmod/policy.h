/* SPDX-License-Identifier: GPL-2.0 */
#ifndef AETHER_POLICY_H
#define AETHER_POLICY_H

#include "core.h"

#include <uapi/aether.h>

struct inode;

/*
 * aether_policy_init() - register the aether_policy_ops struct_ops type and create
 * /sys/kernel/aether/policy/. Its kfunc is registered by aether_bpf_init().
 *
 * Caller has created /sys/kernel/aether/. Returns 0 or a -errno from BTF or sysfs.
 * As for xrp, the type cannot be unregistered; an attached program holds the module.
 */
int aether_policy_init(void);

/* aether_policy_uninit() - remove /sys/kernel/aether/policy/; the type stays, as above. */
void aether_policy_uninit(void);

/*
 * One access, as a host (the readahead hook, the block telemetry) hands it to
 * aether_policy_decide(): what a policy program would see, and what the host's
 * core is fed (@key, ctx.index, ctx.len and ctx.prev).
 */
struct aether_policy_access {
	struct aether_policy_ctx ctx;	/* ctx.size is ignored if @inode is set */
	unsigned long long key;		/* the stream, as the host's core knows it */
	unsigned long long space;	/* its file, for the core's correlations; 0: a disk */
	struct inode *inode;		/* the file read, whose size a policy sees; or NULL */
};

/* Who made an access's decisions. */
enum aether_policy_by {
	AETHER_POLICY_BY_CORE,		/* the host's built-in core */
	AETHER_POLICY_BY_PROGRAM,	/* the attached aether_policy_ops program */
};

/*
 * aether_policy_decide() - decide for one access @a: by the attached policy
 * program if there is one, else by the host's @core. It is
 * aether_policy_decide_by_program(), then, if no program decided,
 * aether_policy_decide_by_core().
 *
 * Fills up to AETHER_CORE_MAX_DECISIONS decisions in @d and @res (a policy reports
 * no history and no hits or waste). Caller owns @core, @cfg and *@generation (its
 * CPU with preemption disabled, or a lock) and has preemption disabled; never
 * sleeps. Returns who decided.
 */
enum aether_policy_by aether_policy_decide(struct aether_core_cpu *core, struct aether_core_config *cfg,
					   int *generation, const struct aether_policy_access *a,
					   struct aether_core_decision *d, struct aether_core_result *res);

/*
 * aether_policy_decide_by_program() - let the attached policy program decide for
 * @a, filling @d and @res as aether_policy_decide() does. Checks without a lock
 * whether one is attached, so that case costs nothing more. Needs no core: a host
 * whose core is behind a lock taken with interrupts off (the block telemetry)
 * runs the program before taking it, and the core only if this fails.
 *
 * Caller has preemption disabled; never sleeps. Returns 0, or -ENOENT when no
 * program is attached (it may just have been detached) and nothing was decided.
 */
int aether_policy_decide_by_program(const struct aether_policy_access *a, struct aether_core_decision *d,
				    struct aether_core_result *res);

/*
 * aether_policy_decide_by_core() - let the host's @core decide for @a. First @core
 * is reconfigured from the tunables if they moved since *@generation, the
 * generation it was last configured for; @cfg is what it was configured with,
 * which the host may read. Caller owns @core, @cfg and *@generation, as for
 * aether_policy_decide(); never sleeps.
 */
void aether_policy_decide_by_core(struct aether_core_cpu *core, struct aether_core_config *cfg, int *generation,
				  const struct aether_policy_access *a, struct aether_core_decision *d,
				  struct aether_core_result *res);

#endif /* AETHER_POLICY_H */
