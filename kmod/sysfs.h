/* SPDX-License-Identifier: GPL-2.0 */
#ifndef AETHER_SYSFS_H
#define AETHER_SYSFS_H

/*
 * aether_sysfs_init() - create /sys/kernel/aether/ and its attributes.
 *
 * Returns 0, or -ENOMEM/-EEXIST (or another -errno from sysfs) on failure, in
 * which case nothing is left behind.
 */
int aether_sysfs_init(void);
void aether_sysfs_uninit(void);

#endif /* AETHER_SYSFS_H */
