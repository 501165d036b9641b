// parse_size() reads plain bytes or a K, M, G or T suffix and refuses the rest; format_size() spells a size so parse_size() reads it back.
#include <cstdint>
#include <string>

#include <gtest/gtest.h>

#include "util/size.hpp"

namespace {

using aether::util::format_size;
using aether::util::parse_size;

TEST(UtilSize, AcceptsBytesAndEverySuffixInEitherCase)
{
	const struct {
		const char *text;
		uint64_t bytes;
	} ok[] = {
		{"1", 1},
		{"4096", 4096},
		{"64K", 64ull << 10},
		{"64k", 64ull << 10},
		{"64M", 64ull << 20},
		{"3m", 3ull << 20},
		{"2G", 2ull << 30},
		{"1g", 1ull << 30},
		{"5T", 5ull << 40},
		{"1t", 1ull << 40},
		{"18446744073709551615", UINT64_MAX},
		{"16777215T", 16777215ull << 40},
	};
	for (const auto &c : ok) {
		uint64_t bytes = 0;
		EXPECT_EQ(parse_size(c.text, bytes), "") << c.text;
		EXPECT_EQ(bytes, c.bytes) << c.text;
	}
}

TEST(UtilSize, RefusesWhatIsNotASizeAndSaysWhich)
{
	for (const char *bad : {"", "M", "0", "0K", "-1", "+1", " 1", "1 ", "1.5M", "1MB", "1KiB", "12Q", "K1",
				"0x10", "18446744073709551616", "16777216T", "17179869184G"}) {
		uint64_t bytes = 7;
		const std::string why = parse_size(bad, bytes);
		EXPECT_NE(why, "") << '"' << bad << '"';
		EXPECT_NE(why.find('"' + std::string(bad) + '"'), std::string::npos) << why;
		EXPECT_EQ(bytes, 7u) << "a refused size left its output alone: " << bad;
	}
	uint64_t bytes = 0;
	EXPECT_NE(parse_size("0", bytes).find("more than 0"), std::string::npos);
	EXPECT_NE(parse_size("16777216T", bytes).find("too large"), std::string::npos);
	EXPECT_NE(parse_size("64X", bytes).find("not a size"), std::string::npos);
}

TEST(UtilSize, FormatPicksTheLargestExactUnit)
{
	EXPECT_EQ(format_size(1), "1");
	EXPECT_EQ(format_size(1023), "1023");
	EXPECT_EQ(format_size(1024), "1K");
	EXPECT_EQ(format_size(1536 << 10), "1536K");
	EXPECT_EQ(format_size(64ull << 20), "64M");
	EXPECT_EQ(format_size(1ull << 30), "1G");
	EXPECT_EQ(format_size(3ull << 40), "3T");
	EXPECT_EQ(format_size((1ull << 30) + 1), "1073741825");
}

TEST(UtilSize, FormatRoundTripsThroughParse)
{
	uint64_t x = 0x9e3779b97f4a7c15;
	for (unsigned i = 0; i < 2000; i++) {
		// Sizes of every magnitude, and round multiples of every unit.
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		const unsigned shift = i % 64;
		for (uint64_t v : {x >> shift, (x >> (shift | 40)) << (i % 41)}) {
			if (v == 0)
				continue;
			uint64_t back = 0;
			ASSERT_EQ(parse_size(format_size(v), back), "") << v << " as " << format_size(v);
			EXPECT_EQ(back, v) << format_size(v);
		}
	}
}

} // namespace
