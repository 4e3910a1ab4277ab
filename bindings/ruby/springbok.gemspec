# frozen_string_literal: true

require_relative "lib/springbok/version"

# When built inside a Springbok checkout, remember where it is, so that
# `gem install --local springbok-*.gem` can build libspringbok.a with cargo
# there (extconf.rb; SPRINGBOK_ROOT or SPRINGBOK_LIB_DIR override it).
checkout = File.expand_path("../..", __dir__)
root_file = File.join(__dir__, "ext", "springbok", "springbok_root.txt")
if File.file?(File.join(checkout, "ffi", "include", "springbok.h"))
  File.write(root_file, "#{checkout}\n") unless File.file?(root_file) && File.read(root_file).strip == checkout
end

Gem::Specification.new do |s|
  s.name = "springbok"
  s.version = Springbok::VERSION
  s.summary = "Strict, fast HTTP/1.1 parsing for Ruby servers: pico_http_parser and Puma parser drop-ins, " \
              "Rack response heads, urlencoded and multipart forms"
  s.description = "A C extension over libspringbok (Rust): request heads into env Hashes, a Puma::HttpParser " \
                  "replacement, Rack 2/3 response heads, urlencoded forms and streaming multipart uploads."
  s.authors = ["The Springbok developers"]
  s.licenses = ["MIT", "Apache-2.0"]
  s.required_ruby_version = ">= 3.0"
  s.files = Dir.chdir(__dir__) do
    Dir["lib/**/*.rb", "ext/springbok/*.{c,h,rb}", "ext/springbok/springbok_root.txt", "README.md"]
  end
  s.extensions = ["ext/springbok/extconf.rb"]
  s.require_paths = ["lib"]
end
