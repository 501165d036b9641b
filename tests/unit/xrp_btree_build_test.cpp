// The B+tree builder and the user-space walker: every key is found in depth hops, and a cycle is caught.
#include <algorithm>
#include <cerrno>
#include <fstream>
#include <random>

#include <gtest/gtest.h>

#include "xrp_btree_file.hpp"
#include "xrp_btree_user.hpp"

namespace {

using namespace aether::ctl;
using aether::test::XrpBtreeFile;

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

} // namespace
