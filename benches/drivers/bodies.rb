# frozen_string_literal: true

# The Ruby forms and multipart rows of `benches/suite`:
# Springbok::Form.parse_query against Rack::Utils' parse_query (a Rack query
# parser with room for 20,000 pairs), and Springbok::Multipart.parse against
# Rack::Multipart.parse_multipart (both reading a StringIO, files into
# Tempfiles, as in bindings/ruby/bench/bench.rb), on the form and multipart
# files of the suite's corpus.
#
#   ruby -I bindings/ruby/lib -I EXT_DIR benches/drivers/bodies.rb CORPUS_DIR REPEATS SECONDS
#
# Before timing an input, both must return the same params (for a file: the
# same filename and contents); otherwise it exits 1. Timing as in
# requests.rb. Prints JSON in the format of the Rust entry.
require "json"
require "stringio"
require "rack"
require "rack/utils"
require "springbok"

abort "usage: bodies.rb CORPUS_DIR REPEATS SECONDS" unless ARGV.size == 3
dir = ARGV[0]
repeats = Integer(ARGV[1])
seconds = Float(ARGV[2])

# The thread's CPU time: see benches/README.md.
def now = Process.clock_gettime(Process::CLOCK_THREAD_CPUTIME_ID)

def measure(blocks, repeats, seconds)
  iterations = blocks.transform_values do |block|
    n = 1
    loop do
      t = now
      n.times { block.call }
      elapsed = now - t
      break [(n * seconds / elapsed).ceil, 1].max if elapsed >= seconds / 8 || n >= 1 << 30
      n *= 4
    end
  end
  samples = blocks.transform_values { [] }
  repeats.times do |r|
    (r.even? ? blocks.keys : blocks.keys.reverse).each do |name|
      GC.start
      n = iterations[name]
      t = now
      n.times { blocks[name].call }
      samples[name] << ((now - t) / n * 1e9).round(3)
    end
  end
  samples
end

# Params with every uploaded file read back and closed.
def settle(params)
  params.transform_values do |v|
    next v unless v.is_a?(Hash) && v[:tempfile]
    data = File.binread(v[:tempfile].path)
    v[:tempfile].close!
    { filename: v[:filename], data: data }
  end
end

def rack_multipart(body, ct)
  env = { "CONTENT_TYPE" => ct, "CONTENT_LENGTH" => body.bytesize.to_s, "rack.input" => StringIO.new(body) }
  Rack::Multipart.parse_multipart(env)
end

manifest = JSON.parse(File.read(File.join(dir, "manifest.json")))
ct = "multipart/form-data; boundary=#{manifest["boundary"]}"
roomy = Rack::QueryParser.make_default(1 << 20, 100, params_limit: 100_000)
rows = manifest["inputs"].filter_map do |input|
  next unless %w[form multipart].include?(input["kind"])
  body = File.binread(File.join(dir, input["file"])).freeze
  if input["kind"] == "form"
    qs = body.dup.force_encoding(Encoding::UTF_8).freeze
    ours = Springbok::Form.parse_query(qs, max_pairs: 100_000)
    theirs = roomy.parse_query(qs)
    names = %w[Springbok::Form.parse_query Rack::Utils.parse_query]
    blocks = {
      springbok: -> { Springbok::Form.parse_query(qs, max_pairs: 100_000) },
      peer: -> { roomy.parse_query(qs) },
    }
  else
    ours = settle(Springbok::Multipart.parse(StringIO.new(body), ct))
    theirs = settle(rack_multipart(body, ct))
    names = %w[Springbok::Multipart.parse Rack::Multipart.parse_multipart]
    blocks = {
      springbok: -> { settle(Springbok::Multipart.parse(StringIO.new(body), ct)) },
      peer: -> { settle(rack_multipart(body, ct)) },
    }
  end
  unless ours == theirs && ours.size == input["items"]
    warn "the parsers disagree: #{input["name"]}: Springbok #{ours.size} params, Rack #{theirs.size}, or one differs"
    exit 1
  end
  ns = measure(blocks, repeats, seconds)
  warn "ruby: #{input["name"]} timed"
  {
    group: input["kind"] == "form" ? "forms" : "multipart", input: input["name"], checked: true,
    springbok: { name: names[0], ns: ns[:springbok] },
    peers: [{ name: names[1], ns: ns[:peer] }],
  }
end
puts JSON.generate({ language: "ruby", versions: "Rack #{Rack.release}", repeats: repeats, rows: rows })
