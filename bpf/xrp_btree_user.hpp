// The XRP demo's on-disk B+tree (format: xrp_btree.h) as user space sees it, the
// half of xrp_btree.bpf.c that aether-ctl xrp runs: building a tree on a file or
// block device, and looking keys up with one pread per hop, the baseline the
// in-kernel chain is measured against, or with one AETHER_IOC_XRP_LOOKUP.
#pragma once

#include <cstdint>
#include <liburing.h>
#include <string>
#include <vector>

#include "xrp_btree.h"

namespace aether::ctl {

// The keys a tree built from @seed holds: @count distinct pseudo-random 64-bit
// keys, sorted. The same seed gives the same keys on every host.
std::vector<uint64_t> btree_keys(uint64_t seed, uint64_t count);

// The value the builder stores for @key, so any lookup can be checked without the
// tree.
uint64_t btree_value(uint64_t key);

// The shape of a tree of @nkeys keys at @fanout entries per node.
struct BtreeShape {
	uint64_t nodes = 0;
	uint32_t depth = 0;
	uint64_t bytes() const { return (nodes + 1) * AETHER_BTREE_BLOCK; } // with the superblock
};
BtreeShape btree_shape(uint64_t nkeys, uint32_t fanout);

// Whether mkbtree may overwrite what is on the device.
enum class Overwrite { kRefuseData, kForce };

struct BtreeBuild {
	std::string path;
	uint64_t nkeys = 0;
	uint64_t seed = 0;
	uint32_t fanout = AETHER_BTREE_FANOUT;
	Overwrite overwrite = Overwrite::kRefuseData;
};

// Builds the tree @b describes on @b.path: nodes first, then, once they are
// durable, the superblock. A block device is opened exclusively (so a mounted one
// is refused) and must be large enough; a regular file grows as needed. Unless
// forced, a first block that holds anything but zeroes or an earlier tree is
// refused, and nothing is written. Returns 0 and fills *@super, or -errno with the
// reason in *@why.
int btree_build(const BtreeBuild &b, aether_btree_super *super, std::string *why);

// One lookup: the value, or not found, and how many nodes were read.
struct BtreeResult {
	enum class How { kFound, kMissing } how = How::kMissing;
	uint64_t value = 0;
	uint32_t hops = 0;
};

// Why a walk stopped, in the same words for every walk (--user, the module's
// ioctl, --uring), so that its user and the tests read one sentence for each.
std::string btree_why_cycle(uint32_t hops, uint32_t depth); // -ELOOP
std::string btree_why_outside(uint64_t off);                // -EUCLEAN: a child off the tree
std::string btree_why_not_node(uint64_t off);               // -EUCLEAN: a block that is no node
std::string btree_why_read(uint64_t off, int err);          // the read of @off failed with -@err

// How each hop of a lookup reads its node, from user space and in the kernel.
enum class BtreeRead {
	kDirect, // an O_DIRECT pread; the kernel's submit_bio_wait()
	kPoll,	 // a read on an IORING_SETUP_IOPOLL io_uring; AETHER_XRP_F_POLLED
	kCached, // a buffered pread; AETHER_XRP_F_CACHED (the page cache where it holds the node)
};

// An open tree for user-space lookups: O_DIRECT where the file allows it, so each
// hop is a device read, as in the kernel chain.
class BtreeReader {
public:
	BtreeReader() = default;
	BtreeReader(const BtreeReader &) = delete;
	BtreeReader &operator=(const BtreeReader &) = delete;
	~BtreeReader();

	// Opens @path and checks its superblock; lookups then read as @read says.
	// Returns 0, or -errno with the reason in *@why (-EINVAL: not an Aether
	// B+tree; -EOPNOTSUPP: kPoll on anything but a block device with poll queues).
	int open(const std::string &path, std::string *why, BtreeRead read = BtreeRead::kDirect);
	const aether_btree_super &super() const { return *super_; }
	int fd() const { return fd_; }
	uint64_t size() const { return size_; } // bytes of the file or device
	// Whether a node may lie at byte @off: a whole aligned block past the superblock.
	bool holds_node(uint64_t off) const
	{
		return off != 0 && off % AETHER_BTREE_BLOCK == 0 && off <= size_ - AETHER_BTREE_BLOCK;
	}

	// Looks @key up with one read per node, as open() was told. Returns 0, -ELOOP if the walk is
	// longer than the tree's depth (a cycle), -EUCLEAN for a block that is not a
	// node or a child outside the device, or -errno of a failed read; *@why says
	// which.
	int lookup(uint64_t key, BtreeResult *out, std::string *why);

	// The same lookup as one AETHER_IOC_XRP_LOOKUP on @xrp_fd (/dev/aether), the
	// kernel walking the tree with xrp_btree.bpf.c attached and reading as open()
	// was told. Returns what lookup()
	// returns for the same tree, and -ENOENT if no aether_xrp_ops program is
	// attached, or another -errno of the ioctl; *@why says which.
	int lookup_kernel(int xrp_fd, uint64_t key, BtreeResult *out, std::string *why);

private:
	int read_node(uint64_t off);

	int fd_ = -1;
	BtreeRead read_ = BtreeRead::kDirect;
	io_uring ring_{}; // set up only for BtreeRead::kPoll
	bool ring_up_ = false;
	uint64_t size_ = 0;
	aether_btree_super *super_ = nullptr; // one aligned block each
	aether_btree_node *node_ = nullptr;
};

} // namespace aether::ctl
