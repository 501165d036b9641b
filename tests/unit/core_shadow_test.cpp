// The shadow remembers sampled ranges without fetching them and reports, on eviction, whether an access used each.
#include <vector>

#include <gtest/gtest.h>

#include "aether/shadow.hpp"

namespace {

using namespace aether;

// The first @n starts, at or after @from and @gap apart, that the shadow samples.
std::vector<u64> sampled_starts(u32 n, u64 from, u64 gap)
{
	std::vector<u64> v;
	for (u64 s = from; v.size() < n; s += gap)
		if (Shadow::sampled(s))
			v.push_back(s);
	return v;
}

TEST(Shadow, EvictsTheOldestRangeWithWhetherItWasUsed)
{
	Shadow sh;
	ShadowSample old;
	const std::vector<u64> at = sampled_starts(kShadow + 4, 1000, 1000);
	for (u32 i = 0; i < kShadow; i++) {
		sh.record(at[i], 4, &old);
		EXPECT_EQ(old.len, 0u) << "slot " << i << " was empty";
	}
	sh.demand(at[0] + 2, 1);  // inside the first range
	sh.demand(at[1] + 4, 10); // just past the second
	sh.demand(at[2] - 1, 2);  // runs into the third from below
	sh.record(at[kShadow], 1, &old);
	EXPECT_EQ(old.len, 4u);
	EXPECT_EQ(old.used, 1);
	sh.record(at[kShadow + 1], 1, &old);
	EXPECT_EQ(old.used, 0);
	sh.record(at[kShadow + 2], 1, &old);
	EXPECT_EQ(old.used, 1);
	sh.record(at[kShadow + 3], 1, &old);
	EXPECT_EQ(old.used, 0);
}

TEST(Shadow, AReusedSlotStartsUnused)
{
	Shadow sh;
	ShadowSample old;
	const std::vector<u64> at = sampled_starts(2 * kShadow + 1, 100, 100);
	sh.record(at[0], 2, &old);
	sh.demand(at[0], 1);
	for (u32 i = 1; i < kShadow; i++)
		sh.record(at[i], 1, &old);
	sh.record(at[kShadow], 1, &old); // takes the used slot of at[0]
	EXPECT_EQ(old.used, 1);
	for (u32 i = 1; i < kShadow; i++)
		sh.record(at[kShadow + i], 1, &old);
	sh.record(at[2 * kShadow], 1, &old); // at[kShadow] comes back out, never used
	EXPECT_EQ(old.len, 1u);
	EXPECT_EQ(old.used, 0);
}

TEST(Shadow, RemembersOnlySampledStarts)
{
	Shadow sh;
	ShadowSample old;
	u32 sampled = 0;
	for (u64 s = 0; s < 4096; s++) {
		sampled += Shadow::sampled(s);
		if (Shadow::sampled(s))
			continue;
		sh.record(s, 1, &old);
		EXPECT_EQ(old.len, 0u) << s;
	}
	// About one start in 2^kSamplingBits, consecutive starts included.
	EXPECT_GT(sampled, (4096u >> kSamplingBits) / 2);
	EXPECT_LT(sampled, (4096u >> kSamplingBits) * 2);
}

} // namespace
