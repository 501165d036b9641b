// The DRAM cache tier (see cache.hpp for its coherence rules).
#include "cache.hpp"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <sys/mman.h>
#include <sys/uio.h>

namespace aether::ublk {

Cache::~Cache()
{
	if (arena_)
		munmap(arena_, arena_bytes_);
}

int Cache::init(uint64_t bytes, unsigned max_fills)
{
	const uint64_t sets = bytes / (uint64_t{kWays} * kCacheBlock);
	if (sets == 0 || sets > UINT32_MAX)
		return -EINVAL;
	arena_bytes_ = sets * kWays * kCacheBlock;
	// Anonymous memory is page-aligned, as O_DIRECT reads into it need. It is
	// committed and faulted in now: a cache the host cannot hold fails here rather
	// than in the I/O path, and no fill pays for a page fault and a cleared page.
	void *p = mmap(nullptr, arena_bytes_, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
	if (p == MAP_FAILED)
		return -ENOMEM;
	arena_ = static_cast<char *>(p);
	nsets_ = static_cast<uint32_t>(sets);
	if (max_fills > UINT16_MAX + 1u)
		return -EINVAL;
	slots_.assign(sets * kWays, Slot{0, 0, 0, kFree, 0, 0, 0});
	hand_.assign(sets, 0);
	fills_.resize(max_fills);
	for (FillRec &f : fills_)
		f.waiters.reserve(8);
	for (uint32_t id = max_fills; id-- > 0;)
		free_fills_.push_back(id);
	return 0;
}

Cache::Slot *Cache::find(uint64_t block)
{
	Slot *set = &slots_[(block % nsets_) * kWays];
	for (unsigned w = 0; w < kWays; w++)
		if (set[w].state != kFree && set[w].block == block)
			return &set[w];
	return nullptr;
}

void Cache::drop(Slot &s)
{
	if (s.state == kValid && s.prefetched)
		ctr_->add(Stat::kPrefetchWasted);
	s.state = kFree;
	s.prefetched = 0;
}

Cache::Slot *Cache::claim(uint64_t block)
{
	const uint64_t set_idx = block % nsets_;
	Slot *set = &slots_[set_idx * kWays];
	for (unsigned w = 0; w < kWays; w++)
		if (set[w].state == kFree && !set[w].pins)
			return &set[w];
	// CLOCK: a valid block whose reference bit is clear goes; those passed lose the
	// bit. Two sweeps find one unless every way is filling.
	uint8_t &hand = hand_[set_idx];
	for (unsigned i = 0; i < 2 * kWays; i++) {
		Slot &s = set[(hand + i) % kWays];
		if (s.state != kValid || s.pins)
			continue;
		if (s.ref) {
			s.ref = 0;
			continue;
		}
		hand = static_cast<uint8_t>((hand + i + 1) % kWays);
		drop(s);
		return &s;
	}
	return nullptr;
}

// Writes the device's bytes [off, off + len), whose blocks in order are @slots[0..count),
// to @dst's file at its position with one pwritev(). Returns 0, or -errno (-EIO for a
// short write).
int Cache::write_out(const Dest &dst, uint64_t off, uint32_t len, Slot *const *slots, uint32_t count)
{
	iovec iov[kMaxPinned];
	const uint64_t block = off >> kCacheBlockShift;
	for (uint32_t i = 0; i < count; i++) {
		const uint64_t b0 = (block + i) << kCacheBlockShift;
		const uint64_t from = std::max(off, b0), to = std::min(off + len, b0 + kCacheBlock);
		iov[i] = {data(*slots[i]) + (from - b0), static_cast<size_t>(to - from)};
	}
	const ssize_t n = pwritev(dst.fd, iov, static_cast<int>(count), static_cast<off_t>(dst.pos));
	if (n < 0)
		return -errno;
	return static_cast<uint32_t>(n) == len ? 0 : -EIO;
}

Cache::ReadResult Cache::read(uint64_t off, uint32_t len, const Dest &dst, Waiter w)
{
	const uint64_t block = off >> kCacheBlockShift;
	const uint64_t end = off + len;
	const uint32_t count = static_cast<uint32_t>(((end + kCacheBlock - 1) >> kCacheBlockShift) - block);
	// The slots the scan found for the first blocks, so that serving them does not
	// search their sets again: 32 covers a 128 KiB request, readahead's usual size.
	constexpr uint32_t kSeen = 32;
	Slot *seen[kSeen];
	std::unique_lock lock(mu_);
	const Slot *filling = nullptr;
	bool absent = false;
	uint32_t lo = count, hi = 0; // the blocks not valid: [lo, hi)
	for (uint32_t i = 0; i < count; i++) {
		Slot *s = find(block + i);
		if (i < kSeen)
			seen[i] = s;
		if (s && s->state == kValid)
			continue;
		lo = std::min(lo, i);
		hi = i + 1;
		if (!s)
			absent = true;
		else if (!filling)
			filling = s;
	}
	if (!absent && filling) {
		fills_[filling->fill].waiters.push_back(w);
		return {Lookup::kWait, filling->fill, 0, 0, 0, 0};
	}
	// Everything outside [lo, hi) is valid: copy out its part of the request now. A
	// miss is read from the backend whether or not a fill covers part of it, so
	// nothing waits. Small reads copy under the lock; larger ones pin their slots,
	// copy without it, and unpin. A hit into a file is written with the slots
	// pinned, since the write is a system call.
	const bool to_file = dst.fd >= 0 && !absent;
	const bool unlocked = to_file || (count > kCopyLocked && count <= kMaxPinned);
	Slot *pinned[kMaxPinned];
	uint32_t npinned = 0;
	const auto copy = [&](uint32_t i, const Slot &s) {
		const uint64_t b0 = (block + i) << kCacheBlockShift;
		const uint64_t from = std::max(off, b0), to = std::min(end, b0 + kCacheBlock);
		std::memcpy(dst.buf + (from - off), data(s) + (from - b0), to - from);
	};
	const auto serve = [&](uint32_t first, uint32_t last) {
		for (uint32_t i = first; i < last; i++) {
			Slot &s = i < kSeen ? *seen[i] : *find(block + i);
			if (unlocked) {
				s.pins++;
				pinned[i] = &s;
				npinned++;
			} else {
				copy(i, s);
			}
			s.ref = 1;
			if (s.prefetched) {
				s.prefetched = 0;
				ctr_->add(Stat::kPrefetchUsed);
			}
		}
	};
	// With every block valid, lo is count and hi is 0: the first range is all.
	const uint32_t lo2 = std::max(hi, lo);
	serve(0, lo);
	serve(lo2, count);
	ctr_->add(Stat::kHitBlocks, count - (hi > lo ? hi - lo : 0));
	const uint64_t epoch = epoch_;
	int err = 0;
	if (npinned) {
		lock.unlock();
		if (to_file)
			err = write_out(dst, off, len, pinned, count);
		else
			for (uint32_t i = 0; i < count; i++)
				if (i < lo || i >= lo2)
					copy(i, *pinned[i]);
		lock.lock();
		for (uint32_t i = 0; i < count; i++)
			if (i < lo || i >= lo2)
				pinned[i]->pins--;
	}
	if (!absent)
		return {Lookup::kHit, 0, 0, 0, 0, err};
	const uint64_t from = std::max(off, (block + lo) << kCacheBlockShift);
	const uint64_t to = std::min(end, (block + hi) << kCacheBlockShift);
	return {Lookup::kMiss, 0, epoch, from, static_cast<uint32_t>(to - from), 0};
}

unsigned Cache::reserve(uint64_t block, uint32_t count, Fill *out, unsigned max_new)
{
	std::lock_guard lock(mu_);
	unsigned n = 0;
	FillRec *cur = nullptr;
	uint32_t cur_id = 0;
	for (uint32_t i = 0; i < count; i++) {
		const uint64_t b = block + i;
		Slot *s = find(b) ? nullptr : claim(b);
		if (!s || (cur && cur->count == kMaxFill)) {
			cur = nullptr; // the run of absent blocks ends here
			if (!s)
				continue;
		}
		if (!cur) {
			if (n == max_new || free_fills_.empty())
				break;
			cur_id = free_fills_.back();
			free_fills_.pop_back();
			cur = &fills_[cur_id];
			cur->count = 0;
			out[n++] = Fill{cur_id, b, 0, cur->iov};
		}
		// Reference bit clear: until a read uses it, a prefetched block is the first
		// CLOCK victim of its set, so a prefetch burst does not evict the working set.
		*s = Slot{b, static_cast<uint16_t>(cur_id), 0, kFilling, 0, 0, 0};
		cur->slot[cur->count] = static_cast<uint32_t>(s - slots_.data());
		cur->iov[cur->count] = {data(*s), kCacheBlock};
		cur->count++;
		out[n - 1].count = cur->count;
		ctr_->add(Stat::kPrefetchIssued);
	}
	return n;
}

void Cache::fill_done(uint32_t id, int res, std::vector<Waiter> &wake)
{
	std::lock_guard lock(mu_);
	FillRec &f = fills_[id];
	for (uint32_t k = 0; k < f.count; k++) {
		Slot &s = slots_[f.slot[k]];
		const bool whole = res >= 0 && uint64_t(res) >= uint64_t{k + 1} * kCacheBlock;
		if (s.stale) {
			ctr_->add(Stat::kPrefetchStale);
			ctr_->add(Stat::kPrefetchWasted);
			s.state = kFree;
		} else if (!whole) {
			ctr_->add(Stat::kPrefetchWasted);
			s.state = kFree;
		} else {
			s.state = kValid;
			s.prefetched = 1;
		}
		s.stale = 0;
	}
	wake.insert(wake.end(), f.waiters.begin(), f.waiters.end());
	f.waiters.clear();
	free_fills_.push_back(id);
}

uint32_t Cache::write_begin(uint64_t off, uint64_t len)
{
	std::lock_guard lock(mu_);
	return writes_.add(off >> kCacheBlockShift, (off + (len ? len : 1) - 1) >> kCacheBlockShift, off, len);
}

void Cache::write_end(uint32_t token, const char *data_in, int res)
{
	std::lock_guard lock(mu_);
	WriteIndex::Write w;
	if (!writes_.remove(token, &w))
		return;
	epoch_++;
	retired_[epoch_ % kRetiredKept] = {w.first, w.last};

	const auto apply = [&](uint64_t b, Slot *s) {
		const uint64_t start = b << kCacheBlockShift;
		const bool whole = start >= w.off && start + kCacheBlock <= w.off + w.len;
		if (s && s->state == kFilling) {
			s->stale = 1;
		} else if (res >= 0 && data_in && whole && !w.conflict) {
			// A read copying out of the block keeps the old data whole: the new
			// data goes to another slot.
			if (s && s->pins) {
				drop(*s);
				s = nullptr;
			}
			if (!s && !(s = claim(b)))
				return;
			if (s->state == kValid && s->prefetched)
				ctr_->add(Stat::kPrefetchWasted);
			std::memcpy(data(*s), data_in + (start - w.off), kCacheBlock);
			*s = Slot{b, 0, 0, kValid, 1, 0, 0};
		} else if (s) {
			drop(*s);
		}
	};
	// A write larger than the cache (a discard of the whole device) visits the cache's
	// slots instead of its own blocks.
	if (w.last - w.first >= slots_.size()) {
		for (Slot &s : slots_)
			if (s.state != kFree && s.block >= w.first && s.block <= w.last)
				apply(s.block, &s);
		return;
	}
	for (uint64_t b = w.first; b <= w.last; b++)
		apply(b, find(b));
}

uint64_t Cache::epoch()
{
	std::lock_guard lock(mu_);
	return epoch_;
}

void Cache::populate(uint64_t block, uint32_t count, const char *src, uint64_t epoch)
{
	std::lock_guard lock(mu_);
	// A write over these blocks that retired while the read was in flight may have
	// reached the backend before or after it: the data read may be old.
	if (epoch_ - epoch >= kRetiredKept)
		return;
	const uint64_t last = block + count - 1;
	for (uint64_t e = epoch + 1; e <= epoch_; e++) {
		const Retired &r = retired_[e % kRetiredKept];
		if (r.first <= last && block <= r.last)
			return;
	}
	for (uint32_t i = 0; i < count; i++) {
		if (find(block + i))
			continue;
		Slot *s = claim(block + i);
		if (!s)
			continue;
		std::memcpy(data(*s), src + size_t{i} * kCacheBlock, kCacheBlock);
		*s = Slot{block + i, 0, 0, kValid, 1, 0, 0};
	}
}

} // namespace aether::ublk
