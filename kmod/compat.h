/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Every kernel-version conditional in aether.ko lives here, so the rest of the
 * module reads as plain code for one kernel.
 */
#ifndef AETHER_COMPAT_H
#define AETHER_COMPAT_H

#include <linux/version.h>

/*
 * 6.12 is the target: it has register_bpf_struct_ops() for module struct_ops
 * (6.9+) and the ublk uapi the server is written against.
 */
#if LINUX_VERSION_CODE < KERNEL_VERSION(6, 12, 0)
#error "aether.ko needs Linux 6.12 or newer"
#endif

#endif /* AETHER_COMPAT_H */
