// `aether-ctl replay` rejects a malformed trace line with FILE:LINE and what is wrong, and exit status 1.
#include <string>

#include <gtest/gtest.h>

#include "replay_fixture.hpp"

using aether::test::kCpHeader;
using aether::test::ReplayTrace;

namespace {

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

} // namespace
