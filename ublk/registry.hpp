// The aether-ublk devices of this host, found through their stats files in run_dir():
// which there are, whether their servers still run, and stopping them. None of it
// asks a server anything, so it works the same for a server that is busy or dead;
// aether-ctl ublk is built on it.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "stats_file.hpp"

namespace aether::ublk {

// Whether process @pid is an aether-ublk server.
bool server_alive(int32_t pid);

// The ids of the devices with a stats file in run_dir(), ascending.
std::vector<uint32_t> device_ids();

// Where a device stands, from its stats file and the kernel.
enum class ServerState {
	kLive,       // its server is running and owns the device
	kQuiesced,   // its server died; the kernel holds the device's I/O for a recovery
	kRecovering, // a new server (the stats file's) is taking the quiesced device over
	kDead,       // its server is gone, and so is the device or its I/O: nothing to recover
};

// The state's name, as aether-ctl ublk list shows it.
const char *state_name(ServerState s);

// One device, as its stats file describes it.
struct ServedDevice {
	uint32_t id = 0;
	StatsView view;
	ServerState state = ServerState::kDead;
	// The server that serves the device, or that is taking it over (kRecovering):
	// the stats file's, unless a recovery has claimed the device (claim_recovery()).
	int32_t pid = 0;
	// The kernel's UBLK_F_* flags for the device (ADD_DEV's, as the kernel kept
	// them); 0 when it has no such device.
	uint64_t flags = 0;
	bool live() const { return state == ServerState::kLive; }
};

// Maps device @id's stats file into @d. Returns 0, or -errno with a message in *why:
// -ENOENT if the device has no stats file, -EINVAL if the file is not one. The
// device is live only if the kernel's device @id names the file's server as its
// owner and that process is an aether-ublk: a pid reused by another process, or
// another aether-ublk, is not the server. A device the kernel has quiesced is
// recovering while the file's server runs or a live aether-ublk has claimed its
// recovery (claim_recovery()), and quiesced otherwise.
int open_device(uint32_t id, ServedDevice &d, std::string *why);

// For aether-ublk --recover of device @id: claims the recovery for this process, in
// run_dir()/ublk<id>.recovery, until release_recovery() or this process's end. So
// while the new server waits for the kernel and for the backing store, the device is
// recovering in open_device(), and a second recovery is refused. Returns 0, or
// -EBUSY with a message in *why if a live aether-ublk has claimed it, or -errno.
int claim_recovery(uint32_t id, std::string *why);

// Drops this process's claim on device @id's recovery, if it has one: the device is
// live under it, or the recovery failed.
void release_recovery(uint32_t id);

// Whether /dev/ublkb@id is in use: mounted, or held open exclusively (a device
// mapper, a filesystem), so that stopping it would fail that user's I/O. If so,
// *@what says by whom ("mounted at /mnt/x", or "held open exclusively").
bool device_in_use(uint32_t id, std::string *what);

// How a server is asked to stop. It stops at once for kForce; for kClean it stays
// while its device is in use (device_in_use()) and says so on its stderr.
enum class StopMode { kClean, kForce };
// The signal that asks for @mode: SIGTERM for kClean, SIGINT for kForce.
int stop_signal(StopMode mode);

// Sends stop_signal(@mode) to the server @pid and waits for it to exit, for at most
// @timeout (zero: for as long as it takes). Calls @slow once if that takes more than
// two seconds. Returns 0 once it is gone, or -ETIMEDOUT while it still runs.
int stop_server(int32_t pid, StopMode mode, std::chrono::seconds timeout, const std::function<void()> &slow);

// Deletes device @id whose server @pid is gone (a killed server leaves its device
// stopped, or quiesced for a recovery, but not deleted), and its stats file. It
// does not wait for the device's openers: one still mounted on it sees its I/O fail,
// and the kernel frees the device at its umount. A device @id that another server
// owns now (its id was free and taken again) is left alone: the stale stats file is
// removed and -EBUSY returned. Returns 0, also if the device was deleted already,
// or -errno with a message in *why.
int delete_orphan(uint32_t id, int32_t pid, std::string *why);

} // namespace aether::ublk
