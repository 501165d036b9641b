// Sizes on the command line: one spelling for every size option of aether-ctl and
// aether-ublk, "plain bytes, or a K, M, G or T suffix" (powers of 1024). The CLI11
// options that read them are in size_option.hpp, so that code which only parses or
// prints sizes does not compile CLI11.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace aether::util {

// Parses @text as a size of more than 0 bytes: a decimal number, optionally followed
// by one of K, M, G or T (either case). Returns "" and sets @bytes, or returns a
// message that quotes @text and leaves @bytes alone.
std::string parse_size(std::string_view text, std::uint64_t &bytes);

// The shortest exact spelling of @bytes that parse_size() reads back: 1G, 128M, 64K
// or plain bytes.
std::string format_size(std::uint64_t bytes);

enum class MibStyle {
	kOneDecimal,      // "1.5": tables whose header says MiB
	kWholeWithSuffix, // "1M": rounded down, for sizes set in whole MiB
};

// @bytes in MiB, spelt as @style says.
std::string format_mib(std::uint64_t bytes, MibStyle style);

} // namespace aether::util
