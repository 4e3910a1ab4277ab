# parse_http_request against HTTP::Parser::XS 0.17: every request of the
# corpus whole, cut at every byte, and corrupted, compared key by key. With
# the closest settings (leniency => 'http_parser_xs', underscores => 'allow')
# every difference must be one listed in Springbok::Differences; the strict
# default may only refuse more, with a strictness error.
use strict;
use warnings;
use Test::More;
use FindBin;
use lib "$FindBin::Bin/lib";
use Springbok::Test::Peers qw(HTTP::Parser::XS);
use Springbok::Test::Corpus qw(requests mutations);
use Springbok::Test::Explain qw(explain_request check_used);
use Springbok::HTTP::Parser ();

my %STRICTNESS = map { $_ => 1 } (100, 102, 112, 113, 600);    # what the http_parser_xs leniency lifts

sub peer {
    my %env;
    my $ret = HTTP::Parser::XS::parse_http_request($_[0], \%env);
    return { ret => $ret, env => \%env };
}

sub ours {
    my %env;
    my $ret = Springbok::HTTP::Parser::parse_http_request($_[0], \%env);
    return { ret => $ret, env => \%env, err => [Springbok::HTTP::Parser::last_error()] };
}

sub closest { Springbok::HTTP::Parser::configure(leniency => 'http_parser_xs', underscores => 'allow') }
sub strict  { Springbok::HTTP::Parser::configure(leniency => 'strict', underscores => 'allow') }

my $redo = sub { my $in = shift; return (peer($in), ours($in)) };

my ($inputs, $identical) = (0, 0);
for my $case (requests()) {
    my ($name, $req) = @$case;
    my @inputs = ($req);
    push @inputs, map { substr($req, 0, $_) } 0 .. length($req) - 1;
    push @inputs, mutations($req, 120);
    my @problems;
    for my $in (@inputs) {
        closest();
        my ($peer, $ours) = (peer($in), ours($in));
        $inputs++;
        my ($ids, $why) = explain_request($in, $peer, $ours, $redo, 0);
        if (!$ids) {
            push @problems, sprintf('%s: %s', _show($in), $why);
            next;
        }
        $identical++ unless @$ids;
        # The strict default refuses at least as much, and only for strictness.
        strict();
        my $strict = ours($in);
        if ($strict->{ret} != $ours->{ret}) {
            my $code = $strict->{err}[3] // -1;
            push @problems, sprintf('%s: strict %d (%s) where lenient %d', _show($in), $strict->{ret},
                $strict->{err}[0] // '', $ours->{ret})
                unless $strict->{ret} == -1 && $STRICTNESS{$code};
        } elsif ($strict->{ret} >= 0) {
            my @diff = grep { ($strict->{env}{$_} // "\0") ne ($ours->{env}{$_} // "\0") }
                keys %{{ %{ $strict->{env} }, %{ $ours->{env} } }};
            push @problems, sprintf('%s: strict env differs in %s', _show($in), join(', ', sort @diff)) if @diff;
        }
    }
    ok(!@problems, "$name: whole, every prefix, and corrupted (" . scalar(@inputs) . ' inputs)')
        or diag(join "\n", @problems[0 .. ($#problems < 9 ? $#problems : 9)]);
}
note("$inputs inputs, $identical identical to HTTP::Parser::XS");

# A valid head is incomplete (-2) at every shorter prefix, in both.
closest();
for my $case (grep { $_->[0] =~ /\A(?:simple|realistic_10|pico_bench|content_headers)\z/ } requests()) {
    my ($name, $req) = @$case;
    my $head = index($req, "\r\n\r\n") + 4;
    my @bad = grep { ours(substr($req, 0, $_))->{ret} != -2 } 0 .. $head - 1;
    is_deeply(\@bad, [], "$name: -2 at every prefix shorter than the head ($head bytes)");
}

check_used(qw(path_nul content_underscore value_whitespace limits header_name_token space_before_colon
    method_token request_line target_form version leading_empty_lines error_timing));
done_testing;

sub _show {
    (my $s = substr($_[0], 0, 60)) =~ s/([^\x20-\x7e])/sprintf('\\x%02X', ord $1)/ge;
    return qq{"$s"} . (length $_[0] > 60 ? '...' : '');
}
