#!/usr/bin/perl
# The Perl entry of `benches/suite`: Springbok::HTTP::Parser::parse_http_request
# against HTTP::Parser::XS::parse_http_request, each into a fresh %env, on the
# request files of the suite's corpus (manifest.json), in one process.
#
#   perl -Mblib=bindings/perl benches/drivers/requests.pl CORPUS_DIR REPEATS SECONDS
#
# Before timing an input, both must return the same length and the same %env
# (every key and value); otherwise it exits 1. Timing: SuiteDriver::measure
# (bench.pl's loop). Prints JSON in the format of the Rust entry (benches/src/bin/suite.rs).
use strict;
use warnings;
use JSON::PP ();
use FindBin;
use lib $FindBin::Bin;
use SuiteDriver qw(slurp measure);

use HTTP::Parser::XS ();
use Springbok::HTTP::Parser ();

my ($dir, $repeats, $seconds) = @ARGV;
die "usage: $0 CORPUS_DIR REPEATS SECONDS\n" unless defined $seconds && $repeats >= 1 && $seconds > 0;
die "HTTP::Parser::XS must use its XS backend\n" unless $HTTP::Parser::XS::BACKEND eq 'xs';

sub env_string {
    my ($env) = @_;
    return join "\0", map { "$_=$env->{$_}" } sort keys %$env;
}

my $manifest = JSON::PP::decode_json(slurp("$dir/manifest.json"));
my @rows;
for my $input (grep { $_->{kind} eq 'request' } @{ $manifest->{inputs} }) {
    my $req = slurp("$dir/$input->{file}");
    {
        # In a block: hashes alive during the timing would keep their keys in
        # Perl's shared string table, which makes storing them cheaper.
        my (%a, %b);
        my $ours = Springbok::HTTP::Parser::parse_http_request($req, \%a);
        my $theirs = HTTP::Parser::XS::parse_http_request($req, \%b);
        if ($ours <= 0 || $ours != $theirs || env_string(\%a) ne env_string(\%b)) {
            print STDERR "the parsers disagree: $input->{name}: Springbok $ours, HTTP::Parser::XS $theirs, or the env differs\n";
            exit 1;
        }
    }
    my %loops = (
        springbok => sub { for (1 .. $_[0]) { my %env; Springbok::HTTP::Parser::parse_http_request($req, \%env) } },
        # Springbok keeps the shared keys of uncommon headers between requests,
        # which would serve HTTP::Parser::XS too: its loops start without them
        # (as bindings/perl/bench/bench.pl does).
        peer => sub {
            Springbok::HTTP::Parser::_forget_learnt_keys();
            for (1 .. $_[0]) { my %env; HTTP::Parser::XS::parse_http_request($req, \%env) }
        },
    );
    my $ns = measure($repeats, $seconds, %loops);
    push @rows, {
        group     => 'requests',
        input     => $input->{name},
        checked   => JSON::PP::true,
        springbok => { name => 'Springbok::HTTP::Parser::parse_http_request', ns => $ns->{springbok} },
        peers     => [{ name => 'HTTP::Parser::XS', ns => $ns->{peer} }],
    };
    print STDERR "perl: $input->{name} timed\n";
}
print JSON::PP->new->canonical->encode({
    language => 'perl',
    versions => sprintf('perl %vd; HTTP::Parser::XS %s; libspringbok %s',
        $^V, HTTP::Parser::XS->VERSION, Springbok::libspringbok_version()),
    repeats  => 0 + $repeats,
    rows     => \@rows,
}), "\n";
