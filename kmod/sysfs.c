// SPDX-License-Identifier: GPL-2.0
/*
 * sysfs subsystem: /sys/kernel/aether/.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/kobject.h>
#include <linux/sysfs.h>

#include "compat.h"
#include "sysfs.h"

static struct kobject *aether_sysfs_kobj;

/* The build's `git describe`, so a user can tell exactly what is loaded. */
static ssize_t version_show(struct kobject *kobj, struct kobj_attribute *attr, char *buf)
{
	return sysfs_emit(buf, "%s\n", AETHER_VERSION);
}
static struct kobj_attribute aether_sysfs_version = __ATTR_RO(version);

static struct attribute *aether_sysfs_attrs[] = {
	&aether_sysfs_version.attr,
	NULL,
};

static const struct attribute_group aether_sysfs_group = {
	.attrs = aether_sysfs_attrs,
};

int aether_sysfs_init(void)
{
	int ret;

	aether_sysfs_kobj = kobject_create_and_add("aether", kernel_kobj);
	if (!aether_sysfs_kobj)
		return -ENOMEM;

	ret = sysfs_create_group(aether_sysfs_kobj, &aether_sysfs_group);
	if (ret) {
		kobject_put(aether_sysfs_kobj);
		aether_sysfs_kobj = NULL;
		return ret;
	}
	return 0;
}

void aether_sysfs_uninit(void)
{
	sysfs_remove_group(aether_sysfs_kobj, &aether_sysfs_group);
	kobject_put(aether_sysfs_kobj);
	aether_sysfs_kobj = NULL;
}
