// The replay's report writes the table and the JSON with their fixed columns, keys and order.
#include <algorithm>
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "replay/report.hpp"

using namespace aether::ctl;

namespace {

// Three requests, two of them reads, in the generic format.
Trace small_trace()
{
	Trace t;
	t.requests = {{0, 4096, Op::kRead}, {4096, 4096, Op::kWrite}, {8192, 4096, Op::kRead}};
	t.reads = 2;
	t.format = TraceFormat::kGeneric;
	return t;
}

// Half the demand hit, a quarter of it thanks to prefetches, of which half were used.
std::vector<Result> two_results()
{
	Metrics m;
	m.demand_units = 4;
	m.hits = 2;
	m.demand_misses = 2;
	m.prefetch_hits = 1;
	m.prefetched_units = 2;
	m.prefetched_bytes = 3 << 20;
	m.demand_bytes = 1 << 20;
	return {{Baseline::kNone, 64 << 20, Metrics{}}, {Baseline::kAdaptive, 1 << 30, m}};
}

TEST(ReplayReport, TableHasFixedColumns)
{
	std::ostringstream out;
	aether::ctl::write_table(out, "t.csv", small_trace(), SimMode::kBlock, two_results());
	EXPECT_EQ(out.str(),
		  "trace: t.csv (generic)  mode: block  requests: 3  reads: 2\n"
		  "policy          cache    hit % accuracy % coverage %  prefetched MiB  demand MiB\n"
		  "none              64M     0.00       0.00       0.00             0.0         0.0\n"
		  "adaptive           1G    50.00      50.00      33.33             3.0         1.0\n");
}

TEST(ReplayReport, JsonKeysAreInTheDocumentedOrder)
{
	std::ostringstream out;
	aether::ctl::write_json(out, "t.csv", small_trace(), SimMode::kObject, {two_results()[1]});
	EXPECT_EQ(out.str(), R"({
  "trace": "t.csv",
  "mode": "object",
  "requests": 3,
  "reads": 2,
  "results": [
    {
      "policy": "adaptive",
      "cache_bytes": 1073741824,
      "hit_ratio": 0.5,
      "accuracy": 0.5,
      "coverage": 0.3333333333333333,
      "prefetched_bytes": 3145728,
      "demand_bytes": 1048576
    }
  ]
}
)");
}

TEST(ReplayReport, NoResultsIsAnEmptyTableAndArray)
{
	std::ostringstream table, json;
	aether::ctl::write_table(table, "t.csv", small_trace(), SimMode::kBlock, {});
	aether::ctl::write_json(json, "t.csv", small_trace(), SimMode::kBlock, {});
	const std::string text = table.str();
	EXPECT_EQ(std::count(text.begin(), text.end(), '\n'), 2) << text; // the header lines only
	EXPECT_NE(json.str().find("\"results\": []"), std::string::npos) << json.str();
}

} // namespace
