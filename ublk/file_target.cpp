// The file target: a regular file or block device, read and written through
// io_uring with registered files and buffers, O_DIRECT where the file allows it.
#include <cerrno>
#include <fcntl.h>
#include <linux/falloc.h>
#include <linux/fs.h>
#include <linux/ioprio.h>
#include <sys/file.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "target.hpp"
#include "user_data.hpp"
#include "util/errors.hpp"
#include "util/file.hpp"

namespace aether::ublk {
namespace {

// The backing store's fixed file index in every queue's ring.
constexpr int kBackingIndex = 1;

enum FileOp : uint8_t { kRead, kWrite, kFlush, kDiscard, kZeroes, kZeroesPunch };

// Makes @fd, the backing store @s names, this server's alone, so that no other
// server (which would serve blocks this one has overwritten) shares it: a block
// device is reopened with O_EXCL, which also refuses one that is mounted; a file is
// flock()ed, exclusively for read-write, shared for read-only. Returns the fd to keep
// (@fd or its replacement), or -errno with the reason in *@why, @fd closed.
int claim_backing(int fd, const struct stat &st, const TargetSetup &s, int flags, util::Direct *direct, std::string *why)
{
	if (S_ISBLK(st.st_mode)) {
		const int excl = util::open_direct(s.path, flags | O_EXCL, direct);
		::close(fd);
		if (excl == -EBUSY)
			*why = s.path + " is in use: mounted, or held open exclusively by another program (another "
					"aether-ublk, a device mapper, a filesystem)";
		else if (excl < 0)
			*why = s.path + ": " + util::errstr(excl);
		return excl;
	}
	const int how = s.access == TargetSetup::Access::kReadOnly ? LOCK_SH : LOCK_EX;
	if (flock(fd, how | LOCK_NB) == 0)
		return fd;
	const int err = errno;
	::close(fd);
	if (err == EWOULDBLOCK) {
		*why = s.path + " is in use by another aether-ublk (or another program holding a lock on it): two "
				"servers of one file would each serve blocks the other has overwritten";
		return -EBUSY;
	}
	*why = s.path + ": flock: " + util::errstr(err);
	return -err;
}

int file_init(Target &t, const TargetSetup &s, std::string *why)
{
	// The server's reads are the device's, not a reader's of the file: they leave the
	// file's access time alone, which also spares every read the check whether to
	// update it (1 % of 4 KiB IOPS on 7.2). O_NOATIME needs the file's owner or
	// CAP_FOWNER; without them the file is opened as it would be otherwise.
	int flags = (s.access == TargetSetup::Access::kReadOnly ? O_RDONLY : O_RDWR) | O_NOATIME;
	util::Direct direct = util::Direct::kNo;
	int fd = util::open_direct(s.path, flags, &direct);
	if (fd == -EPERM) {
		flags &= ~O_NOATIME;
		fd = util::open_direct(s.path, flags, &direct);
	}
	if (fd < 0) {
		*why = s.path + ": " + util::errstr(fd);
		return fd;
	}
	struct stat st;
	if (fstat(fd, &st) < 0) {
		const int err = errno;
		*why = s.path + ": " + util::errstr(err);
		::close(fd);
		return -err;
	}
	if (S_ISREG(st.st_mode) || S_ISBLK(st.st_mode)) {
		fd = claim_backing(fd, st, s, flags, &direct, why);
		if (fd < 0)
			return fd;
	}
	uint64_t avail = 0;
	if (S_ISREG(st.st_mode)) {
		avail = static_cast<uint64_t>(st.st_size);
	} else if (S_ISBLK(st.st_mode)) {
		if (ioctl(fd, BLKGETSIZE64, &avail) < 0) {
			const int err = errno;
			*why = s.path + ": BLKGETSIZE64: " + util::errstr(err);
			::close(fd);
			return -err;
		}
	} else {
		*why = s.path + ": not a regular file or block device";
		::close(fd);
		return -EINVAL;
	}
	// O_DIRECT needs offsets and lengths aligned as the file's filesystem (or the
	// disk) says, and every request is a multiple of the device's logical block.
	uint32_t lb = s.logical_block ? s.logical_block : 512;
	struct statx stx;
	if (direct == util::Direct::kYes && statx(fd, "", AT_EMPTY_PATH, STATX_DIOALIGN, &stx) == 0 && (stx.stx_mask & STATX_DIOALIGN) &&
	    stx.stx_dio_offset_align > lb) {
		if (s.logical_block || stx.stx_dio_offset_align > 4096) {
			*why = s.path + " needs " + std::to_string(stx.stx_dio_offset_align) +
			       "-byte aligned direct I/O: use --logical-block " + std::to_string(stx.stx_dio_offset_align);
			::close(fd);
			return -EINVAL;
		}
		lb = stx.stx_dio_offset_align;
	}
	const uint64_t want = s.size ? s.size : avail;
	if (want > avail) {
		*why = s.path + " holds " + std::to_string(avail) + " bytes, fewer than --size " + std::to_string(want) +
		       " (extend it first, e.g. truncate -s " + std::to_string(want) + ")";
		::close(fd);
		return -ENOSPC;
	}
	if (want % lb) {
		*why = "--size " + std::to_string(want) + ": must be a multiple of the " + std::to_string(lb) + "-byte logical block";
		::close(fd);
		return -EINVAL;
	}
	const uint64_t dev = want / lb * lb;
	if (dev == 0) {
		*why = s.path + " is smaller than one " + std::to_string(lb) + "-byte block";
		::close(fd);
		return -ENOSPC;
	}
	t.logical_block = lb;
	t.fd = fd;
	t.dev_size = dev;
	t.latency.tv_sec = s.latency_us / 1000000;
	t.latency.tv_nsec = (s.latency_us % 1000000) * 1000LL;
	// Writes are acknowledged when the file has them, not the disk beneath it: the
	// kernel must send FLUSH (and FUA) for durability, as for any disk with a cache.
	t.attrs = UBLK_ATTR_VOLATILE_CACHE | UBLK_ATTR_FUA;
	if (s.access == TargetSetup::Access::kReadOnly)
		t.attrs |= UBLK_ATTR_READ_ONLY;
	t.discard = S_ISREG(st.st_mode) && s.access == TargetSetup::Access::kReadWrite;
	return 0;
}

void file_uninit(Target &t)
{
	if (t.fd >= 0)
		::close(t.fd);
	t.fd = -1;
}

std::vector<int> file_files(const Target &t)
{
	return {t.fd};
}

// Finishes an SQE the prep helpers filled: it names the backing store by its fixed
// file index and carries @tag and @op back in its completion.
void to_backing(io_uring_sqe *sqe, uint16_t tag, FileOp op)
{
	sqe->flags |= IOSQE_FIXED_FILE;
	sqe->user_data = pack({tag, op, Origin::kTarget, 0});
}

// Queues the rest of a read or write of @tag, from byte progress[tag] on.
int file_rw(Target &t, QueueCtx &q, uint16_t tag, const ublksrv_io_desc &iod, FileOp op)
{
	io_uring_sqe *sqe = op == kRead ? backend_read_sqe(t, q.ring, pack({tag, kOpIgnore, Origin::kTarget, 0}))
					: next_sqe(q.ring);
	if (!sqe)
		return -EBUSY;
	const uint32_t done = q.progress[tag];
	const uint32_t len = (iod.nr_sectors << 9) - done;
	const uint64_t off = (iod.start_sector << 9) + done;
	// An address within fixed buffer <tag>: the queue's own buffer, or under zero
	// copy the request's pages, whose addresses start at 0.
	void *buf = reinterpret_cast<void *>(reinterpret_cast<uintptr_t>(q.bufs[tag]) + done);
	if (op == kRead) {
		io_uring_prep_read_fixed(sqe, kBackingIndex, buf, len, off, tag);
	} else {
		io_uring_prep_write_fixed(sqe, kBackingIndex, buf, len, off, tag);
		// FUA: this write alone must be durable before it is acknowledged.
		if (iod.op_flags & UBLK_IO_F_FUA)
			sqe->rw_flags = RWF_DSYNC;
	}
	to_backing(sqe, tag, op);
	return 0;
}

int file_fallocate(QueueCtx &q, uint16_t tag, const ublksrv_io_desc &iod, FileOp op)
{
	io_uring_sqe *sqe = next_sqe(q.ring);
	if (!sqe)
		return -EBUSY;
	const int mode = op == kZeroes ? FALLOC_FL_ZERO_RANGE | FALLOC_FL_KEEP_SIZE
				       : FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE;
	io_uring_prep_fallocate(sqe, kBackingIndex, mode, iod.start_sector << 9, uint64_t{iod.nr_sectors} << 9);
	to_backing(sqe, tag, op);
	return 0;
}

int file_queue_io(Target &t, QueueCtx &q, uint16_t tag, const ublksrv_io_desc &iod)
{
	q.progress[tag] = 0;
	switch (ublksrv_get_op(&iod)) {
	case UBLK_IO_OP_READ:
		return file_rw(t, q, tag, iod, kRead);
	case UBLK_IO_OP_WRITE:
		return t.attrs & UBLK_ATTR_READ_ONLY ? -EROFS : file_rw(t, q, tag, iod, kWrite);
	case UBLK_IO_OP_FLUSH: {
		io_uring_sqe *sqe = next_sqe(q.ring);
		if (!sqe)
			return -EBUSY;
		io_uring_prep_fsync(sqe, kBackingIndex, IORING_FSYNC_DATASYNC);
		to_backing(sqe, tag, kFlush);
		return 0;
	}
	case UBLK_IO_OP_DISCARD:
		return t.discard ? file_fallocate(q, tag, iod, kDiscard) : -EOPNOTSUPP;
	case UBLK_IO_OP_WRITE_ZEROES:
		// NOUNMAP asks that the blocks stay allocated; otherwise a hole is zeroes too.
		if (!t.discard)
			return -EOPNOTSUPP;
		return file_fallocate(q, tag, iod, iod.op_flags & UBLK_IO_F_NOUNMAP ? kZeroes : kZeroesPunch);
	default:
		return -EOPNOTSUPP;
	}
}

int file_io_done(Target &t, QueueCtx &q, uint16_t tag, const ublksrv_io_desc &iod, uint8_t file_op, uint32_t,
		 int res)
{
	const auto op = static_cast<FileOp>(file_op);
	const uint32_t total = iod.nr_sectors << 9;
	switch (op) {
	case kRead:
	case kWrite:
		if (res < 0)
			return res;
		if (res == 0) // a read past the end of a file that shrank under us
			return op == kRead ? -EIO : -ENOSPC;
		q.progress[tag] += static_cast<uint32_t>(res);
		if (q.progress[tag] < total) {
			const int ret = file_rw(t, q, tag, iod, op);
			return ret < 0 ? ret : kPending;
		}
		return static_cast<int>(total);
	case kZeroes:
		// Filesystems without ZERO_RANGE (tmpfs) still punch holes, which read as zeroes.
		if (res == -EOPNOTSUPP) {
			const int ret = file_fallocate(q, tag, iod, kZeroesPunch);
			return ret < 0 ? ret : kPending;
		}
		return res < 0 ? res : 0;
	case kFlush:
	case kDiscard:
	case kZeroesPunch:
		// Not a byte count: these can be 4 GiB long, which no int holds (see kPending).
		return res < 0 ? res : 0;
	}
	return -EIO;
}

int file_read_into(Target &t, QueueCtx &q, uint64_t off, const iovec *iov, unsigned n, uint64_t user_data,
		   ReadFor why)
{
	const UserData ud = unpack(user_data);
	io_uring_sqe *sqe = backend_read_sqe(t, q.ring, pack({ud.tag, kOpIgnore, ud.origin, ud.cookie}));
	if (!sqe)
		return -EBUSY;
	io_uring_prep_readv(sqe, kBackingIndex, iov, n, off);
	if (why == ReadFor::kPrefetch)
		sqe->ioprio = IOPRIO_PRIO_VALUE(IOPRIO_CLASS_BE, 7);
	sqe->flags |= IOSQE_FIXED_FILE;
	sqe->user_data = user_data;
	return 0;
}

int file_sync(Target &t)
{
	return t.fd >= 0 && fdatasync(t.fd) < 0 ? -errno : 0;
}

} // namespace

const TargetOps kFileTarget = {
	.name = "file",
	.init = file_init,
	.uninit = file_uninit,
	.files = file_files,
	.queue_io = file_queue_io,
	.io_done = file_io_done,
	.read_into = file_read_into,
	.sync = file_sync,
	.fixed_buffer_io = true,
	.queue_start = nullptr,
	.queue_stop = nullptr,
	.pump = nullptr,
};

} // namespace aether::ublk
