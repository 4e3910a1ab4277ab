#!/usr/bin/perl
# Writes the PSGI env golden file for parser/tests/env.rs: runs HTTP::Parser::XS's
# parse_http_request($buf, \%env) (the PSGI peer) on a corpus of requests and records,
# for each, its return value and every key/value it put in %env.
#
#   perl parser/tests/data/psgi_env_golden.pl > parser/tests/data/psgi_env_golden.txt
#
# Format (one record per case, bytes hex-encoded so any value survives):
#   case <name>
#   request <hex>
#   ret <parse_http_request's return value>
#   env <KEY> <hex value>        (sorted by key; %env has no order)
#   end
use strict;
use warnings;
use HTTP::Parser::XS qw(parse_http_request);

my @corpus = (
    [simple => "GET / HTTP/1.1\r\nHost: example.com\r\n\r\n"],
    [no_headers => "GET /index.html HTTP/1.1\r\n\r\n"],
    [query => "GET /search?q=rust&lang=en HTTP/1.1\r\nHost: a\r\n\r\n"],
    [empty_query => "GET /search? HTTP/1.1\r\nHost: a\r\n\r\n"],
    [question_in_query => "GET /a?b?c=d HTTP/1.1\r\nHost: a\r\n\r\n"],
    [fragment => "GET /page#section HTTP/1.1\r\nHost: a\r\n\r\n"],
    [query_and_fragment => "GET /page?x=1#frag?y HTTP/1.1\r\nHost: a\r\n\r\n"],
    [encoded_space => "GET /hello%20world HTTP/1.1\r\nHost: a\r\n\r\n"],
    [encoded_slash => "GET /a%2Fb/c HTTP/1.1\r\nHost: a\r\n\r\n"],
    [encoded_lowercase_hex => "GET /%e2%82%ac HTTP/1.1\r\nHost: a\r\n\r\n"],
    [encoded_utf8 => "GET /caf%C3%A9/%E6%97%A5%E6%9C%AC?k=%C3%A9 HTTP/1.1\r\nHost: a\r\n\r\n"],
    [raw_utf8 => "GET /caf\xC3\xA9 HTTP/1.1\r\nHost: a\r\n\r\n"],
    [encoded_query_untouched => "GET /p%41th?a=%41%2B+b HTTP/1.1\r\nHost: a\r\n\r\n"],
    [plus_in_path => "GET /a+b HTTP/1.1\r\nHost: a\r\n\r\n"],
    [encoded_percent => "GET /100%25 HTTP/1.1\r\nHost: a\r\n\r\n"],
    [encoded_nul => "GET /a%00b HTTP/1.1\r\nHost: a\r\n\r\n"],
    [bad_escape_hex => "GET /a%zz HTTP/1.1\r\nHost: a\r\n\r\n"],
    [bad_escape_truncated => "GET /a%4 HTTP/1.1\r\nHost: a\r\n\r\n"],
    [bad_escape_before_query => "GET /a%?x=1 HTTP/1.1\r\nHost: a\r\n\r\n"],
    [bad_escape_in_query_only => "GET /a?x=%zz HTTP/1.1\r\nHost: a\r\n\r\n"],
    [duplicates => "GET / HTTP/1.1\r\nHost: a\r\nAccept: text/html\r\nX-Dup: 1\r\nAccept: */*\r\nX-Dup: 2\r\nx-dup: 3\r\n\r\n"],
    [duplicate_empty_value => "GET / HTTP/1.1\r\nX-E:\r\nX-E: b\r\n\r\n"],
    [content_headers => "POST /submit HTTP/1.1\r\nHost: a\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 7\r\n\r\na=b&c=d"],
    [content_headers_case => "POST / HTTP/1.1\r\ncontent-type: text/plain\r\nCONTENT-LENGTH: 0\r\n\r\n"],
    [content_length_duplicate => "POST / HTTP/1.1\r\nContent-Length: 5\r\nContent-Length: 5\r\n\r\n"],
    [underscore_alone => "GET / HTTP/1.1\r\nX_Custom: u\r\n\r\n"],
    [underscore_collision => "GET / HTTP/1.1\r\nX-Forwarded-For: 10.0.0.1\r\nX_Forwarded_For: 6.6.6.6\r\n\r\n"],
    [underscore_collision_first => "GET / HTTP/1.1\r\nX_Forwarded_For: 6.6.6.6\r\nX-Forwarded-For: 10.0.0.1\r\n\r\n"],
    [underscore_content_type => "POST / HTTP/1.1\r\nContent_Type: text/evil\r\nContent-Type: text/plain\r\n\r\n"],
    [underscore_content_length => "POST / HTTP/1.1\r\nContent_Length: 99\r\n\r\n"],
    [case_variants => "GET / HTTP/1.1\r\nuser-agent: ua\r\nACCEPT-ENCODING: gzip\r\nX-MiXeD-CaSe: v\r\n\r\n"],
    [odd_tchars => "GET / HTTP/1.1\r\nX.Dot: 1\r\nX~Tilde!: 2\r\nX-9: 3\r\n\r\n"],
    [http10 => "GET /old HTTP/1.0\r\nHost: a\r\n\r\n"],
    [http10_no_headers => "GET / HTTP/1.0\r\n\r\n"],
    [absolute_form => "GET http://example.com:8080/p/a%20th?x=1 HTTP/1.1\r\nHost: example.com:8080\r\n\r\n"],
    [absolute_form_no_path => "GET http://example.com HTTP/1.1\r\nHost: example.com\r\n\r\n"],
    [asterisk => "OPTIONS * HTTP/1.1\r\nHost: a\r\n\r\n"],
    [authority_form => "CONNECT example.com:443 HTTP/1.1\r\nHost: example.com:443\r\n\r\n"],
    [value_whitespace => "GET / HTTP/1.1\r\nX-Pad:   padded \t \r\nX-Inner: a  b\tc\r\n\r\n"],
    [obs_text_value => "GET / HTTP/1.1\r\nX-Latin: caf\xE9\r\n\r\n"],
    [obs_fold => "GET / HTTP/1.1\r\nX-Folded: first\r\n second\r\nHost: a\r\n\r\n"],
    [obs_fold_duplicate => "GET / HTTP/1.1\r\nX-F: a\r\nX-F: b\r\n c\r\n\r\n"],
    [common_names => "GET / HTTP/1.1\r\nHost: h\r\nConnection: keep-alive\r\nCache-Control: max-age=0\r\nUpgrade-Insecure-Requests: 1\r\nUser-Agent: Mozilla/5.0\r\nAccept: text/html\r\nSec-Fetch-Site: none\r\nSec-Fetch-Mode: navigate\r\nSec-Fetch-User: ?1\r\nSec-Fetch-Dest: document\r\nAccept-Encoding: gzip, deflate, br\r\nAccept-Language: en-US,en;q=0.9\r\nCookie: a=b; c=d\r\nReferer: http://h/\r\nIf-None-Match: \"x\"\r\nIf-Modified-Since: Sat, 1 Jan 2000 00:00:00 GMT\r\nAuthorization: Basic Zm9vOmJhcg==\r\nX-Forwarded-For: 1.2.3.4\r\nX-Forwarded-Proto: https\r\nX-Real-IP: 1.2.3.4\r\nX-Requested-With: XMLHttpRequest\r\nOrigin: http://h\r\nDNT: 1\r\nTE: trailers\r\nExpect: 100-continue\r\n\r\n"],
);

# Many headers: 40 distinct names and a duplicate of every fifth.
{
    my $req = "GET /many HTTP/1.1\r\n";
    for my $i (0 .. 39) {
        $req .= "X-Header-$i: value $i\r\n";
        $req .= "X-Header-" . ($i - 4) . ": again $i\r\n" if $i % 5 == 4;
    }
    push @corpus, [many_headers => "$req\r\n"];
}

# Methods other than GET.
push @corpus, [$_->[0], "$_->[1] /r HTTP/1.1\r\nHost: a\r\n\r\n"]
    for [method_post => 'POST'], [method_delete => 'DELETE'], [method_custom => 'PURGE'];

print "# Generated by parser/tests/data/psgi_env_golden.pl with HTTP::Parser::XS $HTTP::Parser::XS::VERSION"
    . " (perl $^V). Do not edit: regenerate.\n";
for my $case (@corpus) {
    my ($name, $req) = @$case;
    my %env;
    my $ret = parse_http_request($req, \%env);
    print "case $name\n";
    print "request ", unpack('H*', $req), "\n";
    print "ret $ret\n";
    for my $k (sort keys %env) {
        print "env $k ", unpack('H*', $env{$k}), "\n";
    }
    print "end\n";
}
