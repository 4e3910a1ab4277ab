# frozen_string_literal: true

require_relative "../../bench/realistic"

# Request heads for the differential tests: named, binary, frozen. Valid
# shapes first, then the edges where parsers disagree, then invalid ones.
module RequestCorpus
  CRLF = "\r\n"

  def self.req(line, *headers, body: "")
    ([line] + headers).map { |l| l + CRLF }.join.concat(CRLF, body).b.freeze
  end

  CASES = {
    "minimal" => req("GET / HTTP/1.1"),
    "http10" => req("GET / HTTP/1.0"),
    "query" => req("GET /search?q=springbok&lang=en HTTP/1.1", "Host: example.com"),
    "empty query" => req("GET /a? HTTP/1.1", "Host: x"),
    "percent path" => req("GET /caf%C3%A9/a%20b HTTP/1.1", "Host: x"),
    "semicolon path" => req("GET /a/b;c?d=1 HTTP/1.1", "Host: x"),
    "double slash" => req("GET //a//b HTTP/1.1", "Host: x"),
    "post" => req("POST /form HTTP/1.1", "Host: x", "Content-Type: application/x-www-form-urlencoded",
                  "Content-Length: 7", body: "a=1&b=2"),
    "pipelined" => req("GET /1 HTTP/1.1", "Host: x", body: "GET /2 HTTP/1.1\r\nHost: x\r\n\r\n"),
    "duplicates joined" => req("GET / HTTP/1.1", "X-Foo: a", "x-foo: b", "X-FOO: c"),
    "cookie twice" => req("GET / HTTP/1.1", "Cookie: a=1", "Cookie: b=2"),
    "content headers" => req("PUT /x HTTP/1.1", "content-type: text/plain", "CONTENT-LENGTH: 0"),
    "empty value" => req("GET / HTTP/1.1", "X-Empty:", "X-Empty2: "),
    "trailing spaces" => req("GET / HTTP/1.1", "Host: x  "),
    "no space after colon" => req("GET / HTTP/1.1", "Host:x"),
    "tchar names" => req("GET / HTTP/1.1", "X.Dot: 1", "X~Tilde: 2", "X!Bang: 3", "X#Hash: 4"),
    "obs-text value" => req("GET / HTTP/1.1", "X-Utf8: caf\xC3\xA9"),
    "long realistic" => Realistic.request(100),
    "pico bench" => req("GET /wp-content/uploads/2010/03/hello-kitty-darth-vader-pink.jpg HTTP/1.1",
                        "Host: www.kittyhell.com",
                        "Accept: text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8",
                        "Keep-Alive: 115", "Connection: keep-alive"),
    "methods" => req("PROPFIND /dav HTTP/1.1", "Host: x"),
    "options star" => req("OPTIONS * HTTP/1.1", "Host: x"),
    "absolute form" => req("GET http://example.com/p?q=1 HTTP/1.1", "Host: example.com"),
    "connect" => req("CONNECT example.com:443 HTTP/1.1", "Host: example.com:443"),
    # Edges where parsers differ.
    "fragment" => req("GET /a/b?c=d#frag HTTP/1.1", "Host: x"),
    "bad percent" => req("GET /a%zz HTTP/1.1", "Host: x"),
    "raw utf8 target" => req("GET /caf\xC3\xA9 HTTP/1.1", "Host: x"),
    "quote in target" => req("GET /a\"b HTTP/1.1", "Host: x"),
    "lowercase method" => req("get / HTTP/1.1", "Host: x"),
    "http 2.0" => req("GET / HTTP/2.0", "Host: x"),
    "http 1.2" => req("GET / HTTP/1.2", "Host: x"),
    "underscore header" => req("GET / HTTP/1.1", "X_Foo: a"),
    "underscore spoof" => req("GET / HTTP/1.1", "X-Forwarded-For: 1.1.1.1", "X_Forwarded_For: 6.6.6.6"),
    "version header" => req("GET / HTTP/1.1", "Version: 9"),
    "leading tab value" => req("GET / HTTP/1.1", "X-Tab:\tvalue"),
    "trailing tab value" => req("GET / HTTP/1.1", "X-Tab: value\t"),
    "inner tab value" => req("GET / HTTP/1.1", "X-Tab: a\tb"),
    "control in value" => req("GET / HTTP/1.1", "X-Ctl: a\x01b"),
    "del in value" => req("GET / HTTP/1.1", "X-Del: a\x7Fb"),
    "nul in value" => req("GET / HTTP/1.1", "X-Nul: a\x00b"),
    "bare lf" => "GET / HTTP/1.1\nHost: x\n\n".b.freeze,
    "bare lf in value" => req("GET / HTTP/1.1", "X: a\nb"),
    "bare cr" => req("GET / HTTP/1.1", "X: a\rb"),
    "obs fold" => req("GET / HTTP/1.1", "X: a", " b"),
    "space before colon" => req("GET / HTTP/1.1", "Host : x"),
    "leading empty line" => "\r\nGET / HTTP/1.1\r\n\r\n".b.freeze,
    "two spaces" => req("GET  / HTTP/1.1", "Host: x"),
    "space in target" => req("GET /a b HTTP/1.1", "Host: x"),
    "no version" => req("GET /", "Host: x"),
    "empty name" => req("GET / HTTP/1.1", ": x"),
    "space in name" => req("GET / HTTP/1.1", "X Y: z"),
    "tls hello" => "\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03".b.freeze,
    "garbage" => "hello world\r\n\r\n".b.freeze,
    # Limits (Puma's: path 8192, query 10240, URI 12288, fragment 1024,
    # name 256, value 80 KiB, head 112 KiB).
    "path at puma limit" => req("GET /#{"a" * 8191} HTTP/1.1", "Host: x"),
    "path over puma limit" => req("GET /#{"a" * 8192} HTTP/1.1", "Host: x"),
    "query over puma limit" => req("GET /?#{"q" * 10_241} HTTP/1.1", "Host: x"),
    "uri over puma limit" => req("GET /#{"a" * 8000}?#{"q" * 5000} HTTP/1.1", "Host: x"),
    "name at puma limit" => req("GET / HTTP/1.1", "#{"N" * 256}: x"),
    "name over puma limit" => req("GET / HTTP/1.1", "#{"N" * 257}: x"),
    "value at puma limit" => req("GET / HTTP/1.1", "X: #{"v" * 81_920}"),
    "value over puma limit" => req("GET / HTTP/1.1", "X: #{"v" * 81_921}"),
    "head over puma limit" => req("GET / HTTP/1.1", *Array.new(120) { |i| "X-H#{i}: #{"h" * 1000}" }),
    "many headers" => req("GET / HTTP/1.1", *Array.new(300) { |i| "X-H#{i}: #{i}" }),
  }.freeze
end
