// The stream table: per-stream state by 64-bit key, in fixed memory.
//
// Open addressing over caller-provided storage. A key lives in one of the kProbe
// slots after its hash, so lookup, insert and erase cost at most kProbe compares
// whatever the load, and no tombstones are needed (lookup always scans the whole
// probe window). When the window is full, CLOCK picks the victim: each slot's
// reference bit is set on use, and the sweep evicts the first slot whose bit is
// clear, clearing bits as it passes.
#pragma once

#include "aether/types.hpp"

namespace aether {

template <typename T>
struct StreamSlot {
	u64 key = 0;
	u8 used = 0;
	u8 ref = 0;
	T value{};
};

enum class Found : u8 {
	kExisting = 0, // the key was present
	kInserted = 1, // a free slot took it
	kEvicted = 2,  // another stream was replaced to make room
};

// The table over caller-provided storage. capacity must be a power of two >= kProbe.
template <typename T>
class StreamTableBase {
public:
	static constexpr u32 kProbe = 8;
	using Slot = StreamSlot<T>;

	constexpr StreamTableBase(Slot *slots, size_t capacity) noexcept
		: slots_(slots), mask_(capacity ? capacity - 1 : 0)
	{
	}

	// The value for @key, or nullptr. Marks it recently used.
	constexpr T *find(u64 key) noexcept
	{
		const size_t h = index(key);
		for (u32 i = 0; i < kProbe; i++) {
			Slot &s = slots_[(h + i) & mask_];
			if (s.used && s.key == key) {
				s.ref = 1;
				return &s.value;
			}
		}
		return nullptr;
	}

	// The value for @key, inserting a value-initialised one if absent (evicting
	// another stream if its probe window is full). *how says which. Never fails.
	constexpr T &find_or_insert(u64 key, Found *how) noexcept
	{
		const size_t h = index(key);
		Slot *free_slot = nullptr;
		for (u32 i = 0; i < kProbe; i++) {
			Slot &s = slots_[(h + i) & mask_];
			if (s.used && s.key == key) {
				s.ref = 1;
				*how = Found::kExisting;
				return s.value;
			}
			if (!s.used && !free_slot)
				free_slot = &s;
		}
		Slot *slot = free_slot;
		*how = Found::kInserted;
		if (!slot) {
			// CLOCK over the probe window: at most two sweeps find a clear bit.
			for (u32 i = 0; i < 2 * kProbe; i++) {
				Slot &s = slots_[(h + (hand_ + i) % kProbe) & mask_];
				if (!s.ref) {
					slot = &s;
					break;
				}
				s.ref = 0;
			}
			hand_ = (hand_ + 1) % kProbe;
			if (!slot)
				slot = &slots_[h & mask_];
			*how = Found::kEvicted;
			count_--;
		}
		*slot = Slot{};
		slot->key = key;
		slot->used = 1;
		slot->ref = 1;
		count_++;
		return slot->value;
	}

	// Removes @key. Returns true if it was present.
	constexpr bool erase(u64 key) noexcept
	{
		const size_t h = index(key);
		for (u32 i = 0; i < kProbe; i++) {
			Slot &s = slots_[(h + i) & mask_];
			if (s.used && s.key == key) {
				s = Slot{};
				count_--;
				return true;
			}
		}
		return false;
	}

	constexpr size_t size() const noexcept { return count_; }
	constexpr size_t capacity() const noexcept { return mask_ + 1; }

private:
	constexpr size_t index(u64 key) const noexcept { return static_cast<size_t>(hash64(key)) & mask_; }

	Slot *slots_;
	size_t mask_;
	size_t count_ = 0;
	u32 hand_ = 0;
};

// A stream table that owns its storage.
template <typename T, size_t N>
class StreamTable : public StreamTableBase<T> {
	static_assert(N >= StreamTableBase<T>::kProbe && (N & (N - 1)) == 0,
		      "capacity must be a power of two of at least kProbe");

public:
	constexpr StreamTable() noexcept : StreamTableBase<T>(storage_, N) {}
	StreamTable(const StreamTable &) = delete;
	StreamTable &operator=(const StreamTable &) = delete;

private:
	StreamSlot<T> storage_[N] = {};
};

} // namespace aether
