/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the module's struct_ops types share: one attachment slot per type, the
 * verifier callbacks they have in common, and their programs' names.
 */
#ifndef AETHER_BPF_H
#define AETHER_BPF_H

#include <linux/bpf.h>
#include <linux/bpf_verifier.h>
#include <linux/btf.h>
#include <linux/mutex.h>
#include <linux/rcupdate.h>
#include <linux/types.h>

/*
 * aether_bpf_init() - register the module's kfuncs for struct_ops programs.
 * Returns 0 or the -errno of register_btf_kfunc_id_set(). Like struct_ops types,
 * kfuncs cannot be unregistered: the kernel drops them with the module's BTF.
 */
int aether_bpf_init(void);
void aether_bpf_uninit(void);

/*
 * Where a struct_ops type's program is attached: at most one at a time. Readers
 * call it under rcu_read_lock(), so its programs may not sleep.
 */
struct aether_bpf_slot {
	struct mutex lock;	/* serialises attach and detach */
	void __rcu *ops;	/* the attached program's kdata, or NULL */
	u64 generation;		/* bumped on every attach, so a reader can tell a new program at an old address */
	const char *type;	/* the struct_ops type, for the log */
};

#define AETHER_BPF_SLOT_INIT(_slot, _type) \
	{ .lock = __MUTEX_INITIALIZER((_slot).lock), .type = (_type) }

/*
 * aether_bpf_slot_attach() - make @ops, whose program calls itself @name, the
 * one @slot calls. For a struct_ops type's .reg. Returns 0, or -EBUSY if another
 * program is attached.
 */
int aether_bpf_slot_attach(struct aether_bpf_slot *slot, void *ops, const char *name);

/*
 * aether_bpf_slot_detach() - for a struct_ops type's .unreg. Returns once no
 * reader can still be calling @ops. Does nothing if @ops is not attached.
 */
void aether_bpf_slot_detach(struct aether_bpf_slot *slot, void *ops, const char *name);

/*
 * The attached program's kdata, or NULL; with its attach generation in *@gen if
 * @gen is not NULL. Caller holds rcu_read_lock() for as long as it uses the result.
 */
static inline void *aether_bpf_slot_get(struct aether_bpf_slot *slot, u64 *gen)
{
	void *ops = rcu_dereference(slot->ops);

	if (ops && gen)
		*gen = READ_ONCE(slot->generation);
	return ops;
}

/*
 * aether_bpf_slot_show() - sysfs: the attached program's name (found @name_off
 * bytes into its kdata), or nothing. Returns the length written.
 */
ssize_t aether_bpf_slot_show(struct aether_bpf_slot *slot, size_t name_off, char *buf);

/* .is_valid_access of every type: the program reads its arguments as BTF pointers. */
bool aether_bpf_is_valid_access(int off, int size, enum bpf_access_type type,
				const struct bpf_prog *prog, struct bpf_insn_access_aux *info);

/*
 * .check_member of every type: each member is called under rcu_read_lock(), some
 * with preemption disabled, so no program may be sleepable. Returns 0 or -EINVAL.
 */
int aether_bpf_check_member(const struct btf_type *t, const struct btf_member *member,
			    const struct bpf_prog *prog);

/*
 * aether_bpf_init_name() - for .init_member: if @member is the name at @name_off,
 * check the user's name (printable, NUL-terminated within AETHER_OPS_NAME_LEN)
 * and copy it. Returns 1 if it was the name, 0 if not, -EINVAL for a bad name.
 */
int aether_bpf_init_name(const struct btf_type *t, const struct btf_member *member,
			 void *kdata, const void *udata, size_t name_off);

#endif /* AETHER_BPF_H */
