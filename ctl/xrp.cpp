// aether-ctl xrp: the XRP demo's on-disk B+tree. mkbtree builds one on a device;
// get looks keys up in the kernel, one AETHER_IOC_XRP_LOOKUP each, get --uring with
// one io_uring_enter each (a BPF loop_step submits the hops), and get --user with
// one pread per hop, the baseline (bpf/xrp_btree.h has the format).
#include <cerrno>
#include <chrono>
#include <fcntl.h>
#include <unistd.h>
#include <memory>
#include <ostream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "bpf/loader.hpp"
#include "xrp_btree_user.hpp"
#include "xrp_uring_user.hpp"
#include "cli.hpp"
#include "util/errors.hpp"
#include <uapi/aether.h>

namespace aether::ctl {
namespace {

struct MkbtreeOptions {
	std::string dev;
	uint64_t keys = 0;
	uint64_t seed = 1;
	uint32_t fanout = AETHER_BTREE_FANOUT;
	bool force = false;
	bool json = false;
};

int run_mkbtree(Context &ctx, const MkbtreeOptions &o)
{
	BtreeBuild b;
	b.path = o.dev;
	b.nkeys = o.keys;
	b.seed = o.seed;
	b.fanout = o.fanout;
	b.overwrite = o.force ? Overwrite::kForce : Overwrite::kRefuseData;
	aether_btree_super sb{};
	std::string why;
	if (btree_build(b, &sb, &why) < 0)
		return fail(ctx, "xrp mkbtree: " + why);
	if (o.json) {
		ctx.out << nlohmann::json{{"device", o.dev},   {"keys", sb.nkeys},     {"seed", sb.seed},
					  {"fanout", sb.fanout}, {"depth", sb.depth},     {"nodes", sb.nnodes},
					  {"root", sb.root},     {"bytes", (sb.nnodes + 1) * AETHER_BTREE_BLOCK}}
				   .dump(2)
			<< "\n";
		return kExitOk;
	}
	ctx.out << o.dev << ": " << sb.nkeys << " keys (seed " << sb.seed << "), depth " << sb.depth << ", fanout "
		<< sb.fanout << ", " << sb.nnodes << " nodes of 4 KiB, root at byte " << sb.root << "\n";
	return kExitOk;
}

struct GetOptions {
	std::string dev;
	std::vector<uint64_t> keys;
	uint64_t sample = 0;
	uint64_t sample_seed = 1;
	bool user = false;
	bool uring = false;
	bool poll = false;
	bool cached = false;
	bool json = false;
	bool timing = false;
};

// @n keys to check a tree with: alternately one of its own keys (from the seed
// in its superblock) and a pseudo-random one, which is almost surely absent.
std::vector<uint64_t> sample_keys(const aether_btree_super &sb, uint64_t n, uint64_t seed)
{
	const std::vector<uint64_t> own = btree_keys(sb.seed, sb.nkeys);
	const std::vector<uint64_t> other = btree_keys(seed ^ 0x9e3779b97f4a7c15ull, n);
	std::vector<uint64_t> v;
	v.reserve(n);
	uint64_t x = seed | 1;
	for (uint64_t i = 0; i < n; i++) {
		x ^= x << 13, x ^= x >> 7, x ^= x << 17;
		v.push_back(i % 2 ? other[i] : own[x % own.size()]);
	}
	return v;
}

// Opens /dev/aether for the in-kernel lookup. Returns the fd, or -errno with the
// reason in *@why.
int open_aether(const Sysfs &sysfs, std::string *why)
{
	const std::string path = std::string("/dev/") + AETHER_DEV_NAME;
	const int fd = ::open(path.c_str(), O_RDWR | O_CLOEXEC);
	if (fd >= 0)
		return fd;
	const int e = errno;
	if (e == ENOENT && !sysfs.loaded())
		*why = "aether.ko is not loaded; load it with 'insmod build/kmod/aether.ko'";
	else if (e == EACCES || e == EPERM)
		*why = path + " is root only";
	else
		*why = "cannot open " + path + ": " + util::errstr(e);
	return -e;
}

// The in-kernel walk needs xrp_btree's step; any other program would answer
// something else entirely. Returns 0, or -ENOENT with the reason in *@why.
int check_xrp_ops(const Sysfs &sysfs, std::string *why)
{
	const AttrRead ops = sysfs.read("xrp/ops");
	if (!ops.ok() || ops.value.empty()) {
		*why = "no aether_xrp_ops program is attached; 'aether-ctl bpf load xrp_btree' attaches one";
		return -ENOENT;
	}
	if (ops.value != "xrp_btree") {
		*why = "the attached aether_xrp_ops program is '" + ops.value +
		       "', not xrp_btree; 'aether-ctl bpf list' shows what is loaded";
		return -ENOENT;
	}
	return 0;
}

// How the hops of the walk @o asks for read their nodes.
BtreeRead read_of(const GetOptions &o)
{
	return o.poll ? BtreeRead::kPoll : o.cached ? BtreeRead::kCached : BtreeRead::kDirect;
}

// How `xrp get --timing` names the walk @o asks for.
const char *walk_name(const GetOptions &o)
{
	switch (read_of(o)) {
	case BtreeRead::kPoll:
		return o.user ? "user space, a polled io_uring read per hop" : "in the kernel, polled";
	case BtreeRead::kCached:
		return o.user ? "user space, buffered pread per hop" : "in the kernel, page cache first";
	case BtreeRead::kDirect:
		break;
	}
	if (o.uring)
		return "io_uring, a BPF loop_step per hop";
	return o.user ? "user space, pread per hop" : "in the kernel";
}

int run_get(Context &ctx, const GetOptions &o)
{
	if (o.keys.empty() == !o.sample)
		return usage_error(ctx, "xrp get: give either KEYS or --sample N", UsageHint::kNone);
	BtreeReader tree;
	std::string why;
	if (tree.open(o.dev, &why, read_of(o)) < 0)
		return fail(ctx, "xrp get: " + why);
	// The module walks by default; --user and --uring walk without it.
	const bool module = !o.user && !o.uring;
	if (module && !require_loaded(ctx))
		return kExitFailure;
	int xrp_fd = -1;
	if (module && (check_xrp_ops(ctx.sysfs, &why) < 0 || (xrp_fd = open_aether(ctx.sysfs, &why)) < 0))
		return fail(ctx, "xrp get: " + why);
	UringWalker uring;
	if (o.uring) {
		const LibbpfLog log(ctx.err, LibbpfMessages::kWarnings);
		if (uring.open(tree, &why) < 0)
			return fail(ctx, "xrp get --uring: " + why);
	}
	const std::vector<uint64_t> keys = o.sample ? sample_keys(tree.super(), o.sample, o.sample_seed) : o.keys;
	nlohmann::json a = nlohmann::json::array();
	int rc = kExitOk;
	bool missing = false;
	uint64_t hops = 0, done = 0;
	const auto t0 = std::chrono::steady_clock::now();
	for (uint64_t key : keys) {
		BtreeResult r;
		const int ret = o.user	  ? tree.lookup(key, &r, &why)
				: o.uring ? uring.lookup(key, &r, &why)
					  : tree.lookup_kernel(xrp_fd, key, &r, &why);
		if (ret < 0) {
			rc = fail(ctx, "xrp get: key " + std::to_string(key) + ": " + why);
			break;
		}
		const bool found = r.how == BtreeResult::How::kFound;
		missing |= !found;
		hops += r.hops;
		done++;
		if (o.json) {
			nlohmann::json j{{"key", key}, {"found", found}, {"hops", r.hops}};
			if (found)
				j["value"] = r.value;
			a.push_back(j);
		} else if (found) {
			ctx.out << key << " " << r.value << "\n";
		} else {
			ctx.out << key << " not-found\n";
		}
	}
	const auto ns = std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now() - t0).count();
	if (xrp_fd >= 0)
		::close(xrp_fd);
	// On stderr, so the answers on stdout stay the same with and without it.
	if (o.timing)
		ctx.err << "xrp get: " << done << " lookups (" << walk_name(o) << "), " << hops << " hops, " << ns / 1000 << " us: "
			<< (ns ? done * 1000000000ull / static_cast<uint64_t>(ns) : 0) << " lookups/s\n";
	if (rc != kExitOk)
		return rc;
	if (o.json)
		ctx.out << a.dump(2) << "\n";
	// As grep does: a key that is not there is an answer, but not success.
	return missing ? kExitFailure : kExitOk;
}

} // namespace

void add_xrp(CLI::App &app, Context &ctx)
{
	CLI::App *xrp = add_command_group(
		app, "xrp", "XRP demo: an on-disk B+tree walked by chained reads",
		"Examples:\n"
		"  aether-ctl xrp mkbtree /dev/loop0 --keys 100000 --seed 7\n"
		"  aether-ctl xrp mkbtree /dev/loop0 --keys 10000 --fanout 8   a deeper tree (depth 5)\n"
		"  aether-ctl bpf load xrp_btree && aether-ctl xrp get /dev/loop0 123456789\n"
		"  aether-ctl xrp get --user /dev/loop0 123456789 987654321   one pread per hop\n"
		"  aether-ctl xrp get --uring /dev/loop0 --sample 10000   an io_uring BPF loop (Linux 7.x)\n"
		"  aether-ctl xrp get /dev/loop0 --sample 10000   half its own keys, half absent ones\n"
		"  aether-ctl xrp get --poll /dev/nvme0n1 --sample 10000 --timing   polled hops, no interrupts\n"
		"  aether-ctl xrp get --cached /dev/nvme0n1 --sample 10000   cached nodes without I/O\n"
		"The format (4 KiB nodes, 64-bit keys and values) is documented in bpf/xrp_btree.h.");

	auto mk = std::make_shared<MkbtreeOptions>();
	CLI::App *mkbtree = xrp->add_subcommand(
		"mkbtree", "Build a B+tree of pseudo-random keys on DEV (a block device or file); "
			   "refuses a device in use, or holding data unless --force");
	mkbtree->add_option("dev", mk->dev, "Block device or regular file")->required();
	mkbtree->add_option("--keys", mk->keys, "How many keys")->required()->check(CLI::Range(uint64_t{1}, uint64_t{1} << 32));
	mkbtree->add_option("--seed", mk->seed, "Seed of the keys (the same seed gives the same tree)");
	mkbtree->add_option("--fanout", mk->fanout, "Entries per node, 2 to 255: smaller makes a deeper tree")
		->check(CLI::Range(2u, static_cast<unsigned>(AETHER_BTREE_FANOUT)));
	mkbtree->add_flag("--force", mk->force, "Overwrite DEV even if it holds data");
	mkbtree->add_flag("--json", mk->json, "Describe the tree in JSON");
	mkbtree->callback([&ctx, mk] { ctx.exit_code = run_mkbtree(ctx, *mk); });

	auto get = std::make_shared<GetOptions>();
	CLI::App *g = xrp->add_subcommand(
		"get", "Look keys up; prints 'KEY VALUE' or 'KEY not-found' for each, and exits 1 if any is missing");
	g->add_option("dev", get->dev, "Block device or file holding the tree")->required();
	// CLI11 would wrap "-3" into a huge unsigned key; a sign is a mistake here.
	const CLI::Validator no_sign(
		[](std::string &v) { return !v.empty() && v[0] == '-' ? "a key is an unsigned 64-bit number, not " + v : std::string(); },
		"UINT64");
	g->add_option("keys", get->keys, "Keys to look up")->check(no_sign);
	g->add_option("--sample", get->sample,
		      "Instead of KEYS, look up N keys: alternately one of the tree's own and a random one")
		->check(CLI::Range(uint64_t{1}, uint64_t{10000000}));
	g->add_option("--sample-seed", get->sample_seed, "Seed of --sample's choice (default 1)");
	g->add_flag("--user", get->user,
		    "Walk the tree from user space, one O_DIRECT pread per hop, instead of in the kernel "
		    "(AETHER_IOC_XRP_LOOKUP with xrp_btree attached)");
	g->add_flag("--uring", get->uring,
		    "Walk the tree without aether.ko: one io_uring_enter per lookup, on a ring whose BPF "
		    "loop_step (io_uring_bpf_ops, Linux 7.x) submits each hop's O_DIRECT read from the previous "
		    "one's completion. Kernels without io_uring_bpf_ops refuse it")
		->excludes("--user");
	g->add_flag("--poll", get->poll,
		    "Poll for each hop's read instead of sleeping until its interrupt: in the kernel a "
		    "REQ_POLLED bio reaped with bio_poll(), with --user an IORING_SETUP_IOPOLL io_uring. The "
		    "device needs poll queues (queue/io_poll is 1), and the CPU spins while a read is in flight");
	g->add_flag("--cached", get->cached,
		    "Read nodes through the device's page cache: in the kernel a cached node is stepped over in "
		    "place with no I/O and the rest are read from the device, leaving the cache as it was; with "
		    "--user a buffered pread per hop")
		->excludes("--poll");
	g->get_option("--uring")->excludes("--poll")->excludes("--cached");
	g->add_flag("--json", get->json, "JSON: key, found, value and hops for each");
	g->add_flag("--timing", get->timing,
		    "Also print, on stderr, how long the lookups took and lookups per second (output and key "
		    "generation excluded)");
	g->callback([&ctx, get] { ctx.exit_code = run_get(ctx, *get); });
}

} // namespace aether::ctl
