# frozen_string_literal: true

require_relative "test_helper"
require_relative "support/multipart_corpus"
require "rack"
require "stringio"

# Springbok::Multipart against Rack::Multipart.parse_multipart (Debian's
# ruby-rack 2.2): the corpus whole, split at every byte, and corrupted,
# compared field by field (files by content).
class TestMultipart < Minitest::Test
  include SpringbokTestHelper

  # An IO giving its data in the pieces it was made of.
  class ChunkedIO
    def initialize(chunks) = @chunks = chunks.dup

    def read(_len, buf = nil)
      chunk = @chunks.shift or return nil
      buf ? buf.replace(chunk) : chunk.dup
    end
  end

  def normalize(value)
    case value
    when Hash
      if value.key?(:tempfile)
        io = value[:tempfile]
        io.rewind
        content = io.read
        io.respond_to?(:close!) ? io.close! : io.close
        value.merge(tempfile: content)
      else
        value.transform_values { |v| normalize(v) }
      end
    when Array then value.map { |v| normalize(v) }
    else value
    end
  end

  def rack(ct, body)
    env = { "CONTENT_TYPE" => ct, "CONTENT_LENGTH" => body.bytesize.to_s, "rack.input" => StringIO.new(body.dup) }
    normalize(Rack::Multipart.parse_multipart(env))
  rescue StandardError => e
    [:error, e.class, nil]
  end

  def ours(ct, input, **options)
    normalize(Springbok::Multipart.parse(input, ct, nested: true, **options))
  rescue Springbok::Error => e
    [:error, e.class, e.code]
  rescue StandardError => e # Rack's own params builder (nested: true) refusing a name
    [:error, e.class, nil]
  end

  def assert_agree(ct, body, theirs, ours, label)
    input = { body: body, boundary: Springbok::Multipart.boundary(ct) }
    agree, = Differences.reconcile(:rack_mp, input, theirs, ours)
    assert agree, "#{label}: #{body.inspect[0, 400]}\n  rack:      #{theirs.inspect[0, 600]}\n  " \
                  "springbok: #{ours.inspect[0, 600]}"
  end

  def test_corpus_field_by_field
    MultipartCorpus::CASES.each do |name, (ct, body)|
      assert_agree(ct, body, rack(ct, body), ours(ct, body), name)
    end
  end

  def test_corpus_split_at_every_byte
    MultipartCorpus::CASES.each do |name, (ct, body)|
      next if body.bytesize > 3000
      whole = ours(ct, body)
      theirs = rack(ct, body)
      (1...body.bytesize).each do |cut|
        split = ours(ct, ChunkedIO.new([body.byteslice(0, cut), body.byteslice(cut..)]))
        assert_equal whole, split, "#{name} split at #{cut}"
      end
      assert_agree(ct, body, theirs, whole, name)
    end
  end

  def test_one_byte_reads
    MultipartCorpus::CASES.each do |name, (ct, body)|
      next if body.bytesize > 3000
      assert_equal ours(ct, body), ours(ct, ChunkedIO.new(body.each_char.to_a)), name
    end
  end

  def mutate(body)
    s = body.b.dup
    i = rng.rand(s.bytesize)
    case rng.rand(4)
    when 0 then s.setbyte(i, rng.rand(256))
    when 1
      special = "\r\n-\"; =:%".b
      s.setbyte(i, special.getbyte(rng.rand(special.bytesize)))
    when 2 then s[i, 1] = ""
    else s = s.byteslice(0, i)
    end
    s
  end

  def test_corrupted_corpus
    small = MultipartCorpus::CASES.values.select { |_, b| b.bytesize < 3000 }
    600.times do
      ct, body = small[rng.rand(small.size)]
      bad = mutate(body)
      assert_agree(ct, bad, rack(ct, bad), ours(ct, bad), "corrupted")
    end
  end

  def test_files_are_streamed_to_tempfiles_in_tempdir
    ct, body = MultipartCorpus::CASES.fetch("large file")
    Dir.mktmpdir do |dir|
      params = Springbok::Multipart.parse(StringIO.new(body), ct, tempdir: dir, bufsize: 64 * 1024)
      file = params.fetch("up")
      assert_kind_of Tempfile, file[:tempfile]
      assert_equal dir, File.dirname(file[:tempfile].path)
      assert_equal MultipartCorpus::BINARY * 300, file[:tempfile].read
      assert_equal "big.bin", file[:filename]
      file[:tempfile].close!
    end
  end

  def test_flat_params_keep_names_as_sent
    ct, body = MultipartCorpus::CASES.fetch("nested names")
    assert_equal({ "user[name]" => "x", "user[age]" => "3", "list[]" => "2" }, Springbok::Multipart.parse(body, ct))
    ct, body = MultipartCorpus::CASES.fetch("repeated field")
    assert_equal({ "a" => "2" }, Springbok::Multipart.parse(body, ct))
  end

  def test_encodings_are_racks
    ct, body = MultipartCorpus::CASES.fetch("utf8 field")
    params = Springbok::Multipart.parse(body, ct)
    assert_equal Encoding::UTF_8, params.keys.first.encoding
    assert_equal Encoding::UTF_8, params.values.first.encoding
    ct, body = MultipartCorpus::CASES.fetch("file")
    file = Springbok::Multipart.parse(body, ct)["up"]
    assert_equal Encoding::BINARY, file[:filename].encoding
    assert_equal Encoding::BINARY, file[:head].encoding
    assert_equal Encoding::UTF_8, file[:name].encoding
    file[:tempfile].close!
  end

  def test_custom_factory_and_non_file_io
    ct, body = MultipartCorpus::CASES.fetch("mixed")
    seen = []
    params = Springbok::Multipart.parse(body, ct, tempfile_factory: lambda { |filename, type|
      seen << [filename, type]
      StringIO.new(+"")
    })
    assert_equal [["d.pdf", "application/octet-stream"]], seen
    assert_equal "%PDF-1.4", params["doc"][:tempfile].read
  end

  def test_event_stream_split_anywhere
    ct, body = MultipartCorpus::CASES.fetch("mixed")
    whole = Springbok::Multipart::Parser.new(ct).feed(body)
    assert_equal %i[part_start data part_end part_start data part_end part_start data part_end end], whole.map(&:first)
    doc = whole[3][1]
    assert_equal [1, "doc", "d.pdf", "application/octet-stream", true], [doc.index, doc.name, doc.filename, doc.content_type, doc.file?]
    assert_equal ["Content-Disposition", "form-data; name=\"doc\"; filename=\"d.pdf\""], doc.headers.first
    merge = lambda do |events|
      events.each_with_object([]) do |(kind, payload), out|
        if kind == :data && out.last && out.last[0] == :data
          out.last[1] += payload
        elsif kind == :data && payload.empty?
          next
        else
          out << [kind, kind == :data ? +payload : payload]
        end
      end
    end
    (1...body.bytesize).each do |cut|
      parser = Springbok::Multipart::Parser.new(ct)
      events = []
      parser.feed(body.byteslice(0, cut)) { |kind, payload| events << [kind, payload] }
      parser.feed(body.byteslice(cut..)) { |kind, payload| events << [kind, payload] }
      assert parser.finish
      assert_equal merge.call(whole), merge.call(events), "cut #{cut}"
    end
  end

  def test_event_stream_reports_filename_star
    ct, body = MultipartCorpus::CASES.fetch("filename star")
    part = Springbok::Multipart::Parser.new(ct).feed(body).first[1]
    assert_nil part.filename
    assert_equal "€.txt", part.filename_star
    assert part.file?
  end

  def test_event_stream_errors
    parser = Springbok::Multipart::Parser.new(nil, boundary: "xyz")
    parser.feed("--xyz\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\nunfinished")
    error = assert_raises(Springbok::Multipart::ParseError) { parser.finish }
    assert_equal 400, error.status
    parser = Springbok::Multipart::Parser.new(nil, boundary: "xyz")
    parser.feed("--xyz\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\nv\r\n--xyz--") do |kind, _|
      assert_raises(RuntimeError) { parser.feed("more") } if kind == :data
    end
    assert_raises(ArgumentError) { Springbok::Multipart::Parser.new(nil) }
    error = assert_raises(Springbok::Multipart::ParseError) { Springbok::Multipart::Parser.new("text/plain") }
    assert_equal 415, error.status
  end

  def test_boundary
    assert_equal "AaB03x", Springbok::Multipart.boundary("multipart/form-data; boundary=AaB03x")
    assert_equal "a b", Springbok::Multipart.boundary("multipart/form-data; BOUNDARY=\"a b\"")
    assert_raises(Springbok::Multipart::ParseError) { Springbok::Multipart.boundary("multipart/form-data") }
  end
end
