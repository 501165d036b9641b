// The replay's adapter to the Aether core: the core under one preset, seen as a
// Prefetcher, with one stream for the whole trace.
#pragma once

#include <memory>

#include "aether/decision.hpp"
#include "replay/prefetcher.hpp"

namespace aether::ctl {

// A fresh core (empty correlation table and stream) with @preset, for accesses in
// @mode's units: the preset's windows, defined in bytes, are converted to pages in
// block mode and to sectors in object mode.
std::unique_ptr<Prefetcher> make_core_prefetcher(Preset preset, SimMode mode);

} // namespace aether::ctl
