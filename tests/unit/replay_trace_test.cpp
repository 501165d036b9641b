// `aether-ctl replay` reads both trace formats, and rejects bad input with FILE:LINE, never crashing.
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "cli.hpp"
#include "trace.hpp"
#include "ctl_run.hpp"

namespace fs = std::filesystem;
using aether::ctl::Op;
using aether::ctl::parse_trace;
using aether::ctl::TraceError;
using aether::ctl::TraceFormat;

namespace {

// A scratch directory per test for trace files, and `aether-ctl replay` run on them.
class ReplayTrace : public ::testing::Test {
protected:
	void SetUp() override
	{
		dir_ = aether::test::scratch_dir();
		fs::create_directories(dir_);
	}
	void TearDown() override { fs::remove_all(dir_); }

	std::string write(const std::string &content, const std::string &name = "trace.csv")
	{
		const fs::path p = dir_ / name;
		std::ofstream(p, std::ios::binary) << content;
		return p.string();
	}

	int run(std::vector<std::string> args)
	{
		args.insert(args.begin(), "replay");
		return aether::test::run_ctl(std::move(args), out_, err_);
	}

	// Runs on a trace with @content and expects it rejected at @line of the file.
	void expect_bad_line(const std::string &content, int line, const std::string &what,
			     std::vector<std::string> extra = {})
	{
		const std::string path = write(content);
		extra.insert(extra.begin(), path);
		EXPECT_EQ(run(extra), 1);
		const std::string prefix = path + ":" + std::to_string(line) + ": ";
		EXPECT_EQ(err_.str().rfind(prefix, 0), 0u) << err_.str();
		EXPECT_NE(err_.str().find(what), std::string::npos) << err_.str();
		EXPECT_EQ(out_.str(), "");
	}

	nlohmann::json run_json(const std::string &content, std::vector<std::string> extra = {})
	{
		extra.insert(extra.begin(), {write(content), "--json", "--policy", "none"});
		EXPECT_EQ(run(extra), 0) << err_.str();
		return nlohmann::json::parse(out_.str());
	}

	fs::path dir_;
	std::ostringstream out_, err_;
};

constexpr const char *kCpHeader = "version,time,op,size,lbn\n";

TEST_F(ReplayTrace, GenericWrongFieldCount)
{
	expect_bad_line("0,4096,R\n4096,4096\n", 2, "expected 3 fields");
}

TEST_F(ReplayTrace, CloudPhysicsWrongFieldCount)
{
	expect_bad_line(std::string(kCpHeader) + "1,5,28,512,100\n1,5,28,512\n", 3, "expected 5 fields");
}

TEST_F(ReplayTrace, NonNumericField)
{
	expect_bad_line("offset_bytes,length_bytes,op\n12ab,4096,R\n", 2, "offset_bytes is not a number");
}

TEST_F(ReplayTrace, NonHexOpcode)
{
	expect_bad_line(std::string(kCpHeader) + "1,5,zz,512,100\n", 2, "op is not a hex number");
}

TEST_F(ReplayTrace, NegativeField)
{
	expect_bad_line("0,-4096,R\n", 1, "length_bytes is negative");
}

TEST_F(ReplayTrace, OverflowingField)
{
	expect_bad_line(std::string(kCpHeader) + "1,5,28,512,18446744073709551616\n", 2,
			"lbn is out of range");
}

TEST_F(ReplayTrace, LbnWhoseByteOffsetOverflows)
{
	expect_bad_line(std::string(kCpHeader) + "1,5,28,512,36028797018963968\n", 2, "lbn");
}

TEST_F(ReplayTrace, RequestEndingPast64Bits)
{
	expect_bad_line("18446744073709551615,4096,R\n", 1, "past 2^64");
}

TEST_F(ReplayTrace, HugeRequestIsRejected)
{
	expect_bad_line("0,2147483648,R\n", 1, "too large");
}

TEST_F(ReplayTrace, ZeroLength)
{
	expect_bad_line("0,4096,R\n4096,0,W\n", 2, "length_bytes is 0");
}

TEST_F(ReplayTrace, CloudPhysicsZeroSize)
{
	expect_bad_line(std::string(kCpHeader) + "1,5,28,0,100\n", 2, "size is 0");
}

TEST_F(ReplayTrace, UnknownGenericOp)
{
	expect_bad_line("0,4096,X\n", 1, "unknown op \"X\"");
}

TEST_F(ReplayTrace, UnknownScsiOpcode)
{
	expect_bad_line(std::string(kCpHeader) + "1,5,12,512,100\n", 2, "unknown op \"12\"");
}

TEST_F(ReplayTrace, LineNumbersCountBlankAndCommentLines)
{
	expect_bad_line("# a comment\n\n0,4096,R\nbogus,4096,R\n", 4, "not a number");
}

TEST_F(ReplayTrace, UndetectableFormat)
{
	expect_bad_line("1,2,3,4\n", 1, "--format");
}

TEST_F(ReplayTrace, HeaderOfTheOtherFormat)
{
	expect_bad_line(kCpHeader, 1, "cloudphysics header", {"--format", "generic"});
}

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

TEST(ReplayTraceParse, GenericReadsAndWrites)
{
	const auto t = parse_trace("offset_bytes,length_bytes,op\r\n# c\r\n\r\n 0 , 4096 , R \r\n8192,100,W\n"
				   "12288,1,r\n",
				   "t", TraceFormat::kAuto);
	EXPECT_EQ(t.format, TraceFormat::kGeneric);
	ASSERT_EQ(t.requests.size(), 3u);
	EXPECT_EQ(t.reads, 2u);
	EXPECT_EQ(t.requests[0].offset, 0u);
	EXPECT_EQ(t.requests[0].length, 4096u);
	EXPECT_EQ(t.requests[0].op, Op::kRead);
	EXPECT_EQ(t.requests[1].offset, 8192u);
	EXPECT_EQ(t.requests[1].length, 100u);
	EXPECT_EQ(t.requests[1].op, Op::kWrite);
	EXPECT_EQ(t.requests[2].op, Op::kRead);
}

TEST(ReplayTraceParse, CloudPhysicsSectorsAndOpcodes)
{
	const auto t = parse_trace("version,time,op,size,lbn\n1,0,28,4096,3\n1,0,2A,512,10\n1,0,08,512,1\n"
				   "1,0,88,512,1\n1,0,a8,512,1\n1,0,0a,512,1\n1,0,8a,512,1\n1,0,aa,512,1\n",
				   "t", TraceFormat::kAuto);
	EXPECT_EQ(t.format, TraceFormat::kCloudPhysics);
	ASSERT_EQ(t.requests.size(), 8u);
	EXPECT_EQ(t.reads, 4u);
	EXPECT_EQ(t.requests[0].offset, 3u * 512);
	EXPECT_EQ(t.requests[0].length, 4096u);
	EXPECT_EQ(t.requests[1].offset, 10u * 512);
	EXPECT_EQ(t.requests[1].op, Op::kWrite);
	for (size_t i = 2; i < 5; i++)
		EXPECT_EQ(t.requests[i].op, Op::kRead) << i;
	for (size_t i = 5; i < 8; i++)
		EXPECT_EQ(t.requests[i].op, Op::kWrite) << i;
}

TEST(ReplayTraceParse, ErrorNamesFileAndLine)
{
	try {
		parse_trace("0,4096,R\n0,4096,Q\n", "my.csv", TraceFormat::kGeneric);
		FAIL() << "no error";
	} catch (const TraceError &e) {
		EXPECT_EQ(std::string(e.what()), "my.csv:2: unknown op \"Q\": expected R or W");
	}
}

TEST(ReplayTraceParse, VeryLongLineIsAnError)
{
	const std::string line(1 << 20, ',');
	EXPECT_THROW(parse_trace(line, "t", TraceFormat::kAuto), TraceError);
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
