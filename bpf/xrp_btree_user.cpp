// The XRP demo's B+tree in user space (see xrp_btree_user.hpp).
#include "xrp_btree_user.hpp"

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <fstream>
#include <linux/fs.h>
#include <uapi/aether.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "util/errors.hpp"
#include "util/file.hpp"

namespace aether::ctl {

using util::errstr;

namespace {

uint64_t splitmix64(uint64_t x)
{
	x += 0x9e3779b97f4a7c15ull;
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
	x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
	return x ^ (x >> 31);
}

// One zeroed, block-aligned buffer of @T, as O_DIRECT needs; null if out of memory.
template <typename T>
T *alloc_block()
{
	void *p = nullptr;
	if (posix_memalign(&p, AETHER_BTREE_BLOCK, AETHER_BTREE_BLOCK))
		return nullptr;
	std::memset(p, 0, AETHER_BTREE_BLOCK);
	return static_cast<T *>(p);
}

// Writes all of @len bytes at @off. Returns 0 or -errno.
int write_all(int fd, const void *buf, size_t len, uint64_t off)
{
	const char *p = static_cast<const char *>(buf);
	while (len) {
		const ssize_t n = pwrite(fd, p, len, static_cast<off_t>(off));
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		p += n;
		len -= static_cast<size_t>(n);
		off += static_cast<uint64_t>(n);
	}
	return 0;
}

// Reads block @off whole into @buf. Returns 0, -EIO for a short read, or -errno.
int read_block(int fd, void *buf, uint64_t off)
{
	ssize_t n;
	do
		n = pread(fd, buf, AETHER_BTREE_BLOCK, static_cast<off_t>(off));
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return -errno;
	return n == AETHER_BTREE_BLOCK ? 0 : -EIO;
}

// Whether the block device @rdev takes polled reads: its queue's io_poll, which a
// partition finds in its whole disk's queue.
bool device_polls(dev_t rdev)
{
	const std::string dir = "/sys/dev/block/" + std::to_string(major(rdev)) + ":" + std::to_string(minor(rdev));
	for (const char *q : {"/queue/io_poll", "/../queue/io_poll"}) {
		std::ifstream f(dir + q);
		int v = 0;
		if (f >> v)
			return v == 1;
	}
	return false;
}

// The AETHER_IOC_XRP_LOOKUP flags that make the kernel's hops read as @read.
uint32_t xrp_flags(BtreeRead read)
{
	switch (read) {
	case BtreeRead::kPoll:
		return AETHER_XRP_F_POLLED;
	case BtreeRead::kCached:
		return AETHER_XRP_F_CACHED;
	case BtreeRead::kDirect:
		break;
	}
	return 0;
}

// The size of the file or block device @fd. Returns 0 or -errno.
int device_size(int fd, uint64_t *size)
{
	struct stat st;
	if (fstat(fd, &st) < 0)
		return -errno;
	if (S_ISBLK(st.st_mode))
		return ioctl(fd, BLKGETSIZE64, size) < 0 ? -errno : 0;
	*size = static_cast<uint64_t>(st.st_size);
	return 0;
}

bool all_zero(const void *buf, size_t len)
{
	const auto *p = static_cast<const unsigned char *>(buf);
	return std::all_of(p, p + len, [](unsigned char c) { return c == 0; });
}

} // namespace

std::vector<uint64_t> btree_keys(uint64_t seed, uint64_t count)
{
	std::vector<uint64_t> keys;
	keys.reserve(count);
	// Distinct draws until there are @count: a collision among 2^64 values is
	// rare, so this almost never loops twice.
	uint64_t i = 0;
	while (keys.size() < count) {
		while (keys.size() < count)
			keys.push_back(splitmix64(seed * 0x2545f4914f6cdd1dull + i++));
		std::sort(keys.begin(), keys.end());
		keys.erase(std::unique(keys.begin(), keys.end()), keys.end());
	}
	return keys;
}

uint64_t btree_value(uint64_t key)
{
	return splitmix64(key ^ 0x5641'4c55'4500'0000ull); // "VALUE"
}

BtreeShape btree_shape(uint64_t nkeys, uint32_t fanout)
{
	BtreeShape s;
	uint64_t level = nkeys;
	do {
		level = (level + fanout - 1) / fanout;
		s.nodes += level;
		s.depth++;
	} while (level > 1);
	return s;
}

int btree_build(const BtreeBuild &b, aether_btree_super *super, std::string *why)
{
	if (b.nkeys == 0 || b.fanout < 2 || b.fanout > AETHER_BTREE_FANOUT) {
		*why = "a tree needs at least one key and a fanout of 2 to " + std::to_string(AETHER_BTREE_FANOUT);
		return -EINVAL;
	}
	const BtreeShape shape = btree_shape(b.nkeys, b.fanout);
	if (shape.depth > AETHER_BTREE_MAX_DEPTH) {
		*why = "that tree would be " + std::to_string(shape.depth) + " levels deep; the most is " +
		       std::to_string(AETHER_BTREE_MAX_DEPTH);
		return -EINVAL;
	}
	struct stat st;
	if (stat(b.path.c_str(), &st) < 0) {
		*why = b.path + ": " + errstr(errno);
		return -errno;
	}
	if (!S_ISBLK(st.st_mode) && !S_ISREG(st.st_mode)) {
		*why = b.path + ": not a block device or a regular file";
		return -ENOTBLK;
	}
	// A block device is opened exclusively, so one a filesystem (or anyone) holds
	// is refused.
	const int fd = ::open(b.path.c_str(), O_RDWR | O_CLOEXEC | (S_ISBLK(st.st_mode) ? O_EXCL : 0));
	if (fd < 0) {
		const int err = errno;
		*why = b.path + ": " + errstr(err) + (err == EBUSY ? " (mounted, or in use)" : "");
		return -err;
	}
	uint64_t size = 0;
	int ret = device_size(fd, &size);
	if (ret == 0 && S_ISBLK(st.st_mode) && size < shape.bytes()) {
		*why = b.path + " holds " + std::to_string(size) + " bytes; " + std::to_string(b.nkeys) +
		       " keys at fanout " + std::to_string(b.fanout) + " need " + std::to_string(shape.bytes());
		ret = -ENOSPC;
	}
	std::vector<char> first(AETHER_BTREE_BLOCK, 0);
	if (ret == 0 && size > 0) {
		const ssize_t n = pread(fd, first.data(), first.size(), 0);
		if (n < 0) {
			ret = -errno;
			*why = b.path + ": reading its first block: " + errstr(errno);
		}
	}
	if (ret == 0 && b.overwrite == Overwrite::kRefuseData && !all_zero(first.data(), first.size())) {
		uint32_t magic;
		std::memcpy(&magic, first.data(), sizeof(magic));
		if (magic != AETHER_BTREE_SUPER_MAGIC) {
			*why = b.path + " holds data that is not an Aether B+tree; --force overwrites it";
			ret = -EEXIST;
		}
	}
	if (ret < 0) {
		if (why->empty())
			*why = b.path + ": " + errstr(-ret);
		::close(fd);
		return ret;
	}

	// The old superblock goes first: until the new one is written, a build cut
	// short reads as no tree rather than as the old tree over new nodes.
	std::vector<char> zero(AETHER_BTREE_BLOCK, 0);
	ret = write_all(fd, zero.data(), zero.size(), 0);

	// Level by level from the leaves: node i (from 0) is at block i + 1, so each
	// level's children are the previous level's nodes, in key order.
	std::vector<uint64_t> first_keys, offsets; // the level below: each node's first key and offset
	std::vector<aether_btree_node> batch;      // nodes written together
	constexpr size_t kBatch = 256;             // 1 MiB of nodes per write
	uint64_t next_block = 1;
	uint16_t level = 0;
	auto flush = [&]() {
		if (ret == 0 && !batch.empty())
			ret = write_all(fd, batch.data(), batch.size() * sizeof(aether_btree_node),
					(next_block - batch.size()) * AETHER_BTREE_BLOCK);
		batch.clear();
	};
	// This level's entries: the leaves' keys and values, then each level's first
	// keys and offsets.
	std::vector<uint64_t> ukeys = btree_keys(b.seed, b.nkeys), uvals(ukeys.size());
	std::transform(ukeys.begin(), ukeys.end(), uvals.begin(), btree_value);
	while (ret == 0) {
		first_keys.clear();
		offsets.clear();
		for (size_t at = 0; at < ukeys.size(); at += b.fanout) {
			const size_t n = std::min<size_t>(b.fanout, ukeys.size() - at);
			aether_btree_node node{};
			node.magic = AETHER_BTREE_NODE_MAGIC;
			node.level = level;
			node.nkeys = static_cast<uint16_t>(n);
			std::copy_n(&ukeys[at], n, node.keys);
			std::copy_n(&uvals[at], n, node.vals);
			first_keys.push_back(ukeys[at]);
			offsets.push_back(next_block * AETHER_BTREE_BLOCK);
			batch.push_back(node);
			next_block++;
			if (batch.size() == kBatch)
				flush();
		}
		flush();
		if (first_keys.size() == 1)
			break;
		ukeys.swap(first_keys);
		uvals.swap(offsets);
		level++;
	}
	if (ret == 0 && fdatasync(fd) < 0)
		ret = -errno;

	if (ret == 0) {
		aether_btree_super sb{};
		sb.magic = AETHER_BTREE_SUPER_MAGIC;
		sb.version = AETHER_BTREE_VERSION;
		sb.root = offsets.front();
		sb.nkeys = b.nkeys;
		sb.nnodes = next_block - 1;
		sb.depth = level + 1u;
		sb.fanout = b.fanout;
		sb.seed = b.seed;
		ret = write_all(fd, &sb, sizeof(sb), 0);
		if (ret == 0 && fdatasync(fd) < 0)
			ret = -errno;
		if (ret == 0)
			*super = sb;
	}
	if (ret < 0)
		*why = b.path + ": writing the tree: " + errstr(-ret);
	if (::close(fd) < 0 && ret == 0) {
		ret = -errno;
		*why = b.path + ": " + errstr(errno);
	}
	return ret;
}

std::string btree_why_cycle(uint32_t hops, uint32_t depth)
{
	return "still no leaf after " + std::to_string(hops) + " hops in a tree of depth " + std::to_string(depth) +
	       ": the tree has a cycle";
}

std::string btree_why_outside(uint64_t off)
{
	return "a node points at offset " + std::to_string(off) + ", outside the tree";
}

std::string btree_why_not_node(uint64_t off)
{
	return "the block at offset " + std::to_string(off) + " is not a B+tree node";
}

std::string btree_why_read(uint64_t off, int err)
{
	return "reading the node at offset " + std::to_string(off) + ": " + errstr(err);
}

BtreeReader::~BtreeReader()
{
	if (ring_up_)
		io_uring_queue_exit(&ring_);
	if (fd_ >= 0)
		::close(fd_);
	std::free(super_);
	std::free(node_);
}

int BtreeReader::open(const std::string &path, std::string *why, BtreeRead read)
{
	super_ = alloc_block<aether_btree_super>();
	node_ = alloc_block<aether_btree_node>();
	if (!super_ || !node_)
		return -ENOMEM;
	util::Direct direct = util::Direct::kNo;
	if (read == BtreeRead::kCached) {
		fd_ = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
		fd_ = fd_ < 0 ? -errno : fd_;
	} else {
		fd_ = util::open_direct(path, O_RDONLY, &direct);
	}
	if (fd_ < 0) {
		*why = path + ": " + errstr(-fd_);
		return fd_;
	}
	read_ = read;
	if (read == BtreeRead::kPoll) {
		// Both chains poll the device's poll queues, so both need a device that has them.
		struct stat st;
		if (fstat(fd_, &st) < 0 || !S_ISBLK(st.st_mode) || direct != util::Direct::kYes ||
		    !device_polls(st.st_rdev)) {
			*why = path + " has no poll queues (its queue/io_poll is not 1), so its reads cannot be "
				      "polled; NVMe gets them with nvme.poll_queues=N, null_blk with poll_queues=N";
			return -EOPNOTSUPP;
		}
		const int ret = io_uring_queue_init(4, &ring_, IORING_SETUP_IOPOLL);
		if (ret < 0) {
			*why = "io_uring_queue_init(IORING_SETUP_IOPOLL): " + errstr(-ret);
			return ret;
		}
		ring_up_ = true;
	}
	int ret = device_size(fd_, &size_);
	if (ret == 0)
		ret = read_block(fd_, super_, 0);
	if (ret < 0) {
		*why = path + ": reading the superblock: " + errstr(-ret);
		return ret;
	}
	const aether_btree_super &s = *super_;
	if (s.magic != AETHER_BTREE_SUPER_MAGIC || s.version != AETHER_BTREE_VERSION) {
		*why = path + " holds no Aether B+tree (build one with 'aether-ctl xrp mkbtree')";
		return -EINVAL;
	}
	if (s.depth == 0 || s.depth > AETHER_BTREE_MAX_DEPTH || s.root % AETHER_BTREE_BLOCK || s.root == 0 ||
	    s.root >= size_) {
		*why = path + ": the superblock is damaged (depth " + std::to_string(s.depth) + ", root " +
		       std::to_string(s.root) + ")";
		return -EUCLEAN;
	}
	return 0;
}

// Reads the block at @off into node_, as read_ says. Returns 0, -EIO for a short
// read, or -errno.
int BtreeReader::read_node(uint64_t off)
{
	if (read_ != BtreeRead::kPoll)
		return read_block(fd_, node_, off);
	io_uring_sqe *sqe = io_uring_get_sqe(&ring_);
	if (!sqe)
		return -EBUSY; // one read at a time: the ring is never full
	io_uring_prep_read(sqe, fd_, node_, AETHER_BTREE_BLOCK, off);
	// On an IOPOLL ring, waiting for the completion is what polls for it.
	int ret = io_uring_submit_and_wait(&ring_, 1);
	if (ret < 0)
		return ret;
	io_uring_cqe *cqe = nullptr;
	ret = io_uring_wait_cqe(&ring_, &cqe);
	if (ret < 0)
		return ret;
	const int res = cqe->res;
	io_uring_cqe_seen(&ring_, cqe);
	if (res < 0)
		return res;
	return res == AETHER_BTREE_BLOCK ? 0 : -EIO;
}

int BtreeReader::lookup(uint64_t key, BtreeResult *out, std::string *why)
{
	*out = BtreeResult{};
	uint64_t off = super_->root;
	// A sound tree is walked in exactly depth hops; more means a cycle.
	while (out->hops < super_->depth) {
		if (!holds_node(off)) {
			*why = btree_why_outside(off);
			return -EUCLEAN;
		}
		const int ret = read_node(off);
		if (ret < 0) {
			*why = btree_why_read(off, -ret);
			return ret;
		}
		out->hops++;
		__u64 next = 0;
		switch (aether_btree_step(node_, key, &next)) {
		case AETHER_BTREE_FOUND:
			out->how = BtreeResult::How::kFound;
			out->value = next;
			return 0;
		case AETHER_BTREE_MISSING:
			return 0;
		case AETHER_BTREE_NEXT:
			off = next;
			break;
		default:
			*why = btree_why_not_node(off);
			return -EUCLEAN;
		}
	}
	*why = btree_why_cycle(out->hops, super_->depth);
	return -ELOOP;
}

int BtreeReader::lookup_kernel(int xrp_fd, uint64_t key, BtreeResult *out, std::string *why)
{
	*out = BtreeResult{};
	aether_btree_xrp_scratch s{};
	s.key = key;
	aether_xrp_lookup a{};
	a.fd = fd_;
	a.flags = xrp_flags(read_);
	a.offset = super_->root;
	a.len = AETHER_BTREE_BLOCK;
	// As in lookup(): a sound tree is walked in exactly depth hops.
	a.max_hops = std::min<uint32_t>(super_->depth, AETHER_XRP_MAX_HOPS);
	a.scratch = reinterpret_cast<uintptr_t>(&s);
	a.scratch_len = sizeof(s);
	if (::ioctl(xrp_fd, AETHER_IOC_XRP_LOOKUP, &a) != 0) {
		const int e = errno;
		out->hops = a.hops;
		switch (e) {
		case ENOENT:
			*why = "no aether_xrp_ops program is attached; 'aether-ctl bpf load xrp_btree' attaches one";
			break;
		case ELOOP:
			*why = btree_why_cycle(a.hops, super_->depth);
			break;
		case EOPNOTSUPP:
			*why = "the kernel cannot poll this device's reads: it has no poll queues";
			break;
		case ERANGE:
			*why = "the node at offset " + std::to_string(a.last_offset) + " points outside the device";
			return -EUCLEAN;
		case EIO:
			if (a.status == -EUCLEAN) {
				*why = btree_why_not_node(a.last_offset);
				return -EUCLEAN;
			}
			*why = a.hops ? "the step program failed at offset " + std::to_string(a.last_offset) +
						" with " + std::to_string(a.status)
				      : btree_why_read(a.offset, e);
			break;
		default:
			*why = std::string("AETHER_IOC_XRP_LOOKUP: ") + errstr(e);
		}
		return -e;
	}
	out->hops = a.hops;
	if (s.found) {
		out->how = BtreeResult::How::kFound;
		out->value = s.value;
	}
	return 0;
}

} // namespace aether::ctl
