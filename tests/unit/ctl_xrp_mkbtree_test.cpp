// aether-ctl xrp mkbtree builds the tree get reads, refuses data unless forced, and checks its options.
#include <fstream>
#include <iterator>
#include <string>

#include <gtest/gtest.h>

#include "xrp_btree_file.hpp"
#include "xrp_btree_user.hpp"

namespace {

using namespace aether::ctl;
using aether::test::XrpBtreeFile;

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

TEST_F(XrpBtreeFile, MkbtreeBadArgumentsAreUsageErrors)
{
	EXPECT_EQ(ctl({"xrp", "mkbtree", path_}), 2);                              // no --keys
	EXPECT_EQ(ctl({"xrp", "mkbtree", path_, "--keys", "0"}), 2);
	EXPECT_EQ(ctl({"xrp", "mkbtree", path_, "--keys", "9", "--fanout", "1"}), 2);
	EXPECT_EQ(ctl({"xrp", "mkbtree", path_, "--keys", "9", "--fanout", "256"}), 2);
	EXPECT_EQ(ctl({"xrp", "mkbtree", (dir_ / "nope").string(), "--keys", "9"}), 1);
	EXPECT_NE(err_.str().find("No such file"), std::string::npos) << err_.str();
}

} // namespace
