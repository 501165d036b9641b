// The XRP demo's B+tree: the shared search step, the builder, and aether-ctl xrp.
#include <algorithm>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <random>

#include <gtest/gtest.h>

#include "xrp_btree_user.hpp"
#include "ctl_run.hpp"

namespace {

using namespace aether::ctl;
namespace fs = std::filesystem;

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

class XrpBtreeFile : public ::testing::Test {
protected:
	void SetUp() override
	{
		dir_ = aether::test::scratch_dir();
		fs::create_directories(dir_);
		path_ = (dir_ / "tree").string();
		std::ofstream(path_).close();
	}
	void TearDown() override { fs::remove_all(dir_); }
	int ctl(std::vector<std::string> args) { return aether::test::run_ctl(std::move(args), out_, err_); }

	fs::path dir_;
	std::string path_;
	std::ostringstream out_, err_;
};

TEST_F(XrpBtreeFile, EveryKeyIsFoundWithItsValueInDepthHops)
{
	for (uint32_t fanout : {2u, 8u, 255u}) {
		BtreeBuild b{path_, 3000, 11, fanout, Overwrite::kForce};
		aether_btree_super sb{};
		std::string why;
		ASSERT_EQ(btree_build(b, &sb, &why), 0) << why;
		EXPECT_EQ(sb.depth, btree_shape(3000, fanout).depth);
		EXPECT_EQ(sb.nnodes, btree_shape(3000, fanout).nodes);
		BtreeReader r;
		ASSERT_EQ(r.open(path_, &why), 0) << why;
		for (uint64_t key : btree_keys(11, 3000)) {
			BtreeResult res;
			ASSERT_EQ(r.lookup(key, &res, &why), 0) << why;
			ASSERT_EQ(res.how, BtreeResult::How::kFound) << key;
			EXPECT_EQ(res.value, btree_value(key));
			EXPECT_EQ(res.hops, sb.depth);
		}
		std::mt19937_64 rng(fanout);
		const auto keys = btree_keys(11, 3000);
		for (int i = 0; i < 3000; i++) {
			const uint64_t k = rng();
			if (std::binary_search(keys.begin(), keys.end(), k))
				continue;
			BtreeResult res;
			ASSERT_EQ(r.lookup(k, &res, &why), 0) << why;
			EXPECT_EQ(res.how, BtreeResult::How::kMissing) << k;
		}
	}
}

TEST_F(XrpBtreeFile, ACycleIsReportedAsELOOP)
{
	aether_btree_super sb{};
	std::string why;
	ASSERT_EQ(btree_build({path_, 100, 1, 2, Overwrite::kForce}, &sb, &why), 0) << why;
	// Point the root's first child back at the root.
	aether_btree_node root{};
	std::fstream f(path_, std::ios::in | std::ios::out | std::ios::binary);
	f.seekg(static_cast<std::streamoff>(sb.root));
	f.read(reinterpret_cast<char *>(&root), sizeof(root));
	root.vals[0] = sb.root;
	f.seekp(static_cast<std::streamoff>(sb.root));
	f.write(reinterpret_cast<const char *>(&root), sizeof(root));
	f.close();
	BtreeReader r;
	ASSERT_EQ(r.open(path_, &why), 0) << why;
	BtreeResult res;
	EXPECT_EQ(r.lookup(btree_keys(1, 100).front(), &res, &why), -ELOOP);
	EXPECT_NE(why.find("cycle"), std::string::npos) << why;
	EXPECT_EQ(res.hops, sb.depth);
}

TEST_F(XrpBtreeFile, CtlBuildsThenLooksUp)
{
	ASSERT_EQ(ctl({"xrp", "mkbtree", path_, "--keys", "1000", "--seed", "5", "--fanout", "4"}), 0) << err_.str();
	EXPECT_NE(out_.str().find("1000 keys (seed 5), depth 5, fanout 4"), std::string::npos) << out_.str();
	const auto keys = btree_keys(5, 1000);
	ASSERT_EQ(ctl({"xrp", "get", "--user", path_, std::to_string(keys[0]), std::to_string(keys[999])}), 0)
		<< err_.str();
	EXPECT_EQ(out_.str(), std::to_string(keys[0]) + " " + std::to_string(btree_value(keys[0])) + "\n" +
				      std::to_string(keys[999]) + " " + std::to_string(btree_value(keys[999])) + "\n");
	const uint64_t absent = keys[0] + 1 == keys[1] ? keys[1] + 1 : keys[0] + 1;
	EXPECT_EQ(ctl({"xrp", "get", "--user", "--json", path_, std::to_string(absent)}), 1);
	EXPECT_NE(out_.str().find("\"found\": false"), std::string::npos) << out_.str();
	EXPECT_NE(out_.str().find("\"hops\": 5"), std::string::npos) << out_.str();
}

TEST_F(XrpBtreeFile, MkbtreeRefusesDataAndChangesNothing)
{
	std::string junk(8192, 'x');
	std::ofstream(path_, std::ios::binary) << junk;
	EXPECT_EQ(ctl({"xrp", "mkbtree", path_, "--keys", "10"}), 1);
	EXPECT_NE(err_.str().find("not an Aether B+tree; --force overwrites it"), std::string::npos) << err_.str();
	std::ifstream in(path_, std::ios::binary);
	EXPECT_EQ(std::string(std::istreambuf_iterator<char>(in), {}), junk);
	EXPECT_EQ(ctl({"xrp", "mkbtree", path_, "--keys", "10", "--force"}), 0) << err_.str();
	// An existing tree may be rebuilt without --force.
	EXPECT_EQ(ctl({"xrp", "mkbtree", path_, "--keys", "20"}), 0) << err_.str();
}

TEST_F(XrpBtreeFile, BadArgumentsAreUsageErrors)
{
	EXPECT_EQ(ctl({"xrp", "mkbtree", path_}), 2);                              // no --keys
	EXPECT_EQ(ctl({"xrp", "mkbtree", path_, "--keys", "0"}), 2);
	EXPECT_EQ(ctl({"xrp", "mkbtree", path_, "--keys", "9", "--fanout", "1"}), 2);
	EXPECT_EQ(ctl({"xrp", "mkbtree", path_, "--keys", "9", "--fanout", "256"}), 2);
	EXPECT_EQ(ctl({"xrp", "get", "--user", path_}), 2);                        // no key nor --sample
	EXPECT_EQ(ctl({"xrp", "get", "--user", path_, "-3"}), 2);
	EXPECT_EQ(ctl({"xrp", "mkbtree", (dir_ / "nope").string(), "--keys", "9"}), 1);
	EXPECT_NE(err_.str().find("No such file"), std::string::npos) << err_.str();
}

TEST_F(XrpBtreeFile, GetOfSomethingElseSaysSo)
{
	std::ofstream(path_, std::ios::binary) << std::string(4096, 'x');
	EXPECT_EQ(ctl({"xrp", "get", "--user", path_, "1"}), 1);
	EXPECT_NE(err_.str().find("holds no Aether B+tree"), std::string::npos) << err_.str();
	EXPECT_EQ(ctl({"xrp", "get", path_, "1"}), 1); // the kernel's walk: the same check first
	EXPECT_NE(err_.str().find("holds no Aether B+tree"), std::string::npos) << err_.str();
}

TEST_F(XrpBtreeFile, KernelGetNeedsTheModule)
{
	ASSERT_EQ(ctl({"xrp", "mkbtree", path_, "--keys", "100"}), 0) << err_.str();
	EXPECT_EQ(ctl({"xrp", "get", path_, "1"}), 1);
	EXPECT_NE(err_.str().find("aether.ko is not loaded"), std::string::npos) << err_.str();
	EXPECT_EQ(out_.str(), "");
}

TEST_F(XrpBtreeFile, SampleIsHalfTheTreesOwnKeys)
{
	ASSERT_EQ(ctl({"xrp", "mkbtree", path_, "--keys", "300", "--seed", "9", "--fanout", "8"}), 0) << err_.str();
	// Exit 1: half the sample is absent.
	ASSERT_EQ(ctl({"xrp", "get", "--user", path_, "--sample", "40", "--sample-seed", "3"}), 1) << err_.str();
	const std::string out = out_.str();
	size_t lines = 0, missing = 0;
	for (size_t at = 0; (at = out.find('\n', at)) != std::string::npos; at++)
		lines++;
	for (size_t at = 0; (at = out.find("not-found", at)) != std::string::npos; at++)
		missing++;
	EXPECT_EQ(lines, 40u) << out;
	EXPECT_EQ(missing, 20u) << out;
	// The same seed gives the same sample.
	ASSERT_EQ(ctl({"xrp", "get", "--user", path_, "--sample", "40", "--sample-seed", "3"}), 1);
	EXPECT_EQ(out_.str(), out);
}

TEST_F(XrpBtreeFile, GetTakesKeysOrSampleNotBoth)
{
	ASSERT_EQ(ctl({"xrp", "mkbtree", path_, "--keys", "100"}), 0) << err_.str();
	EXPECT_EQ(ctl({"xrp", "get", "--user", path_, "--sample", "5", "7"}), 2);
	EXPECT_NE(err_.str().find("either KEYS or --sample"), std::string::npos) << err_.str();
	EXPECT_EQ(ctl({"xrp", "get", "--user", path_, "--sample", "0"}), 2);
}

} // namespace
