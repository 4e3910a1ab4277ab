# frozen_string_literal: true

require_relative "test_helper"
require "digest"
require "json"
require "socket"
require "tmpdir"

# Debian's puma serving a Rack app with springbok/puma loaded, on 127.0.0.1
# and a free port, driven over real sockets; stopped by its PID. Every read
# is bounded in time.
class TestPumaIntegration < Minitest::Test
  PUMA = ["/usr/bin/puma", *ENV.fetch("PATH", "").split(":").map { |d| File.join(d, "puma") }]
         .find { |p| File.executable?(p) }
  TIMEOUT = 10

  APP = <<~'RUBY'
    require "digest"
    require "json"
    require "rack"
    app = lambda do |env|
      input = env["rack.input"]
      case env["PATH_INFO"]
      when "/hello"
        [200, { "Content-Type" => "text/plain" }, ["hello"]]
      when "/echo"
        body = input.read
        keys = env.keys.grep(/\A(HTTP_|REQUEST_|QUERY_|PATH_|CONTENT_)/)
        info = { "parser" => Puma::HttpParser.name, "env" => env.slice(*keys), "body_bytes" => body.bytesize,
                 "body_sha256" => Digest::SHA256.hexdigest(body) }
        [200, { "Content-Type" => "application/json" }, [JSON.generate(info)]]
      when "/upload"
        params = Springbok::Multipart.parse(input, env["CONTENT_TYPE"], nested: true)
        input.rewind
        rack = Rack::Multipart.parse_multipart(env)
        describe = lambda do |p|
          p.transform_values do |v|
            next v unless v.is_a?(Hash)
            v[:tempfile].rewind
            { "filename" => v[:filename], "sha256" => Digest::SHA256.hexdigest(v[:tempfile].read) }
          end
        end
        [200, { "Content-Type" => "application/json" },
         [JSON.generate("springbok" => describe[params], "rack" => describe[rack])]]
      else
        [404, {}, []]
      end
    end
    run app
  RUBY

  # Directories to put on the server's RUBYLIB so that it loads this gem.
  def springbok_load_path
    lib = File.dirname($LOADED_FEATURES.grep(%r{/springbok\.rb\z}).first)
    so = File.dirname($LOADED_FEATURES.grep(/springbok_ext\.so\z/).first)
    so = File.dirname(so) if File.basename(so) == "springbok"
    [lib, so].uniq.join(":")
  end

  def free_port
    server = TCPServer.new("127.0.0.1", 0)
    server.addr[1]
  ensure
    server&.close
  end

  def start_puma(dir)
    port = free_port
    File.write(File.join(dir, "config.ru"), APP)
    File.write(File.join(dir, "puma.rb"), <<~RUBY)
      require "springbok/puma"
      bind "tcp://127.0.0.1:#{port}"
      workers 0
      threads 1, 4
      quiet
    RUBY
    log = File.join(dir, "puma.log")
    env = { "RUBYLIB" => [springbok_load_path, ENV["RUBYLIB"]].compact.join(":") }
    pid = Process.spawn(env, PUMA, "-C", "puma.rb", "config.ru", chdir: dir, out: log, err: log, pgroup: true)
    deadline = Time.now + 30
    begin
      TCPSocket.new("127.0.0.1", port).close
    rescue SystemCallError
      raise "puma did not start:\n#{File.read(log)}" if Time.now > deadline || Process.waitpid(pid, Process::WNOHANG)
      sleep 0.05
      retry
    end
    [pid, port, log]
  end

  def stop(pid)
    Process.kill("TERM", pid)
    deadline = Time.now + 10
    until Process.waitpid(pid, Process::WNOHANG)
      if Time.now > deadline
        Process.kill("KILL", pid)
        Process.waitpid(pid)
        break
      end
      sleep 0.05
    end
  rescue Errno::ESRCH, Errno::ECHILD
    nil
  end

  def with_puma
    skip "Debian's puma is not installed" unless PUMA
    Dir.mktmpdir("springbok-puma") do |dir|
      pid, port, log = start_puma(dir)
      begin
        @port = port
        yield
      rescue Minitest::Assertion
        puts File.read(log)
        raise
      ensure
        stop(pid)
      end
    end
  end

  def connect = TCPSocket.new("127.0.0.1", @port)

  def read_bytes(sock, n)
    out = +""
    while out.bytesize < n
      raise "timed out reading a response" unless sock.wait_readable(TIMEOUT)
      chunk = sock.read_nonblock(n - out.bytesize, exception: false)
      next if chunk == :wait_readable
      break if chunk.nil?
      out << chunk
    end
    out
  end

  def read_line(sock)
    line = +""
    until line.end_with?("\n")
      byte = read_bytes(sock, 1)
      break if byte.empty? # closed
      line << byte
    end
    line
  end

  # One response: [status, headers, body] (Content-Length bodies, which is
  # what Puma sends for these apps), or nil when the server closed.
  def read_response(sock)
    status_line = read_line(sock)
    return nil if status_line.empty?
    headers = {}
    while (line = read_line(sock)) != "\r\n"
      name, value = line.chomp.split(": ", 2)
      headers[name.downcase] = value
    end
    [status_line.split(" ")[1].to_i, headers, read_bytes(sock, headers.fetch("content-length", "0").to_i)]
  end

  def test_requests_over_real_sockets
    with_puma do
      keep_alive
      pipelined
      chunked_upload
      multipart_upload
      springbok_is_the_parser
      malformed_gets_400
      oversized_head
    end
  end

  def keep_alive
    sock = connect
    2.times do |i|
      sock.write("GET /echo?n=#{i} HTTP/1.1\r\nHost: x\r\nX-Test: #{i}\r\n\r\n")
      status, headers, body = read_response(sock)
      assert_equal 200, status
      refute_equal "close", headers["connection"]
      env = JSON.parse(body)["env"]
      assert_equal "n=#{i}", env["QUERY_STRING"]
      assert_equal i.to_s, env["HTTP_X_TEST"]
      assert_equal "/echo", env["PATH_INFO"]
    end
  ensure
    sock&.close
  end

  def pipelined
    sock = connect
    sock.write((1..3).map { |i| "GET /echo?p=#{i} HTTP/1.1\r\nHost: x\r\n\r\n" }.join)
    3.times do |i|
      status, _, body = read_response(sock)
      assert_equal 200, status
      assert_equal "p=#{i + 1}", JSON.parse(body)["env"]["QUERY_STRING"]
    end
  ensure
    sock&.close
  end

  def chunked_upload
    sock = connect
    data = Random.new(7).bytes(100_000)
    chunks = data.bytes.each_slice(7000).map { |s| s.pack("C*") }
    sock.write("POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n")
    chunks.each { |c| sock.write("#{c.bytesize.to_s(16)}\r\n#{c}\r\n") }
    sock.write("0\r\n\r\n")
    status, _, body = read_response(sock)
    assert_equal 200, status
    info = JSON.parse(body)
    assert_equal data.bytesize, info["body_bytes"]
    assert_equal Digest::SHA256.hexdigest(data), info["body_sha256"]
  ensure
    sock&.close
  end

  def multipart_upload
    file = Random.new(9).bytes(1 << 20)
    body = "--XyZ\r\nContent-Disposition: form-data; name=\"title\"\r\n\r\nholiday\r\n" \
           "--XyZ\r\nContent-Disposition: form-data; name=\"photo\"; filename=\"beach.jpg\"\r\n" \
           "Content-Type: image/jpeg\r\n\r\n".b + file + "\r\n--XyZ--\r\n".b
    sock = connect
    sock.write("POST /upload HTTP/1.1\r\nHost: x\r\nContent-Type: multipart/form-data; boundary=XyZ\r\n" \
               "Content-Length: #{body.bytesize}\r\n\r\n")
    sock.write(body)
    status, _, response = read_response(sock)
    assert_equal 200, status
    result = JSON.parse(response)
    assert_equal result["rack"], result["springbok"]
    assert_equal "holiday", result["springbok"]["title"]
    assert_equal({ "filename" => "beach.jpg", "sha256" => Digest::SHA256.hexdigest(file) }, result["springbok"]["photo"])
  ensure
    sock&.close
  end

  def springbok_is_the_parser
    sock = connect
    sock.write("GET /echo HTTP/1.1\r\nHost: x\r\nX_Spoof: 1\r\nX-Real: 2\r\n\r\n")
    _, _, body = read_response(sock)
    info = JSON.parse(body)
    assert_equal "Springbok::Puma::HttpParser", info["parser"]
    refute(info["env"].keys.any? { |k| k.include?(",") || k.include?("SPOOF") }, "stock Puma would give HTTP_X,SPOOF")
    assert_equal "2", info["env"]["HTTP_X_REAL"]
    sock.close
    # Puma's own parser accepts a fragment; Springbok's strict one answers 400.
    sock = connect
    sock.write("GET /echo#frag HTTP/1.1\r\nHost: x\r\n\r\n")
    assert_equal 400, read_response(sock)[0]
  ensure
    sock&.close
  end

  def malformed_gets_400
    ["GET / HTTP/1.1\r\nBad Header\r\n\r\n", "GET / HTTP/1.1\r\nX: a\x00b\r\n\r\n", "\x16\x03\x01\x02\x00\x01\x00\r\n\r\n"].each do |raw|
      sock = connect
      sock.write(raw)
      status, = read_response(sock)
      assert_equal 400, status, raw.inspect
      sock.close
    end
  end

  def oversized_head
    sock = connect
    sock.write("GET / HTTP/1.1\r\nHost: x\r\n")
    begin
      120.times { |i| sock.write("X-Big-#{i}: #{"a" * 1000}\r\n") }
      sock.write("\r\n")
    rescue Errno::EPIPE, Errno::ECONNRESET
      nil # Puma may answer and close before the head is fully sent
    end
    status, = read_response(sock)
    assert_includes [400, 431], status, "Puma 5.6 answers 400 to a head over 112 KiB"
  ensure
    sock&.close
  end
end
