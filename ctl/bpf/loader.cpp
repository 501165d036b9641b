// Loading the eBPF struct_ops programs that drive aether.ko (see loader.hpp).
#include "loader.hpp"

#include <algorithm>
#include <cerrno>
#include <cstdarg>
#include <cstdio>
#include <cstring>
#include <ostream>

#include <fcntl.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/btf.h>
#include <linux/magic.h>

#include "policy_next.skel.h"
#include "policy_stride.skel.h"
#include "sysfs.hpp"
#include "xrp_btree.skel.h"

namespace aether::ctl {
namespace {

namespace fs = std::filesystem;

const BpfBuiltin kBuiltins[] = {
	{"xrp_btree", "aether_xrp_ops: one B+tree search step per block (aether-ctl xrp get)",
	 xrp_btree__elf_bytes},
	{"policy_next", "aether_policy_ops: prefetch the next `pages` pages (default 8) after every access",
	 policy_next__elf_bytes},
	{"policy_stride", "aether_policy_ops: a stride per stream learnt in a BPF map; prefetch `depth` "
			  "strides (default 2) ahead",
	 policy_stride__elf_bytes},
};

// libbpf's own errors (LIBBPF_ERRNO__*, from 4000) have no strerror() text.
std::string errstr(int e)
{
	char buf[128];
	if (libbpf_strerror(e, buf, sizeof(buf)) == 0)
		return buf;
	return std::strerror(e < 0 ? -e : e);
}

// Where the live LibbpfLog sends libbpf's messages.
std::ostream *g_libbpf_to = nullptr;
LibbpfMessages g_libbpf_which = LibbpfMessages::kWarnings;

int libbpf_print(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	if (!g_libbpf_to || (level != LIBBPF_WARN && g_libbpf_which != LibbpfMessages::kAll))
		return 0;
	// The verifier's log comes as one message of any length: print all of it.
	va_list copy;
	va_copy(copy, ap);
	const int n = std::vsnprintf(nullptr, 0, fmt, copy);
	va_end(copy);
	if (n <= 0)
		return n;
	std::string buf(static_cast<size_t>(n) + 1, '\0');
	std::vsnprintf(buf.data(), buf.size(), fmt, ap);
	buf.resize(static_cast<size_t>(n));
	*g_libbpf_to << "  " << buf;
	return n;
}

// A program's tunables: the variables of its .rodata section, which the loader
// may change between open and load and the kernel then treats as constants.
struct Tunable {
	std::string name;
	uint32_t offset = 0;
	uint32_t size = 0;
};

std::vector<Tunable> tunables(bpf_object *obj)
{
	std::vector<Tunable> v;
	const btf *b = bpf_object__btf(obj);
	const int id = b ? btf__find_by_name_kind(b, ".rodata", BTF_KIND_DATASEC) : -1;
	if (id < 0)
		return v;
	const btf_type *sec = btf__type_by_id(b, id);
	const btf_var_secinfo *vs = btf_var_secinfos(sec);
	for (unsigned i = 0; i < btf_vlen(sec); i++, vs++) {
		const btf_type *var = btf__type_by_id(b, vs->type);
		if (var && btf_is_var(var))
			v.push_back({btf__name_by_offset(b, var->name_off), vs->offset, vs->size});
	}
	return v;
}

bpf_map *rodata_map(bpf_object *obj)
{
	bpf_map *m;
	bpf_object__for_each_map(m, obj)
	{
		const std::string n = bpf_map__name(m);
		if (bpf_map__is_internal(m) && n.ends_with(".rodata"))
			return m;
	}
	return nullptr;
}

// Applies "NAME=VALUE" @kv to @rodata, the initial value of the .rodata holding
// @all. Returns "" or what is wrong, in --set's words.
std::string assign(const std::vector<Tunable> &all, std::span<uint8_t> rodata, const std::string &kv)
{
	const size_t eq = kv.find('=');
	const std::string name = kv.substr(0, eq);
	const auto t = std::find_if(all.begin(), all.end(), [&](const Tunable &x) { return x.name == name; });
	if (eq == std::string::npos)
		return "--set takes NAME=VALUE, not '" + kv + "'";
	if (t == all.end() || rodata.empty()) {
		std::string names;
		for (const Tunable &x : all)
			names += " " + x.name;
		return "the program has no tunable '" + name + "'; it has:" + (names.empty() ? " (none)" : names);
	}
	uint64_t value = 0;
	if (!parse_decimal(kv.substr(eq + 1), value))
		return "--set " + name + ": '" + kv.substr(eq + 1) + "' is not an unsigned decimal number";
	if (t->size > 8 || t->offset + t->size > rodata.size() || (t->size < 8 && value >> (8 * t->size)))
		return "--set " + name + ": " + std::to_string(value) + " does not fit its " + std::to_string(t->size) +
		       " bytes";
	std::memcpy(rodata.data() + t->offset, &value, t->size); // little-endian, as every host Aether runs on
	return "";
}

// Where unpin() stopped.
enum class UnpinStep { kOpen, kDetach, kUnlink };

// Detaches the struct_ops link pinned at @pin, then removes the pin. Detaching
// comes first: the link's last reference may be dropped later than the unlink,
// and the caller expects the program gone on return. Returns 0, or -errno with
// the step that failed in *@step.
int unpin(const fs::path &pin, UnpinStep *step)
{
	const int fd = bpf_obj_get(pin.c_str());
	if (fd < 0) {
		*step = UnpinStep::kOpen;
		return -errno;
	}
	const int err = bpf_link_detach(fd);
	const int derr = errno;
	::close(fd);
	if (err && derr != ENOLINK) {
		*step = UnpinStep::kDetach;
		return -derr;
	}
	if (::unlink(pin.c_str()) != 0) {
		*step = UnpinStep::kUnlink;
		return -errno;
	}
	return 0;
}

} // namespace

std::span<const BpfBuiltin> bpf_builtins()
{
	return kBuiltins;
}

const BpfBuiltin *find_bpf_builtin(std::string_view name)
{
	const auto it = std::ranges::find_if(kBuiltins, [name](const BpfBuiltin &b) { return name == b.name; });
	return it == std::ranges::end(kBuiltins) ? nullptr : it;
}

LibbpfLog::LibbpfLog(std::ostream &to, LibbpfMessages which)
{
	g_libbpf_to = &to;
	g_libbpf_which = which;
	old_ = libbpf_set_print(libbpf_print);
}

LibbpfLog::~LibbpfLog()
{
	libbpf_set_print(old_);
	g_libbpf_to = nullptr;
}

int check_bpffs(std::string *why)
{
	struct statfs st {};
	if (::statfs(kBpffs, &st) == 0 && st.f_type == BPF_FS_MAGIC)
		return 0;
	*why = std::string("no BPF filesystem is mounted at ") + kBpffs +
	       ", where loaded programs are pinned; mount one with 'mount -t bpf bpf " + kBpffs + "'";
	return -ENOENT;
}

BpfProgram::BpfProgram() = default;

BpfProgram::~BpfProgram()
{
	bpf_object__close(obj_);
}

int BpfProgram::open_builtin(const BpfBuiltin &b, std::string *why)
{
	label_ = b.name;
	size_t size = 0;
	const void *elf = b.elf(&size);
	LIBBPF_OPTS(bpf_object_open_opts, opts, .object_name = b.name);
	obj_ = bpf_object__open_mem(elf, size, &opts);
	return check_struct_ops(why);
}

int BpfProgram::open_file(const std::string &path, std::string *why)
{
	label_ = path;
	if (::access(path.c_str(), R_OK) != 0) {
		const int e = errno;
		*why = "cannot read " + path + ": " + errstr(e);
		return -e;
	}
	obj_ = bpf_object__open_file(path.c_str(), nullptr);
	return check_struct_ops(why);
}

int BpfProgram::check_struct_ops(std::string *why)
{
	if (!obj_) {
		const int e = errno;
		*why = "cannot open " + label_ + " as a BPF object: " + errstr(e);
		return -e;
	}
	bpf_map *m;
	bpf_object__for_each_map(m, obj_)
	{
		if (bpf_map__type(m) == BPF_MAP_TYPE_STRUCT_OPS)
			ops_.push_back(m);
	}
	if (ops_.empty()) {
		*why = label_ + " has no struct_ops map (a struct aether_xrp_ops or aether_policy_ops in "
				"SEC(\".struct_ops.link\"))";
		return -ENOENT;
	}
	return 0;
}

int BpfProgram::set_tunables(const std::vector<std::string> &assignments, std::string *why)
{
	if (assignments.empty())
		return 0;
	const std::vector<Tunable> all = tunables(obj_);
	bpf_map *m = rodata_map(obj_);
	size_t size = 0;
	auto *data = m ? static_cast<uint8_t *>(bpf_map__initial_value(m, &size)) : nullptr;
	for (const std::string &kv : assignments) {
		if (std::string bad = assign(all, {data, data ? size : 0}, kv); !bad.empty()) {
			*why = bad;
			return -EINVAL;
		}
	}
	return 0;
}

int BpfProgram::load(std::string *why)
{
	for (bpf_map *map : ops_) {
		const fs::path pin = fs::path(kBpfPinDir) / bpf_map__name(map);
		std::error_code ec;
		const bool pinned = fs::exists(pin, ec);
		if (ec) {
			*why = "cannot look for " + pin.string() + ": " + errstr(ec.value());
			return -ec.value();
		}
		if (pinned) {
			*why = std::string("a program named '") + bpf_map__name(map) +
			       "' is already loaded; 'aether-ctl bpf unload " + bpf_map__name(map) + "' first";
			return -EEXIST;
		}
	}
	if (const int err = bpf_object__load(obj_); err) {
		*why = "the kernel refused " + label_ + ": " + errstr(err) +
		       (-err == EACCES || -err == EINVAL ? " (the verifier's log is above)" : "");
		return err;
	}
	return 0;
}

int BpfProgram::attach(std::vector<fs::path> *pins, std::string *why)
{
	if (::mkdir(kBpfPinDir, 0700) != 0 && errno != EEXIST) {
		const int e = errno;
		*why = std::string("cannot create ") + kBpfPinDir + ": " + errstr(e);
		return -e;
	}
	pins->clear();
	for (bpf_map *map : ops_) {
		const fs::path pin = fs::path(kBpfPinDir) / bpf_map__name(map);
		bpf_link *link = bpf_map__attach_struct_ops(map);
		const int err = link ? bpf_link__pin(link, pin.c_str()) : -errno;
		if (link)
			bpf_link__destroy(link); // the pin, if made, keeps it attached
		if (err) {
			// Undo what this call attached, so a failed attach leaves nothing.
			for (const fs::path &p : *pins) {
				UnpinStep step;
				unpin(p, &step);
			}
			pins->clear();
			*why = std::string("cannot attach '") + bpf_map__name(map) + "': " + errstr(err);
			if (-err == EBUSY)
				*why += ": another program of this struct_ops type is attached (see 'aether-ctl bpf list')";
			return err;
		}
		pins->push_back(pin);
	}
	return 0;
}

int bpf_unload(const std::string &name, std::string *why)
{
	if (name.empty() || name.find('/') != std::string::npos || name == "." || name == "..") {
		*why = "'" + name + "' is not a program name (see 'aether-ctl bpf list')";
		return -EINVAL;
	}
	const fs::path pin = fs::path(kBpfPinDir) / name;
	UnpinStep step;
	const int e = unpin(pin, &step);
	if (e == -ENOENT && step == UnpinStep::kOpen)
		*why = "no program '" + name + "' is loaded (see 'aether-ctl bpf list')";
	else if (e && step == UnpinStep::kOpen)
		*why = "cannot open " + pin.string() + ": " + errstr(e);
	else if (e && step == UnpinStep::kDetach)
		*why = "cannot detach '" + name + "': " + errstr(e);
	else if (e)
		*why = "detached '" + name + "' but cannot remove " + pin.string() + ": " + errstr(e);
	return e;
}

std::vector<BpfPinned> bpf_pinned()
{
	std::vector<BpfPinned> v;
	std::error_code ec;
	for (const auto &e : fs::directory_iterator(kBpfPinDir, ec)) {
		BpfPinned p;
		p.name = e.path().filename().string();
		const int fd = bpf_obj_get(e.path().c_str());
		if (fd < 0) {
			p.error = errstr(errno);
		} else {
			bpf_link_info info{};
			uint32_t len = sizeof(info);
			if (bpf_link_get_info_by_fd(fd, &info, &len) == 0) {
				p.link_id = info.id;
				p.map_id = info.struct_ops.map_id;
			} else {
				p.error = "not a BPF link: " + errstr(errno);
			}
			::close(fd);
		}
		v.push_back(p);
	}
	std::sort(v.begin(), v.end(), [](const BpfPinned &a, const BpfPinned &b) { return a.name < b.name; });
	return v;
}

} // namespace aether::ctl
