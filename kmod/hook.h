/* SPDX-License-Identifier: GPL-2.0 */
#ifndef AETHER_HOOK_H
#define AETHER_HOOK_H

/*
 * aether_hook_init() - give every CPU a core and hook the page-cache readahead.
 *
 * Attaches ftrace callbacks to page_cache_sync_ra() and page_cache_async_ra().
 * Caller has initialised the prefetch queue (aether_prefetch_init()). Returns 0; -EINVAL if the "streams" module parameter is not a power of two in
 * 8..65536; -ENOMEM; or the -errno of ftrace, e.g. -EBUSY when another module
 * (a livepatch) already redirects page_cache_async_ra(). Nothing is left behind
 * on failure.
 */
int aether_hook_init(void);

/*
 * aether_hook_uninit() - detach the hooks and free the cores.
 *
 * Safe while reads are in flight: ftrace waits for callbacks that are running
 * before the cores are freed. Once it returns no prefetch is submitted any more,
 * so the caller may then drain the queue with aether_prefetch_uninit().
 */
void aether_hook_uninit(void);

struct ftrace_ops;

/*
 * aether_hook_attach() - call @ops->func on every call of the kernel function
 * @func, as the readahead hooks are attached; the blk stage uses it too. Process
 * context. Returns 0, or the -errno of ftrace (logged), leaving @ops unregistered.
 */
int aether_hook_attach(struct ftrace_ops *ops, const char *func);

/*
 * aether_hook_detach() - undo aether_hook_attach(@ops). Returns once no callback
 * of @ops runs any more.
 */
void aether_hook_detach(struct ftrace_ops *ops);

#endif /* AETHER_HOOK_H */
