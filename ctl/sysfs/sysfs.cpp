// Reading aether.ko's sysfs attributes.
#include "sysfs.hpp"

#include <cerrno>
#include <charconv>
#include <cstring>
#include <fcntl.h>
#include <sstream>
#include <string>
#include <system_error>
#include <unistd.h>

#include <nlohmann/json.hpp>

namespace aether::ctl {

bool Sysfs::loaded() const
{
	std::error_code ec;
	return std::filesystem::is_directory(root_, ec);
}

AttrRead Sysfs::read(const std::string &name) const
{
	AttrRead r;
	// open/read rather than iostreams: the errno is what the user needs to see.
	int fd = ::open((root_ / name).c_str(), O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		r.error = errno;
		return r;
	}
	char buf[4096];
	for (;;) {
		ssize_t n = ::read(fd, buf, sizeof(buf));
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			r.error = errno;
			break;
		}
		if (n == 0)
			break;
		r.value.append(buf, static_cast<size_t>(n));
	}
	::close(fd);
	while (!r.value.empty() && r.value.back() == '\n')
		r.value.pop_back();
	return r;
}

std::string Sysfs::read_error(const std::string &name, int error) const
{
	return "cannot read " + (root_ / name).string() + ": " + std::strerror(error) +
	       (error == EACCES ? " (aether.ko's attributes are root's: run as root)" : "");
}

bool parse_decimal(std::string_view text, uint64_t &out)
{
	if (!text.empty() && text.back() == '\n')
		text.remove_suffix(1);
	const char *end = text.data() + text.size();
	// from_chars takes no sign or space for an unsigned type, so only digits pass.
	const auto [ptr, ec] = std::from_chars(text.data(), end, out);
	return !text.empty() && ec == std::errc() && ptr == end;
}

int Sysfs::write(const std::string &name, const std::string &value) const
{
	// O_TRUNC as a shell redirection does: sysfs ignores it, a plain file needs it.
	int fd = ::open((root_ / name).c_str(), O_WRONLY | O_TRUNC | O_CLOEXEC);
	if (fd < 0)
		return errno;
	int error = 0;
	for (;;) {
		ssize_t n = ::write(fd, value.data(), value.size());
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			error = errno;
		else if (static_cast<size_t>(n) != value.size())
			error = EIO; // sysfs takes a value whole or not at all
		break;
	}
	if (::close(fd) < 0 && !error)
		error = errno;
	return error;
}

std::string read_counter(const Sysfs &fs, const std::string &name, uint64_t &out)
{
	AttrRead r = fs.read(name);
	if (!r.ok())
		return fs.read_error(name, r.error);
	if (!parse_decimal(r.value, out))
		return (fs.root() / name).string() + " is not a counter: '" + r.value + "'";
	return {};
}

std::string read_histogram(const Sysfs &fs, const std::string &name, Histogram &out)
{
	AttrRead r = fs.read(name);
	if (!r.ok())
		return fs.read_error(name, r.error);
	std::istringstream in(r.value);
	for (std::string line; std::getline(in, line);) {
		std::istringstream fields(line);
		std::string from, count, extra;
		uint64_t f = 0, c = 0;
		if (!(fields >> from >> count) || (fields >> extra) || !parse_decimal(from, f) ||
		    !parse_decimal(count, c))
			return (fs.root() / name).string() + " has a malformed line: '" + line + "'";
		out.emplace_back(f, c);
	}
	return {};
}

nlohmann::json histogram_json(const Histogram &h)
{
	nlohmann::json j = nlohmann::json::array();
	for (const auto &b : h)
		j.push_back({{"from_ns", b.first}, {"count", b.second}});
	return j;
}

} // namespace aether::ctl
