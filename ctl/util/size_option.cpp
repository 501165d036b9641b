// CLI11 options that take a size.
#include "size_option.hpp"

namespace aether::util {

CLI::Validator size_validator()
{
	return CLI::Validator(
		[](std::string &s) {
			std::uint64_t bytes;
			return parse_size(s, bytes);
		},
		"");
}

CLI::Option *size_option(CLI::App &app, const std::string &name, std::uint64_t &bytes,
			 const std::string &help)
{
	return app.add_option_function<std::string>(
			  name,
			  [&bytes](const std::string &s) {
				  // size_validator() has accepted @s, so this cannot fail.
				  parse_size(s, bytes);
			  },
			  help)
		->type_name("SIZE")
		->check(size_validator());
}

} // namespace aether::util
