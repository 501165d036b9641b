// libFuzzer target: the replay's trace parser (ctl/replay/trace.cpp) on any bytes,
// in each format. Invariants, each a crash when broken:
//   - it returns requests or throws TraceError, nothing else;
//   - a returned trace has requests, each with a length of 1 B..1 GiB whose end fits
//     in 64 bits, and counts its reads right;
//   - an error names the input: "NAME:LINE: ..." for a bad line, where LINE is a
//     line the input has, or "NAME: ..." for the whole trace.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "replay/trace.hpp"

using namespace aether::ctl;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (!size)
		return 0;
	const TraceFormat formats[] = {TraceFormat::kAuto, TraceFormat::kCloudPhysics, TraceFormat::kGeneric};
	const TraceFormat format = formats[data[0] % 3];
	const std::string_view text(reinterpret_cast<const char *>(data) + 1, size - 1);
	const std::string name = "fuzz.csv";
	try {
		const Trace t = parse_trace(text, name, format);
		if (t.requests.empty() || t.format == TraceFormat::kAuto)
			std::abort();
		u64 reads = 0;
		for (const Request &r : t.requests) {
			if (!r.length || r.length > (1ull << 30) || r.offset + r.length < r.offset)
				std::abort();
			reads += r.op == Op::kRead;
		}
		if (reads != t.reads)
			std::abort();
	} catch (const TraceError &e) {
		const std::string_view what = e.what();
		if (what.substr(0, name.size() + 1) != name + ":")
			std::abort();
		const std::string_view rest = what.substr(name.size() + 1);
		if (!rest.empty() && rest[0] >= '0' && rest[0] <= '9') {
			// "LINE: what": LINE must be a line of the input, counted from 1.
			const size_t colon = rest.find(':');
			if (colon == std::string_view::npos || colon > 20)
				std::abort();
			const unsigned long line = std::stoul(std::string(rest.substr(0, colon)));
			size_t lines = 1;
			for (char c : text)
				lines += c == '\n';
			if (line == 0 || line > lines)
				std::abort();
		} else if (rest.substr(0, 1) != " ") {
			std::abort();
		}
	}
	return 0;
}
