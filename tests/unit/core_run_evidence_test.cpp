// Long runs keep their readahead when short runs have raised the sequential threshold.
#include <gtest/gtest.h>

#include <cstdint>
#include <memory>

#include "aether/predictor.hpp"

namespace {

using namespace aether;

// Many sequential runs of one block per access, each far from the others: ten runs
// two accesses long (their readahead is never read) for each run kLong accesses
// long. Counts the readahead decisions made inside the long runs of the second half,
// past their first continuation (the one a short run also has).
struct Runs {
	static constexpr uint32_t kLong = 8;
	static constexpr uint32_t kShortPerLong = 10;

	uint64_t late_long_decisions = 0;

	static Runs run(uint32_t rounds)
	{
		auto corr = std::make_unique<CorrelationTableN<64>>();
		Predictor p(preset_params(Preset::kAdaptive), *corr);
		StreamState s{};
		Decision d[kMaxDecisions];
		Runs r;
		uint64_t base = 1 << 20;
		for (uint32_t round = 0; round < rounds; round++) {
			for (uint32_t k = 0; k < kShortPerLong; k++, base += 1 << 16)
				for (uint32_t i = 0; i < 2; i++)
					p.access(s, base + i, 1, d, kMaxDecisions);
			for (uint32_t i = 0; i < kLong; i++) {
				const size_t n = p.access(s, base + i, 1, d, kMaxDecisions);
				if (round >= rounds / 2 && i >= 2)
					for (size_t j = 0; j < n; j++)
						r.late_long_decisions += d[j].action == Action::kReadahead;
			}
			base += 1 << 16;
		}
		return r;
	}
};

TEST(RunEvidence, LongRunsKeepReadaheadTheShortRunsPriceOut)
{
	const Runs r = Runs::run(200);
	// By the sequential threshold alone, the short runs' waste raises it past
	// what kLong - 1 confirmations give ((2/pi) atan(h / scale), scale 2), where no
	// run can retire anything to bring it down again: from then on no run reads
	// ahead at all. The runs' own record, by how often each had been confirmed,
	// says that past the first continuation they pay, and keeps them reading ahead.
	EXPECT_GT(r.late_long_decisions, 100u);
}

} // namespace
