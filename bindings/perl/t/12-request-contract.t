# parse_http_request's and parse_http_response's contract in detail:
# return values, what %env gets and when it is left alone, argument checks,
# configure() and last_error(), and where this differs from HTTP::Parser::XS.
use strict;
use warnings;
use Config;
use Test::More;
use FindBin;
use lib "$FindBin::Bin/lib";
use Springbok::Test::Peers qw(HTTP::Parser::XS);
use Springbok::Test::Explain qw(accept_id check_used);
use Springbok::HTTP::Parser qw(:all);

sub peer_env { my %e = @_[1 .. $#_]; my $r = HTTP::Parser::XS::parse_http_request($_[0], \%e); ($r, \%e) }
sub our_env  { my %e = @_[1 .. $#_]; my $r = parse_http_request($_[0], \%e); ($r, \%e) }

my $get = "GET /p%20q?x=1 HTTP/1.1\r\nHost: h\r\nX-A: 1\r\nX-A: 2\r\nContent-Length: 3\r\n\r\n";

subtest 'return values and env' => sub {
    my ($r, $env) = our_env($get . 'abc');
    is($r, length $get, 'the head length; the body is not part of it');
    is_deeply($env, {
        REQUEST_METHOD => 'GET', REQUEST_URI => '/p%20q?x=1', SCRIPT_NAME => '', PATH_INFO => '/p q',
        QUERY_STRING => 'x=1', SERVER_PROTOCOL => 'HTTP/1.1', HTTP_HOST => 'h', HTTP_X_A => '1, 2',
        CONTENT_LENGTH => 3,
    }, 'the PSGI keys');
    ($r, $env) = our_env("GET /1 HTTP/1.0\r\n\r\nGET /2 HTTP/1.1\r\n\r\n");
    is($r, 19, 'pipelined: the first head');
    is($env->{SERVER_PROTOCOL}, 'HTTP/1.0', 'HTTP/1.0');
    is((our_env("GET / HTTP/1.1\r\n"))[0], -2, 'incomplete: -2');
    is((our_env(''))[0], -2, 'empty: -2');
    is((our_env("GET / HTTP/1.1\r\nA\r\n\r\n"))[0], -1, 'invalid: -1');
    is(prototype(\&parse_http_request), '$$', 'prototype $$, as HTTP::Parser::XS');
    ($r, $env) = our_env($get, 'psgi.version' => [1, 1], SERVER_NAME => 'x');
    is($env->{SERVER_NAME}, 'x', 'keys of the caller are kept');
    $env->{PATH_INFO} .= 'changed';
    is((our_env($get))[1]{PATH_INFO}, '/p q', 'values are copies');
};

subtest 'env on failure' => sub {
    for my $bad ("GET /a%zz HTTP/1.1\r\nHost: h\r\n\r\n", "GET / HTTP/1.1\r\nA\r\n\r\n", "GET / HTTP/1.1\r\nHost: h\r\n",
        "GET / HTTP/1.1\r\n" . ('N' x 300) . ": v\r\n\r\n") {
        my ($r, $env) = our_env($bad, SENTINEL => 1, HTTP_HOST => 'pre');
        ok($r < 0, "refused ($r)");
        is_deeply($env, { SENTINEL => 1, HTTP_HOST => 'pre' }, '%env untouched');
    }
    Springbok::HTTP::Parser::configure(leniency => 'http_parser_xs');
    my ($pr, $penv) = peer_env("GET /a%zz HTTP/1.1\r\n\r\n", SENTINEL => 1);
    my ($sr, $senv) = our_env("GET /a%zz HTTP/1.1\r\n\r\n", SENTINEL => 1);
    is_deeply([$pr, $sr], [-1, -1], 'a bad %XX in the path is -1 in both');
    accept_id('env_on_error') if !%$penv && $senv->{SENTINEL};
    is_deeply($senv, { SENTINEL => 1 }, 'HTTP::Parser::XS empties %env there; Springbok leaves it');
    Springbok::HTTP::Parser::configure(leniency => 'strict');
};

subtest 'keys already in %env' => sub {
    my ($pr, $penv) = peer_env("GET / HTTP/1.1\r\nHost: a\r\n\r\n", HTTP_HOST => 'pre');
    my ($sr, $senv) = our_env("GET / HTTP/1.1\r\nHost: a\r\n\r\n", HTTP_HOST => 'pre');
    is($senv->{HTTP_HOST}, 'a', 'replaced');
    accept_id('env_existing_keys') if $penv->{HTTP_HOST} eq 'pre, a';
};

subtest 'arguments' => sub {
    for my $env (undef, [], 'string', \'x', sub {}) {
        my $what = defined $env ? ref($env) || 'a string' : 'undef';
        eval { parse_http_request($get, $env) };
        like($@, qr/second argument must be a hash reference/, "env $what croaks");
        eval { parse_http_request("GET", $env) };
        like($@, qr/second argument must be a hash reference/, "... even for an incomplete head");
    }
    my $peer = eval { HTTP::Parser::XS::parse_http_request("GET", []) };
    accept_id('env_argument') if defined $peer && $peer == -2;
    my @w;
    local $SIG{__WARN__} = sub { push @w, @_ };
    is(parse_http_request(undef, {}), -2, 'undef buffer: empty, -2');
    like("@w", qr/uninitialized/, '... with the usual warning');
    is(parse_http_request(12345, {}), -2, 'a number is its string');
    my $s = "GET /\x{263a} HTTP/1.1\r\n\r\n";
    is(parse_http_request($s, {}), -1, 'a character string is parsed as its UTF-8 bytes (raw UTF-8 target: strict -1)');
    tie my %tied, 'Test::TiedEnv';
    is(parse_http_request($get, \%tied), length $get, 'a tied hash');
    is($tied{HTTP_HOST}, 'h', '... is filled through its methods');
};

subtest 'strict by default, leniency on request' => sub {
    my %lenient = (
        bare_lf => "GET / HTTP/1.1\nHost: a\n\n",
        obs_fold => "GET / HTTP/1.1\r\nX: a\r\n b\r\n\r\n",
        leading_crlf => "\r\nGET / HTTP/1.1\r\n\r\n",
        raw_utf8_target => "GET /caf\xC3\xA9 HTTP/1.1\r\n\r\n",
        fragment => "GET /a#b HTTP/1.1\r\n\r\n",
        pipe_in_target => "GET /a|b HTTP/1.1\r\n\r\n",
    );
    for my $name (sort keys %lenient) {
        my $in = $lenient{$name};
        my ($pr, $penv) = peer_env($in);
        is(parse_http_request($in, {}), -1, "$name: strict -1");
        ok($pr >= 0, "... HTTP::Parser::XS accepts it");
        accept_id('strict_default');
        Springbok::HTTP::Parser::configure(leniency => 'http_parser_xs');
        my ($sr, $senv) = our_env($in);
        is($sr, $pr, "... leniency http_parser_xs accepts it");
        is_deeply($senv, $penv, '... with the same env');
        Springbok::HTTP::Parser::configure(leniency => 'strict');
    }
    Springbok::HTTP::Parser::configure(leniency => ['allow_bare_lf']);
    is(parse_http_request("GET / HTTP/1.1\nHost: a\n\n", {}), 24, 'one flag by name');
    is(parse_http_request("GET / HTTP/1.1\r\nX: a\r\n b\r\n\r\n", {}), -1, '... and only that one');
    is_deeply(Springbok::HTTP::Parser::config()->{leniency}, ['allow_bare_lf'], 'config() lists it');
    Springbok::HTTP::Parser::configure(leniency => 'picohttpparser');
    is(parse_http_request("GET  /  HTTP/1.1\r\n\r\n", {}), 20, 'picohttpparser: runs of spaces');
    is_deeply([sort @{ Springbok::HTTP::Parser::config()->{leniency} }],
        [qw(allow_bare_lf allow_loose_target allow_missing_reason_space allow_multiple_spaces obs_fold_continuation)],
        "picohttpparser's set");
    Springbok::HTTP::Parser::configure(leniency => 'strict');
    is_deeply(Springbok::HTTP::Parser::config()->{leniency}, [], 'strict: none');
    eval { Springbok::HTTP::Parser::configure(leniency => 'sloppy') };
    like($@, qr/unknown leniency 'sloppy'/, 'unknown leniency croaks');
    eval { Springbok::HTTP::Parser::configure(leniency => [qw(obs_fold_continuation obs_fold_span)]) };
    like($@, qr/configure:/, 'contradictory flags croak');
    is_deeply(Springbok::HTTP::Parser::config()->{leniency}, [], '... and change nothing');
    eval { Springbok::HTTP::Parser::configure(colour => 'red') };
    like($@, qr/unknown option 'colour'/, 'unknown option croaks');
};

subtest 'underscores' => sub {
    my $in = "GET / HTTP/1.1\r\nX-Forwarded-For: 10.0.0.1\r\nX_Forwarded_For: 6.6.6.6\r\nX_Only: u\r\n\r\n";
    my ($pr, $penv) = peer_env($in);
    my ($r, $env) = our_env($in);
    is($env->{HTTP_X_FORWARDED_FOR}, '10.0.0.1', 'drop (default): the underscore spelling is left out');
    ok(!exists $env->{HTTP_X_ONLY}, '... also alone');
    accept_id('underscore_headers') if $penv->{HTTP_X_FORWARDED_FOR} eq '10.0.0.1, 6.6.6.6';
    Springbok::HTTP::Parser::configure(underscores => 'allow');
    ($r, $env) = our_env($in);
    is_deeply($env, $penv, 'allow: as HTTP::Parser::XS');
    Springbok::HTTP::Parser::configure(underscores => 'reject');
    is(parse_http_request($in, {}), -1, 'reject: -1');
    my @e = Springbok::HTTP::Parser::last_error();
    is_deeply([@e[1, 3]], [400, 601], '... 400, result 601');
    is(Springbok::HTTP::Parser::config()->{underscores}, 'reject', 'config() says so');
    eval { Springbok::HTTP::Parser::configure(underscores => 'maybe') };
    like($@, qr/underscores must be/, 'bad policy croaks');
    Springbok::HTTP::Parser::configure(underscores => 'drop');
};

subtest 'limits and last_error' => sub {
    my @cases = (
        [max_headers => 2, "GET / HTTP/1.1\r\nA: 1\r\nB: 2\r\nC: 3\r\n\r\n", 431, 115],
        [max_head_bytes => 20, "GET / HTTP/1.1\r\nA: 1\r\n\r\n", 431, 119],
        [max_target_len => 3, "GET /abcd HTTP/1.1\r\n\r\n", 414, 116],
        [max_name_len => 3, "GET / HTTP/1.1\r\nLong: 1\r\n\r\n", 431, 117],
        [max_value_len => 3, "GET / HTTP/1.1\r\nA: 1234\r\n\r\n", 431, 118],
    );
    for my $c (@cases) {
        my ($limit, $value, $in, $status, $code) = @$c;
        ok(parse_http_request($in, {}) > 0, "$limit: accepted by default");
        Springbok::HTTP::Parser::configure($limit => $value);
        is(Springbok::HTTP::Parser::config()->{$limit}, $value, "$limit: config() says $value");
        is(parse_http_request($in, {}), -1, "$limit => $value: -1");
        my ($msg, $st, $off, $cd) = Springbok::HTTP::Parser::last_error();
        is_deeply([$st, $cd], [$status, $code], "... $status ($msg)");
        Springbok::HTTP::Parser::configure($limit => undef);
        ok(parse_http_request($in, {}) > 0, "$limit => undef restores the default");
    }
    for my $bad (0, -1, 'abc', 1.5) {
        eval { Springbok::HTTP::Parser::configure(max_name_len => $bad) };
        like($@, qr/must be a positive integer/, "max_name_len => $bad croaks");
    }
    ok(parse_http_request($get, {}) > 0, 'success');
    is_deeply([Springbok::HTTP::Parser::last_error()], [], 'last_error: empty after a success');
    parse_http_request("GET / HTTP/2.0\r\n\r\n", {});
    is((Springbok::HTTP::Parser::last_error())[1], 505, 'HTTP/2.0: 505');
    my %env12;
    ok(parse_http_request("GET / HTTP/1.2\r\n\r\n", \%env12) > 0, 'HTTP/1.2: processed as HTTP/1.1');
    is($env12{SERVER_PROTOCOL}, 'HTTP/1.1', 'HTTP/1.2: SERVER_PROTOCOL HTTP/1.1');
    parse_http_request("GET index.html HTTP/1.1\r\n\r\n", {});
    is_deeply([(Springbok::HTTP::Parser::last_error())[1, 3]], [400, 120], 'a target form that does not fit: 400, code 120');
    parse_http_request("GET / HTTP/1.1\r\n", {});
    is_deeply([Springbok::HTTP::Parser::last_error()], [], 'last_error: empty after -2');
    parse_http_request("GET / HTTP/1.1\r\nX: a\x01\r\n\r\n", {});
    my ($msg, $st, $off) = Springbok::HTTP::Parser::last_error();
    is_deeply([$st, $off], [400, 20], "a control byte in a value: 400 at its offset ($msg)");
    parse_http_response("HTTP/1.1 2000 OK\r\n\r\n", 0);
    is((Springbok::HTTP::Parser::last_error())[1], 400, 'parse_http_response sets it too');
};

subtest 'precomputed keys' => sub {
    my %pre = map { $_ => 1 } Springbok::HTTP::Parser::_precomputed_keys();
    ok($pre{$_}, "$_ is stored through a shared key") for qw(REQUEST_METHOD REQUEST_URI SCRIPT_NAME PATH_INFO
        QUERY_STRING SERVER_PROTOCOL CONTENT_TYPE CONTENT_LENGTH HTTP_HOST HTTP_USER_AGENT HTTP_ACCEPT
        HTTP_COOKIE HTTP_X_FORWARDED_FOR);
    cmp_ok(scalar keys %pre, '>=', 60, scalar(keys %pre) . ' keys in all');
};

subtest 'learnt keys and shared values' => sub {
    # Many more uncommon names than the learnt-key cache holds, seen twice
    # each (the second time from the cache unless evicted), with the cache
    # emptied halfway: every env is still exactly the headers sent.
    for my $pass (1 .. 2) {
        for my $batch (0 .. 19) {
            Springbok::HTTP::Parser::_forget_learnt_keys() if $pass == 2 && $batch == 10;
            my @names = map { "X-Learnt-$batch-$_" } 0 .. 39;
            my $req = "GET /x HTTP/1.1\r\n" . join('', map { "$names[$_]: v$_\r\n" } 0 .. $#names) . "\r\n";
            my %env;
            is(parse_http_request($req, \%env), length $req, "pass $pass batch $batch parses") or next;
            my %want = map { (my $k = "HTTP_\U$names[$_]") =~ tr/-/_/; ($k => "v$_") } 0 .. $#names;
            is_deeply({ map { $_ => $env{$_} } grep {/^HTTP_/} keys %env }, \%want, "pass $pass batch $batch env");
        }
    }
    # Shared values are ordinary strings to the application.
    my %env;
    parse_http_request("GET / HTTP/1.0\r\nX-Empty:\r\n\r\n", \%env);
    is_deeply([@env{qw(REQUEST_METHOD SERVER_PROTOCOL SCRIPT_NAME QUERY_STRING HTTP_X_EMPTY)}],
        ['GET', 'HTTP/1.0', '', '', ''], 'shared values');
    $env{REQUEST_METHOD} .= 'X';
    substr($env{SERVER_PROTOCOL}, 0, 4) = 'XXXX';
    my %again;
    parse_http_request("GET / HTTP/1.0\r\n\r\n", \%again);
    is_deeply([$env{REQUEST_METHOD}, $env{SERVER_PROTOCOL}, $again{REQUEST_METHOD}, $again{SERVER_PROTOCOL}],
        ['GETX', 'XXXX/1.0', 'GET', 'HTTP/1.0'], 'writing to a shared value changes only that value');
};

SKIP: {
    skip 'no ithreads', 1 unless $Config{useithreads} && eval { require threads; 1 };
    Springbok::HTTP::Parser::configure(leniency => 'http_parser_xs', max_headers => 5);
    my $thread = threads->create(sub {
        my %env;
        my $r = parse_http_request("GET / HTTP/1.1\nHost: t\n\n", \%env);
        return join ',', $r, $env{HTTP_HOST}, Springbok::HTTP::Parser::config()->{max_headers};
    });
    is($thread->join, '24,t,5', 'a new thread starts with a copy of the settings and its own keys');
    Springbok::HTTP::Parser::configure(leniency => 'strict', max_headers => undef);
}

check_used(qw(env_on_error env_existing_keys env_argument strict_default underscore_headers));
done_testing;

package Test::TiedEnv;
sub TIEHASH { bless {}, shift }
sub STORE { $_[0]{$_[1]} = $_[2] }
sub FETCH { $_[0]{$_[1]} }
sub EXISTS { exists $_[0]{$_[1]} }
sub DELETE { delete $_[0]{$_[1]} }
sub CLEAR { %{$_[0]} = () }
sub FIRSTKEY { my $a = keys %{$_[0]}; each %{$_[0]} }
sub NEXTKEY { each %{$_[0]} }
