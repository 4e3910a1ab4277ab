package Springbok::Response;

use strict;
use warnings;

use Springbok ();

our $VERSION = $Springbok::VERSION;

use parent 'Exporter';
our @EXPORT_OK = qw(head write_response);
our %EXPORT_TAGS = (all => [@EXPORT_OK]);

1;
__END__

=encoding utf-8

=head1 NAME

Springbok::Response - PSGI response heads, validated and serialized by Springbok

=head1 SYNOPSIS

    use Springbok::Response qw(head write_response);

    my $head = head(1, 200, ['Content-Type' => 'text/plain', 'Content-Length' => 5]);
    # "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 5\r\n\r\n"

    my $written = write_response($socket, 200, ['Content-Type' => 'text/plain'], ['hello'])
        // die "write: $!";

=head1 DESCRIPTION

Turns a PSGI header list (C<[name, value, name, value, ...]>, a repeated name
is a repeated line) into an HTTP/1.x response head with libspringbok's
response-head writer. Header names must be tokens; a CR, LF or NUL in a value
(header injection) or any other control byte is refused with an exception
that names the header, and nothing is written. C<Content-Length> and
C<Transfer-Encoding> are validated but left out of a 1xx, 204 or 304 response
(RFC 9110 §8.6, RFC 9112 §6.1). Names and values are byte strings; a
character string is used as bytes when it can be (as C<syswrite> does) and
refused when it has a character above 0xFF.

=head1 FUNCTIONS

=over 4

=item head($protocol_minor, $status, \@headers [, $reason])

Returns the head as one string: C<HTTP/1.$protocol_minor $status $reason>
(C<$protocol_minor> 0 or 1; C<$status> 100 to 999; the standard reason phrase
when C<$reason> is omitted or undef, empty for an unknown code), the header
lines, and the empty line. Croaks on anything invalid.

=item write_response($fh_or_fd, $status, \@headers, \@body [, \%options])

Writes the head and the body strings to a file handle (its PerlIO buffer is
flushed first) or a file descriptor number with C<writev>, the header names
and values and the body going out without being copied. Retries after short
writes and C<EINTR>; on a non-blocking descriptor it waits with C<poll>.
Returns the number of bytes written, or C<undef> with C<$!> set when writing
failed (C<ETIMEDOUT> when the timeout passed). Invalid headers croak before
anything is written. Options: C<protocol_minor> (0 or 1, default 1),
C<reason> (default: the standard phrase), C<timeout> (seconds for a
non-blocking descriptor to accept everything; default none).

=back

=head1 SEE ALSO

L<PSGI>, L<Springbok>.

=cut
