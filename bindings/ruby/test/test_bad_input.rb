# frozen_string_literal: true

require_relative "test_helper"
require_relative "support/request_corpus"
require_relative "support/multipart_corpus"
require "springbok/puma"
require "stringio"

# Hostile input everywhere: random bytes, wrong types, frozen targets, huge
# inputs, every limit. An exception with a clear message or -1; never a
# crash, never a half-filled env.
class TestBadInput < Minitest::Test
  include SpringbokTestHelper

  def random_bytes(max)
    Random.bytes(rng.rand(max)).tap { |s| s.force_encoding(Encoding::BINARY) }
  end

  def random_inputs
    Array.new(300) { random_bytes(300) } +
      Array.new(300) { "GET /#{random_bytes(40)} HTTP/1.1\r\n#{random_bytes(60)}\r\n\r\n".b }
  end

  def test_random_bytes_into_parse_http_request
    random_inputs.each do |input|
      env = { "pre" => "existing" }
      ret = Springbok::HTTP.parse_http_request(input, env)
      assert_kind_of Integer, ret
      if ret.negative?
        assert_includes [-1, -2], ret
        assert_equal({ "pre" => "existing" }, env, "never a half-filled env")
      else
        assert_operator ret, :<=, input.bytesize
        assert env.key?("REQUEST_METHOD")
      end
    end
  end

  def test_random_bytes_into_the_puma_parser
    random_inputs.each do |input|
      parser = Springbok::Puma::HttpParser.new
      env = {}
      begin
        n = parser.execute(env, input, 0)
        parser.finished? ? assert(env.key?("REQUEST_METHOD")) : assert_empty(env)
        assert_operator n, :<=, input.bytesize
      rescue Puma::HttpParserError => e
        refute_empty e.message
        assert_empty env
      end
    end
  end

  def test_random_bytes_into_forms_and_multipart
    random_inputs.each do |input|
      assert_kind_of Array, Springbok::Form.parse_urlencoded(input)
      assert_kind_of Hash, Springbok::Form.parse_query(input)
      begin
        params = Springbok::Multipart.parse(input, MultipartCorpus::CT)
        assert_kind_of Hash, params
      rescue Springbok::Multipart::ParseError, Springbok::Multipart::LimitError => e
        refute_empty e.message
      end
      parser = Springbok::Multipart::Parser.new(nil, boundary: "AaB03x")
      begin
        parser.feed(input)
        parser.finish
      rescue Springbok::Multipart::ParseError => e
        refute_nil e.code
      end
    end
  end

  def test_random_bytes_into_response_heads
    300.times do
      value = random_bytes(20)
      name = random_bytes(8)
      begin
        out = Springbok::Rack.response_head(200, { name => value })
        assert out.end_with?("\r\n\r\n")
        refute_match(/[\r\n\0]/, out.byteslice(17...-4).delete("\r\n").then { value.count("\n").zero? ? value : "" })
      rescue Springbok::Rack::InvalidHeaderError => e
        assert_equal name, e.header
      end
    end
  end

  def test_wrong_types_everywhere
    [nil, 1, :sym, Object.new, [], 1.5].each do |bad|
      assert_raises(TypeError) { Springbok::HTTP.parse_http_request(bad, {}) }
      assert_raises(TypeError) { Springbok::HTTP.parse_http_request("GET / HTTP/1.1\r\n\r\n", bad) }
      assert_raises(TypeError) { Springbok::Puma::HttpParser.new.execute({}, bad, 0) }
      assert_raises(TypeError) { Springbok::Form.parse_urlencoded(bad) }
      assert_raises(TypeError) { Springbok::Multipart.parse(bad, MultipartCorpus::CT) } unless bad.respond_to?(:read)
      assert_raises(TypeError) { Springbok::Multipart.parse("", bad) }
      assert_raises(TypeError) { Springbok::Multipart.boundary(bad) }
      assert_raises(TypeError) { Springbok::Rack.response_head(200, bad) } unless bad.is_a?(Hash)
    end
  end

  def test_frozen_env_is_refused_before_anything
    env = { "a" => "b" }.freeze
    assert_raises(FrozenError) { Springbok::HTTP.parse_http_request("GET / HTTP/1.1\r\n\r\n", env) }
    assert_raises(FrozenError) { Springbok::Puma::HttpParser.new.execute(env, +"GET / HTTP/1.1\r\n\r\n", 0) }
    assert_equal({ "a" => "b" }, env)
  end

  def test_huge_heads
    huge = "GET / HTTP/1.1\r\n#{"X-Big: #{"a" * 1000}\r\n" * 10_000}\r\n".b # 10 MB
    assert_equal(-1, Springbok::HTTP.parse_http_request(huge, env = {}))
    assert_empty env
    error = assert_raises(Puma::HttpParserError) { Springbok::Puma::HttpParser.new.execute({}, huge, 0) }
    assert_match(/HEADER is longer/, error.message)
    endless = "GET /#{"a" * (10 << 20)}".b
    assert_equal(-1, Springbok::HTTP.parse_http_request(endless, {}))
    many = "GET / HTTP/1.1\r\n#{"a:\r\n" * 25_000}\r\n".b
    assert_equal many.bytesize, Springbok::Puma::HttpParser.new.execute(env = {}, many, 0)
    assert_equal(-1, Springbok::HTTP.parse_http_request(many, {}))
  end

  def test_huge_forms
    assert_raises(Springbok::Form::LimitError) { Springbok::Form.parse_urlencoded("a=b&" * (1 << 20)) }
    assert_equal 1 << 18, Springbok::Form.parse_urlencoded("a=b&" * (1 << 18), max_pairs: 1 << 20).size
  end

  def limit_error(limit, body, **options)
    error = assert_raises(Springbok::Multipart::LimitError, limit.to_s) do
      Springbok::Multipart.parse(body, MultipartCorpus::CT, **options)
    end
    assert_equal limit, error.limit
    assert_includes error.message, limit.to_s
    assert_kind_of Springbok::LimitError, error
    error
  end

  def test_every_multipart_limit_is_settable_and_named
    mc = MultipartCorpus
    two = mc.body(mc.field("a", "1"), mc.field("b", "2"))
    limit_error(:max_parts, two, max_parts: 1)
    limit_error(:max_header_bytes, two, max_header_bytes: 10)
    limit_error(:max_headers, mc.body(mc.part(["Content-Disposition: form-data; name=\"a\"", "X: 1", "Y: 2"], "v")),
                max_headers: 2)
    limit_error(:max_preamble_bytes, mc.body(mc.field("a", "1"), preamble: "x" * 100), max_preamble_bytes: 10)
    limit_error(:max_epilogue_bytes, mc.body(mc.field("a", "1"), epilogue: "x" * 100), max_epilogue_bytes: 10)
    limit_error(:max_epilogue_bytes, StringIO.new(mc.body(mc.field("a", "1"), epilogue: "x" * 100)),
                max_epilogue_bytes: 10, bufsize: 7)
  end

  def test_more_multipart_limits
    mc = MultipartCorpus
    e = limit_error(:max_field_bytes, mc.body(mc.field("a", "x" * 100)), max_field_bytes: 99)
    assert_equal 413, e.status
    assert_equal 99, e.value
    limit_error(:max_total_bytes, mc.body(mc.field("a", "x" * 100)), max_total_bytes: 50)
    files = mc.body(*Array.new(3) { |i| mc.file("f#{i}", "f#{i}.txt", "x") })
    e = limit_error(:max_files, files, max_files: 2)
    assert_equal 2, e.value
    assert_equal 3, Springbok::Multipart.parse(files, mc::CT, max_files: 3).size
    Springbok::Multipart.parse(files, mc::CT, max_files: 3).each_value { |f| f[:tempfile].close! }
    e = limit_error(:max_file_bytes, mc.body(mc.file("f", "f.txt", "x" * 100)), max_file_bytes: 99)
    assert_equal 413, e.status
    limit_error(:max_fields, mc.body(mc.field("a", "1"), mc.field("b", "2")), max_fields: 1)
  end

  def test_folded_part_headers_need_unfold_headers
    mc = MultipartCorpus
    folded = mc.body(mc.part(["Content-Disposition: form-data;", " name=\"a\""], "v"))
    assert_raises(Springbok::Multipart::ParseError) { Springbok::Multipart.parse(folded, mc::CT) }
    assert_equal({ "a" => "v" }, Springbok::Multipart.parse(folded, mc::CT, unfold_headers: true))
  end

  def test_multipart_defaults_are_the_documented_ones
    mc = MultipartCorpus
    many = mc.body(*Array.new(4097) { |i| mc.field("f#{i}", "") })
    assert_equal 4096, limit_error(:max_parts, many).value
    assert_equal 4096, Springbok::Multipart.parse(mc.body(*Array.new(4096) { |i| mc.field("f#{i}", "") }), mc::CT).size
    assert_equal 1 << 20, limit_error(:max_field_bytes, mc.body(mc.field("a", "x" * ((1 << 20) + 1)))).value
    assert_equal 16, limit_error(:max_headers, mc.body(mc.part(Array.new(17) { |i| "X-#{i}: v" }, ""))).value
    assert_equal 128, limit_error(:max_files, mc.body(*Array.new(129) { |i| mc.file("f#{i}", "f.txt", "") })).value
    assert_equal 4096, limit_error(:max_fields, many, max_parts: 5000).value
    assert_equal Springbok::Multipart::LIMITS[:max_header_bytes],
                 limit_error(:max_header_bytes, mc.body(mc.part(["X: #{"v" * 17_000}"], ""))).value
  end

  def test_tempfiles_are_removed_when_parsing_fails
    mc = MultipartCorpus
    made = []
    factory = ->(*) { Tempfile.new("sb-test").tap { |t| made << t.path } }
    body = mc.body(mc.file("a", "a.txt", "x" * 1000), mc.field("b", "y" * 100))
    assert_raises(Springbok::Multipart::LimitError) do
      Springbok::Multipart.parse(body, mc::CT, tempfile_factory: factory, max_field_bytes: 10)
    end
    assert_equal 1, made.size
    refute File.exist?(made.first), "the Tempfile of a failed parse is unlinked"
  end

  def test_garbage_collector_stress
    GC.stress = true
    3.times do
      Springbok::HTTP.parse_http_request(Realistic.request(20), {})
      Springbok::Puma::HttpParser.new.execute({}, +Realistic.request(20), 0)
      Springbok::Form.parse_query("a=1&b=%20&a=3")
      ct, body = MultipartCorpus::CASES.fetch("mixed")
      Springbok::Multipart.parse(body, ct)["doc"][:tempfile].close!
      Springbok::Multipart::Parser.new(ct).feed(body) { |*| }
      Springbok::Rack.response_head(200, { "a" => ["b", "c"], "d" => "e\nf" })
    end
  ensure
    GC.stress = false
  end
end
