// The aether-ublk devices of this host (see registry.hpp).
#include "registry.hpp"

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <csignal>
#include <filesystem>
#include <fcntl.h>
#include <fstream>
#include <sstream>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <thread>
#include <unistd.h>

#include "ctrl.hpp"
#include "util/errors.hpp"

namespace aether::ublk {

namespace fs = std::filesystem;

bool server_alive(int32_t pid)
{
	if (pid <= 0 || (kill(pid, 0) < 0 && errno == ESRCH))
		return false;
	std::ifstream comm("/proc/" + std::to_string(pid) + "/comm");
	std::string name;
	return std::getline(comm, name) && name == "aether-ublk";
}

namespace {

// The server pid the kernel holds for ublk device @id (GET_DEV_INFO's ublksrv_pid),
// through an open @ctrl, or -errno (-ENODEV: no such device).
int32_t owner_of(Ctrl &ctrl, uint32_t id)
{
	ublksrv_ctrl_dev_info info{};
	const int ret = ctrl.get_dev_info(id, &info);
	return ret < 0 ? ret : info.ublksrv_pid;
}

std::string recovery_path(uint32_t id)
{
	return run_dir() + "/ublk" + std::to_string(id) + ".recovery";
}

// The pid in device @id's recovery claim, or 0 if there is none.
int32_t recovery_claim(uint32_t id)
{
	std::ifstream in(recovery_path(id));
	int32_t pid = 0;
	return in >> pid ? pid : 0;
}

// Where device @id, whose stats file names server @pid, stands; *@by is set to the
// process that serves it or takes it over, *@flags to the device's UBLK_F_* flags.
ServerState state_of(uint32_t id, int32_t pid, int32_t *by, uint64_t *flags)
{
	*by = pid;
	*flags = 0;
	Ctrl ctrl;
	ublksrv_ctrl_dev_info info{};
	if (ctrl.open() < 0 || ctrl.get_dev_info(id, &info) < 0)
		return ServerState::kDead;
	*flags = info.flags;
	const bool alive = server_alive(pid);
	if (info.state == UBLK_S_DEV_QUIESCED) {
		if (alive)
			return ServerState::kRecovering;
		// A new server names itself in the stats file only once the kernel lets it
		// in; before that, its claim says it is there.
		const int32_t claim = recovery_claim(id);
		if (claim != pid && server_alive(claim)) {
			*by = claim;
			return ServerState::kRecovering;
		}
		return ServerState::kQuiesced;
	}
	if (info.ublksrv_pid != pid)
		return ServerState::kDead;
	if (alive)
		return ServerState::kLive; // also while it starts or stops the device
	// Killed a moment ago: the kernel quiesces the device once the server's
	// /dev/ublkcN is released, if the device has user recovery, and stops it if not.
	return info.state == UBLK_S_DEV_LIVE && (info.flags & UBLK_F_USER_RECOVERY) ? ServerState::kQuiesced
										   : ServerState::kDead;
}

} // namespace

std::vector<uint32_t> device_ids()
{
	std::vector<uint32_t> ids;
	std::error_code ec;
	for (const auto &e : fs::directory_iterator(run_dir(), ec)) {
		// ublk<N>.stats, N in decimal.
		const std::string n = e.path().filename().string();
		if (n.size() <= 10 || n.rfind("ublk", 0) != 0 || !n.ends_with(".stats"))
			continue;
		const char *first = n.data() + 4, *last = n.data() + n.size() - 6;
		uint32_t id;
		const auto [end, err] = std::from_chars(first, last, id);
		if (err == std::errc() && end == last)
			ids.push_back(id);
	}
	std::sort(ids.begin(), ids.end());
	return ids;
}

int open_device(uint32_t id, ServedDevice &d, std::string *why)
{
	d.id = id;
	const int ret = d.view.open(stats_path(id), why);
	if (ret < 0)
		return ret;
	d.state = state_of(id, d.view.file().h.pid, &d.pid, &d.flags);
	return 0;
}

int claim_recovery(uint32_t id, std::string *why)
{
	const std::string path = recovery_path(id);
	mkdir(run_dir().c_str(), 0755);
	// A claim left by a recovery that was killed names a process that is gone, or
	// another one since: it is replaced, once; losing that race to a live
	// recovery is a refusal.
	for (int attempt = 0; attempt < 2; attempt++) {
		const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
		if (fd >= 0) {
			const std::string pid = std::to_string(getpid()) + "\n";
			const bool ok = write(fd, pid.data(), pid.size()) == static_cast<ssize_t>(pid.size());
			::close(fd);
			if (ok)
				return 0;
			unlink(path.c_str());
			*why = path + ": short write";
			return -EIO;
		}
		if (errno != EEXIST) {
			const int err = errno;
			*why = path + ": " + util::errstr(-err);
			return -err;
		}
		const int32_t holder = recovery_claim(id);
		if (server_alive(holder)) {
			*why = "/dev/ublkb" + std::to_string(id) + " is being recovered already, by aether-ublk pid " +
			       std::to_string(holder);
			return -EBUSY;
		}
		unlink(path.c_str());
	}
	*why = path + ": another recovery claimed it at the same time";
	return -EBUSY;
}

void release_recovery(uint32_t id)
{
	if (recovery_claim(id) == getpid())
		unlink(recovery_path(id).c_str());
}

bool device_in_use(uint32_t id, std::string *what)
{
	const std::string dev = "/dev/ublkb" + std::to_string(id);
	const int fd = ::open(dev.c_str(), O_RDONLY | O_EXCL | O_CLOEXEC | O_NONBLOCK);
	if (fd >= 0 || errno != EBUSY) {
		if (fd >= 0)
			::close(fd);
		return false;
	}
	*what = "held open exclusively";
	struct stat st;
	if (stat(dev.c_str(), &st) < 0)
		return true;
	// mountinfo: "ID PARENT MAJ:MIN ROOT MOUNTPOINT ...".
	const std::string devno = std::to_string(major(st.st_rdev)) + ":" + std::to_string(minor(st.st_rdev));
	std::ifstream mi("/proc/self/mountinfo");
	std::string line;
	while (std::getline(mi, line)) {
		std::istringstream in(line);
		std::string mid, parent, mm, root, point;
		if (in >> mid >> parent >> mm >> root >> point && mm == devno) {
			*what = "mounted at " + point;
			break;
		}
	}
	return true;
}

const char *state_name(ServerState s)
{
	switch (s) {
	case ServerState::kLive:
		return "live";
	case ServerState::kQuiesced:
		return "quiesced";
	case ServerState::kRecovering:
		return "recovering";
	case ServerState::kDead:
		break;
	}
	return "dead";
}

int stop_signal(StopMode mode)
{
	return mode == StopMode::kForce ? SIGINT : SIGTERM;
}

int stop_server(int32_t pid, StopMode mode, std::chrono::seconds timeout, const std::function<void()> &slow)
{
	kill(pid, stop_signal(mode));
	const auto start = std::chrono::steady_clock::now();
	bool told = false;
	while (server_alive(pid)) {
		std::this_thread::sleep_for(std::chrono::milliseconds(20));
		const auto waited = std::chrono::steady_clock::now() - start;
		if (timeout.count() && waited >= timeout)
			return -ETIMEDOUT;
		if (!told && waited > std::chrono::seconds(2)) {
			slow();
			told = true;
		}
	}
	return 0;
}

int delete_orphan(uint32_t id, int32_t pid, std::string *why)
{
	std::error_code ec;
	Ctrl ctrl;
	int ret = ctrl.open();
	const int32_t owner = ret < 0 ? ret : owner_of(ctrl, id);
	if (owner >= 0 && owner != pid) {
		fs::remove(stats_path(id), ec);
		*why = "ublk device " + std::to_string(id) + " is not aether-ublk's any more: its server (pid " +
		       std::to_string(pid) + ") is gone, and the id now belongs to another server (pid " +
		       std::to_string(owner) + "). Left it alone, and removed the stale stats file";
		return -EBUSY;
	}
	// DEL_DEV_ASYNC, since DEL_DEV would wait for every opener to go: with --force, a
	// filesystem still mounted on a quiesced device would hold this until its umount.
	// With no opener left the device is gone when it returns, as with DEL_DEV.
	if (ret == 0)
		ret = owner == -ENODEV ? owner : ctrl.del_dev_async(id);
	if (ret < 0 && ret != -ENODEV) {
		*why = "DEL_DEV of ublk device " + std::to_string(id) + ": " + util::errstr(ret);
		return ret;
	}
	fs::remove(stats_path(id), ec);
	fs::remove(recovery_path(id), ec);
	return 0;
}

} // namespace aether::ublk
