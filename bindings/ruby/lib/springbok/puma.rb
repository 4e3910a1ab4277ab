# frozen_string_literal: true

require "springbok"

# Replaces Puma's request parser with Springbok's:
#
#   require "springbok/puma"   # in config/puma.rb, or before Puma starts
#
# Puma::HttpParser becomes Springbok::Puma::HttpParser (same interface, same
# env, Puma's limits and messages) and raises Puma::HttpParserError, so
# Puma::Server answers 400 as before. Puma's own extension is still loaded
# first when it is installed: it also carries Puma::MiniSSL.
begin
  require "puma/puma_http11"
rescue LoadError
  # Puma is not installed: the parser still works on its own.
end

module Puma
  HttpParserError = Springbok::Puma::HttpParserError unless const_defined?(:HttpParserError, false)
  if const_defined?(:HttpParser, false) && !HttpParser.equal?(Springbok::Puma::HttpParser)
    # Puma's own parser stays reachable (benchmarks and differential tests).
    Springbok::Puma.const_set(:ORIGINAL_HTTP_PARSER, HttpParser)
    remove_const(:HttpParser)
  end
  HttpParser = Springbok::Puma::HttpParser unless const_defined?(:HttpParser, false)
end
Springbok::Puma.error_class = Puma::HttpParserError
