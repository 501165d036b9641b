// aether-ctl devices: aether.ko's per-disk block telemetry (/sys/kernel/aether/devices/).
#include <algorithm>
#include <cstdint>
#include <filesystem>
#include <iomanip>
#include <memory>
#include <ostream>
#include <sstream>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

#include <nlohmann/json.hpp>

#include "cli.hpp"
#include "knobs.hpp"
#include "util/histogram.hpp"
#include "util/size.hpp"

namespace aether::ctl {

namespace {

constexpr size_t kNrCounters = std::size(kDiskCounterNames);

// The index of counter @name in kDiskCounterNames, which Device::counts follows. A
// name the module's list lacks is no constant, so it does not compile.
consteval size_t counter(std::string_view name)
{
	for (size_t i = 0; i < kNrCounters; i++)
		if (name == kDiskCounterNames[i])
			return i;
	throw "not one of AETHER_DISK_COUNTERS";
}

struct Device {
	std::string devt; // "major:minor", the directory's name
	std::string name, pattern, decision;
	uint64_t counts[kNrCounters] = {};
	Histogram latency;
};

// Returns an empty string and fills @d from devices/@d.devt/, or says what failed.
std::string read_device(const Sysfs &fs, Device &d)
{
	const std::string dir = "devices/" + d.devt + "/";
	for (size_t i = 0; i < kNrCounters; i++)
		if (std::string err = read_counter(fs, dir + kDiskCounterNames[i], d.counts[i]); !err.empty())
			return err;
	for (auto [file, field] : {std::pair{"name", &d.name}, {"pattern", &d.pattern}, {"decision", &d.decision}}) {
		AttrRead r = fs.read(dir + file);
		if (!r.ok())
			return fs.read_error(dir + file, r.error);
		*field = r.value;
	}
	return read_histogram(fs, dir + "latency_ns", d.latency);
}

// "major:minor" sorts by major, then minor, as /proc/partitions does.
bool devt_less(const std::string &a, const std::string &b)
{
	auto split = [](const std::string &s) {
		uint64_t major = 0, minor = 0;
		const size_t colon = s.find(':');
		parse_decimal(s.substr(0, colon), major);
		if (colon != std::string::npos)
			parse_decimal(s.substr(colon + 1), minor);
		return std::pair{major, minor};
	};
	return split(a) < split(b);
}

// The bucket holding the median latency, as "32-64us", or "-" with no samples.
std::string median_bucket(const Histogram &h)
{
	std::vector<uint64_t> counts;
	for (const auto &b : h)
		counts.push_back(b.second);
	const int k = util::percentile_index(counts.data(), counts.size(), 50);
	if (k < 0)
		return "-";
	auto fmt = [](uint64_t ns) {
		return ns >= 1000000 ? std::to_string(ns / 1000000) + "ms"
		       : ns >= 1000  ? std::to_string(ns / 1000) + "us"
				     : std::to_string(ns) + "ns";
	};
	const uint64_t from = h[static_cast<size_t>(k)].first;
	return fmt(from) + "-" + fmt(from ? 2 * from : 1);
}

std::string mib_cell(uint64_t bytes)
{
	return util::format_mib(bytes, util::MibStyle::kOneDecimal);
}

nlohmann::json to_json(const Device &d)
{
	nlohmann::json j = {{"device", d.devt}, {"name", d.name}, {"pattern", d.pattern}, {"decision", d.decision}};
	for (size_t i = 0; i < kNrCounters; i++)
		j[kDiskCounterNames[i]] = d.counts[i];
	j["latency_ns"] = histogram_json(d.latency);
	return j;
}

void print_table(std::ostream &out, const std::vector<Device> &devs)
{
	out << std::left << std::setw(9) << "DEVICE" << std::setw(10) << "NAME" << std::right
	    << std::setw(10) << "READS" << std::setw(10) << "WRITES" << std::setw(10) << "READ_MiB"
	    << std::setw(10) << "RA_MiB" << std::setw(10) << "WRITE_MiB" << std::setw(6) << "SEQ%"
	    << std::setw(14) << "MEDIAN_LAT" << "  " << std::left << std::setw(9) << "PATTERN"
	    << "DECISION\n";
	for (const Device &d : devs) {
		const uint64_t reads = d.counts[counter("reads")];
		out << std::left << std::setw(9) << d.devt << std::setw(10) << d.name << std::right
		    << std::setw(10) << reads << std::setw(10) << d.counts[counter("writes")] << std::setw(10)
		    << mib_cell(d.counts[counter("read_bytes")]) << std::setw(10) << mib_cell(d.counts[counter("readahead_bytes")])
		    << std::setw(10) << mib_cell(d.counts[counter("write_bytes")]) << std::setw(6)
		    << (reads ? std::to_string(d.counts[counter("sequential_reads")] * 100 / reads) : "-")
		    << std::setw(14) << median_bucket(d.latency) << "  " << std::left << std::setw(9)
		    << d.pattern << d.decision << "\n";
	}
}

int devices(Context &ctx, Format format)
{
	if (!require_loaded(ctx))
		return kExitFailure;
	const std::filesystem::path dir = ctx.sysfs.root() / "devices";
	std::error_code ec;
	std::vector<Device> devs;
	for (const auto &entry : std::filesystem::directory_iterator(dir, ec))
		if (entry.is_directory(ec)) {
			devs.emplace_back();
			devs.back().devt = entry.path().filename().string();
		}
	if (ec) {
		return fail(ctx, "cannot list " + dir.string() + ": " + ec.message());
	}
	std::sort(devs.begin(), devs.end(), [](const Device &a, const Device &b) { return devt_less(a.devt, b.devt); });
	for (Device &d : devs) {
		if (std::string err = read_device(ctx.sysfs, d); !err.empty())
			return fail(ctx, err);
	}
	uint64_t dropped = 0;
	if (std::string err = read_counter(ctx.sysfs, "devices/untracked_requests", dropped); !err.empty())
		return fail(ctx, err);

	if (format == Format::kJson) {
		nlohmann::json j = nlohmann::json::array();
		for (const Device &d : devs)
			j.push_back(to_json(d));
		ctx.out << nlohmann::json{{"devices", j}, {"untracked_requests", dropped}}.dump(2) << "\n";
		return kExitOk;
	}
	if (devs.empty())
		ctx.out << "no block device has had a request since aether.ko was loaded\n";
	else
		print_table(ctx.out, devs);
	if (dropped)
		ctx.out << dropped << " requests went to disks that found all 64 slots taken, and were not counted\n";
	return kExitOk;
}

} // namespace

void add_devices(CLI::App &app, Context &ctx)
{
	auto *cmd = app.add_subcommand("devices", "Print aether.ko's per-disk block telemetry");
	auto json = std::make_shared<bool>(false);
	cmd->add_flag("--json", *json, "Print a JSON object with every counter and the latency histogram");
	cmd->footer("Per disk, from /sys/kernel/aether/devices/MAJOR:MINOR/ (counted since aether.ko was loaded):\n"
		    "  READS, WRITES        requests issued to the disk\n"
		    "  READ_MiB, WRITE_MiB  their bytes; RA_MiB is what was read ahead (REQ_RAHEAD)\n"
		    "  SEQ%                 reads that started where the previous read ended\n"
		    "  MEDIAN_LAT           log2 bucket holding the median issue-to-completion time\n"
		    "  PATTERN, DECISION    what the core makes of the disk's reads, and its last\n"
		    "                       decision: action, first 4 KiB page, pages, confidence %");
	cmd->callback([&ctx, json] { ctx.exit_code = devices(ctx, *json ? Format::kJson : Format::kText); });
}

} // namespace aether::ctl
