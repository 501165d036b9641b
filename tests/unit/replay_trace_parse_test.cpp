// The replay's trace parser turns both formats into requests in bytes and names the file and line of an error.
#include <string>

#include <gtest/gtest.h>

#include "replay/trace.hpp"

using namespace aether::ctl;

namespace {

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

TEST(ReplayTraceParse, FormatNamesRoundTrip)
{
	for (TraceFormat f : {TraceFormat::kAuto, TraceFormat::kCloudPhysics, TraceFormat::kGeneric})
		EXPECT_EQ(parse_format(format_name(f)), f) << format_name(f);
	EXPECT_FALSE(parse_format("blktrace"));
	EXPECT_FALSE(parse_format(""));
	EXPECT_FALSE(parse_format("CloudPhysics")); // names are exact, as --format takes them
}

} // namespace
