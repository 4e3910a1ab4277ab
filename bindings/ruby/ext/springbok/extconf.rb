# Builds springbok_ext against libspringbok.a, the C ABI of the Rust crates.
#
# Where the library comes from, first match wins:
#   1. --with-springbok-lib=DIR (or SPRINGBOK_LIB_DIR): a directory holding
#      libspringbok.a; the header from --with-springbok-include=DIR (or
#      SPRINGBOK_INCLUDE_DIR), else DIR/../include, else the checkout's.
#   2. A Springbok checkout: --with-springbok-root=DIR (or SPRINGBOK_ROOT),
#      else the checkout this file sits in, else the one recorded in
#      springbok_root.txt when the gem was built from a checkout. Its
#      $CARGO_TARGET_DIR (default target/) /release/libspringbok.a is used,
#      and `cargo build --release -p springbok-ffi` runs first when the
#      library is missing or older than the Rust sources it is built from.
# The library is linked statically through $LOCAL_LIBS.
require "mkmf"
require "rbconfig"

def springbok_abort(message)
  abort "springbok: #{message}"
end

# A directory that looks like the root of a Springbok checkout.
def springbok_checkout?(dir)
  dir && File.file?(File.join(dir, "Cargo.toml")) &&
    File.file?(File.join(dir, "ffi", "include", "springbok.h"))
end

def find_checkout
  given = with_config("springbok-root") || ENV["SPRINGBOK_ROOT"]
  if given
    springbok_abort("#{given} is not a Springbok checkout") unless springbok_checkout?(given)
    return File.expand_path(given)
  end
  dir = File.expand_path(__dir__)
  until dir == File.dirname(dir)
    return dir if springbok_checkout?(dir)
    dir = File.dirname(dir)
  end
  recorded = File.join(__dir__, "springbok_root.txt")
  if File.file?(recorded)
    root = File.read(recorded).strip
    return root if springbok_checkout?(root)
  end
  nil
end

# The newest modification time among the sources cargo builds the library from.
def newest_source(root)
  crates = %w[ffi parser percent form-urlencoded multipart]
  files = crates.flat_map { |c| Dir[File.join(root, c, "{Cargo.toml,src/**/*.rs}")] }
  files += [File.join(root, "Cargo.toml"), File.join(root, "Cargo.lock")]
  files.select { |f| File.file?(f) }.map { |f| File.mtime(f) }.max
end

def cargo_library(root)
  target = ENV["CARGO_TARGET_DIR"]
  target = target && !target.empty? ? File.expand_path(target, root) : File.join(root, "target")
  lib = File.join(target, "release", "libspringbok.a")
  stale = !File.file?(lib) || File.mtime(lib) < newest_source(root)
  if stale
    cargo = ENV["CARGO"] || find_executable("cargo")
    springbok_abort("#{lib} is missing or stale and cargo was not found") unless cargo
    message "springbok: building libspringbok.a (cargo build --release -p springbok-ffi)\n"
    ok = Dir.chdir(root) { system(cargo, "build", "--release", "-p", "springbok-ffi") }
    springbok_abort("cargo build failed") unless ok && File.file?(lib)
  end
  lib
end

root = find_checkout
lib_dir = with_config("springbok-lib") || ENV["SPRINGBOK_LIB_DIR"]
if lib_dir
  library = File.join(File.expand_path(lib_dir), "libspringbok.a")
  springbok_abort("#{library} not found") unless File.file?(library)
  include_dir = with_config("springbok-include") || ENV["SPRINGBOK_INCLUDE_DIR"]
  include_dir ||= [File.join(lib_dir, "..", "include"), root && File.join(root, "ffi", "include")]
                  .compact.find { |d| File.file?(File.join(d, "springbok.h")) }
else
  springbok_abort("no Springbok checkout found: set SPRINGBOK_ROOT or SPRINGBOK_LIB_DIR") unless root
  library = cargo_library(root)
  include_dir = File.join(root, "ffi", "include")
end
springbok_abort("springbok.h not found (set SPRINGBOK_INCLUDE_DIR)") unless include_dir

$INCFLAGS << " -I#{File.expand_path(include_dir)}"
$LOCAL_LIBS << " #{library}"
# What a Rust static library needs from the system (pkg-config's Libs.private).
%w[gcc_s util rt pthread m dl].each { |l| $libs = append_library($libs, l) }
$CFLAGS << " -std=gnu11 -Wall -Wextra -Wno-unused-parameter -Wno-missing-field-initializers -Werror=implicit-function-declaration"
# Keep the Rust runtime's symbols private to this extension.
$DLDFLAGS << " -Wl,--exclude-libs,ALL" if RbConfig::CONFIG["host_os"].include?("linux")

springbok_abort("springbok.h does not compile") unless have_header("springbok.h")
springbok_abort("libspringbok.a does not link") unless have_func("sb_version", "springbok.h")
create_makefile("springbok/springbok_ext")
# Relink when the library changes (mkmf only tracks the objects).
File.open("Makefile", "a") { |f| f.puts "\n$(TARGET_SO): #{library}" }
