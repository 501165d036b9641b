// The correlation predictor: a fixed-memory table that learns "after block X comes
// block Y" for repeating non-sequential patterns (a B-tree root then a leaf, a
// metadata block then its data) that no stride detector can see.
//
// Direct-mapped by a hash of X, with X's full address as the tag. A conflicting
// X replaces the entry: the table forgets old pairs instead of growing.
#pragma once

#include "aether/types.hpp"

namespace aether {

struct CorrelationEntry {
	u64 from = 0; // X
	u64 next = 0; // the Y that last followed X
	u32 len = 0;  // Y's length; 0 marks a free entry
	u8 hits = 0;  // consecutive times X was followed by this Y, saturating
};

// The table over caller-provided storage; capacity must be a power of two.
class CorrelationTable {
public:
	static constexpr u8 kMaxHits = 15;

	constexpr CorrelationTable(CorrelationEntry *slots, size_t capacity) noexcept
		: slots_(slots), mask_(capacity ? capacity - 1 : 0)
	{
	}

	// Learns that [y, y + len) followed x.
	constexpr void learn(u64 x, u64 y, u32 len) noexcept
	{
		CorrelationEntry &e = slots_[index(x)];
		if (e.len && e.from == x && e.next == y) {
			e.hits = e.hits < kMaxHits ? e.hits + 1 : kMaxHits;
			e.len = len ? len : 1;
			return;
		}
		e = CorrelationEntry{x, y, len ? len : 1, 1};
	}

	// The entry predicting what follows x, or nullptr.
	constexpr const CorrelationEntry *lookup(u64 x) const noexcept
	{
		const CorrelationEntry &e = slots_[index(x)];
		return e.len && e.from == x ? &e : nullptr;
	}

	constexpr size_t capacity() const noexcept { return mask_ + 1; }

private:
	constexpr size_t index(u64 x) const noexcept { return static_cast<size_t>(hash64(x)) & mask_; }

	CorrelationEntry *slots_;
	size_t mask_;
};

// A table that owns its storage. Zero-initialised, so a static one needs no
// constructor at run time (the kernel never runs static constructors).
template <size_t N>
class CorrelationTableN : public CorrelationTable {
	static_assert(N && (N & (N - 1)) == 0, "capacity must be a power of two");

public:
	constexpr CorrelationTableN() noexcept : CorrelationTable(storage_, N) {}
	CorrelationTableN(const CorrelationTableN &) = delete;
	CorrelationTableN &operator=(const CorrelationTableN &) = delete;

private:
	CorrelationEntry storage_[N] = {};
};

} // namespace aether
