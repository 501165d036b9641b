// percentile_index() finds the bucket where a histogram's running count reaches a percentile, and format_mib() spells MiB both ways the tables use.
#include <cstdint>

#include <gtest/gtest.h>

#include "util/histogram.hpp"
#include "util/size.hpp"

namespace {

using aether::util::percentile_index;

TEST(UtilHistogram, EmptyHistogramHasNoPercentile)
{
	const uint64_t none[4] = {0, 0, 0, 0};
	EXPECT_EQ(percentile_index(none, 4, 50), -1);
	EXPECT_EQ(percentile_index(none, 0, 50), -1);
}

TEST(UtilHistogram, MedianAndTailFallInTheBucketsThatReachThem)
{
	// 10 samples: 5 in bucket 1, 4 in bucket 2, 1 in bucket 5.
	const uint64_t counts[6] = {0, 5, 4, 0, 0, 1};
	EXPECT_EQ(percentile_index(counts, 6, 50), 1); // 5 of 10 reach exactly half
	EXPECT_EQ(percentile_index(counts, 6, 51), 2);
	EXPECT_EQ(percentile_index(counts, 6, 90), 2);
	EXPECT_EQ(percentile_index(counts, 6, 99), 5);
	EXPECT_EQ(percentile_index(counts, 6, 100), 5);
	EXPECT_EQ(percentile_index(counts, 6, 0), 0); // the first bucket already reaches 0 %
}

TEST(UtilHistogram, FormatMibRoundsAsEachTableDoes)
{
	using aether::util::format_mib;
	using aether::util::MibStyle;
	EXPECT_EQ(format_mib(3 << 19, MibStyle::kOneDecimal), "1.5");
	EXPECT_EQ(format_mib(0, MibStyle::kOneDecimal), "0.0");
	EXPECT_EQ(format_mib((3 << 19) + 7, MibStyle::kWholeWithSuffix), "1M");
	EXPECT_EQ(format_mib(uint64_t{64} << 20, MibStyle::kWholeWithSuffix), "64M");
}

} // namespace
