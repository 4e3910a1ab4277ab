#!/usr/bin/perl
# The Perl forms and multipart rows of `benches/suite`: Springbok::Form's
# parse_urlencoded against WWW::Form::UrlEncoded::XS, and
# Springbok::MultiPartParser against HTTP::MultiPartParser (the callbacks
# keep every part's headers and data, as HTTP::Entity::Parser's do; bodies
# fed in the manifest's 64 KiB pieces), on the form and multipart files of
# the suite's corpus.
#
#   perl -Mblib=bindings/perl benches/drivers/bodies.pl CORPUS_DIR REPEATS SECONDS
#
# Before timing an input, both must produce the same pairs (forms) or the
# same parts' Content-Disposition and data (multipart); otherwise it exits
# 1. Timing: SuiteDriver::measure. Prints JSON in the format of the Rust entry.
use strict;
use warnings;
use JSON::PP ();
use FindBin;
use lib $FindBin::Bin;
use SuiteDriver qw(slurp measure);

use WWW::Form::UrlEncoded::XS ();
use HTTP::MultiPartParser ();
use Springbok::Form ();
use Springbok::MultiPartParser ();

my ($dir, $repeats, $seconds) = @ARGV;
die "usage: $0 CORPUS_DIR REPEATS SECONDS\n" unless defined $seconds && $repeats >= 1 && $seconds > 0;

my $manifest = JSON::PP::decode_json(slurp("$dir/manifest.json"));
my $boundary = $manifest->{boundary};
my $piece = $manifest->{multipart_piece};
Springbok::Form::set_limits(max_pairs => 1 << 20, max_input_bytes => 64 << 20);

# Parts as [headers, data], each parser's callbacks doing the same work.
sub parts {
    my ($class, $pieces) = @_;
    my (@out, $part);
    my $p = $class->new(
        boundary  => $boundary,
        on_header => sub { $part = [$_[0], ''] },
        on_body   => sub { $part->[1] .= $_[0]; push @out, $part if $_[1] },
        $class =~ /Springbok/ ? (max_total_size => 1 << 30, max_field_size => 1 << 30, max_file_size => 1 << 30,
            max_parts => 1 << 20, max_fields => 1 << 20) : (),
    );
    $p->parse($_) for @$pieces;
    $p->finish;
    return \@out;
}

sub disposition { join "\n", map { my ($cd) = grep { /^content-disposition:/i } @{ $_->[0] }; $cd // '' } @{ $_[0] } }

my @rows;
for my $input (grep { $_->{kind} eq 'form' || $_->{kind} eq 'multipart' } @{ $manifest->{inputs} }) {
    my $body = slurp("$dir/$input->{file}");
    my ($ns, $ours, $theirs);
    if ($input->{kind} eq 'form') {
        my @a = Springbok::Form::parse_urlencoded($body);
        my @b = WWW::Form::UrlEncoded::XS::parse_urlencoded($body);
        if (@a != 2 * $input->{items} || join("\0", @a) ne join("\0", @b)) {
            print STDERR "the parsers disagree: $input->{name}: Springbok ", @a / 2, " pairs, WWW::Form::UrlEncoded::XS ", @b / 2, "\n";
            exit 1;
        }
        $ns = measure($repeats, $seconds,
            springbok => sub { for (1 .. $_[0]) { my @p = Springbok::Form::parse_urlencoded($body) } },
            peer      => sub { for (1 .. $_[0]) { my @p = WWW::Form::UrlEncoded::XS::parse_urlencoded($body) } },
        );
        ($ours, $theirs) = ('Springbok::Form::parse_urlencoded', 'WWW::Form::UrlEncoded::XS');
    } else {
        my @pieces = map { substr($body, $_ * $piece, $piece) } 0 .. int((length($body) - 1) / $piece);
        my ($a, $b) = (parts('Springbok::MultiPartParser', \@pieces), parts('HTTP::MultiPartParser', \@pieces));
        if (@$a != $input->{items} || @$a != @$b || disposition($a) ne disposition($b)
            || join("\0", map { $_->[1] } @$a) ne join("\0", map { $_->[1] } @$b)) {
            print STDERR "the parsers disagree: $input->{name}: Springbok ", scalar @$a, " parts, HTTP::MultiPartParser ",
                scalar @$b, ", or a part differs\n";
            exit 1;
        }
        $ns = measure($repeats, $seconds,
            springbok => sub { parts('Springbok::MultiPartParser', \@pieces) for 1 .. $_[0] },
            peer      => sub { parts('HTTP::MultiPartParser', \@pieces) for 1 .. $_[0] },
        );
        ($ours, $theirs) = ('Springbok::MultiPartParser', 'HTTP::MultiPartParser');
    }
    push @rows, {
        group     => $input->{kind} eq 'form' ? 'forms' : 'multipart',
        input     => $input->{name},
        checked   => JSON::PP::true,
        springbok => { name => $ours, ns => $ns->{springbok} },
        peers     => [{ name => $theirs, ns => $ns->{peer} }],
    };
    print STDERR "perl: $input->{name} timed\n";
}
print JSON::PP->new->canonical->encode({
    language => 'perl',
    versions => sprintf('WWW::Form::UrlEncoded::XS %s; HTTP::MultiPartParser %s',
        WWW::Form::UrlEncoded::XS->VERSION, HTTP::MultiPartParser->VERSION),
    repeats  => 0 + $repeats,
    rows     => \@rows,
}), "\n";
