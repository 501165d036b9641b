// libFuzzer target: aether-ctl's parsers of what sysfs holds and what it is sent
// (ctl/sysfs/): parse_decimal(), which reads the module's numbers, and
// validate_knob(), which checks a value before `aether-ctl set` writes it. Each is
// checked against the rules written out again here, as the kernel applies them:
//   - parse_decimal() takes exactly decimal digits with at most one trailing
//     newline, below 2^64, and gives their value;
//   - validate_knob() accepts a number knob's value only if it is such a number in
//     [min, max] and a multiple of align, and a mode only if it names one of the
//     modes, with at most one trailing newline.
// Any disagreement, and anything ASan or UBSan sees, is a crash.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "sysfs/knobs.hpp"
#include "sysfs/sysfs.hpp"

using namespace aether::ctl;

namespace {

// The reference: digits, one optional trailing newline, no overflow.
bool reference_decimal(std::string_view s, uint64_t &out)
{
	if (!s.empty() && s.back() == '\n')
		s.remove_suffix(1);
	if (s.empty())
		return false;
	uint64_t v = 0;
	for (char c : s) {
		if (c < '0' || c > '9' || v > (UINT64_MAX - static_cast<unsigned>(c - '0')) / 10)
			return false;
		v = v * 10 + static_cast<unsigned>(c - '0');
	}
	out = v;
	return true;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const std::string_view text(reinterpret_cast<const char *>(data), size);
	uint64_t got = 0, want = 0;
	const bool ok = parse_decimal(text, got), ref = reference_decimal(text, want);
	if (ok != ref || (ok && got != want))
		std::abort();

	for (const Knob &k : knobs()) {
		const bool accepted = validate_knob(k, text).empty();
		bool valid;
		if (k.kind == KnobKind::kNumber) {
			valid = ref && want >= k.min && want <= k.max && want % k.align == 0;
		} else {
			std::string_view v = text;
			if (!v.empty() && v.back() == '\n')
				v.remove_suffix(1);
			valid = false;
			for (const char *m : kModeNames)
				valid |= v == m;
		}
		if (accepted != valid)
			std::abort();
	}
	return 0;
}
