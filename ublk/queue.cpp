// One ublk queue (see queue.hpp).
#include "queue.hpp"

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <sys/mman.h>
#include <sys/uio.h>
#include <unistd.h>

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

// Queues FETCH_REQ (first time) or COMMIT_AND_FETCH_REQ with @result for @tag.
int queue_cmd(QueueCtx &q, uint16_t tag, uint32_t cmd_op, int32_t result)
{
	io_uring_sqe *sqe = next_sqe(q.ring);
	if (!sqe)
		return -EBUSY;
	std::memset(sqe, 0, sizeof(*sqe));
	sqe->opcode = IORING_OP_URING_CMD;
	sqe->fd = kCharIndex;
	sqe->flags = IOSQE_FIXED_FILE;
	sqe->cmd_op = cmd_op;
	sqe->user_data = pack({tag, static_cast<uint8_t>(_IOC_NR(cmd_op)), Origin::kUblk, 0});
	auto *cmd = reinterpret_cast<ublksrv_io_cmd *>(&sqe->addr3);
	cmd->q_id = q.qid;
	cmd->tag = tag;
	cmd->result = result;
	cmd->addr = reinterpret_cast<uintptr_t>(q.bufs[tag]);
	return 0;
}

struct Resources {
	io_uring ring{};
	bool ring_ready = false;
	void *descs = MAP_FAILED;
	size_t descs_len = 0;
	std::vector<void *> bufs;

	~Resources()
	{
		if (ring_ready)
			io_uring_queue_exit(&ring);
		if (descs != MAP_FAILED)
			munmap(descs, descs_len);
		for (void *b : bufs)
			std::free(b);
	}
};

// Maps the queue's descriptors and builds its ring, registered files and buffers
// into @r. Returns 0, or -errno with what failed in *what.
int setup(const QueueSetup &s, Resources &r, std::string *what)
{
	const Target &t = *s.target;

	r.descs_len = desc_bytes(s.depth);
	// Each queue's descriptor area is at a fixed stride in /dev/ublkcN's mmap space.
	r.descs = mmap(nullptr, r.descs_len, PROT_READ, MAP_SHARED | MAP_POPULATE, s.char_fd,
		       static_cast<off_t>(UBLKSRV_CMD_BUF_OFFSET + s.qid * desc_bytes(UBLK_MAX_QUEUE_DEPTH)));
	if (r.descs == MAP_FAILED) {
		*what = "mmap of the request descriptors";
		return -errno;
	}
	// A request needs at most one ublk command and one target SQE in flight.
	io_uring_params p{};
	p.flags = IORING_SETUP_COOP_TASKRUN | IORING_SETUP_SINGLE_ISSUER;
	int ret = io_uring_queue_init_params(2 * s.depth, &r.ring, &p);
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
	std::vector<iovec> iov(s.depth);
	r.bufs.assign(s.depth, nullptr);
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

} // namespace

int run_queue(const QueueSetup &s, std::atomic<int> &ready, std::atomic<bool> &failed, std::string *why)
{
	Resources r;
	Target &t = *s.target;
	std::string what;
	const auto fail = [&](int err) {
		*why = "queue " + std::to_string(s.qid) + ": " + what + ": " + std::strerror(-err);
		return err;
	};

	int ret = setup(s, r, &what);
	QueueCtx q{&r.ring, s.qid, r.bufs.data(), std::vector<uint32_t>(s.depth, 0)};
	if (ret == 0) {
		for (uint16_t tag = 0; tag < s.depth; tag++)
			queue_cmd(q, tag, UBLK_U_IO_FETCH_REQ, 0);
		what = "FETCH_REQ";
		ret = io_uring_submit(&r.ring);
	}
	if (ret < 0) {
		failed = true;
		return fail(ret);
	}
	ready++;
	const auto *descs = static_cast<const ublksrv_io_desc *>(r.descs);

	// Each tag has one ublk command outstanding unless its request is with the
	// target; a tag whose command comes back aborted is done.
	unsigned live = s.depth;
	while (live) {
		ret = io_uring_submit_and_wait(&r.ring, 1);
		if (ret < 0 && ret != -EINTR) {
			what = "io_uring_submit_and_wait";
			return fail(ret);
		}
		io_uring_cqe *cqe;
		unsigned head, seen = 0;
		io_uring_for_each_cqe(&r.ring, head, cqe) {
			seen++;
			const UserData ud = unpack(cqe->user_data);
			const ublksrv_io_desc &iod = descs[ud.tag];
			int result;
			if (ud.origin == Origin::kUblk) {
				if (cqe->res != UBLK_IO_RES_OK) {
					live--; // UBLK_IO_RES_ABORT: the device is stopping
					continue;
				}
				result = t.ops->queue_io(t, q, ud.tag, iod);
				if (result == 0)
					continue;
			} else {
				result = t.ops->io_done(t, q, ud.tag, iod, ud.op, cqe->res);
				if (result == kPending)
					continue;
			}
			queue_cmd(q, ud.tag, UBLK_U_IO_COMMIT_AND_FETCH_REQ, result);
		}
		io_uring_cq_advance(&r.ring, seen);
	}
	return 0;
}

} // namespace aether::ublk
