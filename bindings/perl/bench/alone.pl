#!/usr/bin/perl
# parse_http_request timed with each parser alone in its own perl, as a
# server runs one of them: bench/bench.pl times the peers in one process,
# where Springbok's precomputed keys keep Perl's shared strings for the env
# keys alive and HTTP::Parser::XS stores those keys more cheaply than it
# does on its own. Prints a markdown table of medians and ratios.
#
#   cd bindings/perl && perl Makefile.PL && make
#   perl -Mblib bench/alone.pl [--rounds N] [--iterations N]
use strict;
use warnings;
use FindBin;
use Getopt::Long;

my %opt = (rounds => 7, iterations => 20000);
GetOptions(\%opt, 'rounds=i', 'iterations=i') or die "usage: $0 [--rounds N] [--iterations N]\n";

my @inc = map {"-I$_"} grep {/blib|t\/lib/} @INC, "$FindBin::Bin/../t/lib";
my @counts = (0, 1, 2, 4, 10, 20, 50, 100);

# One perl that loads only `$module`, times `$opt{rounds}` loops of
# `$opt{iterations}` calls at `$n` headers and prints the median ns/call.
sub alone {
    my ($module, $n) = @_;
    my $code = qq{
        use Time::HiRes qw(time); use $module (); use Springbok::Test::Corpus qw(realistic_request);
        my \$r = realistic_request($n); my \@t;
        for (1 .. $opt{rounds}) {
            my \$t0 = time;
            for (1 .. $opt{iterations}) { my %e; ${module}::parse_http_request(\$r, \\%e) }
            push \@t, (time - \$t0) / $opt{iterations} * 1e9;
        }
        \@t = sort { \$a <=> \$b } \@t; print \$t[\$#t / 2];
    };
    my $out = qx{$^X @inc -e '$code'};
    $? == 0 && $out =~ /^[\d.]+$/ or die "timing $module at $n headers failed\n";
    return $out;
}

my $load = `uptime`;
print "| headers | HTTP::Parser::XS ns/op | Springbok ns/op | ratio |\n|---:|---:|---:|---:|\n";
for my $n (@counts) {
    my $peer = alone('HTTP::Parser::XS', $n);
    my $ours = alone('Springbok::HTTP::Parser', $n);
    printf "| %d | %.0f | %.0f | %.2fx |\n", $n, $peer, $ours, $peer / $ours;
}
print "\nEach parser alone in its perl; medians of $opt{rounds} loops of $opt{iterations} calls.\n";
print "load before: $load", "load after:  ", `uptime`;
