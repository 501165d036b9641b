/* SPDX-License-Identifier: GPL-2.0 */
#ifndef AETHER_XRP_H
#define AETHER_XRP_H

struct aether_xrp_lookup;

/*
 * aether_xrp_init() - register the aether_xrp_ops struct_ops type and create
 * /sys/kernel/aether/xrp/. Its kfuncs are registered by aether_bpf_init().
 *
 * Caller has created /sys/kernel/aether/ (aether_sysfs_init()). Returns 0 or a
 * -errno from BTF or sysfs. A struct_ops type cannot be unregistered;
 * the kernel drops them with the module's BTF, and an attached program holds a
 * reference on the module, so nothing outlives what it points at.
 */
int aether_xrp_init(void);

/* aether_xrp_uninit() - remove /sys/kernel/aether/xrp/; the type stays, as above. */
void aether_xrp_uninit(void);

/*
 * aether_xrp_lookup() - AETHER_IOC_XRP_LOOKUP: run one chain of reads.
 *
 * @uarg points at a struct aether_xrp_lookup in user memory. Process context;
 * sleeps for each read. Returns 0 or the -errno documented in
 * include/uapi/aether.h.
 */
long aether_xrp_lookup(struct aether_xrp_lookup __user *uarg);

#endif /* AETHER_XRP_H */
