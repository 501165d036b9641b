// PG, the probability graph (Griffioen and Appleton, "Reducing File System Latency using
// a Predictive Approach", USENIX Summer '94), as a replay baseline: arcs from each unit
// to the units accessed within a lookahead window after it, weighted by how often, and
// prefetches of the successors whose share of a unit's arcs is above a threshold.
#pragma once

#include <memory>

#include "replay/prefetcher.hpp"

namespace aether::ctl {

// PG's knobs. lookahead and threshold are libCacheSim's defaults (cache/prefetch/PG.c:
// lookahead-range=20, prefetch-threshold=0.05, a successor qualifying when its share is
// strictly above it). The table sizes are ours and bound the memory: when the graph is
// full it stops growing and only counts on the arcs it has, as libCacheSim's stops
// recording past its metadata budget.
struct PgParams {
	u32 lookahead = 20;
	double threshold = 0.05;
	u32 max_nodes = 1 << 16;
	u32 max_successors = 16; // arcs kept per node (at most 16)
};

// A fresh PG with @params. Each access is a node; a successor is prefetched as
// Fetch::kOneObject of the length it had when last counted.
std::unique_ptr<Prefetcher> make_pg(const PgParams &params = {});

} // namespace aether::ctl
