package Springbok;

use strict;
use warnings;

our $VERSION = '0.01';

require XSLoader;
XSLoader::load('Springbok', $VERSION);

1;
__END__

=encoding utf-8

=head1 NAME

Springbok - strict, fast HTTP/1.1 request, form and multipart parsing for Perl

=head1 SYNOPSIS

    # Swap Springbok in under an unchanged server (before Plack loads):
    plackup -s Starlet -MSpringbok::Install app.psgi

    # Or use the modules directly:
    use Springbok::HTTP::Parser qw(parse_http_request);
    my $len = parse_http_request($buf, \%env);   # >= 0, -1 invalid, -2 incomplete

    use Springbok::Form qw(parse_urlencoded build_urlencoded);
    my @pairs = parse_urlencoded('a=1&b=2');

    use Springbok::MultiPartParser;
    my $parser = Springbok::MultiPartParser->new(
        boundary => $boundary, on_header => sub { ... }, on_body => sub { ... });

    use Springbok::Response qw(head write_response);
    my $head = head(1, 200, ['Content-Type' => 'text/plain']);

=head1 DESCRIPTION

Springbok is an HTTP/1.1 hot path written in Rust (request and response heads,
C<application/x-www-form-urlencoded>, C<multipart/form-data>, response heads)
and linked into Perl through its C ABI, C<libspringbok>. This distribution is the
Perl glue; every parsing rule lives in the Rust crates.

=over 4

=item L<Springbok::HTTP::Parser>

C<parse_http_request> and C<parse_http_response> with L<HTTP::Parser::XS>
0.17's contract; strict RFC 9112 by default, picohttpparser's leniencies on
request.

=item L<Springbok::Form>

C<parse_urlencoded>, C<parse_urlencoded_arrayref>, C<build_urlencoded>,
C<build_urlencoded_utf8> with L<WWW::Form::UrlEncoded> 0.26's contract.

=item L<Springbok::MultiPartParser>

L<HTTP::MultiPartParser> 0.02's interface, so L<HTTP::Entity::Parser> works
unchanged; every multipart limit is settable.

=item L<Springbok::Response>

Response heads from a PSGI header list, as one string or written with the body
by one C<writev>; CR, LF and NUL in a header are refused.

=item L<Springbok::Install>

Makes C<HTTP::Parser::XS>, C<WWW::Form::UrlEncoded> (and its C<::XS>) and
C<HTTP::MultiPartParser> resolve to Springbok without editing a server.

=back

Where Springbok deliberately differs from those modules is listed in one
place, L<Springbok::Differences>.

=head1 FUNCTIONS

=over 4

=item Springbok::libspringbok_version()

The version of the linked C library, e.g. C<"0.1.0">.

=back

=head1 BUILDING

The distribution lives in C<bindings/perl> of the Springbok repository and
links C<libspringbok.a> statically:

    perl Makefile.PL && make && make test

C<Makefile.PL> runs C<cargo build --release -p springbok-ffi> in the
repository root when the library is missing or older than the Rust sources
(into C<$CARGO_TARGET_DIR> when it is set). Only core Perl modules are needed
to build; the tests compare against the Debian packages of the peers.

=head1 LICENSE

MIT or Apache-2.0, like the rest of Springbok.

=cut
