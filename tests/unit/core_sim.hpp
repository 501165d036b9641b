// A tiny reference simulation for core tests: an unbounded cache that records which
// blocks were demanded and which were prefetched, to measure accuracy honestly
// (prefetched blocks never demanded count as waste, including at the end).
#pragma once

#include <cstdint>
#include <memory>
#include <unordered_map>
#include <vector>

#include "aether/predictor.hpp"
#include "aether/xorshift.hpp"

namespace aether::test {

struct Access {
	uint64_t addr;
	uint32_t len;
};

struct SimResult {
	uint64_t demand_blocks = 0;
	uint64_t prefetched_blocks = 0; // blocks newly brought in by prefetch
	uint64_t used_blocks = 0;       // of those, demanded later
	uint64_t decisions = 0;
	std::vector<Decision> trace;    // every decision, in order

	double accuracy() const { return prefetched_blocks ? double(used_blocks) / double(prefetched_blocks) : 1.0; }
	double prefetched_fraction() const { return demand_blocks ? double(prefetched_blocks) / double(demand_blocks) : 0.0; }
};

inline SimResult simulate(Preset preset, const std::vector<Access> &stream, uint32_t block_bytes = 4096)
{
	enum State : uint8_t { kDemanded = 1, kPrefetched = 2 };
	std::unordered_map<uint64_t, uint8_t> cache;
	auto corr = std::make_unique<CorrelationTableN<4096>>();
	Predictor p(preset_params(preset, block_bytes), *corr);
	auto s = std::make_unique<StreamState>();
	SimResult r;
	Decision d[kMaxDecisions];
	for (const Access &a : stream) {
		for (uint64_t b = a.addr; b < a.addr + a.len; b++) {
			r.demand_blocks++;
			auto [it, fresh] = cache.try_emplace(b, kDemanded);
			if (!fresh && it->second == kPrefetched) {
				r.used_blocks++;
				it->second = kDemanded;
			}
		}
		size_t n = p.access(*s, a.addr, a.len, d, kMaxDecisions);
		for (size_t i = 0; i < n; i++) {
			r.decisions++;
			r.trace.push_back(d[i]);
			for (uint64_t b = d[i].start; b < d[i].start + d[i].length; b++)
				if (cache.try_emplace(b, kPrefetched).second)
					r.prefetched_blocks++;
		}
	}
	return r;
}

// Streams used by the core tests and benchmarks.
inline std::vector<Access> sequential(size_t n, uint64_t base = 1000, uint32_t len = 1)
{
	std::vector<Access> v;
	for (size_t i = 0; i < n; i++)
		v.push_back({base + i * len, len});
	return v;
}

inline std::vector<Access> strided(size_t n, int64_t stride, uint64_t base = 1u << 24, uint32_t len = 1)
{
	std::vector<Access> v;
	for (size_t i = 0; i < n; i++)
		v.push_back({base + static_cast<uint64_t>(static_cast<int64_t>(i) * stride), len});
	return v;
}

inline std::vector<Access> interleaved(size_t streams, size_t per_stream, uint32_t len = 1)
{
	std::vector<Access> v;
	for (size_t i = 0; i < per_stream; i++)
		for (size_t k = 0; k < streams; k++)
			v.push_back({(k + 1) * (uint64_t{1} << 22) + i * len, len});
	return v;
}

// The tests' fixed-seed source of numbers, so runs repeat: the core's xorshift64.
using XorShift = aether::XorShift;

// Uniform random blocks in [0, 2^bits), from a fixed-seed xorshift so runs repeat.
inline std::vector<Access> uniform_random(size_t n, unsigned bits = 24, uint64_t seed = 42, uint32_t len = 1)
{
	std::vector<Access> v;
	XorShift next{seed};
	for (size_t i = 0; i < n; i++)
		v.push_back({next() & ((uint64_t{1} << bits) - 1), len});
	return v;
}

} // namespace aether::test
