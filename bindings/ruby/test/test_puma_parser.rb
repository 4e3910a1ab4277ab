# frozen_string_literal: true

require_relative "test_helper"
require_relative "support/request_corpus"

# Springbok::Puma::HttpParser against Puma 5.6's own parser (Debian's puma),
# in the same process: the corpus whole, split at every byte, and mutated.
# Each parser gets its own String: puma_http11 upper-cases header names in
# place.
begin
  require "puma"
  require "puma/puma_http11"
rescue LoadError
  nil # the differential tests skip
end
require "springbok/puma"
# Puma's own parser, which springbok/puma set aside when it replaced it.
STOCK_PUMA_PARSER = Springbok::Puma.const_defined?(:ORIGINAL_HTTP_PARSER) ? Springbok::Puma::ORIGINAL_HTTP_PARSER : nil

class TestPumaParser < Minitest::Test
  include SpringbokTestHelper
  OURS = Springbok::Puma::HttpParser

  def setup
    skip "Debian's puma is not installed" unless STOCK_PUMA_PARSER
    refute_equal OURS, STOCK_PUMA_PARSER, "the peer must be Puma's own parser"
  end

  def outcome_of_error(error)
    [:error, error.message.start_with?("HTTP element") ? error.message : "invalid"]
  end

  # Puma's client loop: one growing buffer, execute(env, buffer, nread)
  # after each arrival. Returns the outcome after each step.
  def steps(klass, input, cuts)
    parser = klass.new
    env = {}
    buffer = String.new(capacity: input.bytesize + 1).b
    nread = 0
    done = 0
    out = []
    cuts.each do |cut|
      buffer << input.byteslice(done, cut - done)
      done = cut
      begin
        nread = parser.execute(env, buffer, nread)
      rescue Puma::HttpParserError => e
        return out << outcome_of_error(e)
      end
      return out << [:ok, nread, env.dup, parser.body] if parser.finished?
      out << [:partial, nread]
    end
    out
  end

  def outcome(klass, input) = steps(klass, input, [input.bytesize]).last

  # The HEADER limit message counts the bytes received so far.
  def without_count(outcome)
    outcome[0] == :error ? [:error, outcome[1].sub(/\(was \d+\)/, "")] : outcome[0, 3]
  end

  def assert_agree(input, theirs, ours, label)
    agree, = Differences.reconcile(:puma, input, theirs, ours)
    assert agree, "#{label}: #{input.inspect[0, 300]}\n  puma:      #{theirs.inspect[0, 600]}\n  " \
                  "springbok: #{ours.inspect[0, 600]}"
  end

  def test_corpus_field_by_field
    RequestCorpus::CASES.each do |name, input|
      assert_agree(input, outcome(STOCK_PUMA_PARSER, input), outcome(OURS, input), name)
    end
  end

  def test_corpus_split_at_every_byte
    RequestCorpus::CASES.each do |name, input|
      cuts = input.bytesize <= 1500 ? (1...input.bytesize).to_a : [1, 17, input.bytesize / 2, input.bytesize - 1]
      whole = outcome(OURS, input)
      cuts.each do |cut|
        ours = steps(OURS, input, [cut, input.bytesize])
        theirs = steps(STOCK_PUMA_PARSER, input, [cut, input.bytesize])
        assert_equal without_count(whole), without_count(ours.last),
                     "#{name} split at #{cut}: Springbok must not depend on the split"
        assert_includes [:partial, :error], ours.first[0], "#{name} split at #{cut}" if ours.size > 1 && cut < whole[1].to_i
        if theirs.last[0] == :error && ours.size > theirs.size
          # Puma raised on the prefix, Springbok waited for the head.
          assert_equal :partial, ours.first[0]
          Differences::USED[:puma_error_timing] += 1
          assert_agree(input, theirs.last, ours.last, "#{name} split at #{cut} (final)")
          next
        end
        assert_agree(input, theirs.last, ours.last, "#{name} split at #{cut}")
      end
    end
  end

  def mutate(input)
    s = input.b.dup
    i = rng.rand(s.bytesize)
    case rng.rand(5)
    when 0 then s.setbyte(i, rng.rand(256))
    when 1 then s.setbyte(i, " :\r\n\t/%#_?-aA0\x80".b.getbyte(rng.rand(15)))
    when 2 then s[i, 1] = ""
    when 3 then s.insert(i, rng.rand(256).chr)
    else s = s.byteslice(0, i)
    end
    s
  end

  def test_mutated_corpus
    small = RequestCorpus::CASES.values.select { |s| s.bytesize < 400 }
    600.times do
      input = mutate(small[rng.rand(small.size)])
      assert_agree(input, outcome(STOCK_PUMA_PARSER, input), outcome(OURS, input), "mutant")
    end
  end

  def test_interface_is_pumas
    missing = STOCK_PUMA_PARSER.public_instance_methods(false) - OURS.public_instance_methods(false)
    assert_empty missing
    assert_equal STOCK_PUMA_PARSER.instance_method(:execute).arity, OURS.instance_method(:execute).arity
    assert_same Puma::HttpParserError, Springbok::Puma.error_class
    assert_same OURS, Puma::HttpParser, "springbok/puma installs the replacement"
  end

  def test_never_writes_into_the_callers_string
    input = RequestCorpus::CASES.fetch("duplicates joined")
    shared = input.dup # shares input's buffer
    OURS.new.execute({}, shared, 0)
    assert_equal input, shared
    frozen = input.dup.freeze
    assert_equal input.bytesize, OURS.new.execute({}, frozen, 0)
    assert_equal input, frozen
    # The check can fail: Puma's parser does write into its buffer.
    theirs = own_copy(input)
    STOCK_PUMA_PARSER.new.execute({}, theirs, 0)
    refute_equal input, theirs
  end

  def test_body_nread_reset_and_pipelining
    input = RequestCorpus::CASES.fetch("pipelined")
    parser = OURS.new
    env = {}
    first = parser.execute(env, input, 0)
    assert parser.finished?
    assert parser.finish
    assert_equal first, parser.nread
    assert_equal input.byteslice(first..), parser.body
    assert_equal "/1", env["REQUEST_PATH"]
    parser.reset
    refute parser.finished?
    assert_nil parser.body
    env = {}
    second = parser.execute(env, input.byteslice(first..), 0)
    assert_equal "/2", env["REQUEST_PATH"]
    assert_equal input.bytesize - first, second
  end

  def test_states_after_errors_and_misuse
    parser = OURS.new
    assert_raises(Puma::HttpParserError) { parser.execute({}, +"GET / HTTP/1.1\r\n", 100) }
    assert_raises(Puma::HttpParserError) { parser.execute({}, +"garbage\r\n\r\n", 0) }
    assert parser.error?
    refute parser.finish
    assert_raises(Puma::HttpParserError) { parser.execute({}, +"GET / HTTP/1.1\r\n\r\n", 0) }
    parser.reset
    refute parser.error?
    assert_raises(FrozenError) { parser.execute({}.freeze, +"GET / HTTP/1.1\r\n\r\n", 0) }
    assert_raises(TypeError) { parser.execute(nil, +"GET / HTTP/1.1\r\n\r\n", 0) }
    assert_raises(TypeError) { parser.execute({}, nil, 0) }
    assert_raises(TypeError) { parser.execute({}, +"GET / HTTP/1.1\r\n\r\n", "0") }
    done = OURS.new
    done.execute({}, +"GET / HTTP/1.1\r\n\r\n", 0)
    assert_raises(Puma::HttpParserError) { done.execute({}, +"GET / HTTP/1.1\r\n\r\nGET", 5) }
  end
end
