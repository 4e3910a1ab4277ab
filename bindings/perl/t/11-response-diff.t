# parse_http_response against HTTP::Parser::XS 0.17, in all three header
# formats with %special_headers: the corpus whole, cut at every byte and
# corrupted, with the closest settings; differences must be listed ones.
use strict;
use warnings;
use Test::More;
use FindBin;
use lib "$FindBin::Bin/lib";
use Springbok::Test::Peers qw(HTTP::Parser::XS);
use Springbok::Test::Corpus qw(responses mutations);
use Springbok::Test::Explain qw(explain_response check_used);
use Springbok::HTTP::Parser ();

Springbok::HTTP::Parser::configure(leniency => 'http_parser_xs');

my @SPECIAL = qw(content-length content-type set-cookie x x-a x-pad location);

sub run {
    my ($parse, $in, $with_error) = @_;
    my %out;
    for my $fmt (0, 1, 2) {
        my %special = map { $_ => 'unset' } @SPECIAL;
        my @ret = do { no warnings 'uninitialized'; $parse->($in, $fmt, \%special) };
        $out{$fmt} = { ret => \@ret, special => \%special };
        $out{$fmt}{err} = [Springbok::HTTP::Parser::last_error()] if $with_error;
    }
    return \%out;
}
sub peer { run(\&HTTP::Parser::XS::parse_http_response, $_[0], 0) }
sub ours { run(\&Springbok::HTTP::Parser::parse_http_response, $_[0], 1) }
my $redo = sub { (peer($_[0]), ours($_[0])) };

my ($inputs, $identical) = (0, 0);
for my $case (responses()) {
    my ($name, $res) = @$case;
    my @inputs = ($res, (map { substr($res, 0, $_) } 0 .. length($res) - 1), mutations($res, 150));
    my @problems;
    for my $in (@inputs) {
        $inputs++;
        my ($ids, $why) = explain_response($in, peer($in), ours($in), $redo, 0);
        if (!$ids) {
            (my $s = substr($in, 0, 60)) =~ s/([^\x20-\x7e])/sprintf('\\x%02X', ord $1)/ge;
            push @problems, qq{"$s": $why};
        } elsif (!@$ids) {
            $identical++;
        }
    }
    ok(!@problems, "$name: whole, every prefix, and corrupted (" . scalar(@inputs) . ' inputs, 3 formats)')
        or diag(join "\n", @problems[0 .. ($#problems < 9 ? $#problems : 9)]);
}
note("$inputs inputs, $identical identical to HTTP::Parser::XS");

# The documented return shapes.
my @r = Springbok::HTTP::Parser::parse_http_response("HTTP/1.1 200 OK\r\nA: 1\r\nB: 2\r\nA: 3\r\n\r\n", 1);
is_deeply(\@r, [37, 1, 200, 'OK', { a => [1, 3], b => 2 }], 'HEADERS_AS_HASHREF: repeated names as array refs');
@r = Springbok::HTTP::Parser::parse_http_response("HTTP/1.0 404 Not Found\r\nA: 1\r\n\r\n", 2);
is_deeply(\@r, [32, 0, 404, 'Not Found', ['a', 1]], 'HEADERS_AS_ARRAYREF');
@r = Springbok::HTTP::Parser::parse_http_response("HTTP/1.1 204 No Content\r\n\r\n", 0);
is_deeply(\@r, [27, 1, 204, 'No Content', undef], 'HEADERS_NONE');
is_deeply([Springbok::HTTP::Parser::parse_http_response("HTTP/1.1 200 OK\r\n", 2)], [-2], 'incomplete: (-2)');
is_deeply([Springbok::HTTP::Parser::parse_http_response("HTTP/1.1 200 OK\r\nA\r\n\r\n", 2)], [-1], 'invalid: (-1)');

check_used(qw(status_code special_headers_on_failure version));
done_testing;
