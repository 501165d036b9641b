// One ublk queue (see queue.hpp).
#include "queue.hpp"

#include <algorithm>
#include <cerrno>
#include <ctime>
#include <optional>
#include <cstdlib>
#include <cstring>
#include <sys/mman.h>
#include <sys/uio.h>
#include <unistd.h>

#include "ublk_new.hpp"
#include "user_data.hpp"

namespace aether::ublk {
namespace {

// /dev/ublkcN's fixed file index in the queue's ring.
constexpr int kCharIndex = 0;

size_t page_size()
{
	return static_cast<size_t>(sysconf(_SC_PAGESIZE));
}

// @depth requests' descriptors, in whole pages as /dev/ublkcN maps them.
size_t desc_bytes(size_t depth)
{
	const size_t page = page_size();
	return (depth * sizeof(ublksrv_io_desc) + page - 1) / page * page;
}

// Takes a free SQE and makes it ublk command @cmd_op on /dev/ublkcN, whose
// completion carries @tag and @cookie; the command's own fields are the caller's.
// Returns the SQE, or nullptr when the ring has none free.
io_uring_sqe *ublk_cmd_sqe(QueueCtx &q, uint32_t cmd_op, uint16_t tag, uint32_t cookie)
{
	io_uring_sqe *sqe = next_sqe(q.ring);
	if (!sqe)
		return nullptr;
	std::memset(sqe, 0, sizeof(*sqe));
	sqe->opcode = IORING_OP_URING_CMD;
	sqe->fd = kCharIndex;
	sqe->flags = IOSQE_FIXED_FILE;
	sqe->cmd_op = cmd_op;
	sqe->user_data = pack({tag, static_cast<uint8_t>(_IOC_NR(cmd_op)), Origin::kUblk, cookie});
	return sqe;
}

// UBLK_F_BATCH_IO: the provided-buffer group FETCH_IO_CMDS delivers tags into.
constexpr uint16_t kTagGroup = 0;

// The most tags one FETCH_IO_CMDS completion carries (the kernel's batch).
constexpr size_t kTagsPerFetch = 128;

// Whether the kernel copies each request's data to and from the tag's buffer, whose
// address the server then gives it: neither under zero copy nor under user copy.
bool kernel_copies(const Device &dev)
{
	return !dev.zero_copy && !dev.user_copy;
}

// Where request @tag of queue @qid is in /dev/ublkcN under UBLK_F_USER_COPY.
uint64_t user_copy_pos(uint16_t qid, uint16_t tag)
{
	return UBLKSRV_IO_BUF_OFFSET + (uint64_t{qid} << UBLK_QID_OFF) + (uint64_t{tag} << UBLK_TAG_OFF);
}

// A batch command's element: the request's header, then where the kernel copies
// the address of the tag's buffer.
size_t elem_bytes(const Device &dev)
{
	return sizeof(ublk_elem_header) + (kernel_copies(dev) ? sizeof(uint64_t) : 0);
}

// Queues batch command @cmd_op for queue @q.qid over @nr elements at @elems, which
// must stay as they are until its completion. Returns the SQE, or nullptr when the
// ring has none free.
io_uring_sqe *queue_batch_cmd(QueueCtx &q, const Device &dev, uint32_t cmd_op, const void *elems, uint16_t nr,
			      uint32_t cookie)
{
	io_uring_sqe *sqe = ublk_cmd_sqe(q, cmd_op, 0, cookie);
	if (!sqe)
		return nullptr;
	sqe->addr = reinterpret_cast<uintptr_t>(elems);
	auto *cmd = reinterpret_cast<ublk_batch_io *>(&sqe->addr3);
	cmd->q_id = q.qid;
	cmd->nr_elem = nr;
	if (cmd_op == UBLK_U_IO_FETCH_IO_CMDS) {
		// Each completion is a buffer of the group, holding u16 tags.
		cmd->elem_bytes = sizeof(uint16_t);
		sqe->flags |= IOSQE_BUFFER_SELECT;
		sqe->buf_group = kTagGroup;
		sqe->uring_cmd_flags = IORING_URING_CMD_MULTISHOT;
	} else {
		cmd->elem_bytes = static_cast<uint8_t>(elem_bytes(dev));
		cmd->flags = kernel_copies(dev) ? UBLK_BATCH_F_HAS_BUF_ADDR : 0;
	}
	return sqe;
}

// Appends to @out the element of @tag with @result: the fixed buffer the tag's next
// request goes to under zero copy (the tag's own index, as in queue_cmd()), and the
// tag's buffer where the kernel copies.
void add_elem(std::vector<uint8_t> &out, const Device &dev, const QueueCtx &q, uint16_t tag, int32_t result)
{
	const size_t at = out.size();
	out.resize(at + elem_bytes(dev));
	const ublk_elem_header h{tag, tag, result};
	std::memcpy(out.data() + at, &h, sizeof(h));
	if (kernel_copies(dev)) {
		const uint64_t addr = reinterpret_cast<uintptr_t>(q.bufs[tag]);
		std::memcpy(out.data() + at + sizeof(h), &addr, sizeof(addr));
	}
}

// Queues FETCH_REQ (first time) or COMMIT_AND_FETCH_REQ with @result for @tag.
// Returns the SQE, or nullptr when the ring has none free.
io_uring_sqe *queue_cmd(QueueCtx &q, const Device &dev, uint16_t tag, uint32_t cmd_op, int32_t result)
{
	io_uring_sqe *sqe = ublk_cmd_sqe(q, cmd_op, tag, 0);
	if (!sqe)
		return nullptr;
	auto *cmd = reinterpret_cast<ublksrv_io_cmd *>(&sqe->addr3);
	cmd->q_id = q.qid;
	cmd->tag = tag;
	cmd->result = result;
	if (dev.user_copy) {
		// The kernel copies nothing, and refuses a command that names a buffer.
	} else if (q.bufs[tag]) {
		cmd->addr = reinterpret_cast<uintptr_t>(q.bufs[tag]);
	} else {
		// Zero copy: the command's own addr stays 0 (the kernel refuses any other),
		// and the SQE's addr names the fixed buffer the request's pages go to.
		sqe->addr = auto_buf_reg_addr(tag);
	}
	return sqe;
}

struct Resources {
	io_uring ring{};
	bool ring_ready = false;
	void *descs = MAP_FAILED;
	size_t descs_len = 0;
	std::vector<void *> bufs;
	// UBLK_F_BATCH_IO: the provided-buffer ring FETCH_IO_CMDS puts tags in, followed
	// by its buffers, tag_buf_bytes each.
	void *tag_ring = MAP_FAILED;
	size_t tag_ring_len = 0;
	unsigned tag_bufs = 0;
	size_t tag_buf_bytes = 0;

	~Resources()
	{
		if (ring_ready)
			io_uring_queue_exit(&ring);
		if (descs != MAP_FAILED)
			munmap(descs, descs_len);
		if (tag_ring != MAP_FAILED)
			munmap(tag_ring, tag_ring_len);
		for (void *b : bufs)
			std::free(b);
	}
};

// The tag buffer @bid of @r's tag ring.
uint16_t *tag_buf(const Resources &r, unsigned bid)
{
	return reinterpret_cast<uint16_t *>(static_cast<char *>(r.tag_ring) + r.tag_bufs * sizeof(io_uring_buf) +
					    bid * r.tag_buf_bytes);
}

// Gives tag buffer @bid of @r back to the kernel's use.
void give_tag_buf(Resources &r, unsigned bid)
{
	auto *br = static_cast<io_uring_buf_ring *>(r.tag_ring);
	io_uring_buf_ring_add(br, tag_buf(r, bid), static_cast<unsigned>(r.tag_buf_bytes), static_cast<unsigned short>(bid),
			      io_uring_buf_ring_mask(r.tag_bufs), 0);
	io_uring_buf_ring_advance(br, 1);
}

// UBLK_F_BATCH_IO: registers the provided-buffer ring FETCH_IO_CMDS delivers tags
// into, with every buffer in it. A completion takes one buffer, which the queue gives
// back once it has taken the tags; as many buffers as tags, so that the kernel never
// runs out while every request is with the server. Returns 0, or -errno with what
// failed in *what.
int setup_tag_ring(const QueueSetup &s, Resources &r, std::string *what)
{
	r.tag_bufs = 1;
	while (r.tag_bufs < s.depth)
		r.tag_bufs <<= 1;
	r.tag_buf_bytes = std::min<size_t>(s.depth, kTagsPerFetch) * sizeof(uint16_t);
	r.tag_ring_len = r.tag_bufs * (sizeof(io_uring_buf) + r.tag_buf_bytes);
	r.tag_ring = mmap(nullptr, r.tag_ring_len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (r.tag_ring == MAP_FAILED) {
		*what = "mmap of the tag buffers";
		return -errno;
	}
	io_uring_buf_reg reg{};
	reg.ring_addr = reinterpret_cast<uintptr_t>(r.tag_ring);
	reg.ring_entries = r.tag_bufs;
	reg.bgid = kTagGroup;
	if (int ret = io_uring_register_buf_ring(&r.ring, &reg, 0); ret < 0) {
		*what = "io_uring_register_buf_ring";
		return ret;
	}
	io_uring_buf_ring_init(static_cast<io_uring_buf_ring *>(r.tag_ring));
	for (unsigned bid = 0; bid < r.tag_bufs; bid++)
		give_tag_buf(r, bid);
	return 0;
}

// Maps the queue's descriptors and builds its ring, registered files and buffers
// into @r. Returns 0, or -errno with what failed in *what.
int setup(const QueueSetup &s, Resources &r, std::string *what)
{
	const Target &t = *s.dev->target;

	r.descs_len = desc_bytes(s.depth);
	// Each queue's descriptor area is at a fixed stride in /dev/ublkcN's mmap space.
	r.descs = mmap(nullptr, r.descs_len, PROT_READ, MAP_SHARED | MAP_POPULATE, s.char_fd,
		       static_cast<off_t>(UBLKSRV_CMD_BUF_OFFSET + s.qid * desc_bytes(UBLK_MAX_QUEUE_DEPTH)));
	if (r.descs == MAP_FAILED) {
		*what = "mmap of the request descriptors";
		return -errno;
	}
	// A request has at most a ublk command, or a target SQE and its latency timeout,
	// in flight; each fill a read and its timeout; each parked read one wake-up.
	io_uring_params p{};
	p.flags = IORING_SETUP_COOP_TASKRUN | IORING_SETUP_SINGLE_ISSUER;
	int ret = io_uring_queue_init_params(3 * s.depth + 2 * kFillsPerQueue, &r.ring, &p);
	if (ret < 0) {
		*what = "io_uring_queue_init";
		return ret;
	}
	r.ring_ready = true;

	std::vector<int> files{s.char_fd};
	for (int fd : t.ops->files(t))
		files.push_back(fd);
	ret = io_uring_register_files(&r.ring, files.data(), static_cast<unsigned>(files.size()));
	if (ret < 0) {
		*what = "io_uring_register_files";
		return ret;
	}
	if (s.dev->batch && (ret = setup_tag_ring(s, r, what)) < 0)
		return ret;
	r.bufs.assign(s.depth, nullptr);
	if (s.dev->zero_copy) {
		// The kernel fills the table with each request's pages as it delivers it.
		ret = io_uring_register_buffers_sparse(&r.ring, s.depth);
		if (ret < 0)
			*what = "io_uring_register_buffers_sparse";
		return ret;
	}
	std::vector<iovec> iov(s.depth);
	for (uint16_t tag = 0; tag < s.depth; tag++) {
		if (posix_memalign(&r.bufs[tag], page_size(), s.max_io_bytes)) {
			*what = "buffers";
			return -ENOMEM;
		}
		iov[tag] = {r.bufs[tag], s.max_io_bytes};
	}
	ret = io_uring_register_buffers(&r.ring, iov.data(), s.depth);
	if (ret < 0)
		*what = "io_uring_register_buffers";
	return ret;
}

// Per-tag state of the request being served.
struct TagState {
	uint64_t start_ns; // a read: when it arrived
	uint64_t epoch;    // a read that missed: the cache's write epoch when it was issued
	uint32_t token;    // a write, discard or write-zeroes: its registration with the cache
	bool populate;     // a read that missed: install its data when it lands
	bool backend;      // a read sent to the target
	bool waited;       // a read that found its blocks filling, and was parked on the fill
	iovec part;        // a read the cache held in part: where the rest is read to
	bool in_request;   // user copy: a read's data is in the request already (a hit)
};

// Whether @op changes the device's blocks, and so registers with the cache.
bool writes_blocks(uint8_t op)
{
	return op == UBLK_IO_OP_WRITE || op == UBLK_IO_OP_DISCARD || op == UBLK_IO_OP_WRITE_ZEROES;
}

// Installs in @cache the blocks that read @iod, whose data is in @buf, covered whole:
// a block it covered in part is not known whole.
void populate(Cache &cache, const ublksrv_io_desc &iod, const char *buf, uint64_t epoch)
{
	const uint64_t off = iod.start_sector << 9;
	const uint64_t end = off + (uint64_t{iod.nr_sectors} << 9);
	const uint64_t first = (off + kCacheBlock - 1) >> kCacheBlockShift;
	const uint64_t last = end >> kCacheBlockShift;
	if (last > first)
		cache.populate(first, static_cast<uint32_t>(last - first), buf + ((first << kCacheBlockShift) - off), epoch);
}

// One queue's serving loop and what it keeps.
class Loop {
public:
	Loop(const QueueSetup &s, Resources &r)
		: s_(s), d_(*s.dev), t_(*s.dev->target), q_{&r.ring, s.qid, r.bufs.data(), std::vector<uint32_t>(s.depth, 0), nullptr, s.dev->stats},
		  r_(r), descs_(static_cast<const ublksrv_io_desc *>(r.descs)), tags_(s.depth)
	{
	}

	// Queues every tag's FETCH_REQ, or under UBLK_F_BATCH_IO prepares every tag and
	// arms the queue's FETCH_IO_CMDS. Returns 0, or -errno from the ring or from the
	// kernel's refusal.
	int start()
	{
		if (d_.batch)
			return start_batch();
		live_ = s_.depth;
		// Tag 0 alone first: a kernel that refuses this server's FETCH_REQ (a flag
		// it reads otherwise) refuses the first, and a queue it took no command
		// of leaves nothing to cancel (6.12 warns when a queue it took only part
		// of closes).
		const int ret = fetch(0, 1);
		return ret < 0 ? ret : fetch(1, s_.depth);
	}

	// Submits FETCH_REQ for tags [@first, @end). The kernel checks each as it takes
	// it and answers a refusal at once: a tag it refused is never ready, and
	// START_DEV would wait for it for ever. Returns the first refusal's -errno, or 0
	// (the completions the run handles stay in the ring).
	int fetch(uint16_t first, uint16_t end)
	{
		for (uint16_t tag = first; tag < end; tag++) {
			io_uring_sqe *sqe = queue_cmd(q_, d_, tag, UBLK_U_IO_FETCH_REQ, 0);
			if (sqe && d_.faults.fail(FaultSite::kFetch))
				reinterpret_cast<ublksrv_io_cmd *>(&sqe->addr3)->q_id = UINT16_MAX;
		}
		int ret = io_uring_submit(q_.ring);
		if (ret < 0)
			return ret;
		if ((ret = io_uring_get_events(q_.ring)) < 0)
			return ret;
		io_uring_cqe *cqe;
		unsigned head;
		io_uring_for_each_cqe(q_.ring, head, cqe) {
			const UserData ud = unpack(cqe->user_data);
			if (ud.origin == Origin::kUblk && cqe->res < 0)
				return cqe->res;
		}
		return 0;
	}

	// Serves requests until the device stops. Returns 0, or -errno from the ring.
	int run();

private:
	int start_batch();
	bool arm_fetch();
	void fetched(int res, uint32_t flags);
	void take(uint16_t tag);
	bool send_answers();
	void answered(uint32_t buf, int res);
	void start_request(uint16_t tag);
	int read_request(uint16_t tag, const ublksrv_io_desc &iod);
	void resume_read(uint16_t tag);
	int read_part(uint16_t tag, const ublksrv_io_desc &iod, uint32_t skip, uint32_t len);
	void part_landed(uint16_t tag, int res);
	void finish(uint16_t tag, int result);
	int copy_in(uint16_t tag, uint64_t bytes);
	int copy_out(uint16_t tag, uint32_t bytes);
	void commit(uint16_t tag, int result);
	void prefetch(const ublksrv_io_desc &iod, Timing timing);
	void fill_landed(uint32_t id, int res);
	void send_wake(const Waiter &w);
	void complete(uint64_t user_data, int res, uint32_t flags = 0);
	void pump();
	void complete_done();
	bool retry_deferred();
	int drain(int err);

public:
	// Sets up the target's side of this queue. Returns 0 or -errno, with *why.
	int start_target(std::string *why)
	{
		return t_.ops->queue_start ? t_.ops->queue_start(t_, q_, why) : 0;
	}
	void stop_target();

private:
	const QueueSetup &s_;
	Device &d_;
	Target &t_;
	QueueCtx q_;
	Resources &r_;
	const ublksrv_io_desc *descs_;
	std::vector<TagState> tags_;
	std::vector<Waiter> wake_;
	unsigned fills_ = 0; // issued from this queue, not yet landed
	// Work that found no SQE, retried before the next wait: a commit or a wake-up
	// that was dropped instead would leave its request unanswered for good.
	struct Commit {
		uint16_t tag;
		int32_t result;
	};
	std::vector<Commit> commits_;
	std::vector<Waiter> wakes_; // reads parked on other queues, to wake
	std::vector<TargetDone> done_;  // what the target completed outside the ring
	std::vector<TargetDone> batch_; // done_'s entries being handled (complete_done)
	unsigned live_ = 0; // tags whose ublk command is not yet aborted; batch: FETCH_IO_CMDS armed
	unsigned serving_ = 0; // tags whose request this queue holds, not yet answered
	// UBLK_F_BATCH_IO: answers go out in COMMIT_IO_CMDS, one per pass of the loop.
	// answers_ is the element buffer being filled; a sent one stays in sent_ (the
	// kernel may read it until the command completes), then goes back to spare_.
	std::vector<uint8_t> answers_;
	std::vector<std::vector<uint8_t>> sent_;
	std::vector<uint32_t> spare_; // indices into sent_ free for reuse
	unsigned answering_ = 0;      // COMMIT_IO_CMDS in flight
	bool rearm_ = false;          // FETCH_IO_CMDS ended for want of a tag buffer: arm it again
	int failed_ = 0;              // the ring's first failure (-errno): serving has ended
	bool reported_ = false;       // s_.stopped_serving() was called for it
	bool gone_ = false;           // FaultSite::kGone struck this queue
	// Whether the loop must go on for UBLK_F_BATCH_IO's sake: requests held, answers
	// not yet sent, or sent and not yet taken. (One command per request keeps each
	// such tag live instead.)
	bool batch_busy() const { return d_.batch && (serving_ || !answers_.empty() || answering_ || rearm_); }
};

// UBLK_F_BATCH_IO: gives the kernel every tag of the queue in one PREP_IO_CMDS and
// arms the queue's FETCH_IO_CMDS. The kernel takes all the tags or none. Returns 0,
// or -errno from the ring or the kernel's refusal.
int Loop::start_batch()
{
	std::vector<uint8_t> elems;
	for (uint16_t tag = 0; tag < s_.depth; tag++)
		add_elem(elems, d_, q_, tag, 0);
	io_uring_sqe *sqe = queue_batch_cmd(q_, d_, UBLK_U_IO_PREP_IO_CMDS, elems.data(), s_.depth, 0);
	if (!sqe)
		return -EBUSY;
	if (d_.faults.fail(FaultSite::kFetch))
		reinterpret_cast<ublk_batch_io *>(&sqe->addr3)->q_id = UINT16_MAX;
	int ret = io_uring_submit_and_wait(q_.ring, 1);
	if (ret < 0)
		return ret;
	// PREP_IO_CMDS completes before the submission returns; its answer stays in the
	// ring for run(), which ignores it.
	io_uring_cqe *cqe;
	unsigned head;
	io_uring_for_each_cqe(q_.ring, head, cqe) {
		const UserData ud = unpack(cqe->user_data);
		if (ud.origin == Origin::kUblk && ud.op == _IOC_NR(UBLK_U_IO_PREP_IO_CMDS) && cqe->res < 0)
			return cqe->res;
	}
	return arm_fetch() ? 0 : -EBUSY;
}

// Queues the queue's FETCH_IO_CMDS. Returns false if the ring had no SQE free.
bool Loop::arm_fetch()
{
	if (!queue_batch_cmd(q_, d_, UBLK_U_IO_FETCH_IO_CMDS, nullptr, s_.depth, 0))
		return false;
	live_ = 1;
	return true;
}

// A FETCH_IO_CMDS completion: @res bytes of tags in the buffer @flags names, each a
// request to serve. Without IORING_CQE_F_MORE the command has ended: -ENOBUFS when
// no tag buffer was free (the kernel kept the tags for the next FETCH_IO_CMDS, which
// is armed again), UBLK_IO_RES_ABORT when the device stops.
void Loop::fetched(int res, uint32_t flags)
{
	if (flags & IORING_CQE_F_BUFFER) {
		const unsigned bid = flags >> IORING_CQE_BUFFER_SHIFT;
		const uint16_t *tags = tag_buf(r_, bid);
		for (int i = 0; i < res / static_cast<int>(sizeof(uint16_t)); i++) {
			if (tags[i] < s_.depth)
				take(tags[i]);
		}
		give_tag_buf(r_, bid);
	}
	if (flags & IORING_CQE_F_MORE)
		return;
	live_ = 0;
	// Armed again by the pass's retry_deferred(), which retries until an SQE is free.
	rearm_ = res == -ENOBUFS && d_.give_up.load(std::memory_order_acquire) != GiveUp::kEndRings;
}

// Request @tag has arrived: served, or failed at once when this queue's ring failed
// or the device is given up.
void Loop::take(uint16_t tag)
{
	serving_++;
	if (failed_ || d_.give_up.load(std::memory_order_acquire) != GiveUp::kNo) {
		d_.stats->add(Stat::kErrors);
		commit(tag, -EIO);
	} else {
		start_request(tag);
	}
}

// Sends the answers gathered since the last pass in one COMMIT_IO_CMDS. Returns
// whether answers are left unsent (no SQE free).
bool Loop::send_answers()
{
	if (answers_.empty())
		return false;
	if (d_.faults.fail(FaultSite::kCommit))
		return true;
	uint32_t buf;
	if (!spare_.empty()) {
		buf = spare_.back();
		spare_.pop_back();
	} else {
		buf = static_cast<uint32_t>(sent_.size());
		sent_.emplace_back();
	}
	const auto nr = static_cast<uint16_t>(answers_.size() / elem_bytes(d_));
	if (!queue_batch_cmd(q_, d_, UBLK_U_IO_COMMIT_IO_CMDS, answers_.data(), nr, buf)) {
		spare_.push_back(buf);
		return true;
	}
	sent_[buf].swap(answers_);
	answers_.clear();
	answering_++;
	return false;
}

// COMMIT_IO_CMDS of answer buffer @buf completed with @res: the bytes of answers the
// kernel took, or -errno. The kernel stops at the first answer it refuses, which
// happens only when it no longer holds that request for this server (the device is
// being torn down, and the kernel failed or requeued the request itself): that answer
// is dropped, and the ones after it are sent again.
void Loop::answered(uint32_t buf, int res)
{
	answering_--;
	std::vector<uint8_t> &b = sent_[buf];
	const size_t one = elem_bytes(d_);
	const size_t took = res > 0 ? static_cast<size_t>(res) : 0;
	if (took < b.size()) {
		d_.stats->add(Stat::kErrors);
		answers_.insert(answers_.end(), b.begin() + static_cast<std::ptrdiff_t>(std::min(b.size(), took + one)), b.end());
	}
	b.clear();
	spare_.push_back(buf);
}

// Whether an error of io_uring_submit_and_wait passes once completions are reaped or
// memory is freed, so that the queue goes on.
bool transient(int err)
{
	return err == -EINTR || err == -EAGAIN || err == -EBUSY || err == -ENOMEM;
}

int Loop::run()
{
	// Each tag has one ublk command outstanding unless its request is with the
	// target or parked; a tag whose command comes back aborted is done. Fills in
	// flight are waited for, since reads parked on other queues need them.
	while (live_ || fills_ || batch_busy()) {
		if (d_.give_up.load(std::memory_order_acquire) == GiveUp::kEndRings && !serving_ && !fills_ &&
		    commits_.empty() && wakes_.empty() && answers_.empty()) {
			// Answers queued by the last pass go out before the ring closes.
			io_uring_submit(q_.ring);
			return failed_;
		}
		pump();
		// With work deferred, nothing may be in flight to wake the wait: only poll.
		// A COMMIT_IO_CMDS sent now completes as it is submitted: waking for it alone
		// would cost every request at QD1 a second io_uring_enter(), so the wait is
		// for one completion besides it (one command per request has no such
		// completion: COMMIT_AND_FETCH_REQ completes with the tag's next request).
		const unsigned answering = answering_;
		// A failure is reported once the ring has submitted again, without waiting
		// for a completion that may never come.
		const bool report = failed_ && !reported_;
		unsigned want = retry_deferred() || report ? 0 : 1;
		if (want)
			want += answering_ - answering;
		int ret;
		if (d_.faults.fail(FaultSite::kRing))
			ret = -EBUSY;
		else if (d_.faults.fail(FaultSite::kDead))
			ret = -EBADR;
		else if ((gone_ = gone_ || d_.faults.fail(FaultSite::kGone)))
			ret = -EBADF;
		else
			ret = io_uring_submit_and_wait(q_.ring, want);
		// The first failure (-EBADR: completions were lost) ends serving, not the
		// ring: while the ring submits, the queue answers what it holds and fails
		// what arrives until STOP_DEV aborts its commands, so that it closes no ring
		// while the kernel hands it requests. A ring that fails again cannot answer
		// and ends.
		if (ret < 0 && !transient(ret)) {
			if (failed_)
				return drain(failed_);
			failed_ = ret;
			continue;
		}
		if (report && ret >= 0) {
			reported_ = true;
			if (s_.stopped_serving)
				s_.stopped_serving();
		}
		io_uring_cqe *cqe;
		unsigned head, seen = 0;
		io_uring_for_each_cqe(q_.ring, head, cqe) {
			seen++;
			complete(cqe->user_data, cqe->res, cqe->flags);
		}
		io_uring_cq_advance(q_.ring, seen);
	}
	return failed_;
}

// One completion: a CQE with its @flags, or what a target completed outside the ring.
void Loop::complete(uint64_t user_data, int res, uint32_t flags)
{
	const UserData ud = unpack(user_data);
	if (ud.op == kOpIgnore)
		return;
	switch (ud.origin) {
	case Origin::kUblk:
		if (ud.op == _IOC_NR(UBLK_U_IO_FETCH_IO_CMDS))
			fetched(res, flags);
		else if (ud.op == _IOC_NR(UBLK_U_IO_COMMIT_IO_CMDS))
			answered(ud.cookie, res);
		else if (ud.op == _IOC_NR(UBLK_U_IO_PREP_IO_CMDS))
			; // start_batch() checked it
		else if (res != UBLK_IO_RES_OK)
			live_--; // UBLK_IO_RES_ABORT: the device is stopping
		else
			take(ud.tag);
		break;
	case Origin::kTarget: {
		const int result = t_.ops->io_done(t_, q_, ud.tag, descs_[ud.tag], ud.op, ud.cookie, res);
		if (result != kPending)
			finish(ud.tag, result);
		break;
	}
	case Origin::kCache:
		if (ud.op == kCacheFill)
			fill_landed(ud.cookie, res);
		else if (ud.op == kCachePart)
			part_landed(ud.tag, res);
		else if (ud.op == kCacheWakeSent) // failed: send it again
			wakes_.push_back({static_cast<uint16_t>(ud.cookie), ud.tag});
		else
			resume_read(ud.tag);
		break;
	}
}

// Handles what the target completed outside the ring, until handling it completes
// nothing more, and lets the target arm the ring for its next event.
void Loop::pump()
{
	if (!t_.ops->pump)
		return;
	for (;;) {
		t_.ops->pump(t_, q_, done_);
		if (done_.empty())
			return;
		complete_done();
	}
}

// Ends the target's I/O for this queue, handling what that fails.
void Loop::stop_target()
{
	if (!t_.ops->queue_stop)
		return;
	t_.ops->queue_stop(t_, q_, done_);
	complete_done();
}

// Handles what the target put in done_ and empties it. Handling a completion may
// make the target complete more into done_, so the batch goes through batch_; the
// two swap buffers, and neither allocates once grown.
void Loop::complete_done()
{
	batch_.swap(done_);
	for (const TargetDone &d : batch_)
		complete(d.user_data, d.res);
	batch_.clear();
}

void Loop::start_request(uint16_t tag)
{
	const ublksrv_io_desc &iod = descs_[tag];
	TagState &ts = tags_[tag];
	const uint64_t bytes = uint64_t{iod.nr_sectors} << 9;
	const uint8_t op = ublksrv_get_op(&iod);
	ts = TagState{};
	int result;
	switch (op) {
	case UBLK_IO_OP_READ:
		ts.start_ns = now_ns();
		d_.stats->add(Stat::kReads);
		d_.stats->add(Stat::kReadBytes, bytes);
		result = read_request(tag, iod);
		// A read that waits for a fill in flight tells the core its readahead
		// leads by less than the backend takes.
		prefetch(iod, ts.waited ? Timing::kLate : Timing::kUnknown);
		break;
	case UBLK_IO_OP_WRITE:
	case UBLK_IO_OP_DISCARD:
	case UBLK_IO_OP_WRITE_ZEROES:
		if (op == UBLK_IO_OP_WRITE) {
			d_.stats->add(Stat::kWrites);
			d_.stats->add(Stat::kWriteBytes, bytes);
		} else {
			d_.stats->add(Stat::kDiscards);
		}
		// Under user copy the write's bytes come from the request first; a write
		// whose bytes could not be read fails before the cache or the backend sees it.
		if (op == UBLK_IO_OP_WRITE && d_.user_copy && copy_in(tag, bytes) < 0) {
			d_.stats->add(Stat::kErrors);
			commit(tag, -EIO);
			return;
		}
		// Registered before it is submitted, retired before it is acknowledged: see
		// cache.hpp.
		if (d_.cache.enabled())
			ts.token = d_.cache.write_begin(iod.start_sector << 9, bytes);
		result = t_.ops->queue_io(t_, q_, tag, iod);
		break;
	case UBLK_IO_OP_FLUSH:
		d_.stats->add(Stat::kFlushes);
		[[fallthrough]];
	default:
		result = t_.ops->queue_io(t_, q_, tag, iod);
		break;
	}
	if (result != 0 && result != kPending)
		finish(tag, result);
}

// Serves read @tag from the cache, parks it on a fill in flight, or sends it to the
// target. Returns its result, or kPending.
int Loop::read_request(uint16_t tag, const ublksrv_io_desc &iod)
{
	TagState &ts = tags_[tag];
	if (d_.cache.enabled()) {
		const uint64_t off = iod.start_sector << 9;
		const uint32_t len = iod.nr_sectors << 9;
		// Under user copy a hit goes from the cache into the request itself.
		const Cache::Dest dst{static_cast<char *>(q_.bufs[tag]), d_.user_copy ? s_.char_fd : -1,
				      user_copy_pos(s_.qid, tag)};
		const Cache::ReadResult r = d_.cache.read(off, len, dst, {s_.qid, tag});
		switch (r.how) {
		case Cache::Lookup::kHit:
			d_.stats->add(Stat::kCacheHits);
			ts.in_request = d_.user_copy;
			return r.err ? r.err : static_cast<int>(len);
		case Cache::Lookup::kWait:
			d_.stats->add(Stat::kCacheWaits);
			ts.waited = true;
			return kPending;
		case Cache::Lookup::kMiss:
			ts.epoch = r.epoch;
			ts.populate = true;
			if (r.part_len < len)
				return read_part(tag, iod, static_cast<uint32_t>(r.part_off - off), r.part_len);
			break;
		}
	}
	ts.backend = true;
	const int ret = t_.ops->queue_io(t_, q_, tag, iod);
	return ret == 0 ? kPending : ret;
}

// Reads @len bytes of read @tag, from @skip bytes into it, from the backend into
// their place in the tag's buffer: the part the cache lacked, which copied in the
// rest. Returns kPending, or -errno if nothing was queued.
int Loop::read_part(uint16_t tag, const ublksrv_io_desc &iod, uint32_t skip, uint32_t len)
{
	TagState &ts = tags_[tag];
	ts.part = {static_cast<char *>(q_.bufs[tag]) + skip, len};
	const uint64_t off = (iod.start_sector << 9) + skip;
	const int ret = t_.ops->read_into(t_, q_, off, &ts.part, 1, pack({tag, kCachePart, Origin::kCache, 0}),
					  ReadFor::kDemand);
	return ret == 0 ? kPending : ret;
}

// The backend read of the part of @tag the cache lacked ended with @res. A short
// read (the backing file shrank, or a signal) sends the whole request to the target,
// which finishes or fails it as it would any read.
void Loop::part_landed(uint16_t tag, int res)
{
	TagState &ts = tags_[tag];
	if (res > 0)
		d_.stats->add(Stat::kBackendReadBytes, static_cast<uint64_t>(res));
	if (res < 0) {
		finish(tag, res);
		return;
	}
	if (static_cast<size_t>(res) < ts.part.iov_len) {
		ts.backend = true;
		const int ret = t_.ops->queue_io(t_, q_, tag, descs_[tag]);
		if (ret != 0)
			finish(tag, ret);
		return;
	}
	finish(tag, static_cast<int>(descs_[tag].nr_sectors << 9));
}

// Serves read @tag again now that the fill it waited for has landed.
void Loop::resume_read(uint16_t tag)
{
	const int result = read_request(tag, descs_[tag]);
	if (result != kPending)
		finish(tag, result);
}

// Under user copy: reads the @bytes of write request @tag from /dev/ublkcN into the
// tag's buffer. Returns 0, or -EIO.
int Loop::copy_in(uint16_t tag, uint64_t bytes)
{
	const ssize_t n = pread(s_.char_fd, q_.bufs[tag], bytes, static_cast<off_t>(user_copy_pos(s_.qid, tag)));
	return n == static_cast<ssize_t>(bytes) ? 0 : -EIO;
}

// Under user copy: writes the first @bytes of the tag's buffer, the data of read
// request @tag, into the request. Returns @bytes, or -EIO.
int Loop::copy_out(uint16_t tag, uint32_t bytes)
{
	const ssize_t n = pwrite(s_.char_fd, q_.bufs[tag], bytes, static_cast<off_t>(user_copy_pos(s_.qid, tag)));
	return n == static_cast<ssize_t>(bytes) ? static_cast<int>(bytes) : -EIO;
}

// Request @tag is done with @result: the cache learns of it, then ublk does.
void Loop::finish(uint16_t tag, int result)
{
	const ublksrv_io_desc &iod = descs_[tag];
	TagState &ts = tags_[tag];
	const char *buf = static_cast<const char *>(q_.bufs[tag]);
	const uint8_t op = ublksrv_get_op(&iod);
	if (op == UBLK_IO_OP_READ) {
		// Under user copy the bytes go from the tag's buffer to the request, unless a
		// hit put them there.
		if (d_.user_copy && !ts.in_request && result > 0)
			result = copy_out(tag, static_cast<uint32_t>(result));
		if (ts.backend && result > 0)
			d_.stats->add(Stat::kBackendReadBytes, static_cast<uint64_t>(result));
		if (ts.populate && result > 0)
			populate(d_.cache, iod, buf, ts.epoch);
		d_.stats->add_read_latency(now_ns() - ts.start_ns);
	} else if (op == UBLK_IO_OP_WRITE && result > 0) {
		d_.stats->add(Stat::kBackendWriteBytes, static_cast<uint64_t>(result));
	}
	if (d_.cache.enabled() && writes_blocks(op))
		d_.cache.write_end(ts.token, op == UBLK_IO_OP_WRITE ? buf : nullptr, result);
	if (result < 0)
		d_.stats->add(Stat::kErrors);
	commit(tag, result);
}

// Answers request @tag with @result and fetches the tag's next request, now or, if
// the ring has no SQE free, before the next wait.
void Loop::commit(uint16_t tag, int result)
{
	serving_--;
	if (d_.batch) {
		add_elem(answers_, d_, q_, tag, result); // sent by the pass's send_answers()
		return;
	}
	if (d_.faults.fail(FaultSite::kCommit) || !queue_cmd(q_, d_, tag, UBLK_U_IO_COMMIT_AND_FETCH_REQ, result))
		commits_.push_back({tag, result});
}

// Queues again what found no SQE, and sends the pass's batch of answers. Returns
// whether anything is still deferred.
bool Loop::retry_deferred()
{
	if (rearm_ && arm_fetch())
		rearm_ = false;
	const bool unsent = send_answers() || rearm_;
	if (commits_.empty() && wakes_.empty())
		return unsent;
	std::vector<Commit> commits;
	std::vector<Waiter> wakes;
	commits.swap(commits_);
	wakes.swap(wakes_);
	for (const Commit &c : commits) {
		serving_++; // still served: commit() counts it answered again
		commit(c.tag, c.result);
	}
	for (const Waiter &w : wakes)
		send_wake(w);
	return unsent || !commits_.empty() || !wakes_.empty();
}

// Feeds a demand read to the core and starts fills for what it decides, within this
// queue's bound of fills in flight. Never waits: what does not fit is dropped.
// @timing says whether the read waited for a fill in flight.
void Loop::prefetch(const ublksrv_io_desc &iod, Timing timing)
{
	if (d_.prefetch.empty())
		return;
	constexpr unsigned kShift = kCacheBlockShift - 9;
	const uint64_t blocks = t_.dev_size >> kCacheBlockShift;
	const uint64_t first = iod.start_sector >> kShift;
	const uint64_t end = (iod.start_sector + iod.nr_sectors + (1u << kShift) - 1) >> kShift;
	Decision dec[kMaxDecisions];
	const size_t n = d_.prefetch[s_.qid]->decide(first, static_cast<uint32_t>(end - first), timing, dec);
	d_.stats->add(Stat::kDecisions, n);
	for (size_t i = 0; i < n; i++) {
		if (dec[i].start >= blocks)
			continue;
		const uint32_t len = static_cast<uint32_t>(std::min<uint64_t>(dec[i].length, blocks - dec[i].start));
		if (fills_ == kFillsPerQueue) {
			d_.stats->add(Stat::kPrefetchDropped, len);
			continue;
		}
		Cache::Fill fill[kFillsPerQueue];
		const unsigned got = d_.cache.reserve(dec[i].start, len, fill, kFillsPerQueue - fills_);
		for (unsigned k = 0; k < got; k++) {
			const Cache::Fill &f = fill[k];
			const int ret = t_.ops->read_into(t_, q_, f.block << kCacheBlockShift, f.iov, f.count,
							  pack({0, kCacheFill, Origin::kCache, f.id}), ReadFor::kPrefetch);
			fills_++;
			if (ret < 0)
				fill_landed(f.id, ret); // nothing was queued: release it now
		}
	}
}

// Fill @id ended with @res. Its parked reads are served again: this queue's at once,
// other queues' through a message to their ring.
void Loop::fill_landed(uint32_t id, int res)
{
	fills_--;
	if (res > 0)
		d_.stats->add(Stat::kBackendReadBytes, static_cast<uint64_t>(res));
	wake_.clear();
	d_.cache.fill_done(id, res, wake_);
	if (res < 0) {
		d_.stats->add(Stat::kFillErrors);
		d_.stats->add(Stat::kFillErrorWaits, wake_.size());
	}
	for (const Waiter &w : wake_) {
		if (w.queue == s_.qid)
			resume_read(w.tag);
		else
			send_wake(w);
	}
}

// Wakes read @w parked on another queue: a message to that queue's ring, which
// completes there as kCacheWake. Deferred if the ring has no SQE free; a message
// that fails comes back (kCacheWakeSent) to be sent again, unless its queue ended.
void Loop::send_wake(const Waiter &w)
{
	const int fd = d_.ring_fd[w.queue].load(std::memory_order_acquire);
	if (fd < 0)
		return; // that queue has ended, and the kernel aborted its requests
	io_uring_sqe *sqe = d_.faults.fail(FaultSite::kWake) ? nullptr : next_sqe(q_.ring);
	if (!sqe) {
		wakes_.push_back(w);
		return;
	}
	io_uring_prep_msg_ring(sqe, d_.faults.fail(FaultSite::kMsg) ? -1 : fd, 0, pack({w.tag, kCacheWake, Origin::kCache, 0}),
			       0);
	sqe->flags |= IOSQE_CQE_SKIP_SUCCESS;
	sqe->user_data = pack({w.tag, kCacheWakeSent, Origin::kCache, w.queue});
}

// This queue's ring failed with @err and cannot serve any more. Its fills still
// land in cache slots, and reads on other queues may be parked on them: the slots
// must not be reused before the fills land, and the readers must be woken. So the
// fills are waited for, which needs no submission, and their waiters woken as far
// as the ring still submits. Returns @err.
int Loop::drain(int err)
{
	// A target that completes outside the ring fails its fills now; it cannot be
	// pumped without the ring.
	stop_target();
	while (fills_) {
		io_uring_cqe *cqe;
		const int ret = io_uring_wait_cqe(q_.ring, &cqe);
		if (ret == -EINTR)
			continue;
		if (ret < 0)
			break;
		const UserData ud = unpack(cqe->user_data);
		const int res = cqe->res;
		io_uring_cqe_seen(q_.ring, cqe);
		if (ud.origin == Origin::kCache && ud.op == kCacheFill) {
			fill_landed(ud.cookie, res);
			io_uring_submit(q_.ring);
		}
	}
	return err;
}

} // namespace

GiveUp abandon_queues(Device &dev, int *err)
{
	*err = 0;
	const bool all_open = std::all_of(dev.ring_fd.begin(), dev.ring_fd.end(), [](const std::atomic<int> &fd) {
		return fd.load(std::memory_order_acquire) >= 0;
	});
	if (all_open) {
		dev.give_up.store(GiveUp::kKeepRings, std::memory_order_release);
		return GiveUp::kKeepRings;
	}
	dev.give_up.store(GiveUp::kEndRings, std::memory_order_release);
	// One SQE per queue: never short of one.
	io_uring ring;
	int ret = io_uring_queue_init(static_cast<unsigned>(std::max<size_t>(1, dev.ring_fd.size())), &ring, 0);
	if (ret < 0) {
		*err = ret;
		return GiveUp::kEndRings;
	}
	for (const std::atomic<int> &fd : dev.ring_fd) {
		const int f = fd.load(std::memory_order_acquire);
		if (f < 0)
			continue; // not set up, or ended
		// Completes on that ring as an op no handler acts on: it only ends the wait.
		io_uring_prep_msg_ring(io_uring_get_sqe(&ring), f, 0, pack({0, kOpIgnore, Origin::kCache, 0}), 0);
	}
	ret = io_uring_submit_and_wait(&ring, 0);
	io_uring_queue_exit(&ring);
	*err = ret < 0 ? ret : 0;
	return GiveUp::kEndRings;
}

int run_queue(const QueueSetup &s, std::atomic<int> &ready, std::atomic<int> &failed, std::string *why)
{
	Resources r;
	std::string what;
	int ret = setup(s, r, &what);
	std::optional<Loop> loop;
	std::string target_why;
	if (ret == 0) {
		s.dev->ring_fd[s.qid].store(r.ring.ring_fd, std::memory_order_release);
		loop.emplace(s, r);
		what = s.dev->batch ? "PREP_IO_CMDS" : "FETCH_REQ";
		ret = loop->start_target(&target_why);
		if (ret == 0)
			ret = loop->start();
	}
	if (ret < 0) {
		failed++;
		*why = "queue " + std::to_string(s.qid) + ": " +
		       (target_why.empty() ? what + ": " + std::strerror(-ret) : target_why);
		if (loop)
			loop->stop_target();
		return ret;
	}
	ready++;
	ret = loop->run();
	loop->stop_target();
	// Other queues stop messaging this ring before it closes.
	s.dev->ring_fd[s.qid].store(-1, std::memory_order_release);
	if (ret < 0)
		*why = "queue " + std::to_string(s.qid) + ": io_uring_submit_and_wait: " + std::strerror(-ret) +
		       (ret == -EBADR ? " (the ring dropped completions)" : "");
	return ret;
}

} // namespace aether::ublk
