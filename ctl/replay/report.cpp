// The replay's report: results as a fixed-width text table, as ordered JSON, or as a
// markdown matrix of baselines by cache size.
#include "replay/report.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <ostream>
#include <string_view>

#include <nlohmann/json.hpp>

#include "util/size.hpp"

namespace aether::ctl {

using util::format_size;

namespace {

constexpr double kMiB = 1024.0 * 1024.0;

// Whether @baseline is Aether's own: the core under a preset, or Linux's readahead with
// what aether.ko adds to it (named linux+PRESET). The markdown bolds the best of the
// others, the baselines Aether has to beat.
bool is_aether(Baseline baseline)
{
	return core_preset(baseline).has_value() || std::string_view(baseline_name(baseline)).starts_with("linux+");
}

// The results as a matrix: baselines down, cache sizes across, each in the order they
// first appear; a cell is null where that baseline did not run at that size.
struct Matrix {
	std::vector<Baseline> rows;
	std::vector<u64> columns;
	std::vector<std::vector<const Metrics *>> cells; // [row][column]
};

Matrix make_matrix(const std::vector<Result> &results)
{
	Matrix m;
	for (const Result &r : results) {
		if (std::find(m.rows.begin(), m.rows.end(), r.baseline) == m.rows.end())
			m.rows.push_back(r.baseline);
		if (std::find(m.columns.begin(), m.columns.end(), r.cache_bytes) == m.columns.end())
			m.columns.push_back(r.cache_bytes);
	}
	m.cells.assign(m.rows.size(), std::vector<const Metrics *>(m.columns.size(), nullptr));
	for (const Result &r : results) {
		const auto row = std::find(m.rows.begin(), m.rows.end(), r.baseline) - m.rows.begin();
		const auto column = std::find(m.columns.begin(), m.columns.end(), r.cache_bytes) - m.columns.begin();
		m.cells[row][column] = &r.metrics;
	}
	return m;
}

// @fraction as a percentage in tenths, rounded as printed: the bold is decided on these,
// so that a reader never sees two equal figures of which only one is bold.
long long tenths(double fraction)
{
	return std::llround(1000 * fraction);
}

// @v with one decimal.
std::string one_decimal(double v)
{
	char s[32];
	std::snprintf(s, sizeof(s), "%.1f", v);
	return s;
}

// The header row (policy, then each cache size) and the alignment row of a matrix.
void write_markdown_header(std::ostream &out, const Matrix &m)
{
	out << "| policy |";
	for (u64 c : m.columns)
		out << " " << format_size(c) << " |";
	out << "\n|---|";
	for (size_t i = 0; i < m.columns.size(); i++)
		out << "---:|";
	out << "\n";
}

} // namespace

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

void write_markdown(std::ostream &out, const std::string &trace_path, const Trace &trace, SimMode mode,
		    const std::vector<Result> &results)
{
	const Matrix m = make_matrix(results);
	out << "`" << trace_path << "` (" << format_name(trace.format) << "), " << mode_name(mode)
	    << " mode: " << trace.requests.size() << " requests, " << trace.reads << " reads\n\n";

	// The best figure of the baselines Aether has to beat, per column; -1 where none ran.
	std::vector<long long> best(m.columns.size(), -1);
	for (size_t row = 0; row < m.rows.size(); row++)
		for (size_t col = 0; col < m.columns.size(); col++)
			if (const Metrics *c = m.cells[row][col]; c && !is_aether(m.rows[row]))
				best[col] = std::max(best[col], tenths(c->hit_ratio()));

	out << "Hit % by cache size. Bold: the best baseline that is not Aether's.\n\n";
	write_markdown_header(out, m);
	for (size_t row = 0; row < m.rows.size(); row++) {
		out << "| " << baseline_name(m.rows[row]) << " |";
		for (size_t col = 0; col < m.columns.size(); col++) {
			const Metrics *c = m.cells[row][col];
			if (!c) {
				out << " - |";
				continue;
			}
			const long long t = tenths(c->hit_ratio());
			const std::string figure = one_decimal(static_cast<double>(t) / 10);
			if (!is_aether(m.rows[row]) && t == best[col])
				out << " **" << figure << "** |";
			else
				out << " " << figure << " |";
		}
		out << "\n";
	}

	out << "\nPrefetched MiB / accuracy % by cache size.\n\n";
	write_markdown_header(out, m);
	for (size_t row = 0; row < m.rows.size(); row++) {
		out << "| " << baseline_name(m.rows[row]) << " |";
		for (const Metrics *c : m.cells[row]) {
			if (!c)
				out << " - |";
			else
				out << " " << one_decimal(static_cast<double>(c->prefetched_bytes) / kMiB) << " / "
				    << (c->prefetched_units ? one_decimal(100 * c->accuracy()) : "-") << " |";
		}
		out << "\n";
	}
}

} // namespace aether::ctl
