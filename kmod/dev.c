// SPDX-License-Identifier: GPL-2.0
/*
 * dev subsystem: /dev/aether, a misc device that only dispatches ioctls to the
 * subsystems that implement them. It keeps no state of its own per open.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/capability.h>
#include <linux/fs.h>
#include <linux/miscdevice.h>
#include <linux/module.h>

#include <uapi/aether.h>

#include "compat.h"
#include "dev.h"
#include "xrp.h"

/*
 * The node is 0600, but a descriptor can be passed to an unprivileged process;
 * every ioctl reads devices on the caller's behalf, so the check is at open and
 * again at each call.
 */
static int aether_dev_open(struct inode *inode, struct file *file)
{
	return capable(CAP_SYS_ADMIN) ? 0 : -EPERM;
}

static long aether_dev_ioctl(struct file *file, unsigned int cmd, unsigned long arg)
{
	if (!capable(CAP_SYS_ADMIN))
		return -EPERM;
	switch (cmd) {
	case AETHER_IOC_XRP_LOOKUP:
		return aether_xrp_lookup((struct aether_xrp_lookup __user *)arg);
	default:
		return -ENOTTY;
	}
}

static const struct file_operations aether_dev_fops = {
	.owner = THIS_MODULE,
	.open = aether_dev_open,
	.unlocked_ioctl = aether_dev_ioctl,
	/* Every ioctl struct has the same layout for 32-bit callers. */
	.compat_ioctl = compat_ptr_ioctl,
};

static struct miscdevice aether_dev_misc = {
	.minor = MISC_DYNAMIC_MINOR,
	.name = AETHER_DEV_NAME,
	.fops = &aether_dev_fops,
	.mode = 0600,
};

int aether_dev_init(void)
{
	return misc_register(&aether_dev_misc);
}

void aether_dev_uninit(void)
{
	misc_deregister(&aether_dev_misc);
}
