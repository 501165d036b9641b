// Microbenchmarks of the core's hot path: ns per access on synthetic streams and on the
// reads of each real trace in ../shared/traces, and stream-table lookup.
#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include <benchmark/benchmark.h>

#include "../unit/core_sim.hpp"
#include "aether/stream_table.hpp"
#include "replay/trace.hpp"

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

// Where the real traces are: $AETHER_TRACES, else ../shared/traces next to the repository.
std::filesystem::path traces_dir()
{
	if (const char *dir = std::getenv("AETHER_TRACES"); dir && *dir)
		return dir;
	return std::filesystem::path(__FILE__).parent_path().parent_path().parent_path() / ".." / "shared" /
	       "traces";
}

// The reads of the trace at @path, in 4 KiB pages as the replay's block mode gives them
// to the core: the first page a read touches, and how many it covers.
std::vector<Access> trace_reads(const std::string &path)
{
	const ctl::Trace trace = ctl::read_trace(path, ctl::TraceFormat::kAuto);
	std::vector<Access> reads;
	reads.reserve(trace.reads);
	for (const ctl::Request &r : trace.requests) {
		if (r.op != ctl::Op::kRead)
			continue;
		const uint64_t first = r.offset / 4096;
		const uint64_t last = (r.offset + r.length + 4095) / 4096;
		reads.push_back({first, static_cast<uint32_t>(std::min<uint64_t>(last - first, UINT32_MAX))});
	}
	return reads;
}

// One benchmark per trace, BM_Trace/NAME: the trace's reads through the adaptive core
// alone, over and over. Each trace is read once, when its benchmark first runs, so a
// filter that leaves it out costs nothing.
void register_trace_benchmarks()
{
	const std::filesystem::path dir = traces_dir();
	std::vector<std::filesystem::path> files;
	std::error_code ec;
	for (const auto &e : std::filesystem::directory_iterator(dir, ec))
		if (e.path().extension() == ".csv")
			files.push_back(e.path());
	if (files.empty()) {
		std::cerr << "aether-bench: no traces in " << dir << " (set AETHER_TRACES); skipping BM_Trace\n";
		return;
	}
	std::sort(files.begin(), files.end());
	for (const std::filesystem::path &file : files) {
		auto reads = std::make_shared<std::vector<Access>>();
		benchmark::RegisterBenchmark(("BM_Trace/" + file.stem().string()).c_str(),
					     [reads, path = file.string()](benchmark::State &state) {
						     if (reads->empty()) {
							     try {
								     *reads = trace_reads(path);
							     } catch (const ctl::TraceError &e) {
								     state.SkipWithError(e.what());
								     return;
							     }
						     }
						     if (reads->empty()) {
							     state.SkipWithError("the trace has no reads");
							     return;
						     }
						     run_stream(state, *reads);
					     });
	}
}

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

int main(int argc, char **argv)
{
	benchmark::Initialize(&argc, argv);
	if (benchmark::ReportUnrecognizedArguments(argc, argv))
		return 1;
	register_trace_benchmarks();
	benchmark::RunSpecifiedBenchmarks();
	benchmark::Shutdown();
	return 0;
}
