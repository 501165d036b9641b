// The DRAM cache tier: fixed 4 KiB blocks in a set-associative array, CLOCK eviction
// within each set, write-through. It holds no I/O of its own: the queues ask it what
// to do and tell it what happened, so its rules can be tested without a device.
//
// Coherence (a read never returns data older than the last acknowledged write):
//  - A block is free, filling (a backend read into it is in flight) or valid.
//  - Every write is registered before it is submitted (write_begin) and retired before
//    it is acknowledged (write_end). Retiring marks every filling block it touches
//    stale, so a fill that may have read old data is discarded when it lands; valid
//    blocks it touches are overwritten with the write's data or dropped.
//  - A fill that starts after write_end reads the backend after the write completed.
//  - Two writes in flight over the same block at once leave its final content to the
//    backend's ordering, so neither installs it: both drop it.
//  - A demand read that missed installs its data only if no write over its blocks
//    retired while it was in flight (a write elsewhere does not matter).
#pragma once

#include <cstdint>
#include <mutex>
#include <sys/uio.h>
#include <vector>

#include "stats.hpp"
#include "write_index.hpp"

namespace aether::ublk {

inline constexpr uint32_t kCacheBlock = 4096;
inline constexpr unsigned kCacheBlockShift = 12;

// A demand request parked until a fill lands.
struct Waiter {
	uint16_t queue;
	uint16_t tag;
};

class Cache {
public:
	static constexpr unsigned kWays = 8;
	static constexpr unsigned kMaxFill = 64; // blocks in one fill (256 KiB)

	enum class Lookup : uint8_t {
		kHit,  // every block was valid: the data was copied out
		kWait, // none missing, some filling: the waiter was parked on fill *fill
		kMiss, // some block is absent: read the backend for [part_off, part_off + part_len)
	};
	struct ReadResult {
		Lookup how;
		uint32_t fill;  // kWait: the fill the waiter was parked on
		uint64_t epoch; // kMiss: the write epoch, for populate()
		// kMiss: the bytes of the request the backend must read, from the first
		// block not valid to the last. The valid blocks on either side were copied
		// out, so a request that a readahead window covers in part reads only the
		// rest.
		uint64_t part_off;
		uint32_t part_len;
		// kHit into a file (Dest::fd): 0, or -errno if writing it failed.
		int32_t err;
	};

	// Where read() puts the bytes it serves: @buf; or, for a hit (every block valid),
	// the file @fd at @pos, written straight from the cache's blocks with one
	// pwritev(): /dev/ublkcN under UBLK_F_USER_COPY, whose position names a
	// request, so the blocks go into its pages with one copy instead of two.
	struct Dest {
		char *buf;
		int fd = -1;
		uint64_t pos = 0;
	};

	// One prefetch fill the caller is to issue: read the device range [block,
	// block + count) into iov[0..count).
	struct Fill {
		uint32_t id;
		uint64_t block;
		uint32_t count;
		const iovec *iov;
	};

	Cache() = default;
	Cache(const Cache &) = delete;
	Cache &operator=(const Cache &) = delete;
	~Cache();

	// Allocates @bytes of cache (rounded down to whole sets of kWays blocks) with room
	// for @max_fills fills in flight. Returns 0, -EINVAL if that is less than one set,
	// or -ENOMEM.
	int init(uint64_t bytes, unsigned max_fills);
	bool enabled() const { return nsets_ != 0; }
	uint64_t bytes() const { return uint64_t{nsets_} * kWays * kCacheBlock; }

	// Demand read of the device's bytes [off, off + len) into @dst, from the blocks
	// that cover them: a request need not be aligned to blocks (ext4 with 1 KiB
	// blocks, 512-byte direct I/O). On kWait, @w is parked on the fill reported;
	// fill_done() hands it back. On kMiss, the bytes outside the part reported are
	// in @dst already and their blocks count as hits.
	ReadResult read(uint64_t off, uint32_t len, char *dst, Waiter w) { return read(off, len, Dest{dst}, w); }
	ReadResult read(uint64_t off, uint32_t len, const Dest &dst, Waiter w);

	// Reserves slots for the absent blocks of [block, block + count), as fills of at
	// most kMaxFill blocks and at most @max_new fills, written to @out. Blocks valid
	// or filling already are skipped. Returns how many fills were reserved.
	unsigned reserve(uint64_t block, uint32_t count, Fill *out, unsigned max_new);

	// Fill @id ended with @res (bytes read, or -errno). Blocks it read whole become
	// valid unless a write marked them stale. Appends its parked waiters to @wake.
	void fill_done(uint32_t id, int res, std::vector<Waiter> &wake);

	// Registers a write (or discard) of bytes [off, off + len) about to be submitted.
	// Returns its token for write_end().
	uint32_t write_begin(uint64_t off, uint64_t len);
	// The write with @token ended with @res (< 0: failed). @data is what it wrote (null
	// for discard and write-zeroes). Must be called before the write is acknowledged.
	void write_end(uint32_t token, const char *data, int res);

	// The write epoch (read() also reports it with a miss).
	uint64_t epoch();
	// Installs a demand read's blocks [block, block + count) from @src, unless a
	// write over any of them retired since @epoch (or more writes retired since than
	// the cache remembers, kRetiredKept). Present blocks are left as they are.
	void populate(uint64_t block, uint32_t count, const char *src, uint64_t epoch);

	// Where the cache counts hits and prefetches (Stat::kHitBlocks, kPrefetch*), in
	// blocks: its own counters unless pointed elsewhere, e.g. at a stats file.
	void count_into(Counters *c) { ctr_ = c; }
	const Counters &counters() const { return *ctr_; }

private:
	enum State : uint8_t { kFree, kFilling, kValid };
	struct Slot {
		uint64_t block;
		uint16_t fill;  // while kFilling
		// Reads copying out of the slot without the lock. A pinned slot's data does
		// not change: a write retiring over it goes to another slot, and it is not
		// claimed again, even once dropped, until the last pin goes.
		uint16_t pins;
		State state;
		uint8_t ref;    // CLOCK reference bit
		uint8_t stale;  // kFilling: a write retired over it; discard on landing
		uint8_t prefetched; // kValid: filled by prefetch, not yet read
	};
	static_assert(sizeof(Slot) == 16);
	struct FillRec {
		uint32_t slot[kMaxFill];
		iovec iov[kMaxFill];
		uint32_t count = 0;
		std::vector<Waiter> waiters;
	};

	// Reads of more blocks than this copy out of pinned slots without the lock, so a
	// large hit does not hold the other queues off for its whole copy; smaller ones
	// copy under it, which costs one lock round trip less.
	static constexpr uint32_t kCopyLocked = 2;
	// The most blocks a read pins; a longer one (more than max_io's 1 MiB) copies
	// under the lock.
	static constexpr uint32_t kMaxPinned = (1u << 20) / kCacheBlock + 1;

	Slot *find(uint64_t block);
	// A slot for @block in its set: a free one, else the CLOCK victim among valid ones;
	// never a pinned one. Returns nullptr if every way is filling or pinned. The
	// caller sets its state.
	Slot *claim(uint64_t block);
	void drop(Slot &s);
	char *data(const Slot &s) { return arena_ + (&s - slots_.data()) * size_t{kCacheBlock}; }
	int write_out(const Dest &dst, uint64_t off, uint32_t len, Slot *const *slots, uint32_t count);

	std::mutex mu_;
	std::vector<Slot> slots_;
	std::vector<uint8_t> hand_; // per set
	char *arena_ = nullptr;
	size_t arena_bytes_ = 0;
	uint32_t nsets_ = 0;
	std::vector<FillRec> fills_;
	std::vector<uint32_t> free_fills_; // ids of fills_ not in flight
	WriteIndex writes_; // the writes in flight, by the blocks they touch
	uint64_t epoch_ = 0; // writes retired so far
	// The blocks of the last kRetiredKept writes retired, the one of epoch e at
	// [e % kRetiredKept], for populate() to tell which reads they overlapped.
	static constexpr uint64_t kRetiredKept = 64;
	struct Retired {
		uint64_t first, last; // inclusive
	};
	Retired retired_[kRetiredKept] = {};
	Counters local_{};
	Counters *ctr_ = &local_;
};

} // namespace aether::ublk
