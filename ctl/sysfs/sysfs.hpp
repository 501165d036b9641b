// Reading aether.ko's sysfs attributes.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <nlohmann/json_fwd.hpp>

namespace aether::ctl {

// Where aether.ko publishes its attributes.
inline constexpr const char *kSysfsRoot = "/sys/kernel/aether";

// One attribute read: the value with its trailing newline removed, or the errno
// that stopped the read (ENOENT when the attribute does not exist).
struct AttrRead {
	int error = 0;
	std::string value;

	bool ok() const { return error == 0; }
};

class Sysfs {
public:
	explicit Sysfs(std::filesystem::path root = kSysfsRoot) : root_(std::move(root)) {}

	const std::filesystem::path &root() const { return root_; }

	// True when the module's sysfs directory exists, i.e. aether.ko is loaded.
	bool loaded() const;

	// Reads the attribute at @name (relative to the root, e.g. "version").
	AttrRead read(const std::string &name) const;

	// What went wrong reading @name with @error, as a sentence fragment for the
	// user: "cannot read PATH: REASON", with a hint when it is a permissions problem.
	std::string read_error(const std::string &name, int error) const;

	// Writes @value to the attribute at @name in one write(2), as sysfs needs.
	// Returns 0 or the errno that refused it (EINVAL: the module rejected the value).
	int write(const std::string &name, const std::string &value) const;

private:
	std::filesystem::path root_;
};

// Parses a sysfs number as the kernel's kstrtoull() does: decimal digits only, one
// trailing newline allowed, no sign or space. False if @text is not one or overflows.
bool parse_decimal(std::string_view text, uint64_t &out);

// A log2 histogram as aether.ko prints one: per bucket, where it starts and its count.
using Histogram = std::vector<std::pair<uint64_t, uint64_t>>;

// Reads the counter at @name into @out. Returns an empty string, or what went
// wrong as a sentence fragment for the user.
std::string read_counter(const Sysfs &fs, const std::string &name, uint64_t &out);

// Reads the histogram at @name ("<from> <count>" per line) into @out. Returns an
// empty string, or what went wrong as a sentence fragment for the user.
std::string read_histogram(const Sysfs &fs, const std::string &name, Histogram &out);

// @h as --json prints every histogram: [{"from_ns": F, "count": C}, ...].
nlohmann::json histogram_json(const Histogram &h);

} // namespace aether::ctl
