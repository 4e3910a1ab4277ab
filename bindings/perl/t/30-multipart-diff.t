# Springbok::MultiPartParser against HTTP::MultiPartParser 0.02: every body of
# the corpus and its corruptions, fed whole and in pieces of 1, 7 and 64
# bytes, the events compared part by part (headers, data, errors). Ours must
# give the same result for every split and keep the callback contract.
use strict;
use warnings;
use Test::More;
use FindBin;
use lib "$FindBin::Bin/lib";
use Springbok::Test::Peers qw(HTTP::MultiPartParser);
use Springbok::Test::Corpus qw(multipart_bodies mutations);
use Springbok::Test::Explain qw(explain_multipart multipart_parts check_used);
use Springbok::MultiPartParser ();

sub run {
    my ($class, $body, $step) = @_;
    my %run = (events => [], err => undef);
    my $parser = $class->new(
        boundary  => 'XyZ',
        on_header => sub { push @{ $run{events} }, [h => [@{ $_[0] }]] },
        on_body   => sub { push @{ $run{events} }, [b => $_[0], $_[1] ? 1 : 0] },
        on_error  => sub { $run{err} //= $_[0] },
    );
    for (my $i = 0; $i < length $body; $i += $step) {
        $parser->parse(substr($body, $i, $step));
    }
    $parser->finish;
    return \%run;
}

# What a run means, independent of how the data was cut.
sub summary {
    my ($run) = @_;
    my ($parts, $why) = multipart_parts($run);
    return "contract broken: $why" unless $parts;
    return join "\n", (map { join("\0", @{ $_->{headers} }) . "\0\0" . $_->{data} } @$parts),
        defined $run->{err} ? 'error' : 'ok';
}

my ($inputs, $identical) = (0, 0);
for my $case (multipart_bodies()) {
    my ($name, $body) = @$case;
    my @problems;
    for my $in ($body, mutations($body, 150)) {
        my @steps = (length($in) || 1, 1, 7, 64);
        @steps = (length($in) || 1, 4096, 65536) if length $in > 20_000;
        my $whole = run('Springbok::MultiPartParser', $in, $steps[0]);
        for my $step (@steps) {
            $inputs++;
            my $ours = $step == $steps[0] ? $whole : run('Springbok::MultiPartParser', $in, $step);
            my $peer = run('HTTP::MultiPartParser', $in, $step);
            push @problems, "step $step: not the same result as whole" if summary($ours) ne summary($whole);
            my ($ids, $why) = explain_multipart($in, 'XyZ', $peer, $ours);
            if (!$ids) {
                (my $s = substr($in, 0, 70)) =~ s/([^\x20-\x7e])/sprintf('\\x%02X', ord $1)/ge;
                push @problems, qq{step $step, "$s": $why};
            } elsif (!@$ids) {
                $identical++;
            }
        }
    }
    ok(!@problems, "$name: whole and corrupted, fed at once and in pieces")
        or diag(join "\n", @problems[0 .. ($#problems < 9 ? $#problems : 9)]);
}
note("$inputs runs, $identical identical to HTTP::MultiPartParser");

check_used(qw(multipart_header_lines multipart_part_headers multipart_delimiter_line multipart_epilogue
    multipart_no_headers multipart_error_messages));
done_testing;
