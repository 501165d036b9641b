// A B+tree's layout follows from its parameters: depth and nodes from keys and fanout, keys from the seed.
#include <algorithm>
#include <functional>

#include <gtest/gtest.h>

#include "xrp_btree_user.hpp"

namespace {

using namespace aether::ctl;

TEST(XrpBtreeShape, DepthFollowsTheFanout)
{
	EXPECT_EQ(btree_shape(1, 255).depth, 1u);
	EXPECT_EQ(btree_shape(255, 255).depth, 1u);
	EXPECT_EQ(btree_shape(256, 255).depth, 2u);
	EXPECT_EQ(btree_shape(10000, 255).depth, 2u);
	EXPECT_EQ(btree_shape(10000, 255).nodes, 40u + 1u);
	EXPECT_EQ(btree_shape(10000, 8).depth, 5u); // 1250, 157, 20, 3, 1
	EXPECT_EQ(btree_shape(10000, 8).nodes, 1250u + 157u + 20u + 3u + 1u);
}

TEST(XrpBtreeKeys, SeededDistinctAndSorted)
{
	const auto a = btree_keys(7, 5000), b = btree_keys(7, 5000), c = btree_keys(8, 5000);
	EXPECT_EQ(a, b);
	EXPECT_NE(a, c);
	EXPECT_EQ(a.size(), 5000u);
	EXPECT_TRUE(std::adjacent_find(a.begin(), a.end(), std::greater_equal<>()) == a.end());
}

} // namespace
