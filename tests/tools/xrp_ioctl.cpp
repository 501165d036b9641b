// xrp-ioctl: drives AETHER_IOC_XRP_LOOKUP directly, for the guest tests: named bad
// inputs, a fuzzer that checks every errno against the uapi's documented order,
// and a way to make a tree cyclic.
//
//   xrp-ioctl case NAME BLKDEV    one named input; exits 0 if the errno is the documented one
//   xrp-ioctl fuzz BLKDEV N SEED  N random argument structs; exits 0 if none got a wrong errno
//   xrp-ioctl point-root BLKDEV cycle|outside   point every child of the tree's root
//                                 back at the root, or past the end of the device
//   xrp-ioctl chain BLKDEV MAX_HOPS   one lookup from the root; prints its errno and
//                                 how far it got (hops, last_offset, status)
#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <map>
#include <set>
#include <string>

#include <fcntl.h>
#include <linux/fs.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <uapi/aether.h>

#include "aether/xorshift.hpp"
#include "xrp_btree.h"

namespace {

[[noreturn]] void die(const char *fmt, const char *arg = "")
{
	std::fprintf(stderr, "xrp-ioctl: ");
	std::fprintf(stderr, fmt, arg);
	std::fprintf(stderr, "\n");
	std::exit(2);
}

const char *errname(int e)
{
	static const std::map<int, const char *> names = {
		{0, "0"},          {EFAULT, "EFAULT"}, {EINVAL, "EINVAL"}, {EBADF, "EBADF"},
		{ENOTBLK, "ENOTBLK"}, {ENOENT, "ENOENT"}, {ELOOP, "ELOOP"},   {ERANGE, "ERANGE"},
		{EIO, "EIO"},      {EPERM, "EPERM"},   {ENOTTY, "ENOTTY"}, {ENOMEM, "ENOMEM"},
		{EOPNOTSUPP, "EOPNOTSUPP"},
	};
	auto it = names.find(e);
	return it == names.end() ? strerror(e) : it->second;
}

// What a test runs against: the device, descriptors of every kind, and buffers.
struct Env {
	int aether = -1;
	int dev = -1;        // the block device, O_RDONLY
	int dev_wronly = -1; // the same, O_WRONLY
	int regular = -1;    // a regular file
	int closed = -1;     // a number that is not an open descriptor
	uint64_t size = 0;
	uint32_t lbs = 0;
	aether_btree_super sb{};
	uint8_t *scratch = nullptr;  // AETHER_XRP_SCRATCH_MAX + 1 writable bytes
	uint8_t *readonly = nullptr; // one read-only page
	uint8_t *unmapped = nullptr; // an address with nothing mapped
	bool attached = false;
	bool polls = false; // the device has poll queues (queue/io_poll is 1)
};

Env open_env(const char *path)
{
	Env e;
	e.aether = open("/dev/" AETHER_DEV_NAME, O_RDWR | O_CLOEXEC);
	if (e.aether < 0)
		die("cannot open /dev/aether: %s", strerror(errno));
	e.dev = open(path, O_RDONLY | O_CLOEXEC);
	e.dev_wronly = open(path, O_WRONLY | O_CLOEXEC);
	if (e.dev < 0 || e.dev_wronly < 0)
		die("cannot open %s", path);
	e.regular = open("/proc/self/exe", O_RDONLY | O_CLOEXEC);
	e.closed = dup(e.dev);
	close(e.closed);
	if (ioctl(e.dev, BLKGETSIZE64, &e.size) || ioctl(e.dev, BLKSSZGET, &e.lbs))
		die("%s is not a block device", path);
	if (pread(e.dev, &e.sb, sizeof(e.sb), 0) != sizeof(e.sb) || e.sb.magic != AETHER_BTREE_SUPER_MAGIC)
		die("%s holds no Aether B+tree (run aether-ctl xrp mkbtree first)", path);
	struct stat st;
	if (fstat(e.dev, &st) == 0) {
		const std::string poll = "/sys/dev/block/" + std::to_string(major(st.st_rdev)) + ":" +
					 std::to_string(minor(st.st_rdev)) + "/queue/io_poll";
		if (FILE *f = std::fopen(poll.c_str(), "r")) {
			int v = 0;
			e.polls = std::fscanf(f, "%d", &v) == 1 && v == 1;
			std::fclose(f);
		}
	}
	const long page = sysconf(_SC_PAGESIZE);
	auto *m = static_cast<uint8_t *>(
		mmap(nullptr, 4 * page + AETHER_XRP_SCRATCH_MAX, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0));
	if (m == MAP_FAILED)
		die("mmap failed");
	e.readonly = m;
	e.unmapped = m + page;
	e.scratch = m + 2 * page;
	mprotect(e.readonly, page, PROT_READ);
	munmap(e.unmapped, page);
	char ops[64] = {};
	const int fd = open("/sys/kernel/aether/xrp/ops", O_RDONLY);
	if (fd >= 0) {
		e.attached = read(fd, ops, sizeof(ops)) > 0;
		close(fd);
	}
	return e;
}

// A lookup of one of the tree's keys from its root: the baseline every case varies.
aether_xrp_lookup good_lookup(const Env &e)
{
	aether_xrp_lookup a{};
	a.fd = e.dev;
	a.offset = e.sb.root;
	a.len = AETHER_BTREE_BLOCK;
	a.max_hops = e.sb.depth;
	// The largest key walks the rightmost path down to a leaf: every level is read.
	auto *s = reinterpret_cast<aether_btree_xrp_scratch *>(e.scratch);
	*s = {};
	s->key = ~0ull;
	a.scratch = reinterpret_cast<uintptr_t>(e.scratch);
	a.scratch_len = sizeof(*s);
	return a;
}

int call(const Env &e, void *arg)
{
	return ioctl(e.aether, AETHER_IOC_XRP_LOOKUP, arg) == 0 ? 0 : errno;
}

// The named cases: what to change from good_lookup(), and the errno it must give.
struct Case {
	const char *name;
	int want;
	void (*mutate)(const Env &e, aether_xrp_lookup &a);
};

const Case kCases[] = {
	{"bad-fd", EBADF, [](const Env &e, aether_xrp_lookup &a) { a.fd = e.closed; }},
	{"negative-fd", EBADF, [](const Env &, aether_xrp_lookup &a) { a.fd = -1; }},
	{"write-only-fd", EBADF, [](const Env &e, aether_xrp_lookup &a) { a.fd = e.dev_wronly; }},
	{"regular-file", ENOTBLK, [](const Env &e, aether_xrp_lookup &a) { a.fd = e.regular; }},
	{"offset-past-end", EINVAL, [](const Env &e, aether_xrp_lookup &a) { a.offset = e.size; }},
	{"offset-huge", EINVAL, [](const Env &, aether_xrp_lookup &a) { a.offset = ~0ull & ~4095ull; }},
	{"offset-misaligned", EINVAL, [](const Env &e, aether_xrp_lookup &a) { a.offset = e.sb.root + 1; }},
	{"len-zero", EINVAL, [](const Env &, aether_xrp_lookup &a) { a.len = 0; }},
	{"len-too-long", EINVAL, [](const Env &, aether_xrp_lookup &a) { a.len = AETHER_XRP_MAX_LEN * 2; }},
	{"hops-zero", EINVAL, [](const Env &, aether_xrp_lookup &a) { a.max_hops = 0; }},
	{"hops-too-many", EINVAL, [](const Env &, aether_xrp_lookup &a) { a.max_hops = AETHER_XRP_MAX_HOPS + 1; }},
	{"flags-unknown", EINVAL, [](const Env &, aether_xrp_lookup &a) { a.flags = 1u << 31; }},
	// For a device without poll queues (the loop device of xrp_ioctl_bad.sh).
	{"polled-no-poll-queues", EOPNOTSUPP, [](const Env &, aether_xrp_lookup &a) { a.flags = AETHER_XRP_F_POLLED; }},
	{"cached", 0, [](const Env &, aether_xrp_lookup &a) { a.flags = AETHER_XRP_F_CACHED; }},
	{"reserved-set", EINVAL, [](const Env &, aether_xrp_lookup &a) { a.reserved = 1; }},
	{"scratch-too-long", EINVAL, [](const Env &, aether_xrp_lookup &a) { a.scratch_len = AETHER_XRP_SCRATCH_MAX + 1; }},
	{"scratch-unmapped", EFAULT,
	 [](const Env &e, aether_xrp_lookup &a) { a.scratch = reinterpret_cast<uintptr_t>(e.unmapped); }},
	{"scratch-kernel", EFAULT, [](const Env &, aether_xrp_lookup &a) { a.scratch = 0xffffffff81000000ull; }},
	{"scratch-readonly", EFAULT,
	 [](const Env &e, aether_xrp_lookup &a) { a.scratch = reinterpret_cast<uintptr_t>(e.readonly); }},
	{"scratch-too-short", EIO, [](const Env &, aether_xrp_lookup &a) { a.scratch_len = 8; }},
	{"hops-too-few", ELOOP, [](const Env &e, aether_xrp_lookup &a) { a.max_hops = e.sb.depth - 1; }},
	{"not-a-node", EIO, [](const Env &, aether_xrp_lookup &a) { a.offset = 0; }},
	{"next-outside", ERANGE, [](const Env &, aether_xrp_lookup &) {}},
	{"cycle-max-hops", ELOOP, [](const Env &, aether_xrp_lookup &a) { a.max_hops = AETHER_XRP_MAX_HOPS; }},
	{"good", 0, [](const Env &, aether_xrp_lookup &) {}},
	{"no-program", ENOENT, [](const Env &, aether_xrp_lookup &) {}},
};

int run_case(const char *name, const char *path)
{
	const Env e = open_env(path);
	for (const Case &c : kCases) {
		if (std::strcmp(c.name, name) != 0)
			continue;
		aether_xrp_lookup a = good_lookup(e);
		c.mutate(e, a);
		const int got = call(e, &a);
		std::printf("%s: got %s, want %s; hops %u, status %d\n", name, errname(got), errname(c.want), a.hops,
			    a.status);
		return got == c.want ? 0 : 1;
	}
	if (std::strcmp(name, "bad-arg") == 0) {
		const int got = call(e, e.unmapped);
		std::printf("bad-arg: got %s, want EFAULT\n", errname(got));
		return got == EFAULT ? 0 : 1;
	}
	die("no case %s", name);
}

// The core's xorshift64: the same sequence for the same seed everywhere.
struct Rng {
	uint64_t s;
	uint64_t next()
	{
		s = aether::xorshift64(s);
		return s;
	}
	uint64_t below(uint64_t n) { return next() % n; }
	template <typename T, size_t N> T pick(const T (&v)[N]) { return v[below(N)]; }
};

// The uapi's order of checks, for an argument that is readable. What the chain
// itself returns depends on the blocks it reads, so past the checks any chain
// outcome is accepted: *@chain is set then.
int expected(const Env &e, const aether_xrp_lookup &a, bool scratch_ok, bool *chain)
{
	*chain = false;
	if (a.flags & ~AETHER_XRP_F_ALL || a.reserved || !a.len || a.len > AETHER_XRP_MAX_LEN || !a.max_hops ||
	    a.max_hops > AETHER_XRP_MAX_HOPS || a.scratch_len > AETHER_XRP_SCRATCH_MAX)
		return EINVAL;
	if (a.fd == e.regular || a.fd == e.aether)
		return ENOTBLK;
	if (a.fd != e.dev)
		return EBADF;
	if ((a.offset | a.len) & (e.lbs - 1) || a.offset > e.size || a.len > e.size - a.offset)
		return EINVAL;
	if (a.flags & AETHER_XRP_F_POLLED && !e.polls)
		return EOPNOTSUPP;
	if (a.scratch_len && !scratch_ok)
		return EFAULT;
	if (!e.attached)
		return ENOENT;
	*chain = true;
	return 0;
}

int run_fuzz(const char *path, uint64_t n, uint64_t seed)
{
	const Env e = open_env(path);
	Rng r{seed | 1};
	std::map<std::string, uint64_t> seen;
	uint64_t wrong = 0;
	const uint64_t blocks = e.size / AETHER_BTREE_BLOCK;
	for (uint64_t i = 0; i < n; i++) {
		aether_xrp_lookup a = good_lookup(e);
		// Good values are the likelier, so that a fair share of calls runs a chain.
		const int fds[] = {e.dev, e.dev, e.dev, e.dev, e.dev, e.dev, e.dev_wronly, e.regular, e.closed, -1, e.aether, 1 << 30};
		a.fd = r.pick(fds);
		const uint64_t offsets[] = {e.sb.root,
					    r.below(e.sb.nnodes + 1) * AETHER_BTREE_BLOCK,
					    r.below(blocks) * AETHER_BTREE_BLOCK,
					    r.below(e.size / 512) * 512,
					    e.size - AETHER_BTREE_BLOCK,
					    e.size,
					    e.size + AETHER_BTREE_BLOCK,
					    r.next(),
					    ~0ull,
					    1};
		a.offset = r.pick(offsets);
		const uint32_t lens[] = {AETHER_BTREE_BLOCK, AETHER_BTREE_BLOCK, AETHER_BTREE_BLOCK, AETHER_BTREE_BLOCK, 512, 1024, 0, 4095, 4097, 8192,
					 static_cast<uint32_t>(r.next())};
		a.len = r.pick(lens);
		const uint32_t hops[] = {e.sb.depth, e.sb.depth, e.sb.depth, 1, 2, AETHER_XRP_MAX_HOPS, 0, AETHER_XRP_MAX_HOPS + 1,
					 static_cast<uint32_t>(r.next())};
		a.max_hops = r.pick(hops);
		const uint32_t flags[] = {AETHER_XRP_F_POLLED, AETHER_XRP_F_CACHED, AETHER_XRP_F_ALL};
		if (r.below(20) == 0)
			a.flags = static_cast<uint32_t>(r.next());
		else if (r.below(5) == 0)
			a.flags = r.pick(flags);
		if (r.below(20) == 0)
			a.reserved = static_cast<uint32_t>(r.next());
		const uint32_t slens[] = {sizeof(aether_btree_xrp_scratch), sizeof(aether_btree_xrp_scratch),
					  sizeof(aether_btree_xrp_scratch), sizeof(aether_btree_xrp_scratch), 0, 8,
					  AETHER_XRP_SCRATCH_MAX, AETHER_XRP_SCRATCH_MAX + 1,
					  static_cast<uint32_t>(r.next())};
		a.scratch_len = r.pick(slens);
		bool scratch_ok = true;
		switch (r.below(16)) {
		case 0: a.scratch = 0, scratch_ok = false; break;
		case 1: a.scratch = reinterpret_cast<uintptr_t>(e.unmapped), scratch_ok = false; break;
		case 2: a.scratch = 0xffff888000000000ull, scratch_ok = false; break;
		default: break;
		}
		reinterpret_cast<aether_btree_xrp_scratch *>(e.scratch)->key = r.below(2) ? r.next() : ~0ull;

		bool chain;
		const int want = expected(e, a, scratch_ok, &chain);
		int got;
		std::string what;
		if (r.below(20) == 0) {
			got = call(e, e.unmapped); // the argument itself cannot be read
			what = "bad-arg";
			chain = false;
			if (got != EFAULT)
				wrong++, std::printf("call %llu: unreadable argument gave %s, want EFAULT\n",
						     (unsigned long long)i, errname(got));
		} else {
			got = call(e, &a);
			const bool ok = chain ? (got == 0 || got == ELOOP || got == ERANGE || got == EIO) : got == want;
			if (!ok) {
				wrong++;
				std::printf("call %llu: fd %d offset %llu len %u hops %u flags %u reserved %u scratch %#llx/%u: "
					    "got %s, want %s\n",
					    (unsigned long long)i, a.fd, (unsigned long long)a.offset, a.len, a.max_hops,
					    a.flags, a.reserved, (unsigned long long)a.scratch, a.scratch_len, errname(got),
					    chain ? "a chain outcome (0, ELOOP, ERANGE or EIO)" : errname(want));
			}
		}
		seen[errname(got)]++;
	}
	std::printf("%llu calls, %llu with a wrong errno; results:", (unsigned long long)n, (unsigned long long)wrong);
	for (const auto &[k, v] : seen)
		std::printf(" %s %llu", k.c_str(), (unsigned long long)v);
	std::printf("\n");
	return wrong ? 1 : 0;
}

// Points every child of the tree's root at @where: "cycle" (the root itself) or
// "outside" (the first byte past the device).
int point_root(const char *path, const std::string &where)
{
	const int fd = open(path, O_RDWR | O_CLOEXEC);
	if (fd < 0)
		die("cannot open %s", path);
	aether_btree_super sb{};
	aether_btree_node node{};
	uint64_t size = 0;
	if (ioctl(fd, BLKGETSIZE64, &size))
		die("%s is not a block device", path);
	if (pread(fd, &sb, sizeof(sb), 0) != sizeof(sb) || sb.magic != AETHER_BTREE_SUPER_MAGIC)
		die("%s holds no Aether B+tree", path);
	if (pread(fd, &node, sizeof(node), static_cast<off_t>(sb.root)) != sizeof(node) || node.level == 0)
		die("the root of the tree on %s is a leaf: build a deeper tree", path);
	uint64_t to;
	if (where == "cycle")
		to = sb.root;
	else if (where == "outside")
		to = size;
	else
		die("point-root takes cycle or outside, not %s", where.c_str());
	for (unsigned i = 0; i < node.nkeys; i++)
		node.vals[i] = to;
	if (pwrite(fd, &node, sizeof(node), static_cast<off_t>(sb.root)) != sizeof(node) || fsync(fd))
		die("cannot write %s", path);
	close(fd);
	std::printf("every child of the root at %llu is now at %llu\n", (unsigned long long)sb.root,
		    (unsigned long long)to);
	return 0;
}

} // namespace

// One lookup from the root allowed @max_hops reads (on a cyclic tree it runs until
// then): prints its errno and the out fields, which tell how far it got.
int run_chain(const char *path, uint64_t max_hops)
{
	const Env e = open_env(path);
	aether_xrp_lookup a = good_lookup(e);
	a.max_hops = static_cast<uint32_t>(max_hops);
	const int err = call(e, &a);
	std::printf("errno %s hops %u last_offset %llu status %d\n", errname(err), a.hops,
		    static_cast<unsigned long long>(a.last_offset), a.status);
	return 0;
}

int main(int argc, char **argv)
{
	const std::string cmd = argc > 1 ? argv[1] : "";
	if (cmd == "case" && argc == 4)
		return run_case(argv[2], argv[3]);
	if (cmd == "fuzz" && argc == 5)
		return run_fuzz(argv[2], std::strtoull(argv[3], nullptr, 0), std::strtoull(argv[4], nullptr, 0));
	if (cmd == "point-root" && argc == 4)
		return point_root(argv[2], argv[3]);
	if (cmd == "chain" && argc == 4)
		return run_chain(argv[2], std::strtoull(argv[3], nullptr, 0));
	std::fprintf(stderr, "usage: xrp-ioctl case NAME BLKDEV | fuzz BLKDEV N SEED | point-root BLKDEV cycle|outside"
			     " | chain BLKDEV MAX_HOPS\n");
	return 2;
}
