// The replay's report: the results of a run, as the text table, the JSON object or the
// markdown matrix that `aether-ctl replay` prints. The text and JSON formats are stable
// output: the JSON keys (including "policy" for the baseline's name) and the table's
// columns stay as they are. The markdown is for people and may change.
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

// Writes the results as markdown, for reports: a line naming @trace_path, its format,
// @mode and the request counts, then two tables with one row per baseline and one column
// per cache size, both in the order they first appear in @results. The first gives hit %
// with one decimal; in each column the best baseline that is not Aether's own (neither a
// core preset nor linux+PRESET) is bold, together with any that tie it at one decimal.
// The second gives prefetched MiB and accuracy % ("-" when nothing was prefetched). A
// baseline and size without a result print "-". Ends in a newline.
void write_markdown(std::ostream &out, const std::string &trace_path, const Trace &trace, SimMode mode,
		    const std::vector<Result> &results);

} // namespace aether::ctl
