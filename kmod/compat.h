/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Kernel-version and architecture shims, and nothing else: every test of the
 * kernel's version and every piece of code written for one architecture lives
 * here, so the rest of the module reads as plain code for one kernel. What a
 * stage shares with another belongs to that stage's header, not here.
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

/*
 * aether_compat_redirect() - from an IPMODIFY ftrace callback, make the traced call
 * go to @func(@arg0, @arg1, @arg2, @arg3) instead. ftrace_caller reloads the
 * argument registers (rdi, rsi, rdx, rcx) and the return address from @fregs, so
 * the call lands in @func as if the caller had made it, and @func returns straight
 * to that caller: no module text is left on the stack.
 *
 * x86-64 only; the module is built for nothing else.
 */
#ifdef CONFIG_X86_64
#include <linux/ftrace.h>

static inline void aether_compat_redirect(struct ftrace_regs *fregs, void *func,
					  unsigned long arg0, unsigned long arg1,
					  unsigned long arg2, unsigned long arg3)
{
	arch_ftrace_regs(fregs)->regs.di = arg0;
	arch_ftrace_regs(fregs)->regs.si = arg1;
	arch_ftrace_regs(fregs)->regs.dx = arg2;
	arch_ftrace_regs(fregs)->regs.cx = arg3;
	ftrace_regs_set_instruction_pointer(fregs, (unsigned long)func);
}
#else
#error "aether.ko redirects ftrace calls on x86-64 only"
#endif

/*
 * aether_compat_ra_unbounded() - page_cache_ra_unbounded(@ractl, @nr, @lookahead)
 * for a caller that holds no lock of the mapping. The function used to take the
 * mapping's invalidate_lock (shared) itself; since 7.0 its callers must hold it
 * (b244c89a70b3 "readahead: push invalidate_lock out of page_cache_ra_unbounded",
 * posted in February 2026 and merged for 7.0; Debian's 6.12 takes it inside, 7.2
 * asserts it is held). Without the lock, a truncate or hole punch could race the
 * pages being added. Taking it on a kernel that takes it too would nest a shared
 * rwsem, which a waiting writer turns into a deadlock: hence the version test.
 */
#include <linux/pagemap.h>
static inline void aether_compat_ra_unbounded(struct readahead_control *ractl,
					      unsigned long nr, unsigned long lookahead)
{
#if LINUX_VERSION_CODE >= KERNEL_VERSION(7, 0, 0)
	filemap_invalidate_lock_shared(ractl->mapping);
	page_cache_ra_unbounded(ractl, nr, lookahead);
	filemap_invalidate_unlock_shared(ractl->mapping);
#else
	page_cache_ra_unbounded(ractl, nr, lookahead);
#endif
}

/*
 * KF_TRUSTED_ARGS: the kfunc flag that made the verifier accept only trusted
 * pointers as arguments. Later kernels made that the rule for every kfunc and
 * removed the flag (Debian's 7.2 headers have no KF_TRUSTED_ARGS), so there it
 * means nothing and is 0. Keyed on the flag itself, which is what changed.
 */
#include <linux/btf.h>
#ifndef KF_TRUSTED_ARGS
#define KF_TRUSTED_ARGS 0
#endif

/*
 * AETHER_WQ_PERCPU: the flag that asks alloc_workqueue() for a per-CPU workqueue,
 * the only kind 6.12 makes without WQ_UNBOUND. Newer kernels (Debian's 7.2) warn
 * when a workqueue says neither. An enumerator, so the build probes the headers for
 * it (kmod/probe.mk).
 */
#include <linux/workqueue.h>
#ifdef AETHER_HAVE_WQ_PERCPU
#define AETHER_WQ_PERCPU WQ_PERCPU
#else
#define AETHER_WQ_PERCPU 0
#endif

#endif /* AETHER_COMPAT_H */
