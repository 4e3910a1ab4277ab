package Springbok::Form;

use strict;
use warnings;

use Carp ();
use Springbok ();

our $VERSION = $Springbok::VERSION;

use parent 'Exporter';
our @EXPORT_OK = qw(parse_urlencoded parse_urlencoded_arrayref build_urlencoded build_urlencoded_utf8);
our %EXPORT_TAGS = (all => [@EXPORT_OK]);

sub set_limits {
    my %opts = @_;
    for my $key (sort keys %opts) {
        Carp::croak("Springbok::Form::set_limits: unknown limit '$key' (max_pairs, max_input_bytes)")
            unless $key eq 'max_pairs' || $key eq 'max_input_bytes';
        Carp::croak("Springbok::Form::set_limits: $key must be a positive integer")
            unless defined $opts{$key} && $opts{$key} =~ /\A[1-9][0-9]*\z/;
    }
    _set_limits($opts{max_pairs}, $opts{max_input_bytes});
    return;
}

sub limits {
    my %limits;
    @limits{qw(max_pairs max_input_bytes)} = _limits();
    return wantarray ? %limits : \%limits;
}

1;
__END__

=encoding utf-8

=head1 NAME

Springbok::Form - WWW::Form::UrlEncoded's parser and builder over Springbok

=head1 SYNOPSIS

    use Springbok::Form qw(parse_urlencoded parse_urlencoded_arrayref build_urlencoded);

    my @pairs = parse_urlencoded('a=b&c=d;e');          # ('a', 'b', 'c', 'd', 'e', '')
    my $pairs = parse_urlencoded_arrayref('a=b');       # ['a', 'b']
    my $query = build_urlencoded(foo => [1, 2], bar => 'x y');   # 'foo=1&foo=2&bar=x+y'

    Springbok::Form::set_limits(max_pairs => 20_000);

=head1 DESCRIPTION

The four functions of L<WWW::Form::UrlEncoded> 0.26, with its parsing rules and
the encoding of its C<::XS> backend, backed by the Perl mode of
C<springbok-form-urlencoded>. L<Springbok::Install> makes
C<WWW::Form::UrlEncoded> (and C<WWW::Form::UrlEncoded::XS>) resolve to this
module. Inputs are bytes (Perl's internal bytes of a character string, as the
XS backend uses them); results are byte strings.

Unlike WWW::Form::UrlEncoded, parsing is bounded: an input with more pairs or
bytes than the limits croaks with a message naming the limit, rather than
using unbounded memory or dropping pairs; see C<set_limits> below.

=head1 FUNCTIONS

=over 4

=item parse_urlencoded($string)

Returns the decoded C<(name, value, ...)> pairs of C<$string> as a list:
split on C<&> and C<;>, one space after a separator dropped, empty pairs kept
(C<'&'> gives C<('', '', '', '')>), a pair without C<=> has the value C<''>,
C<+> is a space, C<%XX> is decoded and an invalid C<%> sequence is kept as it
is. C<undef> gives an empty list.

=item parse_urlencoded_arrayref($string)

The same pairs in an array reference.

=item build_urlencoded(@pairs), build_urlencoded(@pairs, $delim)

=item build_urlencoded(\@pairs), build_urlencoded(\@pairs, $delim)

=item build_urlencoded(\%pairs), build_urlencoded(\%pairs, $delim)

Encodes pairs as C<name=value> joined by C<$delim> (default C<&>; with a flat
list, a delimiter is taken from an odd-sized list of more than two elements).
A value that is an array reference gives one pair per element. Bytes other
than C<A-Z a-z 0-9 - . _ ~ ! ' ( ) *> are written as C<%XX> (upper-case hex),
a space as C<+>; C<undef> is the empty string.

=item build_urlencoded_utf8(...)

As C<build_urlencoded>, but every name, value and the delimiter are UTF-8
encoded first (C<utf8::encode>), so characters above 0x7F become their UTF-8
bytes whatever Perl's internal representation.

=item set_limits(max_pairs => $n, max_input_bytes => $n)

Sets this interpreter's parsing limits (defaults: 4096 pairs, 4 MiB, those of
libspringbok); a limit not given keeps its value. Parsing a larger input
croaks.

=item limits()

The current limits as a hash (list context) or hash reference.

=back

=head1 SEE ALSO

L<WWW::Form::UrlEncoded>, L<Springbok::Differences>.

=cut
