# frozen_string_literal: true

# multipart/form-data bodies for the differential tests: [content_type,
# body] pairs, named. Built by hand, so that odd shapes are exact.
module MultipartCorpus
  B = "AaB03x"
  CT = "multipart/form-data; boundary=#{B}"

  def self.part(headers, data)
    "--#{B}\r\n#{headers.map { |h| "#{h}\r\n" }.join}\r\n#{data}\r\n".b
  end

  def self.body(*parts, preamble: "", epilogue: "")
    (preamble.b + parts.join.b + "--#{B}--\r\n#{epilogue}".b).freeze
  end

  def self.field(name, value)
    part(["Content-Disposition: form-data; name=\"#{name}\""], value)
  end

  def self.file(name, filename, data, type: "application/octet-stream")
    part(["Content-Disposition: form-data; name=\"#{name}\"; filename=\"#{filename}\"",
          "Content-Type: #{type}"], data)
  end

  BINARY = (0..255).map(&:chr).join.b * 4

  CASES = {
    "one field" => [CT, body(field("a", "1"))],
    "fields" => [CT, body(field("a", "1"), field("b", "two words"), field("c", ""))],
    "repeated field" => [CT, body(field("a", "1"), field("a", "2"))],
    "utf8 field" => [CT, body(field("caf\xC3\xA9", "\xE2\x82\xAC 5"))],
    "crlf in value" => [CT, body(field("t", "line1\r\nline2\r\n"))],
    "boundary-like data" => [CT, body(field("t", "--#{B}x\r\n--#{B[0, 4]}\r\n-- "))],
    "file" => [CT, body(file("up", "a.txt", "hello\r\nworld", type: "text/plain"))],
    "binary file" => [CT, body(file("bin", "b.bin", BINARY))],
    "empty file" => [CT, body(file("up", "e.txt", ""))],
    "no file chosen" => [CT, body(field("a", "1"), file("up", "", ""))],
    "windows path" => [CT, body(file("up", "C:\\Users\\me\\photo.jpg", "jpg"))],
    "directory name" => [CT, body(file("up", "photos/", "x"))],
    "unix path" => [CT, body(file("up", "/etc/passwd", "x"))],
    "file without type" => [CT, body(part(["Content-Disposition: form-data; name=\"f\"; filename=\"n.txt\""], "x"))],
    "mixed" => [CT, body(field("title", "hi"), file("doc", "d.pdf", "%PDF-1.4"), field("tags", "a,b"))],
    "nested names" => [CT, body(field("user[name]", "x"), field("user[age]", "3"), field("list[]", "1"),
                                field("list[]", "2"))],
    "no name" => [CT, body(part(["Content-Disposition: form-data"], "anon"))],
    "no name with type" => [CT, body(part(["Content-Disposition: form-data", "Content-Type: text/html"], "<p>"))],
    "no name file" => [CT, body(part(["Content-Disposition: form-data; filename=\"x.txt\""], "x"))],
    "unquoted name" => [CT, body(part(["Content-Disposition: form-data; name=field"], "v"))],
    "quote escape in name" => [CT, body(field("a%22b", "v"))],
    "quoted boundary" => ["multipart/form-data; boundary=\"#{B}\"", body(field("a", "1"))],
    "preamble and epilogue" => [CT, body(field("a", "1"), preamble: "ignored\r\n", epilogue: "trailing\r\n")],
    "header case" => [CT, body(part(["content-disposition: form-data; name=\"a\""], "1"))],
    "extra part header" => [CT, body(part(["Content-Disposition: form-data; name=\"a\"", "X-Extra: y"], "1"))],
    "content type charset" => [CT, body(part(["Content-Disposition: form-data; name=\"a\"",
                                              "Content-Type: text/plain; charset=iso-8859-1"], "\xE9"))],
    "unknown charset" => [CT, body(part(["Content-Disposition: form-data; name=\"a\"",
                                         "Content-Type: text/plain; charset=x-unknown"], "v"))],
    "odd parameter name" => [CT, body(part(["Content-Disposition: form-data; na%e=\"up\"; filename*=UTF-8''a.txt"], "x"))],
    "percent filename" => [CT, body(file("up", "a%20b.txt", "x"))],
    "filename star" => [CT, body(part(["Content-Disposition: form-data; name=\"up\"; filename*=UTF-8''%E2%82%AC.txt"], "x"))],
    "type without space" => [CT, body(part(["Content-Disposition: form-data", "Content-Type:text/html"], "<p>"))],
    "space after equals" => [CT, body(part(["Content-Disposition: form-data; name= field"], "v"))],
    "parameter without equals" => [CT, body(part(["Content-Disposition: form-data; name=\"a\"",
                                                  "Content-Type: text/plain; format"], "v"))],
    "large field" => [CT, body(field("big", "x" * 200_000))],
    "large file" => [CT, body(file("up", "big.bin", BINARY * 300))],
  }.freeze
end
