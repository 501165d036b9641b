// The replay's report: results as a fixed-width text table or as ordered JSON.
#include "replay/report.hpp"

#include <cstdio>
#include <ostream>

#include <nlohmann/json.hpp>

#include "util/size.hpp"

namespace aether::ctl {

using util::format_size;

void write_table(std::ostream &out, const std::string &trace_path, const Trace &trace, SimMode mode,
		 const std::vector<Result> &results)
{
	out << "trace: " << trace_path << " (" << format_name(trace.format) << ")  mode: " << mode_name(mode)
	    << "  requests: " << trace.requests.size() << "  reads: " << trace.reads << "\n";
	// The policy column fits the longest name, "linux+adaptive".
	char line[160];
	std::snprintf(line, sizeof(line), "%-14s %6s %8s %10s %10s %15s %11s\n", "policy", "cache", "hit %",
		      "accuracy %", "coverage %", "prefetched MiB", "demand MiB");
	out << line;
	constexpr double kMiB = 1024.0 * 1024.0;
	for (const Result &r : results) {
		const Metrics &m = r.metrics;
		std::snprintf(line, sizeof(line), "%-14s %6s %8.2f %10.2f %10.2f %15.1f %11.1f\n",
			      baseline_name(r.baseline), format_size(r.cache_bytes).c_str(), 100 * m.hit_ratio(),
			      100 * m.accuracy(), 100 * m.coverage(), static_cast<double>(m.prefetched_bytes) / kMiB,
			      static_cast<double>(m.demand_bytes) / kMiB);
		out << line;
	}
}

void write_json(std::ostream &out, const std::string &trace_path, const Trace &trace, SimMode mode,
		const std::vector<Result> &results)
{
	// Ordered, so the keys read in the documented order.
	nlohmann::ordered_json rows = nlohmann::ordered_json::array();
	for (const Result &r : results)
		rows.push_back({
			{"policy", baseline_name(r.baseline)},
			{"cache_bytes", r.cache_bytes},
			{"hit_ratio", r.metrics.hit_ratio()},
			{"accuracy", r.metrics.accuracy()},
			{"coverage", r.metrics.coverage()},
			{"prefetched_bytes", r.metrics.prefetched_bytes},
			{"demand_bytes", r.metrics.demand_bytes},
		});
	nlohmann::ordered_json j = {
		{"trace", trace_path},
		{"mode", mode_name(mode)},
		{"requests", trace.requests.size()},
		{"reads", trace.reads},
		{"results", std::move(rows)},
	};
	out << j.dump(2) << "\n";
}

} // namespace aether::ctl
