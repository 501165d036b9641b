// aether_btree_step(), the search step xrp_btree.bpf.c and user space share: one node, one decision.
#include <algorithm>
#include <random>
#include <utility>
#include <vector>

#include <gtest/gtest.h>

#include "xrp_btree.h"

namespace {

// A node of @level holding @keys, with vals[i] = 1000 + keys[i].
aether_btree_node make_node(uint16_t level, std::vector<uint64_t> keys)
{
	aether_btree_node n{};
	n.magic = AETHER_BTREE_NODE_MAGIC;
	n.level = level;
	n.nkeys = static_cast<uint16_t>(keys.size());
	for (size_t i = 0; i < keys.size(); i++) {
		n.keys[i] = keys[i];
		n.vals[i] = 1000 + keys[i];
	}
	return n;
}

TEST(XrpBtreeStep, LeafFindsExactKeysOnly)
{
	const aether_btree_node n = make_node(0, {10, 20, 30});
	__u64 out = 0;
	for (uint64_t k : {10, 20, 30}) {
		EXPECT_EQ(aether_btree_step(&n, k, &out), AETHER_BTREE_FOUND) << k;
		EXPECT_EQ(out, 1000 + uint64_t{k});
	}
	for (uint64_t k : {0ull, 15ull, 31ull, ~0ull})
		EXPECT_EQ(aether_btree_step(&n, k, &out), AETHER_BTREE_MISSING) << k;
}

TEST(XrpBtreeStep, InnerNodeRoutesToTheLastChildNotAboveTheKey)
{
	const aether_btree_node n = make_node(1, {10, 20, 30});
	__u64 out = 0;
	EXPECT_EQ(aether_btree_step(&n, 5, &out), AETHER_BTREE_MISSING); // below every key
	const std::pair<uint64_t, uint64_t> cases[] = {{10, 1010}, {19, 1010}, {20, 1020}, {29, 1020}, {30, 1030}, {~0ull, 1030}};
	for (auto [key, child] : cases) {
		EXPECT_EQ(aether_btree_step(&n, key, &out), AETHER_BTREE_NEXT) << key;
		EXPECT_EQ(out, child) << key;
	}
}

TEST(XrpBtreeStep, FullNodeMatchesALinearScan)
{
	std::mt19937_64 rng(3);
	std::vector<uint64_t> keys(AETHER_BTREE_FANOUT);
	for (auto &k : keys)
		k = rng() >> 8;
	std::sort(keys.begin(), keys.end());
	const aether_btree_node n = make_node(0, keys);
	for (int i = 0; i < 5000; i++) {
		const uint64_t k = i % 2 ? keys[rng() % keys.size()] : rng() >> 8;
		const bool in = std::binary_search(keys.begin(), keys.end(), k);
		__u64 out = 0;
		ASSERT_EQ(aether_btree_step(&n, k, &out), in ? AETHER_BTREE_FOUND : AETHER_BTREE_MISSING) << k;
	}
}

TEST(XrpBtreeStep, AnyBlockThatIsNotANodeIsCorrupt)
{
	aether_btree_node n = make_node(0, {1});
	__u64 out = 0;
	n.nkeys = 0;
	EXPECT_EQ(aether_btree_step(&n, 1, &out), AETHER_BTREE_CORRUPT);
	n.nkeys = AETHER_BTREE_FANOUT + 1;
	EXPECT_EQ(aether_btree_step(&n, 1, &out), AETHER_BTREE_CORRUPT);
	n.nkeys = 1;
	n.magic = 0;
	EXPECT_EQ(aether_btree_step(&n, 1, &out), AETHER_BTREE_CORRUPT);
	// Random blocks, unsorted keys included, never index outside the node.
	std::mt19937_64 rng(9);
	for (int i = 0; i < 2000; i++) {
		for (uint64_t *w = reinterpret_cast<uint64_t *>(&n); w < reinterpret_cast<uint64_t *>(&n + 1); w++)
			*w = rng();
		if (i % 2)
			n.magic = AETHER_BTREE_NODE_MAGIC, n.nkeys = static_cast<uint16_t>(rng() % 300);
		const int r = aether_btree_step(&n, rng(), &out);
		EXPECT_GE(r, AETHER_BTREE_NEXT);
		EXPECT_LE(r, AETHER_BTREE_CORRUPT);
	}
}

} // namespace
