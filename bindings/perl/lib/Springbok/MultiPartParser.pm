package Springbok::MultiPartParser;

use strict;
use warnings;

use Carp ();
use Springbok ();

our $VERSION = $Springbok::VERSION;

# Limit names => libspringbok's SB_MULTIPART_MAX_* ids.
my %LIMIT_ID = (
    max_parts         => 0,
    max_header_size   => 1,
    max_headers       => 2,
    max_preamble_size => 3,
    max_epilogue_size => 4,
    max_field_size    => 5,
    max_total_size    => 6,
    max_file_size     => 7,
    max_files         => 8,
    max_fields        => 9,
);
# HTTP::MultiPartParser's two limits must be positive, as there.
my %POSITIVE = (max_header_size => 1, max_preamble_size => 1);

# Process defaults: HTTP::MultiPartParser's for its two limits, libspringbok's
# (undef) for the others.
my %DEFAULTS = (max_header_size => 32 * 1024, max_preamble_size => 32 * 1024);

my $ValidBoundary = qr<\A [0-9A-Za-z'()+_,\-./:=?]+ \z>x;

sub _check_limit {
    my ($where, $p, $v) = @_;
    if ($POSITIVE{$p}) {
        Carp::croak(qq/Parameter '$p' is not a positive integer/)
            unless ref \$v eq 'SCALAR' && defined $v && $v =~ /\A [1-9][0-9]* \z/x;
    } else {
        Carp::croak(qq/Parameter '$p' is not a non-negative integer/)
            unless ref \$v eq 'SCALAR' && defined $v && $v =~ /\A [0-9]+ \z/x;
    }
}

sub defaults {
    my ($class, %limits) = @_;
    for my $p (sort keys %limits) {
        Carp::croak(qq/Unknown limit '$p' (/ . join(', ', sort keys %LIMIT_ID) . ')')
            unless exists $LIMIT_ID{$p};
        if (defined $limits{$p}) {
            _check_limit('defaults', $p, $limits{$p});
        } else {
            Carp::croak(qq/Limit '$p' has no default to restore; give a number/) if $POSITIVE{$p};
        }
    }
    for my $p (keys %limits) {
        if (defined $limits{$p}) { $DEFAULTS{$p} = $limits{$p} } else { delete $DEFAULTS{$p} }
    }
    return wantarray ? %DEFAULTS : {%DEFAULTS};
}

sub new {
    my ($class, %params) = @_;
    my %self = (on_error => \&Carp::croak, on_header_as => 'lines', %DEFAULTS);
    while (my ($p, $v) = each %params) {
        if ($p eq 'boundary') {
            Carp::croak(q/Parameter 'boundary' is not a valid boundary value/)
                unless ref \$v eq 'SCALAR' && defined $v && $v =~ $ValidBoundary;
            $self{boundary} = $v;
        } elsif ($p eq 'on_header' || $p eq 'on_body' || $p eq 'on_error') {
            Carp::croak(qq/Parameter '$p' is not a CODE reference/) unless ref $v eq 'CODE';
            $self{$p} = $v;
        } elsif (exists $LIMIT_ID{$p}) {
            _check_limit('new', $p, $v);
            $self{$p} = $v;
        } elsif ($p eq 'unfold_headers') {
            $self{unfold_headers} = $v ? 1 : 0;
        } elsif ($p eq 'on_header_as') {
            Carp::croak(q/Parameter 'on_header_as' must be either 'unparsed' or 'lines'/)
                unless ref \$v eq 'SCALAR' && defined $v && $v =~ /\A (?: unparsed | lines) \z/x;
            $self{on_header_as} = $v;
        } else {
            Carp::croak(qq/Unknown parameter '$p' passed to constructor/);
        }
    }
    for my $p (qw(boundary on_header on_body)) {
        Carp::croak(qq/Mandatory parameter '$p' is missing/) unless exists $self{$p};
    }
    my @limits;
    $limits[ $LIMIT_ID{$_} ] = $self{$_} for grep { exists $self{$_} } keys %LIMIT_ID;
    return _new(ref $class || $class, @self{qw(boundary on_header on_body on_error)},
        $self{on_header_as} eq 'unparsed' ? 1 : 0, $self{unfold_headers} // 0, \@limits);
}

1;
__END__

=encoding utf-8

=head1 NAME

Springbok::MultiPartParser - HTTP::MultiPartParser's interface over Springbok's multipart parser

=head1 SYNOPSIS

    my $parser = Springbok::MultiPartParser->new(
        boundary  => $boundary,
        on_header => sub { my ($lines) = @_; ... },       # ['Content-Disposition: form-data; name="a"', ...]
        on_body   => sub { my ($chunk, $final) = @_; ... },
        on_error  => sub { my ($message) = @_; ... },      # default: Carp::croak
        max_total_size => 1 << 30,
    );
    $parser->parse($octets) while defined($octets = read_some());
    $parser->finish;

=head1 DESCRIPTION

L<HTTP::MultiPartParser> 0.02's constructor, methods and callbacks, backed by
libspringbok's streaming C<multipart/form-data> parser (RFC 7578, RFC 2046),
which bounds every resource. L<HTTP::Entity::Parser>'s multipart handler works
with it unchanged; L<Springbok::Install> makes C<HTTP::MultiPartParser> resolve
to it. Where the events differ from HTTP::MultiPartParser is listed in
L<Springbok::Differences>.

=head1 METHODS

=over 4

=item new(%parameters)

Returns a parser. Parameters:

=over 4

=item boundary (mandatory)

The boundary parameter of the C<Content-Type>, unquoted; RFC 2046 characters
(C<0-9 A-Z a-z ' ( ) + _ , - . / : = ?>), 1 to 70 of them.

=item on_header => sub { my ($header) = @_ } (mandatory)

Called once per part when its header block has been read. With
C<< on_header_as => 'lines' >> (the default) C<$header> is an array reference
of C<"Name: value"> lines; with C<< on_header_as => 'unparsed' >> it is the
header block as one string of such lines, each ended by CRLF, plus the
empty line.

=item on_body => sub { my ($chunk, $final) = @_ } (mandatory)

Called with the part's data, in one or more pieces; C<$final> is true for the
last piece of a part (possibly an empty string) and false before. Every part
gets at least one call, with C<$final> true.

As in HTTP::MultiPartParser, C<$_[0]> is a scalar the parser may use again
for a later piece: copy the value (C<$part .= $_[0]>, C<push @data, $_[0]>)
to keep it. Unlike there, a reference to C<$_[0]> that the callback keeps
(C<\$_[0]>, C<\@_>) is safe: the parser then leaves that scalar alone and
uses a new one. The same holds for C<on_header>'s argument (the reference;
the array and its lines are new for every part).

=item on_error => sub { my ($message) = @_ }

Called once when the body is invalid or breaks a limit (by C<parse> or
C<finish>); the parser is then aborted: later calls of C<parse> and C<finish>
do nothing and return false. The default is C<Carp::croak>. The message is
libspringbok's description and the byte offset in the body.

=item on_header_as => 'lines' | 'unparsed'

See C<on_header>.

=item max_header_size (32768), max_preamble_size (32768)

HTTP::MultiPartParser's limits: bytes in one part's header block, and before
the first boundary. Positive integers.

=item max_parts, max_headers, max_epilogue_size, max_field_size, max_total_size, max_file_size, max_files, max_fields

Springbok's other limits: parts in the body (default 4096), header lines in
one part (16), bytes after the close delimiter (32 KiB; the CRLF that usually
follows it counts, so 2 allows exactly what HTTP::MultiPartParser allows),
data bytes of one non-file part (one without C<filename> or C<filename*>;
1 MiB), bytes in the whole body (64 MiB), data bytes of one file part (no
limit of its own: the body's bounds it), file parts (128, Rack's) and
non-file parts (4096). Non-negative integers. Breaking any limit is an error
whose message names the limit, never a silent truncation.

=item unfold_headers => 1

Accept folded part header lines (obsolete line folding, which MIME allows and
browsers never send), each fold replaced by one space, as
HTTP::MultiPartParser unfolds them. Off by default: a folded line makes the
body invalid.

=back

The defaults of every limit can be changed for the whole interpreter with
C<defaults>, for servers whose C<new> calls cannot be edited.

=item parse($octets)

Parses the next piece of the body, calling C<on_header> and C<on_body> as
parts complete. Returns true, or false once the parser is aborted. Callbacks
may die; the exception leaves C<parse>, and what the body held after the
call that died is delivered by the next C<parse> or C<finish>, so every
callback sees the same calls as if none had died. A callback may not call
C<parse>, C<finish> or C<reset> of the same parser (that croaks).

=item finish()

Says the body has ended: C<on_error> is called (and false returned) unless the
close delimiter was seen. Returns true otherwise.

=item reset()

Forgets everything parsed, as a new parser with the same parameters.

=item is_aborted()

True after an error.

=item Springbok::MultiPartParser->defaults(%limits)

Sets the default limits of later C<new> calls in this process (C<undef>
restores libspringbok's default for one of its own limits) and returns the
defaults that differ from libspringbok's (a hash, or a hash reference in
scalar context). L<Springbok::Install> passes its C<multipart_*> options here.

=back

=head1 SEE ALSO

L<HTTP::MultiPartParser>, L<HTTP::Entity::Parser>, L<Springbok::Differences>.

=cut
