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
  remove_const(:HttpParser) if const_defined?(:HttpParser, false)
  HttpParser = Springbok::Puma::HttpParser
end
Springbok::Puma.error_class = Puma::HttpParserError
