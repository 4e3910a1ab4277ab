# frozen_string_literal: true

require_relative "test_helper"
require_relative "../bench/realistic"

# The benchmark's requests must be the Rust benches' bytes: read them out of
# benches/src/lib.rs (when the gem runs inside the checkout).
class TestRealistic < Minitest::Test
  RUST = File.expand_path("../../../benches/src/lib.rs", __dir__)

  def rust_source
    skip "benches/src/lib.rs is not next to this gem" unless File.file?(RUST)
    File.read(RUST)
  end

  def rust_literal(text)
    text.gsub(/\\(["\\])/, '\1')
  end

  def test_realistic_lines_match_the_rust_benches
    src = rust_source
    block = src[/const REALISTIC: \[&str; (\d+)\] = \[(.*?)\n\];/m, 2]
    refute_nil block, "REALISTIC not found in #{RUST}"
    lines = block.scan(/^\s*"((?:[^"\\]|\\.)*)",\s*$/).map { |(l)| rust_literal(l) }
    assert_equal Realistic::LINES, lines
  end

  def test_request_line_and_custom_headers_match_the_rust_benches
    src = rust_source
    fn = src[/pub fn realistic_request\(n: usize\).*?\n\}/m]
    refute_nil fn
    assert_includes fn, %(b"#{Realistic::REQUEST_LINE}\\r\\n")
    format = fn[/format!\("([^"]*)"\)/, 1]
    assert_equal "X-Custom-Header-{i}: v{i}-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7", format
    assert_equal format.gsub("{i}", "37"), Realistic.custom_line(37)
    assert_equal Realistic::COUNTS, src[/HEADER_COUNTS: \[usize; \d+\] = \[([^\]]*)\]/, 1].split(",").map(&:to_i)
  end

  def test_requests_parse_with_every_header
    Realistic::COUNTS.each do |n|
      env = {}
      req = Realistic.request(n)
      assert_equal req.bytesize, Springbok::HTTP.parse_http_request(req, env), "n=#{n}"
      assert_equal n, env.keys.count { |k| k.start_with?("HTTP_") }, "n=#{n}"
    end
  end
end
