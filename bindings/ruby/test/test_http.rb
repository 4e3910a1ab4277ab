# frozen_string_literal: true

require_relative "test_helper"
require_relative "support/request_corpus"
require "springbok/pico_http_parser"

# Springbok::HTTP.parse_http_request and PicoHTTPParser: the pico_http_parser
# gem's contract (its documented results: head length, -1, -2; the env it
# fills), which cannot be run side by side here (no gem server).
class TestHTTP < Minitest::Test
  include SpringbokTestHelper

  def parse(str, parser: Springbok::HTTP)
    env = {}
    [parser.parse_http_request(str, env), env]
  end

  def test_get_with_query
    ret, env = parse("GET /abc?x=%79 HTTP/1.0\r\n\r\n")
    assert_equal 27, ret
    assert_equal({ "PATH_INFO" => "/abc", "QUERY_STRING" => "x=%79", "REQUEST_METHOD" => "GET",
                   "REQUEST_URI" => "/abc?x=%79", "SCRIPT_NAME" => "", "SERVER_PROTOCOL" => "HTTP/1.0" }, env)
  end

  def test_post_with_headers
    req = "POST /hoge HTTP/1.1\r\nContent-Type: text/plain\r\nContent-Length: 15\r\nHost: example.com\r\n" \
          "User-Agent: hoge\r\n\r\n"
    ret, env = parse(req + "body follows")
    assert_equal req.bytesize, ret
    assert_equal({ "CONTENT_LENGTH" => "15", "CONTENT_TYPE" => "text/plain", "HTTP_HOST" => "example.com",
                   "HTTP_USER_AGENT" => "hoge", "PATH_INFO" => "/hoge", "REQUEST_METHOD" => "POST",
                   "REQUEST_URI" => "/hoge", "QUERY_STRING" => "", "SCRIPT_NAME" => "",
                   "SERVER_PROTOCOL" => "HTTP/1.1" }, env)
  end

  def test_path_info_is_percent_decoded
    assert_equal "/a b", parse("GET /a%20b HTTP/1.0\r\n\r\n")[1]["PATH_INFO"]
    assert_equal "/a/b#c", parse("GET /a/b%23c HTTP/1.0\r\n\r\n")[1]["PATH_INFO"]
    assert_equal "/caf\xC3\xA9".b, parse("GET /caf%C3%A9 HTTP/1.1\r\n\r\n")[1]["PATH_INFO"]
  end

  def test_bad_escapes_are_minus_one_and_leave_env_alone
    ["GET /a%2zb HTTP/1.0\r\n\r\n", "GET /a%2 HTTP/1.0\r\n\r\n"].each do |req|
      env = { "keep" => "me" }
      assert_equal(-1, Springbok::HTTP.parse_http_request(req, env))
      assert_equal({ "keep" => "me" }, env)
    end
  end

  def test_fragments_need_the_loose_target_leniency
    assert_equal(-1, parse("GET /a/b#c HTTP/1.0\r\n\r\n")[0])
    loose = Springbok::HTTP::Parser.new(lenient: [:loose_target])
    ret, env = parse("GET /a/b?c=d#e HTTP/1.0\r\n\r\n", parser: loose)
    assert_equal 27, ret
    assert_equal "/a/b", env["PATH_INFO"]
    assert_equal "/a/b?c=d#e", env["REQUEST_URI"]
    assert_equal "c=d", env["QUERY_STRING"]
  end

  def test_incomplete_is_minus_two_and_leaves_env_alone
    req = RequestCorpus::CASES.fetch("query")
    (0...req.bytesize).each do |n|
      env = {}
      assert_equal(-2, Springbok::HTTP.parse_http_request(req.byteslice(0, n), env), "prefix #{n}")
      assert_empty env
    end
  end

  def test_pico_http_parser_name
    assert_equal Springbok::HTTP.parse_http_request("GET / HTTP/1.1\r\n\r\n", {}),
                 PicoHTTPParser.parse_http_request("GET / HTTP/1.1\r\n\r\n", {})
    env = {}
    assert_equal 18, PicoHTTPParser.parse_http_request("GET / HTTP/1.1\r\n\r\n", env)
    assert_equal "/", env["PATH_INFO"]
    refute_nil PicoHTTPParser::VERSION
  end

  def test_keys_are_frozen_interned_and_values_fresh
    _, env1 = parse(Realistic.request(20))
    _, env2 = parse(Realistic.request(20))
    env1.each_key do |key|
      assert key.frozen?, key
      other = env2.keys.find { |k| k == key }
      assert_same key, other, "#{key} is one String for every request"
    end
    assert_same "HTTP_USER_AGENT".freeze, env1.keys.find { |k| k == "HTTP_USER_AGENT" }
    env1.each do |key, value|
      next if %w[SCRIPT_NAME SERVER_PROTOCOL].include?(key)
      refute value.frozen?, key
      refute_same value, env2[key]
      assert_equal Encoding::BINARY, value.encoding
    end
    # Like pico_http_parser: the two fixed values are frozen shared Strings.
    assert env1["SERVER_PROTOCOL"].frozen?
    assert_same env1["SCRIPT_NAME"], env2["SCRIPT_NAME"]
  end

  def test_uncommon_header_names_are_interned_too
    _, env1 = parse("GET / HTTP/1.1\r\nX-Very-Rare-Header-Name: 1\r\n\r\n")
    _, env2 = parse("GET / HTTP/1.1\r\nx-very-rare-header-name: 2\r\n\r\n")
    assert_same env1.keys.last, env2.keys.last
    assert_equal "HTTP_X_VERY_RARE_HEADER_NAME", env1.keys.last
  end

  def test_duplicates_and_content_headers
    _, env = parse(RequestCorpus::CASES.fetch("duplicates joined"))
    assert_equal "a, b, c", env["HTTP_X_FOO"]
    _, env = parse(RequestCorpus::CASES.fetch("content headers"))
    assert_equal "text/plain", env["CONTENT_TYPE"]
    assert_equal "0", env["CONTENT_LENGTH"]
    refute env.key?("HTTP_CONTENT_TYPE")
  end

  def test_keys_already_in_the_env_are_replaced
    env = { "HTTP_HOST" => +"old", "rack.input" => :kept }
    Springbok::HTTP.parse_http_request("GET / HTTP/1.1\r\nHost: new\r\n\r\n", env)
    assert_equal "new", env["HTTP_HOST"]
    assert_equal :kept, env["rack.input"]
  end

  def test_rack_flavour
    rack = Springbok::HTTP::Parser.new(flavor: :rack)
    _, env = parse("GET /caf%C3%A9?x=1 HTTP/1.1\r\nHost: h\r\n\r\n", parser: rack)
    assert_equal "/caf%C3%A9", env["PATH_INFO"]
    assert_equal "/caf%C3%A9", env["REQUEST_PATH"]
    assert_equal "HTTP/1.1", env["HTTP_VERSION"]
    refute env["SERVER_PROTOCOL"].frozen?
    _, env = parse("GET / HTTP/1.1\r\n\r\n", parser: Springbok::HTTP::Parser.new(flavor: :rack, http_version: false))
    refute env.key?("HTTP_VERSION")
  end

  def test_underscore_policies
    req = RequestCorpus::CASES.fetch("underscore spoof")
    _, env = parse(req)
    assert_equal "1.1.1.1", env["HTTP_X_FORWARDED_FOR"]
    _, env = parse(req, parser: Springbok::HTTP::Parser.new(underscores: :allow))
    assert_equal "1.1.1.1, 6.6.6.6", env["HTTP_X_FORWARDED_FOR"]
    strict = Springbok::HTTP::Parser.new(underscores: :reject)
    assert_equal(-1, strict.parse_http_request(req, env = {}))
    assert_empty env
    error = assert_raises(Springbok::HTTP::ParseError) { strict.parse_request(req, {}) }
    assert_equal 400, error.status
  end

  def test_header_count_limit
    many = RequestCorpus::CASES.fetch("many headers") # 300 headers
    assert_equal(-1, Springbok::HTTP.parse_http_request(many, {}), "pico_http_parser's 128")
    roomy = Springbok::HTTP::Parser.new(max_headers: 1000)
    ret, env = parse(many, parser: roomy)
    assert_equal many.bytesize, ret
    assert_equal "299", env["HTTP_X_H299"]
    error = assert_raises(Springbok::HTTP::ParseError) { Springbok::HTTP::DEFAULT_PARSER.parse_request(many, {}) }
    assert_equal 431, error.status
  end

  def test_parse_request_reports_why
    parser = Springbok::HTTP::Parser.new(max_target_len: 16)
    assert_nil parser.parse_request("GET / HTTP/1.1\r\n", {})
    assert_equal 18, parser.parse_request("GET / HTTP/1.1\r\n\r\n", {})
    error = assert_raises(Springbok::HTTP::ParseError) { parser.parse_request("GET /#{"a" * 20} HTTP/1.1\r\n\r\n", {}) }
    assert_equal 414, error.status
    assert_kind_of Integer, error.code
    error = assert_raises(Springbok::HTTP::ParseError) { parser.parse_request("GET / HTTP/2.0\r\n\r\n", {}) }
    assert_equal 505, error.status
    error = assert_raises(Springbok::HTTP::ParseError) { parser.parse_request("GET / HTTP/1.1\r\nA B: c\r\n\r\n", {}) }
    assert_equal 400, error.status
    assert_equal 17, error.offset
  end

  def test_leniencies
    fold = "GET / HTTP/1.0\r\nFoo: a\r\n  b\r\n\r\n"
    assert_equal(-1, Springbok::HTTP.parse_http_request(fold, {}))
    _, env = parse(fold, parser: Springbok::HTTP::Parser.new(lenient: [:obs_fold]))
    assert_equal "a b", env["HTTP_FOO"]
    _, env = parse("GET / HTTP/1.1\nHost: x\n\n", parser: Springbok::HTTP::Parser.new(lenient: %i[bare_lf]))
    assert_equal "x", env["HTTP_HOST"]
    pico = Springbok::HTTP::Parser.new(lenient: [:picohttpparser])
    quote = "GET /a\"b HTTP/1.1\r\n\r\n"
    assert_equal quote.bytesize, pico.parse_http_request(quote, {})
    assert_raises(ArgumentError) { Springbok::HTTP::Parser.new(lenient: [:everything]) }
    assert_raises(ArgumentError) { Springbok::HTTP::Parser.new(max_head_bytes: 0) }
    assert_raises(ArgumentError) { Springbok::HTTP::Parser.new(flavor: :psgi) }
    assert_raises(ArgumentError) { Springbok::HTTP::Parser.new(colour: :blue) }
  end

  def test_default_parser_cannot_be_reconfigured
    assert Springbok::HTTP::DEFAULT_PARSER.frozen?
    assert_raises(FrozenError) { Springbok::HTTP::DEFAULT_PARSER.send(:initialize, flavor: :rack) }
  end

  def test_input_is_never_written
    req = RequestCorpus::CASES.fetch("duplicates joined")
    shared = req.dup
    Springbok::HTTP.parse_http_request(shared, {})
    assert_equal req, shared
    assert_equal req.bytesize, Springbok::HTTP.parse_http_request(req, {}) # frozen input
  end
end
