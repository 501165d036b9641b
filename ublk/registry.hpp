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

// One device, as its stats file describes it.
struct ServedDevice {
	uint32_t id = 0;
	StatsView view;
	bool live = false; // its server is running
};

// Maps device @id's stats file into @d. Returns 0, or -errno with a message in *why:
// -ENOENT if the device has no stats file, -EINVAL if the file is not one.
int open_device(uint32_t id, ServedDevice &d, std::string *why);

// Sends SIGTERM to the server @pid and waits for it to exit, for at most @timeout
// (zero: for as long as it takes). Calls @slow once if that takes more than two
// seconds. Returns 0 once it is gone, or -ETIMEDOUT while it still runs.
int stop_server(int32_t pid, std::chrono::seconds timeout, const std::function<void()> &slow);

// Deletes device @id whose server is gone (a killed server leaves its device stopped
// but not deleted), and its stats file. Returns 0, also if the device was deleted
// already, or -errno with a message in *why.
int delete_orphan(uint32_t id, std::string *why);

} // namespace aether::ublk
