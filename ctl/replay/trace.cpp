// Replay trace parsing: strict line parsers that report FILE:LINE and never crash.
#include "trace.hpp"

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cstdio>
#include <cstring>
#include <limits>
#include <memory>
#include <optional>

namespace aether::ctl {

namespace {

constexpr u64 kU64Max = std::numeric_limits<u64>::max();
// Real requests are at most a few MiB; a larger one is a broken trace, and would make
// the simulators walk billions of pages.
constexpr u64 kMaxRequestBytes = u64{1} << 30;

constexpr std::string_view kCloudPhysicsHeader[] = {"version", "time", "op", "size", "lbn"};
constexpr std::string_view kGenericHeader[] = {"offset_bytes", "length_bytes", "op"};

std::string_view trim(std::string_view s)
{
	while (!s.empty() && (s.front() == ' ' || s.front() == '\t'))
		s.remove_prefix(1);
	while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r'))
		s.remove_suffix(1);
	return s;
}

// At most kMaxFields, so a line of a million commas costs nothing; a line with more
// fields than that is reported with the count capped, which is still wrong for every
// format.
constexpr size_t kMaxFields = 8;

struct Fields {
	std::string_view f[kMaxFields];
	size_t count = 0; // may exceed kMaxFields: only the first kMaxFields are kept
};

Fields split(std::string_view line)
{
	Fields out;
	for (;;) {
		const size_t comma = line.find(',');
		const std::string_view field = trim(line.substr(0, comma));
		if (out.count < kMaxFields)
			out.f[out.count] = field;
		out.count++;
		if (comma == std::string_view::npos)
			return out;
		line.remove_prefix(comma + 1);
	}
}

template <size_t N>
bool is_header(const Fields &fields, const std::string_view (&names)[N])
{
	if (fields.count != N)
		return false;
	for (size_t i = 0; i < N; i++) {
		const std::string_view f = fields.f[i];
		if (f.size() != names[i].size())
			return false;
		for (size_t c = 0; c < f.size(); c++) {
			const char ch = f[c] >= 'A' && f[c] <= 'Z' ? static_cast<char>(f[c] - 'A' + 'a') : f[c];
			if (ch != names[i][c]) // headers are matched ignoring ASCII case
				return false;
		}
	}
	return true;
}

// A field as it can be shown in an error message: quoted, short, printable.
std::string show(std::string_view field)
{
	constexpr size_t kMax = 32;
	std::string s = "\"";
	for (size_t i = 0; i < field.size() && i < kMax; i++) {
		const unsigned char c = static_cast<unsigned char>(field[i]);
		s += (c >= 0x20 && c < 0x7f) ? static_cast<char>(c) : '?';
	}
	if (field.size() > kMax)
		s += "...";
	return s + "\"";
}

// Everything the line parsers need to report an error on the current line.
class LineParser {
public:
	LineParser(const std::string &name, size_t line) : name_(name), line_(line) {}

	[[noreturn]] void fail(const std::string &what) const
	{
		throw TraceError(name_ + ":" + std::to_string(line_) + ": " + what);
	}

	u64 number(std::string_view field, const char *what, int base = 10) const
	{
		if (field.empty())
			fail(std::string(what) + " is empty");
		if (field.front() == '-')
			fail(std::string(what) + " is negative: " + show(field));
		u64 v = 0;
		const char *end = field.data() + field.size();
		const auto [ptr, ec] = std::from_chars(field.data(), end, v, base);
		if (ec == std::errc::result_out_of_range)
			fail(std::string(what) + " is out of range (more than 2^64 - 1): " + show(field));
		if (ec != std::errc() || ptr != end)
			fail(std::string(what) + " is not a" + (base == 16 ? " hex" : "") +
			     " number: " + show(field));
		return v;
	}

	Request cloudphysics(const Fields &f) const
	{
		if (f.count != 5)
			fail("expected 5 fields (version,time,op,size,lbn), got " + count(f));
		number(f.f[0], "version");
		number(f.f[1], "time");
		const Op op = scsi_op(f.f[2]);
		const u64 size = number(f.f[3], "size");
		const u64 lbn = number(f.f[4], "lbn");
		if (size == 0)
			fail("size is 0: a request must cover at least one byte");
		if (lbn > kU64Max / kSectorBytes)
			fail("lbn " + std::to_string(lbn) + " is out of range (its byte offset overflows 64 bits)");
		return checked(lbn * kSectorBytes, size, op);
	}

	Request generic(const Fields &f) const
	{
		if (f.count != 3)
			fail("expected 3 fields (offset_bytes,length_bytes,op), got " + count(f));
		const u64 offset = number(f.f[0], "offset_bytes");
		const u64 length = number(f.f[1], "length_bytes");
		const std::string_view o = f.f[2];
		if (length == 0)
			fail("length_bytes is 0: a request must cover at least one byte");
		if (o == "R" || o == "r")
			return checked(offset, length, Op::kRead);
		if (o == "W" || o == "w")
			return checked(offset, length, Op::kWrite);
		fail("unknown op " + show(o) + ": expected R or W");
	}

private:
	static std::string count(const Fields &f)
	{
		return f.count > kMaxFields ? "more than " + std::to_string(kMaxFields)
					    : std::to_string(f.count);
	}

	// SCSI READ/WRITE opcodes of every CDB size (6, 10, 12, 16 bytes).
	Op scsi_op(std::string_view field) const
	{
		const u64 code = number(field, "op", 16);
		switch (code) {
		case 0x08: case 0x28: case 0xa8: case 0x88:
			return Op::kRead;
		case 0x0a: case 0x2a: case 0xaa: case 0x8a:
			return Op::kWrite;
		}
		fail("unknown op " + show(field) +
		     ": expected a SCSI read (08, 28, a8, 88) or write (0a, 2a, aa, 8a) opcode in hex");
	}

	Request checked(u64 offset, u64 length, Op op) const
	{
		if (length > kMaxRequestBytes)
			fail("length " + std::to_string(length) +
			     " is too large: one request may cover at most 1 GiB");
		if (length > kU64Max - offset)
			fail("request ends past 2^64 bytes (offset " + std::to_string(offset) +
			     " + length " + std::to_string(length) + ")");
		return Request{offset, length, op};
	}

	const std::string &name_;
	size_t line_;
};

} // namespace

const char *format_name(TraceFormat format)
{
	switch (format) {
	case TraceFormat::kAuto:
		return "auto";
	case TraceFormat::kCloudPhysics:
		return "cloudphysics";
	case TraceFormat::kGeneric:
		return "generic";
	}
	return "?";
}

std::optional<TraceFormat> parse_format(std::string_view name)
{
	for (TraceFormat format : {TraceFormat::kAuto, TraceFormat::kCloudPhysics, TraceFormat::kGeneric})
		if (name == format_name(format))
			return format;
	return std::nullopt;
}

Trace parse_trace(std::string_view text, const std::string &name, TraceFormat format)
{
	Trace trace;
	trace.requests.reserve(static_cast<size_t>(std::count(text.begin(), text.end(), '\n')) + 1);
	bool first = true; // no line with content seen yet: it may be a header
	size_t line_no = 0;
	while (!text.empty()) {
		const size_t nl = text.find('\n');
		const std::string_view line = trim(text.substr(0, nl));
		text.remove_prefix(nl == std::string_view::npos ? text.size() : nl + 1);
		line_no++;
		if (line.empty() || line.front() == '#')
			continue;

		const LineParser p(name, line_no);
		const Fields fields = split(line);
		if (first) {
			first = false;
			std::optional<TraceFormat> header;
			if (is_header(fields, kCloudPhysicsHeader))
				header = TraceFormat::kCloudPhysics;
			else if (is_header(fields, kGenericHeader))
				header = TraceFormat::kGeneric;
			if (format == TraceFormat::kAuto) {
				if (header)
					format = *header;
				else if (fields.count == 5)
					format = TraceFormat::kCloudPhysics;
				else if (fields.count == 3)
					format = TraceFormat::kGeneric;
				else
					p.fail("cannot tell the trace format: expected 5 fields (cloudphysics: "
					       "version,time,op,size,lbn) or 3 (generic: offset_bytes,length_bytes,op); "
					       "use --format");
			} else if (header && *header != format) {
				p.fail(std::string("this is a ") + format_name(*header) +
				       " header, but the format is " + format_name(format));
			}
			if (header)
				continue;
		}

		const Request r = format == TraceFormat::kCloudPhysics ? p.cloudphysics(fields)
								     : p.generic(fields);
		trace.requests.push_back(r);
		trace.reads += r.op == Op::kRead;
	}
	if (trace.requests.empty())
		throw TraceError(name + ": no requests (the trace is empty, or only a header and comments)");
	trace.format = format;
	return trace;
}

Trace read_trace(const std::string &path, TraceFormat format)
{
	struct Closer {
		void operator()(std::FILE *f) const { std::fclose(f); }
	};
	const std::unique_ptr<std::FILE, Closer> f(std::fopen(path.c_str(), "rb"));
	if (!f)
		throw TraceError(path + ": cannot open: " + std::strerror(errno));
	std::string text;
	char buf[1 << 16];
	size_t n;
	while ((n = std::fread(buf, 1, sizeof(buf), f.get())) > 0)
		text.append(buf, n);
	if (std::ferror(f.get()))
		throw TraceError(path + ": cannot read: " + std::strerror(errno));
	return parse_trace(text, path, format);
}

} // namespace aether::ctl
