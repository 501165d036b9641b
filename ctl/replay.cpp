// aether-ctl replay: simulate prefetch policies over a block I/O trace and compare them.
#include <unistd.h>

#include <algorithm>
#include <charconv>
#include <chrono>
#include <cstdio>
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "cli.hpp"
#include "sim.hpp"
#include "trace.hpp"
#include "util/size.hpp"

namespace aether::ctl {

using util::format_size;
using util::parse_size;

namespace {

enum class Output { kText, kJson };

constexpr u64 kDefaultCacheBytes = u64{256} << 20;

struct Options {
	std::string trace;
	std::string format;
	bool object = false;
	std::string cache;
	std::vector<std::string> sweep;
	std::vector<std::string> policies;
	bool json = false;
};

struct Row {
	PolicyKind policy;
	u64 cache_bytes;
	Metrics m;
};

// Progress for runs long enough to wonder about (past half a second), and only for a
// person watching: never in a pipe, a file or a test.
class Progress {
public:
	Progress(const Context &ctx, size_t runs)
		: on_(&ctx.err == &std::cerr && ::isatty(STDERR_FILENO)), err_(ctx.err), runs_(runs),
		  start_(std::chrono::steady_clock::now())
	{
	}
	~Progress()
	{
		if (shown_)
			err_ << "\r\033[K" << std::flush;
	}
	void step(size_t i, PolicyKind policy, u64 cache)
	{
		if (!on_ || std::chrono::steady_clock::now() - start_ < std::chrono::milliseconds(500))
			return;
		shown_ = true;
		err_ << "\r\033[Kreplay: " << i + 1 << "/" << runs_ << " " << policy_name(policy) << " @ "
		     << format_size(cache) << std::flush;
	}

private:
	const bool on_;
	bool shown_ = false;
	std::ostream &err_;
	const size_t runs_;
	const std::chrono::steady_clock::time_point start_;
};

void print_text(std::ostream &out, const Options &o, const Trace &trace, SimMode mode,
		const std::vector<Row> &rows)
{
	out << "trace: " << o.trace << " (" << format_name(trace.format) << ")  mode: " << mode_name(mode)
	    << "  requests: " << trace.requests.size() << "  reads: " << trace.reads << "\n";
	char line[160];
	std::snprintf(line, sizeof(line), "%-9s %6s %8s %10s %10s %15s %11s\n", "policy", "cache", "hit %",
		      "accuracy %", "coverage %", "prefetched MiB", "demand MiB");
	out << line;
	constexpr double kMiB = 1024.0 * 1024.0;
	for (const Row &r : rows) {
		std::snprintf(line, sizeof(line), "%-9s %6s %8.2f %10.2f %10.2f %15.1f %11.1f\n",
			      policy_name(r.policy), format_size(r.cache_bytes).c_str(), 100 * r.m.hit_ratio(),
			      100 * r.m.accuracy(), 100 * r.m.coverage(),
			      static_cast<double>(r.m.prefetched_bytes) / kMiB,
			      static_cast<double>(r.m.demand_bytes) / kMiB);
		out << line;
	}
}

void print_json(std::ostream &out, const Options &o, const Trace &trace, SimMode mode,
		const std::vector<Row> &rows)
{
	// Ordered, so the keys read in the documented order.
	nlohmann::ordered_json results = nlohmann::ordered_json::array();
	for (const Row &r : rows)
		results.push_back({
			{"policy", policy_name(r.policy)},
			{"cache_bytes", r.cache_bytes},
			{"hit_ratio", r.m.hit_ratio()},
			{"accuracy", r.m.accuracy()},
			{"coverage", r.m.coverage()},
			{"prefetched_bytes", r.m.prefetched_bytes},
			{"demand_bytes", r.m.demand_bytes},
		});
	nlohmann::ordered_json j = {
		{"trace", o.trace},
		{"mode", mode_name(mode)},
		{"requests", trace.requests.size()},
		{"reads", trace.reads},
		{"results", std::move(results)},
	};
	out << j.dump(2) << "\n";
}

int replay(Context &ctx, const Options &o, Output output)
{
	const SimMode mode = o.object ? SimMode::kObject : SimMode::kBlock;

	// The options were validated by CLI11; what is left are checks across them.
	std::vector<u64> sizes;
	for (const std::string &s : o.sweep.empty() ? std::vector<std::string>{o.cache} : o.sweep) {
		const char *option = o.sweep.empty() ? "--cache" : "--sweep";
		u64 bytes = kDefaultCacheBytes;
		if (!s.empty())
			if (const std::string error = parse_size(s, bytes); !error.empty())
				throw CLI::ValidationError(option, error);
		if (mode == SimMode::kBlock && bytes < kPageBytes)
			throw CLI::ValidationError(option, "cache size " + s + " is smaller than one 4 KiB page");
		sizes.push_back(bytes);
	}
	std::vector<PolicyKind> policies;
	for (const std::string &name : o.policies) {
		const PolicyKind kind = *parse_policy(name);
		if (std::find(policies.begin(), policies.end(), kind) == policies.end())
			policies.push_back(kind);
	}
	if (policies.empty())
		policies.assign(std::begin(kAllPolicies), std::end(kAllPolicies));

	TraceFormat format = TraceFormat::kAuto;
	if (o.format == "cloudphysics")
		format = TraceFormat::kCloudPhysics;
	else if (o.format == "generic")
		format = TraceFormat::kGeneric;

	Trace trace;
	try {
		trace = read_trace(o.trace, format);
	} catch (const TraceError &e) {
		ctx.err << e.what() << "\n";
		return kExitFailure;
	}

	std::vector<Row> rows;
	Progress progress(ctx, sizes.size() * policies.size());
	for (u64 cache : sizes) {
		for (PolicyKind kind : policies) {
			progress.step(rows.size(), kind, cache);
			const std::unique_ptr<Policy> policy = make_policy(kind, mode);
			rows.push_back({kind, cache, simulate(trace.requests, mode, cache, *policy)});
		}
	}

	if (output == Output::kJson)
		print_json(ctx.out, o, trace, mode, rows);
	else
		print_text(ctx.out, o, trace, mode, rows);
	return kExitOk;
}

constexpr const char *kFooter = R"(Replays a block I/O trace through a simulated LRU cache, once per policy and cache
size, and reports how well each prefetch policy did. The trace is read once; every
simulation starts with an empty cache and a fresh policy.

Trace formats (--format; by default detected from the first line):
  cloudphysics  version,time,op,size,lbn -- the CloudPhysics vSCSI CSV (libCacheSim's
                data/cloudPhysicsIO.csv). op is a SCSI opcode in hex: 28 READ(10),
                2a WRITE(10) (also 08/88/a8 read, 0a/8a/aa write); size is in bytes;
                lbn is the start in 512-byte sectors.
  generic       offset_bytes,length_bytes,op with op R or W; the header line
                offset_bytes,length_bytes,op is optional.
  In both, blank lines and lines starting with # are skipped. A malformed line stops
  the replay with "FILE:LINE: what is wrong" and exit status 1.

Modes:
  block (default)  What aether.ko sees: a page cache of 4 KiB pages. A read demands
                   the pages it covers; a write brings its pages into the cache but is
                   not counted. Policies see the reads only, in pages.
  --object         libCacheSim's object-level semantics, to compare with its published
                   tables: each request, read or write, is a get of object id = start
                   LBN with size = request length. A prefetch [start, length) inserts
                   objects the size of the triggering request that tile the range
                   (at most 64), so a readahead window is the next few requests.
                   Policies see every request, in sectors.

Metrics (per policy and cache size):
  hit %        demanded pages (block) or requests (object) found in the cache
  accuracy %   prefetched pages/objects later demanded, of those prefetched
  coverage %   prefetch hits / (prefetch hits + demand misses)
  prefetched   bytes brought in by prefetching; demand: bytes demanded
  --json gives them as hit_ratio, accuracy, coverage (fractions in [0, 1]),
  prefetched_bytes and demand_bytes.

Policies (--policy a,b,...; by default all, in this order):
  none      no prefetching: plain LRU
  linux     a model of Linux's ondemand readahead: a sequential read starts a window
            of 4x the request (16 KiB to 128 KiB), which doubles each time the reader
            enters the last window; a random read resets it
  obl       one-block lookahead: the next page (block) or the same-sized object right
            after the request (object; libCacheSim's OBL differs: it fetches id + 1,
            the next sector, after 4 consecutive ids)
  stride    a delta between request starts seen twice in a row: one more at it
  leap      Leap's majority trend (ATC '20): the majority delta of the last 8 (else
            4) accesses, 1 to 8 strides ahead as earlier prefetches hit or miss
  hft, gaming, adaptive
            the Aether prediction core with that preset

Examples:
  aether-ctl replay trace.csv
  aether-ctl replay cloudphysics.csv --object --sweep 128M,256M,512M,1G --policy none,obl
  aether-ctl replay trace.csv --cache 1G --policy linux,adaptive --json
)";

} // namespace

void add_replay(CLI::App &app, Context &ctx)
{
	auto *cmd = app.add_subcommand("replay",
				       "Simulate prefetch policies over a block I/O trace and compare hit ratio, "
				       "accuracy and coverage");
	cmd->footer(kFooter);
	auto o = std::make_shared<Options>();

	const CLI::Validator size_check(
		[](std::string &s) {
			u64 bytes;
			return parse_size(s, bytes);
		},
		"");
	const CLI::Validator policy_check(
		[](std::string &s) {
			if (parse_policy(s))
				return std::string();
			std::string known;
			for (PolicyKind k : kAllPolicies)
				known += std::string(known.empty() ? "" : ", ") + policy_name(k);
			return "unknown policy \"" + s + "\" (known: " + known + ")";
		},
		"");

	cmd->add_option("TRACE", o->trace, "The trace file (CSV)")->required()->type_name("FILE");
	cmd->add_option("--format", o->format, "Trace format; detected from the first line if not given")
		->type_name("FORMAT")
		->check(CLI::IsMember({"cloudphysics", "generic"}));
	cmd->add_flag("--object", o->object,
		      "libCacheSim's object-level simulation instead of 4 KiB pages");
	auto *cache = cmd->add_option("--cache", o->cache, "Cache size, e.g. 128M or 1G (default 256M)")
			      ->type_name("SIZE")
			      ->check(size_check);
	cmd->add_option("--sweep", o->sweep, "Run at each of these cache sizes, e.g. 128M,256M,1G")
		->type_name("SIZE,...")
		->allow_extra_args(false) // so a TRACE after it is not taken for a size
		->delimiter(',')
		->check(size_check)
		->excludes(cache);
	cmd->add_option("--policy", o->policies,
			"Policies to run, comma-separated (default: all)")
		->type_name("NAME,...")
		->allow_extra_args(false)
		->delimiter(',')
		->check(policy_check);
	cmd->add_flag("--json", o->json, "Print a JSON object instead of a table");
	cmd->callback([&ctx, o] {
		ctx.exit_code = replay(ctx, *o, o->json ? Output::kJson : Output::kText);
	});
}

} // namespace aether::ctl
