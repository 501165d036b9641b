// PG: a graph of which units follow which within a lookahead window, and prefetches of
// the likely successors.
//
// The paper adds an arc from each of the last `lookahead` accesses to the new one and
// estimates the chance of a successor as its arc's weight over the sum of the weights
// out of the node. Like libCacheSim, we count a unit's arcs once its window has passed
// (when it leaves the window of the last `lookahead` accesses, all of them are its
// successors): the same weights, one window later, and one node touched per access.
#include "replay/pg.hpp"

#include <algorithm>
#include <unordered_map>
#include <vector>

namespace aether::ctl {

namespace {

constexpr u32 kMaxSuccessors = 16;

class Pg final : public Prefetcher {
public:
	explicit Pg(const PgParams &params) : p_(params)
	{
		p_.lookahead = std::max<u32>(p_.lookahead, 1);
		p_.max_successors = std::clamp<u32>(p_.max_successors, 1, kMaxSuccessors);
		window_.assign(p_.lookahead, Seen{kEmpty, 0});
		index_.reserve(p_.max_nodes);
	}

	void access(u64 addr, u32 len, std::vector<Range> &out) override
	{
		// The oldest access leaves the window: the others and this one are the
		// accesses within `lookahead` after it.
		const Seen oldest = window_[head_];
		window_[head_] = {addr, len};
		head_ = (head_ + 1) % p_.lookahead;
		if (oldest.id != kEmpty)
			count_arcs(oldest.id);

		const auto it = index_.find(addr);
		if (it == index_.end())
			return;
		const Node &node = nodes_[it->second];
		const size_t first = out.size();
		for (u32 i = 0; i < node.n; i++)
			if (static_cast<double>(node.arc[i].weight) > p_.threshold * static_cast<double>(node.total))
				out.push_back({node.arc[i].id, node.arc[i].len, Fetch::kOneObject});
		// The likeliest last, so it is the most recently inserted.
		std::sort(out.begin() + static_cast<std::ptrdiff_t>(first), out.end(),
			  [&](const Range &a, const Range &b) { return weight(node, a.start) < weight(node, b.start); });
	}

private:
	static constexpr u64 kEmpty = ~u64{0};

	struct Seen {
		u64 id;
		u32 len;
	};
	struct Arc {
		u64 id;
		u32 len;
		u32 weight;
	};
	struct Node {
		u64 total = 0; // the sum of the weights out of it, kept arcs or not
		u32 n = 0;
		Arc arc[kMaxSuccessors];
	};

	static u32 weight(const Node &node, u64 id)
	{
		for (u32 i = 0; i < node.n; i++)
			if (node.arc[i].id == id)
				return node.arc[i].weight;
		return 0;
	}

	void count_arcs(u64 from)
	{
		auto it = index_.find(from);
		if (it == index_.end()) {
			if (nodes_.size() >= p_.max_nodes)
				return; // the graph is full: no new nodes
			it = index_.emplace(from, static_cast<u32>(nodes_.size())).first;
			nodes_.emplace_back();
		}
		Node &node = nodes_[it->second];
		// Nearest first, so a full node keeps its nearest successors.
		for (u32 k = 0; k < p_.lookahead; k++) {
			const Seen &s = window_[(head_ + k) % p_.lookahead];
			if (s.id == kEmpty)
				continue;
			node.total++;
			u32 i = 0;
			while (i < node.n && node.arc[i].id != s.id)
				i++;
			if (i < node.n) {
				node.arc[i].weight++;
				node.arc[i].len = s.len;
			} else if (node.n < p_.max_successors) {
				node.arc[node.n++] = {s.id, s.len, 1}; // else the node is full
			}
		}
	}

	PgParams p_;
	std::vector<Seen> window_; // the last `lookahead` accesses, a ring
	u32 head_ = 0;             // the oldest of them
	std::vector<Node> nodes_;
	std::unordered_map<u64, u32> index_;
};

} // namespace

std::unique_ptr<Prefetcher> make_pg(const PgParams &params)
{
	return std::make_unique<Pg>(params);
}

} // namespace aether::ctl
