// Creating (the server) and reading (aether-ctl) /run/aether/ublk<N>.stats.
#pragma once

#include <cstdint>
#include <string>

#include "stats.hpp"

namespace aether::ublk {

// The server's stats file, mapped shared; removed when this is destroyed.
class StatsWriter {
public:
	StatsWriter() = default;
	StatsWriter(const StatsWriter &) = delete;
	StatsWriter &operator=(const StatsWriter &) = delete;
	~StatsWriter();

	// Creates stats_path(@head.dev_id) (and its directory) holding @head with zeroed
	// counters. Returns 0, or -errno with a message in *why.
	int create(const StatsHeader &head, std::string *why);
	StatsFile *file() { return f_; }

private:
	StatsFile *f_ = nullptr;
	std::string path_;
};

// A stats file mapped read-only.
class StatsView {
public:
	StatsView() = default;
	StatsView(const StatsView &) = delete;
	StatsView &operator=(const StatsView &) = delete;
	StatsView(StatsView &&o) noexcept : f_(o.f_) { o.f_ = nullptr; }
	~StatsView();

	// Maps @path. Returns 0, or -errno with a message in *why: -ENOENT if it does not
	// exist, -EINVAL if it is not an aether-ublk stats file of a known version.
	int open(const std::string &path, std::string *why);
	const StatsFile &file() const { return *f_; }

private:
	const StatsFile *f_ = nullptr;
};

// The name of bucket @k of the read latency histogram (see kLatencyBuckets): "<1us",
// "LO-HIus", or ">=LOus" for the last.
std::string latency_bucket_name(unsigned k);

// The bucket of @counts, a snapshot of the read latency histogram, that holds its
// @pct-th percentile, or -1 if it counted nothing.
int latency_percentile(const uint64_t (&counts)[kLatencyBuckets], unsigned pct);

} // namespace aether::ublk
