# frozen_string_literal: true

# Springbok's Ruby binding against the peers it replaces, in the same
# process (and, for Puma under wrk, in the same run), medians of repeats.
#
#   ruby bench/bench.rb                      # everything (about 4 minutes)
#   ruby bench/bench.rb headers forms        # some groups: headers multipart forms puma
#   ruby bench/bench.rb instructions         # callgrind counts by header count (load-immune, ~5 min)
#   REPEATS=9 ruby bench/bench.rb headers    # more repeats
#
# Prints markdown tables; ratios are peer time / Springbok time (or
# Springbok req/s / peer req/s), above 1 when Springbok is faster. The
# machine load (uptime) is printed before and after.
here = File.expand_path("..", __dir__)
unless $LOAD_PATH.any? { |dir| File.exist?(File.join(dir, "springbok", "springbok_ext.so")) }
  $LOAD_PATH.unshift(File.join(here, "ext", "springbok"), File.join(here, "lib"))
end
require "springbok"
require "springbok/puma"
require "rack"
require "rack/utils"
require "stringio"
require "uri"
require "socket"
require "tmpdir"
require_relative "realistic"

STOCK = Springbok::Puma.const_defined?(:ORIGINAL_HTTP_PARSER) ? Springbok::Puma::ORIGINAL_HTTP_PARSER : nil
abort "Debian's puma is needed (apt-get install puma)" unless STOCK
REPEATS = Integer(ENV.fetch("REPEATS", "7"))
GROUPS = ARGV.empty? ? %w[headers multipart forms puma] : ARGV
require "rbconfig"

def now = Process.clock_gettime(Process::CLOCK_MONOTONIC)

# Seconds per call of each block: every repeat times each block over
# `iterations` calls (given the call's index), the blocks taking turns; the
# median of the repeats. `setup` runs before each timed run, untimed.
def measure(iterations, blocks, setup: nil)
  samples = blocks.transform_values { [] }
  REPEATS.times do |r|
    order = r.even? ? blocks.keys : blocks.keys.reverse
    order.each do |name|
      block = blocks[name]
      setup&.call(iterations)
      GC.start
      t = now
      i = 0
      while i < iterations
        block.call(i)
        i += 1
      end
      samples[name] << (now - t) / iterations
    end
  end
  samples.transform_values { |s| s.sort[s.size / 2] }
end

# Iterations so that one timed run lasts about `seconds`.
def calibrate(seconds = 0.2, &block)
  n = 1
  loop do
    t = now
    n.times { |i| block.call(i) }
    elapsed = now - t
    return [(n * seconds / elapsed).ceil, 1].max if elapsed > 0.02
    n *= 4
  end
end

def us(seconds) = format("%.2f µs", seconds * 1e6)
def ratio(peer, ours) = format("%.2f×", peer / ours)

def uptime = `uptime`.strip

puts "# Springbok Ruby binding benchmark"
puts
puts "- #{RUBY_DESCRIPTION}; Puma #{Gem.loaded_specs["puma"]&.version || "5.6"}; Rack #{Rack.release}; libspringbok #{Springbok.abi_version}"
puts "- repeats: #{REPEATS} (median); load before: `#{uptime}`"

if GROUPS.include?("headers")
  puts
  puts "## Request head into an env Hash, by header count (the Rust benches' realistic requests)"
  puts
  puts "| headers | bytes | Springbok.parse_http_request | Springbok Puma parser | Puma::HttpParser#execute | ratio (pico contract) | ratio (Puma drop-in) |"
  puts "|---:|---:|---:|---:|---:|---:|---:|"
  Realistic::COUNTS.each do |n|
    req = Realistic.request(n)
    stock = STOCK.new
    ours = Springbok::Puma::HttpParser.new
    raise "disagree" unless Springbok::HTTP.parse_http_request(req, {}) == req.bytesize
    # Puma's parser rewrites header names inside its buffer (a second pass
    # over one buffer fails), so it gets a fresh copy for every call, made
    # before the timed run, as a socket would hand it over.
    copies = []
    fresh = ->(count) { copies = Array.new(count) { String.new(req, capacity: req.bytesize + 1) } }
    blocks = {
      pico: ->(_) { Springbok::HTTP.parse_http_request(req, {}) },
      ours: ->(_) { ours.reset; ours.execute({}, req, 0) },
      puma: ->(i) { stock.reset; stock.execute({}, copies[i], 0) },
    }
    iterations = calibrate { stock.reset; stock.execute({}, String.new(req, capacity: req.bytesize + 1), 0) }
    t = measure(iterations, blocks, setup: fresh)
    puts "| #{n} | #{req.bytesize} | #{us(t[:pico])} | #{us(t[:ours])} | #{us(t[:puma])} | " \
         "#{ratio(t[:puma], t[:pico])} | #{ratio(t[:puma], t[:ours])} |"
  end
end

def rack_multipart(body, ct)
  env = { "CONTENT_TYPE" => ct, "CONTENT_LENGTH" => body.bytesize.to_s, "rack.input" => StringIO.new(body) }
  params = Rack::Multipart.parse_multipart(env)
  params.each_value { |v| v[:tempfile].close! if v.is_a?(Hash) }
end

def springbok_multipart(input, ct)
  params = Springbok::Multipart.parse(input, ct)
  params.each_value { |v| v[:tempfile].close! if v.is_a?(Hash) }
end

if GROUPS.include?("multipart")
  puts
  puts "## multipart/form-data (both read a StringIO in 1 MiB pieces; files go to Tempfiles)"
  puts
  puts "| body | Springbok::Multipart.parse | Rack::Multipart.parse_multipart | ratio |"
  puts "|---|---:|---:|---:|"
  ct = "multipart/form-data; boundary=----SpringbokBench7MA4YWxkTrZu0gW"
  delim = "------SpringbokBench7MA4YWxkTrZu0gW"
  fields = (0...1000).map { |i| "#{delim}\r\nContent-Disposition: form-data; name=\"field#{i}\"\r\n\r\nvalue #{i}\r\n" }
  small = (fields.join + "#{delim}--\r\n").b
  file = Random.new(1).bytes(10 << 20)
  big = ("#{delim}\r\nContent-Disposition: form-data; name=\"upload\"; filename=\"big.bin\"\r\n" \
         "Content-Type: application/octet-stream\r\n\r\n").b + file + "\r\n#{delim}--\r\n".b
  [["1,000 small fields (#{small.bytesize / 1024} KiB)", small, 1000], ["one 10 MiB file", big, 1]].each do |label, body, parts|
    blocks = {
      ours: ->(_) { springbok_multipart(StringIO.new(body), ct) },
      rack: ->(_) { rack_multipart(body, ct) },
    }
    t = measure(calibrate(0.3) { blocks[:rack].call(0) }, blocks)
    mib = body.bytesize / 1048576.0
    show = ->(s) { parts > 1 ? "#{us(s / parts)}/part (#{format("%.0f", mib / s)} MiB/s)" : "#{format("%.2f ms", s * 1e3)} (#{format("%.0f", mib / s)} MiB/s)" }
    puts "| #{label} | #{show[t[:ours]]} | #{show[t[:rack]]} | #{ratio(t[:rack], t[:ours])} |"
  end
end

if GROUPS.include?("forms")
  puts
  puts "## application/x-www-form-urlencoded"
  puts
  puts "| input | Springbok::Form | peer | peer time | Springbok time | ratio |"
  puts "|---|---|---|---:|---:|---:|"
  short = "q=springbok+http+parser&lang=en&page=2&sort=desc&filter=active&limit=500"
  raise "72 bytes expected, got #{short.bytesize}" unless short.bytesize == 72
  long = Array.new(20_000) { |i| "field#{i}=value+#{i}%21" }.join("&")
  roomy = Rack::QueryParser.make_default(1 << 20, 100, params_limit: 100_000)
  [["72-byte query", short], ["20,000 pairs (#{long.bytesize / 1024} KiB)", long]].each do |label, qs|
    pairs = { max_pairs: 100_000 }
    t = measure(calibrate { URI.decode_www_form(qs) }, {
      ours: ->(_) { Springbok::Form.parse_urlencoded(qs, **pairs) },
      uri: ->(_) { URI.decode_www_form(qs) },
    })
    puts "| #{label} | parse_urlencoded | URI.decode_www_form | #{us(t[:uri])} | #{us(t[:ours])} | #{ratio(t[:uri], t[:ours])} |"
    t = measure(calibrate { roomy.parse_query(qs) }, {
      ours: ->(_) { Springbok::Form.parse_query(qs, **pairs) },
      rack: ->(_) { roomy.parse_query(qs) },
    })
    puts "| #{label} | parse_query | Rack::Utils.parse_query | #{us(t[:rack])} | #{us(t[:ours])} | #{ratio(t[:rack], t[:ours])} |"
  end
end

if GROUPS.include?("instructions")
  counter = File.join(__dir__, "count.rb")
  run = lambda do |n, iterations, parser|
    out = IO.popen(["valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null", RbConfig.ruby, counter,
                    n.to_s, iterations.to_s, parser], err: [:child, :out], &:read)
    Integer(out[/Collected : (\d+)/, 1])
  end
  per = ->(n, parser) { (run[n, 1200, parser] - run[n, 200, parser]) / 1000.0 }
  puts
  puts "## Instructions per request (callgrind, exact; the loop and buffer copy subtracted)"
  puts
  puts "| headers | Springbok.parse_http_request | Springbok Puma parser | Puma::HttpParser#execute | ratio (pico contract) | ratio (Puma drop-in) |"
  puts "|---:|---:|---:|---:|---:|---:|"
  Realistic::COUNTS.each do |n|
    base = per[n, "none"]
    pico, drop, puma = %w[pico drop-in puma].map { |p| per[n, p] - base }
    puts "| #{n} | #{pico.round} | #{drop.round} | #{puma.round} | #{format("%.2f×", puma / pico)} | #{format("%.2f×", puma / drop)} |"
  end
end

# --- Puma hello-world under wrk ---------------------------------------------

def free_port
  s = TCPServer.new("127.0.0.1", 0)
  s.addr[1]
ensure
  s&.close
end

def start_puma(dir, springbok)
  port = free_port
  File.write(File.join(dir, "hello.ru"), "run ->(_env) { [200, { 'Content-Type' => 'text/plain' }, ['Hello, World!']] }\n")
  File.write(File.join(dir, "puma.rb"), <<~RUBY)
    #{springbok ? 'require "springbok/puma"' : ""}
    bind "tcp://127.0.0.1:#{port}"
    workers 2
    threads 1, 1
    quiet
  RUBY
  lib = File.dirname($LOADED_FEATURES.grep(%r{/springbok\.rb\z}).first)
  so = File.dirname($LOADED_FEATURES.grep(/springbok_ext\.so\z/).first)
  so = File.dirname(so) if File.basename(so) == "springbok"
  env = { "RUBYLIB" => [lib, so, ENV["RUBYLIB"]].compact.uniq.join(":") }
  pid = Process.spawn(env, "puma", "-C", "puma.rb", "hello.ru", chdir: dir, out: File::NULL, err: File::NULL, pgroup: true)
  deadline = now + 30
  loop do
    sock = TCPSocket.new("127.0.0.1", port)
    sock.write("GET / HTTP/1.1\r\nHost: x\r\n\r\n")
    break if sock.wait_readable(1) && sock.readpartial(100).start_with?("HTTP/1.1 200")
  rescue SystemCallError, EOFError
    raise "puma did not start" if now > deadline
    sleep 0.1
  ensure
    sock&.close
  end
  sleep 1 # both workers up
  [pid, port]
end

def stop(pid)
  Process.kill("TERM", -pid)
  Process.wait(pid)
rescue Errno::ESRCH, Errno::ECHILD
  nil
end

# CPU seconds (user + system) used so far by the Puma master and its workers.
def cpu_seconds(pid)
  stats = Dir["/proc/[0-9]*/stat"].filter_map { |f| File.read(f) rescue nil }
  pids = [pid] + stats.filter_map { |st| f = st.split(") ").last.split; st.to_i if f[1].to_i == pid }
  ticks = pids.sum do |p|
    f = File.read("/proc/#{p}/stat").split(") ").last.split
    f[11].to_i + f[12].to_i
  rescue SystemCallError
    0
  end
  ticks / 100.0
end

# [requests/s, server CPU µs per request]: the second is far less sensitive
# to what else runs on the machine.
def wrk(pid, port, seconds, headers)
  args = ["wrk", "-t2", "-c16", "-d#{seconds}s"]
  headers.each { |h| args += ["-H", h] }
  cpu = cpu_seconds(pid)
  out = IO.popen(args + ["http://127.0.0.1:#{port}/"], err: [:child, :out], &:read)
  cpu = cpu_seconds(pid) - cpu
  total = out[/(\d+) requests in/, 1].to_f
  [out[/Requests\/sec:\s+([\d.]+)/, 1].to_f, total.positive? ? cpu / total * 1e6 : Float::NAN]
end

if GROUPS.include?("puma")
  seconds = Integer(ENV.fetch("WRK_SECONDS", "5"))
  runs = Integer(ENV.fetch("WRK_RUNS", "3"))
  puts
  puts "## Puma 5.6 hello-world under wrk (-w 2 -t 1:1; wrk -t2 -c16 -d#{seconds}s, #{runs} runs each, alternating)"
  puts
  puts "| request | Puma + springbok/puma | stock Puma | ratio | server CPU per request: springbok/puma | stock | ratio |"
  puts "|---|---:|---:|---:|---:|---:|---:|"
  realistic10 = Realistic::LINES.first(10).reject { |l| l.start_with?("Host:", "Connection:") }
  Dir.mktmpdir do |dir|
    [["wrk's GET (Host only)", []], ["GET with 8 browser headers", realistic10]].each do |label, headers|
      results = { springbok: [], stock: [] }
      runs.times do |r|
        order = r.even? ? %i[springbok stock] : %i[stock springbok]
        order.each do |kind|
          pid, port = start_puma(File.join(dir, kind.to_s).tap { |d| Dir.mkdir(d) unless Dir.exist?(d) }, kind == :springbok)
          begin
            results[kind] << wrk(pid, port, seconds, headers)
          ensure
            stop(pid)
          end
        end
      end
      rps = results.transform_values { |v| v.map(&:first).sort[v.size / 2] }
      cpu = results.transform_values { |v| v.map(&:last).sort[v.size / 2] }
      puts "| #{label} | #{format("%.0f", rps[:springbok])} req/s | #{format("%.0f", rps[:stock])} req/s | " \
           "#{format("%.2f×", rps[:springbok] / rps[:stock])} | #{format("%.1f µs", cpu[:springbok])} | " \
           "#{format("%.1f µs", cpu[:stock])} | #{format("%.2f×", cpu[:stock] / cpu[:springbok])} |"
    end
  end
end

puts
puts "- load after: `#{uptime}`"
