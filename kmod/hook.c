// SPDX-License-Identifier: GPL-2.0
/*
 * hook subsystem: the page-cache readahead hooks.
 *
 * ftrace callbacks on page_cache_sync_ra() (a demand read found its page missing)
 * and page_cache_async_ra() (a reader reached a page marked PG_readahead) feed each
 * stream's accesses to this CPU's core and act on its decisions:
 *
 *  - a forward stream the core trusts gets a larger file_ra_state.ra_pages, within
 *    min_window_kb..max_window_kb; a stream that stops being one gets back the
 *    window it had, which may be the user's (POSIX_FADV_SEQUENTIAL);
 *  - strided, backward and correlated ranges, which Linux never reads ahead, are
 *    handed to the prefetch queue (kmod/prefetch.c). Every prefetched page is
 *    marked PG_readahead, so the reader's use of it comes back through the async
 *    hook, the core sees the stream continue, and it can tell hits from waste;
 *  - when such a marked page is reached in a stream that is not forward, the
 *    kernel's own async readahead (which would read sequentially past it) is
 *    skipped: the callback points the call at aether_hook_async_skip();
 *  - a miss the core calls random, in a stream it knows, of a file less than a
 *    third cached, reads just what was asked: the callback points page_cache_sync_ra()
 *    at generic_fadvise(WILLNEED) of those pages. Linux does the same for a random miss unless
 *    neighbouring pages happen to be cached, and then reads ahead of a reader that
 *    may not come back for it.
 *
 * The reader's cache hits are invisible to both hooks, but file_ra_state.prev_pos
 * records where its last read ended; the core is told, so a stride that the
 * kernel's windows half cover (one page in two) is seen for what it is.
 *
 * The callbacks never sleep and take no lock: each CPU has its own core, used only
 * with preemption disabled (ftrace's recursion guard disables it). A stream that
 * migrates between CPUs is learnt afresh on each, which costs a few decisions.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/backing-dev.h>
#include <linux/blkdev.h>
#include <linux/fadvise.h>
#include <linux/fs.h>
#include <linux/ftrace.h>
#include <linux/hash.h>
#include <linux/log2.h>
#include <linux/minmax.h>
#include <linux/moduleparam.h>
#include <linux/pagemap.h>
#include <linux/percpu.h>
#include <linux/sched/clock.h>
#include <linux/slab.h>
#include <linux/trace_recursion.h>

#include "compat.h"
#include "core.h"
#include "hook.h"
#include "policy.h"
#include "prefetch.h"
#include "stats.h"
#include "sysfs.h"
#include "trace.h"

#include <uapi/aether.h>

static unsigned int streams = 128;
module_param(streams, uint, 0444);
MODULE_PARM_DESC(streams, "Streams tracked per CPU: a power of two in 8..65536, about 1 KiB each (default 128)");

/*
 * A readahead window this CPU grew: the file_ra_state, the ra_pages it had before
 * and the one it was given. Only such a window is ever set back, and to exactly
 * what it was: any other ra_pages is the kernel's or the user's
 * (POSIX_FADV_SEQUENTIAL doubles it), and theirs to keep.
 */
struct aether_hook_grown {
	struct file_ra_state *ra;
	unsigned int before;
	unsigned int set;
};
#define AETHER_HOOK_GROWN_BITS 6

struct aether_hook_cpu {
	struct aether_core_cpu *core;
	struct aether_core_config cfg;	/* what core was configured with; windows in pages */
	int generation;			/* of aether_tunables when it was */
	struct aether_hook_grown grown[1 << AETHER_HOOK_GROWN_BITS];
};
static DEFINE_PER_CPU(struct aether_hook_cpu, aether_hook_cpus);

/*
 * Grows a forward stream's readahead window toward @pages, within @cfg's bounds,
 * and remembers in @hc what it was. Only a window at least the device's default is
 * grown: a smaller ra_pages is the user's (fadvise, blockdev --setra; 0 means
 * readahead is off) and theirs to keep.
 */
static void aether_hook_window_grow(struct aether_hook_cpu *hc, struct readahead_control *ractl,
				    unsigned int pages)
{
	struct file_ra_state *ra = ractl->ra;
	struct aether_hook_grown *g = &hc->grown[hash_ptr(ra, AETHER_HOOK_GROWN_BITS)];
	unsigned int def = inode_to_bdi(ractl->mapping->host)->ra_pages;
	unsigned int old = READ_ONCE(ra->ra_pages);
	unsigned int want = clamp(max(pages, def), hc->cfg.min_window, hc->cfg.max_window);

	if (!def || old < def || want <= old)
		return;
	/* Grown again: the window to give back is still the one before the first. */
	if (g->ra != ra || g->set != old) {
		g->ra = ra;
		g->before = old;
	}
	g->set = want;
	WRITE_ONCE(ra->ra_pages, want);
	aether_stats_add(AETHER_STAT_WINDOWS_GROWN, 1);
}

/*
 * Gives a stream that stopped being forward the window it had before this CPU grew
 * it, if this CPU did and nobody changed it since. A window grown on another CPU
 * (the reader migrated) keeps its size, which costs reading ahead further than
 * needed; setting back a window the user chose would cost what they asked for.
 */
static void aether_hook_window_reset(struct aether_hook_cpu *hc, struct readahead_control *ractl)
{
	struct file_ra_state *ra = ractl->ra;
	struct aether_hook_grown *g = &hc->grown[hash_ptr(ra, AETHER_HOOK_GROWN_BITS)];

	if (g->ra != ra)
		return;
	g->ra = NULL;
	if (READ_ONCE(ra->ra_pages) == g->set) {
		WRITE_ONCE(ra->ra_pages, g->before);
		aether_stats_add(AETHER_STAT_WINDOWS_SHRUNK, 1);
	}
}

enum aether_hook_kind {
	AETHER_HOOK_SYNC,	/* page_cache_sync_ra(): the page was missing */
	AETHER_HOOK_ASYNC,	/* page_cache_async_ra(): a marked page was reached */
};

/* What becomes of the kernel's own readahead for one access. */
enum aether_hook_verdict {
	AETHER_HOOK_KERNEL,	/* it runs as it would without the module */
	AETHER_HOOK_SKIP,	/* async: the module prefetches this stream itself */
	AETHER_HOOK_EXACT,	/* sync: a random miss reads just the request */
};

/*
 * Where the kernel's own readahead in @ra left its mark, as page_cache_async_ra()
 * expects it for a marked folio of @order: the start of the window's async part,
 * rounded down to the folio, since with large folios (XFS) the mark is on the
 * folio that holds that page.
 */
static pgoff_t aether_hook_kernel_mark(const struct file_ra_state *ra, unsigned int order)
{
	return round_down(ra->start + ra->size - ra->async_size, 1UL << order);
}

/*
 * The core's name for @inode's pages, for its correlations: the file's device and
 * inode number, which every open of it shares and which outlive the inode in
 * memory, so a pattern learnt in one file is found again at its next open and is
 * never applied to another. Never 0, which the core keeps for one-space hosts.
 */
static unsigned long long aether_hook_space(const struct inode *inode)
{
	return ((unsigned long long)inode->i_sb->s_dev << 32 ^ inode->i_ino) | 1ULL << 63;
}

/*
 * How many pages from the access's index the kernel reads in this very call, at
 * least: what a prefetch from the kworker would race. A sync miss reads @req pages
 * there, up to the window page_cache_sync_ra() allows a read of that size (its
 * ractl_max_pages(): ra_pages, or up to the device's optimal I/O for a larger
 * read), in every one of its cases. Further pages of a larger read wait for the
 * reader to meet the mark, and are the module's to fetch ahead. At a mark the
 * reader is still consuming the rest of its request, @req pages, which the
 * kernel's own readahead is bringing in.
 */
static unsigned long aether_hook_reading_now(struct readahead_control *ractl, unsigned long req,
					     enum aether_hook_kind kind)
{
	unsigned long max_pages, io_pages;

	if (kind == AETHER_HOOK_ASYNC)
		return req;
	max_pages = READ_ONCE(ractl->ra->ra_pages);
	io_pages = inode_to_bdi(ractl->mapping->host)->io_pages;
	if (req > max_pages && io_pages > max_pages)
		max_pages = min(req, io_pages);
	return min(req, max_pages);
}

/*
 * Feeds one access to this CPU's core, or to an attached eBPF policy instead
 * (aether_policy_decide()), and acts on the decisions.
 *
 * Caller has preemption disabled. Returns what the kernel's readahead must do.
 */
static enum aether_hook_verdict aether_hook_access(struct readahead_control *ractl,
						   unsigned long req, unsigned int order,
						   enum aether_hook_kind kind)
{
	struct aether_hook_cpu *hc = this_cpu_ptr(&aether_hook_cpus);
	struct aether_core_decision d[AETHER_CORE_MAX_DECISIONS];
	struct aether_prefetch *p = NULL;
	struct file_ra_state *ra = ractl->ra;
	pgoff_t index = readahead_index(ractl);
	struct aether_core_result res;
	enum aether_mode mode = READ_ONCE(aether_tunables.mode);
	unsigned long long key, prev = AETHER_CORE_NO_PREV;
	struct aether_policy_access a;
	bool kernel_marker = false;
	unsigned long asked = req, now;
	loff_t prev_pos;
	unsigned int i;
	u64 t0;

	if (!READ_ONCE(aether_tunables.enabled) || mode == AETHER_MODE_OFF)
		return AETHER_HOOK_KERNEL;
	if (kind == AETHER_HOOK_SYNC)
		aether_stats_add(AETHER_STAT_SYNC_MISSES, 1);

	/*
	 * The reader only shows itself at misses and at readahead marks, so tell the
	 * core what it really covered. At the mark the kernel's own readahead left, the
	 * reader has consumed that window: the access is the rest of the window.
	 */
	if (kind == AETHER_HOOK_ASYNC && ra->size && index == aether_hook_kernel_mark(ra, order)) {
		kernel_marker = true;
		req = max_t(unsigned long, req, ra->start + ra->size - index);
	}
	req = clamp_t(unsigned long, req, 1, UINT_MAX);
	/* Where the reader's last read() ended; -1 before the first. */
	prev_pos = READ_ONCE(ra->prev_pos);
	if (prev_pos > 0)
		prev = (unsigned long long)(prev_pos - 1) >> PAGE_SHIFT;

	/* Per open file: two readers of one file are two streams. */
	key = (unsigned long)ra ^ ((unsigned long long)(unsigned long)ractl->mapping << 17);
	a = (struct aether_policy_access){
		.ctx = {
			.stream = key,
			.index = index,
			.prev = prev,
			.len = req,
			.source = kind == AETHER_HOOK_SYNC ? AETHER_POLICY_SYNC_MISS : AETHER_POLICY_ASYNC_MARK,
		},
		.key = key,
		.space = aether_hook_space(ractl->mapping->host),
		.inode = ractl->mapping->host,
	};
	t0 = local_clock();
	if (aether_policy_decide(hc->core, &hc->cfg, &hc->generation, &a, d, &res) == AETHER_POLICY_BY_PROGRAM)
		aether_stats_add(AETHER_STAT_POLICY_DECISIONS, res.n);
	aether_stats_latency(local_clock() - t0);
	aether_stats_add(AETHER_STAT_DECISIONS, res.n);
	aether_stats_add(AETHER_STAT_PREFETCH_HITS, res.used);
	aether_stats_add(AETHER_STAT_PREFETCH_WASTED, res.wasted);
	if (res.used || res.wasted)
		trace_aether_prefetch_hit(ractl->mapping->host, index, res.used, res.wasted);
	if (trace_aether_decision_enabled())
		for (i = 0; i < res.n; i++)
			trace_aether_decision(ractl->mapping->host, index, req, res.pattern, &d[i]);

	/*
	 * A file its user declared random (POSIX_FADV_RANDOM) is only watched, and so is
	 * one whose readahead is off (ra_pages 0: blockdev --setra 0 before it was
	 * opened), which the kernel reads no further than asked.
	 */
	if (!aether_mode_acts(mode) || (ractl->file && (ractl->file->f_mode & FMODE_RANDOM)) ||
	    !READ_ONCE(ra->ra_pages))
		return AETHER_HOOK_KERNEL;
	if (res.pattern != AETHER_CORE_PATTERN_FORWARD)
		aether_hook_window_reset(hc, ractl);
	/* Only an access that will issue something needs it: from the reader's own request. */
	now = res.n ? aether_hook_reading_now(ractl, asked, kind) : 0;
	for (i = 0; i < res.n; i++) {
		if (d[i].action == AETHER_CORE_ACTION_READAHEAD && d[i].start >= index) {
			if (res.pattern == AETHER_CORE_PATTERN_FORWARD)
				aether_hook_window_grow(hc, ractl, d[i].length);
			continue;
		}
		/*
		 * The kernel is reading these pages now. A prefetch of any of them (a
		 * correlation learnt from the sync miss and the mark met at one index)
		 * would race its readahead from the kworker, and on a mapping with
		 * large folios (XFS) a small folio that lands first breaks the kernel's
		 * window into small ones, whose marks a strided reader then steps over.
		 * The pages of a large read beyond them are not being read yet.
		 */
		if (d[i].start < index + now && index < d[i].start + d[i].length)
			continue;
		/*
		 * One work item, one plug, for everything this access prefetches. The
		 * core bounds its decisions by max_window_kb, but a policy program's
		 * are its own: however long one is, one prefetch reads no more.
		 */
		if (aether_prefetch_add(&p, ractl->file, ractl->mapping, d[i].start,
					min(d[i].length, hc->cfg.max_window)))
			break;
	}
	aether_prefetch_submit(p);
	if (kind == AETHER_HOOK_ASYNC)
		return !kernel_marker && res.pattern != AETHER_CORE_PATTERN_FORWARD ?
		       AETHER_HOOK_SKIP : AETHER_HOOK_KERNEL;
	/*
	 * A stream's first miss keeps the kernel's initial window: it may be the start
	 * of a sequential read. A read larger than the window is the kernel's to split.
	 */
	if (res.pattern == AETHER_CORE_PATTERN_NONE && res.history == AETHER_CORE_HISTORY_KNOWN &&
	    req <= READ_ONCE(ra->ra_pages))
		return AETHER_HOOK_EXACT;
	return AETHER_HOOK_KERNEL;
}

/*
 * The body of both callbacks, for the call's @ractl and @req (its req_count), and
 * for the async one the order of the marked folio (0 for sync). Returns
 * aether_hook_access()'s verdict, AETHER_HOOK_KERNEL if this CPU is already inside
 * a callback.
 */
static enum aether_hook_verdict notrace aether_hook_enter(unsigned long ip, unsigned long parent_ip,
							  struct readahead_control *ractl,
							  unsigned long req, unsigned int order,
							  enum aether_hook_kind kind)
{
	int bit = ftrace_test_recursion_trylock(ip, parent_ip);
	enum aether_hook_verdict verdict;

	if (bit < 0)
		return AETHER_HOOK_KERNEL;
	verdict = aether_hook_access(ractl, req, order, kind);
	ftrace_test_recursion_unlock(bit);
	return verdict;
}

/*
 * Pages an exact read of a random miss of @req pages at @index reads: @req within
 * the file, or 0 to leave the miss to the kernel. That is when nothing is readable
 * (the kernel's own path knows what to do), and once a third of the file is cached:
 * a random reader is then evidently covering much of it, and the kernel's windows
 * over cached neighbours are likely to be read.
 */
static unsigned long aether_hook_exact_pages(struct address_space *mapping, pgoff_t index,
					     unsigned long req)
{
	loff_t pages = (i_size_read(mapping->host) + PAGE_SIZE - 1) >> PAGE_SHIFT;

	if ((loff_t)READ_ONCE(mapping->nrpages) * 3 >= pages)
		return 0;
	return aether_prefetch_readable(mapping, index, req);
}

/*
 * page_cache_sync_ra(ractl, req_count). An exact read becomes
 * generic_fadvise(file, pos, len, POSIX_FADV_WILLNEED) for just those pages: it
 * reads them as do_page_cache_ra() reads the kernel's own random misses, with no
 * mark and no change to the file's readahead state, from the reader's context as
 * page_cache_sync_ra() was, and it takes the mapping's invalidate_lock as every
 * kernel needs (page_cache_ra_unbounded() stopped taking it in 7.0). generic_ and
 * not vfs_fadvise(): a filesystem's own ->fadvise may take locks this read path
 * already holds (XFS's iolock). Redirecting to a kernel function, rather than to
 * one of this module, keeps module text off a path that sleeps. A read with no
 * file (a filesystem's internal readahead) is left alone.
 */
static void notrace aether_hook_sync_cb(unsigned long ip, unsigned long parent_ip,
					struct ftrace_ops *op, struct ftrace_regs *fregs)
{
	struct readahead_control *ractl = (void *)ftrace_regs_get_argument(fregs, 0);
	unsigned long req = ftrace_regs_get_argument(fregs, 1);
	pgoff_t index = readahead_index(ractl);
	unsigned long nr;

	if (!ractl->file)
		return;
	if (aether_hook_enter(ip, parent_ip, ractl, req, 0, AETHER_HOOK_SYNC) != AETHER_HOOK_EXACT)
		return;
	nr = aether_hook_exact_pages(ractl->mapping, index, req);
	if (nr)
		aether_compat_redirect(fregs, generic_fadvise, (unsigned long)ractl->file,
				       (unsigned long)index << PAGE_SHIFT, nr << PAGE_SHIFT,
				       POSIX_FADV_WILLNEED);
}

/*
 * Runs instead of page_cache_async_ra() for marks in streams the module prefetches
 * itself. It only does what the original does before reading: clear the mark, which
 * shares its bit with PG_reclaim and so must stay while under writeback.
 */
static void aether_hook_async_skip(struct readahead_control *ractl, struct folio *folio,
				   unsigned long req_count)
{
	if (!folio_test_writeback(folio))
		folio_clear_readahead(folio);
}

/* page_cache_async_ra(ractl, folio, req_count). */
static void notrace aether_hook_async_cb(unsigned long ip, unsigned long parent_ip,
					 struct ftrace_ops *op, struct ftrace_regs *fregs)
{
	struct readahead_control *ractl = (void *)ftrace_regs_get_argument(fregs, 0);
	struct folio *folio = (void *)ftrace_regs_get_argument(fregs, 1);
	unsigned long req = ftrace_regs_get_argument(fregs, 2);

	if (aether_hook_enter(ip, parent_ip, ractl, req, folio_order(folio), AETHER_HOOK_ASYNC) ==
	    AETHER_HOOK_SKIP)
		ftrace_regs_set_instruction_pointer(fregs, (unsigned long)aether_hook_async_skip);
}

/* IPMODIFY: this callback may send the call to generic_fadvise() instead. */
static struct ftrace_ops aether_hook_sync_ops = {
	.func = aether_hook_sync_cb,
	.flags = FTRACE_OPS_FL_IPMODIFY,
};

/* IPMODIFY: this callback may send the call to aether_hook_async_skip() instead. */
static struct ftrace_ops aether_hook_async_ops = {
	.func = aether_hook_async_cb,
	.flags = FTRACE_OPS_FL_IPMODIFY,
};

int aether_hook_attach(struct ftrace_ops *ops, const char *func)
{
	int ret;

	ret = ftrace_set_filter(ops, (unsigned char *)func, strlen(func), 0);
	if (ret) {
		pr_err("cannot hook %s: ftrace_set_filter: %d\n", func, ret);
		return ret;
	}
	ret = register_ftrace_function(ops);
	if (ret) {
		pr_err("cannot hook %s: register_ftrace_function: %d%s\n", func, ret,
		       ret == -EBUSY ? " (another module, e.g. a livepatch, redirects it)" : "");
		ftrace_free_filter(ops);
	}
	return ret;
}

void aether_hook_detach(struct ftrace_ops *ops)
{
	unregister_ftrace_function(ops);
	ftrace_free_filter(ops);
}

static void aether_hook_free_cores(void)
{
	int cpu;

	for_each_possible_cpu(cpu) {
		struct aether_hook_cpu *hc = per_cpu_ptr(&aether_hook_cpus, cpu);

		kvfree(hc->core);
		hc->core = NULL;
	}
}

int aether_hook_init(void)
{
	unsigned long size;
	int cpu, ret;

	if (streams < 8 || streams > 65536 || !is_power_of_2(streams)) {
		pr_err("streams=%u: must be a power of two in 8..65536\n", streams);
		return -EINVAL;
	}
	size = aether_core_cpu_size(streams);
	for_each_possible_cpu(cpu) {
		struct aether_hook_cpu *hc = per_cpu_ptr(&aether_hook_cpus, cpu);
		void *mem = kvzalloc_node(size, GFP_KERNEL, cpu_to_node(cpu));

		if (!mem) {
			ret = -ENOMEM;
			goto err_cores;
		}
		hc->generation = atomic_read(&aether_tunables.generation);
		aether_sysfs_core_config(&hc->cfg);
		hc->core = aether_core_cpu_init(mem, streams, &hc->cfg);
	}

	ret = aether_hook_attach(&aether_hook_sync_ops, "page_cache_sync_ra");
	if (ret)
		goto err_cores;
	ret = aether_hook_attach(&aether_hook_async_ops, "page_cache_async_ra");
	if (ret)
		goto err_sync;
	return 0;

err_sync:
	aether_hook_detach(&aether_hook_sync_ops);
err_cores:
	aether_hook_free_cores();
	return ret;
}

void aether_hook_uninit(void)
{
	/*
	 * No callback runs once these return; then no prefetch can be submitted, and
	 * aether_prefetch_uninit() can drain the queue.
	 */
	aether_hook_detach(&aether_hook_async_ops);
	aether_hook_detach(&aether_hook_sync_ops);
	aether_hook_free_cores();
}
