# frozen_string_literal: true

require_relative "test_helper"
require "rack"
require "rack/utils"
require "uri"

# Springbok::Form against Rack::Utils.parse_query (Debian's ruby-rack 2.2)
# and URI.decode_www_form, field by field.
class TestForm < Minitest::Test
  include SpringbokTestHelper

  CORPUS = [
    "", "a=1", "a=1&b=2", "a=1&a=2&a=3", "a", "a=", "=b", "=", "&", "&&a=1&&", "a=1;b=2", "a=1& b=2", "a=1&  b=2",
    "a=%20+x", "a+b=c+d", "a=b=c", "k%5B%5D=v&k%5B%5D=w", "%E2%82%AC=%E2%82%AC", "a=%C3", "a=%zz", "a=%", "a=%4",
    "%00=%00", "a=1&a", "a&a=1", "a=1&amp;b=2", "q=springbok&lang=en&page=2&sort=desc&filter=active&limit=50",
    "x=%2B%26%3D%25", "a=%e2%82%ac", "a==", "a=1&b&c=3", "emoji=%F0%9F%A6%8C", "sp=a%20b%20c", "plus=a+b+c",
  ].freeze

  def rack(qs)
    Rack::Utils.parse_query(qs.b)
  rescue StandardError => e
    [:error, e.class]
  end

  def uri(qs)
    URI.decode_www_form(qs)
  rescue StandardError => e
    [:error, e.class]
  end

  def generated
    alphabet = ["a", "b", "=", "&", ";", " ", "+", "%", "2", "F", "%41", "%zz", "%E2%82%AC", "%C3", "é"]
    Array.new(400) { Array.new(rng.rand(12)) { alphabet[rng.rand(alphabet.size)] }.join.b.force_encoding("UTF-8") }
  end

  def assert_agree(peer, qs, theirs, ours)
    agree, = Differences.reconcile(peer, qs, theirs, ours)
    assert agree, "#{peer} #{qs.inspect}\n  peer:      #{theirs.inspect}\n  springbok: #{ours.inspect}"
  end

  def test_parse_query_against_rack
    (CORPUS + generated).each do |qs|
      assert_agree(:rack_query, qs, rack(qs), Springbok::Form.parse_query(qs))
    end
  end

  def test_parse_urlencoded_against_uri_decode_www_form
    (CORPUS + generated).each do |qs|
      assert_agree(:uri_form, qs, uri(qs), Springbok::Form.parse_urlencoded(qs))
    end
  end

  def test_twenty_thousand_pairs
    qs = Array.new(20_000) { |i| "key#{i}=value+#{i}%21" }.join("&")
    ours = Springbok::Form.parse_urlencoded(qs, max_pairs: 20_000)
    assert_equal URI.decode_www_form(qs), ours
    big = Rack::QueryParser.make_default(1 << 20, 100, params_limit: 100_000)
    assert_equal big.parse_query(qs), Springbok::Form.parse_query(qs, max_pairs: 20_000)
  end

  def test_values_are_utf8_strings_of_their_own
    pairs = Springbok::Form.parse_urlencoded("a=%E2%82%AC&b=c")
    assert(pairs.flatten.all? { |s| s.encoding == Encoding::UTF_8 && !s.frozen? })
    assert_equal "€", pairs[0][1]
  end

  def test_perl_mode
    assert_equal [["a", "1"], ["b", "2"], ["", ""], ["c", ""]], Springbok::Form.parse_urlencoded("a=1; b=2&&c", mode: :perl)
    assert_equal({ "a" => "1", "b" => "2" }, Springbok::Form.parse_query("a=1;b=2", mode: :perl))
  end

  def test_limits_name_themselves
    error = assert_raises(Springbok::Form::LimitError) { Springbok::Form.parse_urlencoded("a&b&c", max_pairs: 2) }
    assert_equal :max_pairs, error.limit
    assert_equal 2, error.value
    assert_equal 413, error.status
    assert_match(/max_pairs/, error.message)
    error = assert_raises(Springbok::Form::LimitError) { Springbok::Form.parse_query("a=12345", max_bytes: 4) }
    assert_equal :max_bytes, error.limit
    assert_kind_of Springbok::LimitError, error
    assert_equal 4096, Springbok::Form.parse_urlencoded((["a=1"] * 4096).join("&")).size
    assert_raises(Springbok::Form::LimitError) { Springbok::Form.parse_urlencoded((["a=1"] * 4097).join("&")) }
    assert_raises(Springbok::Form::LimitError) { Springbok::Form.parse_urlencoded("a" * ((4 << 20) + 1)) }
    assert_equal 1, Springbok::Form.parse_urlencoded("a=#{"b" * ((4 << 20) - 2)}").size
  end

  def test_bad_arguments
    assert_raises(TypeError) { Springbok::Form.parse_urlencoded(nil) }
    assert_raises(TypeError) { Springbok::Form.parse_query(42) }
    assert_raises(ArgumentError) { Springbok::Form.parse_urlencoded("a", mode: :rack) }
    assert_raises(ArgumentError) { Springbok::Form.parse_urlencoded("a", nope: 1) }
    assert_raises(ArgumentError) { Springbok::Form.parse_urlencoded("a", max_pairs: -1) }
    assert_raises(TypeError) { Springbok::Form.parse_urlencoded("a", max_pairs: "1") }
  end

  def test_input_is_not_changed_and_may_be_frozen
    qs = +"a=%20&b=+"
    copy = qs.dup
    Springbok::Form.parse_query(qs)
    assert_equal copy, qs
    assert_equal({ "a" => " ", "b" => " " }, Springbok::Form.parse_query(qs.freeze))
  end
end
