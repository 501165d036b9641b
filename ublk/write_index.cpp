// The writes in flight, indexed by region (see write_index.hpp).
#include "write_index.hpp"

#include <algorithm>

namespace aether::ublk {

void WriteIndex::compare(uint32_t token, uint32_t t)
{
	Write &w = recs_[token].w, &o = recs_[t].w;
	compared_++;
	if (o.first <= w.last && w.first <= o.last)
		o.conflict = w.conflict = true;
}

uint32_t WriteIndex::add(uint64_t first, uint64_t last, uint64_t off, uint64_t len)
{
	uint32_t token;
	if (free_.empty()) {
		token = static_cast<uint32_t>(recs_.size());
		recs_.push_back({});
	} else {
		token = free_.back();
		free_.pop_back();
	}
	recs_[token] = Rec{Write{first, last, off, len, false}, true};
	compared_ = 0;
	const Write &w = recs_[token].w;
	const uint64_t r0 = first >> kRegionShift, r1 = last >> kRegionShift;
	if (wide(w)) {
		// A wide write may overlap any narrow one: it reads them all, which is rare.
		for (uint32_t t = 0; t < recs_.size(); t++)
			if (t != token && recs_[t].live)
				compare(token, t);
		wide_.push_back(token);
		return token;
	}
	// A write listed in two of these buckets is compared twice, which marks the same.
	for (uint64_t r = r0; r <= r1; r++)
		for (uint32_t t : bucket(r))
			compare(token, t);
	for (uint32_t t : wide_)
		compare(token, t);
	for (uint64_t r = r0; r <= r1; r++)
		bucket(r).push_back(token);
	return token;
}

std::vector<uint32_t> &WriteIndex::unlist(std::vector<uint32_t> &list, uint32_t token)
{
	auto it = std::find(list.begin(), list.end(), token);
	if (it != list.end()) {
		*it = list.back();
		list.pop_back();
	}
	return list;
}

bool WriteIndex::remove(uint32_t token, Write *out)
{
	if (token >= recs_.size() || !recs_[token].live)
		return false;
	Rec &rec = recs_[token];
	*out = rec.w;
	rec.live = false;
	free_.push_back(token);
	if (wide(rec.w)) {
		unlist(wide_, token);
		return true;
	}
	for (uint64_t r = rec.w.first >> kRegionShift; r <= rec.w.last >> kRegionShift; r++)
		unlist(bucket(r), token);
	return true;
}

} // namespace aether::ublk
