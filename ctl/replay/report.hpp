// The replay's report: the results of a run, as the text table or the JSON object
// that `aether-ctl replay` prints. Both formats are stable output: the JSON keys
// (including "policy" for the baseline's name) and the table's columns stay as they are.
#pragma once

#include <iosfwd>
#include <string>
#include <vector>

#include "replay/baselines.hpp"
#include "replay/simulate.hpp"
#include "replay/trace.hpp"

namespace aether::ctl {

// One simulation: which baseline ran, at which cache size, and what it counted.
struct Result {
	Baseline baseline;
	u64 cache_bytes;
	Metrics metrics;
};

// Writes a header line naming @trace_path, its format, @mode and the request counts,
// then a table with one row per result in the order given.
void write_table(std::ostream &out, const std::string &trace_path, const Trace &trace, SimMode mode,
		 const std::vector<Result> &results);

// Writes the same as one JSON object (trace, mode, requests, reads, results), indented
// by two spaces and ending in a newline.
void write_json(std::ostream &out, const std::string &trace_path, const Trace &trace, SimMode mode,
		const std::vector<Result> &results);

} // namespace aether::ctl
