// `aether-ctl replay` reports an empty, missing, unreadable or binary trace file, never crashing.
#include <string>

#include <gtest/gtest.h>

#include "replay_fixture.hpp"

using aether::test::kCpHeader;
using aether::test::ReplayTrace;

namespace {

TEST_F(ReplayTrace, EmptyFileHasNoRequests)
{
	const std::string path = write("");
	EXPECT_EQ(run({path}), 1);
	EXPECT_EQ(err_.str(), path + ": no requests (the trace is empty, or only a header and comments)\n");
}

TEST_F(ReplayTrace, HeaderAndCommentsOnlyHaveNoRequests)
{
	const std::string path = write(std::string("# nothing here\n") + kCpHeader + "\n");
	EXPECT_EQ(run({path}), 1);
	EXPECT_NE(err_.str().find(path + ": no requests"), std::string::npos) << err_.str();
}

TEST_F(ReplayTrace, MissingFileSaysWhy)
{
	const std::string path = (dir_ / "absent.csv").string();
	EXPECT_EQ(run({path}), 1);
	EXPECT_EQ(err_.str(), path + ": cannot open: No such file or directory\n");
}

TEST_F(ReplayTrace, DirectoryIsAnError)
{
	EXPECT_EQ(run({dir_.string()}), 1);
	EXPECT_NE(err_.str().find("Is a directory"), std::string::npos) << err_.str();
}

TEST_F(ReplayTrace, BinaryGarbageIsAnErrorNotACrash)
{
	std::string junk;
	for (int i = 0; i < 4096; i++)
		junk += static_cast<char>((i * 131 + 7) & 0xff);
	const std::string path = write(junk);
	EXPECT_EQ(run({path}), 1);
	EXPECT_EQ(err_.str().rfind(path + ":", 0), 0u) << err_.str();
}

TEST_F(ReplayTrace, UnknownFormatIsAUsageError)
{
	EXPECT_EQ(run({write("0,4096,R\n"), "--format", "blktrace"}), 2);
	EXPECT_NE(err_.str().find("--format"), std::string::npos) << err_.str();
}

TEST_F(ReplayTrace, MissingTraceArgumentIsAUsageError)
{
	EXPECT_EQ(run({}), 2);
}

} // namespace
