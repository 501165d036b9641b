// aether-ctl xrp: the XRP demo's on-disk B+tree. mkbtree builds one on a device;
// get --user looks keys up with one pread per hop, the baseline for the in-kernel
// chain (bpf/xrp_btree.h has the format).
#include <cerrno>
#include <cstring>
#include <memory>
#include <ostream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "btree.hpp"
#include "cli.hpp"

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

void run_mkbtree(Context &ctx, const MkbtreeOptions &o)
{
	BtreeBuild b;
	b.path = o.dev;
	b.nkeys = o.keys;
	b.seed = o.seed;
	b.fanout = o.fanout;
	b.overwrite = o.force ? Overwrite::kForce : Overwrite::kRefuseData;
	aether_btree_super sb{};
	std::string why;
	if (btree_build(b, &sb, &why) < 0) {
		ctx.err << "aether-ctl: xrp mkbtree: " << why << "\n";
		ctx.exit_code = kExitFailure;
		return;
	}
	if (o.json) {
		ctx.out << nlohmann::json{{"device", o.dev},   {"keys", sb.nkeys},     {"seed", sb.seed},
					  {"fanout", sb.fanout}, {"depth", sb.depth},     {"nodes", sb.nnodes},
					  {"root", sb.root},     {"bytes", (sb.nnodes + 1) * AETHER_BTREE_BLOCK}}
				   .dump(2)
			<< "\n";
		return;
	}
	ctx.out << o.dev << ": " << sb.nkeys << " keys (seed " << sb.seed << "), depth " << sb.depth << ", fanout "
		<< sb.fanout << ", " << sb.nnodes << " nodes of 4 KiB, root at byte " << sb.root << "\n";
}

struct GetOptions {
	std::string dev;
	std::vector<uint64_t> keys;
	bool user = false;
	bool json = false;
};

void run_get(Context &ctx, const GetOptions &o)
{
	if (!o.user) {
		// The ioctl and its BPF program are the next part of this work; say so
		// rather than quietly falling back to user space.
		ctx.err << "aether-ctl: xrp get: the in-kernel lookup needs /dev/aether's AETHER_IOC_XRP_LOOKUP, which\n"
			   "this aether.ko does not have yet; --user does the same lookup with one pread per hop\n";
		ctx.exit_code = kExitFailure;
		return;
	}
	BtreeReader tree;
	std::string why;
	if (tree.open(o.dev, &why) < 0) {
		ctx.err << "aether-ctl: xrp get: " << why << "\n";
		ctx.exit_code = kExitFailure;
		return;
	}
	nlohmann::json a = nlohmann::json::array();
	bool missing = false;
	for (uint64_t key : o.keys) {
		BtreeResult r;
		if (tree.lookup(key, &r, &why) < 0) {
			ctx.err << "aether-ctl: xrp get: key " << key << ": " << why << "\n";
			ctx.exit_code = kExitFailure;
			return;
		}
		const bool found = r.how == BtreeResult::How::kFound;
		missing |= !found;
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
	if (o.json)
		ctx.out << a.dump(2) << "\n";
	// As grep does: a key that is not there is an answer, but not success.
	if (missing)
		ctx.exit_code = kExitFailure;
}

} // namespace

void add_xrp(CLI::App &app, Context &ctx)
{
	CLI::App *xrp = app.add_subcommand("xrp", "XRP demo: an on-disk B+tree walked by chained reads");
	xrp->require_subcommand(1);
	xrp->footer("Examples:\n"
		    "  aether-ctl xrp mkbtree /dev/loop0 --keys 100000 --seed 7\n"
		    "  aether-ctl xrp mkbtree /dev/loop0 --keys 10000 --fanout 8   a deeper tree (depth 5)\n"
		    "  aether-ctl xrp get --user /dev/loop0 123456789 987654321\n"
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
	mkbtree->callback([&ctx, mk] { run_mkbtree(ctx, *mk); });

	auto get = std::make_shared<GetOptions>();
	CLI::App *g = xrp->add_subcommand(
		"get", "Look keys up; prints 'KEY VALUE' or 'KEY not-found' for each, and exits 1 if any is missing");
	g->add_option("dev", get->dev, "Block device or file holding the tree")->required();
	// CLI11 would wrap "-3" into a huge unsigned key; a sign is a mistake here.
	const CLI::Validator no_sign(
		[](std::string &v) { return !v.empty() && v[0] == '-' ? "a key is an unsigned 64-bit number, not " + v : std::string(); },
		"UINT64");
	g->add_option("keys", get->keys, "Keys to look up")->required()->check(no_sign);
	g->add_flag("--user", get->user, "Walk the tree from user space, one pread per hop");
	g->add_flag("--json", get->json, "JSON: key, found, value and hops for each");
	g->callback([&ctx, get] { run_get(ctx, *get); });
}

} // namespace aether::ctl
