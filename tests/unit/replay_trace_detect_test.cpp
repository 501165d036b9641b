// `aether-ctl replay` detects the trace format from the first line unless --format says it, and reads a real trace.
#include <filesystem>
#include <string>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "replay_fixture.hpp"

namespace fs = std::filesystem;
using aether::test::kCpHeader;
using aether::test::ReplayTrace;

namespace {

TEST_F(ReplayTrace, AutodetectsCloudPhysicsByHeader)
{
	const auto j = run_json(std::string(kCpHeader) + "1,5,28,4096,0\n1,5,2a,512,8\n1,6,28,8192,16\n");
	EXPECT_EQ(j.at("requests"), 3);
	EXPECT_EQ(j.at("reads"), 2);
}

TEST_F(ReplayTrace, AutodetectsCloudPhysicsWithoutHeader)
{
	const auto j = run_json("1,5,28,4096,0\n1,5,2a,512,8\n");
	EXPECT_EQ(j.at("requests"), 2);
	EXPECT_EQ(j.at("reads"), 1);
}

TEST_F(ReplayTrace, AutodetectsGenericByHeader)
{
	const auto j = run_json("offset_bytes,length_bytes,op\n0,4096,R\n4096,4096,W\n8192,100,R\n");
	EXPECT_EQ(j.at("requests"), 3);
	EXPECT_EQ(j.at("reads"), 2);
}

TEST_F(ReplayTrace, AutodetectsGenericWithoutHeader)
{
	const auto j = run_json("# offsets in bytes\n0,4096,W\n4096,4096,W\n");
	EXPECT_EQ(j.at("requests"), 2);
	EXPECT_EQ(j.at("reads"), 0);
}

TEST_F(ReplayTrace, ExplicitFormatIsUsed)
{
	// Five fields would be detected as cloudphysics; --format generic says otherwise.
	expect_bad_line("1,5,28,4096,0\n", 1, "expected 3 fields", {"--format", "generic"});
}

// The real CloudPhysics trace next to the repository, read to the end.
TEST_F(ReplayTrace, RealCloudPhysicsTrace)
{
	const fs::path trace =
		fs::path(__FILE__).parent_path().parent_path().parent_path() / ".." / "shared" / "traces" /
		"cloudphysics.csv";
	if (!fs::exists(trace))
		GTEST_SKIP() << trace << " is absent";
	ASSERT_EQ(run({trace.string(), "--policy", "none", "--json"}), 0) << err_.str();
	const auto j = nlohmann::json::parse(out_.str());
	EXPECT_EQ(j.at("requests"), 113872);
	EXPECT_EQ(j.at("reads"), 46974);
	EXPECT_EQ(j.at("results").size(), 1u);
}

} // namespace
