# frozen_string_literal: true

require "uri"

# Every accepted difference between Springbok and the peers it replaces, in
# one place. The differential tests compare outcomes field by field; when
# they differ, only the differences below whose `applies` holds for the
# input may reconcile them (each rewrites the peer's or Springbok's outcome
# into what the other gives, or declares the pair explained). Anything else
# fails the test, and a test checks that every entry here is still needed
# by some input of the corpus.
#
# Outcomes:
#   :puma       [:ok, nread, env, body] | [:partial, nread] | [:error, kind]
#               (kind: "invalid", or Puma's limit message)
#   :rack_mp    params with each Tempfile replaced by its content, or
#               [:error, class, code]; two errors agree whatever their class
#   :rack_query / :uri_form  a Hash / an Array of pairs, or [:error, class]
module Differences
  Difference = Struct.new(:id, :peer, :description, :applies, :reconcile, keyword_init: true)

  # The request line and header lines of a raw request head (a light split
  # for the predicates only; bare LF tolerated).
  module Head
    def self.lines(input)
      head = input.b.split(/\r?\n\r?\n/, 2).first || ""
      head.split(/\r?\n/)
    end

    def self.request_line(input)
      (lines(input).first || "").split(" ", -1)
    end

    def self.target(input) = request_line(input)[1] || ""

    def self.headers(input)
      lines(input).drop(1).map { |l| l.split(":", 2) }.select { |n, v| v }
    end

    # Whether the request-target's form fits the method (RFC 9112 3.2), by
    # its shape alone.
    def self.form_fits?(input)
      method, target = request_line(input)
      target ||= ""
      return target.match?(/\A(?:\[[^\]]*\]|[^\/?#@\[\]:]+):[0-9]+\z/) if method == "CONNECT"
      return true if target.start_with?("/") || target.match?(/\A[A-Za-z][A-Za-z0-9+.\-]*:/)

      target == "*" && method == "OPTIONS"
    end
  end

  # Bytes RFC 3986 allows in a request-target (Springbok's strict set).
  STRICT_TARGET = %r{\A(?:[A-Za-z0-9\-._~!$&'()*+,;=:@/?]|%[0-9A-Fa-f]{2})*\z}n

  def self.explained = :explained

  def self.map_env(outcome)
    return outcome unless outcome[0] == :ok
    env = yield(outcome[2].dup)
    [outcome[0], outcome[1], env, outcome[3]]
  end

  PUMA = [
    Difference.new(
      id: :puma_strict_target, peer: :puma,
      description: "Springbok rejects a request-target outside RFC 3986 (a fragment \"#\", an invalid %XX, " \
                   "raw bytes >= 0x80, {}|\\^`[] or \"): 400. Puma's grammar accepts them (and reports FRAGMENT). " \
                   "lenient: [:loose_target] on Springbok::HTTP::Parser accepts them.",
      applies: ->(input, *) { Head.target(input) !~ STRICT_TARGET },
      reconcile: ->(_input, theirs, ours) { theirs[0] != :error && ours[0] == :error ? explained : [theirs, ours] }
    ),
    Difference.new(
      id: :puma_target_form, peer: :puma,
      description: "Springbok checks the request-target's form against the method (RFC 9112 3.2): \"*\" for " \
                   "OPTIONS only, CONNECT with host:port only, host:port with CONNECT only: 400. Puma accepts " \
                   "\"/...\", \"*\" and scheme:... targets with any method.",
      applies: ->(input, *) { !Head.form_fits?(input) },
      reconcile: ->(_input, theirs, ours) { theirs[0] != :error && ours[0] == :error ? explained : [theirs, ours] }
    ),
    Difference.new(
      id: :puma_method_grammar, peer: :puma,
      description: "Springbok takes any RFC 9110 token as the method (\"get\", \"M-SEARCH\", 21+ characters); " \
                   "Puma only [A-Z0-9$-_.]{1,20}.",
      applies: ->(input, *) { (Head.request_line(input)[0] || "") !~ /\A[A-Z0-9$\-_.]{1,20}\z/ },
      reconcile: ->(_input, theirs, ours) { theirs[0] == :error && ours[0] != :error ? explained : [theirs, ours] }
    ),
    Difference.new(
      id: :puma_http_version, peer: :puma,
      description: "Springbok accepts HTTP/1.0 and HTTP/1.1, and processes HTTP/1.2 to HTTP/1.9 as HTTP/1.1 " \
                   "(RFC 9110 6.2; HTTP_VERSION is \"HTTP/1.1\"); any other version is an error (505 in " \
                   "Springbok::HTTP for another major version). Puma takes any HTTP/<digits>.<digits> and " \
                   "reports it in HTTP_VERSION as sent.",
      applies: ->(input, *) { !%w[HTTP/1.0 HTTP/1.1].include?(Head.request_line(input)[2]) },
      reconcile: lambda { |input, theirs, ours|
        if theirs[0] != :error && ours[0] == :error
          explained
        elsif Head.request_line(input)[2].to_s.match?(%r{\AHTTP/1\.[2-9]\z})
          [map_env(theirs) { |e| e.merge("HTTP_VERSION" => "HTTP/1.1") }, ours]
        else
          [theirs, ours]
        end
      }
    ),
    Difference.new(
      id: :puma_non_origin_target, peer: :puma,
      description: "For a target not in origin form (absolute-form, \"*\", CONNECT's authority-form) Springbok " \
                   "sets REQUEST_PATH (and QUERY_STRING) as Puma's normalize_env would afterwards; Puma's " \
                   "parser leaves them out.",
      applies: ->(input, *) { !Head.target(input).start_with?("/") },
      reconcile: ->(_input, theirs, ours) { [theirs, map_env(ours) { |e| e.reject { |k, _| %w[REQUEST_PATH QUERY_STRING].include?(k) } }] }
    ),
    Difference.new(
      id: :puma_underscore_names, peer: :puma,
      description: "A header name with \"_\" is left out of the env (X_Forwarded_For would spoof " \
                   "X-Forwarded-For); Puma 5.6 keeps it under a key with \",\" for \"_\" (HTTP_X,FORWARDED,FOR).",
      applies: ->(input, *) { Head.headers(input).any? { |n, _| n.include?("_") } },
      reconcile: ->(_input, theirs, ours) { [map_env(theirs) { |e| e.reject { |k, _| k.include?(",") } }, ours] }
    ),
    Difference.new(
      id: :puma_version_header, peer: :puma,
      description: "A client Version header is dropped (HTTP_VERSION is the protocol); Puma appends it: " \
                   "HTTP_VERSION = \"HTTP/1.1, <value>\".",
      applies: ->(input, *) { Head.headers(input).any? { |n, _| n.casecmp?("version") } },
      reconcile: lambda { |_input, theirs, ours|
        [map_env(theirs) { |e| e.merge("HTTP_VERSION" => e["HTTP_VERSION"].to_s.split(", ").first) }, ours]
      }
    ),
    Difference.new(
      id: :puma_value_whitespace, peer: :puma,
      description: "Header values lose leading and trailing SP and HTAB (RFC 9110 OWS); Puma skips leading SP " \
                   "only, so a leading tab stays in the value.",
      applies: ->(input, *) { Head.headers(input).any? { |_, v| v.match?(/\A +\t/) || v.start_with?("\t") } },
      reconcile: ->(_input, theirs, ours) { [map_env(theirs) { |e| e.transform_values { |v| v.sub(/\A[ \t]+/, "") } }, ours] }
    ),
    Difference.new(
      id: :puma_error_precedence, peer: :puma,
      description: "A head with a syntax error and an element over Puma's length limits: Springbok reports the " \
                   "syntax error (the head is validated before Puma's length checks run on it), Puma whichever it " \
                   "meets first. Both raise Puma::HttpParserError (400).",
      applies: lambda { |_input, theirs, ours|
        theirs[0] == :error && ours[0] == :error && [theirs[1], ours[1]].count("invalid") == 1
      },
      reconcile: ->(*) { explained }
    ),
  ].freeze

  # Also counted by the split test, which sees the intermediate steps.
  PUMA_ERROR_TIMING = Difference.new(
    id: :puma_error_timing, peer: :puma,
    description: "On an incomplete head, Puma raises as soon as it meets a fault (a bad byte, an element over " \
                 "its length limit); Springbok may answer \"incomplete\" until the line (or the head) is complete " \
                 "and raises then. The final answer is the same.",
    applies: ->(_input, theirs, ours) { theirs[0] == :error && ours[0] == :partial },
    reconcile: ->(*) { explained }
  )

  RACK_MULTIPART = [
    Difference.new(
      id: :mp_strict_part_headers, peer: :rack_mp,
      description: "Part header lines must be valid header fields (token names, no bare CR) and " \
                   "Content-Disposition must parse; Rack's regexes skip what they do not understand.",
      applies: ->(_input, _theirs, ours) { ours[0] == :error && [414, 415, 416].include?(ours[2]) },
      reconcile: ->(*) { explained }
    ),
    Difference.new(
      id: :mp_crlf_delimiter_line, peer: :rack_mp,
      description: "A delimiter line ends with CRLF (after optional transport padding); Rack also takes a bare LF " \
                   "or other bytes after the boundary.",
      applies: ->(_input, _theirs, ours) { ours[0] == :error && ours[2] == 413 },
      reconcile: ->(*) { explained }
    ),
    Difference.new(
      id: :mp_crlf_before_delimiter, peer: :rack_mp,
      description: "The CRLF before a delimiter belongs to it (RFC 2046); Rack also finds \"--boundary\" without " \
                   "it. So a damaged CRLF before a delimiter makes it data here (the part runs on; before the close " \
                   "delimiter the body is truncated, an error) while Rack ends the part there.",
      applies: lambda { |input, _theirs, ours|
        b = Regexp.escape(input[:boundary])
        (ours[0] == :error && ours[2] == 417) || input[:body].index(/(?<!\r\n)--#{b}|\r\n\r\n--#{b}/, 1)
      },
      reconcile: ->(*) { explained }
    ),
    Difference.new(
      id: :mp_damaged_first_delimiter, peer: :rack_mp,
      description: "Bytes before the first intact delimiter are preamble (bounded by max_preamble_bytes), so a body " \
                   "whose first delimiter is damaged loses that part; Rack raises EOFError.",
      applies: ->(input, theirs, ours) { theirs[0] == :error && ours[0] != :error && !input[:body].start_with?("--#{input[:boundary]}\r\n") },
      reconcile: ->(*) { explained }
    ),
    Difference.new(
      id: :mp_disposition_type, peer: :rack_mp,
      description: "The name comes from a form-data Content-Disposition only (RFC 7578); Rack takes name= after any " \
                   "disposition type, so a damaged \"form-data\" gives Rack's nameless-part name here.",
      applies: lambda { |input, *|
        input[:body].scan(/^content-disposition:([^\r\n]*)/i).any? { |(v)| v !~ /\A[ \t]*form-data[ \t]*(;|\z)/i }
      },
      reconcile: ->(_input, theirs, ours) { theirs[0] != :error && ours[0] != :error ? explained : [theirs, ours] }
    ),
    Difference.new(
      id: :mp_name_escapes, peer: :rack_mp,
      description: "HTML's escapes %22, %0D, %0A in a quoted name or filename are decoded (what browsers send for " \
                   "\", CR, LF); Rack keeps them in names.",
      applies: ->(input, *) { input[:body].match?(/name="[^"]*%(22|0d|0a)/i) },
      reconcile: lambda { |_input, theirs, ours|
        fix = ->(s) { s.is_a?(String) ? s.gsub(/%22/i, '"').gsub(/%0d/i, "\r").gsub(/%0a/i, "\n") : s }
        [theirs.is_a?(Hash) ? theirs.to_h { |k, v| [fix[k], v.is_a?(Hash) && v.key?(:name) ? v.merge(name: fix[v[:name]]) : v] } : theirs, ours]
      }
    ),
    Difference.new(
      id: :mp_filename_percent, peer: :rack_mp,
      description: "A filename's %XX other than HTML's escapes is kept as sent; Rack percent-decodes the whole " \
                   "filename when every % starts a valid escape (then scrubs it when the body was ASCII-only).",
      applies: ->(input, *) { input[:body].match?(/filename=("[^"]*|[^;\r\n"]*)%[0-9A-Fa-f]{2}/) },
      reconcile: lambda { |input, theirs, ours|
        rack_rule = lambda do |f|
          f = URI::DEFAULT_PARSER.unescape(f) if f.scan(/%.?.?/).all? { |e| e.match?(/%[0-9a-fA-F]{2}/) }
          # Rack's buffer is UTF-8 while everything it read was ASCII, so
          # its scrub! only acts then.
          input[:body].ascii_only? ? f.dup.force_encoding(Encoding::UTF_8).scrub : f
        end
        fix = lambda do |k, v|
          return [k, v] unless v.is_a?(Hash) && v[:filename]
          # A part without a name is named after its filename.
          named_after = v[:name] == v[:filename]
          v = v.merge(filename: rack_rule[v[:filename]].b)
          v = v.merge(name: v[:filename].dup.force_encoding(Encoding::UTF_8)) if named_after
          [named_after ? v[:name] : k, v]
        end
        binary = ->(h) { h.is_a?(Hash) ? h.transform_values { |v| v.is_a?(Hash) && v[:filename] ? v.merge(filename: v[:filename].b) : v } : h }
        [binary[theirs], ours.is_a?(Hash) ? ours.to_h { |k, v| fix[k, v] } : ours]
      }
    ),
    Difference.new(
      id: :mp_basename_trailing_separator, peer: :rack_mp,
      description: "A filename ending in \"/\" or \"\\\" has an empty basename (sb_multipart_basename, RFC 7578 " \
                   "4.2: the part after the last separator); Rack's split(/[\\/\\\\]/).last drops trailing empty " \
                   "pieces and keeps the last directory name.",
      applies: ->(input, *) { input[:body].match?(%r{filename="[^"]*[/\\]"}) },
      reconcile: lambda { |_input, theirs, ours|
        fix = ->(v) { v.is_a?(Hash) && v[:filename] == "" ? v.merge(filename: :trailing_separator) : v }
        rack = ->(v) { v.is_a?(Hash) && v.key?(:head) && v[:head].match?(%r{filename="[^"]*[/\\]"}) ? v.merge(filename: :trailing_separator) : v }
        [theirs.is_a?(Hash) ? theirs.transform_values(&rack) : theirs, ours.is_a?(Hash) ? ours.transform_values(&fix) : ours]
      }
    ),
    Difference.new(
      id: :mp_head_rebuilt, peer: :rack_mp,
      description: "A file's :head is rebuilt from the parsed header lines as \"Name: value\\r\\n\" (the C ABI " \
                   "hands over parsed lines, not the raw block), so the spacing around each colon is normalized; " \
                   "Rack keeps the raw bytes.",
      applies: lambda { |input, *|
        input[:body].scan(/^([^\r\n]*)\r\n/).any? do |(line)|
          line.include?(":") && line !~ /\A--/ && (line !~ /\A[^:]+: [^ \t]/ || line.match?(/[ \t]\z/))
        end
      },
      reconcile: lambda { |_input, theirs, ours|
        rebuild = lambda do |head|
          head.split("\r\n").map { |l| n, v = l.split(":", 2); "#{n}: #{v.to_s.strip}\r\n" }.join
        end
        fix = ->(v) { v.merge(head: rebuild[v[:head]]) }
        deep = ->(x) { x.is_a?(Hash) ? (x.key?(:head) ? fix[x] : x.transform_values { |y| deep[y] }) : (x.is_a?(Array) ? x.map { |y| deep[y] } : x) }
        [deep[theirs], deep[ours]]
      }
    ),
    Difference.new(
      id: :mp_content_type_value, peer: :rack_mp,
      description: "A part's Content-Type is its field value, OWS-trimmed, whatever the spacing after the colon; " \
                   "Rack's regex needs \"Content-Type: \" with one space (else no type) and keeps trailing " \
                   "whitespace. It shows in :type and in the name Rack gives a nameless part (\"<type>[]\").",
      applies: ->(input, *) { input[:body].scan(/^content-type:([^\r\n]*)\r\n/i).any? { |(v)| v !~ /\A [^ \t](.*[^ \t])?\z/ } },
      # (or Rack's nested-params builder refusing the name made from the type)
      reconcile: lambda { |_input, theirs, ours|
        theirs[0] != :error && (ours[0] != :error || ours[2].nil?) ? explained : [theirs, ours]
      }
    ),
    Difference.new(
      id: :mp_disposition_parameters, peer: :rack_mp,
      description: "Content-Disposition parameters are RFC 6266 tokens; Rack's RFC 2231 regex gives up on the " \
                   "whole header when a parameter name holds %, ' or * (other than filename*'s), and so loses " \
                   "filename* (the part becomes a nameless field).",
      applies: lambda { |input, *|
        input[:body].scan(/^content-disposition:([^\r\n]*)/i).any? do |(v)|
          v.scan(/;\s*([^=;]*)=/).any? { |(name)| name.sub(/\*\z/, "").match?(/[%'*]/) }
        end
      },
      reconcile: ->(_input, theirs, ours) { theirs[0] != :error && ours[0] != :error ? explained : [theirs, ours] }
    ),
    Difference.new(
      id: :mp_disposition_whitespace, peer: :rack_mp,
      description: "Whitespace around \"=\" in a Content-Disposition parameter is accepted (name= x); Rack's regex " \
                   "then finds no name and names the part after its type.",
      applies: ->(input, *) { input[:body].scan(/^content-disposition:([^\r\n]*)/i).any? { |(v)| v.match?(/[ \t]=|=[ \t]/) } },
      reconcile: ->(_input, theirs, ours) { theirs[0] != :error && ours[0] != :error ? explained : [theirs, ours] }
    ),
    Difference.new(
      id: :mp_charset, peer: :rack_mp,
      description: "A text/plain field is tagged with its charset parameter when Ruby knows the encoding, as in " \
                   "Rack, and stays UTF-8 otherwise; Rack raises for a charset Ruby does not know, and splits the " \
                   "parameters on \";\" and \"=\" where the C ABI parses RFC 9110 parameters (quoting, spacing).",
      applies: ->(input, *) { input[:body].match?(/^content-type:[^\r\n]*charset/i) },
      reconcile: lambda { |_input, theirs, ours|
        # Rack fails on a charset it does not know, and re-tags the part's
        # name with the charset before building nested params from it.
        next explained if (theirs[0] == :error) != (ours[0] == :error)
        bin = lambda do |v|
          case v
          when Hash then v.key?(:tempfile) ? v : v.transform_values { |x| bin[x] }
          when Array then v.map { |x| bin[x] }
          when String then v.b
          else v
          end
        end
        [bin[theirs], bin[ours]]
      }
    ),
    Difference.new(
      id: :mp_rack_crash, peer: :rack_mp,
      description: "Rack 2.2 crashes (NoMethodError) on some malformed parts, e.g. a text/plain Content-Type " \
                   "parameter without \"=\"; Springbok parses them.",
      applies: ->(_input, theirs, _ours) { theirs[0] == :error && [NoMethodError, TypeError].include?(theirs[1]) },
      reconcile: ->(*) { explained }
    ),
  ].freeze

  RACK_QUERY = [
    Difference.new(
      id: :query_semicolon, peer: :rack_query,
      description: "Only \"&\" separates pairs (WHATWG; \";\" splitting is a cache-poisoning vector, " \
                   "CVE-2021-23336); Rack 2.2 also splits on \";\". mode: :perl splits on both.",
      applies: ->(input, *) { input.include?(";") },
      reconcile: ->(input, _theirs, ours) { [(Rack::Utils.parse_query(input.b, "&") rescue [:error, $!.class]), ours] }
    ),
    Difference.new(
      id: :query_space_after_separator, peer: :rack_query,
      description: "Spaces after \"&\" belong to the next key (WHATWG); Rack drops them.",
      applies: ->(input, *) { input.match?(/[&;] +/) },
      reconcile: lambda { |input, theirs, _ours|
        [theirs, (Springbok::Form.parse_query(input.gsub(/& +/, "&")) rescue [:error, $!.class])]
      }
    ),
    Difference.new(
      id: :query_bad_percent, peer: :rack_query,
      description: "An invalid %-escape is kept as it is (WHATWG); Rack raises ArgumentError.",
      applies: ->(input, *) { input.match?(/%(?![0-9A-Fa-f]{2})/) },
      reconcile: ->(_input, theirs, ours) { theirs[0] == :error && ours.is_a?(Hash) ? explained : [theirs, ours] }
    ),
    Difference.new(
      id: :query_missing_equals, peer: :rack_query,
      description: "A pair without \"=\" has the value \"\" (WHATWG; the C ABI does not report the missing \"=\"); " \
                   "Rack's parse_query gives nil, and a later value for that key replaces the nil.",
      applies: ->(input, *) { (input.split(/[&;] */) + input.split(/& */)).any? { |p| !p.empty? && !p.include?("=") } },
      reconcile: lambda { |input, theirs, ours|
        pieces = input.split(/[&;] */) + input.split(/& */)
        keys = pieces.reject { |p| p.empty? || p.include?("=") }.map { |p| URI.decode_www_form_component(p) rescue p }
        drop = ->(h) { h.is_a?(Hash) ? h.reject { |k, _| keys.include?(k) } : h }
        [drop[theirs], drop[ours]]
      }
    ),
  ].freeze

  URI_FORM = [
    Difference.new(
      id: :uri_ascii_only, peer: :uri_form,
      description: "Raw bytes outside ASCII are decoded like any other; URI.decode_www_form raises ArgumentError " \
                   "for a String that is not ASCII-only.",
      applies: ->(input, *) { !input.ascii_only? },
      reconcile: ->(_input, theirs, ours) { theirs[0] == :error && ours.is_a?(Array) ? explained : [theirs, ours] }
    ),
    Difference.new(
      id: :uri_empty_pieces, peer: :uri_form,
      description: "Empty pieces (\"&&\", a leading or trailing \"&\") are skipped (WHATWG); URI.decode_www_form " \
                   "returns [\"\", \"\"] for them.",
      applies: ->(input, *) { input.match?(/\A&|&&|&\z/) },
      reconcile: lambda { |input, _theirs, ours|
        [(URI.decode_www_form(input.split("&", -1).reject(&:empty?).join("&")) rescue [:error, $!.class]), ours]
      }
    ),
    Difference.new(
      id: :uri_invalid_utf8, peer: :uri_form,
      description: "Decoded bytes are kept even when they are not UTF-8 (the String is tagged UTF-8, " \
                   "valid_encoding? false); URI.decode_www_form replaces them with U+FFFD.",
      applies: ->(_input, _theirs, ours) { ours.is_a?(Array) && ours.flatten.any? { |s| !s.valid_encoding? } },
      reconcile: ->(_input, theirs, ours) { [theirs, ours.map { |pair| pair.map(&:scrub) }] }
    ),
  ].freeze

  # pico_http_parser cannot run here (no gem server): its differences are
  # documented from its source and spec, and test_http.rb shows each one on
  # Springbok's side. They reconcile nothing.
  PICO = [
    Difference.new(
      id: :pico_strict_head, peer: :pico,
      description: "Strict RFC 9112 by default: obs-fold, bare LF, runs of spaces and request-targets outside " \
                   "RFC 3986 (a \"#fragment\", raw bytes >= 0x80) are -1; picohttpparser accepts them. " \
                   "Springbok::HTTP::Parser.new(lenient: [:picohttpparser]) (or single leniencies) accepts them.",
      applies: ->(*) { false }, reconcile: nil
    ),
    Difference.new(
      id: :pico_env_untouched, peer: :pico,
      description: "On -1 and -2 the env is not touched; pico_http_parser clears the whole Hash (rb_hash_clear) " \
                   "when PATH_INFO has a bad %-escape or a header name is too long.",
      applies: ->(*) { false }, reconcile: nil
    ),
    Difference.new(
      id: :pico_underscore_names, peer: :pico,
      description: "A header name with \"_\" is left out (underscores: :drop, the default; :reject fails the " \
                   "request); pico_http_parser maps \"_\" like \"-\" (underscores: :allow).",
      applies: ->(*) { false }, reconcile: nil
    ),
    Difference.new(
      id: :pico_existing_keys, peer: :pico,
      description: "Keys already in the env are replaced; pico_http_parser appends \", value\" to an HTTP_* key " \
                   "the Hash already holds (a reused env).",
      applies: ->(*) { false }, reconcile: nil
    ),
    Difference.new(
      id: :pico_folded_values, peer: :pico,
      description: "With lenient: [:obs_fold], a folded value's pieces are joined with one SP; pico_http_parser " \
                   "appends each continuation line as sent (its leading whitespace included).",
      applies: ->(*) { false }, reconcile: nil
    ),
    Difference.new(
      id: :pico_limits, peer: :pico,
      description: "Limits: header names 256 bytes, values 80 KiB, targets 12 KiB, heads 112 KiB (all settable); " \
                   "pico_http_parser has 1,024-byte names and no other limit. Both allow 128 headers.",
      applies: ->(*) { false }, reconcile: nil
    ),
    Difference.new(
      id: :pico_start_line, peer: :pico,
      description: "The request-target's form must fit the method (RFC 9112 3.2: \"GET abc\", \"DELETE *\" and " \
                   "\"CONNECT /\" are -1), and HTTP/1.2 to HTTP/1.9 are processed as HTTP/1.1 (SERVER_PROTOCOL " \
                   "\"HTTP/1.1\"); picohttpparser takes any target and reports the minor version's digit.",
      applies: ->(*) { false }, reconcile: nil
    ),
    Difference.new(
      id: :pico_key_encoding, peer: :pico,
      description: "Env keys are frozen interned UTF-8 Strings (the same objects as the literals in frozen-string " \
                   "code); pico_http_parser's are binary (frozen for its common names only). They compare equal.",
      applies: ->(*) { false }, reconcile: nil
    ),
  ].freeze

  ALL = (PUMA + [PUMA_ERROR_TIMING] + RACK_MULTIPART + RACK_QUERY + URI_FORM + PICO).freeze

  # Ids used by the differential tests so far (every one must be, see
  # test_differences.rb).
  USED = Hash.new(0)

  # Whether `ours` and `theirs` agree for `input`, once the differences of
  # `peer` that apply have reconciled them. Returns [agree, ids used].
  def self.reconcile(peer, input, theirs, ours)
    return [true, []] if theirs == ours
    ids = []
    ALL.select { |d| d.peer == peer && d.reconcile }.each do |d|
      next unless d.applies.call(input, theirs, ours)
      result = d.reconcile.call(input, theirs, ours)
      ids << d.id
      if result == :explained
        ids.each { |id| USED[id] += 1 }
        return [true, ids]
      end
      theirs, ours = result
      if theirs == ours
        ids.each { |id| USED[id] += 1 }
        return [true, ids]
      end
    end
    [false, ids]
  end

  # Markdown of the list, for the README.
  def self.to_markdown
    ALL.map { |d| "- **#{d.peer} / #{d.id}**: #{d.description}" }.join("\n")
  end
end
