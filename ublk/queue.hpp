// One ublk queue: a thread with its own io_uring, serving the queue's tags with
// FETCH_REQ and then COMMIT_AND_FETCH_REQ, or in batches (Device::batch).
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <string>

#include "device.hpp"

namespace aether::ublk {

struct QueueSetup {
	int char_fd;        // /dev/ublkcN
	uint16_t qid;
	uint16_t depth;
	uint32_t max_io_bytes;
	Device *dev;
	// Called once, from the queue's thread, when its ring has failed and the queue
	// has stopped serving: it fails what arrives until the device stops.
	std::function<void()> stopped_serving;
};

// Sets up and runs queue @s until the device stops. Either @ready is incremented
// once the kernel took the queue's FETCH_REQs or PREP_IO_CMDS (START_DEV waits for
// all of them), or @failed is, and the queue has ended. A ring that fails once
// ends serving (s.stopped_serving() is called), not the queue, which fails what arrives with
// -EIO while its ring submits; one that fails again ends the queue. Returns 0 when
// the device stopped, or -errno with a message in *why.
int run_queue(const QueueSetup &s, std::atomic<int> &ready, std::atomic<int> &failed, std::string *why);

// Gives the device up after a queue stopped serving on its own, and returns how
// (@dev.give_up). While every queue's ring is open, GiveUp::kKeepRings: the queues
// fail what arrives with -EIO and run on until STOP_DEV aborts their commands, as
// served ones do. Once a queue has ended, GiveUp::kEndRings: every queue still
// running is woken, answers the requests it serves, fails the ones that arrive, and
// returns from run_queue() once it holds none; after those threads are joined,
// closing /dev/ublkcN makes the kernel fail (or, with recovery, hold for STOP_DEV to
// fail) what the ended queue held. *@err is 0, or -errno if the wake-ups could not
// be sent (the queues then end as requests come).
GiveUp abandon_queues(Device &dev, int *err);

} // namespace aether::ublk
