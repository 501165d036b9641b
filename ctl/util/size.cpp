// Sizes on the command line: one spelling for every size option of aether-ctl and
// aether-ublk.
#include "size.hpp"

#include <charconv>
#include <iomanip>
#include <sstream>

namespace aether::util {

std::string parse_size(std::string_view text, std::uint64_t &bytes)
{
	const std::string quoted = "\"" + std::string(text) + "\"";
	const std::string not_a_size =
		quoted + " is not a size (a number of bytes, optionally with K, M, G or T)";
	const char *begin = text.data(), *end = begin + text.size();
	std::uint64_t v = 0;
	const auto [ptr, ec] = std::from_chars(begin, end, v);
	if (ec == std::errc::result_out_of_range)
		return "size " + quoted + " is too large";
	if (ec != std::errc() || ptr == begin)
		return not_a_size;
	unsigned shift = 0;
	if (ptr != end) {
		switch (*ptr) {
		case 'K': case 'k':
			shift = 10;
			break;
		case 'M': case 'm':
			shift = 20;
			break;
		case 'G': case 'g':
			shift = 30;
			break;
		case 'T': case 't':
			shift = 40;
			break;
		default:
			return not_a_size;
		}
		if (ptr + 1 != end)
			return not_a_size;
	}
	if (v == 0)
		return "size " + quoted + " must be more than 0";
	if (v > (~std::uint64_t{0} >> shift))
		return "size " + quoted + " is too large";
	bytes = v << shift;
	return "";
}

std::string format_size(std::uint64_t bytes)
{
	static const struct {
		unsigned shift;
		char suffix;
	} units[] = {{40, 'T'}, {30, 'G'}, {20, 'M'}, {10, 'K'}};
	for (const auto &u : units)
		if (bytes >= (std::uint64_t{1} << u.shift) && bytes % (std::uint64_t{1} << u.shift) == 0)
			return std::to_string(bytes >> u.shift) + u.suffix;
	return std::to_string(bytes);
}

std::string format_mib(std::uint64_t bytes, MibStyle style)
{
	std::ostringstream s;
	if (style == MibStyle::kOneDecimal)
		s << std::fixed << std::setprecision(1) << static_cast<double>(bytes) / (1 << 20);
	else
		s << bytes / (1 << 20) << "M";
	return s.str();
}

} // namespace aether::util
