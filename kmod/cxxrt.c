// SPDX-License-Identifier: GPL-2.0
/*
 * The C++ runtime shim: the few symbols g++ emits calls to that the kernel does not
 * provide. There is no libsupc++ in the kernel.
 *
 * The core never allocates, so operator delete is reachable only from the deleting
 * destructor that g++ emits for every class with a virtual destructor; it must
 * exist to link, and is a bug if it ever runs. Likewise __cxa_pure_virtual runs
 * only if a pure virtual is called during construction or destruction.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/bug.h>
#include <linux/compiler.h>
#include <linux/types.h>

/* operator delete(void *) */
void aether_cxxrt_delete(void *p) __asm__("_ZdlPv");
void aether_cxxrt_delete(void *p)
{
	WARN_ONCE(1, "aether: C++ operator delete called on %p; the core must not free\n", p);
}

/* operator delete(void *, size_t) */
void aether_cxxrt_delete_sized(void *p, size_t size) __asm__("_ZdlPvm");
void aether_cxxrt_delete_sized(void *p, size_t size)
{
	WARN_ONCE(1, "aether: C++ operator delete called on %p (%zu bytes); the core must not free\n",
		  p, size);
}

void __cxa_pure_virtual(void);
void __cxa_pure_virtual(void)
{
	WARN_ONCE(1, "aether: pure virtual function called\n");
}
