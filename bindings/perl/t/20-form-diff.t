# Springbok::Form against WWW::Form::UrlEncoded 0.26 with its default
# backend, WWW::Form::UrlEncoded::XS 0.28: every input of the corpus and its
# corruptions, WWW::Form::UrlEncoded's documented examples, random bytes, and
# build_urlencoded's argument shapes; then the limits. (The pure-Perl backend
# differs from the XS one and from its own documentation on one point: it
# keeps a space at the very start of the input. Springbok follows the
# documentation and the XS backend.)
use strict;
use warnings;
use Test::More;
use FindBin;
use lib "$FindBin::Bin/lib";
use Springbok::Test::Peers qw(WWW::Form::UrlEncoded::XS WWW::Form::UrlEncoded);
use Springbok::Test::Corpus qw(forms mutations);
use Springbok::Test::Explain qw(accept_id check_used);
use Springbok::Form qw(:all);

sub show { my $s = join '|', map { defined ? $_ : 'undef' } @_; $s =~ s/([^\x20-\x7e])/sprintf('\\x%02X', ord $1)/ge; $s }

# Parsing: list, arrayref, against XS and PP.
my @inputs = map { ($_->[1], mutations($_->[1], 100)) } forms();
my $seed = 11;
for (1 .. 2000) {    # random bytes, biased towards the separators
    my $s = '';
    for (1 .. ($seed = ($seed * 69069 + 1) % 4294967296) % 40) {
        $seed = ($seed * 69069 + 1) % 4294967296;
        $s .= ('&', ';', '=', '%', '+', ' ', 'a', '2', 'F', "\0", "\xff")[$seed % 11];
    }
    push @inputs, $s;
}
push @inputs, "caf\x{e9}=\x{263a}", "\x{100}=1";    # character strings: their UTF-8 bytes, as the XS backend
my @bad;
for my $in (@inputs) {
    my @xs = WWW::Form::UrlEncoded::XS::parse_urlencoded($in);
    my @ours = parse_urlencoded($in);
    my $ref = parse_urlencoded_arrayref($in);
    push @bad, show($in) . ': xs ' . show(@xs) . ' ours ' . show(@ours)
        unless show(@xs) eq show(@ours) && show(@ours) eq show(@$ref);
    push @bad, show($in) . ': a result has the UTF-8 flag' if grep { utf8::is_utf8($_) } @ours;
}
ok(!@bad, scalar(@inputs) . ' inputs parse as WWW::Form::UrlEncoded::XS does, as a list and as an array ref')
    or diag(join "\n", @bad[0 .. ($#bad < 9 ? $#bad : 9)]);

# WWW::Form::UrlEncoded's documented examples.
my @examples = (
    ['a=b&c=d' => [qw(a b c d)]], ['a=b;c=d' => [qw(a b c d)]], ['a=1&b=2;c=3' => [qw(a 1 b 2 c 3)]],
    ['a==b&c==d' => ['a', '=b', 'c', '=d']], ['a=b& c=d' => [qw(a b c d)]], ['a=b; c=d' => [qw(a b c d)]],
    ['a=b; c =d' => ['a', 'b', 'c ', 'd']], ['a=b;c= d ' => ['a', 'b', 'c', ' d ']],
    ['a=b&+c=d' => ['a', 'b', ' c', 'd']], ['a=b&+c+=d' => ['a', 'b', ' c ', 'd']],
    ['a=b&c=+d+' => ['a', 'b', 'c', ' d ']], ['a=b&%20c=d' => ['a', 'b', ' c', 'd']],
    ['a=b&%20c%20=d' => ['a', 'b', ' c ', 'd']], ['a=b&c=%20d%20' => ['a', 'b', 'c', ' d ']],
    ['a&c=d' => ['a', '', 'c', 'd']], ['a=b&=d' => ['a', 'b', '', 'd']], ['a=b&=' => ['a', 'b', '', '']],
    ['&' => ['', '', '', '']], ['=' => ['', '']], ['' => []],
);
is_deeply([parse_urlencoded($_->[0])], $_->[1], "example '$_->[0]'") for @examples;
is_deeply([parse_urlencoded(undef)], [], 'undef: empty list');
is_deeply(parse_urlencoded_arrayref(undef), [], 'undef: empty array ref');
is_deeply([parse_urlencoded()], [], 'no argument: empty list');
is(scalar(parse_urlencoded('a=b&c=d')), 'd', 'scalar context: the last element, as the XS backend');

# Building: every argument shape, through both.
my $all = join '', map { chr } 0 .. 255;
my @shapes = (
    [], ['a'], ['a', 'b'], ['a', 'b', 'c'], [a => 1, b => 2], [a => 1, b => 2, ';'], [a => 1, b => 2, undef],
    [a => undef, b => [1, 2]], [[a => 1, b => bless([3, 4], 'X')]], [[a => [1, 2]], ';'], [[]], [[], '&&'],
    [{}], [{ a => [1, 2] }, ';'], [{ k => 'v' }], ["caf\x{e9}", "\x{263a}"], [$all, $all], [' ' => '+'],
    ['a b' => "c\0d", 'e&f' => 'g=h'], [[a => undef]], [[1 .. 5]], [{ a => undef }], [1 => 2, 3 => 4, 5 => 6, '&amp;'],
    ["\x{e9}" => "\x{e9}", "\x{e9}"],
);
for my $args (@shapes) {
    no warnings 'uninitialized';
    my $name = show(map { ref $_ ? ref $_ : $_ } @$args);
    is(build_urlencoded(@$args), WWW::Form::UrlEncoded::XS::build_urlencoded(@$args), "build_urlencoded($name)");
    is(build_urlencoded_utf8(@$args), WWW::Form::UrlEncoded::XS::build_urlencoded_utf8(@$args),
        "build_urlencoded_utf8($name)");
}
my $big = { map { ("k$_" => [$_, "v $_"]) } 1 .. 100 };
is(build_urlencoded($big), WWW::Form::UrlEncoded::XS::build_urlencoded($big), 'a 100-key hash (same iteration order)');
my @p = map { ("k$_\0" => "$all$_") } 1 .. 10;
is_deeply([parse_urlencoded(build_urlencoded(@p))], \@p, 'build then parse: every byte round-trips');
is(build_urlencoded(a => 'x y'), 'a=x+y', 'space as +');
is(build_urlencoded(a => "!'()*~-._"), "a=!'()*~-._", "the XS backend's unreserved set");

# Limits: an error, never a truncation.
my $many = join '&', map { "k$_=v" } 1 .. 5000;
my @xs = WWW::Form::UrlEncoded::XS::parse_urlencoded($many);
is(scalar @xs, 10_000, 'WWW::Form::UrlEncoded parses 5000 pairs');
eval { parse_urlencoded($many) };
like($@, qr/more than 4096 pairs.*set_limits/, 'over the default 4096 pairs: croaks naming the limit');
accept_id('form_limits') if $@ && @xs == 10_000;
eval { parse_urlencoded_arrayref($many) };
like($@, qr/more than 4096 pairs/, '... also the array ref form');
Springbok::Form::set_limits(max_pairs => 5000);
is(scalar(my @ours = parse_urlencoded($many)), 10_000, 'max_pairs => 5000: parsed');
is_deeply(scalar Springbok::Form::limits(), { max_pairs => 5000, max_input_bytes => 4 << 20 }, 'limits()');
Springbok::Form::set_limits(max_input_bytes => 100);
eval { parse_urlencoded('a=' . 'x' x 100) };
like($@, qr/longer than 100 bytes/, 'max_input_bytes');
is_deeply([parse_urlencoded('a=' . 'x' x 98)], ['a', 'x' x 98], '... exactly at the limit: parsed');
Springbok::Form::set_limits(max_pairs => 4096, max_input_bytes => 4 << 20);
eval { Springbok::Form::set_limits(max_pairs => 0) };
like($@, qr/positive integer/, 'a zero limit croaks');
eval { Springbok::Form::set_limits(pairs => 1) };
like($@, qr/unknown limit 'pairs'/, 'an unknown limit croaks');

check_used(qw(form_limits));
done_testing;
