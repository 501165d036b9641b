// CLI11 options that take a size, in the spelling of size.hpp.
#pragma once

#include <cstdint>
#include <string>

#include <CLI/CLI.hpp>

#include "size.hpp"

namespace aether::util {

// A CLI11 check for options that take a size; pair it with ->type_name("SIZE").
// It only validates: convert with parse_size() (or use size_option()).
CLI::Validator size_validator();

// Adds option @name, a size stored as bytes in @bytes, with @help. The option reads
// every spelling parse_size() does and refuses the rest with its message.
CLI::Option *size_option(CLI::App &app, const std::string &name, std::uint64_t &bytes,
			 const std::string &help);

} // namespace aether::util
