// `aether-ctl replay`'s cache simulators, baseline policies, options and output.
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <ostream>
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "cli.hpp"
#include "sim.hpp"
#include "ctl_run.hpp"

namespace aether::ctl {

// How GoogleTest shows a Range in a failure.
void PrintTo(const Range &r, std::ostream *os)
{
	*os << "[" << r.start << ", +" << r.length << ")";
}

} // namespace aether::ctl

namespace fs = std::filesystem;
using aether::ctl::LruCache;
using aether::ctl::make_policy;
using aether::ctl::Metrics;
using aether::ctl::Op;
using aether::ctl::Policy;
using aether::ctl::PolicyKind;
using aether::ctl::Range;
using aether::ctl::Request;
using aether::ctl::SimMode;
using aether::ctl::u32;
using aether::ctl::u64;

namespace {

constexpr u64 kPage = 4096;

// ---- LruCache ----

TEST(ReplayLru, EvictsLeastRecentlyUsed)
{
	LruCache c(3 * kPage);
	for (u64 k : {1, 2, 3})
		EXPECT_TRUE(c.put(k, kPage, LruCache::Origin::kDemand));
	EXPECT_EQ(c.get(1), LruCache::Lookup::kHit); // 2 is now the LRU
	EXPECT_TRUE(c.put(4, kPage, LruCache::Origin::kDemand));
	EXPECT_FALSE(c.contains(2));
	EXPECT_EQ(c.keys_by_recency(), (std::vector<u64>{4, 1, 3}));
	EXPECT_EQ(c.evictions(), 1u);
}

TEST(ReplayLru, EvictsByBytesUntilTheNewEntryFits)
{
	LruCache c(10);
	c.put(1, 4, LruCache::Origin::kDemand);
	c.put(2, 4, LruCache::Origin::kDemand);
	c.put(3, 7, LruCache::Origin::kDemand); // needs both 1 and 2 gone
	EXPECT_EQ(c.keys_by_recency(), (std::vector<u64>{3}));
	EXPECT_EQ(c.used_bytes(), 7u);
}

TEST(ReplayLru, EntryLargerThanTheCacheIsNotInserted)
{
	LruCache c(10);
	c.put(1, 4, LruCache::Origin::kDemand);
	EXPECT_FALSE(c.put(2, 11, LruCache::Origin::kDemand));
	EXPECT_TRUE(c.contains(1));
	EXPECT_FALSE(c.contains(2));
}

TEST(ReplayLru, MissInsertsNothing)
{
	LruCache c(kPage);
	EXPECT_EQ(c.get(7), LruCache::Lookup::kMiss);
	EXPECT_EQ(c.entries(), 0u);
}

TEST(ReplayLru, PrefetchHitCountsOnceAsUsed)
{
	LruCache c(4 * kPage);
	EXPECT_TRUE(c.put(5, kPage, LruCache::Origin::kPrefetch));
	EXPECT_EQ(c.get(5), LruCache::Lookup::kPrefetchHit);
	EXPECT_EQ(c.get(5), LruCache::Lookup::kHit);
}

TEST(ReplayLru, EvictedUnusedPrefetchIsWasted)
{
	LruCache c(2 * kPage);
	c.put(1, kPage, LruCache::Origin::kPrefetch);
	c.put(2, kPage, LruCache::Origin::kDemand);
	c.put(3, kPage, LruCache::Origin::kDemand); // evicts 1, never used
	EXPECT_EQ(c.wasted(), 1u);
}

TEST(ReplayLru, EvictedUsedPrefetchIsNotWasted)
{
	LruCache c(2 * kPage);
	c.put(1, kPage, LruCache::Origin::kPrefetch);
	c.get(1);
	c.put(2, kPage, LruCache::Origin::kDemand);
	c.put(3, kPage, LruCache::Origin::kDemand); // evicts 2
	c.put(4, kPage, LruCache::Origin::kDemand); // evicts 1, used before
	EXPECT_EQ(c.wasted(), 0u);
}

TEST(ReplayLru, PrefetchOfPresentKeyChangesNothing)
{
	LruCache c(2 * kPage);
	c.put(1, kPage, LruCache::Origin::kDemand);
	c.put(2, kPage, LruCache::Origin::kDemand);
	EXPECT_FALSE(c.put(1, kPage, LruCache::Origin::kPrefetch)); // not refreshed
	c.put(3, kPage, LruCache::Origin::kDemand);
	EXPECT_FALSE(c.contains(1));
	EXPECT_EQ(c.get(2), LruCache::Lookup::kHit); // and not flagged
}

TEST(ReplayLru, WriteOverUnusedPrefetchIsWasted)
{
	LruCache c(2 * kPage);
	c.put(1, kPage, LruCache::Origin::kPrefetch);
	c.put(1, kPage, LruCache::Origin::kDemand);
	EXPECT_EQ(c.wasted(), 1u);
	EXPECT_EQ(c.get(1), LruCache::Lookup::kHit);
}

TEST(ReplayLru, ManyKeysSurviveIndexGrowthAndDeletion)
{
	// Enough churn to grow the index several times and shift entries on erase.
	LruCache c(1000 * kPage);
	for (u64 k = 0; k < 20000; k++)
		c.put(k * 7919, kPage, LruCache::Origin::kDemand);
	EXPECT_EQ(c.entries(), 1000u);
	for (u64 k = 19000; k < 20000; k++)
		EXPECT_EQ(c.get(k * 7919), LruCache::Lookup::kHit) << k;
	for (u64 k = 0; k < 19000; k += 97)
		EXPECT_EQ(c.get(k * 7919), LruCache::Lookup::kMiss) << k;
}

// ---- simulate ----

// Prefetches a fixed list, one entry per access, and records what it saw.
class ScriptedPolicy : public Policy {
public:
	explicit ScriptedPolicy(std::vector<std::vector<Range>> script = {}) : script_(std::move(script)) {}

	void access(u64 addr, u32 len, std::vector<Range> &out) override
	{
		seen.push_back({addr, len});
		if (seen.size() <= script_.size())
			for (const Range &r : script_[seen.size() - 1])
				out.push_back(r);
	}

	std::vector<Range> seen;

private:
	std::vector<std::vector<Range>> script_;
};

Request read(u64 off, u64 len)
{
	return {off, len, Op::kRead};
}

Request write(u64 off, u64 len)
{
	return {off, len, Op::kWrite};
}

TEST(ReplaySim, BlockUnalignedReadCoversEveryTouchedPage)
{
	ScriptedPolicy p;
	const Metrics m = aether::ctl::simulate({read(4000, 200)}, SimMode::kBlock, 1 << 20, p);
	EXPECT_EQ(m.demand_units, 2u);
	EXPECT_EQ(m.demand_bytes, 2 * kPage);
	ASSERT_EQ(p.seen.size(), 1u);
	EXPECT_EQ(p.seen[0].start, 0u);
	EXPECT_EQ(p.seen[0].length, 2u);
}

TEST(ReplaySim, BlockWritesFillTheCacheButAreNotDemandOrSeen)
{
	ScriptedPolicy p;
	const Metrics m = aether::ctl::simulate({write(0, 8192), read(0, 8192)}, SimMode::kBlock, 1 << 20, p);
	EXPECT_EQ(m.demand_units, 2u);
	EXPECT_EQ(m.hits, 2u);
	EXPECT_EQ(p.seen.size(), 1u);
}

TEST(ReplaySim, BlockPrefetchHitIsUsedAndCovers)
{
	// Page 10 is prefetched after the first read, then read: 1 of 2 misses avoided.
	ScriptedPolicy p({{{10, 1}}});
	const Metrics m = aether::ctl::simulate({read(0, kPage), read(10 * kPage, kPage)}, SimMode::kBlock,
						1 << 20, p);
	EXPECT_EQ(m.prefetched_units, 1u);
	EXPECT_EQ(m.prefetched_bytes, kPage);
	EXPECT_EQ(m.prefetch_hits, 1u);
	EXPECT_DOUBLE_EQ(m.accuracy(), 1.0);
	EXPECT_DOUBLE_EQ(m.coverage(), 0.5);
	EXPECT_DOUBLE_EQ(m.hit_ratio(), 0.5);
}

TEST(ReplaySim, BlockPrefetchEvictedUnusedIsWasted)
{
	// A 2-page cache: the prefetched page 10 is pushed out by pages 1 and 2 unused.
	ScriptedPolicy p({{{10, 1}}});
	const Metrics m = aether::ctl::simulate({read(0, kPage), read(kPage, 2 * kPage), read(10 * kPage, kPage)},
						SimMode::kBlock, 2 * kPage, p);
	EXPECT_EQ(m.prefetched_units, 1u);
	EXPECT_EQ(m.prefetch_hits, 0u);
	EXPECT_EQ(m.prefetch_wasted, 1u);
	EXPECT_DOUBLE_EQ(m.accuracy(), 0.0);
}

TEST(ReplaySim, BlockPrefetchSkipsPresentPages)
{
	ScriptedPolicy p({{{0, 3}}});
	const Metrics m = aether::ctl::simulate({read(0, kPage)}, SimMode::kBlock, 1 << 20, p);
	EXPECT_EQ(m.prefetched_units, 2u); // pages 1 and 2; page 0 was there
}

TEST(ReplaySim, ObjectModeEveryRequestIsAGetInSectors)
{
	ScriptedPolicy p;
	const Metrics m = aether::ctl::simulate({write(512 * 100, 4096), read(512 * 100, 8192)}, SimMode::kObject,
						1 << 20, p);
	EXPECT_EQ(m.demand_units, 2u);
	EXPECT_EQ(m.hits, 1u); // same id: hit, whatever the op or size
	EXPECT_EQ(m.demand_bytes, 4096u + 8192u);
	ASSERT_EQ(p.seen.size(), 2u);
	EXPECT_EQ(p.seen[0].start, 100u);
	EXPECT_EQ(p.seen[0].length, 8u);
	EXPECT_EQ(p.seen[1].length, 16u);
}

TEST(ReplaySim, ObjectModePrefetchInsertsOneObject)
{
	ScriptedPolicy p({{{108, 8}}});
	const Metrics m = aether::ctl::simulate({read(512 * 100, 4096), read(512 * 108, 4096)}, SimMode::kObject,
						1 << 20, p);
	EXPECT_EQ(m.prefetched_units, 1u);
	EXPECT_EQ(m.prefetched_bytes, 8u * 512);
	EXPECT_EQ(m.prefetch_hits, 1u);
	EXPECT_DOUBLE_EQ(m.hit_ratio(), 0.5);
}

// ---- policies ----

std::vector<Range> feed(Policy &p, const std::vector<std::pair<u64, u32>> &accesses)
{
	std::vector<Range> out;
	for (const auto &[addr, len] : accesses) {
		out.clear();
		p.access(addr, len, out);
	}
	return out; // what the last access asked for
}

TEST(ReplayPolicy, NoneNeverPrefetches)
{
	auto p = make_policy(PolicyKind::kNone, SimMode::kBlock);
	EXPECT_TRUE(feed(*p, {{0, 4}, {4, 4}, {8, 4}}).empty());
}

TEST(ReplayPolicy, OblFetchesTheNextPage)
{
	auto p = make_policy(PolicyKind::kObl, SimMode::kBlock);
	EXPECT_EQ(feed(*p, {{10, 4}}), (std::vector<Range>{{14, 1}}));
}

TEST(ReplayPolicy, OblFetchesTheNextObject)
{
	auto p = make_policy(PolicyKind::kObl, SimMode::kObject);
	EXPECT_EQ(feed(*p, {{10, 16}}), (std::vector<Range>{{26, 16}}));
}

TEST(ReplayPolicy, StrideNeedsTheDeltaTwice)
{
	auto p = make_policy(PolicyKind::kStride, SimMode::kBlock);
	EXPECT_TRUE(feed(*p, {{0, 2}, {100, 2}}).empty());
	EXPECT_EQ(feed(*p, {{200, 2}}), (std::vector<Range>{{300, 2}}));
	EXPECT_TRUE(feed(*p, {{250, 2}}).empty());
}

TEST(ReplayPolicy, StrideHandlesNegativeStrides)
{
	auto p = make_policy(PolicyKind::kStride, SimMode::kBlock);
	EXPECT_EQ(feed(*p, {{300, 1}, {200, 1}, {100, 1}}), (std::vector<Range>{{0, 1}}));
	EXPECT_TRUE(feed(*p, {{0, 1}}).empty()); // -100 from 0 would leave the address space
}

TEST(ReplayPolicy, LinuxStartsOnSequentialAndDoubles)
{
	auto p = make_policy(PolicyKind::kLinux, SimMode::kBlock);
	EXPECT_TRUE(feed(*p, {{0, 2}}).empty());               // one read: not a stream yet
	EXPECT_EQ(feed(*p, {{2, 2}}), (std::vector<Range>{{4, 8}})); // 4 x 2 pages
	EXPECT_TRUE(feed(*p, {{3, 1}}).empty());               // inside the stream, not the last window
	EXPECT_EQ(feed(*p, {{4, 2}}), (std::vector<Range>{{12, 16}})); // entered it
	EXPECT_EQ(feed(*p, {{12, 2}}), (std::vector<Range>{{28, 32}})); // capped at 128 KiB
	EXPECT_EQ(feed(*p, {{28, 2}}), (std::vector<Range>{{60, 32}}));
}

TEST(ReplayPolicy, LinuxRandomReadResets)
{
	auto p = make_policy(PolicyKind::kLinux, SimMode::kBlock);
	feed(*p, {{0, 2}, {2, 2}});
	EXPECT_TRUE(feed(*p, {{5000, 2}}).empty());
	EXPECT_EQ(feed(*p, {{5002, 2}}), (std::vector<Range>{{5004, 8}})); // a new stream
}

TEST(ReplayPolicy, LinuxTakesAnOverlappingPageAsSequential)
{
	// Unaligned reads: the next read starts in the last page of the previous one.
	auto p = make_policy(PolicyKind::kLinux, SimMode::kBlock);
	EXPECT_EQ(feed(*p, {{0, 17}, {16, 17}}), (std::vector<Range>{{33, 32}}));
}

TEST(ReplayPolicy, LinuxWindowsAreInSectorsInObjectMode)
{
	auto p = make_policy(PolicyKind::kLinux, SimMode::kObject);
	EXPECT_EQ(feed(*p, {{0, 8}, {8, 8}}), (std::vector<Range>{{16, 32}}));
	EXPECT_EQ(feed(*p, {{16, 128}}), (std::vector<Range>{{144, 64}}));
}

TEST(ReplayPolicy, LeapFollowsTheMajorityDelta)
{
	auto p = make_policy(PolicyKind::kLeap, SimMode::kBlock);
	// Deltas 10, 10, 3, 10: majority 10. The previous batch was hit, so the window grows.
	const auto out = feed(*p, {{0, 1}, {10, 1}, {20, 1}, {23, 1}, {33, 1}});
	ASSERT_FALSE(out.empty());
	EXPECT_EQ(out[0], (Range{43, 1}));
	for (size_t k = 0; k < out.size(); k++)
		EXPECT_EQ(out[k].start, 33 + 10 * (k + 1)) << k;
}

TEST(ReplayPolicy, LeapWindowGrowsOnHitsUpToEight)
{
	auto p = make_policy(PolicyKind::kLeap, SimMode::kBlock);
	std::vector<std::pair<u64, u32>> seq;
	for (u64 i = 0; i < 20; i++)
		seq.push_back({i * 4, 4});
	EXPECT_EQ(feed(*p, seq).size(), 8u);
}

TEST(ReplayPolicy, LeapWithoutMajorityFetchesNothing)
{
	auto p = make_policy(PolicyKind::kLeap, SimMode::kBlock);
	EXPECT_TRUE(feed(*p, {{0, 1}, {5, 1}, {100, 1}, {107, 1}, {3, 1}, {900, 1}, {1000, 1}, {1, 1}, {17, 1}})
			    .empty());
}

TEST(ReplayPolicy, NamesRoundTrip)
{
	for (PolicyKind k : aether::ctl::kAllPolicies)
		EXPECT_EQ(aether::ctl::parse_policy(aether::ctl::policy_name(k)), k);
	EXPECT_FALSE(aether::ctl::parse_policy("mithril"));
}

// ---- the command ----

// `aether-ctl replay` on a purely sequential generic trace in a scratch directory.
class ReplayCommand : public ::testing::Test {
protected:
	void SetUp() override
	{
		dir_ = aether::test::scratch_dir();
		fs::create_directories(dir_);
		trace_ = (dir_ / "seq.csv").string();
		std::ofstream f(trace_);
		f << "offset_bytes,length_bytes,op\n";
		for (u64 i = 0; i < 2000; i++)
			f << i * 16384 << ",16384,R\n";
	}
	void TearDown() override { fs::remove_all(dir_); }

	int run(std::vector<std::string> args)
	{
		args.insert(args.begin(), "replay");
		return aether::test::run_ctl(std::move(args), out_, err_);
	}

	// The JSON result of each policy run on the sequential trace, by name.
	std::map<std::string, nlohmann::json> results(const std::string &policies)
	{
		EXPECT_EQ(run({trace_, "--json", "--policy", policies}), 0) << err_.str();
		std::map<std::string, nlohmann::json> by_name;
		const auto j = nlohmann::json::parse(out_.str());
		for (const auto &r : j.at("results"))
			by_name[r.at("policy")] = r;
		return by_name;
	}

	fs::path dir_;
	std::string trace_;
	std::ostringstream out_, err_;
};

TEST_F(ReplayCommand, SequentialLinuxIsAccurate)
{
	EXPECT_GT(results("linux")["linux"].at("accuracy").get<double>(), 0.9);
}

TEST_F(ReplayCommand, SequentialOblIsAccurate)
{
	EXPECT_GT(results("obl")["obl"].at("accuracy").get<double>(), 0.9);
}

TEST_F(ReplayCommand, SequentialPrefetchBeatsNone)
{
	auto r = results("none,linux,obl");
	const double none = r["none"].at("hit_ratio").get<double>();
	EXPECT_GT(r["linux"].at("hit_ratio").get<double>(), none);
	EXPECT_GT(r["obl"].at("hit_ratio").get<double>(), none);
}

TEST_F(ReplayCommand, NoneNeverPrefetches)
{
	auto r = results("none")["none"];
	EXPECT_EQ(r.at("prefetched_bytes"), 0);
	EXPECT_EQ(r.at("accuracy"), 0.0);
	EXPECT_EQ(r.at("coverage"), 0.0);
	EXPECT_EQ(r.at("demand_bytes"), 2000 * 16384);
}

TEST_F(ReplayCommand, JsonHasTheDocumentedShape)
{
	ASSERT_EQ(run({trace_, "--json", "--sweep", "1M,64K", "--policy", "obl,none"}), 0) << err_.str();
	const auto j = nlohmann::json::parse(out_.str());
	EXPECT_EQ(j.size(), 5u);
	EXPECT_EQ(j.at("trace"), trace_);
	EXPECT_EQ(j.at("mode"), "block");
	EXPECT_EQ(j.at("requests"), 2000);
	EXPECT_EQ(j.at("reads"), 2000);
	const auto &res = j.at("results");
	ASSERT_EQ(res.size(), 4u);
	// Sizes outside, policies inside, each in the order given.
	const std::pair<const char *, u64> order[] = {
		{"obl", 1 << 20}, {"none", 1 << 20}, {"obl", 64 << 10}, {"none", 64 << 10}};
	for (size_t i = 0; i < res.size(); i++) {
		EXPECT_EQ(res[i].size(), 7u);
		EXPECT_EQ(res[i].at("policy"), order[i].first) << i;
		EXPECT_EQ(res[i].at("cache_bytes"), order[i].second) << i;
		for (const char *key : {"hit_ratio", "accuracy", "coverage"}) {
			EXPECT_GE(res[i].at(key).get<double>(), 0.0) << key;
			EXPECT_LE(res[i].at(key).get<double>(), 1.0) << key;
		}
		EXPECT_TRUE(res[i].at("prefetched_bytes").is_number_unsigned());
		EXPECT_TRUE(res[i].at("demand_bytes").is_number_unsigned());
	}
}

TEST_F(ReplayCommand, DefaultRunsEveryPolicyInOrder)
{
	ASSERT_EQ(run({trace_, "--json"}), 0) << err_.str();
	const auto res = nlohmann::json::parse(out_.str()).at("results");
	std::vector<std::string> names;
	for (const auto &r : res) {
		names.push_back(r.at("policy"));
		EXPECT_EQ(r.at("cache_bytes"), 256u << 20);
		EXPECT_LE(r.at("accuracy").get<double>(), 1.0);
		EXPECT_LE(r.at("coverage").get<double>(), 1.0);
	}
	EXPECT_EQ(names, (std::vector<std::string>{"none", "linux", "obl", "stride", "leap", "hft", "gaming",
						   "adaptive"}));
}

TEST_F(ReplayCommand, ObjectModeIsReported)
{
	ASSERT_EQ(run({trace_, "--json", "--object", "--policy", "none"}), 0) << err_.str();
	EXPECT_EQ(nlohmann::json::parse(out_.str()).at("mode"), "object");
}

TEST_F(ReplayCommand, TableHasAHeaderAndARowPerRun)
{
	ASSERT_EQ(run({trace_, "--cache", "128M", "--policy", "none,obl"}), 0) << err_.str();
	const std::string out = out_.str();
	EXPECT_NE(out.find("mode: block"), std::string::npos) << out;
	EXPECT_NE(out.find("requests: 2000"), std::string::npos) << out;
	EXPECT_NE(out.find("reads: 2000"), std::string::npos) << out;
	EXPECT_NE(out.find("accuracy %"), std::string::npos) << out;
	EXPECT_EQ(std::count(out.begin(), out.end(), '\n'), 4) << out;
	EXPECT_NE(out.find("\nnone "), std::string::npos) << out;
	EXPECT_NE(out.find("\nobl "), std::string::npos) << out;
	EXPECT_NE(out.find(" 128M "), std::string::npos) << out;
	EXPECT_EQ(err_.str(), "");
}

TEST_F(ReplayCommand, CacheAndSweepTogetherIsAUsageError)
{
	EXPECT_EQ(run({trace_, "--cache", "1M", "--sweep", "1M,2M"}), 2);
}

TEST_F(ReplayCommand, GarbageSizeIsAUsageError)
{
	EXPECT_EQ(run({trace_, "--cache", "12Q"}), 2);
	EXPECT_NE(err_.str().find("not a size"), std::string::npos) << err_.str();
}

TEST_F(ReplayCommand, ZeroSizeIsAUsageError)
{
	EXPECT_EQ(run({trace_, "--sweep", "1M,0"}), 2);
}

TEST_F(ReplayCommand, OverflowingSizeIsAUsageError)
{
	EXPECT_EQ(run({trace_, "--cache", "99999999999999999999"}), 2);
	EXPECT_EQ(run({trace_, "--cache", "17179869184G"}), 2); // 2^34 GiB = 2^64 bytes
}

TEST_F(ReplayCommand, CacheSmallerThanAPageIsAUsageError)
{
	EXPECT_EQ(run({trace_, "--cache", "1K"}), 2);
	EXPECT_EQ(run({trace_, "--cache", "1K", "--object", "--policy", "none"}), 0) << err_.str();
}

TEST_F(ReplayCommand, ListOptionsTakeOneArgumentSoTheTraceCanFollow)
{
	EXPECT_EQ(run({"--sweep", "1M,2M", "--policy", "none", trace_, "--sweep", "4M"}), 0) << err_.str();
	const std::string out = out_.str();
	EXPECT_EQ(std::count(out.begin(), out.end(), '\n'), 5) << out; // 3 runs
}

TEST_F(ReplayCommand, UnknownPolicyIsAUsageError)
{
	EXPECT_EQ(run({trace_, "--policy", "none,mithril"}), 2);
	EXPECT_NE(err_.str().find("mithril"), std::string::npos) << err_.str();
}

TEST_F(ReplayCommand, HelpTeachesFormatsModesMetricsAndPolicies)
{
	ASSERT_EQ(run({"--help"}), 0);
	const std::string out = out_.str();
	for (const char *s : {"cloudphysics", "generic", "--object", "--sweep", "hit %", "accuracy", "coverage",
			      "none", "linux", "obl", "stride", "leap", "adaptive", "Examples"})
		EXPECT_NE(out.find(s), std::string::npos) << s;
}

} // namespace
