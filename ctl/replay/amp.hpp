// AMP (Gill and Bathen, "AMP: Adaptive Multi-stream Prefetching in a Shared Cache",
// FAST '07) as a replay baseline: sequential streams, each with its own prefetch degree
// and trigger distance, adapted online from whether its prefetches are used or wasted.
#pragma once

#include <memory>

#include "replay/prefetcher.hpp"

namespace aether::ctl {

// A fresh AMP for accesses in @mode's units.
std::unique_ptr<Prefetcher> make_amp(SimMode mode);

} // namespace aether::ctl
