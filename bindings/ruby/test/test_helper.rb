# frozen_string_literal: true

# Loads the extension from where it was built: the installed gem (the ci
# script puts its lib/ on RUBYLIB), else an in-place `ruby extconf.rb &&
# make` build in ext/springbok.
here = File.expand_path("..", __dir__)
unless $LOAD_PATH.any? { |dir| File.exist?(File.join(dir, "springbok", "springbok_ext.so")) }
  $LOAD_PATH.unshift(File.join(here, "ext", "springbok"))
  $LOAD_PATH.unshift(File.join(here, "lib"))
end

require "minitest/autorun"
require "springbok"
require_relative "support/differences"

module SpringbokTestHelper
  # A String with a buffer of its own: `dup` shares the buffer, and
  # puma_http11 writes through a shared buffer into every String sharing it.
  def own_copy(str)
    String.new(capacity: str.bytesize + 1).force_encoding(Encoding::BINARY) << str.b
  end

  # A deterministic Random for corpus mutations (SEED overrides it).
  def rng
    @rng ||= Random.new(Integer(ENV.fetch("SEED", "20261207")))
  end
end
