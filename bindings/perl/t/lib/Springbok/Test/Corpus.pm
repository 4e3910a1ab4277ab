package Springbok::Test::Corpus;
# Inputs shared by the differential tests and the benchmark: requests,
# responses, urlencoded forms and multipart bodies, each [name => bytes].
use strict;
use warnings;

use Exporter 'import';
use File::Basename qw(dirname);
use File::Spec;
our @EXPORT_OK = qw(requests responses forms multipart_bodies realistic_request pico_bench_request
    realistic_query mutations);

# picohttpparser's bench.c request (703 bytes, 9 headers).
sub pico_bench_request {
    return "GET /wp-content/uploads/2010/03/hello-kitty-darth-vader-pink.jpg HTTP/1.1\r\n"
        . "Host: www.kittyhell.com\r\n"
        . "User-Agent: Mozilla/5.0 (Macintosh; U; Intel Mac OS X 10.6; ja-JP-mac; rv:1.9.2.3) Gecko/20100401 Firefox/3.6.3 Pathtraq/0.9\r\n"
        . "Accept: text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8\r\n"
        . "Accept-Language: ja,en-us;q=0.7,en;q=0.3\r\n"
        . "Accept-Encoding: gzip,deflate\r\n"
        . "Accept-Charset: Shift_JIS,utf-8;q=0.7,*;q=0.7\r\n"
        . "Keep-Alive: 115\r\n"
        . "Connection: keep-alive\r\n"
        . "Cookie: wp_ozh_wsa_visits=2; wp_ozh_wsa_visit_lasttime=xxxxxxxxxx; __utma=xxxxxxxxx.xxxxxxxxxx.xxxxxxxxxx.xxxxxxxxxx.xxxxxxxxxx.x; __utmz=xxxxxxxxx.xxxxxxxxxx.x.x.utmccn=(referral)|utmcsr=reader.livedoor.com|utmcct=/reader/|utmcmd=referral\r\n"
        . "\r\n";
}

# The realistic header lines of benches/src/lib.rs, in its order.
my @REALISTIC = (
    "Host: www.example.com",
    "User-Agent: Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0",
    "Accept: text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8",
    "Accept-Language: en-US,en;q=0.5",
    "Accept-Encoding: gzip, deflate, br, zstd",
    "Connection: keep-alive",
    "Upgrade-Insecure-Requests: 1",
    "Sec-Fetch-Dest: document",
    "Sec-Fetch-Mode: navigate",
    "Sec-Fetch-Site: none",
    "Sec-Fetch-User: ?1",
    "Priority: u=0, i",
    "Cookie: session=8f14e45fceea167a5a36dedd4bea2543; theme=dark; consent=yes",
    "Cache-Control: max-age=0",
    "X-Forwarded-For: 203.0.113.195, 70.41.3.18, 150.172.238.178",
    "X-Forwarded-Proto: https",
    "X-Real-IP: 203.0.113.195",
    "Referer: https://www.example.com/articles/2024/05/springbok-migration.html",
    "If-None-Match: \"33a64df551425fcc55e4d42a148795d9f25f89d4\"",
    "If-Modified-Since: Wed, 21 Oct 2015 07:28:00 GMT",
);

# benches/src/lib.rs realistic_request($n), byte for byte.
sub realistic_request {
    my ($n) = @_;
    my $out = "GET /articles/2024/05/springbok-migration.html?ref=home&utm_source=feed HTTP/1.1\r\n";
    for my $i (0 .. $n - 1) {
        $out .= $i < @REALISTIC
            ? $REALISTIC[$i]
            : "X-Custom-Header-$i: v$i-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7";
        $out .= "\r\n";
    }
    return "$out\r\n";
}

# The 72-byte query of form-urlencoded/benches/parse.rs (SEED).
sub realistic_query {
    return 'foo=bar&bar=baz&q=HTTP%3A%3ARequest%3A%3ACommon&ie=UTF-8&sourceid=chrome';
}

# The requests of the parser crate's PSGI golden test
# (parser/tests/data/psgi_env_golden.txt, recorded from HTTP::Parser::XS), then
# more edge cases, then the realistic requests.
sub requests {
    my @c = (golden_requests(),
        [bad_escape_in_fragment_only => "GET /a#%zz HTTP/1.1\r\nHost: a\r\n\r\n"],
        [empty_value => "GET / HTTP/1.1\r\nX-Empty:\r\nX-Space: \r\n\r\n"],
        [content_type_duplicate => "POST / HTTP/1.1\r\nContent-Type: a\r\nContent-Type: b\r\n\r\n"],
        [value_leading_tab => "GET / HTTP/1.1\r\nX-Tab:\tv\r\n\r\n"],
        [utf8_value => "GET / HTTP/1.1\r\nX-Utf8: \xE2\x82\xAC\r\n\r\n"],
        [bare_lf => "GET /a HTTP/1.1\nHost: a\n\n"],
        [bare_lf_mixed => "GET /a HTTP/1.1\r\nHost: a\n\r\n"],
        [leading_crlf => "\r\nGET /a HTTP/1.1\r\nHost: a\r\n\r\n"],
        [leading_lf => "\nGET /a HTTP/1.1\r\nHost: a\r\n\r\n"],
        [two_spaces => "GET  /a HTTP/1.1\r\nHost: a\r\n\r\n"],
        [two_spaces_before_version => "GET /a  HTTP/1.1\r\nHost: a\r\n\r\n"],
        [space_before_colon => "GET / HTTP/1.1\r\nHost : a\r\n\r\n"],
        [space_before_first_header => "GET / HTTP/1.1\r\n Host: a\r\n\r\n"],
        [header_without_colon => "GET / HTTP/1.1\r\nHost a\r\n\r\n"],
        [empty_header_name => "GET / HTTP/1.1\r\n: a\r\n\r\n"],
        [http09 => "GET /\r\n\r\n"],
        [http11_lowercase => "GET / http/1.1\r\n\r\n"],
        [http12 => "GET / HTTP/1.2\r\n\r\n"],
        [http20 => "GET / HTTP/2.0\r\n\r\n"],
        [lowercase_method => "get / HTTP/1.1\r\n\r\n"],
        [method_options => "OPTIONS /r HTTP/1.1\r\nHost: a\r\n\r\n"],
        [method_patch => "PATCH /r HTTP/1.1\r\nHost: a\r\n\r\n"],
        [method_head => "HEAD /r HTTP/1.1\r\nHost: a\r\n\r\n"],
        [method_put => "PUT /r HTTP/1.1\r\nHost: a\r\n\r\n"],
        [target_pipe => "GET /a|b HTTP/1.1\r\n\r\n"],
        [target_brackets => "GET /a[0]={x} HTTP/1.1\r\n\r\n"],
        [target_quote => "GET /a\"b HTTP/1.1\r\n\r\n"],
        [target_ctl => "GET /a\x01b HTTP/1.1\r\n\r\n"],
        [target_del => "GET /a\x7fb HTTP/1.1\r\n\r\n"],
        [value_ctl => "GET / HTTP/1.1\r\nX: a\x01b\r\n\r\n"],
        [value_del => "GET / HTTP/1.1\r\nX: a\x7fb\r\n\r\n"],
        [value_nul => "GET / HTTP/1.1\r\nX: a\x00b\r\n\r\n"],
        [name_utf8 => "GET / HTTP/1.1\r\nX\xC3\xA9: v\r\n\r\n"],
        [cr_in_value => "GET / HTTP/1.1\r\nX: a\rb\r\n\r\n"],
        [pipelined => "GET /1 HTTP/1.1\r\nHost: a\r\n\r\nGET /2 HTTP/1.1\r\nHost: a\r\n\r\n"],
        [body_follows => "POST / HTTP/1.1\r\nContent-Length: 3\r\n\r\nabc"],
        [pico_bench => pico_bench_request()],
        [name_1000 => "GET / HTTP/1.1\r\n" . ('N' x 1000) . ": v\r\n\r\n"],
        [name_256 => "GET / HTTP/1.1\r\n" . ('N' x 256) . ": v\r\n\r\n"],
        [name_257 => "GET / HTTP/1.1\r\n" . ('N' x 257) . ": v\r\n\r\n"],
        [name_1020 => "GET / HTTP/1.1\r\n" . ('N' x 1020) . ": v\r\n\r\n"],
        [headers_128 => "GET / HTTP/1.1\r\n" . join('', map { "X-H$_: v\r\n" } 1 .. 128) . "\r\n"],
        [headers_129 => "GET / HTTP/1.1\r\n" . join('', map { "X-H$_: v\r\n" } 1 .. 129) . "\r\n"],
        [value_8k => "GET / HTTP/1.1\r\nX-Long: " . ('v' x 8192) . "\r\n\r\n"],
        [target_8k => "GET /" . ('t' x 8191) . " HTTP/1.1\r\n\r\n"],
        [target_13k => "GET /" . ('t' x 13000) . " HTTP/1.1\r\n\r\n"],
    );
    push @c, map { ["realistic_$_" => realistic_request($_)] } 0, 1, 2, 4, 10, 20, 50, 100;
    return @c;
}

sub golden_requests {
    my $file = File::Spec->catfile(dirname(__FILE__), (File::Spec->updir) x 6, qw(parser tests data psgi_env_golden.txt));
    open my $fh, '<', $file or die "open $file: $!";
    my (@c, $name);
    while (<$fh>) {
        $name = $1 if /^case (\S+)/;
        push @c, [$name => pack 'H*', $1] if /^request ([0-9a-f]*)$/;
    }
    die "$file: no cases\n" unless @c >= 40;
    return @c;
}

sub responses {
    return (
        [ok => "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 5\r\n\r\nhello"],
        [http10 => "HTTP/1.0 404 Not Found\r\n\r\n"],
        [no_headers => "HTTP/1.1 204 No Content\r\n\r\n"],
        [empty_reason => "HTTP/1.1 200 \r\n\r\n"],
        [no_reason_space => "HTTP/1.1 200\r\n\r\n"],
        [long_reason => "HTTP/1.1 500 Internal Server Error Because Of Things\r\nX: y\r\n\r\n"],
        [repeated => "HTTP/1.1 200 OK\r\nSet-Cookie: a=1\r\nSet-Cookie: b=2\r\nset-cookie: c=3\r\nX: 1\r\n\r\n"],
        [mixed_case => "HTTP/1.1 301 Moved\r\nLOCATION: /x\r\nContent-LENGTH: 0\r\n\r\n"],
        [value_whitespace => "HTTP/1.1 200 OK\r\nX-Pad:   p  \r\n\r\n"],
        [obs_fold => "HTTP/1.1 200 OK\r\nX-A: 1\r\n  more\r\nX-B: 2\r\n\r\n"],
        [bare_lf => "HTTP/1.1 200 OK\nX: 1\n\n"],
        [status_999 => "HTTP/1.1 999 Odd\r\n\r\n"],
        [status_99 => "HTTP/1.1 99 Odd\r\n\r\n"],
        [status_1000 => "HTTP/1.1 1000 Odd\r\n\r\n"],
        [status_letters => "HTTP/1.1 2x0 Odd\r\n\r\n"],
        [http12 => "HTTP/1.2 200 OK\r\n\r\n"],
        [garbage => "HTTP/1.1200 OK\r\n\r\n"],
        [utf8_reason => "HTTP/1.1 200 \xC3\xA9t\xC3\xA9\r\n\r\n"],
        [space_before_colon => "HTTP/1.1 200 OK\r\nX : y\r\n\r\n"],
        [headers_129 => "HTTP/1.1 200 OK\r\n" . join('', map { "X-H$_: v\r\n" } 1 .. 129) . "\r\n"],
        [body_follows => "HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\nabc"],
    );
}

# urlencoded inputs: WWW::Form::UrlEncoded's documented examples and edges.
sub forms {
    my @c = (
        'a=b&c=d', 'a=b;c=d', 'a=1&b=2;c=3', 'a==b&c==d', 'a=b& c=d', 'a=b; c=d', 'a=b; c =d',
        'a=b;c= d ', 'a=b&+c=d', 'a=b&+c+=d', 'a=b&c=+d+', 'a=b&%20c=d', 'a=b&%20c%20=d',
        'a=b&c=%20d%20', 'a&c=d', 'a=b&=d', 'a=b&=', '&', '=', '', ' ', '  a=b', 'a=b&  c=d',
        '&&', ';;', '&;', 'a', 'a=', '=a', '==', 'a=b=c', '%', '%2', '%zz', '%%32%30', '%2%30',
        '%41%42%43=%61%62%63', '%e2%82%ac=%E2%82%AC', 'caf%C3%A9=th%C3%A9', "caf\xC3\xA9=\xFF",
        '%00=%00', "a\0b=c\0d", '+=+', '++=++', '%2B=%2b', 'a+b=c+d', "a=b\r\nc=d", "a=b\tc",
        'a=b&', '&a=b', 'a=%', 'a=%4', 'a=%4g', 'a=%g4', '%=%', 'a%=b%', 'key%20with%20spaces=value+with+plus',
        realistic_query(),
        join('&', map { "k$_=v$_" } 1 .. 200),
        join(';', map { "k$_=%E2%82%AC$_" } 1 .. 50),
        join('', map { chr } 0 .. 255),
    );
    return map { ["form_$_" => $c[$_]] } 0 .. $#c;
}

# multipart/form-data bodies with boundary 'XyZ', each [name => body].
sub multipart_bodies {
    my $b = 'XyZ';
    my $part = sub {
        my ($headers, $data) = @_;
        return "--$b\r\n" . join('', map { "$_\r\n" } @$headers) . "\r\n$data\r\n";
    };
    my $cd = sub { qq{Content-Disposition: form-data; name="$_[0]"} . (defined $_[1] ? qq{; filename="$_[1]"} : '') };
    my @c = (
        [one_field => $part->([$cd->('a')], 'hello') . "--$b--\r\n"],
        [two_fields => $part->([$cd->('a')], '1') . $part->([$cd->('b')], '2') . "--$b--\r\n"],
        [empty_field => $part->([$cd->('a')], '') . "--$b--\r\n"],
        [file => $part->([$cd->('f', 'a.txt'), 'Content-Type: text/plain'], "line1\r\nline2\r\n") . "--$b--\r\n"],
        [binary_file => $part->([$cd->('f', 'b.bin'), 'Content-Type: application/octet-stream'],
            join('', map { chr } 0 .. 255) x 4) . "--$b--\r\n"],
        [crlf_data => $part->([$cd->('a')], "\r\n\r\n--\r\n-") . "--$b--\r\n"],
        [boundary_like_data => $part->([$cd->('a')], "--XyZ-not\r\n--Xy\r\n-XyZ") . "--$b--\r\n"],
        [preamble => "preamble text\r\n" . $part->([$cd->('a')], 'x') . "--$b--\r\n"],
        [no_final_crlf => $part->([$cd->('a')], 'x') . "--$b--"],
        [epilogue => $part->([$cd->('a')], 'x') . "--$b--\r\nepilogue"],
        [header_spacing => "--$b\r\nContent-Disposition:form-data; name=\"a\"\r\n\r\nx\r\n--$b--\r\n"],
        [header_trailing_space => "--$b\r\nContent-Disposition: form-data; name=\"a\"  \r\n\r\nx\r\n--$b--\r\n"],
        [many_headers => $part->([$cd->('a'), 'Content-Type: text/plain; charset=utf-8', 'X-Extra: 1', 'X-Other: 2'], 'v') . "--$b--\r\n"],
        [utf8_name => $part->([$cd->("caf\xC3\xA9", "\xE2\x82\xAC.txt")], 'x') . "--$b--\r\n"],
        [escaped_quote => $part->(['Content-Disposition: form-data; name="a%22b"; filename="c%22d"'], 'x') . "--$b--\r\n"],
        [windows_path => $part->(['Content-Disposition: form-data; name="f"; filename="C:\\dir\\a.txt"'], 'x') . "--$b--\r\n"],
        [padding_after_boundary => "--$b  \r\n$cd->('a')\r\n\r\nx\r\n--$b--\r\n"],
        [no_headers => "--$b\r\n\r\nx\r\n--$b--\r\n"],
        [unterminated => $part->([$cd->('a')], 'x')],
        [truncated_data => "--$b\r\n" . $cd->('a') . "\r\n\r\nxyz"],
        [truncated_header => "--$b\r\n" . 'Content-Disposition: form'],
        [bad_delimiter => "--$b\r\n" . $cd->('a') . "\r\n\r\nx\r\n--${b}x\r\n"],
        [folded_header => "--$b\r\nContent-Disposition: form-data;\r\n name=\"a\"\r\n\r\nx\r\n--$b--\r\n"],
        [header_without_colon => "--$b\r\nContent-Disposition form-data\r\n\r\nx\r\n--$b--\r\n"],
        [lf_only => "--$b\n" . $cd->('a') . "\n\nx\n--$b--\n"],
        [big_field => $part->([$cd->('a')], 'z' x 100_000) . "--$b--\r\n"],
        [fifty_fields => join('', map { $part->([$cd->("f$_")], "value $_") } 1 .. 50) . "--$b--\r\n"],
    );
    return @c;
}

# Corrupted variants of $input: each single-byte deletion, duplication and
# replacement by a few bytes that matter to HTTP, at deterministic positions
# (every position for short inputs, a seeded sample for long ones).
sub mutations {
    my ($input, $max) = @_;
    $max //= 400;
    my @bytes = ("\r", "\n", " ", "\t", ":", "\0", "%", "_", "\x7f", "\xff", "-", "=", "&", ";", "+");
    my @out;
    my $len = length $input;
    my $seed = 7;
    my $rand = sub { $seed = ($seed * 1103515245 + 12345) % 2147483648; $seed % $_[0] };
    my @positions = $len <= 64 ? (0 .. $len - 1) : map { $rand->($len) } 1 .. 64;
    for my $i (@positions) {
        push @out, substr($input, 0, $i) . substr($input, $i + 1);
        push @out, substr($input, 0, $i + 1) . substr($input, $i);
        push @out, substr($input, 0, $i) . $bytes[ $rand->(scalar @bytes) ] . substr($input, $i + 1);
        push @out, substr($input, 0, $i) . $bytes[ $rand->(scalar @bytes) ] . substr($input, $i);
    }
    @out = @out[0 .. $max - 1] if @out > $max;
    return @out;
}

1;
