// Loading the eBPF struct_ops programs that drive aether.ko, with libbpf: the
// programs built into aether-ctl, a program's const volatile tunables, attaching it
// with its link pinned at /sys/fs/bpf/aether/NAME (NAME being the struct_ops map's
// name) so it outlives the process, and listing and removing those pins.
//
// Nothing here prints or exits: functions return 0 or -errno, with a sentence for
// the user in *why. libbpf's own messages, the verifier's log among them, go to the
// stream a LibbpfLog names while it lives.
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <iosfwd>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <bpf/libbpf.h>

namespace aether::ctl {

// Where bpffs must be mounted, and the directory under it that holds the pins.
inline constexpr const char *kBpffs = "/sys/fs/bpf";
inline constexpr const char *kBpfPinDir = "/sys/fs/bpf/aether";

// A program built into aether-ctl: its object is a skeleton's bytes.
struct BpfBuiltin {
	const char *name;
	const char *what; // one line for the help: the struct_ops type and what it does
	const void *(*elf)(size_t *size);
};

// Every built-in program, in the order the help lists them.
std::span<const BpfBuiltin> bpf_builtins();

// The built-in program called @name, or null.
const BpfBuiltin *find_bpf_builtin(std::string_view name);

// Which of libbpf's messages a LibbpfLog passes on.
enum class LibbpfMessages { kWarnings, kAll };

// While one lives, libbpf's messages go to @to, each line indented by two spaces:
// warnings only (the verifier's log is one), or all of them. libbpf has one global
// print callback, so only one may live at a time.
class LibbpfLog {
public:
	LibbpfLog(std::ostream &to, LibbpfMessages which);
	~LibbpfLog();
	LibbpfLog(const LibbpfLog &) = delete;
	LibbpfLog &operator=(const LibbpfLog &) = delete;

private:
	libbpf_print_fn_t old_; // the print callback to restore
};

// Returns 0 if bpffs is mounted at kBpffs, or -ENOENT with what to do in *@why.
int check_bpffs(std::string *why);

// One program's object file, opened and checked but not yet in the kernel; closed
// (and, if never attached, gone) when this is destroyed.
class BpfProgram {
public:
	BpfProgram();
	~BpfProgram();
	BpfProgram(const BpfProgram &) = delete;
	BpfProgram &operator=(const BpfProgram &) = delete;

	// Opens built-in @b, or the object file at @path, and checks it has at least one
	// struct_ops map: anything else would load and do nothing. Returns 0, or -errno
	// with the reason in *@why (-ENOENT for an object without struct_ops maps).
	int open_builtin(const BpfBuiltin &b, std::string *why);
	int open_file(const std::string &path, std::string *why);

	// Sets tunables before load: each of @assignments is "NAME=VALUE", NAME a
	// variable of the program's .rodata (its const volatiles), VALUE an unsigned
	// decimal that fits it. Returns 0, or -EINVAL with the first bad assignment in
	// *@why (its words are --set's, as the user typed them); the program is then
	// not fit to load.
	int set_tunables(const std::vector<std::string> &assignments, std::string *why);

	// Loads the program into the kernel, after checking none of its struct_ops maps
	// has a pin already (-EEXIST). Returns 0, or -errno with the reason in *@why;
	// when the verifier refused it, its log went to the LibbpfLog.
	int load(std::string *why);

	// Attaches every struct_ops map of a loaded program and pins its link under
	// kBpfPinDir (created if needed). Returns 0 and the pins in *@pins, or -errno
	// with the reason in *@why, having undone every attach it made.
	int attach(std::vector<std::filesystem::path> *pins, std::string *why);

private:
	int check_struct_ops(std::string *why);

	std::string label_; // the program as the user named it, for messages
	bpf_object *obj_ = nullptr;
	std::vector<bpf_map *> ops_;
};

// Detaches the program pinned as @name under kBpfPinDir and removes the pin; on
// return the module no longer calls it. Returns 0, or -errno with the reason in
// *@why (-EINVAL: @name is not a plain name; -ENOENT: no such program).
int bpf_unload(const std::string &name, std::string *why);

// One pin under kBpfPinDir as the kernel describes it.
struct BpfPinned {
	std::string name;
	uint32_t link_id = 0;
	uint32_t map_id = 0; // 0 once the link is detached
	std::string error;   // why the pin could not be read, else empty
};

// Every pin under kBpfPinDir, sorted by name; none if the directory is missing.
std::vector<BpfPinned> bpf_pinned();

} // namespace aether::ctl
