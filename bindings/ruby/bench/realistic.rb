# frozen_string_literal: true

# The realistic requests of the Rust benches (benches/src/lib.rs,
# `realistic_request`), byte for byte: a browser GET behind a proxy with n
# headers, the first 20 real-world lines, then tracing headers of the same
# shape. test/test_realistic.rb checks these against the Rust source.
module Realistic
  REQUEST_LINE = "GET /articles/2024/05/springbok-migration.html?ref=home&utm_source=feed HTTP/1.1"
  LINES = [
    "Host: www.example.com",
    "User-Agent: Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0",
    "Accept: text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8",
    "Accept-Language: en-US,en;q=0.5",
    "Accept-Encoding: gzip, deflate, br, zstd",
    "Connection: keep-alive",
    "Upgrade-Insecure-Requests: 1",
    "Sec-Fetch-Dest: document",
    "Sec-Fetch-Mode: navigate",
    "Sec-Fetch-Site: none",
    "Sec-Fetch-User: ?1",
    "Priority: u=0, i",
    "Cookie: session=8f14e45fceea167a5a36dedd4bea2543; theme=dark; consent=yes",
    "Cache-Control: max-age=0",
    "X-Forwarded-For: 203.0.113.195, 70.41.3.18, 150.172.238.178",
    "X-Forwarded-Proto: https",
    "X-Real-IP: 203.0.113.195",
    "Referer: https://www.example.com/articles/2024/05/springbok-migration.html",
    "If-None-Match: \"33a64df551425fcc55e4d42a148795d9f25f89d4\"",
    "If-Modified-Since: Wed, 21 Oct 2015 07:28:00 GMT",
  ].freeze
  COUNTS = [0, 1, 2, 4, 10, 20, 50, 100].freeze

  def self.custom_line(i)
    "X-Custom-Header-#{i}: v#{i}-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7"
  end

  # The request with `n` headers, frozen, binary.
  def self.request(n)
    lines = (0...n).map { |i| LINES[i] || custom_line(i) }
    ([REQUEST_LINE] + lines).map { |l| "#{l}\r\n" }.join.concat("\r\n").b.freeze
  end
end
