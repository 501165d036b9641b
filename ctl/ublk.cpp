// aether-ctl ublk: start, stop, list and watch aether-ublk devices. The ublk library
// finds them and their servers through the stats files the servers keep in
// <run dir>/ublk<N>.stats (see ublk/registry.hpp), without asking a server anything,
// so this works the same for a server that is busy or dead.
#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstring>
#include <fcntl.h>
#include <filesystem>
#include <fstream>
#include <iomanip>
#include <optional>
#include <ostream>
#include <poll.h>
#include <sstream>
#include <string>
#include <sys/wait.h>
#include <unistd.h>
#include <vector>

#include <nlohmann/json.hpp>

#include "cli.hpp"
#include "registry.hpp"
#include "ublk_new.hpp"
#include "stats_file.hpp"
#include "util/errors.hpp"
#include "util/size_option.hpp"

namespace aether::ctl {

namespace {

namespace fs = std::filesystem;
using aether::ublk::kStatNames;
using aether::ublk::ServedDevice;
using aether::ublk::Stat;
using aether::ublk::StatsFile;

// Opens device @id's stats. Returns nothing, with the reason on ctx.err, if it has none.
std::optional<ServedDevice> open_device(Context &ctx, uint32_t id)
{
	ServedDevice d;
	std::string why;
	const int ret = ublk::open_device(id, d, &why);
	if (ret == -ENOENT) {
		fail(ctx, "no aether-ublk device " + std::to_string(id) + " (" + ublk::stats_path(id) +
				  " does not exist); 'aether-ctl ublk list' shows them");
		return std::nullopt;
	}
	if (ret < 0) {
		fail(ctx, why);
		return std::nullopt;
	}
	return d;
}

// Every device with a stats file; unreadable ones are reported and skipped.
std::vector<ServedDevice> all_devices(Context &ctx)
{
	std::vector<ServedDevice> devs;
	for (uint32_t id : ublk::device_ids())
		if (auto d = open_device(ctx, id))
			devs.push_back(std::move(*d));
	return devs;
}

// Devices @ids, or every device if @ids is empty. Returns nothing, with the reason on
// ctx.err, if one of @ids has no stats.
std::optional<std::vector<ServedDevice>> select_devices(Context &ctx, const std::vector<uint32_t> &ids)
{
	if (ids.empty())
		return all_devices(ctx);
	std::vector<ServedDevice> devs;
	for (uint32_t id : ids) {
		auto d = open_device(ctx, id);
		if (!d)
			return std::nullopt;
		devs.push_back(std::move(*d));
	}
	return devs;
}

std::string fixed_string(const char *s, size_t n)
{
	return std::string(s, strnlen(s, n));
}

// Which target serves the device: a server stores a file by its absolute path and an
// NBD export by its URI, which never starts with '/'.
const char *backend_target(const ublk::StatsHeader &h)
{
	return h.file[0] == '/' ? "file" : "nbd";
}

nlohmann::json info_json(const ServedDevice &d)
{
	const auto &h = d.view.file().h;
	return {{"id", d.id},
		{"device", "/dev/ublkb" + std::to_string(d.id)},
		{"pid", d.pid},
		{"state", ublk::state_name(d.state)},
		{"size_bytes", h.dev_bytes},
		{"cache_bytes", h.cache_bytes},
		{"latency_us", h.latency_us},
		{"policy", fixed_string(h.policy, sizeof(h.policy))},
		{"queues", h.queues},
		{"depth", h.depth},
		{"file", fixed_string(h.file, sizeof(h.file))},
		{"target", backend_target(h)},
		// The kernel hands each request's pages to the backend's I/O (UBLK_F_AUTO_BUF_REG).
		{"zero_copy", (d.flags & UBLK_F_AUTO_BUF_REG) != 0},
		// Requests are handed over and answered in batches (UBLK_F_BATCH_IO).
		{"batch", (d.flags & UBLK_F_BATCH_IO) != 0},
		// The server copies each request's data itself (UBLK_F_USER_COPY).
		{"user_copy", (d.flags & UBLK_F_USER_COPY) != 0}};
}

std::string whole_mib(uint64_t bytes)
{
	return util::format_mib(bytes, util::MibStyle::kWholeWithSuffix);
}

int run_list(Context &ctx, Format format)
{
	auto devs = all_devices(ctx);
	if (format == Format::kJson) {
		nlohmann::json a = nlohmann::json::array();
		for (const ServedDevice &d : devs)
			a.push_back(info_json(d));
		ctx.out << a.dump(2) << "\n";
		return kExitOk;
	}
	ctx.out << std::left << std::setw(13) << "DEVICE" << std::setw(8) << "PID" << std::setw(11) << "STATE"
		<< std::right << std::setw(8) << "SIZE" << std::setw(8) << "CACHE" << std::setw(9) << "LAT_US"
		<< "  " << std::left << std::setw(9) << "POLICY" << "BACKEND\n";
	for (const ServedDevice &d : devs) {
		const auto &h = d.view.file().h;
		ctx.out << std::left << std::setw(13) << "/dev/ublkb" + std::to_string(d.id) << std::setw(8) << d.pid
			<< std::setw(11) << ublk::state_name(d.state) << std::right << std::setw(8) << whole_mib(h.dev_bytes)
			<< std::setw(8) << whole_mib(h.cache_bytes) << std::setw(9) << h.latency_us << "  " << std::left
			<< std::setw(9) << fixed_string(h.policy, sizeof(h.policy)) << fixed_string(h.file, sizeof(h.file))
			<< "\n";
	}
	if (devs.empty())
		ctx.out << "(no aether-ublk devices; start one with 'aether-ctl ublk add --file PATH' or '--nbd URI')\n";
	return kExitOk;
}

// The bucket holding the @pct-th percentile of @counts, or "-" with no samples.
std::string percentile_bucket(const uint64_t (&counts)[ublk::kLatencyBuckets], unsigned pct)
{
	const int k = ublk::latency_percentile(counts, pct);
	return k < 0 ? "-" : ublk::latency_bucket_name(static_cast<unsigned>(k));
}

// Adds histogram @hist to @j as NAME (its non-empty buckets, in latency order),
// NAME_p50 and NAME_p99; returns how many samples it holds.
uint64_t add_histogram(nlohmann::json &j, const std::string &name,
		       const std::atomic<uint64_t> (&hist)[ublk::kLatencyBuckets])
{
	nlohmann::ordered_json lat = nlohmann::ordered_json::object();
	uint64_t counts[ublk::kLatencyBuckets], total = 0;
	for (unsigned k = 0; k < ublk::kLatencyBuckets; k++) {
		counts[k] = hist[k].load(std::memory_order_relaxed);
		total += counts[k];
		if (counts[k])
			lat[ublk::latency_bucket_name(k)] = counts[k];
	}
	j[name] = nlohmann::json::parse(lat.dump()); // the text keeps latency order
	j[name + "_p50"] = percentile_bucket(counts, 50);
	j[name + "_p99"] = percentile_bucket(counts, 99);
	return total;
}

// Prints histogram NAME of @j (see add_histogram), with @hist for its bucket order.
void print_histogram(std::ostream &out, const nlohmann::json &j, const std::string &name,
		     const std::atomic<uint64_t> (&hist)[ublk::kLatencyBuckets])
{
	out << "  " << std::setw(22) << name + "_p50" << j[name + "_p50"].get<std::string>() << "\n"
	    << "  " << std::setw(22) << name + "_p99" << j[name + "_p99"].get<std::string>() << "\n"
	    << "  " << std::setw(22) << name;
	for (unsigned k = 0; k < ublk::kLatencyBuckets; k++)
		if (const uint64_t n = hist[k].load(std::memory_order_relaxed))
			out << " " << ublk::latency_bucket_name(k) << ":" << n;
	out << "\n";
}

int run_stats(Context &ctx, const std::vector<uint32_t> &ids, Format format)
{
	auto devs = select_devices(ctx, ids);
	if (!devs)
		return kExitFailure;
	nlohmann::json a = nlohmann::json::array();
	for (const ServedDevice &d : *devs) {
		const StatsFile &f = d.view.file();
		nlohmann::json j = info_json(d);
		for (size_t i = 0; i < static_cast<size_t>(Stat::kCount); i++)
			j[kStatNames[i]] = f.c.get(static_cast<Stat>(i));
		add_histogram(j, "read_latency", f.c.read_latency);
		// A remote backend's round trips, as the server measured them.
		const uint64_t trips = add_histogram(j, "backend_latency", f.c.backend_latency);
		if (format == Format::kJson) {
			a.push_back(j);
			continue;
		}
		ctx.out << j["device"].get<std::string>() << "  pid " << d.pid << " (" << ublk::state_name(d.state)
			<< "), cache " << whole_mib(f.h.cache_bytes) << ", latency " << f.h.latency_us << " us, policy "
			<< j["policy"].get<std::string>() << "\n";
		for (size_t i = 0; i < static_cast<size_t>(Stat::kCount); i++)
			ctx.out << "  " << std::left << std::setw(22) << kStatNames[i] << f.c.get(static_cast<Stat>(i)) << "\n";
		const uint64_t reads = f.c.get(Stat::kReads), issued = f.c.get(Stat::kPrefetchIssued);
		ctx.out << "  " << std::setw(22) << "cache_hit_pct" << (reads ? 100 * f.c.get(Stat::kCacheHits) / reads : 0) << "\n"
			<< "  " << std::setw(22) << "prefetch_accuracy_pct"
			<< (issued ? 100 * f.c.get(Stat::kPrefetchUsed) / issued : 0) << "\n";
		print_histogram(ctx.out, j, "read_latency", f.c.read_latency);
		if (trips || j["target"] == "nbd")
			print_histogram(ctx.out, j, "backend_latency", f.c.backend_latency);
	}
	if (format == Format::kJson)
		ctx.out << a.dump(2) << "\n";
	else if (devs->empty())
		ctx.out << "(no aether-ublk devices)\n";
	return kExitOk;
}

// The aether-ublk to start: $AETHER_UBLK, else the one next to this aether-ctl, else
// the one on $PATH.
std::string server_path()
{
	if (const char *p = std::getenv("AETHER_UBLK"); p && *p)
		return p;
	std::error_code ec;
	const fs::path self = fs::read_symlink("/proc/self/exe", ec);
	if (!ec && fs::exists(self.parent_path() / "aether-ublk", ec))
		return self.parent_path() / "aether-ublk";
	return "aether-ublk";
}

// What `ublk add` hands to aether-ublk: empty (size: 0) is left to its default.
struct AddOptions {
	std::string file, nbd, io_timeout, cache_mb, latency_us, policy, queues, depth, io_scheduler;
	uint64_t size = 0; // bytes; parse_size() never gives 0
	bool read_only = false;
	bool no_recovery = false;
	bool no_zero_copy = false;
	bool no_batch = false;
	bool user_copy = false;
	bool restart = false;
};

// Starts aether-ublk with @args (after its path) in its own session and waits for
// the device path it prints once the device is live; prints that path. Its stderr
// goes to <run dir>/ublk<N>.log. Returns the exit code.
int spawn_server(Context &ctx, std::vector<std::string> args)
{
	args.insert(args.begin(), server_path());
	std::error_code ec;
	fs::create_directories(ublk::run_dir(), ec);
	const std::string log = ublk::run_dir() + "/ublk-add-" + std::to_string(getpid()) + ".log";
	const int log_fd = open(log.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	int out[2];
	if (log_fd < 0 || pipe2(out, O_CLOEXEC) < 0)
		return fail(ctx, log + ": " + util::errstr(errno));
	std::vector<char *> argv;
	for (std::string &a : args)
		argv.push_back(a.data());
	argv.push_back(nullptr);
	const pid_t pid = fork();
	if (pid == 0) {
		setsid();
		const int null = open("/dev/null", O_RDONLY);
		dup2(null, 0);
		dup2(out[1], 1);
		dup2(log_fd, 2);
		execvp(argv[0], argv.data());
		dprintf(2, "aether-ctl: cannot run %s: %s\n", argv[0], std::strerror(errno));
		_exit(127);
	}
	const int fork_err = errno;
	close(out[1]);
	close(log_fd);
	std::string line;
	char c;
	// The server prints one line once the device is live, or exits.
	pollfd p{out[0], POLLIN, 0};
	while (pid > 0 && poll(&p, 1, 120000) > 0 && read(out[0], &c, 1) == 1 && c != '\n')
		line += c;
	close(out[0]);
	if (pid > 0 && line.rfind("/dev/ublkb", 0) == 0) {
		fs::rename(log, ublk::run_dir() + "/ublk" + line.substr(10) + ".log", ec);
		ctx.out << line << "\n";
		return kExitOk;
	}
	int status = 0;
	if (pid > 0) {
		kill(pid, SIGTERM); // no device after two minutes: give up on it
		waitpid(pid, &status, 0);
	}
	std::ifstream why(log);
	ctx.err << why.rdbuf();
	fs::remove(log, ec);
	return fail(ctx, std::string("aether-ublk did not start a device") +
				 (pid < 0 ? ": fork: " + util::errstr(fork_err) : ""));
}

int run_add(Context &ctx, const AddOptions &o)
{
	if (o.file.empty() == o.nbd.empty()) {
		ctx.err << "aether-ctl: ublk add: give the backing store: --file PATH or --nbd URI\n";
		return kExitUsage;
	}
	const std::string size = o.size ? std::to_string(o.size) : "";
	std::vector<std::string> args{o.nbd.empty() ? "--file" : "--nbd", o.nbd.empty() ? o.file : o.nbd};
	for (auto [flag, value] : {std::pair{"--size", &size}, {"--cache-mb", &o.cache_mb},
				  {"--latency-us", &o.latency_us}, {"--policy", &o.policy},
				  {"--queues", &o.queues}, {"--depth", &o.depth}, {"--io-timeout", &o.io_timeout},
				  {"--io-scheduler", &o.io_scheduler}})
		if (!value->empty())
			args.insert(args.end(), {flag, *value});
	if (o.read_only)
		args.push_back("--read-only");
	if (o.no_recovery)
		args.push_back("--no-recovery");
	if (o.no_zero_copy)
		args.push_back("--no-zero-copy");
	if (o.no_batch)
		args.push_back("--no-batch");
	if (o.user_copy)
		args.push_back("--user-copy");
	if (o.restart)
		args.push_back("--restart");
	return spawn_server(ctx, std::move(args));
}

// Starts a new server for device @id, whose server died while the kernel held its
// I/O, with the dead server's backing file, cache, policy and latency from its stats
// file; the geometry comes from the kernel. Prints /dev/ublkbN once it is live.
int run_recover(Context &ctx, uint32_t id)
{
	auto d = open_device(ctx, id);
	if (!d)
		return kExitFailure;
	const std::string dev = "/dev/ublkb" + std::to_string(id);
	const auto &h = d->view.file().h;
	switch (d->state) {
	case ublk::ServerState::kQuiesced:
		break;
	case ublk::ServerState::kLive:
		return fail(ctx, dev + " is live (server pid " + std::to_string(h.pid) + "): there is nothing to recover");
	case ublk::ServerState::kRecovering:
		return fail(ctx, dev + " is being recovered already, by aether-ublk pid " + std::to_string(d->pid));
	case ublk::ServerState::kDead:
		return fail(ctx, dev + "'s server (pid " + std::to_string(h.pid) +
					 ") is gone, and the kernel did not hold its I/O: it was added with --no-recovery,"
					 " or stopped. 'aether-ctl ublk del " + std::to_string(id) + "' removes what is left");
	}
	std::vector<std::string> args{"--recover", std::to_string(id),
				      std::string("--") + backend_target(h), fixed_string(h.file, sizeof(h.file)),
				      "--policy", fixed_string(h.policy, sizeof(h.policy)),
				      "--latency-us", std::to_string(h.latency_us)};
	if (h.cache_bytes)
		args.insert(args.end(), {"--cache-mb", std::to_string(h.cache_bytes >> 20)});
	return spawn_server(ctx, std::move(args));
}

// Stops device @d: SIGTERM to a live server, which removes the device and its stats
// once every acknowledged write is durable; for a dead server, DEL_DEV and the stale
// stats file. A live server gets @timeout_s seconds (0: as long as it takes); one
// still running then is left alone, since only it knows which writes are not yet
// durable. Returns true if the device is gone.
bool del_device(Context &ctx, const ServedDevice &d, unsigned timeout_s, ublk::StopMode mode)
{
	const int32_t pid = d.pid;
	std::string why;
	// A quiesced device's user waits for a recovery; deleting the device fails its I/O.
	const bool held = d.live() || d.state == ublk::ServerState::kRecovering || d.state == ublk::ServerState::kQuiesced;
	if (held && mode == ublk::StopMode::kClean && ublk::device_in_use(d.id, &why)) {
		fail(ctx, "/dev/ublkb" + std::to_string(d.id) + " is in use (" + why +
				  "): stopping it would fail the I/O of whoever uses it. Unmount it first, or --force");
		return false;
	}
	if (!d.live() && d.state != ublk::ServerState::kRecovering) {
		if (ublk::delete_orphan(d.id, d.view.file().h.pid, &why) == 0)
			return true;
		fail(ctx, why);
		return false;
	}
	const std::string dev = "/dev/ublkb" + std::to_string(d.id);
	const auto slow = [&] {
		ctx.err << "aether-ctl: waiting for aether-ublk (pid " << pid << ") to flush and remove " << dev
			<< "...\n";
	};
	if (ublk::stop_server(pid, mode, std::chrono::seconds(timeout_s), slow) < 0) {
		fail(ctx, "aether-ublk (pid " + std::to_string(pid) + ") has not stopped " + dev + " after " +
				  std::to_string(timeout_s) + " s; it is still running and was sent " +
				  strsignal(ublk::stop_signal(mode)) + ". Wait for it," +
				  " or kill -9 it: writes it acknowledged are in the backing file, but only" +
				  " flushed ones are sure to be durable");
		return false;
	}
	std::error_code ec;
	// A recovery stopped before the kernel let it in leaves the device quiesced, under
	// the dead server's stats file: what is left is that server's.
	if (d.state == ublk::ServerState::kRecovering && d.pid != d.view.file().h.pid &&
	    fs::exists(ublk::stats_path(d.id), ec)) {
		if (ublk::delete_orphan(d.id, d.view.file().h.pid, &why) == 0)
			return true;
		fail(ctx, why);
		return false;
	}
	if (fs::exists(ublk::stats_path(d.id), ec)) {
		fail(ctx, "the server of " + dev + " exited without removing it; see " + ublk::run_dir() + "/ublk" +
				  std::to_string(d.id) + ".log");
		return false;
	}
	return true;
}

int run_del(Context &ctx, const std::vector<uint32_t> &ids, bool all, unsigned timeout_s, bool force)
{
	if (all == !ids.empty())
		return usage_error(ctx, "ublk del takes device ids or --all");
	auto devs = select_devices(ctx, ids);
	if (!devs)
		return kExitFailure;
	int ret = kExitOk;
	for (const ServedDevice &d : *devs)
		if (!del_device(ctx, d, timeout_s, force ? ublk::StopMode::kForce : ublk::StopMode::kClean))
			ret = kExitFailure;
	return ret;
}

} // namespace

void add_ublk(CLI::App &app, Context &ctx)
{
	CLI::App *ublk = app.add_subcommand("ublk", "aether-ublk devices: add, del, recover, list, stats");
	ublk->require_subcommand(1);
	ublk->footer("Examples:\n"
		     "  aether-ctl ublk add --file /srv/disk.img --cache-mb 256 --latency-us 200\n"
		     "  aether-ctl ublk add --nbd nbd://storage.example/vol1 --cache-mb 1024 --queues 4\n"
		     "  aether-ctl ublk list --json\n"
		     "  aether-ctl ublk stats 0\n"
		     "  aether-ctl ublk recover 0\n"
		     "  aether-ctl ublk del --all\n"
		     "Stats live in /run/aether/ublk<N>.stats ($AETHER_RUN_DIR overrides /run/aether).");

	auto o = std::make_shared<AddOptions>();
	CLI::App *add = ublk->add_subcommand("add", "Start an aether-ublk server in the background; prints /dev/ublkbN once it is live");
	CLI::Option *file = add->add_option("--file", o->file, "Backing file or block device");
	add->add_option("--nbd", o->nbd,
			"NBD export instead of a file: nbd://HOST[:PORT]/EXPORT, nbds:// (TLS: aether-ublk --help),\n"
			"nbd+unix:///EXPORT?socket=PATH")
		->excludes(file);
	add->add_option("--io-timeout", o->io_timeout,
			"With --nbd: seconds that requests wait for a dropped connection to come back, and that the\n"
			"server may take to answer the first connection (default 30)")
		->needs("--nbd");
	util::size_option(*add, "--size", o->size, "Bytes of the file to expose (default: all of it)");
	add->add_option("--cache-mb", o->cache_mb, "DRAM cache in MiB (default: none)");
	add->add_option("--latency-us", o->latency_us, "Latency added to every backend read");
	add->add_option("--policy", o->policy, "The core's prefetch preset: off, hft, gaming or adaptive")
		->check(CLI::IsMember({"off", "hft", "gaming", "adaptive"}));
	add->add_option("--queues", o->queues, "Queues, each with a thread and an io_uring");
	add->add_option("--depth", o->depth, "Requests in flight per queue");
	add->add_flag("--read-only", o->read_only,
		      "Expose the device read-only; read-only servers of one file may run side by side");
	add->add_flag("--no-recovery", o->no_recovery,
		      "Fail the device's I/O if its server dies, instead of holding it for 'ublk recover'");
	add->add_flag("--no-zero-copy", o->no_zero_copy,
		      "Copy each request's data through the server's buffers even where the kernel offers zero copy");
	add->add_flag("--no-batch", o->no_batch,
		      "One command per request even where the kernel hands requests over in batches (UBLK_F_BATCH_IO)");
	add->add_flag("--user-copy", o->user_copy,
		      "With --cache-mb: copy each request's data in the server, so that a hit is one copy (UBLK_F_USER_COPY)");
	add->add_option("--io-scheduler", o->io_scheduler,
			"The device's I/O scheduler (default none; aether-ublk --help says why)");
	add->add_flag("--restart", o->restart,
		      "Recover the device automatically: a supervisor starts a new server whenever the server dies of a signal")
		->excludes("--no-recovery");
	add->callback([&ctx, o] { ctx.exit_code = run_add(ctx, *o); });

	auto ids = std::make_shared<std::vector<uint32_t>>();
	auto all = std::make_shared<bool>(false);
	CLI::App *del = ublk->add_subcommand("del", "Stop devices cleanly: flush, remove the device, stop the server");
	del->add_option("ids", *ids, "Device ids N of /dev/ublkbN")->check(CLI::Range(0u, UINT32_MAX));
	del->add_flag("--all", *all, "Every aether-ublk device");
	auto timeout = std::make_shared<unsigned>(0);
	del->add_option("--timeout", *timeout, "Give up on a server still running after this many seconds, leaving it be (default 0: wait)");
	auto force = std::make_shared<bool>(false);
	del->add_flag("--force", *force,
		      "Stop a device even while it is mounted or held open exclusively (its user's I/O then fails)");
	del->callback([&ctx, ids, all, timeout, force] { ctx.exit_code = run_del(ctx, *ids, *all, *timeout, *force); });

	auto recover_id = std::make_shared<uint32_t>(0);
	CLI::App *recover = ublk->add_subcommand(
		"recover", "Start a new server for a device whose server died (kill -9, OOM, a crash); prints /dev/ublkbN");
	recover->add_option("id", *recover_id, "Device id N of /dev/ublkbN, in state quiesced in 'ublk list'")
		->required()->check(CLI::Range(0u, UINT32_MAX));
	recover->footer("The kernel holds the device's I/O while it has no server, and reissues what the dead server\n"
			"had taken, so a filesystem on it sees a pause, not an error. The new server uses the dead\n"
			"one's backing file, cache size, policy and latency, and starts with a cold cache.");
	recover->callback([&ctx, recover_id] { ctx.exit_code = run_recover(ctx, *recover_id); });

	auto json = std::make_shared<bool>(false);
	CLI::App *list = ublk->add_subcommand("list", "One line per device: server, state (live, quiesced, recovering or dead), size, cache, policy, backend (file or NBD URI)");
	list->add_flag("--json", *json, "JSON instead of a table");
	list->callback([&ctx, json] { ctx.exit_code = run_list(ctx, *json ? Format::kJson : Format::kText); });

	auto stat_ids = std::make_shared<std::vector<uint32_t>>();
	CLI::App *stats = ublk->add_subcommand("stats", "Counters, read latency and a remote backend's round trips, of one device or all");
	stats->add_option("ids", *stat_ids, "Device ids (default: all)")->check(CLI::Range(0u, UINT32_MAX));
	stats->add_flag("--json", *json, "JSON instead of text");
	stats->callback([&ctx, stat_ids, json] { ctx.exit_code = run_stats(ctx, *stat_ids, *json ? Format::kJson : Format::kText); });
}

} // namespace aether::ctl
