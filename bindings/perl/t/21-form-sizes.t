# Springbok::Form against WWW::Form::UrlEncoded::XS at the sizes where the
# glue changes path: keys and values of every length up to 40 bytes (the
# inline short copies), batch edges (32 pairs a batch), a pair larger than
# the 4 KiB stack arena (first, middle, last), and results large enough to
# be moved out of their worst-case block.
use strict;
use warnings;
use Test::More;
use FindBin;
use lib "$FindBin::Bin/lib";
use Springbok::Test::Peers qw(WWW::Form::UrlEncoded::XS);
use Springbok::Form qw(:all);

sub same_parse {
    my ($in, $name) = @_;
    my @xs = WWW::Form::UrlEncoded::XS::parse_urlencoded($in);
    is_deeply([parse_urlencoded($in)], \@xs, "parse: $name");
    is_deeply(parse_urlencoded_arrayref($in), \@xs, "arrayref: $name");
}

# Every length, plain and with something to decode.
for my $n (0 .. 40) {
    my $plain = join '', map { chr(ord('a') + $_ % 26) } 1 .. $n;
    (my $coded = $plain) =~ s/(.)(.)/$1+%$2/;
    same_parse("$plain=$plain&$coded=$coded;x", "key and value of $n bytes");
}

# Batch edges: 31 to 33, 63 to 65 pairs, with and without a trailing separator.
for my $pairs (1, 31, 32, 33, 63, 64, 65) {
    my $in = join '&', map { "k$_=v+$_" } 1 .. $pairs;
    same_parse($in, "$pairs pairs");
    same_parse("$in;", "$pairs pairs and a trailing separator");
}

# A pair longer than the arena, where the form starts, in its middle and at its end.
my $long = 'x%41+' x 1000;
same_parse("big=$long&a=1", 'a 5 KB pair first');
same_parse(join('&', (map { "k$_=$_" } 1 .. 40), "big=$long", 'z=%7A'), 'a 5 KB pair after a batch');
same_parse("a=1;b=2;big=$long", 'a 5 KB pair last');
same_parse(join('&', map { "k$_=$long" } 1 .. 3), 'three 5 KB pairs');

# Build: small and large results, every argument shape that takes the one-call path.
for my $pairs (1, 50, 5000) {
    my @kv = map { ("k $_" => "v/$_+\x{e9}") } 1 .. $pairs;
    is(build_urlencoded(@kv), WWW::Form::UrlEncoded::XS::build_urlencoded(@kv), "build: $pairs pairs, a list");
    is(build_urlencoded([@kv]), WWW::Form::UrlEncoded::XS::build_urlencoded([@kv]), "build: $pairs pairs, an array");
    is(build_urlencoded([@kv], ';'), WWW::Form::UrlEncoded::XS::build_urlencoded([@kv], ';'),
        "build: $pairs pairs, another delimiter");
}
done_testing;
