# frozen_string_literal: true

require_relative "test_helper"
require_relative "test_puma_parser"
require_relative "test_multipart"
require_relative "test_form"

# The list of accepted differences stays honest: every entry is still needed
# by some input of the differential tests (run here again, with their fixed
# seed), and each one is described.
class TestDifferences < Minitest::Test
  def test_every_accepted_difference_is_needed
    skip "Debian's puma is not installed" unless STOCK_PUMA_PARSER
    Differences::USED.clear
    [TestPumaParser, TestMultipart, TestForm].each do |klass|
      klass.runnable_methods.each do |name|
        result = klass.new(name).run
        assert result.passed?, "#{klass}##{name}: #{result.failures.first&.message}"
      end
    end
    unused = Differences::ALL.select(&:reconcile).map(&:id) - Differences::USED.keys
    assert_empty unused, "no input needs these any more: drop them from test/support/differences.rb"
  end

  def test_entries_are_unique_and_described
    ids = Differences::ALL.map(&:id)
    assert_equal ids.uniq, ids
    Differences::ALL.each do |d|
      assert_operator d.description.size, :>, 40, d.id.to_s
      assert_includes %i[puma rack_mp rack_query uri_form pico], d.peer
    end
  end
end
