// aether-ctl stats: aether.ko's counters and decision-latency histogram.
#include <chrono>
#include <cstdint>
#include <cstring>
#include <memory>
#include <ostream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#include "cli.hpp"
#include "knobs.hpp"

namespace aether::ctl {

namespace {

struct Sample {
	std::vector<uint64_t> counts; // in kStatNames order
	Histogram latency;
};

// Returns an empty string and fills @s, or says what could not be read.
std::string read_sample(const Sysfs &fs, Sample &s)
{
	for (const char *name : kStatNames) {
		uint64_t v = 0;
		if (std::string err = read_counter(fs, std::string("stats/") + name, v); !err.empty())
			return err;
		s.counts.push_back(v);
	}
	return read_histogram(fs, "stats/decision_latency_ns", s.latency);
}

void print_text(std::ostream &out, const Sample &s, const Sample *prev, unsigned interval)
{
	for (size_t i = 0; i < s.counts.size(); i++) {
		out << "  " << kStatNames[i] << std::string(18 - std::strlen(kStatNames[i]), ' ') << s.counts[i];
		if (prev)
			out << "  (+" << (s.counts[i] - prev->counts[i]) / interval << "/s)";
		out << "\n";
	}
	uint64_t total = 0;
	for (const auto &b : s.latency)
		total += b.second;
	out << "  decision latency (" << total << " decisions timed):\n";
	for (const auto &b : s.latency)
		if (b.second)
			out << "    " << b.first << ".." << (b.first ? 2 * b.first : 1) << " ns: " << b.second << "\n";
}

nlohmann::json to_json(const Sample &s)
{
	nlohmann::json j = nlohmann::json::object();
	for (size_t i = 0; i < s.counts.size(); i++)
		j[kStatNames[i]] = s.counts[i];
	j["decision_latency_ns"] = histogram_json(s.latency);
	return j;
}

int stats(Context &ctx, Format format, unsigned watch, unsigned count)
{
	if (!require_loaded(ctx))
		return kExitFailure;
	Sample prev;
	for (unsigned n = 0;; n++) {
		Sample s;
		if (std::string err = read_sample(ctx.sysfs, s); !err.empty())
			return fail(ctx, err);
		if (format == Format::kJson) {
			// One object per line, so a watcher's output is JSON Lines.
			ctx.out << to_json(s).dump(watch ? -1 : 2) << "\n";
		} else {
			if (watch)
				ctx.out << "sample " << n + 1 << (n ? "" : " (rates from the next sample)") << ":\n";
			print_text(ctx.out, s, n ? &prev : nullptr, watch ? watch : 1);
		}
		ctx.out.flush();
		if (!watch || (count && n + 1 >= count))
			return kExitOk;
		prev = std::move(s);
		std::this_thread::sleep_for(std::chrono::seconds(watch));
	}
}

} // namespace

void add_stats(CLI::App &app, Context &ctx)
{
	auto *cmd = app.add_subcommand("stats", "Print aether.ko's counters and decision-latency histogram");
	auto json = std::make_shared<bool>(false);
	auto watch = std::make_shared<unsigned>(0);
	auto count = std::make_shared<unsigned>(0);
	cmd->add_flag("--json", *json, "Print a JSON object; with --watch, one object per line");
	auto *watch_opt = cmd->add_option("--watch", *watch, "Print again every SECONDS, with per-second rates, until interrupted")
		->check(CLI::Range(1u, 3600u))
		->option_text("SECONDS");
	cmd->add_option("--count", *count, "With --watch: stop after N samples")
		->check(CLI::Range(1u, 1000000u))
		->needs(watch_opt)
		->option_text("N");
	cmd->footer("Counters (files under /sys/kernel/aether/stats/):\n"
		    "  decisions           decisions the core (or an eBPF policy) made\n"
		    "  windows_grown/_shrunk  readahead windows the module changed\n"
		    "  prefetch_issued/_pages explicit prefetches queued, and their pages\n"
		    "  prefetch_hits/_wasted  pages of decisions later read / dropped unread\n"
		    "  queue_drops         prefetches dropped because the queue was full\n"
		    "  sync_misses         reads that found their page missing and waited\n"
		    "  policy_decisions    of the decisions, those an eBPF policy made (aether-ctl bpf load)");
	cmd->callback([&ctx, json, watch, count] { ctx.exit_code = stats(ctx, *json ? Format::kJson : Format::kText, *watch, *count); });
}

} // namespace aether::ctl
