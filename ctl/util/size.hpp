// Sizes on the command line: one spelling for every size option of aether-ctl and
// aether-ublk, "plain bytes, or a K, M, G or T suffix" (powers of 1024).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include <CLI/CLI.hpp>

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

// A CLI11 check for options that take a size; pair it with ->type_name("SIZE").
// It only validates: convert with parse_size() (or use size_option()).
CLI::Validator size_validator();

// Adds option @name, a size stored as bytes in @bytes, with @help. The option reads
// every spelling parse_size() does and refuses the rest with its message.
CLI::Option *size_option(CLI::App &app, const std::string &name, std::uint64_t &bytes,
			 const std::string &help);

} // namespace aether::util
