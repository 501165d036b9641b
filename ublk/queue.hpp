// One ublk queue: a thread with its own io_uring, serving the queue's tags with
// FETCH_REQ and then COMMIT_AND_FETCH_REQ.
#pragma once

#include <atomic>
#include <cstdint>
#include <string>

#include "device.hpp"

namespace aether::ublk {

struct QueueSetup {
	int char_fd;        // /dev/ublkcN
	uint16_t qid;
	uint16_t depth;
	uint32_t max_io_bytes;
	Device *dev;
};

// Sets up and runs queue @s until the device stops. @ready is incremented once the
// queue's FETCH_REQs are submitted (START_DEV waits for all of them), or @failed is
// set. Returns 0 when the device stopped, or -errno with a message in *why.
int run_queue(const QueueSetup &s, std::atomic<int> &ready, std::atomic<bool> &failed, std::string *why);

} // namespace aether::ublk
