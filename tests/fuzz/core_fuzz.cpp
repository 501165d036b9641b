// libFuzzer target: the prediction core on random access streams, under a random
// preset and random tunables, as the module configures them.
//
// Input: byte 0 picks the preset, bytes 1..4 the tunables (min, max and late window,
// target accuracy), then 10 bytes per access: a 6-byte address step (signed, so
// streams go both ways and jump), a 2-byte length and a 2-byte size of the host's
// device, whose second bit also says whether the access was late (Timing::kLate).
// Invariants, each a crash when broken:
//   - at most kMaxDecisions decisions, each with a length, an action and a
//     confidence in [0, 1], and [start, start + length) inside 64 bits;
//   - no decision longer than max_window;
//   - the same stream replayed on a fresh core gives the same decisions.
// ASan and UBSan catch the rest.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <vector>

#include "aether/predictor.hpp"

namespace {

using namespace aether;

struct Access {
	u64 addr;
	u32 len;
	Timing timing;
};

// Decodes the stream: a core's parameters and its accesses.
Params decode(const uint8_t *data, size_t size, std::vector<Access> &out)
{
	const Preset presets[] = {Preset::kHft, Preset::kGaming, Preset::kAdaptive};
	Params p = preset_params(presets[size ? data[0] % 3 : 0], size > 5 && (data[5] & 1) ? 512 : 4096);
	if (size >= 5) {
		// As the module's configure: min >= 1, max >= min, init within them.
		const u32 min_w = 1u + data[1] % 64, max_w = min_w + data[2] * 4u;
		p.min_window = min_w;
		p.max_window = max_w;
		p.init_window = min<u32>(max<u32>(p.init_window, p.min_window), p.max_window);
		if (data[3] % 101)
			p.target_accuracy = Q16::from_ratio(data[3] % 101, 100);
		p.late_window = max_w * (1u + data[4] % 16);
	}
	u64 addr = 1ull << 40;
	for (size_t i = 6; i + 10 <= size; i += 10) {
		int64_t step;
		uint64_t raw = 0;
		std::memcpy(&raw, data + i, 6);
		step = static_cast<int64_t>(raw << 16) >> 16; // sign-extend 48 bits
		if (data[i] & 1)
			step %= 4096; // mostly near: sequential, strided, backward
		addr += static_cast<u64>(step);
		u32 len = static_cast<u32>(data[i + 6]) | static_cast<u32>(data[i + 7]) << 8;
		if (data[i + 8] & 1)
			len %= 64;
		out.push_back({addr, len, data[i + 8] & 2 ? Timing::kLate : Timing::kUnknown});
	}
	return p;
}

// Runs @accesses through a fresh core; returns every decision, checking each.
std::vector<Decision> run(const Params &p, const std::vector<Access> &accesses)
{
	CorrelationTableN<256> corr;
	Predictor pred(p, corr);
	StreamState s{};
	std::vector<Decision> all;
	for (const Access &a : accesses) {
		Decision d[kMaxDecisions + 1];
		const size_t n = pred.access(s, a.addr, a.len, d, kMaxDecisions, a.timing);
		if (n > kMaxDecisions)
			std::abort();
		for (size_t i = 0; i < n; i++) {
			if (!d[i].length || d[i].action == Action::kNone)
				std::abort();
			if (d[i].confidence > kQ16One || d[i].confidence < kQ16Zero)
				std::abort();
			if (d[i].start + d[i].length < d[i].start)
				std::abort(); // wraps past the top of the address space
			if (d[i].length > pred.params().max_window)
				std::abort();
			all.push_back(d[i]);
		}
	}
	return all;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	std::vector<Access> accesses;
	const Params p = decode(data, size, accesses);
	const std::vector<Decision> a = run(p, accesses), b = run(p, accesses);
	if (a.size() != b.size())
		std::abort();
	for (size_t i = 0; i < a.size(); i++)
		if (a[i].start != b[i].start || a[i].length != b[i].length || a[i].action != b[i].action ||
		    a[i].confidence != b[i].confidence)
			std::abort();
	return 0;
}
