// The replay's adapter to the Aether core: a Predictor and one StreamState per replay.
#include "replay/core_prefetcher.hpp"

#include "aether/predictor.hpp"

namespace aether::ctl {

namespace {

// The core with one of its presets, one stream for the whole trace. Its windows are
// defined in bytes, so the preset is given the size of a unit.
class CorePrefetcher final : public Prefetcher {
public:
	CorePrefetcher(Preset preset, SimMode mode)
		: corr_(std::make_unique<CorrelationTableN<4096>>()),
		  predictor_(std::make_unique<Predictor>(
			  preset_params(preset, mode == SimMode::kBlock ? kPageBytes : kSectorBytes), *corr_)),
		  stream_(std::make_unique<StreamState>())
	{
	}

	void access(u64 addr, u32 len, std::vector<Range> &out) override
	{
		Decision d[kMaxDecisions];
		const size_t n = predictor_->access(*stream_, addr, len, d, kMaxDecisions);
		for (size_t i = 0; i < n && i < kMaxDecisions; i++)
			if (d[i].length)
				out.push_back({d[i].start, d[i].length});
	}

private:
	std::unique_ptr<CorrelationTableN<4096>> corr_;
	std::unique_ptr<Predictor> predictor_;
	std::unique_ptr<StreamState> stream_;
};

} // namespace

std::unique_ptr<Prefetcher> make_core_prefetcher(Preset preset, SimMode mode)
{
	return std::make_unique<CorePrefetcher>(preset, mode);
}

} // namespace aether::ctl
