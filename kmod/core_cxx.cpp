// SPDX-License-Identifier: GPL-2.0
//
// The C++ half of the core subsystem: instantiates the freestanding core for the
// kernel and exports it through the C entry points in core.h. Built with
// kmod/cxxflags.mk; it includes no kernel header and calls no kernel function.

#include "aether/params.hpp"
#include "aether/predictor.hpp"
#include "aether/selftest.hpp"
#include "aether/stream_table.hpp"

#include "core.h"

// Placement new, which <new> would declare; there is no C++ library in the kernel.
inline void *operator new(size_t, void *p) noexcept
{
	return p;
}

namespace {

using aether::CorrelationEntry;
using aether::CorrelationTable;
using aether::Predictor;
using aether::StreamState;
using aether::StreamTableBase;
using Slot = aether::StreamSlot<StreamState>;

// Enough "after X comes Y" links for the files one CPU is reading at once.
constexpr size_t kCorrEntries = 1024;

// core.h's presets, patterns and actions and the core's are built from the same
// uapi lists (aether_names.h), value for value, so they convert by cast.
static_assert(AETHER_CORE_MAX_DECISIONS == aether::kMaxDecisions);

aether::Params to_params(const aether_core_config &cfg) noexcept
{
	aether::Params p = aether::preset_params(static_cast<aether::Preset>(cfg.preset), 4096);
	p.min_window = cfg.min_window ? cfg.min_window : 1;
	p.max_window = cfg.max_window > p.min_window ? cfg.max_window : p.min_window;
	p.init_window = aether::min<aether::u32>(aether::max<aether::u32>(p.init_window, p.min_window), p.max_window);
	// 0 leaves the preset's own target, which differs by preset (hft 90 %, gaming
	// 20 %, adaptive 25 %); anything else overrides it for every preset.
	if (cfg.target_accuracy)
		p.target_accuracy = aether::Q16::from_ratio(cfg.target_accuracy > 100 ? 100 : cfg.target_accuracy, 100);
	return p;
}

} // namespace

// The block aether_core_cpu_size() measures: the objects, then the two tables'
// storage. The predictor refers to the correlation table, so it is rebuilt in place
// (never assigned) when the configuration changes.
struct aether_core_cpu {
	alignas(Predictor) unsigned char predictor[sizeof(Predictor)];
	CorrelationTable corr;
	StreamTableBase<StreamState> streams;
	CorrelationEntry corr_slots[kCorrEntries];
	Slot stream_slots[]; // flexible: the stream table's storage

	Predictor &p() noexcept { return *reinterpret_cast<Predictor *>(predictor); }
};

unsigned long aether_core_selftest(void)
{
	return aether::selftest::run();
}

unsigned long aether_core_vector_count(void)
{
	return aether::selftest::kVectorCount;
}

unsigned long aether_core_cpu_size(unsigned int streams)
{
	return sizeof(aether_core_cpu) + sizeof(Slot) * streams;
}

aether_core_cpu *aether_core_cpu_init(void *mem, unsigned int streams, const aether_core_config *cfg)
{
	// Zeroed memory is already every slot's empty state, and neither table's
	// constructor touches its storage, so only the three objects are built.
	auto *c = static_cast<aether_core_cpu *>(mem);
	new (&c->corr) CorrelationTable(c->corr_slots, kCorrEntries);
	new (&c->streams) StreamTableBase<StreamState>(c->stream_slots, streams);
	new (c->predictor) Predictor(to_params(*cfg), c->corr);
	return c;
}

void aether_core_cpu_configure(aether_core_cpu *c, const aether_core_config *cfg)
{
	new (c->predictor) Predictor(to_params(*cfg), c->corr);
}

unsigned int aether_core_cpu_access(aether_core_cpu *c, unsigned long long key, unsigned long long space,
				    unsigned long long index, unsigned int len, unsigned long long prev,
				    aether_core_decision *out, aether_core_result *res)
{
	aether::Found how;
	StreamState &s = c->streams.find_or_insert(key, &how);
	s.space = space;
	Predictor &p = c->p();
	const aether::u64 used = p.stats().used_blocks, wasted = p.stats().wasted_blocks;
	aether::Decision d[aether::kMaxDecisions];

	// Only a read between the last access the core saw and this one is news: one
	// inside either would count twice, and one elsewhere may be stale (an mmap
	// reader never updates what the host reads @prev from). A new stream has
	// nothing to relate it to.
	if (how == aether::Found::kExisting && prev != AETHER_CORE_NO_PREV &&
	    (index > s.last_addr ? prev >= s.last_addr + s.last_len && prev < index
				 : prev > index && prev < s.last_addr))
		p.access(s, prev, 1, nullptr, 0);
	const size_t n = p.access(s, index, len, d, aether::kMaxDecisions);

	for (size_t i = 0; i < n; i++) {
		out[i].start = d[i].start;
		out[i].length = d[i].length;
		out[i].confidence = static_cast<unsigned int>(d[i].confidence.raw());
		out[i].action = static_cast<aether_core_action>(d[i].action);
	}
	const aether::Tracker &hot = s.trackers[s.hot < aether::kTrackers ? s.hot : 0];
	const bool continued = hot.live && hot.last == index;
	res->pattern = !continued ? AETHER_CORE_PATTERN_NONE : static_cast<aether_core_pattern>(hot.pattern);
	res->history = how == aether::Found::kExisting ? AETHER_CORE_HISTORY_KNOWN : AETHER_CORE_HISTORY_NEW;
	res->n = static_cast<unsigned int>(n);
	res->used = static_cast<unsigned int>(p.stats().used_blocks - used);
	res->wasted = static_cast<unsigned int>(p.stats().wasted_blocks - wasted);
	return res->n;
}
