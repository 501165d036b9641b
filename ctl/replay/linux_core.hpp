// The replay's `linux+PRESET`: Linux's ondemand readahead with aether.ko loaded under
// a core preset, which is what a user of the module gets. linux_core.cpp says which of
// the module's behaviours are modelled and which are not.
#pragma once

#include <memory>

#include "aether/decision.hpp"
#include "replay/prefetcher.hpp"

namespace aether::ctl {

// A fresh pairing of the `linux` model (linux_readahead.hpp) and a core with @preset,
// both with empty history, joined as kmod/hook.c joins the kernel's readahead and the
// core, for accesses in @mode's units. The core is configured as the module configures
// it by default: the preset, with the sysfs defaults' windows (16 KiB to 512 KiB,
// converted to @mode's units) and the preset's own target accuracy.
std::unique_ptr<Prefetcher> make_linux_core_prefetcher(Preset preset, SimMode mode);

} // namespace aether::ctl
