# frozen_string_literal: true

# One parser on one realistic request in a loop, for instruction counting
# (bench.rb's "instructions" group runs it under callgrind):
#
#   valgrind --tool=callgrind --callgrind-out-file=/dev/null ruby bench/count.rb 10 1200 pico
#
# Arguments: header count, iterations, parser (pico: Springbok::HTTP.
# parse_http_request; drop-in: Springbok::Puma::HttpParser; puma: Puma's own
# parser; none: the loop and the buffer copies alone). Each iteration gets
# its own copy of the request, made before the loop (Puma's parser writes
# into it). Instructions per request = the difference between two
# iteration counts divided by the difference of the counts, minus none's.
here = File.expand_path("..", __dir__)
unless $LOAD_PATH.any? { |dir| File.exist?(File.join(dir, "springbok", "springbok_ext.so")) }
  $LOAD_PATH.unshift(File.join(here, "ext", "springbok"), File.join(here, "lib"))
end
require "springbok"
require "springbok/puma"
require_relative "realistic"

count, iterations, parser = ARGV
req = Realistic.request(Integer(count))
copies = Array.new(Integer(iterations)) { String.new(req, capacity: req.bytesize + 1) }
GC.disable
case parser
when "pico" then copies.each { |buf| Springbok::HTTP.parse_http_request(buf, {}) }
when "drop-in"
  ours = Springbok::Puma::HttpParser.new
  copies.each { |buf| ours.reset; ours.execute({}, buf, 0) }
when "puma"
  stock = Springbok::Puma::ORIGINAL_HTTP_PARSER.new
  copies.each { |buf| stock.reset; stock.execute({}, buf, 0) }
when "none" then copies.each { |buf| buf }
else abort "parser: pico, drop-in, puma or none"
end
