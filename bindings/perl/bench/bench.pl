#!/usr/bin/perl
# Springbok's Perl modules against the modules they replace, in one process,
# on the same inputs; prints a markdown table of medians (ns per operation)
# and ratios (peer time / Springbok time: above 1 means Springbok is faster).
#
#   cd bindings/perl && perl Makefile.PL && make
#   perl -Mblib bench/bench.pl [--repeats N] [--seconds S] [--no-wrk] [--verify-inputs]
#
# Workloads:
#   request/N     parse_http_request into a fresh %env, the benches crate's
#                 realistic request with N headers (byte-identical to
#                 benches/src/lib.rs; --verify-inputs checks it against
#                 `cargo run -p springbok-benches --example workloads`)
#   form parse    parse_urlencoded (list) of the 72-byte query of
#                 form-urlencoded/benches/parse.rs, and of 20,000 pairs (1.2 MB)
#   form build    build_urlencoded of the same pairs (array reference)
#   multipart     1,000 small fields, one body (callbacks that keep the values,
#                 as HTTP::Entity::Parser's do); a 10 MiB file fed in 64 KiB pieces
#   starlet       wrk against `plackup -s Starlet` serving hello world, stock
#                 and with -MSpringbok::Install (Starlet's defaults, and with
#                 keep-alive and no re-fork)
# Each timed loop runs about --seconds / 10 seconds; the peers and Springbok
# alternate within every repeat; the table shows the medians.
use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/../t/lib";
use File::Temp qw(tempdir);
use Getopt::Long;
use IO::Socket::INET;
use POSIX qw(WNOHANG);
use Time::HiRes qw(clock_gettime CLOCK_MONOTONIC sleep);

use HTTP::Parser::XS ();
use WWW::Form::UrlEncoded::XS ();
use HTTP::MultiPartParser ();
use Springbok::HTTP::Parser ();
use Springbok::Form ();
use Springbok::MultiPartParser ();
use Springbok::Test::Corpus qw(realistic_request realistic_query pico_bench_request);

my %opt = (repeats => 11, seconds => 1.0, wrk => 1, 'wrk-seconds' => 5, 'wrk-repeats' => 3);
GetOptions(\%opt, 'repeats=i', 'seconds=f', 'wrk!', 'wrk-seconds=i', 'wrk-repeats=i', 'verify-inputs', 'only=s')
    or die "usage: $0 [--repeats N] [--seconds S] [--no-wrk] [--wrk-seconds S] [--verify-inputs] [--only REGEX]\n";
die "HTTP::Parser::XS must use its XS backend\n" unless $HTTP::Parser::XS::BACKEND eq 'xs';

my @COUNTS = (0, 1, 2, 4, 10, 20, 50, 100);
my @rows;
my $load_before = `uptime`;

verify_inputs() if $opt{'verify-inputs'};

sub now { clock_gettime(CLOCK_MONOTONIC) }

# Median ns per operation of each loop; loops take an iteration count.
sub measure {
    my (%loops) = @_;
    my @names = sort keys %loops;
    my %iters;
    for my $name (@names) {    # calibrate: about seconds/repeats per timed loop
        my $n = 1;
        while (1) {
            my $t0 = now();
            $loops{$name}->($n);
            my $dt = now() - $t0;
            if ($dt > 0.02) { $iters{$name} = int($n * ($opt{seconds} / $opt{repeats}) / $dt) || 1; last }
            $n *= 4;
        }
    }
    my %ns;
    for my $r (1 .. $opt{repeats}) {
        for my $name ($r % 2 ? @names : reverse @names) {
            my $t0 = now();
            $loops{$name}->($iters{$name});
            push @{ $ns{$name} }, (now() - $t0) * 1e9 / $iters{$name};
        }
    }
    return map { my @s = sort { $a <=> $b } @{ $ns{$_} }; ($_ => $s[$#s / 2]) } @names;
}

sub row {
    my ($what, $peer_name, $goal, %ns) = @_;
    my $ratio = $ns{peer} / $ns{springbok};
    push @rows, [$what, $peer_name, $ns{peer}, $ns{springbok}, $ratio, $goal];
    printf STDERR "%-34s %12.0f %12.0f  %5.2fx (goal %s)\n", $what, $ns{peer}, $ns{springbok}, $ratio, $goal;
}

sub wanted { !$opt{only} || $_[0] =~ /$opt{only}/ }

# --- parse_http_request -----------------------------------------------------
for my $n (@COUNTS) {
    next unless wanted("request/$n");
    my $req = realistic_request($n);
    {
        # In a block: hashes alive during the timing would keep their keys
        # in Perl's shared string table, which makes storing them cheaper.
        my (%a, %b);
        my $ra = HTTP::Parser::XS::parse_http_request($req, \%a);
        my $rb = Springbok::HTTP::Parser::parse_http_request($req, \%b);
        die "request/$n: the parsers disagree\n"
            unless $ra == $rb && join("\0", map { "$_=$a{$_}" } sort keys %a) eq join("\0", map { "$_=$b{$_}" } sort keys %b);
    }
    row("parse_http_request, $n headers", 'HTTP::Parser::XS', $n == 10 ? '1.5x' : '1.3x', measure(
        # Springbok keeps the shared key strings of uncommon headers alive
        # between requests, and Perl's shared string table then serves them
        # to HTTP::Parser::XS too, which would not have them on its own:
        # its loops start with that cache emptied.
        peer      => sub { Springbok::HTTP::Parser::_forget_learnt_keys(); for (1 .. $_[0]) { my %env; HTTP::Parser::XS::parse_http_request($req, \%env) } },
        springbok => sub { for (1 .. $_[0]) { my %env; Springbok::HTTP::Parser::parse_http_request($req, \%env) } },
    ));
}
if (wanted('pico_bench')) {
    my $req = pico_bench_request();
    row("parse_http_request, bench.c's 703 B", 'HTTP::Parser::XS', '-', measure(
        # (The peer's loops start with the learnt keys emptied, as above.)
        peer      => sub { Springbok::HTTP::Parser::_forget_learnt_keys(); for (1 .. $_[0]) { my %env; HTTP::Parser::XS::parse_http_request($req, \%env) } },
        springbok => sub { for (1 .. $_[0]) { my %env; Springbok::HTTP::Parser::parse_http_request($req, \%env) } },
    ));
}

# --- urlencoded ---------------------------------------------------------------
my $query = realistic_query();
my $big = join '&', map { sprintf 'field%05d=%s', $_, ($_ % 3 ? "value+$_+with+words" : "caf%C3%A9%20$_%2Fx%3Dy") } 1 .. 20_000;
Springbok::Form::set_limits(max_pairs => 20_000, max_input_bytes => 4 << 20);
for my $w (['72-byte query', $query], [sprintf('20,000 pairs (%.2f MB)', length($big) / 1e6), $big]) {
    my ($name, $in) = @$w;
    next unless wanted("form $name");
    die "form: the parsers disagree\n"
        unless join("\0", WWW::Form::UrlEncoded::XS::parse_urlencoded($in)) eq join("\0", Springbok::Form::parse_urlencoded($in));
    row("parse_urlencoded, $name", 'WWW::Form::UrlEncoded::XS', '1.5x', measure(
        peer      => sub { for (1 .. $_[0]) { my @p = WWW::Form::UrlEncoded::XS::parse_urlencoded($in) } },
        springbok => sub { for (1 .. $_[0]) { my @p = Springbok::Form::parse_urlencoded($in) } },
    ));
    my $pairs = [WWW::Form::UrlEncoded::XS::parse_urlencoded($in)];
    die "build: the builders disagree\n"
        unless WWW::Form::UrlEncoded::XS::build_urlencoded($pairs) eq Springbok::Form::build_urlencoded($pairs);
    row("build_urlencoded, $name", 'WWW::Form::UrlEncoded::XS', '1.5x', measure(
        peer      => sub { for (1 .. $_[0]) { my $s = WWW::Form::UrlEncoded::XS::build_urlencoded($pairs) } },
        springbok => sub { for (1 .. $_[0]) { my $s = Springbok::Form::build_urlencoded($pairs) } },
    ));
}

# --- multipart ----------------------------------------------------------------
my $boundary = '----WebKitFormBoundary7MA4YWxkTrZu0gW';
sub fields_parser {
    my ($class, $out) = @_;
    my $part;
    return $class->new(
        boundary  => $boundary,
        on_header => sub { $part = { headers => $_[0], data => '' } },
        on_body   => sub { $part->{data} .= $_[0]; push @$out, $part if $_[1] },
    );
}
if (wanted('multipart fields')) {
    my $body = join('', map { "--$boundary\r\nContent-Disposition: form-data; name=\"field$_\"\r\n\r\nvalue number $_\r\n" } 1 .. 1000)
        . "--$boundary--\r\n";
    my (@a, @b);
    my $pa = fields_parser('HTTP::MultiPartParser', \@a);
    $pa->parse($body); $pa->finish;
    my $pb = fields_parser('Springbok::MultiPartParser', \@b);
    $pb->parse($body); $pb->finish;
    die "multipart: the parsers disagree\n" unless @a == 1000 && join("\0", map { $_->{data} } @a) eq join("\0", map { $_->{data} } @b);
    row(sprintf('multipart, 1,000 small fields (%d KB)', length($body) / 1000), 'HTTP::MultiPartParser', '3x', measure(
        peer      => sub { for (1 .. $_[0]) { my @out; my $p = fields_parser('HTTP::MultiPartParser', \@out); $p->parse($body); $p->finish } },
        springbok => sub { for (1 .. $_[0]) { my @out; my $p = fields_parser('Springbok::MultiPartParser', \@out); $p->parse($body); $p->finish } },
    ));
}
if (wanted('multipart file')) {
    my $file = join('', map { chr(($_ * 131 + 17) % 256) } 0 .. 65535) x 160;    # 10 MiB
    my $body = "--$boundary\r\nContent-Disposition: form-data; name=\"upload\"; filename=\"big.bin\"\r\n"
        . "Content-Type: application/octet-stream\r\n\r\n$file\r\n--$boundary--\r\n";
    my @pieces = map { substr($body, $_ * 65536, 65536) } 0 .. int((length($body) - 1) / 65536);
    my $run = sub {
        my ($class) = @_;
        my $size = 0;
        my $p = $class->new(boundary => $boundary, on_header => sub {}, on_body => sub { $size += length $_[0] },
            $class =~ /Springbok/ ? (max_total_size => 1 << 30) : ());
        $p->parse($_) for @pieces;
        $p->finish;
        return $size;
    };
    die "multipart file: sizes differ\n" unless $run->('HTTP::MultiPartParser') == length $file && $run->('Springbok::MultiPartParser') == length $file;
    row('multipart, 10 MiB file in 64 KiB pieces', 'HTTP::MultiPartParser', '1.0x', measure(
        peer      => sub { $run->('HTTP::MultiPartParser') for 1 .. $_[0] },
        springbok => sub { $run->('Springbok::MultiPartParser') for 1 .. $_[0] },
    ));
}

# --- Starlet under wrk ----------------------------------------------------------
my @wrk_rows;
if ($opt{wrk} && wanted('starlet')) {
    my ($wrk) = grep { -x } map { "$_/wrk" } split /:/, $ENV{PATH};
    my ($plackup) = grep { -x } map { "$_/plackup" } split /:/, $ENV{PATH};
    die "wrk and plackup are needed (apt-get install wrk libplack-perl starlet), or pass --no-wrk\n" unless $wrk && $plackup;
    my $dir = tempdir(CLEANUP => 1);
    open my $fh, '>', "$dir/hello.psgi" or die;
    print {$fh} "sub { [200, ['Content-Type' => 'text/plain', 'Content-Length' => 11], ['hello world']] }\n";
    close $fh;
    my @inc = map { ('-I', $_) } grep { /blib/ } @INC;
    for my $config (['defaults', []], ['keep-alive, no re-fork', ['--max-keepalive-reqs', 1_000_000, '--max-reqs-per-child', 10_000_000]]) {
        my ($cname, $args) = @$config;
        my %rps;
        for my $r (1 .. $opt{'wrk-repeats'}) {
            for my $who ($r % 2 ? ('peer', 'springbok') : ('springbok', 'peer')) {
                my $port = free_port();
                my @cmd = ($^X, @inc, $plackup, '-s', 'Starlet', ($who eq 'springbok' ? '-MSpringbok::Install' : ()),
                    '-E', 'deployment', '--host', '127.0.0.1', '--port', $port, '--max-workers', 2, @$args, "$dir/hello.psgi");
                my $pid = start_server($port, @cmd);
                my $out = `$wrk -t1 -c16 -d$opt{'wrk-seconds'}s http://127.0.0.1:$port/ 2>&1`;
                stop_server($pid);
                my ($rps) = $out =~ /Requests\/sec:\s*([\d.]+)/ or die "wrk: $out";
                my ($errors) = $out =~ /Non-2xx or 3xx responses: (\d+)/;
                die "wrk saw $errors errors\n" if $errors;
                push @{ $rps{$who} }, $rps;
                printf STDERR "starlet %-24s %-10s %8.0f req/s\n", $cname, $who, $rps;
            }
        }
        my %med = map { my @s = sort { $a <=> $b } @{ $rps{$_} }; ($_ => $s[$#s / 2]) } keys %rps;
        push @wrk_rows, [$cname, $med{peer}, $med{springbok}, $med{springbok} / $med{peer}];
    }
}

sub free_port {
    my $s = IO::Socket::INET->new(LocalAddr => '127.0.0.1', LocalPort => 0, Listen => 1, ReuseAddr => 1) or die "bind: $!";
    my $port = $s->sockport;
    close $s;
    return $port;
}

sub start_server {
    my ($port, @cmd) = @_;
    my $pid = fork // die "fork: $!";
    if (!$pid) {
        setpgrp(0, 0);
        open STDOUT, '>', '/dev/null';
        open STDERR, '>', '/dev/null';
        exec @cmd or exit 127;
    }
    my $deadline = now() + 20;
    until (IO::Socket::INET->new(PeerAddr => '127.0.0.1', PeerPort => $port)) {
        die "the server did not start: @cmd\n" if now() > $deadline || waitpid($pid, WNOHANG) == $pid;
        sleep 0.1;
    }
    sleep 0.5;    # let every worker start
    return $pid;
}

sub stop_server {
    my ($pid) = @_;
    kill TERM => $pid;
    my $deadline = now() + 10;
    sleep 0.05 while waitpid($pid, WNOHANG) != $pid && now() < $deadline;
    if (kill 0 => $pid) { kill KILL => -$pid; waitpid $pid, 0 }
}

sub verify_inputs {
    my $dir = tempdir(CLEANUP => 1);
    my $root = "$FindBin::Bin/../../..";
    system("cd '$root' && cargo run -q --release -p springbok-benches --example workloads -- '$dir'") == 0
        or die "cargo run --example workloads failed\n";
    for my $n (@COUNTS) {
        open my $fh, '<:raw', "$dir/headers-$n.http" or die "headers-$n.http: $!";
        my $rust = do { local $/; <$fh> };
        die "realistic request with $n headers: not the benches crate's bytes\n" unless $rust eq realistic_request($n);
    }
    open my $fh, '<:raw', "$dir/pico_bench-703.http" or die;
    die "bench.c's request differs\n" unless do { local $/; <$fh> } eq pico_bench_request();
    print STDERR "inputs: byte-identical to benches/src/lib.rs (headers-0..100, pico_bench)\n";
}

# --- the table --------------------------------------------------------------------
my $load_after = `uptime`;
print "| workload | peer | peer ns/op | Springbok ns/op | ratio | goal |\n|---|---|---:|---:|---:|---:|\n";
printf "| %s | %s | %.0f | %.0f | %.2fx | %s |\n", @$_ for @rows;
if (@wrk_rows) {
    print "\n| Starlet hello world (wrk -t1 -c16, 2 workers) | HTTP::Parser::XS req/s | Springbok req/s | ratio |\n|---|---:|---:|---:|\n";
    printf "| %s | %.0f | %.0f | %.2fx |\n", @$_ for @wrk_rows;
}
printf "\nperl %vd, HTTP::Parser::XS %s, WWW::Form::UrlEncoded::XS %s, HTTP::MultiPartParser %s, libspringbok %s; "
    . "%d repeats, medians.\nload before: %sload after:  %s", $^V, HTTP::Parser::XS->VERSION,
    WWW::Form::UrlEncoded::XS->VERSION, HTTP::MultiPartParser->VERSION, Springbok::libspringbok_version(),
    $opt{repeats}, $load_before, $load_after;
