// A correlation the core learns in one space (aether.ko's file) is acted on in every stream of that space and in no other, while one-space hosts (space 0) share it across their streams.
#include <gtest/gtest.h>

#include "aether/predictor.hpp"

namespace {

using namespace aether;

constexpr u64 kFrom = 5, kTo = 900;

// Whether a stream of @space, new, decides to fetch kTo at its first read, of kFrom.
bool predicts(Predictor &p, u64 space)
{
	StreamState s{};
	s.space = space;
	Decision d[kMaxDecisions];
	const size_t n = p.access(s, kFrom, 1, d, kMaxDecisions);
	for (size_t i = 0; i < n; i++)
		if (d[i].start == kTo)
			return true;
	return false;
}

// Teaches "kFrom, then kTo" in three streams (three opens) of @space.
void teach(Predictor &p, u64 space)
{
	for (int k = 0; k < 3; k++) {
		StreamState s{};
		s.space = space;
		Decision d[kMaxDecisions];
		p.access(s, kFrom, 1, d, kMaxDecisions);
		p.access(s, kTo, 1, d, kMaxDecisions);
	}
}

TEST(CorrelationSpace, LearntInOneFileActedOnInThatFileOnly)
{
	CorrelationTableN<256> corr;
	Predictor p(preset_params(Preset::kAdaptive), corr);
	const u64 file_a = 0x800000fe00000011ull, file_b = 0x800000fe00000012ull;
	teach(p, file_a);
	EXPECT_TRUE(predicts(p, file_a)) << "another open of the file that taught it";
	EXPECT_FALSE(predicts(p, file_b)) << "the same page of another file";
	EXPECT_FALSE(predicts(p, 0)) << "a stream of no space";
}

TEST(CorrelationSpace, OneSpaceHostsShareIt)
{
	CorrelationTableN<256> corr;
	Predictor p(preset_params(Preset::kAdaptive), corr);
	teach(p, 0);
	EXPECT_TRUE(predicts(p, 0));
}

} // namespace
