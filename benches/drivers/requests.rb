# frozen_string_literal: true

# The Ruby entry of `benches/suite`: Springbok::HTTP.parse_http_request into a
# fresh env Hash against Puma::HttpParser#execute (Debian's puma, the parser
# Springbok::Puma replaces), on the request files of the suite's corpus
# (manifest.json), in one process.
#
#   ruby -I bindings/ruby/lib -I EXT_DIR benches/drivers/requests.rb CORPUS_DIR REPEATS SECONDS
#
# Before timing an input, both must return the same length and the same
# request line and headers (Puma names two keys differently: REQUEST_PATH
# for PATH_INFO, HTTP_VERSION for SERVER_PROTOCOL, keeps Content-Type and
# Content-Length as HTTP_ keys and has no QUERY_STRING without a query);
# otherwise it exits 1. The timing is that of
# bindings/ruby/bench/bench.rb: Puma's parser rewrites its buffer, so it gets
# a fresh copy of the request for every call, made before its timed batch;
# GC.start before each batch; the two take turns within each repeat. Prints
# JSON in the format of the Rust entry (benches/src/bin/suite.rs).
require "json"
require "springbok"
require "springbok/puma"

PUMA = Springbok::Puma.const_defined?(:ORIGINAL_HTTP_PARSER) ? Springbok::Puma::ORIGINAL_HTTP_PARSER : nil
abort "Debian's puma is needed (apt-get install puma)" unless PUMA
abort "usage: requests.rb CORPUS_DIR REPEATS SECONDS" unless ARGV.size == 3
dir = ARGV[0]
repeats = Integer(ARGV[1])
seconds = Float(ARGV[2])

# The thread's CPU time: see benches/README.md.
def now = Process.clock_gettime(Process::CLOCK_THREAD_CPUTIME_ID)

# The request line and headers of a Springbok env, in Puma's names.
def as_puma(env)
  env.each_with_object({}) do |(key, value), out|
    case key
    when "SCRIPT_NAME" then next
    when "PATH_INFO" then out["REQUEST_PATH"] = value
    when "SERVER_PROTOCOL" then out["HTTP_VERSION"] = value
    when "CONTENT_TYPE", "CONTENT_LENGTH" then out["HTTP_#{key}"] = value
    else out[key] = value
    end
  end
end

# Seconds per call of each block, every repeat's sample (bench.rb's measure,
# keeping the samples).
def measure(iterations, blocks, repeats, setup)
  samples = blocks.transform_values { [] }
  repeats.times do |r|
    order = r.even? ? blocks.keys : blocks.keys.reverse
    order.each do |name|
      setup.call(name, iterations[name])
      GC.start
      block = blocks[name]
      n = iterations[name]
      t = now
      i = 0
      while i < n
        block.call(i)
        i += 1
      end
      samples[name] << (now - t) / n
    end
  end
  samples
end

def calibrate(seconds, &block)
  n = 1
  loop do
    t = now
    n.times { |i| block.call(i) }
    elapsed = now - t
    return [(n * seconds / elapsed).ceil, 1].max if elapsed >= seconds / 8 || n >= 1 << 30
    n *= 4
  end
end

manifest = JSON.parse(File.read(File.join(dir, "manifest.json")))
rows = manifest["inputs"].select { |i| i["kind"] == "request" }.map do |input|
  req = File.binread(File.join(dir, input["file"])).freeze
  ours = {}
  theirs = {}
  a = Springbok::HTTP.parse_http_request(req, ours)
  b = PUMA.new.execute(theirs, String.new(req), 0)
  theirs = { "QUERY_STRING" => "" }.merge(theirs) # Puma leaves it out when there is no query
  unless a.positive? && a == b && as_puma(ours) == theirs
    warn "the parsers disagree: #{input["name"]}: Springbok #{a}, Puma #{b}\n  #{as_puma(ours)}\n  #{theirs}"
    exit 1
  end
  stock = PUMA.new
  copies = []
  # Only Puma's batch gets copies: live during the other's batch they made
  # every GC in it mark them, a cost that grew with its iterations.
  fresh = ->(name, count) { copies = name == :peer ? Array.new(count) { String.new(req, capacity: req.bytesize + 1) } : [] }
  blocks = {
    springbok: ->(_) { Springbok::HTTP.parse_http_request(req, {}) },
    peer: ->(i) { stock.reset; stock.execute({}, copies[i], 0) },
  }
  iterations = {
    springbok: calibrate(seconds) { Springbok::HTTP.parse_http_request(req, {}) },
    peer: calibrate(seconds) { stock.reset; stock.execute({}, String.new(req, capacity: req.bytesize + 1), 0) },
  }
  t = measure(iterations, blocks, repeats, fresh)
  ns = t.transform_values { |s| s.map { |x| (x * 1e9).round(3) } }
  warn "ruby: #{input["name"]} timed"
  {
    group: "requests", input: input["name"], checked: true,
    springbok: { name: "Springbok::HTTP.parse_http_request", ns: ns[:springbok] },
    peers: [{ name: "Puma::HttpParser#execute", ns: ns[:peer] }],
  }
end
versions = "#{RUBY_DESCRIPTION.split(" (").first}; Puma #{Gem.loaded_specs["puma"]&.version || Puma::Const::PUMA_VERSION}; " \
           "libspringbok #{Springbok.abi_version}"
puts JSON.generate({ language: "ruby", versions: versions, repeats: repeats, rows: rows })
