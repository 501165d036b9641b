// Microbenchmarks of the core's hot path: ns per access, and stream-table lookup.
#include <memory>

#include <benchmark/benchmark.h>

#include "../unit/core_sim.hpp"
#include "aether/stream_table.hpp"

namespace {

using namespace aether;
using namespace aether::test;

// Feeds @stream to one adaptive predictor in a loop; one iteration is one access.
void run_stream(benchmark::State &state, const std::vector<Access> &stream)
{
	auto corr = std::make_unique<CorrelationTableN<4096>>();
	Predictor p(preset_params(Preset::kAdaptive), *corr);
	auto s = std::make_unique<StreamState>();
	Decision d[kMaxDecisions];
	size_t i = 0, decisions = 0;
	for (auto _ : state) {
		const Access &a = stream[i];
		decisions += p.access(*s, a.addr, a.len, d, kMaxDecisions);
		benchmark::DoNotOptimize(d);
		if (++i == stream.size())
			i = 0;
	}
	state.SetItemsProcessed(state.iterations());
	state.counters["decisions/access"] =
		benchmark::Counter(static_cast<double>(decisions) / static_cast<double>(state.iterations()));
}

// Streams long enough that wrapping around is rare: sequential restarts look like
// a jump back, which the core handles but which is not what is being measured.
void BM_AccessSequential(benchmark::State &state) { run_stream(state, sequential(1 << 22)); }
void BM_AccessStride16(benchmark::State &state) { run_stream(state, strided(1 << 22, 16)); }
void BM_AccessStrideNeg64(benchmark::State &state) { run_stream(state, strided(1 << 22, -64, uint64_t{1} << 40)); }
void BM_AccessInterleaved4(benchmark::State &state) { run_stream(state, interleaved(4, 1 << 20)); }
void BM_AccessRandom(benchmark::State &state) { run_stream(state, uniform_random(1 << 22, 32)); }

void BM_StreamTableLookup(benchmark::State &state)
{
	auto table = std::make_unique<StreamTable<uint64_t, 4096>>();
	Found how;
	for (uint64_t k = 0; k < 3000; k++)
		table->find_or_insert(k * 0x9e3779b97f4a7c15ull, &how) = k;
	uint64_t k = 0;
	for (auto _ : state) {
		benchmark::DoNotOptimize(table->find((k % 3000) * 0x9e3779b97f4a7c15ull));
		k++;
	}
	state.SetItemsProcessed(state.iterations());
}

} // namespace

BENCHMARK(BM_AccessSequential);
BENCHMARK(BM_AccessStride16);
BENCHMARK(BM_AccessStrideNeg64);
BENCHMARK(BM_AccessInterleaved4);
BENCHMARK(BM_AccessRandom);
BENCHMARK(BM_StreamTableLookup);
BENCHMARK_MAIN();
