// aether-ctl xrp get answers keys or a sample, and refuses a file without a tree or a kernel walk without the module.
#include <fstream>
#include <string>

#include <gtest/gtest.h>

#include "xrp_btree_file.hpp"

namespace {

using aether::test::XrpBtreeFile;

TEST_F(XrpBtreeFile, GetBadArgumentsAreUsageErrors)
{
	EXPECT_EQ(ctl({"xrp", "get", "--user", path_}), 2);                        // no key nor --sample
	EXPECT_EQ(ctl({"xrp", "get", "--user", path_, "-3"}), 2);
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
