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
// A connection that drops fails what was in flight on it, and every later request
// of its queue, with an error: this target does not reconnect.
#include <algorithm>
#include <cerrno>
#include <cstring>
#include <libnbd.h>
#include <poll.h>
#include <string>

#include "target.hpp"
#include "user_data.hpp"

namespace aether::ublk {
namespace {

enum NbdOp : uint8_t {
	kIo,      // a command for the request @tag (a part of it, for a split one)
	kPollIn,  // the socket is readable
	kPollOut, // the socket is writable
};

// NBD lengths are 32-bit: a longer discard or write-zeroes goes as parts of this.
constexpr uint64_t kMaxPart = 1u << 30;

// What the export offers, learnt once at init.
struct NbdDevice {
	std::string uri;
	bool flush = false, fua = false, trim = false, zero = false;
};

struct NbdQueue {
	nbd_handle *h = nullptr;
	Counters *stats = nullptr;
	bool in_armed = false, out_armed = false;
	std::vector<TargetDone> done; // completed commands, not yet handed to the queue
};

// QueueCtx::progress, per tag: the request's commands in flight, and whether one
// failed.
constexpr uint32_t kFailed = 1u << 31;

// One command in flight; libnbd owns it from submission and frees it (free_cmd) once
// its callback has run, or if it was never submitted.
struct Cmd {
	Cmd(NbdQueue *queue, uint64_t ud, int b) : q(queue), user_data(ud), bytes(b), sent_ns(now_ns()) {}
	NbdQueue *q;
	uint64_t user_data;
	int bytes;                  // the result on success
	uint64_t sent_ns;           // when it was handed to libnbd, for the round trip
	const iovec *iov = nullptr; // read_into: where the bounce buffer's data goes
	unsigned n = 0;
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
	int res = *error ? block_errno(*error) : c->bytes;
	// The reply came in the read that libnbd was just given, so the time since the
	// command was sent is its round trip, as this server sees it: the network, the
	// server, and the wait for this queue's loop to poll the socket.
	if (!*error && c->q->stats)
		c->q->stats->add_backend_latency(now_ns() - c->sent_ns);
	if (!*error && c->iov) {
		const char *from = c->bounce.data();
		for (unsigned i = 0; i < c->n; i++) {
			std::memcpy(c->iov[i].iov_base, from, c->iov[i].iov_len);
			from += c->iov[i].iov_len;
		}
	}
	c->q->done.push_back({c->user_data, res});
	return 1; // retire the command: nothing asks for it later
}

void free_cmd(void *p)
{
	delete static_cast<Cmd *>(p);
}

nbd_completion_callback callback(Cmd *c)
{
	return nbd_completion_callback{.callback = complete_cmd, .user_data = c, .free = free_cmd};
}

// The last libnbd call's failure, as the kernel is to see it.
int nbd_err()
{
	return block_errno(nbd_get_errno());
}

// Opens a connection to @uri into *@h. Returns 0, or -errno with libnbd's reason.
int connect(const std::string &uri, nbd_handle **h, std::string *why)
{
	*h = nbd_create();
	if (!*h) {
		*why = std::string("libnbd: ") + nbd_get_error();
		return -ENOMEM;
	}
	if (nbd_connect_uri(*h, uri.c_str()) < 0) {
		const int e = nbd_get_errno();
		const int err = e > 0 ? -e : -EIO;
		*why = uri + ": " + nbd_get_error();
		nbd_close(*h);
		*h = nullptr;
		return err;
	}
	return 0;
}

int nbd_init(Target &t, const TargetSetup &s, std::string *why)
{
	if (s.latency_us) {
		*why = "--latency-us delays reads of a file; for an NBD export, put nbdkit's delay filter in front of it";
		return -EINVAL;
	}
	nbd_handle *h;
	int ret = connect(s.path, &h, why);
	if (ret < 0)
		return ret;
	auto *d = new NbdDevice{s.path};
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
	nq->stats = q.stats;
	const int ret = connect(static_cast<NbdDevice *>(t.priv)->uri, &nq->h, why);
	if (ret < 0) {
		delete nq;
		return ret;
	}
	q.priv = nq;
	return 0;
}

void nbd_queue_stop(Target &t, QueueCtx &q, std::vector<TargetDone> &done)
{
	auto *nq = static_cast<NbdQueue *>(q.priv);
	if (!nq)
		return;
	// Every write this queue acknowledged had its reply; make them durable. Closing
	// the handle then fails whatever is still in flight, through the callbacks.
	if (static_cast<NbdDevice *>(t.priv)->flush && nbd_aio_is_ready(nq->h))
		nbd_flush(nq->h, 0);
	nbd_close(nq->h);
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

// Arms a one-shot poll of the connection's socket for @events, completing as @op.
bool arm(QueueCtx &q, int fd, unsigned events, uint8_t op)
{
	io_uring_sqe *sqe = next_sqe(q.ring);
	if (!sqe)
		return false;
	io_uring_prep_poll_add(sqe, fd, events);
	sqe->user_data = pack({0, op, Origin::kTarget, 0});
	return true;
}

void nbd_pump(Target &, QueueCtx &q, std::vector<TargetDone> &done)
{
	auto *nq = static_cast<NbdQueue *>(q.priv);
	if (!nq)
		return;
	done.insert(done.end(), nq->done.begin(), nq->done.end());
	nq->done.clear();
	// libnbd says which way the socket must move next. A poll that finds no SQE is
	// armed at the next call: the queue always has ublk commands in flight to wake it.
	const unsigned dir = nbd_aio_get_direction(nq->h);
	const int fd = nbd_aio_get_fd(nq->h);
	if (fd < 0)
		return; // the connection is gone: nothing will come from it
	if ((dir & LIBNBD_AIO_DIRECTION_READ) && !nq->in_armed)
		nq->in_armed = arm(q, fd, POLLIN, kPollIn);
	if ((dir & LIBNBD_AIO_DIRECTION_WRITE) && !nq->out_armed)
		nq->out_armed = arm(q, fd, POLLOUT, kPollOut);
}

// Sends one command for request @tag: @submit issues it with the callback given.
template <typename F>
int send(NbdQueue *nq, uint16_t tag, int bytes, F submit)
{
	auto *c = new Cmd(nq, pack({tag, kIo, Origin::kTarget, 0}), bytes);
	return submit(callback(c)) < 0 ? nbd_err() : 0;
}

int nbd_queue_io(Target &t, QueueCtx &q, uint16_t tag, const ublksrv_io_desc &iod)
{
	auto *nq = static_cast<NbdQueue *>(q.priv);
	if (!nq)
		return -ENOTCONN; // the queue stopped its connection
	const NbdDevice &d = *static_cast<NbdDevice *>(t.priv);
	const uint64_t off = iod.start_sector << 9;
	const uint64_t len = uint64_t{iod.nr_sectors} << 9;
	void *buf = q.bufs[tag];
	nbd_handle *h = nq->h;
	q.progress[tag] = 1;
	switch (ublksrv_get_op(&iod)) {
	case UBLK_IO_OP_READ:
		return send(nq, tag, static_cast<int>(len),
			    [&](nbd_completion_callback cb) { return nbd_aio_pread(h, buf, len, off, cb, 0); });
	case UBLK_IO_OP_WRITE: {
		const uint32_t flags = (iod.op_flags & UBLK_IO_F_FUA) && d.fua ? LIBNBD_CMD_FLAG_FUA : 0;
		return send(nq, tag, static_cast<int>(len),
			    [&](nbd_completion_callback cb) { return nbd_aio_pwrite(h, buf, len, off, cb, flags); });
	}
	case UBLK_IO_OP_FLUSH:
		if (!d.flush) { // not advertised, so not sent; answer it all the same
			nq->done.push_back({pack({tag, kIo, Origin::kTarget, 0}), 0});
			return 0;
		}
		return send(nq, tag, 0, [&](nbd_completion_callback cb) { return nbd_aio_flush(h, cb, 0); });
	case UBLK_IO_OP_DISCARD:
	case UBLK_IO_OP_WRITE_ZEROES: {
		const bool zero = ublksrv_get_op(&iod) == UBLK_IO_OP_WRITE_ZEROES;
		if (!(zero ? d.zero : d.trim))
			return -EOPNOTSUPP;
		const uint32_t flags = zero && (iod.op_flags & UBLK_IO_F_NOUNMAP) ? LIBNBD_CMD_FLAG_NO_HOLE : 0;
		q.progress[tag] = static_cast<uint32_t>((len + kMaxPart - 1) / kMaxPart);
		for (uint64_t at = 0; at < len; at += kMaxPart) {
			const uint64_t n = std::min(kMaxPart, len - at);
			const int ret = send(nq, tag, 0, [&](nbd_completion_callback cb) {
				return zero ? nbd_aio_zero(h, n, off + at, cb, flags) : nbd_aio_trim(h, n, off + at, cb, 0);
			});
			if (ret < 0) {
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

int nbd_io_done(Target &, QueueCtx &q, uint16_t tag, const ublksrv_io_desc &, uint8_t op, int res)
{
	auto *nq = static_cast<NbdQueue *>(q.priv);
	if (op == kPollIn || op == kPollOut) {
		if (!nq) // the connection closed first
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
		// there now. A hang-up or error counts: libnbd then fails what was in flight.
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
		return -ENOTCONN;
	size_t total = 0;
	for (unsigned i = 0; i < n; i++)
		total += iov[i].iov_len;
	auto *c = new Cmd(nq, user_data, static_cast<int>(total));
	void *to = iov[0].iov_base;
	if (n > 1) { // the cache's blocks are apart: read into one buffer, then spread it
		c->bounce.resize(total);
		c->iov = iov;
		c->n = n;
		to = c->bounce.data();
	}
	return nbd_aio_pread(nq->h, to, total, off, callback(c), 0) < 0 ? nbd_err() : 0;
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
	.queue_start = nbd_queue_start,
	.queue_stop = nbd_queue_stop,
	.pump = nbd_pump,
};

} // namespace aether::ublk
