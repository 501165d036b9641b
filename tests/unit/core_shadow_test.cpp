// The shadow remembers ranges without fetching them and reports, on eviction, whether an access used each.
#include <gtest/gtest.h>

#include "aether/shadow.hpp"

namespace {

using namespace aether;

TEST(Shadow, EvictsTheOldestRangeWithWhetherItWasUsed)
{
	Shadow sh;
	ShadowSample old;
	for (u32 i = 0; i < kShadow; i++) {
		sh.record(1000 * (i + 1), 4, &old);
		EXPECT_EQ(old.len, 0u) << "slot " << i << " was empty";
	}
	sh.demand(1002, 1);  // inside the first range
	sh.demand(2004, 10); // just past the second
	sh.demand(2999, 2);  // runs into the third from below
	sh.record(1, 1, &old);
	EXPECT_EQ(old.len, 4u);
	EXPECT_EQ(old.used, 1);
	sh.record(1, 1, &old);
	EXPECT_EQ(old.used, 0);
	sh.record(1, 1, &old);
	EXPECT_EQ(old.used, 1);
	sh.record(1, 1, &old);
	EXPECT_EQ(old.used, 0);
}

TEST(Shadow, AReusedSlotStartsUnused)
{
	Shadow sh;
	ShadowSample old;
	sh.record(50, 2, &old);
	sh.demand(50, 1);
	for (u32 i = 1; i < kShadow; i++)
		sh.record(100 * i, 1, &old);
	sh.record(7, 1, &old); // takes the used slot of 50
	EXPECT_EQ(old.used, 1);
	for (u32 i = 1; i < kShadow; i++)
		sh.record(100 * i, 1, &old);
	sh.record(9, 1, &old); // 7 comes back out, never used
	EXPECT_EQ(old.len, 1u);
	EXPECT_EQ(old.used, 0);
}

} // namespace
