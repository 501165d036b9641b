// sysfs-stress: random writes to every tunable of aether.ko, each checked against
// the rules of the ABI.
//
//   sysfs-stress [--writes N] [--seed S] [DIR]
//
// DIR is /sys/kernel/aether unless given. For each tunable in uapi's
// AETHER_TUNABLES, N writes (default 10000), each one write(2) of a random payload:
// random bytes, NULs included; a number at or around a bound, an alignment or 2^32,
// with or without a sign, a leading zero, a space or a newline; or a mode's name,
// whole or mangled. After each write every tunable is read back, and:
//   - a refused write failed with EINVAL and changed no tunable;
//   - an accepted one set its tunable to exactly the value written, and no other;
//   - every number is within its range and a multiple of its alignment, the mode is
//     one of AETHER_MODES, and min_window_kb <= max_window_kb.
// Between tunables, the windows go back to 16..512 KiB, so that every bound of the
// next can be reached, and the hooks back on in adaptive mode.
//
// Prints the first violations and one line of counts per tunable; exits 0 if every
// check held, 1 if one failed, 2 on a usage or I/O error.
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <random>
#include <string>
#include <unistd.h>
#include <vector>

#include <uapi/aether_names.h>

namespace {

struct Tunable {
	const char *name;
	bool mode; // holds a mode's name, not a number
	unsigned long long min, max, align;
	int fd = -1;
};

#define STRESS_NUMBER(n, lo, hi, al) Tunable{#n, false, lo, hi, al},
#define STRESS_MODE(n) Tunable{#n, true, 0, 0, 1},
std::vector<Tunable> tunables = {AETHER_TUNABLES(STRESS_NUMBER, STRESS_MODE)};
#undef STRESS_NUMBER
#undef STRESS_MODE

#define STRESS_MODE_NAME(NAME, name, ...) #name,
const std::vector<std::string> modes = {AETHER_MODES(STRESS_MODE_NAME)};
#undef STRESS_MODE_NAME

// The value @t reads now, without its newline; exits 2 if it cannot be read.
std::string read_value(const Tunable &t)
{
	char buf[128];
	const ssize_t n = pread(t.fd, buf, sizeof(buf) - 1, 0);
	if (n < 0) {
		std::fprintf(stderr, "sysfs-stress: cannot read %s: %s\n", t.name, std::strerror(errno));
		std::exit(2);
	}
	std::string s(buf, static_cast<size_t>(n));
	while (!s.empty() && s.back() == '\n')
		s.pop_back();
	return s;
}

std::vector<std::string> read_all()
{
	std::vector<std::string> v;
	for (const Tunable &t : tunables)
		v.push_back(read_value(t));
	return v;
}

// One write(2) of @p to @t: 0, or the errno it failed with.
int write_value(const Tunable &t, const std::string &p)
{
	return pwrite(t.fd, p.data(), p.size(), 0) == static_cast<ssize_t>(p.size()) ? 0 : errno;
}

// Whether @s is a decimal number and the number, as the kernel's kstrtouint()
// takes it: an optional '+', digits, at most one trailing newline, below 2^32.
bool parse_number(const std::string &s, unsigned long long *v)
{
	size_t i = s.size() > 0 && s[0] == '+' ? 1 : 0;
	size_t end = s.size() > i && s.back() == '\n' ? s.size() - 1 : s.size();
	if (i == end)
		return false;
	unsigned long long n = 0;
	for (; i < end; i++) {
		if (s[i] < '0' || s[i] > '9')
			return false;
		n = n * 10 + static_cast<unsigned>(s[i] - '0');
		if (n > 0xffffffffULL)
			return false;
	}
	*v = n;
	return true;
}

std::string payload(const Tunable &t, std::mt19937_64 &rng)
{
	auto pick = [&rng](size_t n) { return static_cast<size_t>(rng() % n); };
	if (pick(10) < 3) {
		std::string s(1 + pick(40), '\0');
		for (char &c : s)
			c = static_cast<char>(rng());
		return s;
	}
	if (t.mode) {
		const std::string m = modes[pick(modes.size())];
		const std::string forms[] = {m, m + "\n", m + "\n\n", " " + m, m + "x", m.substr(0, m.size() - 1),
					     m + std::string(1, '\0') + "x", "OFF"};
		return forms[pick(sizeof(forms) / sizeof(forms[0]))];
	}
	const unsigned long long bases[] = {t.min, t.max, t.align, (t.min + t.max) / 2, 0xffffffffULL, 1ULL << 32, 0};
	const long long steps[] = {-static_cast<long long>(t.align) - 1, -static_cast<long long>(t.align), -1, 0, 1,
				   static_cast<long long>(t.align), static_cast<long long>(t.align) + 1};
	const unsigned long long v = bases[pick(7)] + static_cast<unsigned long long>(steps[pick(7)]);
	const char *formats[] = {"%llu", "%llu\n", "+%llu", "0%llu", " %llu", "%llu ", "-%llu", "%llu\n\n"};
	char buf[64];
	std::snprintf(buf, sizeof(buf), formats[pick(8)], v);
	std::string s = buf;
	if (pick(20) == 0)
		s += std::string(1, '\0') + "9";
	return s;
}

// What is wrong with the tunables' values @v, or "".
std::string broken(const std::vector<std::string> &v)
{
	unsigned long long lo = 0, hi = 0;
	for (size_t i = 0; i < tunables.size(); i++) {
		const Tunable &t = tunables[i];
		if (t.mode) {
			bool known = false;
			for (const std::string &m : modes)
				known |= m == v[i];
			if (!known)
				return std::string(t.name) + " reads '" + v[i] + "'";
			continue;
		}
		unsigned long long n;
		if (!parse_number(v[i], &n) || n < t.min || n > t.max || n % t.align)
			return std::string(t.name) + " reads '" + v[i] + "', out of its range";
		if (!std::strcmp(t.name, "min_window_kb"))
			lo = n;
		if (!std::strcmp(t.name, "max_window_kb"))
			hi = n;
	}
	return lo > hi ? "min_window_kb > max_window_kb" : "";
}

std::string shown(const std::string &p)
{
	std::string s;
	for (unsigned char c : p) {
		char b[8];
		std::snprintf(b, sizeof(b), c >= 32 && c < 127 ? "%c" : "\\x%02x", c);
		s += b;
	}
	return s;
}

} // namespace

int main(int argc, char **argv)
{
	std::string dir = "/sys/kernel/aether";
	unsigned long writes = 10000, seed = 1;
	for (int i = 1; i < argc; i++) {
		const std::string a = argv[i];
		if ((a == "--writes" || a == "--seed") && i + 1 < argc)
			(a == "--writes" ? writes : seed) = std::strtoul(argv[++i], nullptr, 10);
		else if (a[0] != '-')
			dir = a;
		else {
			std::fprintf(stderr, "usage: sysfs-stress [--writes N] [--seed S] [DIR]\n");
			return 2;
		}
	}
	for (Tunable &t : tunables) {
		t.fd = open((dir + "/" + t.name).c_str(), O_RDWR);
		if (t.fd < 0) {
			std::fprintf(stderr, "sysfs-stress: cannot open %s/%s: %s\n", dir.c_str(), t.name,
				     std::strerror(errno));
			return 2;
		}
	}
	std::mt19937_64 rng(seed);
	unsigned long violations = 0;
	for (size_t k = 0; k < tunables.size(); k++) {
		const Tunable &t = tunables[k];
		unsigned long accepted = 0, refused = 0;
		for (unsigned long w = 0; w < writes; w++) {
			const std::vector<std::string> before = read_all();
			const std::string p = payload(t, rng);
			const int err = write_value(t, p);
			const std::vector<std::string> after = read_all();
			std::string why = broken(after);
			if (err == 0) {
				accepted++;
				std::string want = p;
				unsigned long long n;
				if (!t.mode && parse_number(p, &n))
					want = std::to_string(n);
				while (!want.empty() && want.back() == '\n')
					want.pop_back();
				for (size_t i = 0; i < tunables.size() && why.empty(); i++)
					if (i == k ? after[i] != want : after[i] != before[i])
						why = "took '" + shown(p) + "' but then " + tunables[i].name + " reads '" +
						      after[i] + "'";
			} else {
				refused++;
				if (err != EINVAL && why.empty())
					why = "'" + shown(p) + "' failed with " + std::strerror(err) + ", not EINVAL";
				else if (after != before && why.empty())
					why = "'" + shown(p) + "' was refused but changed a tunable";
			}
			if (!why.empty() && ++violations <= 10)
				std::printf("%s: %s\n", t.name, why.c_str());
		}
		std::printf("%s: %lu accepted, %lu refused\n", t.name, accepted, refused);
		for (const Tunable &r : tunables) {
			const char *v = !std::strcmp(r.name, "min_window_kb")   ? "16"
					: !std::strcmp(r.name, "max_window_kb") ? "512"
					: !std::strcmp(r.name, "enabled")       ? "1"
					: !std::strcmp(r.name, "mode")          ? "adaptive"
									: nullptr;
			if (v)
				write_value(r, v);
		}
	}
	std::printf("violations: %lu\n", violations);
	return violations ? 1 : 0;
}
