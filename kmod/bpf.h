/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the module's struct_ops types share: one attachment slot per type, every
 * callback the kernel needs of a type, and the type's registration with its
 * directory under /sys/kernel/aether/, so that a subsystem only supplies its
 * slot, its CFI stubs and its own files.
 */
#ifndef AETHER_BPF_H
#define AETHER_BPF_H

#include <linux/bpf.h>
#include <linux/bpf_verifier.h>
#include <linux/btf.h>
#include <linux/kobject.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/rcupdate.h>
#include <linux/stddef.h>
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
	const char *type;	/* the subsystem: for the log, and its directory's name */
	size_t name_off;	/* where the program's name is in its kdata */
	size_t func_off;	/* the member every program must implement */
	struct kobj_attribute ops_attr;	/* <type>/ops: the attached program's name */
	struct attribute_group group;	/* <type>/: the subsystem's own files */
	struct kobject *kobj;		/* /sys/kernel/aether/<type>/, while registered */
};

/* The show() of every slot's ops_attr: the attached program's name, or nothing. */
ssize_t aether_bpf_ops_show(struct kobject *kobj, struct kobj_attribute *attr, char *buf);

/*
 * The slot @_slot of subsystem @_sub (a string), for programs of struct_ops type
 * struct @_ops, which have a char name[AETHER_OPS_NAME_LEN] and must implement @_func.
 */
#define AETHER_BPF_SLOT_INIT(_slot, _sub, _ops, _func)				\
	{									\
		.lock = __MUTEX_INITIALIZER((_slot).lock),			\
		.type = (_sub),							\
		.name_off = offsetof(struct _ops, name),			\
		.func_off = offsetof(struct _ops, _func),			\
		.ops_attr = __ATTR(ops, 0444, aether_bpf_ops_show, NULL),	\
	}

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
 * aether_bpf_slot_reg() - .reg of @slot's type: make @kdata the program @slot
 * calls. Returns 0; -EINVAL if it lacks the member every program must implement;
 * -EBUSY if another program is attached.
 */
int aether_bpf_slot_reg(struct aether_bpf_slot *slot, void *kdata);

/*
 * aether_bpf_slot_unreg() - .unreg of @slot's type. Returns once no reader can
 * still be calling @kdata. Does nothing if @kdata is not attached.
 */
void aether_bpf_slot_unreg(struct aether_bpf_slot *slot, void *kdata);

/*
 * aether_bpf_slot_init_member() - .init_member of @slot's type: if @member is
 * the name, check the user's name (printable, NUL-terminated within
 * AETHER_OPS_NAME_LEN) and copy it. Returns 1 if it was the name, 0 if not (the
 * kernel handles it), -EINVAL for a bad name.
 */
int aether_bpf_slot_init_member(struct aether_bpf_slot *slot, const struct btf_type *t,
				const struct btf_member *member, void *kdata, const void *udata);

/* .verifier_ops of every type: base helpers; arguments are read as BTF pointers. */
extern const struct bpf_verifier_ops aether_bpf_verifier_ops;

/* .init of every type: nothing to prepare. Returns 0. */
int aether_bpf_ops_init(struct btf *btf);

/*
 * .check_member of every type: each member is called under rcu_read_lock(), some
 * with preemption disabled, so no program may be sleepable. Returns 0 or -EINVAL.
 */
int aether_bpf_check_member(const struct btf_type *t, const struct btf_member *member,
			    const struct bpf_prog *prog);

/*
 * AETHER_BPF_STRUCT_OPS() - define @_name, the struct bpf_struct_ops of struct_ops
 * type struct @_type, whose programs attach to @_slot; @_stubs is the type's
 * cfi_stubs, a struct @_type of functions of each member's type (never called).
 *
 * Everything but the slot and the stubs is shared. The kernel's .init_member, .reg
 * and .unreg get no pointer back to their type, so each type has its own, defined
 * here, which only passes its slot on.
 */
#define AETHER_BPF_STRUCT_OPS(_name, _type, _slot, _stubs)				\
	static int _type##_init_member(const struct btf_type *t,			\
				       const struct btf_member *member,		\
				       void *kdata, const void *udata)		\
	{										\
		return aether_bpf_slot_init_member(&(_slot), t, member, kdata, udata);	\
	}										\
	static int _type##_reg(void *kdata, struct bpf_link *link)			\
	{										\
		return aether_bpf_slot_reg(&(_slot), kdata);				\
	}										\
	static void _type##_unreg(void *kdata, struct bpf_link *link)			\
	{										\
		aether_bpf_slot_unreg(&(_slot), kdata);					\
	}										\
	static struct bpf_struct_ops _name = {						\
		.verifier_ops = &aether_bpf_verifier_ops,				\
		.init = aether_bpf_ops_init,						\
		.check_member = aether_bpf_check_member,				\
		.init_member = _type##_init_member,					\
		.reg = _type##_reg,							\
		.unreg = _type##_unreg,							\
		.cfi_stubs = &(_stubs),							\
		.name = #_type,								\
		.owner = THIS_MODULE,							\
	}

/*
 * aether_bpf_type_init() - register @_st_ops, defined by AETHER_BPF_STRUCT_OPS()
 * for struct @_type, whose programs attach to @_slot; then create
 * /sys/kernel/aether/<slot type>/ holding "ops" (the attached program's name) and
 * the NULL-terminated @_attrs. A macro, because register_bpf_struct_ops() must
 * name the struct to emit its BTF.
 *
 * Caller has created /sys/kernel/aether/. Process context. Returns 0 or a -errno
 * from BTF or sysfs; a failure is logged. A struct_ops type cannot be
 * unregistered: the kernel drops it with the module's BTF, and an attached
 * program holds a reference on the module, so nothing outlives what it points at.
 */
#define aether_bpf_type_init(_st_ops, _type, _slot, _attrs)				\
	({										\
		int __ret = register_bpf_struct_ops(_st_ops, _type);			\
											\
		__ret ? aether_bpf_type_failed(_slot, #_type, __ret) :			\
			aether_bpf_type_add_dir(_slot, _attrs);				\
	})

/* For aether_bpf_type_init(): logs that struct @type failed with @ret, and returns it. */
int aether_bpf_type_failed(struct aether_bpf_slot *slot, const char *type, int ret);

/*
 * For aether_bpf_type_init(): creates @slot's directory with its "ops" and
 * @attrs. Returns 0 or sysfs's -errno, leaving nothing.
 */
int aether_bpf_type_add_dir(struct aether_bpf_slot *slot, struct attribute **attrs);

/* aether_bpf_type_uninit() - remove what aether_bpf_type_init() made in sysfs. */
void aether_bpf_type_uninit(struct aether_bpf_slot *slot);

#endif /* AETHER_BPF_H */
