// The file target completes DISCARD and WRITE_ZEROES of any size the device admits (up to 4 GiB) with a result, never with "pending".
#include <cstdint>
#include <cstdlib>
#include <string>
#include <vector>

#include <fcntl.h>
#include <gtest/gtest.h>
#include <liburing.h>
#include <linux/ublk_cmd.h>
#include <unistd.h>

#include "target.hpp"
#include "user_data.hpp"

namespace {

using namespace aether::ublk;

// A sparse file behind the file target, with a ring that has the target's files
// registered where a queue registers them (0 is /dev/ublkcN, unused here).
class SparseTarget {
public:
	SparseTarget() = default;
	SparseTarget(const SparseTarget &) = delete;
	SparseTarget &operator=(const SparseTarget &) = delete;
	~SparseTarget()
	{
		if (ring_up_)
			io_uring_queue_exit(&ring_);
		if (t_.ops)
			t_.ops->uninit(t_);
		if (!path_.empty())
			::unlink(path_.c_str());
	}

	// Makes the file @size bytes long and opens the target over it. Returns the
	// reason it could not, or "".
	std::string open(uint64_t size)
	{
		char path[] = "/tmp/aether-discard-XXXXXX";
		const int fd = mkstemp(path);
		if (fd < 0)
			return "mkstemp failed";
		path_ = path;
		const bool sized = ftruncate(fd, static_cast<off_t>(size)) == 0;
		::close(fd);
		if (!sized)
			return "ftruncate failed";
		const TargetOps *ops = find_target("file");
		if (!ops)
			return "no file target";
		TargetSetup s;
		s.path = path_;
		std::string why;
		if (ops->init(t_, s, &why) < 0)
			return why;
		t_.ops = ops;
		if (!t_.discard)
			return "punch hole does not work on " + path_;
		if (io_uring_queue_init(8, &ring_, 0) < 0)
			return "io_uring_queue_init failed";
		ring_up_ = true;
		std::vector<int> files{-1};
		for (int f : ops->files(t_))
			files.push_back(f);
		if (io_uring_register_files(&ring_, files.data(), static_cast<unsigned>(files.size())) < 0)
			return "io_uring_register_files failed";
		q_.ring = &ring_;
		q_.progress.assign(1, 0);
		return "";
	}

	// Runs request @op over the whole device, as one request, to its result: queue_io,
	// then io_done for each completion until it stops answering kPending.
	int run(uint8_t op, uint32_t flags = 0)
	{
		ublksrv_io_desc iod{};
		iod.op_flags = op | flags;
		iod.nr_sectors = static_cast<uint32_t>(t_.dev_size >> 9);
		int ret = t_.ops->queue_io(t_, q_, 0, iod);
		if (ret != 0)
			return ret;
		for (int rounds = 0; rounds < 8; rounds++) {
			// A result misread as kPending leaves nothing in flight: wait 10 s at most.
			__kernel_timespec ts{10, 0};
			io_uring_cqe *cqe = nullptr;
			if (io_uring_submit(&ring_) < 0 || io_uring_wait_cqe_timeout(&ring_, &cqe, &ts) < 0)
				return kPending;
			const UserData ud = unpack(cqe->user_data);
			const int res = cqe->res;
			io_uring_cqe_seen(&ring_, cqe);
			ret = t_.ops->io_done(t_, q_, 0, iod, ud.op, ud.cookie, res);
			if (ret != kPending)
				return ret;
		}
		return kPending; // what the kernel would wait on forever
	}

private:
	Target t_;
	QueueCtx q_{};
	io_uring ring_{};
	bool ring_up_ = false;
	std::string path_;
};

// The sizes blkdiscard sends for whole devices: 1 GiB was 1 << 30, the old
// "pending", and 3 GiB a negative int (EIO); 4 GiB - 4 KiB is about the largest
// request the device admits (max_discard_sectors).
constexpr uint64_t kSizes[] = {uint64_t{1} << 30, uint64_t{3} << 30, (uint64_t{4} << 30) - 4096};

TEST(UblkFileDiscard, DiscardOfAWholeLargeDeviceSucceeds)
{
	for (uint64_t size : kSizes) {
		SCOPED_TRACE(size);
		SparseTarget t;
		const std::string why = t.open(size);
		ASSERT_EQ(why, "");
		EXPECT_EQ(t.run(UBLK_IO_OP_DISCARD), 0);
	}
}

TEST(UblkFileDiscard, WriteZeroesOfAWholeLargeDeviceSucceeds)
{
	for (uint64_t size : kSizes)
		for (uint32_t flags : {0u, static_cast<uint32_t>(UBLK_IO_F_NOUNMAP)}) {
			SCOPED_TRACE(std::to_string(size) + (flags ? " NOUNMAP" : ""));
			SparseTarget t;
			const std::string why = t.open(size);
			ASSERT_EQ(why, "");
			EXPECT_EQ(t.run(UBLK_IO_OP_WRITE_ZEROES, flags), 0);
		}
}

} // namespace
