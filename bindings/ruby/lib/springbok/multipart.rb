# frozen_string_literal: true

require "tempfile"
require "tmpdir"

module Springbok
  # multipart/form-data bodies.
  #
  # Multipart.parse gives what Rack::Multipart.parse_multipart gives: a Hash
  # of field names to UTF-8 Strings and, for file parts, to
  #   { filename:, type:, name:, tempfile:, head: }
  # with the upload streamed to a Tempfile (memory stays bounded by the
  # limits). Multipart::Parser is the event stream underneath.
  module Multipart
    # One part's start, as Parser#feed reports it.
    class Part
      # Whether the part is a file upload (it has a filename).
      def file?
        file
      end
    end

    # The multipart limits of the C ABI, with their defaults (max_file_bytes:
    # none of its own, the body limit bounds it; max_files is Rack's).
    LIMITS = {
      max_parts: 4096,
      max_header_bytes: 16 * 1024,
      max_headers: 16,
      max_preamble_bytes: 32 * 1024,
      max_epilogue_bytes: 32 * 1024,
      max_field_bytes: 1024 * 1024,
      max_total_bytes: 64 * 1024 * 1024,
      max_file_bytes: 2**64 - 1,
      max_files: 128,
      max_fields: 4096,
    }.freeze

    # Parses a multipart/form-data body.
    #
    # input:: a String, or an IO (anything with read(len, buf)), read in
    #         bufsize pieces and, with content_length:, no further.
    # content_type:: the request's Content-Type (its boundary is used).
    # tempdir:: where the default factory creates Tempfiles (Dir.tmpdir).
    # tempfile_factory:: called as factory.call(filename, content_type) for
    #                    each file part; returns the IO to write it to.
    # nested:: build Rack's nested params ("a[b]") with Rack's query parser
    #          (true, or a Rack::QueryParser); default: a flat Hash, a
    #          repeated name keeps its last value (Rack's rule for plain
    #          names).
    # Limits (keywords): every key of LIMITS. unfold_headers: true accepts
    # folded part header lines (MIME allows them, browsers never send them).
    #
    # Raises Multipart::ParseError for a malformed body and
    # Multipart::LimitError (its #limit is the keyword) for a breached
    # limit; the Tempfiles made so far are closed and unlinked then.
    def self.parse(input, content_type, tempdir: nil, tempfile_factory: nil, nested: false, **options)
      created = []
      factory = tempfile_factory || tempfile_factory_for(tempdir)
      pairs = __parse(input, content_type, factory, created, options)
      nested ? nest(pairs, nested) : pairs.to_h
    rescue Exception # rubocop:disable Lint/RescueException -- clean up, then re-raise anything
      created.each do |io|
        io.respond_to?(:close!) ? io.close! : io.close
      rescue StandardError
        nil
      end
      raise
    end

    # A factory making Tempfiles in `dir`, named like Rack's (with the
    # upload's extension).
    def self.tempfile_factory_for(dir)
      lambda do |filename, _content_type|
        extension = filename ? ::File.extname(filename.gsub("\0", "%00"))[0, 129] : ""
        Tempfile.new(["SpringbokMultipart", extension], dir || Dir.tmpdir)
      end
    end

    # Rack's nested params from [name, value] pairs.
    def self.nest(pairs, parser)
      require "rack"
      parser = ::Rack::Utils.default_query_parser if parser == true
      params = parser.make_params
      pairs.each { |name, value| parser.normalize_params(params, name, value, parser.param_depth_limit) }
      params.to_params_hash
    end
    private_class_method :nest
  end
end
