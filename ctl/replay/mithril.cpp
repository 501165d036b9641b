// Mithril: record misses, mine associations among units of similar, sporadic support,
// and prefetch a unit's associates when it is accessed.
//
// From the paper, with libCacheSim's defaults and rules where the paper leaves a choice:
// - every access advances the clock; a miss (rec_trigger=miss) records its timestamp;
// - a unit's first min_support - 1 timestamps sit in the recording table; with
//   min_support it moves to the mining table, where it collects up to max_support; one
//   more miss makes it frequent, not sporadic, and it is dropped;
// - when the mining table is full it is mined: sorted by first timestamp, unit a is
//   associated with a later unit b whose first timestamp is within the lookahead range,
//   whose support differs by at most `confidence`, and whose later timestamps are
//   within the lookahead range of a's but for at most `confidence` of them. Then the
//   mining table is emptied.
// Where we differ from libCacheSim's code, which the replay is compared with:
// - a unit keeps its pf_list_size nearest associates (by first timestamp); libCacheSim
//   keeps the first candidate and any whose timestamps are exactly one apart, in FIFO;
// - timestamps are 32-bit counts, not 15-bit fields that wrap every 32768 accesses;
// - no second chance for unused prefetched units at eviction (libCacheSim's
//   cycle_time 2), and no sequential prefetching (its default is off too).
#include "replay/mithril.hpp"

#include <algorithm>
#include <cstdint>
#include <unordered_map>
#include <vector>

namespace aether::ctl {

namespace {

constexpr u32 kMaxSupport = 8;
constexpr u32 kMaxAssociates = 4;

class Mithril final : public Prefetcher {
public:
	explicit Mithril(const MithrilParams &params) : p_(params)
	{
		p_.min_support = std::clamp<u32>(p_.min_support, 1, kMaxSupport);
		p_.max_support = std::clamp<u32>(p_.max_support, p_.min_support, kMaxSupport);
		p_.pf_list_size = std::clamp<u32>(p_.pf_list_size, 1, kMaxAssociates);
		p_.recording_rows = std::max<u32>(p_.recording_rows, 1);
		p_.prefetch_rows = std::max<u32>(p_.prefetch_rows, 1);
		mining_size_ = std::max<u32>(1, p_.mining_threshold / p_.min_support);
		recording_.assign(p_.recording_rows, kEmpty);
		prefetch_.resize(p_.prefetch_rows);
		units_.reserve(p_.recording_rows + mining_size_);
		prefetch_index_.reserve(p_.prefetch_rows);
		mining_.reserve(mining_size_);
	}

	void demanded(Outcome outcome) override { outcome_ = outcome; }

	void access(u64 addr, u32 len, std::vector<Range> &out) override
	{
		if (const auto it = prefetch_index_.find(addr); it != prefetch_index_.end()) {
			const Row &row = prefetch_[it->second];
			for (u32 i = 0; i < row.n; i++)
				out.push_back({row.to[i].id, row.to[i].len, Fetch::kOneObject});
		}
		if (outcome_ == Outcome::kMiss)
			record(addr, len);
		outcome_ = Outcome::kMiss;
		now_++;
	}

private:
	static constexpr u64 kEmpty = ~u64{0};
	enum class State : std::uint8_t { kRecording, kMining };

	struct Unit {
		u32 ts[kMaxSupport];
		u32 len;
		u32 pos; // its slot in recording_ or mining_
		std::uint8_t n; // timestamps recorded
		State state;
	};
	struct Associate {
		u64 id;
		u32 len;
	};
	struct Row {
		u64 from = kEmpty;
		u32 n = 0;
		Associate to[kMaxAssociates];
	};

	void record(u64 id, u32 len)
	{
		auto it = units_.find(id);
		if (it == units_.end()) {
			// The recording table is a FIFO: the oldest unit still waiting for
			// its support is forgotten to make room.
			const u64 old = recording_[cursor_];
			if (old != kEmpty)
				if (const auto o = units_.find(old);
				    o != units_.end() && o->second.state == State::kRecording && o->second.pos == cursor_)
					units_.erase(o);
			recording_[cursor_] = id;
			it = units_.emplace(id, Unit{{}, len, cursor_, 0, State::kRecording}).first;
			cursor_ = (cursor_ + 1) % p_.recording_rows;
		}
		Unit &u = it->second;
		u.len = len;
		if (u.state == State::kMining && u.n == p_.max_support) {
			drop_mining(it);
			return;
		}
		u.ts[u.n++] = static_cast<u32>(now_);
		if (u.state == State::kRecording && u.n >= p_.min_support) {
			u.state = State::kMining;
			u.pos = static_cast<u32>(mining_.size());
			mining_.push_back(id);
			if (mining_.size() >= mining_size_)
				mine();
		}
	}

	void drop_mining(std::unordered_map<u64, Unit>::iterator it)
	{
		const u32 pos = it->second.pos;
		mining_[pos] = mining_.back();
		units_.find(mining_[pos])->second.pos = pos;
		mining_.pop_back();
		units_.erase(it);
	}

	// Whether @a (first in time) and @b are associated, by the rule at the top.
	bool associated(const Unit &a, const Unit &b) const
	{
		const u32 diff = a.n > b.n ? a.n - b.n : b.n - a.n;
		if (diff > p_.confidence)
			return false;
		u32 errors = 0;
		for (u32 k = 1; k < std::min(a.n, b.n); k++) {
			const u32 d = a.ts[k] > b.ts[k] ? a.ts[k] - b.ts[k] : b.ts[k] - a.ts[k];
			errors += d > p_.lookahead;
		}
		return errors <= p_.confidence;
	}

	void mine()
	{
		std::vector<const std::pair<const u64, Unit> *> rows;
		rows.reserve(mining_.size());
		for (const u64 id : mining_)
			rows.push_back(&*units_.find(id));
		std::sort(rows.begin(), rows.end(),
			  [](const auto *x, const auto *y) { return x->second.ts[0] < y->second.ts[0]; });
		for (size_t i = 0; i < rows.size(); i++) {
			u32 found = 0;
			for (size_t j = i + 1; j < rows.size() && found < p_.pf_list_size; j++) {
				const Unit &a = rows[i]->second, &b = rows[j]->second;
				if (b.ts[0] - a.ts[0] > p_.lookahead)
					break;
				if (associated(a, b)) {
					associate(rows[i]->first, rows[j]->first, b.len);
					found++;
				}
			}
		}
		for (const u64 id : mining_)
			units_.erase(id);
		mining_.clear();
	}

	void associate(u64 from, u64 to, u32 len)
	{
		auto it = prefetch_index_.find(from);
		if (it == prefetch_index_.end()) {
			// The prefetch table is a FIFO too, as libCacheSim's once full.
			Row &victim = prefetch_[prow_];
			if (victim.from != kEmpty)
				prefetch_index_.erase(victim.from);
			victim = Row{from, 0, {}};
			it = prefetch_index_.emplace(from, prow_).first;
			prow_ = (prow_ + 1) % p_.prefetch_rows;
		}
		Row &row = prefetch_[it->second];
		for (u32 i = 0; i < row.n; i++)
			if (row.to[i].id == to) {
				row.to[i].len = len;
				return;
			}
		if (row.n == p_.pf_list_size) {
			std::move(row.to + 1, row.to + row.n, row.to);
			row.n--;
		}
		row.to[row.n++] = {to, len};
	}

	MithrilParams p_;
	u32 mining_size_;
	u64 now_ = 0;
	Outcome outcome_ = Outcome::kMiss;
	std::unordered_map<u64, Unit> units_; // recording and mining, bounded by both tables
	std::vector<u64> recording_;          // FIFO of units recorded
	u32 cursor_ = 0;
	std::vector<u64> mining_;
	std::vector<Row> prefetch_;
	std::unordered_map<u64, u32> prefetch_index_;
	u32 prow_ = 0;
};

} // namespace

std::unique_ptr<Prefetcher> make_mithril(const MithrilParams &params)
{
	return std::make_unique<Mithril>(params);
}

} // namespace aether::ctl
