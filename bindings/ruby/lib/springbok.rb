# frozen_string_literal: true

# Springbok: strict, fast HTTP/1.1 parsing for Ruby servers, over
# libspringbok's C ABI.
#
# - Springbok::HTTP.parse_http_request(str, env): pico_http_parser's contract
#   (require "springbok/pico_http_parser" for the PicoHTTPParser name);
#   Springbok::HTTP::Parser for other flavours, limits and leniencies.
# - require "springbok/puma": Puma::HttpParser replaced by
#   Springbok::Puma::HttpParser.
# - Springbok::Rack.response_head(status, headers): Rack 2 and 3 headers.
# - Springbok::Form.parse_urlencoded / .parse_query.
# - Springbok::Multipart.parse (Rack's params shape) and
#   Springbok::Multipart::Parser (the event stream).
require_relative "springbok/version"
begin
  require "springbok/springbok_ext"
rescue LoadError
  # Built in place with `ruby extconf.rb && make` (ext/springbok on $LOAD_PATH).
  require "springbok_ext"
end
require_relative "springbok/multipart"
