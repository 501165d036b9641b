// The writes in flight, indexed by the blocks they touch, for the cache's overlap
// check: two writes in flight over one block leave its content to the backend's
// ordering, so the cache must know, when a write begins, whether another in flight
// overlaps it.
//
// A write of at most kNarrowRegions regions (kRegionBlocks blocks each) is listed in
// the bucket of every region it touches; a wider one (a large discard or write-zeroes)
// in one list that every check reads. A check therefore reads the writes listed near
// its own blocks and the wide ones, not every write in flight: with a deep queue of
// writes spread over the device, that is a handful instead of hundreds, and the check
// runs under the cache's device-wide lock.
#pragma once

#include <cstdint>
#include <vector>

namespace aether::ublk {

class WriteIndex {
public:
	static constexpr unsigned kRegionShift = 8; // 256 blocks of 4 KiB: 1 MiB, the largest request
	static constexpr uint64_t kNarrowRegions = 4;
	static constexpr unsigned kBuckets = 256;

	struct Write {
		uint64_t first, last; // blocks touched, inclusive
		uint64_t off, len;    // bytes
		bool conflict;        // overlapped another write in flight
	};

	// Adds a write of blocks [first, last] (first <= last) and bytes [off, off + len),
	// marks it and every write in flight that it overlaps as in conflict, and returns
	// its token. Tokens of ended writes are given out again.
	uint32_t add(uint64_t first, uint64_t last, uint64_t off, uint64_t len);

	// Removes the write of @token into @out. Returns false, changing nothing, if no
	// write in flight has that token (it ended already, or was never given out).
	bool remove(uint32_t token, Write *out);

	// How many writes in flight the last add() compared with: what the index saves.
	uint32_t compared() const { return compared_; }

private:
	struct Rec {
		Write w;
		bool live;
	};
	static bool wide(const Write &w) { return (w.last >> kRegionShift) - (w.first >> kRegionShift) >= kNarrowRegions; }
	static std::vector<uint32_t> &unlist(std::vector<uint32_t> &list, uint32_t token);
	std::vector<uint32_t> &bucket(uint64_t region) { return buckets_[region % kBuckets]; }
	// Marks the new write @token and the write @t in conflict if they overlap.
	void compare(uint32_t token, uint32_t t);

	std::vector<Rec> recs_; // by token
	std::vector<uint32_t> free_;
	std::vector<uint32_t> buckets_[kBuckets]; // tokens of narrow writes, by region
	std::vector<uint32_t> wide_;               // tokens of wide writes
	uint32_t compared_ = 0;
};

} // namespace aether::ublk
