package Springbok::HTTP::Parser;

use strict;
use warnings;

use Carp ();
use Springbok ();

our $VERSION = $Springbok::VERSION;

use constant {
    HEADERS_NONE        => 0,
    HEADERS_AS_HASHREF  => 1,
    HEADERS_AS_ARRAYREF => 2,
};

use parent 'Exporter';
our %EXPORT_TAGS = (
    all => [qw(parse_http_request parse_http_response HEADERS_NONE HEADERS_AS_HASHREF HEADERS_AS_ARRAYREF)],
);
our @EXPORT_OK = (@{ $EXPORT_TAGS{all} }, qw(configure config last_error));
our @EXPORT = ();

my %FLAG = _parser_flags();
my %ENV_FLAG = (
    drop   => 0,
    allow  => delete $FLAG{env_underscores_allow},
    reject => delete $FLAG{env_underscores_reject},
);
my %PRESET = (
    strict         => 0,
    picohttpparser => delete $FLAG{picohttpparser},
);
# What HTTP::Parser::XS 0.17's bundled (older) picohttpparser accepts, as far
# as libspringbok has flags for it (t/request-diff.t checks it): not runs of
# spaces in the request line, nor a status line without the space before
# the reason; but a leading empty line.
$PRESET{http_parser_xs} = $FLAG{allow_bare_lf} | $FLAG{obs_fold_continuation} | $FLAG{allow_loose_target}
    | $FLAG{allow_leading_empty_lines};

my %LIMIT = map { $_ => 1 } qw(max_headers max_head_bytes max_target_len max_name_len max_value_len);

sub _leniency_flags {
    my ($leniency) = @_;
    return $leniency if defined $leniency && !ref $leniency && $leniency =~ /\A[0-9]+\z/;
    my @names = ref $leniency eq 'ARRAY' ? @$leniency : ($leniency);
    my $flags = 0;
    for my $name (@names) {
        Carp::croak('Springbok::HTTP::Parser::configure: leniency must be a preset name, a flag name, '
            . 'an array reference of them, or an integer')
            unless defined $name && !ref $name;
        if (exists $PRESET{$name}) {
            $flags |= $PRESET{$name};
        } elsif (exists $FLAG{$name}) {
            $flags |= $FLAG{$name};
        } else {
            Carp::croak("Springbok::HTTP::Parser::configure: unknown leniency '$name' (presets: "
                . join(', ', sort keys %PRESET) . '; flags: ' . join(', ', sort keys %FLAG) . ')');
        }
    }
    return $flags;
}

sub config {
    my ($flags, $env_flags, $max_headers, @limits) = _config();
    my ($underscores) = grep { $ENV_FLAG{$_} == $env_flags } sort keys %ENV_FLAG;
    my %config = (
        leniency    => [grep { $flags & $FLAG{$_} } sort keys %FLAG],
        underscores => $underscores,
        max_headers => $max_headers,
    );
    @config{qw(max_head_bytes max_target_len max_name_len max_value_len)} = @limits;
    return wantarray ? %config : \%config;
}

sub configure {
    my %opts = @_ == 1 && ref $_[0] eq 'HASH' ? %{ $_[0] } : @_;
    my ($flags, $env_flags, @current) = _config();
    my %limit;
    @limit{qw(max_headers max_head_bytes max_target_len max_name_len max_value_len)} = @current;
    for my $key (sort keys %opts) {
        my $v = $opts{$key};
        if ($key eq 'leniency') {
            $flags = _leniency_flags($v);
        } elsif ($key eq 'underscores') {
            Carp::croak("Springbok::HTTP::Parser::configure: underscores must be 'drop', 'allow' or 'reject'")
                unless defined $v && exists $ENV_FLAG{$v};
            $env_flags = $ENV_FLAG{$v};
        } elsif ($LIMIT{$key}) {
            Carp::croak("Springbok::HTTP::Parser::configure: $key must be a positive integer or undef (the default)")
                if defined $v && $v !~ /\A[1-9][0-9]*\z/;
            $limit{$key} = $v;
        } else {
            Carp::croak("Springbok::HTTP::Parser::configure: unknown option '$key' (leniency, underscores, "
                . join(', ', sort keys %LIMIT) . ')');
        }
    }
    my $error = _configure($flags, $env_flags,
        @limit{qw(max_headers max_head_bytes max_target_len max_name_len max_value_len)});
    Carp::croak("Springbok::HTTP::Parser::configure: $error") if defined $error;
    return;
}

1;
__END__

=encoding utf-8

=head1 NAME

Springbok::HTTP::Parser - HTTP::Parser::XS's interface over Springbok's strict HTTP/1.1 parser

=head1 SYNOPSIS

    use Springbok::HTTP::Parser qw(parse_http_request parse_http_response HEADERS_AS_ARRAYREF);

    my $ret = parse_http_request($buf, \%env);
    if ($ret == -2) { ... read more ... }
    elsif ($ret == -1) { my ($message, $status) = Springbok::HTTP::Parser::last_error(); ... }
    else { ... $ret bytes of head; %env has the PSGI keys ... }

    my ($ret, $minor, $status, $message, $headers)
        = parse_http_response($buf, HEADERS_AS_ARRAYREF, \%special);

    # Accept what HTTP::Parser::XS accepted (bare LF, obs-fold, ...):
    Springbok::HTTP::Parser::configure(leniency => 'http_parser_xs');

=head1 DESCRIPTION

The functions and constants of L<HTTP::Parser::XS> 0.17 with the same calling
contract, backed by Springbok's parser (strict RFC 9112 by default) and its
PSGI env flattening, both in one libspringbok call
(C<sb_parser_config_parse_request_env>). The env keys Perl stores most often
are precomputed shared hash keys, and the C<HTTP_*> keys of other headers are
kept as shared hash keys once seen (at most 256 per interpreter, whatever the
clients send), so filling C<%env> costs little more than creating its values;
the empty string, the protocols and the usual methods are copy-on-write copies
of shared strings. Nothing is exported by default; C<:all> exports what
HTTP::Parser::XS's C<:all> does.

L<Springbok::Install> makes C<HTTP::Parser::XS> itself resolve to this module.
Where the results differ from HTTP::Parser::XS is listed in
L<Springbok::Differences>.

=head1 FUNCTIONS

=over 4

=item parse_http_request($buf, \%env)

Parses the request head at the start of C<$buf> and returns its length in
bytes (the body or the next request starts there), C<-1> when the head is
invalid or breaks a limit, or C<-2> when it is incomplete. On success it
stores in C<%env>: C<REQUEST_METHOD>, C<REQUEST_URI> (the target as sent),
C<SCRIPT_NAME> (C<"">), C<PATH_INFO> (the path, percent-decoded, without query
and fragment; a bad C<%XX> makes the request invalid), C<QUERY_STRING> (after
the first C<?>, before C<#>), C<SERVER_PROTOCOL> (C<HTTP/1.0> or C<HTTP/1.1>),
C<CONTENT_TYPE>, C<CONTENT_LENGTH> and one C<HTTP_*> key per other header
(upper-cased, C<-> as C<_>, repeated headers joined with C<", ">). Other keys
of C<%env> are left alone. On C<-1> and C<-2> C<%env> is not touched at all.
The second argument must be a hash reference (an exception otherwise); an
undefined C<$buf> is an empty one (C<-2>).

=item parse_http_response($buf, $header_format, \%special_headers)

Parses a response head. Returns C<($ret, $minor_version, $status, $message,
$headers)> on success and C<($ret)> (C<-1> invalid, C<-2> incomplete)
otherwise. C<$headers> is C<undef> for C<HEADERS_NONE> (or any other format
number), C<{ name => value }> for C<HEADERS_AS_HASHREF> (a repeated header's
values in an array reference, in order) and C<[name, value, ...]> for
C<HEADERS_AS_ARRAYREF>; names are lower-cased. For every lower-case name that
exists as a key of the optional C<%special_headers>, its value is set to the
header's value (the last one when repeated); C<%special_headers> is only
written when the head is complete and valid.

=item HEADERS_NONE, HEADERS_AS_HASHREF, HEADERS_AS_ARRAYREF

The header formats (0, 1, 2) for C<parse_http_response>.

=item configure(%options)

Changes how this interpreter parses, for every later call (the settings are
per interpreter, copied into new threads). Options not given keep their
current value; an invalid option or value croaks and changes nothing.

=over 4

=item leniency => 'strict' | 'picohttpparser' | 'http_parser_xs' | $flag | [$flag_or_preset, ...] | $integer

Which RFC 9112 violations to accept. C<strict> (the default) accepts none.
C<picohttpparser> is picohttpparser's built-in set: C<allow_bare_lf>,
C<obs_fold_continuation>, C<allow_multiple_spaces>, C<allow_loose_target> and
C<allow_missing_reason_space>. C<http_parser_xs> adds
C<allow_leading_empty_lines>, which HTTP::Parser::XS 0.17 also accepts; it is
the closest setting to that module for a server that must accept what it
accepted. The single flags are: C<allow_bare_lf> (a line ended by LF alone),
C<obs_fold_continuation> (folded header lines, joined with one space in the
env), C<obs_fold_span> (the same, exclusive with the former),
C<allow_multiple_spaces> (runs of spaces in the request line),
C<allow_leading_empty_lines> (empty lines before the request line),
C<allow_whitespace_before_first_header>, C<ignore_invalid_headers> (skip a
malformed header line), C<allow_loose_target> (bytes outside RFC 3986 in the
target, e.g. raw UTF-8 or C<|>) and C<allow_missing_reason_space>
(C<HTTP/1.1 200\r\n> in responses).

=item underscores => 'drop' | 'allow' | 'reject'

Headers whose names contain C<_> map to the same env key as the same name with
C<->, so C<X_Forwarded_For> could spoof a proxy's C<X-Forwarded-For>. C<drop>
(the default, as nginx does) leaves them out of C<%env>; C<allow> maps them
like C<-> (HTTP::Parser::XS's behaviour; values of both spellings are joined);
C<reject> makes such a request invalid (C<-1>).

=item max_headers => $n

Most header lines in one head (default 128, HTTP::Parser::XS's); more is
C<-1>, C<last_error> says 431.

=item max_head_bytes, max_target_len, max_name_len, max_value_len => $n

Limits of the head (default 112 KiB), the request target (12 KiB), a header
name (256 bytes) and a header value (80 KiB); C<undef> restores the default.

=back

=item config()

The current settings as a hash (list context) or hash reference: C<leniency>
(an array reference of flag names), C<underscores>, C<max_headers>, and the
four byte limits (C<undef> where the default applies).

=item last_error()

After C<parse_http_request> or C<parse_http_response> returned C<-1>: C<($message,
$status, $offset, $code)>, an English description, the HTTP status to answer
with (400, 414, 431 or 505), the byte offset of the problem in the head (for a
bad C<%XX> in the path: in the target) and libspringbok's result code. An empty
list when the last parse in this interpreter did not fail.

=back

=head1 SEE ALSO

L<HTTP::Parser::XS>, L<Springbok::Differences>, L<Springbok::Install>.

=cut
