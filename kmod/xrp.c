// SPDX-License-Identifier: GPL-2.0
/*
 * xrp subsystem: XRP-style chained reads driven by an eBPF struct_ops program.
 *
 * A lookup reads one block of a block device, hands it to the attached
 * aether_xrp_ops program's step(), and reads the block that step() names next,
 * until step() says it is done or the lookup's hop limit is reached. The whole
 * chain runs inside one ioctl, so user space is crossed once per lookup rather
 * than once per hop. Each hop is a bio straight to the device: the page cache is
 * neither consulted nor filled. By default the lookup sleeps until the bio
 * completes (submit_bio_wait()); with AETHER_XRP_F_POLLED it reaps the completion
 * itself with bio_poll(), on a device with poll queues, so no hop takes an
 * interrupt, a sleep or a wake-up. With AETHER_XRP_F_CACHED a hop whose block is
 * in the device's page cache is stepped over the cached folio itself: no I/O and
 * no copy (the program only reads the block).
 *
 * The program reaches the block and the lookup's scratch area only through the
 * kfuncs below, which return NULL for anything outside them; the verifier sees
 * each returned pointer's constant size and rejects any access beyond it.
 *
 * Attach and detach: one program is attached at a time. It is published with RCU
 * and called under rcu_read_lock() (step programs may not sleep), one hop at a
 * time; the lookup never holds RCU across a read, so detaching waits for at most
 * one step() call, never for I/O. A lookup that finds the program gone or
 * replaced between two hops stops with -ENOENT rather than finish its chain with
 * another program.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/bio.h>
#include <linux/blkdev.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/gfp.h>
#include <linux/kobject.h>
#include <linux/module.h>
#include <linux/overflow.h>
#include <linux/pagemap.h>
#include <linux/sched/signal.h>
#include <linux/slab.h>
#include <linux/sysfs.h>
#include <linux/uaccess.h>

#include <uapi/aether.h>

#include "bpf.h"
#include "compat.h"
#include "sysfs.h"
#include "xrp.h"

/* What the lookup knows beside what the program sees. */
struct aether_xrp_kctx {
	struct aether_xrp_ctx ctx;	/* what step() is given; first, for container_of */
	void *block;			/* ctx.len bytes just read */
	void *scratch;			/* ctx.scratch_len bytes, or NULL */
	unsigned int lbs;		/* the device's logical block size */
	/* What aether_xrp_set_next() asked for in this step. */
	enum { AETHER_XRP_NEXT_UNSET, AETHER_XRP_NEXT_OK, AETHER_XRP_NEXT_BAD } next;
	u64 next_offset;
	u32 next_len;
};

static struct aether_bpf_slot aether_xrp_slot =
	AETHER_BPF_SLOT_INIT(aether_xrp_slot, "xrp", aether_xrp_ops, step);

static atomic64_t aether_xrp_lookups;
static atomic64_t aether_xrp_hops;
static atomic64_t aether_xrp_errors;
static atomic64_t aether_xrp_cached_hops;

static inline struct aether_xrp_kctx *aether_xrp_kctx_of(struct aether_xrp_ctx *ctx)
{
	return container_of(ctx, struct aether_xrp_kctx, ctx);
}

/* @base + @offset if [@offset, @offset + @size) lies inside its @len bytes, else NULL. */
static inline __u8 *aether_xrp_slice(void *base, u32 len, u32 offset, size_t size)
{
	size_t end;

	if (!size || check_add_overflow((size_t)offset, size, &end) || end > len)
		return NULL;
	return (__u8 *)base + offset;
}

__bpf_kfunc_start_defs();

/*
 * aether_xrp_get_block() - the block just read, from byte @offset, for a program
 * that reads @rdonly_buf_size bytes. The size must be a constant: the verifier
 * bounds every access through the result by it. Returns NULL if the range is not
 * inside the block.
 */
__bpf_kfunc __u8 *aether_xrp_get_block(struct aether_xrp_ctx *ctx, u32 offset,
				       const size_t rdonly_buf_size)
{
	return aether_xrp_slice(aether_xrp_kctx_of(ctx)->block, ctx->len, offset, rdonly_buf_size);
}

/*
 * aether_xrp_get_scratch() - the lookup's scratch area, from byte @offset, for a
 * program that reads and writes @rdwr_buf_size bytes (a constant, as above). What
 * the program leaves there is copied back to the caller. Returns NULL if the
 * range is not inside the area.
 */
__bpf_kfunc __u8 *aether_xrp_get_scratch(struct aether_xrp_ctx *ctx, u32 offset,
					 const size_t rdwr_buf_size)
{
	return aether_xrp_slice(aether_xrp_kctx_of(ctx)->scratch, ctx->scratch_len, offset, rdwr_buf_size);
}

/*
 * aether_xrp_set_next() - name the block to read after this one: @len bytes at
 * byte @offset. Returns 0, or -ERANGE if the range is misaligned for the device,
 * longer than AETHER_XRP_MAX_LEN or not inside it; returning NEXT after that
 * ends the lookup with -ERANGE. The last call in a step wins.
 */
__bpf_kfunc int aether_xrp_set_next(struct aether_xrp_ctx *ctx, u64 offset, u32 len)
{
	struct aether_xrp_kctx *k = aether_xrp_kctx_of(ctx);

	k->next_offset = offset;
	k->next_len = len;
	if (!len || len > AETHER_XRP_MAX_LEN || (offset | len) & (k->lbs - 1) ||
	    offset > ctx->dev_size || len > ctx->dev_size - offset) {
		k->next = AETHER_XRP_NEXT_BAD;
		return -ERANGE;
	}
	k->next = AETHER_XRP_NEXT_OK;
	return 0;
}

__bpf_kfunc_end_defs();

/* struct_ops plumbing. */

/* Never called: the kernel needs a function of each member's type for CFI. */
static int aether_xrp_step_stub(struct aether_xrp_ctx *ctx)
{
	return AETHER_XRP_DONE;
}

static struct aether_xrp_ops aether_xrp_cfi_stubs = {
	.step = aether_xrp_step_stub,
};

AETHER_BPF_STRUCT_OPS(aether_xrp_bpf_ops, aether_xrp_ops, aether_xrp_slot, aether_xrp_cfi_stubs);

/* The lookup. */

/* How a hop waits for its read. */
enum aether_xrp_wait {
	AETHER_XRP_WAIT_SLEEP,	/* submit_bio_wait(): an interrupt wakes the lookup */
	AETHER_XRP_WAIT_POLL,	/* REQ_POLLED: the lookup reaps the completion itself */
};

/* Whether @bdev's queue takes polled bios, which AETHER_XRP_F_POLLED needs. */
static bool aether_xrp_can_poll(struct block_device *bdev)
{
	return bdev_get_queue(bdev)->limits.features & BLK_FEAT_POLL;
}

/* The end_io of a polled hop: tells the polling lookup that its bio is done. */
static void aether_xrp_polled_end(struct bio *bio)
{
	bool *done = bio->bi_private;

	smp_store_release(done, true);
}

/*
 * Submits @bio as a polled read and spins on bio_poll() until it completes. If the
 * block layer dropped REQ_POLLED on the way (a split, say), the completion comes
 * by interrupt instead and the loop only waits for it, yielding as it does.
 */
static void aether_xrp_submit_polled(struct bio *bio)
{
	bool done = false;

	bio->bi_opf |= REQ_POLLED;
	bio->bi_private = &done;
	bio->bi_end_io = aether_xrp_polled_end;
	submit_bio(bio);
	while (!smp_load_acquire(&done)) {
		if (!bio_poll(bio, NULL, 0))
			cond_resched();
	}
}

/*
 * Reads @len bytes at byte @offset of @bdev into @page, waiting as @wait says.
 * Returns 0 or -EIO.
 */
static int aether_xrp_read(struct block_device *bdev, struct page *page, u64 offset, u32 len,
			   enum aether_xrp_wait wait)
{
	struct bio_vec bvec;
	struct bio bio;
	int ret;

	bio_init(&bio, bdev, &bvec, 1, REQ_OP_READ | REQ_META | REQ_SYNC);
	bio.bi_iter.bi_sector = offset >> SECTOR_SHIFT;
	__bio_add_page(&bio, page, len, 0);
	if (wait == AETHER_XRP_WAIT_POLL) {
		aether_xrp_submit_polled(&bio);
		ret = blk_status_to_errno(bio.bi_status);
	} else {
		ret = submit_bio_wait(&bio);
	}
	bio_uninit(&bio);
	return ret ? -EIO : 0;
}

/*
 * The folio of @bdev's page cache that holds all of [@offset, @offset + @len) up to
 * date, with a reference for the caller to put; NULL if there is none. A folio
 * being written is still what a buffered read would return, so it serves too.
 */
static struct folio *aether_xrp_cached(struct block_device *bdev, u64 offset, u32 len)
{
	struct folio *folio = filemap_get_folio(bdev->bd_mapping, offset >> PAGE_SHIFT);

	if (IS_ERR(folio))
		return NULL;
	if (!folio_test_uptodate(folio) || offset - folio_pos(folio) + len > folio_size(folio)) {
		folio_put(folio);
		return NULL;
	}
	return folio;
}

/*
 * One step of the program attached at @gen: 0 with its verdict in *@verdict, or
 * -ENOENT if that program is no longer the attached one.
 */
static int aether_xrp_step(struct aether_xrp_kctx *k, u64 gen, int *verdict)
{
	struct aether_xrp_ops *ops;
	int ret = -ENOENT;
	u64 now = 0;

	rcu_read_lock();
	ops = aether_bpf_slot_get(&aether_xrp_slot, &now);
	if (ops && now == gen) {
		k->next = AETHER_XRP_NEXT_UNSET;
		*verdict = ops->step(&k->ctx);
		ret = 0;
	}
	rcu_read_unlock();
	return ret;
}

/* The generation of the attached program, or 0 if there is none. */
static u64 aether_xrp_attached(void)
{
	u64 gen = 0;

	rcu_read_lock();
	aether_bpf_slot_get(&aether_xrp_slot, &gen);
	rcu_read_unlock();
	return gen;
}

/* Runs the chain from @a->offset; fills @a's out fields. Returns 0 or -errno. */
static int aether_xrp_chain(struct aether_xrp_kctx *k, struct block_device *bdev,
			    struct aether_xrp_lookup *a, u64 gen)
{
	enum aether_xrp_wait wait = a->flags & AETHER_XRP_F_POLLED ? AETHER_XRP_WAIT_POLL
								   : AETHER_XRP_WAIT_SLEEP;
	struct page *page;
	u64 offset = a->offset;
	u32 len = a->len;
	int ret, verdict;

	page = alloc_page(GFP_KERNEL);
	if (!page)
		return -ENOMEM;

	for (;;) {
		struct folio *folio = NULL;

		if (a->flags & AETHER_XRP_F_CACHED)
			folio = aether_xrp_cached(bdev, offset, len);
		if (folio) {
			/* No highmem on x86-64: the folio is mapped, and step() only reads it. */
			k->block = folio_address(folio) + offset_in_folio(folio, offset);
			atomic64_inc(&aether_xrp_cached_hops);
		} else {
			ret = aether_xrp_read(bdev, page, offset, len, wait);
			if (ret)
				break;
			k->block = page_address(page);
		}
		a->last_offset = offset;
		a->hops++;
		k->ctx.offset = offset;
		k->ctx.len = len;
		k->ctx.hop = a->hops - 1;
		ret = aether_xrp_step(k, gen, &verdict);
		if (folio)
			folio_put(folio);
		k->block = NULL;
		if (ret)
			break;
		a->status = verdict;
		if (verdict == AETHER_XRP_DONE)
			break;
		if (verdict != AETHER_XRP_NEXT || k->next == AETHER_XRP_NEXT_UNSET) {
			ret = -EIO;
			break;
		}
		if (k->next == AETHER_XRP_NEXT_BAD) {
			ret = -ERANGE;
			break;
		}
		if (a->hops == a->max_hops) {
			ret = -ELOOP;
			break;
		}
		/*
		 * Each hop waits for its read uninterruptibly; between hops, a caller
		 * being killed stops the chain, so a hung or slow device holds it for
		 * one read, not for max_hops of them.
		 */
		if (fatal_signal_pending(current)) {
			ret = -EINTR;
			break;
		}
		offset = k->next_offset;
		len = k->next_len;
	}
	__free_page(page);
	return ret;
}

/* Checks what can be checked without the device (step 2 of the uapi's order). */
static int aether_xrp_check_args(const struct aether_xrp_lookup *a)
{
	if (a->flags & ~AETHER_XRP_F_ALL || a->reserved)
		return -EINVAL;
	if (!a->len || a->len > AETHER_XRP_MAX_LEN)
		return -EINVAL;
	if (!a->max_hops || a->max_hops > AETHER_XRP_MAX_HOPS)
		return -EINVAL;
	if (a->scratch_len > AETHER_XRP_SCRATCH_MAX)
		return -EINVAL;
	return 0;
}

/* Step 3: the descriptor, held in @f by the caller. */
static int aether_xrp_check_file(struct file *f)
{
	if (!f)
		return -EBADF;
	if (!S_ISBLK(file_inode(f)->i_mode))
		return -ENOTBLK;
	if (!(f->f_mode & FMODE_READ))
		return -EBADF;
	return 0;
}

long aether_xrp_lookup(struct aether_xrp_lookup __user *uarg)
{
	struct aether_xrp_kctx k = {};
	struct aether_xrp_lookup a;
	struct block_device *bdev;
	void __user *uscratch;
	long ret;
	u64 gen;

	if (copy_from_user(&a, uarg, sizeof(a)))
		return -EFAULT;
	ret = aether_xrp_check_args(&a);
	if (ret)
		return ret;

	CLASS(fd, f)(a.fd);
	ret = aether_xrp_check_file(fd_empty(f) ? NULL : fd_file(f));
	if (ret)
		return ret;
	bdev = file_bdev(fd_file(f));
	k.lbs = bdev_logical_block_size(bdev);
	k.ctx.dev_size = bdev_nr_bytes(bdev);
	if ((a.offset | a.len) & (k.lbs - 1) || a.offset > k.ctx.dev_size ||
	    a.len > k.ctx.dev_size - a.offset)
		return -EINVAL;
	if (a.flags & AETHER_XRP_F_POLLED && !aether_xrp_can_poll(bdev))
		return -EOPNOTSUPP;

	uscratch = u64_to_user_ptr(a.scratch);
	if (a.scratch_len) {
		k.scratch = memdup_user(uscratch, a.scratch_len);
		if (IS_ERR(k.scratch))
			return PTR_ERR(k.scratch);
	}
	k.ctx.scratch_len = a.scratch_len;
	k.ctx.max_hops = a.max_hops;

	gen = aether_xrp_attached();
	if (!gen) {
		ret = -ENOENT;
		goto out;
	}

	a.hops = 0;
	a.status = 0;
	a.last_offset = a.offset;
	atomic64_inc(&aether_xrp_lookups);
	ret = aether_xrp_chain(&k, bdev, &a, gen);
	atomic64_add(a.hops, &aether_xrp_hops);
	if (ret)
		atomic64_inc(&aether_xrp_errors);
	/*
	 * Nothing to write back if the chain never started (memory ran out); a
	 * program detached between two hops (-ENOENT) leaves the hops done so far.
	 */
	if (ret == -ENOMEM && !a.hops)
		goto out;

	if (copy_to_user(uscratch, k.scratch, a.scratch_len) ||
	    copy_to_user(uarg, &a, sizeof(a)))
		ret = -EFAULT;
out:
	kfree(k.scratch);
	return ret;
}

/* /sys/kernel/aether/xrp/: which program is attached, and what lookups did. */

#define AETHER_XRP_COUNTER(_name)                                                           \
	static ssize_t _name##_show(struct kobject *kobj, struct kobj_attribute *attr,      \
				    char *buf)                                              \
	{                                                                                   \
		return sysfs_emit(buf, "%lld\n", atomic64_read(&aether_xrp_##_name));       \
	}                                                                                   \
	static struct kobj_attribute aether_xrp_attr_##_name = __ATTR_RO_MODE(_name, 0400)

AETHER_XRP_COUNTER(lookups);
AETHER_XRP_COUNTER(hops);
AETHER_XRP_COUNTER(errors);
AETHER_XRP_COUNTER(cached_hops);

static struct attribute *aether_xrp_attrs[] = {
	&aether_xrp_attr_lookups.attr,
	&aether_xrp_attr_hops.attr,
	&aether_xrp_attr_errors.attr,
	&aether_xrp_attr_cached_hops.attr,
	NULL,
};

int aether_xrp_init(void)
{
	return aether_bpf_type_init(&aether_xrp_bpf_ops, aether_xrp_ops, &aether_xrp_slot,
				    aether_xrp_attrs);
}

void aether_xrp_uninit(void)
{
	aether_bpf_type_uninit(&aether_xrp_slot);
}
