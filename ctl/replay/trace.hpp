// Replay trace parsing: reads a block I/O trace (CloudPhysics vSCSI or generic CSV)
// into requests in bytes, for the simulators of `aether-ctl replay`.
#pragma once

#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace aether::ctl {

using u64 = std::uint64_t;

// A 512-byte sector: the unit of CloudPhysics LBNs, and of object-mode simulation.
inline constexpr u64 kSectorBytes = 512;

enum class Op : std::uint8_t { kRead, kWrite };

// One request, always in bytes whatever the trace's own units, so the simulators need
// not know where it came from. The reader checks that offset + length does not
// overflow and that length is at most 1 GiB.
struct Request {
	u64 offset;
	u64 length; // never 0
	Op op;
};

enum class TraceFormat {
	kAuto,         // decided from the first line that is not blank or a comment
	kCloudPhysics, // version,time,op,size,lbn (op a SCSI opcode in hex, lbn in sectors)
	kGeneric,      // offset_bytes,length_bytes,op (op R or W)
};

// The name --format takes for @format ("auto" for kAuto).
const char *format_name(TraceFormat format);

// The format called @name by format_name(), or nothing for a name it never returns.
std::optional<TraceFormat> parse_format(std::string_view name);

struct Trace {
	std::vector<Request> requests;
	u64 reads = 0;
	TraceFormat format = TraceFormat::kAuto; // the one actually used, never kAuto
};

// Anything wrong with a trace. what() is the whole message, ready for stderr: either
// "FILE:LINE: what is wrong" for a bad line, or "FILE: what is wrong".
class TraceError : public std::runtime_error {
public:
	using std::runtime_error::runtime_error;
};

// Parses a whole trace held in memory; @name is what error messages call it.
// Throws TraceError on the first malformed line, or when there are no requests.
Trace parse_trace(std::string_view text, const std::string &name, TraceFormat format);

// Reads and parses the file at @path. Throws TraceError, also when it cannot be read.
Trace read_trace(const std::string &path, TraceFormat format);

} // namespace aether::ctl
