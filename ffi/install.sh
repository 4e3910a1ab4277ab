#!/usr/bin/env bash
# Builds the Springbok C library in release mode and installs it under a
# prefix: lib/libspringbok.a, lib/libspringbok.so, include/springbok.h,
# include/springbok/picohttpparser.h and lib/pkgconfig/springbok.pc.
#
#   ffi/install.sh /usr/local        # or any prefix you can write to
#   cc app.c $(PKG_CONFIG_PATH=/usr/local/lib/pkgconfig pkg-config --cflags --libs springbok)
#
# Link statically with `pkg-config --static --libs springbok` and the .a
# (or remove the .so).
set -euo pipefail
prefix=${1:?usage: ffi/install.sh PREFIX}
here=$(cd "$(dirname "$0")" && pwd)
cd "$here/.."
cargo build --release -p springbok-ffi
target=$(cargo metadata --format-version 1 --no-deps | sed -n 's/.*"target_directory":"\([^"]*\)".*/\1/p')
version=$(sed -n 's/^version = "\(.*\)"/\1/p' "$here/Cargo.toml" | head -n1)
mkdir -p "$prefix/lib/pkgconfig" "$prefix/include/springbok"
install -m 644 "$target/release/libspringbok.a" "$prefix/lib/"
install -m 755 "$target/release/libspringbok.so" "$prefix/lib/"
install -m 644 "$here/include/springbok.h" "$prefix/include/"
install -m 644 "$here/include/springbok/picohttpparser.h" "$prefix/include/springbok/"
sed -e "s|@PREFIX@|$prefix|" -e "s|@LIBDIR@|$prefix/lib|" -e "s|@INCLUDEDIR@|$prefix/include|" \
    -e "s|@VERSION@|$version|" "$here/springbok.pc.in" >"$prefix/lib/pkgconfig/springbok.pc"
echo "installed springbok $version under $prefix"
