package SuiteDriver;
# What the Perl drivers of `benches/suite` share: reading a corpus file and
# the timing loop of bindings/perl/bench/bench.pl (calibrated batches, the
# parsers taking turns), keeping every repeat's sample, on the thread's CPU
# time (see benches/README.md).
use strict;
use warnings;
use Exporter 'import';
use Time::HiRes qw(clock_gettime CLOCK_THREAD_CPUTIME_ID);

our @EXPORT_OK = qw(slurp measure);

sub slurp {
    open my $fh, '<:raw', $_[0] or die "$_[0]: $!\n";
    local $/;
    return scalar <$fh>;
}

sub now { clock_gettime(CLOCK_THREAD_CPUTIME_ID) }

# measure(REPEATS, SECONDS, springbok => LOOP, peer => LOOP): each LOOP takes
# an iteration count; returns { springbok => [ns/op per repeat], peer => [...] }.
sub measure {
    my ($repeats, $seconds, %loops) = @_;
    my @names = ('springbok', 'peer');
    my %iters;
    for my $name (@names) {
        my $n = 1;
        while (1) {
            my $t0 = now();
            $loops{$name}->($n);
            my $dt = now() - $t0;
            if ($dt >= $seconds / 8 || $n >= 1 << 30) { $iters{$name} = int($n * $seconds / $dt) || 1; last }
            $n *= 4;
        }
    }
    my %ns;
    for my $r (0 .. $repeats - 1) {
        for my $name ($r % 2 ? reverse @names : @names) {
            my $t0 = now();
            $loops{$name}->($iters{$name});
            push @{ $ns{$name} }, 0 + sprintf('%.3f', (now() - $t0) * 1e9 / $iters{$name});
        }
    }
    return \%ns;
}

1;
