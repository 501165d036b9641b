// SPDX-License-Identifier: GPL-2.0
/*
 * bpf subsystem: what every struct_ops type of the module shares (kmod/xrp.c,
 * kmod/policy.c): the kfunc set; one slot per type, whose .reg and .unreg attach
 * and detach the program and in which readers find it under RCU; the rest of
 * the callbacks the kernel needs of a type, which only differ by the slot; and the
 * type's registration with its directory under /sys/kernel/aether/.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/btf_ids.h>
#include <linux/ctype.h>
#include <linux/err.h>
#include <linux/kobject.h>
#include <linux/module.h>
#include <linux/string.h>
#include <linux/sysfs.h>

#include <uapi/aether.h>

#include "bpf.h"
#include "compat.h"
#include "sysfs.h"

/*
 * Every kfunc of the module, for struct_ops programs. A module may register one
 * set per program type, so the subsystems' kfuncs are listed here together; each
 * takes its own type's context, which the verifier checks, so a program can only
 * call those of its own type.
 */
BTF_KFUNCS_START(aether_bpf_kfunc_ids)
BTF_ID_FLAGS(func, aether_xrp_get_block, KF_TRUSTED_ARGS | KF_RET_NULL)
BTF_ID_FLAGS(func, aether_xrp_get_scratch, KF_TRUSTED_ARGS | KF_RET_NULL)
BTF_ID_FLAGS(func, aether_xrp_set_next, KF_TRUSTED_ARGS)
BTF_ID_FLAGS(func, aether_policy_emit, KF_TRUSTED_ARGS)
BTF_KFUNCS_END(aether_bpf_kfunc_ids)

static const struct btf_kfunc_id_set aether_bpf_kfunc_set = {
	.owner = THIS_MODULE,
	.set = &aether_bpf_kfunc_ids,
};

int aether_bpf_init(void)
{
	int ret = register_btf_kfunc_id_set(BPF_PROG_TYPE_STRUCT_OPS, &aether_bpf_kfunc_set);

	if (ret)
		pr_err("cannot register kfuncs: %d (is the module's BTF missing?)\n", ret);
	return ret;
}

/* Nothing to undo: the kernel drops the kfunc set with the module's BTF. */
void aether_bpf_uninit(void)
{
}

/* Makes @ops, whose program calls itself @name, the one @slot calls. Returns 0 or -EBUSY. */
static int aether_bpf_slot_attach(struct aether_bpf_slot *slot, void *ops, const char *name)
{
	int ret = 0;

	mutex_lock(&slot->lock);
	if (rcu_access_pointer(slot->ops)) {
		ret = -EBUSY;
	} else {
		WRITE_ONCE(slot->generation, slot->generation + 1);
		rcu_assign_pointer(slot->ops, ops);
		pr_info("%s: attached '%s'\n", slot->type, name);
	}
	mutex_unlock(&slot->lock);
	return ret;
}

int aether_bpf_slot_reg(struct aether_bpf_slot *slot, void *kdata)
{
	if (!*(void **)((char *)kdata + slot->func_off))
		return -EINVAL;
	return aether_bpf_slot_attach(slot, kdata, (const char *)kdata + slot->name_off);
}

void aether_bpf_slot_unreg(struct aether_bpf_slot *slot, void *kdata)
{
	mutex_lock(&slot->lock);
	if (rcu_access_pointer(slot->ops) == kdata) {
		RCU_INIT_POINTER(slot->ops, NULL);
		synchronize_rcu();
		pr_info("%s: detached '%s'\n", slot->type, (const char *)kdata + slot->name_off);
	}
	mutex_unlock(&slot->lock);
}

ssize_t aether_bpf_ops_show(struct kobject *kobj, struct kobj_attribute *attr, char *buf)
{
	struct aether_bpf_slot *slot = container_of(attr, struct aether_bpf_slot, ops_attr);
	const char *name;
	ssize_t n = 0;
	void *ops;

	rcu_read_lock();
	ops = aether_bpf_slot_get(slot, NULL);
	if (ops) {
		name = (const char *)ops + slot->name_off;
		n = sysfs_emit(buf, "%s\n", name[0] ? name : "(unnamed)");
	}
	rcu_read_unlock();
	return n;
}

int aether_bpf_type_failed(struct aether_bpf_slot *slot, const char *type, int ret)
{
	pr_err("%s: cannot register struct_ops %s: %d\n", slot->type, type, ret);
	return ret;
}

int aether_bpf_type_add_dir(struct aether_bpf_slot *slot, struct attribute **attrs)
{
	struct kobject *kobj;
	int ret;

	slot->group.attrs = attrs;
	kobj = aether_sysfs_add_dir(slot->type, &slot->group);
	if (IS_ERR(kobj))
		return PTR_ERR(kobj);
	ret = sysfs_create_file(kobj, &slot->ops_attr.attr);
	if (ret) {
		kobject_put(kobj);
		return ret;
	}
	slot->kobj = kobj;
	return 0;
}

void aether_bpf_type_uninit(struct aether_bpf_slot *slot)
{
	kobject_put(slot->kobj);
	slot->kobj = NULL;
}

static bool aether_bpf_is_valid_access(int off, int size, enum bpf_access_type type,
				       const struct bpf_prog *prog, struct bpf_insn_access_aux *info)
{
	return bpf_tracing_btf_ctx_access(off, size, type, prog, info);
}

const struct bpf_verifier_ops aether_bpf_verifier_ops = {
	.get_func_proto = bpf_base_func_proto,
	.is_valid_access = aether_bpf_is_valid_access,
};

int aether_bpf_ops_init(struct btf *btf)
{
	return 0;
}

int aether_bpf_check_member(const struct btf_type *t, const struct btf_member *member,
			    const struct bpf_prog *prog)
{
	return prog->sleepable ? -EINVAL : 0;
}

/* A name is printable ASCII and NUL-terminated within AETHER_OPS_NAME_LEN. */
static bool aether_bpf_name_valid(const char *name)
{
	size_t i, n = strnlen(name, AETHER_OPS_NAME_LEN);

	if (n == AETHER_OPS_NAME_LEN)
		return false;
	for (i = 0; i < n; i++)
		if (!isgraph(name[i]))
			return false;
	return true;
}

int aether_bpf_slot_init_member(struct aether_bpf_slot *slot, const struct btf_type *t,
				const struct btf_member *member, void *kdata, const void *udata)
{
	const char *uname = (const char *)udata + slot->name_off;

	if (__btf_member_bit_offset(t, member) / 8 != slot->name_off)
		return 0;
	if (!aether_bpf_name_valid(uname))
		return -EINVAL;
	memcpy((char *)kdata + slot->name_off, uname, AETHER_OPS_NAME_LEN);
	return 1;
}
