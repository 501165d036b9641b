// The simulators tell the prefetcher whether each demand access missed and which prefetched units were evicted unused.
#include <utility>
#include <vector>

#include <gtest/gtest.h>

#include "replay/simulate.hpp"

using namespace aether::ctl;

namespace {

// Prefetches a fixed list per access and records the feedback it is given.
class Listener final : public Prefetcher {
public:
	explicit Listener(std::vector<std::vector<Range>> script) : script_(std::move(script)) {}

	void access(u64, u32, std::vector<Range> &out) override
	{
		if (step_ < script_.size())
			out = script_[step_];
		step_++;
	}
	void demanded(Outcome outcome) override { outcomes.push_back(outcome); }
	void evicted_unused(u64 key) override { evicted.push_back(key); }

	std::vector<Outcome> outcomes;
	std::vector<u64> evicted;

private:
	std::vector<std::vector<Range>> script_;
	size_t step_ = 0;
};

TEST(ReplaySimulateFeedback, MissesAndUnusedEvictionsReachThePrefetcher)
{
	// A two-page cache: page 0, then prefetched 100; a hit on 0, then 200 and 300
	// push out 100 (unused) and 0; the third read of 0 misses and pushes out 200.
	Listener p({{{100, 1}}, {{200, 1}, {300, 1}}});
	const std::vector<Request> reads(3, Request{0, 4096, Op::kRead});
	simulate(reads, SimMode::kBlock, 2 * 4096, p);
	EXPECT_EQ(p.outcomes, (std::vector<Outcome>{Outcome::kMiss, Outcome::kHit, Outcome::kMiss}));
	EXPECT_EQ(p.evicted, (std::vector<u64>{100, 200}));
}

} // namespace
