// The simple baselines (none, OBL, stride) prefetch as their algorithms say, and every baseline has a name.
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "replay/baselines.hpp"
#include "replay_fixture.hpp"

using namespace aether::ctl;
using aether::test::feed;

namespace {

TEST(ReplayBaseline, NoneNeverPrefetches)
{
	auto p = make_prefetcher(Baseline::kNone, SimMode::kBlock);
	EXPECT_TRUE(feed(*p, {{0, 4}, {4, 4}, {8, 4}}).empty());
}

TEST(ReplayBaseline, OblFetchesTheNextPage)
{
	auto p = make_prefetcher(Baseline::kObl, SimMode::kBlock);
	EXPECT_EQ(feed(*p, {{10, 4}}), (std::vector<Range>{{14, 1}}));
}

TEST(ReplayBaseline, OblFetchesTheNextObject)
{
	auto p = make_prefetcher(Baseline::kObl, SimMode::kObject);
	EXPECT_EQ(feed(*p, {{10, 16}}), (std::vector<Range>{{26, 16}}));
}

TEST(ReplayBaseline, StrideNeedsTheDeltaTwice)
{
	auto p = make_prefetcher(Baseline::kStride, SimMode::kBlock);
	EXPECT_TRUE(feed(*p, {{0, 2}, {100, 2}}).empty());
	EXPECT_EQ(feed(*p, {{200, 2}}), (std::vector<Range>{{300, 2}}));
	EXPECT_TRUE(feed(*p, {{250, 2}}).empty());
}

TEST(ReplayBaseline, StrideHandlesNegativeStrides)
{
	auto p = make_prefetcher(Baseline::kStride, SimMode::kBlock);
	EXPECT_EQ(feed(*p, {{300, 1}, {200, 1}, {100, 1}}), (std::vector<Range>{{0, 1}}));
	EXPECT_TRUE(feed(*p, {{0, 1}}).empty()); // -100 from 0 would leave the address space
}

TEST(ReplayBaseline, NamesRoundTrip)
{
	for (Baseline k : aether::ctl::kAllBaselines)
		EXPECT_EQ(aether::ctl::parse_baseline(aether::ctl::baseline_name(k)), k);
	EXPECT_FALSE(aether::ctl::parse_baseline("belady"));
}

TEST(ReplayBaseline, CorePresetsAreTheCoreUnderTheirNames)
{
	using aether::Preset;
	const std::pair<Baseline, Preset> core[] = {
		{Baseline::kHft, Preset::kHft}, {Baseline::kGaming, Preset::kGaming}, {Baseline::kAdaptive, Preset::kAdaptive}};
	for (const auto &[baseline, preset] : core) {
		EXPECT_EQ(aether::ctl::core_preset(baseline), preset);
		EXPECT_STREQ(aether::ctl::baseline_name(baseline), aether::preset_name(preset));
	}
	for (Baseline b : {Baseline::kNone, Baseline::kLinux, Baseline::kObl, Baseline::kStride, Baseline::kLeap,
			   Baseline::kMithril, Baseline::kAmp, Baseline::kPg, Baseline::kLinuxHft,
			   Baseline::kLinuxGaming, Baseline::kLinuxAdaptive})
		EXPECT_FALSE(aether::ctl::core_preset(b)) << aether::ctl::baseline_name(b);
}

TEST(ReplayBaseline, LinuxPresetsAreLinuxWithTheCoreUnderTheirNames)
{
	using aether::Preset;
	const std::pair<Baseline, Preset> linux_core[] = {{Baseline::kLinuxHft, Preset::kHft},
							  {Baseline::kLinuxGaming, Preset::kGaming},
							  {Baseline::kLinuxAdaptive, Preset::kAdaptive}};
	for (const auto &[baseline, preset] : linux_core) {
		EXPECT_EQ(aether::ctl::linux_core_preset(baseline), preset);
		EXPECT_EQ(aether::ctl::baseline_name(baseline), std::string("linux+") + aether::preset_name(preset));
	}
	for (Baseline b : {Baseline::kNone, Baseline::kLinux, Baseline::kObl, Baseline::kStride, Baseline::kLeap,
			   Baseline::kHft, Baseline::kGaming, Baseline::kAdaptive})
		EXPECT_FALSE(aether::ctl::linux_core_preset(b)) << aether::ctl::baseline_name(b);
}

} // namespace
