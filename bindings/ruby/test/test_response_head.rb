# frozen_string_literal: true

require_relative "test_helper"

class TestResponseHead < Minitest::Test
  def head(*args, **opts) = Springbok::Rack.response_head(*args, **opts)

  def test_rack2_headers
    out = head(200, { "Content-Type" => "text/plain", "Set-Cookie" => "a=1\nb=2", "Content-Length" => "5" })
    assert_equal "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nSet-Cookie: a=1\r\nSet-Cookie: b=2\r\n" \
                 "Content-Length: 5\r\n\r\n", out
    assert_equal Encoding::BINARY, out.encoding
  end

  def test_rack2_newline_splitting_is_pumas
    # String#split("\n"): empty pieces inside kept, trailing ones dropped.
    assert_equal "HTTP/1.1 200 OK\r\nX: a\r\nX: \r\nX: b\r\n\r\n", head(200, { "X" => "a\n\nb\n\n" })
    assert_equal "HTTP/1.1 200 OK\r\n\r\n", head(200, { "X" => "\n\n" })
  end

  def test_rack3_headers
    out = head(201, { "content-type" => "application/json", "set-cookie" => ["a=1", "b=2"], "vary" => [] },
               split_newlines: false)
    assert_equal "HTTP/1.1 201 Created\r\ncontent-type: application/json\r\nset-cookie: a=1\r\nset-cookie: b=2\r\n\r\n", out
  end

  def test_reason_version_and_unknown_status
    assert_equal "HTTP/1.0 404 Gone Fishing\r\n\r\n", head(404, {}, reason: "Gone Fishing", http_1_0: true)
    assert_equal "HTTP/1.1 599 \r\n\r\n", head(599, {})
  end

  def test_framing_headers_of_bodiless_statuses_are_dropped
    assert_equal "HTTP/1.1 204 No Content\r\nX: y\r\n\r\n", head(204, { "Content-Length" => "0", "X" => "y" })
    assert_equal "HTTP/1.1 304 Not Modified\r\n\r\n", head(304, { "transfer-encoding" => "chunked" })
  end

  def test_injection_names_the_header_and_writes_nothing
    { "a\rb" => "X-Cr", "a\0b" => "X-Nul" }.each do |value, name|
      buffer = +"kept"
      error = assert_raises(Springbok::Rack::InvalidHeaderError) do
        head(200, { "Ok" => "fine", name => value }, into: buffer)
      end
      assert_kind_of ArgumentError, error
      assert_equal name, error.header
      assert_includes error.message, name
      assert_equal 1, error.offset
      assert_equal "kept", buffer
    end
    error = assert_raises(Springbok::Rack::InvalidHeaderError) { head(200, { "X-Lf" => "a\nb" }, split_newlines: false) }
    assert_equal "X-Lf", error.header
    error = assert_raises(Springbok::Rack::InvalidHeaderError) { head(200, { "x-list" => ["ok", "a\r\nEvil: 1"] }) }
    assert_equal "x-list", error.header
    error = assert_raises(Springbok::Rack::InvalidHeaderError) { head(200, { "Bad Name" => "v" }) }
    assert_equal "Bad Name", error.header
    assert_raises(Springbok::Rack::InvalidHeaderError) { head(200, { "" => "v" }) }
    assert_raises(Springbok::Rack::InvalidHeaderError) { head(200, { "X" => "a\x01b" }) }
  end

  def test_bad_status_and_reason
    assert_raises(Springbok::Rack::InvalidResponseError) { head(99, {}) }
    assert_raises(Springbok::Rack::InvalidResponseError) { head(1000, {}) }
    error = assert_raises(Springbok::Rack::InvalidResponseError) { head(200, {}, reason: "O\r\nK") }
    assert_kind_of ArgumentError, error
    refute_kind_of Springbok::Rack::InvalidHeaderError, error
  end

  def test_into_appends
    buffer = +"previous|"
    assert_same buffer, head(200, { "A" => "b" }, into: buffer)
    assert_equal "previous|HTTP/1.1 200 OK\r\nA: b\r\n\r\n", buffer
  end

  def test_many_and_long_headers
    headers = (0...200).to_h { |i| ["X-H#{i}", "v" * i] }
    out = head(200, headers)
    assert_equal 202, out.count("\n")
    assert out.end_with?("X-H199: #{"v" * 199}\r\n\r\n")
  end

  def test_wrong_types
    assert_raises(TypeError) { head(200, nil) }
    assert_raises(TypeError) { head(200, [["a", "b"]]) }
    assert_raises(TypeError) { head(200, { a: "b" }) }
    assert_raises(TypeError) { head(200, { "a" => 1 }) }
    assert_raises(TypeError) { head(200, { "a" => ["x", nil] }) }
    assert_raises(TypeError) { head("200", {}) }
    assert_raises(ArgumentError) { head(200, {}, colour: 1) }
    assert_raises(FrozenError) { head(200, {}, into: "frozen".freeze) }
  end
end
