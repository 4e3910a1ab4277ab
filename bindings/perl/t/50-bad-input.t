# Hostile and wrong input through every entry point: random bytes, huge
# counts, wrong types, undef. Each gives a return code or an exception with a
# clear message; nothing crashes, and %env is complete or untouched.
use strict;
use warnings;
use Test::More;
use Springbok::HTTP::Parser qw(parse_http_request parse_http_response);
use Springbok::Form qw(parse_urlencoded parse_urlencoded_arrayref build_urlencoded build_urlencoded_utf8);
use Springbok::MultiPartParser;
use Springbok::Response qw(head);

my $seed = 20261207;
sub rnd { $seed = ($seed * 6364136223846793005 + 1442695040888963407) % 18446744073709551616; int(($seed / 65536) % $_[0]) }
my @ALPHABET = ("GET ", "POST ", "/", " HTTP/1.1", "\r\n", "\n", "\r", ": ", "Host", "X-A", "_", "%", "%2", "%zz",
    "\0", "\t", " ", "a", "\xff", "\x7f", "?", "#", "&", "=", ";", "--b", "\r\n\r\n", "Content-Disposition: form-data; name=\"a\"");
sub random_input {
    my $n = rnd(40);
    my $s = '';
    $s .= rnd(3) ? $ALPHABET[ rnd(scalar @ALPHABET) ] : chr(rnd(256)) for 1 .. $n;
    return $s;
}

my %FIXED = map { $_ => 1 } qw(REQUEST_METHOD REQUEST_URI SCRIPT_NAME PATH_INFO QUERY_STRING SERVER_PROTOCOL);
for my $mode ('strict', 'http_parser_xs', 'picohttpparser') {
    Springbok::HTTP::Parser::configure(leniency => $mode, underscores => 'allow');
    my @bad;
    for (1 .. 5000) {
        my $in = random_input();
        my %env = (SENTINEL => 1);
        my $r = parse_http_request($in, \%env);
        if ($r < 0) {
            push @bad, "$r but env changed" unless keys %env == 1 && $env{SENTINEL};
            push @bad, "$r is not -1 or -2" unless $r == -1 || $r == -2;
        } else {
            push @bad, "$r > length" if $r > length $in;
            push @bad, 'missing fixed keys' if grep { !exists $env{$_} } keys %FIXED;
        }
        my @res = parse_http_response($in, rnd(3), { 'x-a' => 'unset' });
        push @bad, 'response: ' . scalar(@res) . ' values' unless @res == 1 && $res[0] < 0 || @res == 5;
    }
    ok(!@bad, "$mode: 5000 random heads, requests and responses") or diag(join "\n", @bad[0 .. 4]);
}
Springbok::HTTP::Parser::configure(leniency => 'strict', underscores => 'drop');

my @bad;
for (1 .. 5000) {
    my $in = random_input();
    my @p = eval { parse_urlencoded($in) };
    push @bad, "croaked: $@" if $@;
    push @bad, 'odd number of values' if @p % 2;
}
ok(!@bad, '5000 random forms: pairs') or diag(join "\n", @bad[0 .. 4]);

@bad = ();
for (1 .. 2000) {
    my $in = random_input();
    my ($errors, $finals) = (0, 0);
    my $p = Springbok::MultiPartParser->new(boundary => 'b', on_header => sub {}, on_body => sub { $finals++ if $_[1] },
        on_error => sub { $errors++ });
    my $step = 1 + rnd(8);
    $p->parse(substr($in, $_, $step)) for grep { $_ % $step == 0 } 0 .. length($in) - 1;
    my $ok = $p->finish;
    push @bad, "finish $ok, $errors errors" unless ($ok ? 0 : 1) == $errors;
}
ok(!@bad, '2000 random multipart bodies in random pieces: finish agrees with on_error, which is called once at most')
    or diag(join "\n", @bad[0 .. 4]);

# Huge counts.
my $many = "GET / HTTP/1.1\r\n" . join('', map { "X-H$_: v\r\n" } 1 .. 10_000) . "\r\n";
is(parse_http_request($many, {}), -1, '10,000 headers: -1');
is((Springbok::HTTP::Parser::last_error())[1], 431, '... 431');
Springbok::HTTP::Parser::configure(max_headers => 20_000, max_head_bytes => 1 << 20);
my %env;
is(parse_http_request($many, \%env), length $many, '... accepted with max_headers => 20000');
is(scalar(grep { /^HTTP_X_H/ } keys %env), 10_000, '... every one in %env');
my @r = parse_http_response("HTTP/1.1 200 OK\r\n" . join('', map { "X-H$_: v\r\n" } 1 .. 10_000) . "\r\n", 2);
is(scalar @{ $r[4] }, 20_000, '... and in a response');
Springbok::HTTP::Parser::configure(max_headers => undef, max_head_bytes => undef);
is(parse_http_request("GET / HTTP/1.1\r\nX: " . ('v' x (1 << 20)) . "\r\n\r\n", {}), -1, 'a 1 MiB value: -1');
eval { Springbok::HTTP::Parser::configure(max_headers => 1e9) };
like($@, qr/max_headers must be at most/, 'max_headers => 1e9 croaks');
eval { parse_urlencoded(join '&', ('a') x 100_000) };
like($@, qr/more than 4096 pairs/, '100,000 pairs: croaks');
my $parts = join('', map { "--b\r\nContent-Disposition: form-data; name=\"f$_\"\r\n\r\nv\r\n" } 1 .. 5000) . "--b--\r\n";
my $err;
Springbok::MultiPartParser->new(boundary => 'b', on_header => sub {}, on_body => sub {}, on_error => sub { $err = shift })
    ->parse($parts);
like($err, qr/too many parts/, '5000 parts: the 4096-part limit');
my $head = head(1, 200, [map { ("X-$_" => $_) } 1 .. 100_000]);
like($head, qr/X-100000: 100000\r\n\r\n\z/, 'a head with 100,000 headers');

# Wrong types and undef.
is(parse_http_request([], {}), -1, 'an array ref as the buffer: its string ("ARRAY(0x...)"): -1');
is(parse_http_request(bless({}, 'Stringy'), {}), 24, 'an object with string overloading: its string');
my $ref = \"x";
is_deeply([parse_urlencoded($ref)], ["$ref", ''], 'a reference to parse_urlencoded: its string');
is(build_urlencoded(a => sub { 1 }) =~ /\Aa=CODE\(0x[0-9a-f]+\)\z/ ? 1 : 0, 1, 'a code ref as a value: its string');
is(build_urlencoded_utf8(undef, undef), '=', 'undef name and value');
for my $args ([undef, 200, []], [1, undef, []], [1, 200, undef], [1, 'abc', []], [[], 200, []]) {
    eval { head(@$args) };
    like($@, qr/Springbok::Response::head: (?:the protocol minor version|the status|the headers|the reason)/,
        'head(' . join(', ', map { $_ // 'undef' } @$args) . "): $@" =~ s/ at .*//sr);
}
for my $v (undef, [], {}, -1, 'x', 0) {
    eval { Springbok::MultiPartParser->new(boundary => 'b', on_header => sub {}, on_body => sub {}, max_parts => $v) };
    like($@, qr/'max_parts' is not a non-negative integer/, 'max_parts => ' . ($v // 'undef')) unless defined $v && $v eq '0';
}
for my $v ('nan', 'inf', -5) {
    eval { Springbok::HTTP::Parser::configure(max_name_len => $v) };
    like($@, qr/positive integer/, "max_name_len => $v");
}
my $p = Springbok::MultiPartParser->new(boundary => 'b', on_header => sub {}, on_body => sub {});
ok($p->parse(undef), 'parse(undef): nothing to do');
ok(!eval { Springbok::MultiPartParser::parse(undef, 'x'); 1 }, 'parse called as a function on undef croaks');

done_testing;

package Stringy;
use overload '""' => sub { "GET / HTTP/1.1\r\nA: b\r\n\r\n" }, fallback => 1;
