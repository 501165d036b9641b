// aether-ublk: serves a /dev/ublkbN from a file, until SIGINT, SIGTERM, SIGHUP or SIGQUIT;
// --recover takes over a device whose server died.
#include <atomic>
#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <fcntl.h>
#include <functional>
#include <optional>
#include <poll.h>
#include <sys/signalfd.h>
#include <sys/wait.h>
#include <string>
#include <thread>
#include <unistd.h>
#include <vector>

#include <CLI/CLI.hpp>

#include "ctrl.hpp"
#include "device.hpp"
#include "queue.hpp"
#include "registry.hpp"
#include "stats_file.hpp"
#include "target.hpp"
#include "ublk_new.hpp"
#include "util/size_option.hpp"

namespace {

using namespace aether::ublk;

struct Options {
	std::string file;
	std::string nbd; // an NBD URI, served instead of a file
	uint32_t io_timeout_s = 30;
	uint64_t size = 0;
	unsigned queues = 1;
	unsigned depth = 64;
	uint64_t max_io = 512 * 1024;
	uint32_t logical_block = 0; // 0: as the backing store needs
	uint32_t physical_block = 4096;
	bool read_only = false;
	int dev_id = -1;
	uint64_t cache_mb = 0;
	uint32_t latency_us = 0;
	std::string policy; // empty: adaptive with a cache, off without
	int recover_id = -1; // --recover N: serve device N again, whose server died
	bool no_recovery = false;
	bool no_zero_copy = false; // copy through the server's buffers even where the kernel offers zero copy
	bool no_batch = false;     // one command per request even where the kernel batches them
	bool user_copy = false;    // the server copies each request's data itself (UBLK_F_USER_COPY)
	bool restart = false; // a supervisor restarts a server that dies, to recover its device
	std::string scheduler = "none"; // the device's I/O scheduler, set once it is live
	bool scheduler_given = false;   // --io-scheduler was given (a recovery then sets it too)
};

// Where the device's blocks live, as the stats file and messages name it: the file,
// or the NBD URI.
const std::string &backend(const Options &o)
{
	return o.nbd.empty() ? o.file : o.nbd;
}

// How serve() gets its device: a new one, or one whose server died.
enum class Attach { kAdd, kRecover };

// --policy's preset, or nothing for "off".
std::optional<aether::Preset> parse_policy(const std::string &name)
{
	for (aether::Preset p : {aether::Preset::kHft, aether::Preset::kGaming, aether::Preset::kAdaptive})
		if (name == aether::preset_name(p))
			return p;
	return std::nullopt;
}

int die(const std::string &msg, int ret = 1)
{
	std::fprintf(stderr, "aether-ublk: %s\n", msg.c_str());
	return ret;
}

// Sets the I/O scheduler of /dev/ublkb@id to @name, as an administrator would in
// sysfs. Returns 0, or -errno (-EINVAL: the kernel has no scheduler of that name).
int set_scheduler(uint32_t id, const std::string &name)
{
	const std::string path = "/sys/block/ublkb" + std::to_string(id) + "/queue/scheduler";
	const int fd = open(path.c_str(), O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	const int ret = write(fd, name.data(), name.size()) < 0 ? -errno : 0;
	close(fd);
	return ret;
}

// A check for a size option: the size, read as parse_size() reads it, must be bytes
// that @range accepts, and is refused in @range's words otherwise.
CLI::Validator size_in(const CLI::Range &range)
{
	return CLI::Validator(
		[range](std::string &s) {
			uint64_t bytes = 0;
			if (std::string why = aether::util::parse_size(s, bytes); !why.empty())
				return why;
			std::string text = std::to_string(bytes);
			return range(text);
		},
		range.get_description());
}

bool power_of_two(uint64_t v)
{
	return v && !(v & (v - 1));
}

// MemAvailable from /proc/meminfo in MiB, or nothing if it cannot be read.
std::optional<uint64_t> available_mb()
{
	FILE *f = std::fopen("/proc/meminfo", "re");
	if (!f)
		return std::nullopt;
	char line[128];
	std::optional<uint64_t> mb;
	unsigned long long kb;
	while (std::fgets(line, sizeof(line), f))
		if (std::sscanf(line, "MemAvailable: %llu kB", &kb) == 1) {
			mb = kb >> 10;
			break;
		}
	std::fclose(f);
	return mb;
}

// The device's geometry from @o and the target's size.
ublk_params make_params(const Options &o, const Target &t)
{
	ublk_params p{};
	p.types = UBLK_PARAM_TYPE_BASIC;
	p.basic.attrs = t.attrs;
	p.basic.logical_bs_shift = static_cast<uint8_t>(__builtin_ctz(t.logical_block));
	p.basic.physical_bs_shift = static_cast<uint8_t>(__builtin_ctz(o.physical_block));
	p.basic.io_min_shift = p.basic.logical_bs_shift;
	p.basic.io_opt_shift = p.basic.physical_bs_shift;
	p.basic.max_sectors = static_cast<uint32_t>(o.max_io >> 9);
	p.basic.dev_sectors = t.dev_size >> 9;
	if (t.discard) {
		p.types |= UBLK_PARAM_TYPE_DISCARD;
		p.discard.discard_granularity = o.physical_block;
		p.discard.max_discard_sectors = UINT32_MAX >> 9;
		p.discard.max_write_zeroes_sectors = UINT32_MAX >> 9;
		p.discard.max_discard_segments = 1;
	}
	return p;
}

// Describes the device for its stats file.
StatsHeader make_header(const Options &o, const Device &d, uint32_t id)
{
	StatsHeader h{};
	h.pid = getpid();
	h.dev_id = id;
	h.dev_bytes = d.target->dev_size;
	h.cache_bytes = d.cache.enabled() ? d.cache.bytes() : 0;
	h.latency_us = o.latency_us;
	h.queues = static_cast<uint16_t>(o.queues);
	h.depth = static_cast<uint16_t>(o.depth);
	std::snprintf(h.policy, sizeof(h.policy), "%s", o.policy.c_str());
	// A file by its absolute path; a URI never starts with '/', so readers tell them
	// apart.
	char *path = o.nbd.empty() ? realpath(o.file.c_str(), nullptr) : nullptr;
	std::snprintf(h.file, sizeof(h.file), "%s", path ? path : backend(o).c_str());
	std::free(path);
	return h;
}

// Opens /dev/ublk-control into @ctrl. Returns 0, or -errno with a message in *why.
int open_control(Ctrl &ctrl, std::string *why)
{
	const int ret = ctrl.open();
	if (ret == -ENOENT)
		*why = "/dev/ublk-control does not exist: load the driver with 'modprobe ublk_drv'";
	else if (ret < 0)
		*why = std::string("/dev/ublk-control: ") + std::strerror(-ret);
	return ret;
}

// For --recover: takes the geometry of device o.recover_id from the kernel into @o
// (queues, depth, largest I/O, block sizes, size, read-only), since the new server
// must serve the device exactly as the dead one did. Returns 0, or -errno with a
// message in *why if the device cannot be recovered.
int recovered_geometry(Options &o, std::string *why)
{
	Ctrl ctrl;
	if (int ret = open_control(ctrl, why); ret < 0)
		return ret;
	const uint32_t id = static_cast<uint32_t>(o.recover_id);
	const std::string dev = "ublk device " + std::to_string(id);
	ublksrv_ctrl_dev_info info{};
	int ret = ctrl.get_dev_info(id, &info);
	if (ret < 0) {
		*why = dev + ": " + (ret == -ENODEV ? std::string("no such device") : std::strerror(-ret));
		return ret;
	}
	if (!(info.flags & UBLK_F_USER_RECOVERY)) {
		*why = dev + " was added without user recovery (aether-ublk --no-recovery, or another ublk server), "
			     "so its I/O failed when its server died; 'aether-ctl ublk del " + std::to_string(id) +
		       "' removes it";
		return -EINVAL;
	}
	if (info.state == UBLK_S_DEV_DEAD) {
		*why = dev + " was stopped: there is nothing to recover; 'aether-ctl ublk del " + std::to_string(id) +
		       "' removes it";
		return -EINVAL;
	}
	if (server_alive(info.ublksrv_pid)) {
		*why = dev + " is still served by aether-ublk pid " + std::to_string(info.ublksrv_pid);
		return -EBUSY;
	}
	ublk_params p{};
	if ((ret = ctrl.get_params(id, &p)) < 0) {
		*why = dev + ": GET_PARAMS: " + std::strerror(-ret);
		return ret;
	}
	o.queues = info.nr_hw_queues;
	o.depth = info.queue_depth;
	o.max_io = info.max_io_buf_bytes;
	o.logical_block = 1u << p.basic.logical_bs_shift;
	o.physical_block = 1u << p.basic.physical_bs_shift;
	o.size = p.basic.dev_sectors << 9;
	o.read_only = p.basic.attrs & UBLK_ATTR_READ_ONLY;
	return 0;
}

// Whether a device served as @o says, over @t, can take the kernel's zero copy: the
// target's I/O goes through fixed buffer <tag> only, and no cache tier reads and
// fills the queue's own buffers.
bool zero_copy_fits(const Options &o, const Target &t)
{
	return !o.cache_mb && t.ops->fixed_buffer_io;
}

// Adds device @o.dev_id (or the first free id) to the kernel with @t's geometry, as
// this process's. Returns its id, or -errno with a message in *why.
int64_t add_device(Ctrl &ctrl, const Options &o, const Target &t, std::string *why)
{
	ublksrv_ctrl_dev_info info{};
	info.nr_hw_queues = static_cast<uint16_t>(o.queues);
	info.queue_depth = static_cast<uint16_t>(o.depth);
	info.max_io_buf_bytes = static_cast<uint32_t>(o.max_io);
	info.dev_id = o.dev_id < 0 ? UINT32_MAX : static_cast<uint32_t>(o.dev_id);
	info.ublksrv_pid = getpid();
	// The kernel holds the device's I/O when its server dies, and requeues what that
	// server had taken, until a new server recovers the device: a crash is then a
	// pause for the filesystem on it, not an I/O error. Reissuing is safe because a
	// request is done only once the backend has it, and reads and writes of a block
	// device's sectors are idempotent.
	if (!o.no_recovery)
		info.flags = UBLK_F_USER_RECOVERY | UBLK_F_USER_RECOVERY_REISSUE;
	// Zero copy where the kernel has it (it clears the flag where it does not): the
	// request's pages are the target's I/O buffer.
	if (!o.no_zero_copy && zero_copy_fits(o, t))
		info.flags |= UBLK_F_AUTO_BUF_REG;
	// Requests handed over and answered in batches where the kernel can (it clears
	// the flag where it cannot): one command per batch, not one per request.
	if (!o.no_batch)
		info.flags |= UBLK_F_BATCH_IO;
	if (o.user_copy)
		info.flags |= UBLK_F_USER_COPY;
	int ret = ctrl.add_dev(&info);
	if (ret < 0) {
		*why = std::string("ADD_DEV: ") + std::strerror(-ret) + (ret == -EEXIST ? " (that device id is taken)" : "");
		return ret;
	}
	// The kernel gives a device one queue per possible CPU at most, and says so only
	// by lowering nr_hw_queues; the queues above it do not exist.
	if (info.nr_hw_queues < o.queues) {
		*why = "--queues " + std::to_string(o.queues) + ": the kernel gives a ublk device at most " +
		       std::to_string(info.nr_hw_queues) + " on this machine, one per CPU";
		ctrl.del_dev(info.dev_id);
		return -EINVAL;
	}
	ublk_params params = make_params(o, t);
	if ((ret = ctrl.set_params(info.dev_id, &params)) < 0) {
		*why = std::string("SET_PARAMS: ") + std::strerror(-ret);
		ctrl.del_dev(info.dev_id);
		return ret;
	}
	return info.dev_id;
}

// For a recovery, which finds what the dead server held (its /dev/ublkcN, its lock
// on the backing store) busy until the kernel has torn that server down: calls
// @attempt every 100 ms while it returns -EBUSY, for up to a minute, and says
// @waiting once if that takes more than two seconds. Returns @attempt's last result.
int retry_busy(const std::function<int()> &attempt, const std::string &waiting)
{
	int ret;
	for (int i = 0; (ret = attempt()) == -EBUSY && i < 600; i++) {
		if (i == 20)
			die(waiting);
		usleep(100000);
	}
	return ret;
}

// Takes device @id over for recovery: waits, for up to a minute, until the kernel
// has released the dead server's /dev/ublkcN and quiesced the device. Returns 0, or
// -errno with a message in *why.
int start_recovery(Ctrl &ctrl, uint32_t id, std::string *why)
{
	const int ret = retry_busy([&] { return ctrl.start_user_recovery(id); },
				   "waiting for the kernel to release /dev/ublkc" + std::to_string(id) + " of the dead server...");
	if (ret < 0)
		*why = "START_USER_RECOVERY of ublk device " + std::to_string(id) + ": " + std::strerror(-ret) +
		       (ret == -EBUSY ? " (its old server still holds /dev/ublkc" + std::to_string(id) + ")" : "");
	return ret;
}

// A recovery that failed before the device went live leaves the device as it found
// it: quiesced, its I/O held, for another recovery. Stopping it would fail that I/O,
// so the server exits without STOP_DEV; the kernel treats that as another dead
// server, and releases its queues' commands.
[[noreturn]] void abandon_recovery(uint32_t id)
{
	release_recovery(id);
	die("recovery of /dev/ublkb" + std::to_string(id) + " failed; the device is left quiesced, its I/O held: " +
	    "try again with 'aether-ctl ublk recover " + std::to_string(id) + "', or remove it with 'aether-ctl ublk del " +
	    std::to_string(id) + " --force'");
	std::fflush(stderr);
	_exit(1);
}

// Runs the device until a signal in @sigs arrives. For Attach::kAdd the device is
// new; for kRecover it is o.recover_id, which recovered_geometry() vetted. Returns
// the exit status.
int serve(const Options &o, Device &dev, const sigset_t &sigs, Attach attach)
{
	Target &t = *dev.target;
	Ctrl ctrl;
	std::string why_ctrl;
	int ret = open_control(ctrl, &why_ctrl);
	if (ret < 0)
		return die(why_ctrl);
	int64_t added = attach == Attach::kAdd ? add_device(ctrl, o, t, &why_ctrl) : o.recover_id;
	if (added < 0)
		return die(why_ctrl);
	const uint32_t id = static_cast<uint32_t>(added);
	if (attach == Attach::kRecover && start_recovery(ctrl, id, &why_ctrl) < 0)
		return die(why_ctrl);
	// What the kernel agreed to: for a new device, the flags ADD_DEV kept; for a
	// recovered one, the flags it was added with.
	ublksrv_ctrl_dev_info info{};
	if ((ret = ctrl.get_dev_info(id, &info)) < 0)
		return die(std::string("GET_DEV_INFO: ") + std::strerror(-ret));
	dev.zero_copy = info.flags & UBLK_F_AUTO_BUF_REG;
	dev.batch = info.flags & UBLK_F_BATCH_IO;
	dev.user_copy = info.flags & UBLK_F_USER_COPY;
	if (dev.zero_copy && !zero_copy_fits(o, *dev.target))
		return die("ublk device " + std::to_string(id) + " was added with zero copy, which a cache tier or an NBD "
			   "backend cannot serve; recover it without --cache-mb and with --file", 2);
	const std::string char_path = "/dev/ublkc" + std::to_string(id);

	int status = 0;
	int char_fd = -1;
	std::vector<std::thread> threads;
	std::vector<std::string> why(o.queues);
	std::atomic<int> ready{0};
	std::atomic<int> failed{0};            // queues that could not start, and have ended
	std::atomic<bool> stopping{false}; // the main thread is stopping the device
	// A queue stops serving before the main thread stops the device when its ring
	// fails, and ends when its ring fails again or someone else stopped or deleted
	// the device: either way the device is no longer served, so the whole server
	// stops (SIGUSR1 to the main thread) and reports why.
	const auto stop_server = [&] {
		if (!stopping)
			kill(getpid(), SIGUSR1);
	};
	bool abandoned = false;            // a queue ended on its own: give the device up
	bool live = false;                  // START_DEV or END_USER_RECOVERY succeeded
	StatsWriter stats;
	std::string why_stats;
	// Stats are for watching, not for serving: without /run/aether the device still runs.
	if (stats.create(make_header(o, dev, id), &why_stats) == 0) {
		dev.stats = &stats.file()->c;
		dev.cache.count_into(dev.stats);
	} else {
		die("stats will not be visible to aether-ctl: " + why_stats);
	}
	// udev may still be creating the node.
	for (int i = 0; i < 100 && (char_fd = open(char_path.c_str(), O_RDWR | O_CLOEXEC)) < 0 && errno == ENOENT; i++)
		usleep(10000);
	if (char_fd < 0) {
		status = die(char_path + ": " + std::strerror(errno));
		if (attach == Attach::kRecover)
			abandon_recovery(id);
		goto del;
	}
	for (unsigned q = 0; q < o.queues; q++)
		threads.emplace_back([&, q] {
			const QueueSetup s{char_fd, static_cast<uint16_t>(q), static_cast<uint16_t>(o.depth),
					  static_cast<uint32_t>(o.max_io), &dev, stop_server};
			run_queue(s, ready, failed, &why[q]);
			if (!failed)
				stop_server();
		});
	// Every queue either starts or fails and ends. Not only until the first fails:
	// STOP_DEV below cancels only the FETCH_REQs the kernel holds, so a queue that
	// submitted its own after that would wait for requests for ever.
	while (ready + failed < static_cast<int>(o.queues))
		usleep(1000);
	if (failed) {
		status = 1;
	} else if ((ret = attach == Attach::kAdd ? ctrl.start_dev(id, getpid()) : ctrl.end_user_recovery(id, getpid())) < 0) {
		status = die(std::string(attach == Attach::kAdd ? "START_DEV: " : "END_USER_RECOVERY: ") + std::strerror(-ret));
	} else {
		live = true;
		if (attach == Attach::kRecover)
			release_recovery(id);
		// Before the device is announced, so that its first user meets the scheduler
		// asked for. A failure leaves the kernel's choice, and the device serves on.
		if ((attach == Attach::kAdd || o.scheduler_given) && (ret = set_scheduler(id, o.scheduler)) < 0)
			die("the I/O scheduler of /dev/ublkb" + std::to_string(id) + " stays the kernel's: setting '" +
			    o.scheduler + "' failed: " + std::strerror(-ret) +
			    (ret == -EINVAL ? " (see /sys/block/ublkbN/queue/scheduler for those it has)" : ""));
		std::printf("/dev/ublkb%u\n", id);
		std::fflush(stdout);
		// SIGINT stops at once; the others not while the device is in use, since its
		// user's I/O would then fail (aether-ctl ublk del --force sends SIGINT).
		for (;;) {
			int sig;
			std::string what;
			sigwait(&sigs, &sig);
			if (sig == SIGUSR1) {
				die("a queue has stopped serving: /dev/ublkb" + std::to_string(id) +
				    " was stopped or deleted by someone else, or its queue failed");
				abandoned = true;
				break;
			}
			if (sig == SIGINT || !device_in_use(id, &what))
				break;
			die(std::string(strsignal(sig)) + ": not stopping /dev/ublkb" + std::to_string(id) + ", which is in use (" +
			    what + "); unmount it first, or send SIGINT to stop it anyway");
		}
	}
	if (!live && attach == Attach::kRecover) {
		for (const std::string &w : why)
			if (!w.empty())
				die(w);
		abandon_recovery(id);
	}
	stopping = true;
	if (abandoned && abandon_queues(dev, &ret) == GiveUp::kEndRings) {
		// A queue that ended holds requests nobody will answer, and since Linux 7.0
		// STOP_DEV of a device with recovery waits for them while /dev/ublkcN is
		// open; only its release fails them. So the other queues end, and the char
		// device is closed before STOP_DEV.
		if (ret < 0)
			die(std::string("waking the queues to stop: ") + std::strerror(-ret));
		for (std::thread &th : threads)
			th.join();
		close(char_fd);
		char_fd = -1;
	}
	// STOP_DEV removes the disk once its requests are served, then aborts every
	// queue's commands, which ends the queue threads.
	ctrl.stop_dev(id);
	for (std::thread &th : threads)
		if (th.joinable())
			th.join();
	for (const std::string &w : why)
		if (!w.empty())
			status = die(w);
	// Every write the device acknowledged is in the file; make it durable too.
	if ((ret = t.ops->sync(t)) < 0)
		status = die(std::string("fdatasync of the backing file: ") + std::strerror(-ret));
del:
	if (char_fd >= 0)
		close(char_fd);
	// Not DEL_DEV, which would wait for every opener of the disk to go: a filesystem
	// still mounted on it after SIGINT would keep the server from exiting until its
	// umount. STOP_DEV removed the disk already; the kernel frees the rest later.
	// -ENODEV: someone else deleted it already.
	if ((ret = ctrl.del_dev_async(id)) < 0 && ret != -ENODEV)
		status = die(std::string("DEL_DEV_ASYNC: ") + std::strerror(-ret));
	return status;
}

// This process's claim on a device's recovery, dropped when it goes out of scope.
struct RecoveryClaim {
	uint32_t id;
	explicit RecoveryClaim(uint32_t i) : id(i) {}
	RecoveryClaim(const RecoveryClaim &) = delete;
	RecoveryClaim &operator=(const RecoveryClaim &) = delete;
	~RecoveryClaim() { release_recovery(id); }
};

// Validates @o, opens the backing store and the cache, and serves the device
// (@attach: a new one, or o.recover_id). Returns the exit status.
int run(Options o, Attach attach)
{
	// A recovery is claimed at once, so that while it waits below for the dead
	// server's backing store and for the kernel, 'ublk list' says the device is
	// recovering, and a second recovery is refused.
	std::optional<RecoveryClaim> claim;
	if (attach == Attach::kRecover) {
		std::string why;
		if (recovered_geometry(o, &why) < 0 || claim_recovery(static_cast<uint32_t>(o.recover_id), &why) < 0)
			return die(why);
		claim.emplace(static_cast<uint32_t>(o.recover_id));
	}
	if (o.max_io % 4096)
		return die("--max-io " + std::to_string(o.max_io) + ": must be a multiple of 4096", 2);
	if (!power_of_two(o.physical_block) || o.physical_block < o.logical_block)
		return die("--physical-block " + std::to_string(o.physical_block) +
			   ": must be a power of two no smaller than --logical-block", 2);
	if (o.logical_block && o.size % o.logical_block)
		return die("--size " + std::to_string(o.size) + ": must be a multiple of --logical-block", 2);

	// The cache is committed at start; one the host cannot hold would only push the
	// server (or a neighbour) into the OOM killer.
	if (const auto avail = available_mb(); o.cache_mb && avail && o.cache_mb > *avail)
		return die("--cache-mb " + std::to_string(o.cache_mb) + ": only " + std::to_string(*avail) +
			   " MiB of memory is available", 2);
	if (o.policy.empty())
		o.policy = o.cache_mb ? "adaptive" : "off";
	if (o.policy != "off" && !o.cache_mb)
		return die("--policy " + o.policy + " prefetches into the cache: give --cache-mb too", 2);

	TargetSetup s;
	s.latency_us = o.latency_us;
	s.path = backend(o);
	s.queues = o.queues;
	s.io_timeout_s = o.io_timeout_s;
	s.size = o.size;
	s.access = o.read_only ? TargetSetup::Access::kReadOnly : TargetSetup::Access::kReadWrite;
	s.logical_block = o.logical_block;
	s.physical_block = o.physical_block;
	Target t;
	t.ops = find_target(o.nbd.empty() ? "file" : "nbd");
	std::string why;
	int ret;
	// The dead server's rings hold the backing store until the kernel has torn them
	// down, after the process is gone: a recovery waits for that.
	if (attach == Attach::kRecover)
		ret = retry_busy([&] { return t.ops->init(t, s, &why); },
				 "waiting for " + backend(o) + ", which another process holds locked: the dead server, until " +
					 "the kernel has torn its rings down, or another server of it...");
	else
		ret = t.ops->init(t, s, &why);
	if (ret < 0)
		return die(why);
	if (o.physical_block < t.logical_block) {
		t.ops->uninit(t);
		return die("--physical-block " + std::to_string(o.physical_block) + ": smaller than the " +
			   std::to_string(t.logical_block) + "-byte logical block " + backend(o) + " needs", 2);
	}

	Device dev;
	dev.target = &t;
	if (dev.faults.init() < 0) {
		t.ops->uninit(t);
		return die(std::string("$AETHER_UBLK_FAULTS: '") + std::getenv("AETHER_UBLK_FAULTS") +
			   "' is not a list of SITE=N, SITE one of commit, wake, msg, ring, dead, fetch, gone", 2);
	}
	dev.ring_fd = std::vector<std::atomic<int>>(o.queues);
	for (auto &fd : dev.ring_fd)
		fd = -1;
	Counters local{};
	dev.stats = &local;
	if (o.cache_mb && dev.cache.init(o.cache_mb << 20, o.queues * kFillsPerQueue) < 0) {
		t.ops->uninit(t);
		return die("--cache-mb " + std::to_string(o.cache_mb) + ": cannot allocate that much memory");
	}
	if (const auto preset = parse_policy(o.policy))
		dev.prefetch = make_prefetchers(*preset, o.queues);

	// aether-ctl ublk add reads the device path from a pipe and goes away.
	signal(SIGPIPE, SIG_IGN);
	// Signals are taken by sigwait() in the main thread only.
	sigset_t sigs;
	sigemptyset(&sigs);
	// Every signal whose default would end the server, short of SIGKILL: each stops
	// the device cleanly, so a closed terminal (SIGHUP) or Ctrl-\ (SIGQUIT) loses no
	// write and leaves no stopped device behind.
	sigaddset(&sigs, SIGINT);
	sigaddset(&sigs, SIGTERM);
	sigaddset(&sigs, SIGHUP);
	sigaddset(&sigs, SIGQUIT);
	sigaddset(&sigs, SIGUSR1); // from a queue thread: its queue has ended
	pthread_sigmask(SIG_BLOCK, &sigs, nullptr);
	const int status = serve(o, dev, sigs, attach);
	if (dev.faults.armed()) {
		std::string what;
		for (size_t i = 0; i < static_cast<size_t>(FaultSite::kCount); i++)
			what += std::string(i ? ", " : "") + kFaultSiteNames[i] + " " +
				std::to_string(dev.faults.injected(static_cast<FaultSite>(i)));
		die("faults injected: " + what);
	}
	t.ops->uninit(t);
	return status;
}

// Restarts a server that dies of a signal this often, and no more often, before
// giving up: a server that keeps dying at once would otherwise spin.
constexpr int kRestartsPerMinute = 5;

// --restart: runs the server in a child process, and when the child dies of a signal
// (kill -9, the OOM killer, a crash) starts another that recovers its device. The
// first line the first child prints (the device path) is passed on. Signals that
// stop a server are passed to the child, which decides; this process exits with the
// child's status once a child exits on its own. Returns the exit status.
int supervise(Options o, Attach attach)
{
	signal(SIGPIPE, SIG_IGN);
	sigset_t sigs;
	sigemptyset(&sigs);
	for (int sig : {SIGCHLD, SIGINT, SIGTERM, SIGHUP, SIGQUIT})
		sigaddset(&sigs, sig);
	sigprocmask(SIG_BLOCK, &sigs, nullptr);
	const int sfd = signalfd(-1, &sigs, SFD_CLOEXEC);
	if (sfd < 0)
		return die(std::string("signalfd: ") + std::strerror(errno));
	int64_t id = -1;
	std::vector<time_t> restarts;
	for (;;) {
		int out[2];
		if (pipe2(out, O_CLOEXEC) < 0)
			return die(std::string("pipe: ") + std::strerror(errno));
		const pid_t pid = fork();
		if (pid < 0)
			return die(std::string("fork: ") + std::strerror(errno));
		if (pid == 0) {
			close(sfd);
			close(out[0]);
			dup2(out[1], STDOUT_FILENO);
			sigprocmask(SIG_UNBLOCK, &sigs, nullptr);
			std::fflush(stderr);
			_exit(run(o, attach));
		}
		close(out[1]);
		pollfd p[2] = {{sfd, POLLIN, 0}, {out[0], POLLIN, 0}};
		std::string line;
		int status = 0;
		for (;;) {
			if (poll(p, p[1].fd < 0 ? 1 : 2, -1) < 0 && errno != EINTR)
				return die(std::string("poll: ") + std::strerror(errno));
			char buf[64];
			ssize_t n;
			if (p[1].fd >= 0 && (p[1].revents & (POLLIN | POLLHUP))) {
				if ((n = read(out[0], buf, sizeof(buf))) <= 0) {
					close(out[0]);
					p[1].fd = -1;
				} else if (id < 0) {
					line.append(buf, static_cast<size_t>(n));
					if (const size_t nl = line.find('\n'); nl != std::string::npos) {
						id = std::strtoll(line.c_str() + std::strlen("/dev/ublkb"), nullptr, 10);
						std::fwrite(line.data(), 1, nl + 1, stdout);
						std::fflush(stdout);
					}
				}
			}
			signalfd_siginfo si;
			if ((p[0].revents & POLLIN) && read(sfd, &si, sizeof(si)) == sizeof(si) && si.ssi_signo != SIGCHLD)
				kill(pid, static_cast<int>(si.ssi_signo));
			if (waitpid(pid, &status, WNOHANG) == pid)
				break;
		}
		if (p[1].fd >= 0)
			close(out[0]);
		if (!WIFSIGNALED(status))
			return WEXITSTATUS(status);
		const char *sig = strsignal(WTERMSIG(status));
		if (id < 0)
			return die(std::string("the server died (") + sig + ") before its device was live");
		const time_t now = time(nullptr);
		std::erase_if(restarts, [now](time_t t) { return now - t >= 60; });
		if (static_cast<int>(restarts.size()) >= kRestartsPerMinute)
			return die("the server of /dev/ublkb" + std::to_string(id) + " died (" + sig + ") " +
				   std::to_string(kRestartsPerMinute + 1) + " times within a minute: not restarting it. " +
				   "The device is quiesced, its I/O held: 'aether-ctl ublk recover " + std::to_string(id) +
				   "' tries again");
		restarts.push_back(now);
		die("the server of /dev/ublkb" + std::to_string(id) + " (pid " + std::to_string(pid) + ") died (" + sig +
		    "): starting a new one to recover the device");
		o.recover_id = static_cast<int>(id);
		attach = Attach::kRecover;
	}
}

} // namespace

int main(int argc, char **argv)
{
	Options o;
	CLI::App app{"aether-ublk: a ublk block device (/dev/ublkbN) served from a file through io_uring, or from\n"
		     "an NBD export through libnbd.\n"
		     "Prints the device path once it is live, and runs until SIGINT, SIGTERM, SIGHUP or\n"
		     "SIGQUIT; then it removes the device and makes every acknowledged write durable.\n"
		     "SIGTERM, SIGHUP and SIGQUIT are refused while the device is mounted or held open\n"
		     "exclusively; SIGINT stops it anyway. If the server dies instead (kill -9, OOM, a crash),\n"
		     "the kernel holds the device's I/O until 'aether-ctl ublk recover N' (or --recover N)\n"
		     "starts a new server for it. Needs root and the ublk_drv module."};
	CLI::Option *file = app.add_option("--file", o.file, "Backing file or block device");
	CLI::Option *nbd = app.add_option("--nbd", o.nbd,
		"NBD export to serve instead of a file, as a URI: nbd://HOST[:PORT]/EXPORT, nbds:// for TLS,\n"
		"nbd+unix:///EXPORT?socket=PATH. TLS checks the server's certificate against\n"
		"/etc/pki/libnbd (or ?tls-certificates=DIR), or uses a pre-shared key:\n"
		"nbds://USER@HOST/EXPORT?tls-psk-file=PATH. Each queue opens its own connection; more than one queue\n"
		"needs a server that allows that (multi-conn). A dropped connection is opened again with a backoff")
		->excludes(file);
	app.add_option("--io-timeout", o.io_timeout_s,
		"With --nbd: seconds that requests wait for a dropped connection to come back, then fail with EIO;\n"
		"also how long the server may take to answer the first connection")
		->check(CLI::Range(1, 86400))->capture_default_str()->needs(nbd);
	// The geometry of a recovered device is the kernel's; these set a new one's.
	std::vector<CLI::Option *> geometry{
		aether::util::size_option(app, "--size", o.size, "Bytes of the file to expose (default: all of it)"),
		app.add_option("--queues", o.queues, "Hardware queues, each with its own thread and io_uring")
			->check(CLI::Range(1, 64))->capture_default_str(),
		app.add_option("--depth", o.depth, "Requests in flight per queue")
			->check(CLI::Range(1, UBLK_MAX_QUEUE_DEPTH))->capture_default_str(),
		aether::util::size_option(app, "--max-io", o.max_io, "Largest request in bytes: a multiple of 4096 up to 1 MiB")
			->check(size_in(CLI::Range(4096, 1 << 20)))->default_str(std::to_string(o.max_io)),
		app.add_option("--logical-block", o.logical_block, "Logical block size: 512, 1024, 2048 or 4096 (default: 512, or the backing store's direct I/O alignment)")
			->check(CLI::IsMember({512, 1024, 2048, 4096})),
		app.add_option("--physical-block", o.physical_block, "Physical block size: a power of two, at least the logical block, up to 64 KiB")
			->check(CLI::Range(512, 65536))->capture_default_str(),
		app.add_flag("--read-only", o.read_only, "Expose the device read-only"),
		app.add_option("--id", o.dev_id, "ublk device id N for /dev/ublkbN (default: the first free one)")
			->check(CLI::Range(0, 1 << 20)),
		app.add_flag("--no-recovery", o.no_recovery,
			     "Fail the device's I/O when this server dies, instead of holding it until 'aether-ctl ublk recover N'"),
		app.add_flag("--no-zero-copy", o.no_zero_copy,
			     "Copy each request's data through the server's own buffers, even where the kernel can hand the\n"
			     "request's pages to the backend's reads and writes (UBLK_F_AUTO_BUF_REG, e.g. Linux 7.2; only\n"
			     "without --cache-mb, with --file)"),
		app.add_flag("--no-batch", o.no_batch,
			     "Take each request and answer it with a command of its own (FETCH_REQ, COMMIT_AND_FETCH_REQ), even\n"
			     "where the kernel hands requests over and takes answers in batches (UBLK_F_BATCH_IO, e.g. Linux 7.2)"),
	};
	CLI::Option *recover = app.add_option("--recover", o.recover_id,
		"Serve device N again, whose server died: the kernel held its I/O, and this server takes it over with the\n"
		"device's own geometry. Give the dead server's --file, and any --cache-mb, --policy and --latency-us")
		->check(CLI::Range(0, 1 << 20));
	for (CLI::Option *g : geometry)
		recover->excludes(g);
	app.add_flag("--restart", o.restart,
		     "Run the server under a supervisor that starts a new one, to recover the device, whenever it dies of\n"
		     "a signal (kill -9, the OOM killer, a crash); at most 5 times a minute")
		->excludes("--no-recovery");
	CLI::Option *scheduler = app.add_option("--io-scheduler", o.scheduler,
		"The device's I/O scheduler, as in /sys/block/ublkbN/queue/scheduler: none, or one the kernel has\n"
		"(mq-deadline, kyber, bfq). none, like loop's, since the backend orders its own I/O: the kernel's\n"
		"default for one queue, mq-deadline, cost up to 40 % of 4 KiB random IOPS (7.2 under QEMU)")
		->check([](const std::string &v) {
			return !v.empty() && v.size() < 32 && v.find_first_not_of("abcdefghijklmnopqrstuvwxyz0123456789-_") == std::string::npos
				       ? std::string()
				       : std::string("a scheduler's name: lower-case letters, digits, '-' and '_'");
		})
		->capture_default_str();
	app.add_option("--cache-mb", o.cache_mb, "DRAM cache tier in MiB, write-through (0: none)")
		->check(CLI::Range(0, 1 << 20))->capture_default_str();
	app.add_flag("--user-copy", o.user_copy,
		     "With --cache-mb: the server copies each request's data itself (UBLK_F_USER_COPY), so that a cache hit\n"
		     "goes from the cache into the request with one copy instead of two; each miss and write then costs a\n"
		     "pread or pwrite of /dev/ublkcN")
		->needs(app.get_option("--cache-mb"));
	app.add_option("--latency-us", o.latency_us, "Latency added to every backend read, to emulate a disk or remote tier")
		->check(CLI::Range(0, 10000000))->capture_default_str();
	app.add_option("--policy", o.policy, "Prefetch into the cache: off, hft, gaming or adaptive (default: adaptive with --cache-mb, else off)")
		->check(CLI::IsMember({"off", "hft", "gaming", "adaptive"}));
	// The systemd unit aether-ublk@N runs --config /etc/aether/ublk/N.conf. A name the
	// server does not know is an error, not ignored: a misspelt cache_mb must not
	// bring a device up without its cache.
	CLI::Option *config = app.set_config("--config", "",
		"Read options from FILE: one 'name = value' a line, names as the long options without\n"
		"'--' (file = \"/srv/disk.img\", cache-mb = 256, restart = true); the command line wins")
		->check(CLI::ExistingFile);
	app.allow_config_extras(CLI::config_extras_mode::error);
	try {
		app.parse(argc, argv);
	} catch (const CLI::ConfigError &e) {
		// CLI11 says "INI was not able to parse NAME": say which file, and what is wrong.
		// Only a config file being read raises it, so --config has its name.
		const std::string what = e.what(), prefix = "INI was not able to parse ";
		const std::string file = config->as<std::string>();
		if (what.rfind(prefix, 0) == 0)
			return die(file + ": '" + what.substr(prefix.size()) +
				   "' is not an option of aether-ublk (names are the long options without '--', e.g. cache-mb)", 2);
		return die(file + ": " + what, 2);
	} catch (const CLI::ParseError &e) {
		return app.exit(e);
	}

	if (o.file.empty() && o.nbd.empty())
		return die("give the backing store: --file PATH or --nbd URI", 2);
	o.scheduler_given = scheduler->count() > 0;
	const Attach attach = o.recover_id < 0 ? Attach::kAdd : Attach::kRecover;
	return o.restart ? supervise(o, attach) : run(o, attach);
}
