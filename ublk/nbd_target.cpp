// The nbd target: the device's blocks live in an NBD export, reached through libnbd's
// asynchronous API from each queue's own event loop, one connection per queue.
//
// A queue never blocks on the network. Commands go out with nbd_aio_*; the queue's
// ring polls the connection's socket, and each poll completion hands libnbd what the
// socket has (nbd_aio_notify_read/write). libnbd then calls a command's completion
// callback, which records the result; pump() hands those results to the queue, which
// treats each as the CQE of the target's I/O. A write is acknowledged only after its
// NBD reply, and FLUSH only after NBD_CMD_FLUSH's.
//
// A connection that drops is opened again, at once and then with a backoff of up to
// 2 s between attempts. The commands it failed, and those that arrive meanwhile, wait
// and go out again on the new connection: NBD reads and writes may be repeated. Once
// it has been down for the I/O timeout, they fail with EIO, and so does every new
// command until it is back.
#include <algorithm>
#include <cerrno>
#include <climits>
#include <cstring>
#include <libnbd.h>
#include <poll.h>
#include <string>
#include <utility>

#include "target.hpp"
#include "user_data.hpp"

namespace aether::ublk {
namespace {

enum NbdOp : uint8_t {
	kIo,      // a command for the request @tag (a part of it, for a split one)
	kPollIn,  // the socket is readable (cookie: the connection's generation)
	kPollOut, // the socket is writable (cookie: the connection's generation)
	kRetry,   // time to try connecting again
};

// NBD lengths are 32-bit: a longer discard or write-zeroes goes as parts of this.
constexpr uint64_t kMaxPart = 1u << 30;
// Reconnect attempts start this soon after a failed one and back off to the most.
constexpr uint64_t kBackoffFirstMs = 100, kBackoffMostMs = 2000;

// What the export offers, learnt once at init.
struct NbdDevice {
	std::string uri;
	uint64_t io_timeout_ns;
	bool flush = false, fua = false, trim = false, zero = false;
};

// One NBD command, kept whole so that it can be sent again on a new connection.
struct Req {
	enum class Kind : uint8_t { kRead, kWrite, kFlush, kTrim, kZero } kind;
	void *buf;          // kRead/kWrite: the data (null with iov)
	uint64_t count, off;
	uint32_t flags;
	uint64_t user_data; // its completion
	const iovec *iov;   // kRead into several blocks: read into a bounce buffer, then spread
	unsigned n;

	// The result on success: the bytes of a read or write; the kernel ignores the
	// byte count of the other ops.
	int bytes() const { return kind == Kind::kRead || kind == Kind::kWrite ? static_cast<int>(count) : 0; }
};

struct NbdQueue {
	const NbdDevice *d;
	nbd_handle *h = nullptr;
	Counters *stats = nullptr;
	uint32_t gen = 0; // connections opened, wrapping: a poll of an older one is stale
	bool in_armed = false, out_armed = false;
	std::vector<TargetDone> done; // completed commands, not yet handed to the queue
	// While the connection is down: the commands it failed and those that came since,
	// sent again once connected; all failed with EIO once down longer than the
	// timeout, after which new ones fail at once until the connection is back.
	std::vector<Req> retry;
	// Commands that failed, with their errno, for pump to judge outside libnbd's
	// callbacks: on a connection still up, the server's answer; on one gone down,
	// the connection's failure, and sent again.
	std::vector<std::pair<Req, int>> failed;
	uint64_t down_since = 0; // ns; 0: connected (or connecting for the first time)
	bool failing = false;
	bool stopping = false;
	bool timer_armed = false;
	uint64_t backoff_ms = kBackoffFirstMs;
	__kernel_timespec timer{};
};

// QueueCtx::progress, per tag: the request's commands in flight, and whether one
// failed.
constexpr uint32_t kFailed = 1u << 31;

// One command in flight; libnbd owns it from submission and frees it (free_cmd) once
// its callback has run, or if it was never submitted.
struct Cmd {
	Cmd(NbdQueue *queue, const Req &req) : q(queue), r(req), sent_ns(now_ns()) {}
	NbdQueue *q;
	Req r;
	uint64_t sent_ns; // when it was handed to libnbd, for the round trip
	std::vector<char> bounce;
};

// What the kernel is to see for NBD error @e: ENOSPC and EOPNOTSUPP tell the
// filesystem something it can act on; every other failure, the server's or the
// connection's (ENOTCONN, ESHUTDOWN, a dead handle's EINVAL), is an I/O error.
int block_errno(int e)
{
	return e == ENOSPC || e == EOPNOTSUPP ? -e : -EIO;
}

int complete_cmd(void *p, int *error)
{
	Cmd *c = static_cast<Cmd *>(p);
	NbdQueue *q = c->q;
	if (*error && !q->stopping) {
		q->failed.push_back({c->r, *error});
		return 1;
	}
	const int res = *error ? block_errno(*error) : c->r.bytes();
	// The reply came in the read that libnbd was just given, so the time since the
	// command was sent is its round trip, as this server sees it: the network, the
	// server, and the wait for this queue's loop to poll the socket.
	if (!*error && q->stats)
		q->stats->add_backend_latency(now_ns() - c->sent_ns);
	if (!*error && c->r.iov) {
		const char *from = c->bounce.data();
		for (unsigned i = 0; i < c->r.n; i++) {
			std::memcpy(c->r.iov[i].iov_base, from, c->r.iov[i].iov_len);
			from += c->r.iov[i].iov_len;
		}
	}
	q->done.push_back({c->r.user_data, res});
	return 1; // retire the command: nothing asks for it later
}

void free_cmd(void *p)
{
	delete static_cast<Cmd *>(p);
}

// Sends @r on the queue's connection. Returns 0, or the error to fail it with.
int submit(NbdQueue *q, const Req &r)
{
	auto *c = new Cmd(q, r);
	const nbd_completion_callback cb{.callback = complete_cmd, .user_data = c, .free = free_cmd};
	nbd_handle *h = q->h;
	int64_t ret = -1;
	switch (r.kind) {
	case Req::Kind::kRead:
		if (r.iov)
			c->bounce.resize(r.count);
		ret = nbd_aio_pread(h, r.iov ? c->bounce.data() : r.buf, r.count, r.off, cb, 0);
		break;
	case Req::Kind::kWrite:
		ret = nbd_aio_pwrite(h, r.buf, r.count, r.off, cb, r.flags);
		break;
	case Req::Kind::kFlush:
		ret = nbd_aio_flush(h, cb, 0);
		break;
	case Req::Kind::kTrim:
		ret = nbd_aio_trim(h, r.count, r.off, cb, 0);
		break;
	case Req::Kind::kZero:
		ret = nbd_aio_zero(h, r.count, r.off, cb, r.flags);
		break;
	}
	return ret < 0 ? block_errno(nbd_get_errno()) : 0;
}

// Whether @h is connected: ready for commands, or busy sending or receiving one.
// libnbd's "ready" alone is false while a command is on the wire, which a busy
// queue's connection nearly always is.
bool connected(nbd_handle *h)
{
	return h && (nbd_aio_is_ready(h) || nbd_aio_is_processing(h));
}

// Sends @r, or keeps it for the next connection while this one is down. Returns 0,
// or the error to fail it with: the connection has been down too long.
int send(NbdQueue *q, const Req &r)
{
	if (q->failing)
		return -EIO;
	if (q->down_since || !connected(q->h)) {
		q->retry.push_back(r);
		return 0;
	}
	return submit(q, r);
}

// A handle for a connection, or nullptr with libnbd's error set. Its URI may name a
// TLS pre-shared key file (nbds://...?tls-psk-file=PATH), which libnbd refuses unless
// URIs may name local files: the URI comes from the administrator who starts the
// server, not from the remote end, so it may.
nbd_handle *new_handle()
{
	nbd_handle *h = nbd_create();
	if (h)
		nbd_set_uri_allow_local_file(h, true);
	return h;
}

// Opens a connection to @uri into *@h, and gives up when the server has not finished
// the handshake within @timeout_ns: a server that accepts the connection and then
// says nothing would otherwise hold the server's start, and `ublk add`, forever.
// Returns 0, or -errno with the reason (-ETIMEDOUT for the timeout).
int connect(const std::string &uri, uint64_t timeout_ns, nbd_handle **h, std::string *why)
{
	*h = new_handle();
	if (!*h) {
		*why = std::string("libnbd: ") + nbd_get_error();
		return -ENOMEM;
	}
	const uint64_t deadline = now_ns() + timeout_ns;
	int err = nbd_aio_connect_uri(*h, uri.c_str()) < 0 ? -EIO : 0;
	while (!err && nbd_aio_is_connecting(*h)) {
		const uint64_t now = now_ns();
		if (now >= deadline) {
			err = -ETIMEDOUT;
			break;
		}
		const uint64_t left_ms = (deadline - now + 999999) / 1000000;
		err = nbd_poll(*h, static_cast<int>(std::min<uint64_t>(left_ms, INT_MAX))) < 0 ? -EIO : 0;
	}
	if (!err && nbd_aio_is_ready(*h))
		return 0;
	if (err == -ETIMEDOUT) {
		*why = uri + ": the server did not finish the NBD handshake within " +
		       std::to_string(timeout_ns / 1000000000) + " s (--io-timeout)";
	} else {
		const int e = nbd_get_errno();
		err = e > 0 ? -e : -EIO;
		const char *reason = nbd_get_error();
		*why = uri + ": " + (reason ? reason : "the connection failed");
	}
	nbd_close(*h);
	*h = nullptr;
	return err;
}

int nbd_init(Target &t, const TargetSetup &s, std::string *why)
{
	if (s.latency_us) {
		*why = "--latency-us delays reads of a file; for an NBD export, put nbdkit's delay filter in front of it";
		return -EINVAL;
	}
	const uint64_t timeout_ns = uint64_t{s.io_timeout_s} * 1000000000;
	nbd_handle *h;
	int ret = connect(s.path, timeout_ns, &h, why);
	if (ret < 0)
		return ret;
	auto *d = new NbdDevice{s.path, timeout_ns};
	const int64_t size = nbd_get_size(h);
	const int ro = nbd_is_read_only(h);
	d->flush = nbd_can_flush(h) == 1;
	d->fua = nbd_can_fua(h) == 1;
	d->trim = nbd_can_trim(h) == 1;
	d->zero = nbd_can_zero(h) == 1;
	const bool multi_conn = nbd_can_multi_conn(h) == 1;
	nbd_close(h);
	const uint64_t lb = s.logical_block ? s.logical_block : 512;
	const uint64_t want = s.size ? s.size : static_cast<uint64_t>(size < 0 ? 0 : size);
	if (size < 0) {
		*why = s.path + ": the server did not give the export's size";
		ret = -EIO;
	} else if (want > static_cast<uint64_t>(size)) {
		*why = s.path + " holds " + std::to_string(size) + " bytes, fewer than --size " + std::to_string(want);
		ret = -ENOSPC;
	} else if (want < lb || want % lb) {
		*why = s.path + ": " + std::to_string(want) + " bytes is not a whole number of " + std::to_string(lb) +
		       "-byte blocks";
		ret = -EINVAL;
	} else if (s.queues > 1 && !multi_conn) {
		// Without multi-conn, a write on one connection need not be seen by a read
		// on another, nor made durable by another's flush.
		*why = s.path + ": the server does not allow consistent connections side by side (NBD multi-conn), "
				"which --queues " + std::to_string(s.queues) + " needs: use --queues 1";
		ret = -EINVAL;
	} else if (ro == 1 && s.access == TargetSetup::Access::kReadWrite) {
		*why = s.path + ": the export is read-only: use --read-only";
		ret = -EROFS;
	}
	if (ret < 0) {
		delete d;
		return ret;
	}
	t.priv = d;
	t.logical_block = static_cast<uint32_t>(lb);
	t.dev_size = want;
	// Advertise only what the server does: without FLUSH the kernel sends none, and
	// without FUA it flushes after the write instead.
	t.attrs = (d->flush ? UBLK_ATTR_VOLATILE_CACHE : 0) | (d->flush && d->fua ? UBLK_ATTR_FUA : 0);
	if (s.access == TargetSetup::Access::kReadOnly)
		t.attrs |= UBLK_ATTR_READ_ONLY;
	t.discard = d->trim && d->zero && s.access == TargetSetup::Access::kReadWrite;
	return 0;
}

void nbd_uninit(Target &t)
{
	delete static_cast<NbdDevice *>(t.priv);
	t.priv = nullptr;
}

std::vector<int> nbd_files(const Target &)
{
	return {};
}

int nbd_queue_start(Target &t, QueueCtx &q, std::string *why)
{
	auto *nq = new NbdQueue;
	nq->d = static_cast<NbdDevice *>(t.priv);
	nq->stats = q.stats;
	const int ret = connect(nq->d->uri, nq->d->io_timeout_ns, &nq->h, why);
	if (ret < 0) {
		delete nq;
		return ret;
	}
	q.priv = nq;
	return 0;
}

void nbd_queue_stop(Target &, QueueCtx &q, std::vector<TargetDone> &done)
{
	auto *nq = static_cast<NbdQueue *>(q.priv);
	if (!nq)
		return;
	nq->stopping = true;
	// Every write this queue acknowledged had its reply; make them durable. Closing
	// the handle then fails whatever is still in flight, through the callbacks.
	if (nq->d->flush && connected(nq->h))
		nbd_flush(nq->h, 0);
	nbd_close(nq->h);
	for (const auto &f : nq->failed)
		nq->done.push_back({f.first.user_data, block_errno(f.second)});
	for (const Req &r : nq->retry)
		nq->done.push_back({r.user_data, -EIO});
	done.insert(done.end(), nq->done.begin(), nq->done.end());
	delete nq;
	q.priv = nullptr;
}

// Whether socket @fd has something to read, or a hang-up or error, right now.
bool readable(int fd)
{
	pollfd p{fd, POLLIN, 0};
	return fd >= 0 && poll(&p, 1, 0) == 1;
}

// Arms a one-shot poll of socket @fd, the connection of generation nq->gen, for
// @events, completing as @op.
bool arm_poll(QueueCtx &q, const NbdQueue *nq, int fd, unsigned events, uint8_t op)
{
	io_uring_sqe *sqe = next_sqe(q.ring);
	if (!sqe)
		return false;
	io_uring_prep_poll_add(sqe, fd, events);
	sqe->user_data = pack({0, op, Origin::kTarget, nq->gen});
	return true;
}

// Arms the timer that wakes the queue for its next connection attempt.
void arm_retry(QueueCtx &q, NbdQueue *nq)
{
	io_uring_sqe *sqe = next_sqe(q.ring);
	if (!sqe)
		return;
	nq->timer = {static_cast<long long>(nq->backoff_ms / 1000), static_cast<long long>(nq->backoff_ms % 1000) * 1000000};
	io_uring_prep_timeout(sqe, &nq->timer, 0, 0);
	sqe->user_data = pack({0, kRetry, Origin::kTarget, 0});
	nq->timer_armed = true;
	nq->backoff_ms = std::min(nq->backoff_ms * 2, kBackoffMostMs);
}

// The connection is down: drops it and starts a new one, without waiting for it.
void reconnect(NbdQueue *nq)
{
	nbd_close(nq->h);
	nq->gen++;
	nq->in_armed = nq->out_armed = false;
	nq->h = new_handle();
	if (nq->h)
		nbd_aio_connect_uri(nq->h, nq->d->uri.c_str());
}

void nbd_pump(Target &, QueueCtx &q, std::vector<TargetDone> &done)
{
	auto *nq = static_cast<NbdQueue *>(q.priv);
	if (!nq)
		return;
	const bool ready = connected(nq->h);
	if (ready) {
		for (const auto &[r, err] : nq->failed)
			nq->done.push_back({r.user_data, block_errno(err)});
	} else {
		// They went out before anything that waits already: they go out first again.
		std::vector<Req> first;
		for (const auto &f : nq->failed)
			first.push_back(f.first);
		nq->retry.insert(nq->retry.begin(), first.begin(), first.end());
	}
	nq->failed.clear();
	if (ready && nq->down_since) {
		// Back: send what waited, in the order it came.
		nq->down_since = 0;
		nq->failing = false;
		nq->backoff_ms = kBackoffFirstMs;
		std::vector<Req> again;
		again.swap(nq->retry);
		for (const Req &r : again)
			if (const int err = submit(nq, r); err < 0)
				nq->done.push_back({r.user_data, err});
	} else if (!ready) {
		// Dropped: try again at once, then each time the timer fires (nbd_io_done)
		// and the last attempt has failed. The timer also wakes the queue to fail
		// what waits once the timeout has passed.
		const uint64_t now = now_ns();
		if (!nq->down_since) {
			nq->down_since = now;
			if (!(nq->h && nbd_aio_is_connecting(nq->h)))
				reconnect(nq);
		}
		if (!nq->failing && now - nq->down_since > nq->d->io_timeout_ns) {
			nq->failing = true;
			for (const Req &r : nq->retry)
				nq->done.push_back({r.user_data, -EIO});
			nq->retry.clear();
		}
		if (!nq->timer_armed)
			arm_retry(q, nq);
	}
	done.insert(done.end(), nq->done.begin(), nq->done.end());
	nq->done.clear();
	const int fd = nq->h ? nbd_aio_get_fd(nq->h) : -1;
	if (fd < 0)
		return; // no connection now: the retry timer wakes the queue
	// libnbd says which way the socket must move next. A poll that finds no SQE is
	// armed at the next call: the queue always has ublk commands in flight to wake it.
	const unsigned dir = nbd_aio_get_direction(nq->h);
	if ((dir & LIBNBD_AIO_DIRECTION_READ) && !nq->in_armed)
		nq->in_armed = arm_poll(q, nq, fd, POLLIN, kPollIn);
	if ((dir & LIBNBD_AIO_DIRECTION_WRITE) && !nq->out_armed)
		nq->out_armed = arm_poll(q, nq, fd, POLLOUT, kPollOut);
}

int nbd_queue_io(Target &t, QueueCtx &q, uint16_t tag, const ublksrv_io_desc &iod)
{
	auto *nq = static_cast<NbdQueue *>(q.priv);
	if (!nq)
		return -EIO; // the queue stopped its connection
	const NbdDevice &d = *static_cast<NbdDevice *>(t.priv);
	const uint64_t off = iod.start_sector << 9;
	const uint64_t len = uint64_t{iod.nr_sectors} << 9;
	const uint64_t ud = pack({tag, kIo, Origin::kTarget, 0});
	Req r{Req::Kind::kRead, q.bufs[tag], len, off, 0, ud, nullptr, 0};
	q.progress[tag] = 1;
	switch (ublksrv_get_op(&iod)) {
	case UBLK_IO_OP_READ:
		return send(nq, r);
	case UBLK_IO_OP_WRITE:
		r.kind = Req::Kind::kWrite;
		r.flags = (iod.op_flags & UBLK_IO_F_FUA) && d.fua ? LIBNBD_CMD_FLAG_FUA : 0;
		return send(nq, r);
	case UBLK_IO_OP_FLUSH:
		if (!d.flush) { // not advertised, so not sent; answer it all the same
			nq->done.push_back({ud, 0});
			return 0;
		}
		r = Req{Req::Kind::kFlush, nullptr, 0, 0, 0, ud, nullptr, 0};
		return send(nq, r);
	case UBLK_IO_OP_DISCARD:
	case UBLK_IO_OP_WRITE_ZEROES: {
		const bool zero = ublksrv_get_op(&iod) == UBLK_IO_OP_WRITE_ZEROES;
		if (!(zero ? d.zero : d.trim))
			return -EOPNOTSUPP;
		r.kind = zero ? Req::Kind::kZero : Req::Kind::kTrim;
		r.buf = nullptr;
		r.flags = zero && (iod.op_flags & UBLK_IO_F_NOUNMAP) ? LIBNBD_CMD_FLAG_NO_HOLE : 0;
		q.progress[tag] = static_cast<uint32_t>((len + kMaxPart - 1) / kMaxPart);
		for (uint64_t at = 0; at < len; at += kMaxPart) {
			r.off = off + at;
			r.count = std::min(kMaxPart, len - at);
			if (const int ret = send(nq, r); ret < 0) {
				if (at == 0)
					return ret; // nothing went out
				// The parts that went out complete later, and fail the request.
				q.progress[tag] -= static_cast<uint32_t>((len - at + kMaxPart - 1) / kMaxPart);
				q.progress[tag] |= kFailed;
				break;
			}
		}
		return 0;
	}
	default:
		return -EOPNOTSUPP;
	}
}

int nbd_io_done(Target &, QueueCtx &q, uint16_t tag, const ublksrv_io_desc &, uint8_t op, uint32_t cookie, int res)
{
	auto *nq = static_cast<NbdQueue *>(q.priv);
	if (op == kRetry) {
		if (!nq)
			return kPending;
		nq->timer_armed = false;
		// The attempt in progress failed, or never started: start another.
		if (!connected(nq->h) && !(nq->h && nbd_aio_is_connecting(nq->h)))
			reconnect(nq);
		return kPending;
	}
	if (op == kPollIn || op == kPollOut) {
		// A poll of a connection since closed (its cookie, an older generation), or of
		// a queue that stopped, is over.
		if (!nq || cookie != nq->gen)
			return kPending;
		(op == kPollIn ? nq->in_armed : nq->out_armed) = false;
		if (res < 0) // the next pump arms it again
			return kPending;
		if (op == kPollOut) {
			nbd_aio_notify_write(nq->h);
			return kPending;
		}
		// What this poll saw may be gone: a notify of the other direction reads all
		// that is there, and both polls can complete in one batch. Told of a read in
		// its idle state, libnbd starts on a reply header and sends nothing more
		// until one comes, so a notify with nothing to read would hang the queue
		// once no command is left at the server. So it is told only of what is
		// there now. A hang-up or error counts: libnbd then fails what was in
		// flight, and the next pump finds the connection down.
		if (readable(nbd_aio_get_fd(nq->h)))
			nbd_aio_notify_read(nq->h);
		return kPending;
	}
	if (res < 0)
		q.progress[tag] |= kFailed;
	if (--q.progress[tag] & ~kFailed)
		return kPending;
	const bool failed = q.progress[tag] & kFailed;
	q.progress[tag] = 0;
	return !failed ? res : res < 0 ? res : -EIO;
}

// The network has no I/O priority to give a prefetch: @why is not used.
int nbd_read_into(Target &, QueueCtx &q, uint64_t off, const iovec *iov, unsigned n, uint64_t user_data, ReadFor)
{
	auto *nq = static_cast<NbdQueue *>(q.priv);
	if (!nq)
		return -EIO;
	uint64_t total = 0;
	for (unsigned i = 0; i < n; i++)
		total += iov[i].iov_len;
	// Blocks of the cache lie apart: several are read into one buffer, then spread.
	return send(nq, Req{Req::Kind::kRead, n == 1 ? iov[0].iov_base : nullptr, total, off, 0, user_data,
			    n == 1 ? nullptr : iov, n});
}

int nbd_sync(Target &)
{
	return 0; // each queue flushed its connection as it stopped
}

} // namespace

const TargetOps kNbdTarget = {
	.name = "nbd",
	.init = nbd_init,
	.uninit = nbd_uninit,
	.files = nbd_files,
	.queue_io = nbd_queue_io,
	.io_done = nbd_io_done,
	.read_into = nbd_read_into,
	.sync = nbd_sync,
	.fixed_buffer_io = false,
	.queue_start = nbd_queue_start,
	.queue_stop = nbd_queue_stop,
	.pump = nbd_pump,
};

} // namespace aether::ublk
