# frozen_string_literal: true

require "springbok"

# The pico_http_parser gem's interface, served by Springbok:
#
#   require "springbok/pico_http_parser"
#   env = {}
#   PicoHTTPParser.parse_http_request(buf, env) # => head length, -1 or -2
#
# Strict RFC 9112 where picohttpparser is lenient; see the gem's README for
# the differences.
module PicoHTTPParser
  VERSION = Springbok::VERSION unless const_defined?(:VERSION)
end
Springbok::HTTP.define_parse_http_request(PicoHTTPParser)
