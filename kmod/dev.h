/* SPDX-License-Identifier: GPL-2.0 */
#ifndef AETHER_DEV_H
#define AETHER_DEV_H

/*
 * aether_dev_init() - create /dev/aether, the misc device whose ioctls
 * include/uapi/aether.h declares. Root only. Returns 0 or a -errno from
 * misc_register().
 */
int aether_dev_init(void);
void aether_dev_uninit(void);

#endif /* AETHER_DEV_H */
