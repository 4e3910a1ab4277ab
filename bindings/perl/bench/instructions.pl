#!/usr/bin/perl
# Instruction counts (valgrind --tool=callgrind) per operation, Springbok
# against the peers: exact and immune to the machine's load, unlike timings.
# Each workload runs twice per implementation, with N and 2N iterations, in
# a fresh perl; the difference divided by N cancels start-up.
#
#   cd bindings/perl && perl Makefile.PL && make
#   perl -Mblib bench/instructions.pl [--n 2000]
use strict;
use warnings;
use FindBin;
use Getopt::Long;
use lib "$FindBin::Bin/../t/lib";

my %opt = (n => 2000);
GetOptions(\%opt, 'n=i', 'only=s') or die "usage: $0 [--n N] [--only REGEX]\n";

# name => [setup code, peer op, Springbok op] (Perl source, run in a loop).
my $corpus = 'use Springbok::Test::Corpus qw(realistic_request realistic_query);';
my $boundary = '----WebKitFormBoundary7MA4YWxkTrZu0gW';
my $fields = q{my $b = '} . $boundary . q{'; my $body = join('', map { "--$b\r\nContent-Disposition: form-data; name=\"field$_\"\r\n\r\nvalue number $_\r\n" } 1 .. 1000) . "--$b--\r\n";
    sub run { my ($c) = @_; my (@out, $part); my $p = $c->new(boundary => $b, on_header => sub { $part = { headers => $_[0], data => '' } }, on_body => sub { $part->{data} .= $_[0]; push @out, $part if $_[1] }); $p->parse($body); $p->finish }};
# bench.pl's 20,000 pairs (1.2 MB), with the pair limit raised for it.
my $big = q{Springbok::Form::set_limits(max_pairs => 20_000, max_input_bytes => 4 << 20);
    my $q = join '&', map { sprintf 'field%05d=%s', $_, ($_ % 3 ? "value+$_+with+words" : "caf%C3%A9%20$_%2Fx%3Dy") } 1 .. 20_000;};
my @workloads = (
    (map {
        my $n = $_;
        ["parse_http_request, $n headers", "$corpus my \$r = realistic_request($n);",
            'my %e; HTTP::Parser::XS::parse_http_request($r, \%e)',
            'my %e; Springbok::HTTP::Parser::parse_http_request($r, \%e)']
    } 0, 1, 2, 4, 10, 20, 50, 100),
    ['parse_urlencoded, 72-byte query', "$corpus my \$q = realistic_query();",
        'my @p = WWW::Form::UrlEncoded::XS::parse_urlencoded($q)', 'my @p = Springbok::Form::parse_urlencoded($q)'],
    ['build_urlencoded, 72-byte query', "$corpus my \$p = [WWW::Form::UrlEncoded::XS::parse_urlencoded(realistic_query())];",
        'my $s = WWW::Form::UrlEncoded::XS::build_urlencoded($p)', 'my $s = Springbok::Form::build_urlencoded($p)'],
    ['parse_urlencoded, 20,000 pairs', $big,
        'my @p = WWW::Form::UrlEncoded::XS::parse_urlencoded($q)', 'my @p = Springbok::Form::parse_urlencoded($q)'],
    ['build_urlencoded, 20,000 pairs', "$big my \$p = [WWW::Form::UrlEncoded::XS::parse_urlencoded(\$q)];",
        'my $s = WWW::Form::UrlEncoded::XS::build_urlencoded($p)', 'my $s = Springbok::Form::build_urlencoded($p)'],
    ['multipart, 1,000 small fields (per body)', $fields, q{run('HTTP::MultiPartParser')}, q{run('Springbok::MultiPartParser')}],
);

my @inc = map { "-I$_" } grep { /blib|t\/lib/ } @INC;
my $modules = '-MHTTP::Parser::XS -MWWW::Form::UrlEncoded::XS -MHTTP::MultiPartParser '
    . '-MSpringbok::HTTP::Parser -MSpringbok::Form -MSpringbok::MultiPartParser';

sub count {
    my ($setup, $op, $n) = @_;
    my $code = "$setup; for (1 .. $n) { $op }";
    my $out = "/tmp/springbok-instructions.$$";
    local $ENV{PERL_HASH_SEED} = 0;    # the same hash order every run: counts repeat exactly
    local $ENV{PERL_PERTURB_KEYS} = 0;
    system('valgrind', '--tool=callgrind', "--callgrind-out-file=$out", $^X, @inc, split(' ', $modules), '-e', $code) == 0
        or die "valgrind failed for: $code\n";
    my $total;
    open my $fh, '-|', 'callgrind_annotate', $out or die;
    while (<$fh>) { if (/^\s*([\d,]+)\s.*PROGRAM TOTALS/) { ($total = $1) =~ tr/,//d } }
    unlink $out;
    return $total;
}

my $n = $opt{n};
print "| workload | peer instructions/op | Springbok instructions/op | ratio |\n|---|---:|---:|---:|\n";
for my $w (@workloads) {
    my ($name, $setup, $peer, $ours) = @$w;
    next if $opt{only} && $name !~ /$opt{only}/;
    my $m = $name =~ /multipart/ ? 20 : $name =~ /20,000/ ? 10 : $n;
    my @per = map {
        my $op = $_;
        (count($setup, $op, 2 * $m) - count($setup, $op, $m)) / $m
    } $peer, $ours;
    printf "| %s | %.0f | %.0f | %.2fx |\n", $name, @per, $per[0] / $per[1];
}
