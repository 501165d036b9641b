// aether-ctl replay: simulate prefetch baselines over a block I/O trace and compare them.
// The simulator itself is the library in ctl/replay/; this file is its command line.
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <exception>
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include "cli.hpp"
#include "replay/baselines.hpp"
#include "replay/report.hpp"
#include "replay/simulate.hpp"
#include "replay/trace.hpp"
#include "util/size_option.hpp"

namespace aether::ctl {

using util::format_size;
using util::parse_size;
using util::size_validator;

namespace {

enum class Output { kText, kJson, kMarkdown };

constexpr u64 kDefaultCacheBytes = u64{256} << 20;

struct Options {
	std::string trace;
	std::string format;
	bool object = false;
	std::string cache;
	std::vector<std::string> sweep;
	std::vector<std::string> baselines; // --policy
	bool json = false;
	bool markdown = false;
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
	void step(size_t i, Baseline baseline, u64 cache)
	{
		if (!on_ || std::chrono::steady_clock::now() - start_ < std::chrono::milliseconds(500))
			return;
		shown_ = true;
		err_ << "\r\033[Kreplay: " << i + 1 << "/" << runs_ << " " << baseline_name(baseline) << " @ "
		     << format_size(cache) << std::flush;
	}

private:
	const bool on_;
	bool shown_ = false;
	std::ostream &err_;
	const size_t runs_;
	const std::chrono::steady_clock::time_point start_;
};

int replay(Context &ctx, const Options &o, Output output)
{
	const SimMode mode = o.object ? SimMode::kObject : SimMode::kBlock;

	// The options were validated by CLI11; what is left are checks across them.
	std::vector<u64> sizes;
	for (const std::string &s : o.sweep.empty() ? std::vector<std::string>{o.cache} : o.sweep) {
		const std::string option = o.sweep.empty() ? "--cache" : "--sweep";
		u64 bytes = kDefaultCacheBytes;
		if (!s.empty())
			if (const std::string error = parse_size(s, bytes); !error.empty())
				return usage_error(ctx, option + ": " + error);
		if (mode == SimMode::kBlock && bytes < kPageBytes)
			return usage_error(ctx, option + ": cache size " + s + " is smaller than one 4 KiB page");
		sizes.push_back(bytes);
	}
	std::vector<Baseline> baselines;
	for (const std::string &name : o.baselines) {
		const Baseline baseline = *parse_baseline(name);
		if (std::find(baselines.begin(), baselines.end(), baseline) == baselines.end())
			baselines.push_back(baseline);
	}
	if (baselines.empty())
		baselines.assign(std::begin(kAllBaselines), std::end(kAllBaselines));

	// --format is empty (detect it) or a name CLI11 checked.
	const TraceFormat format = parse_format(o.format).value_or(TraceFormat::kAuto);
	Trace trace;
	try {
		trace = read_trace(o.trace, format);
	} catch (const TraceError &e) {
		ctx.err << e.what() << "\n";
		return kExitFailure;
	}

	std::vector<Result> results;
	try {
		Progress progress(ctx, sizes.size() * baselines.size());
		for (u64 cache : sizes) {
			for (Baseline baseline : baselines) {
				progress.step(results.size(), baseline, cache);
				const std::unique_ptr<Prefetcher> prefetcher = make_prefetcher(baseline, mode);
				results.push_back({baseline, cache, simulate(trace.requests, mode, cache, *prefetcher)});
			}
		}
	} catch (const std::exception &e) { // the cache past 2^32 entries, or out of memory
		return fail(ctx, e.what());
	}

	switch (output) {
	case Output::kJson:
		write_json(ctx.out, o.trace, trace, mode, results);
		break;
	case Output::kMarkdown:
		write_markdown(ctx.out, o.trace, trace, mode, results);
		break;
	case Output::kText:
		write_table(ctx.out, o.trace, trace, mode, results);
		break;
	}
	return kExitOk;
}

constexpr const char *kFooter = R"(Replays a block I/O trace through a simulated LRU cache, once per baseline and
cache size, and reports how well each prefetcher did. The trace is read once; every
simulation starts with an empty cache and a fresh prefetcher.

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
                   not counted. Baselines see the reads only, in pages.
  --object         libCacheSim's object-level semantics, to compare with its published
                   tables: each request, read or write, is a get of object id = start
                   LBN with size = request length. A prefetch [start, length) no
                   longer than the triggering request is the object at start; a
                   longer one (a readahead window, at most 64 requests long) is read
                   as one piece and serves every request that lies inside it and
                   the windows next to it, whatever its size; mithril and pg name
                   the objects they fetch, each whole. Accuracy counts a window as
                   one object, used when any request was served from it.
                   Baselines see every request, in sectors.

Metrics (per baseline and cache size):
  hit %        demanded pages (block) or requests (object) found in the cache
  accuracy %   prefetched pages/objects later demanded, of those prefetched
  coverage %   prefetch hits / (prefetch hits + demand misses)
  prefetched   bytes brought in by prefetching; demand: bytes demanded
  --json gives them as hit_ratio, accuracy, coverage (fractions in [0, 1]),
  prefetched_bytes and demand_bytes.
  --markdown gives a matrix for reports: one row per baseline, one column per cache
  size; hit % (the best baseline that is not Aether's in bold), then prefetched MiB
  and accuracy %.

Baselines (--policy a,b,...; by default all, in this order):
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
  mithril   Mithril (SoCC '17): units that keep missing within 20 accesses of each
            other, 2 to 8 times, are associated; a unit's 2 nearest associates are
            prefetched when it is accessed (libCacheSim's defaults)
  amp       AMP (FAST '07): up to 32 sequential streams, each prefetching p requests
            ahead when the reader comes within g of the end; p and g grow when a
            stream consumes a whole set and shrink when its prefetches are evicted
  pg        the probability graph (USENIX Summer '94): successors within 20
            accesses whose share of a unit's arcs is above 5 % are prefetched
  hft, gaming, adaptive
            the Aether prediction core with that preset
  linux+hft, linux+gaming, linux+adaptive
            linux with aether.ko running the core with that preset, as the module
            does: it sees the reads that miss or reach a readahead mark, grows the
            kernel's window for forward streams, prefetches strided, backward and
            correlated ranges, and reads random misses exactly

Examples:
  aether-ctl replay trace.csv
  aether-ctl replay cloudphysics.csv --object --sweep 128M,256M,512M,1G --policy none,obl
  aether-ctl replay trace.csv --cache 1G --policy linux,adaptive --json
  aether-ctl replay trace.csv --sweep 16M,64M,256M --markdown
)";

} // namespace

void add_replay(CLI::App &app, Context &ctx)
{
	auto *cmd = app.add_subcommand("replay",
				       "Simulate prefetch baselines over a block I/O trace and compare hit ratio, "
				       "accuracy and coverage");
	cmd->footer(kFooter);
	auto o = std::make_shared<Options>();

	const CLI::Validator baseline_check(
		[](std::string &s) {
			if (parse_baseline(s))
				return std::string();
			std::string known;
			for (Baseline b : kAllBaselines)
				known += std::string(known.empty() ? "" : ", ") + baseline_name(b);
			return "unknown baseline \"" + s + "\" (known: " + known + ")";
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
			      ->check(size_validator());
	cmd->add_option("--sweep", o->sweep, "Run at each of these cache sizes, e.g. 128M,256M,1G")
		->type_name("SIZE,...")
		->allow_extra_args(false) // so a TRACE after it is not taken for a size
		->delimiter(',')
		->check(size_validator())
		->excludes(cache);
	cmd->add_option("--policy", o->baselines, "Baselines to run, comma-separated (default: all)")
		->type_name("NAME,...")
		->allow_extra_args(false)
		->delimiter(',')
		->check(baseline_check);
	auto *json = cmd->add_flag("--json", o->json, "Print a JSON object instead of a table");
	cmd->add_flag("--markdown", o->markdown, "Print markdown tables, baselines by cache size")->excludes(json);
	cmd->callback([&ctx, o] {
		const Output output = o->json ? Output::kJson : o->markdown ? Output::kMarkdown : Output::kText;
		ctx.exit_code = replay(ctx, *o, output);
	});
}

} // namespace aether::ctl
