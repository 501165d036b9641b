// ublk targets are plugins: a device has one target, reached only through its ops
// table, and chosen by name: "file" (a file or block device, through io_uring) or
// "nbd" (an NBD export, through libnbd).
#pragma once

#include <climits>
#include <cstdint>
#include <string>
#include <liburing.h>
#include <linux/ublk_cmd.h>
#include <vector>

#include "stats.hpp"

namespace aether::ublk {

// What a target needs from the queue serving a request.
struct QueueCtx {
	io_uring *ring;
	uint16_t qid;
	// Per tag, registered as fixed buffer <tag>. Under zero copy all null: fixed
	// buffer <tag> is then the request's own pages, addressed from 0.
	void *const *bufs;
	std::vector<uint32_t> progress;  // per tag, the target's own bookkeeping
	void *priv = nullptr;            // the target's own state for this queue
	Counters *stats = nullptr;       // the device's counters
};

// A completion a target produced outside the ring (a library's callback): the
// queue handles it exactly as a CQE with this user_data and res.
struct TargetDone {
	uint64_t user_data;
	int res;
};

// Where the device's blocks live, and how the device is to be presented.
struct TargetSetup {
	std::string path;             // the file target's file; the nbd target's URI
	uint64_t size = 0;            // bytes to expose; 0: all of the backing store
	enum class Access : uint8_t { kReadWrite, kReadOnly } access = Access::kReadWrite;
	uint32_t logical_block = 0;   // 0: the backing store's direct I/O alignment, at least 512
	uint32_t physical_block = 4096;
	uint32_t latency_us = 0;      // injected before every backend read
	unsigned queues = 1;          // queues that will serve the device
	uint32_t io_timeout_s = 30;   // nbd: how long requests wait for a dropped connection to return
};

struct Target;

// The next free SQE of @ring, submitting what is queued when the ring is full.
// Returns nullptr only if that submission fails.
inline io_uring_sqe *next_sqe(io_uring *ring)
{
	io_uring_sqe *sqe = io_uring_get_sqe(ring);
	if (!sqe && io_uring_submit(ring) >= 0)
		sqe = io_uring_get_sqe(ring);
	return sqe;
}

// Whom a backend read of the cache tier serves: a reader waiting for it, or the
// prefetcher, whose reads yield to demand at the backend (see read_into).
enum class ReadFor : uint8_t { kDemand, kPrefetch };

// io_done()'s answer when it submitted more I/O for the request. No result can take
// this value: a result is -errno (above -4096), 0, or the bytes of a read or write,
// which the device's max_io_buf_bytes bounds far below 2 GiB. FLUSH, DISCARD and
// WRITE_ZEROES answer 0, whatever their size: the kernel ignores their byte count,
// and a discard of a whole device can be 4 GiB long.
inline constexpr int kPending = INT_MIN;

struct TargetOps {
	const char *name;
	// Opens the backing store and fills t's geometry. Returns 0 or -errno, with a
	// message in *why.
	int (*init)(Target &t, const TargetSetup &s, std::string *why);
	void (*uninit)(Target &t);
	// Files every queue registers, in order; fixed file 0 is /dev/ublkcN, the
	// target's are 1.. in the order given.
	std::vector<int> (*files)(const Target &t);
	// Submits the I/O for request @tag. Returns 0, or -errno to fail it at once.
	int (*queue_io)(Target &t, QueueCtx &q, uint16_t tag, const ublksrv_io_desc &iod);
	// One completion, with result @res, of the target's I/O @op for @tag, with the
	// @cookie it was submitted with. Returns the request's result (bytes read or
	// written, 0 for the other ops, or -errno), or kPending after submitting the
	// rest. I/O that serves no request (a socket's poll, a timer) is submitted with
	// tag 0 and keeps what it needs in the cookie, so that @tag always names a
	// request of the queue and @iod is its descriptor.
	int (*io_done)(Target &t, QueueCtx &q, uint16_t tag, const ublksrv_io_desc &iod, uint8_t op, uint32_t cookie,
		       int res);
	// Reads the device's bytes from @off into @iov[0..n) for the cache tier; the
	// completion carries @user_data. A read for kPrefetch goes with the lowest
	// best-effort I/O priority (BE, level 7), so that an I/O scheduler that weighs
	// priorities (BFQ) serves demand first; not IDLE, which could keep a reader
	// parked on the fill waiting for seconds. Returns 0, or -errno if nothing was
	// queued.
	int (*read_into)(Target &t, QueueCtx &q, uint64_t off, const iovec *iov, unsigned n, uint64_t user_data,
			 ReadFor why);
	// Makes every completed write durable (at shutdown). Returns 0 or -errno.
	int (*sync)(Target &t);
	// Whether queue_io() reaches a request's data only through fixed buffer <tag>
	// (READ_FIXED, WRITE_FIXED), so the kernel may register the request's own pages
	// there for zero copy (Device::zero_copy).
	bool fixed_buffer_io;

	// Optional, for a target whose I/O completes outside the ring (a network
	// library's callbacks, as nbd's). Each is called on the queue's own thread.
	// Sets up queue @q (its connection) before it serves. Returns 0 or -errno, with
	// a message in *why.
	int (*queue_start)(Target &t, QueueCtx &q, std::string *why);
	// Ends queue @q's I/O: what is in flight completes with an error, into @done.
	// Called once, after the queue has served or failed; a no-op if not started.
	void (*queue_stop)(Target &t, QueueCtx &q, std::vector<TargetDone> &done);
	// Before the queue waits: appends the completions produced since the last call
	// to @done, and makes sure the ring will wake the queue for the target's next
	// event (a poll on its socket).
	void (*pump)(Target &t, QueueCtx &q, std::vector<TargetDone> &done);
};

struct Target {
	const TargetOps *ops = nullptr;
	uint64_t dev_size = 0;   // bytes
	uint32_t attrs = 0;      // UBLK_ATTR_*
	bool discard = false;    // punch hole works on the backing store
	uint32_t logical_block = 512; // as chosen by init
	int fd = -1;
	__kernel_timespec latency{}; // zero: none
	void *priv = nullptr;        // the target's own state for the device
};

// The SQE for a backend read of @t, behind a linked timeout of t.latency when latency
// is injected; the timeout completes with @ignore_ud. Returns nullptr if the ring has
// no room even after submitting.
inline io_uring_sqe *backend_read_sqe(Target &t, io_uring *ring, uint64_t ignore_ud)
{
	if (!t.latency.tv_sec && !t.latency.tv_nsec)
		return next_sqe(ring);
	// The timeout and the read must go in the same submission to stay linked.
	if (io_uring_sq_space_left(ring) < 2)
		io_uring_submit(ring);
	if (io_uring_sq_space_left(ring) < 2)
		return nullptr;
	io_uring_sqe *delay = io_uring_get_sqe(ring);
	// ETIME_SUCCESS: the timeout expiring is what lets the linked read start.
	io_uring_prep_timeout(delay, &t.latency, 0, IORING_TIMEOUT_ETIME_SUCCESS);
	delay->flags |= IOSQE_IO_LINK;
	delay->user_data = ignore_ud;
	return io_uring_get_sqe(ring);
}

extern const TargetOps kFileTarget;
extern const TargetOps kNbdTarget;

// The target called @name, or nullptr.
const TargetOps *find_target(const std::string &name);

} // namespace aether::ublk
