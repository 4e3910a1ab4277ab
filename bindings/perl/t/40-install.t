# Springbok::Install: the peers' names resolve to Springbok, Plack and
# HTTP::Entity::Parser use it unchanged, options, and the refusal to install
# after Plack::HTTPParser has bound the original.
use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/lib";
use Springbok::Install;    # first, before anything loads Plack
use Test::More;
use Springbok::Test::Peers qw(Plack HTTP::Entity::Parser);
use HTTP::Parser::XS qw(:all);
use WWW::Form::UrlEncoded qw(parse_urlencoded build_urlencoded);
use HTTP::MultiPartParser;
use Plack::HTTPParser qw(parse_http_request);
use Plack::Request;
use HTTP::Entity::Parser;

is(\&HTTP::Parser::XS::parse_http_request, \&Springbok::HTTP::Parser::parse_http_request,
    'HTTP::Parser::XS::parse_http_request is Springbok\'s');
is(\&Plack::HTTPParser::parse_http_request, \&Springbok::HTTP::Parser::parse_http_request,
    'Plack::HTTPParser bound it');
is(\&main::parse_http_request, \&Springbok::HTTP::Parser::parse_http_request, 'and exported it');
is($HTTP::Parser::XS::BACKEND, 'springbok', '$HTTP::Parser::XS::BACKEND');
is(HTTP::Parser::XS->VERSION, '0.17', 'HTTP::Parser::XS->VERSION');
is(HEADERS_AS_ARRAYREF, 2, 'the constants are exported');
is(\&main::parse_urlencoded, \&Springbok::Form::parse_urlencoded, 'WWW::Form::UrlEncoded exports Springbok::Form');
is(\&WWW::Form::UrlEncoded::XS::build_urlencoded, \&Springbok::Form::build_urlencoded, '... and its XS backend');
isa_ok(HTTP::MultiPartParser->new(boundary => 'b', on_header => sub {}, on_body => sub {}), 'Springbok::MultiPartParser');
like($INC{'HTTP/Parser/XS.pm'}, qr/Springbok.Install\.pm\z/, '%INC points at Springbok::Install');
ok(eval { require HTTP::MultiPartParser; require WWW::Form::UrlEncoded::XS; 1 }, 'require finds them');

my %env;
is(parse_http_request("GET /a HTTP/1.1\r\nHost: h\r\n\r\n", \%env), 28, 'parse_http_request through Plack::HTTPParser');

sub psgi_env {
    my ($type, $body) = @_;
    open my $in, '<', \$body or die;
    return { REQUEST_METHOD => 'POST', CONTENT_TYPE => $type, CONTENT_LENGTH => length $body, 'psgi.input' => $in };
}

my $form = 'a=1&b=x+y&a=2;c=%E2%82%AC';
my $req = Plack::Request->new(psgi_env('application/x-www-form-urlencoded', $form));
is_deeply([$req->body_parameters->get_all('a')], [1, 2], 'Plack::Request: urlencoded body, repeated key');
is($req->body_parameters->{c}, "\xE2\x82\xAC", '... decoded bytes');

my $boundary = 'BoUnDaRy';
my $file = join '', map { chr } 0 .. 255;
my $multipart = "--$boundary\r\nContent-Disposition: form-data; name=\"field\"\r\n\r\nvalue\r\n"
    . "--$boundary\r\nContent-Disposition: form-data; name=\"upload\"; filename=\"a.bin\"\r\n"
    . "Content-Type: application/octet-stream\r\n\r\n$file\r\n--$boundary--\r\n";
my $parser = HTTP::Entity::Parser->new;
$parser->register('multipart/form-data', 'HTTP::Entity::Parser::MultiPart');
my $env = psgi_env("multipart/form-data; boundary=$boundary", $multipart);    # owns the temporary files
my ($params, $uploads) = $parser->parse($env);
is_deeply($params, [field => 'value'], 'HTTP::Entity::Parser::MultiPart: the field');
is($uploads->[0], 'upload', '... the upload');
is($uploads->[1]{filename}, 'a.bin', '... its file name');
is($uploads->[1]{size}, 256, '... its size');
is_deeply($uploads->[1]{headers}, ['Content-Disposition', 'form-data; name="upload"; filename="a.bin"',
    'Content-Type', 'application/octet-stream'], '... its headers');
open my $fh, '<', $uploads->[1]{tempname} or die;
binmode $fh;
is(do { local $/; <$fh> }, $file, '... its content, every byte');
$req = Plack::Request->new(psgi_env("multipart/form-data; boundary=$boundary", $multipart));
is($req->uploads->{upload}->size, 256, 'Plack::Request->uploads');

my $bad = "--$boundary\r\nContent-Disposition: form-data; name=\"f\"\r\n\r\nunterminated";
ok(!eval { $parser->parse(psgi_env("multipart/form-data; boundary=$boundary", $bad)); 1 },
    'a truncated body: HTTP::Entity::Parser dies');
like($@, qr/body ended before the close delimiter/, "... with Springbok's message");

# Options and load order, in fresh interpreters.
my @perl = ($^X, map { "-I$_" } grep { /blib/ } @INC);
sub run_perl { my $out = `@_ 2>&1`; return ($? >> 8, $out) }
my ($rc, $out) = run_perl(@perl, '-MSpringbok::Install=leniency,http_parser_xs,multipart_max_parts,5',
    '-e', q{'print join(",", @{ Springbok::HTTP::Parser::config()->{leniency} }), ";", scalar(Springbok::MultiPartParser->defaults)->{max_parts}'});
is($rc, 0, '-MSpringbok::Install=name,value,...');
like($out, qr/allow_bare_lf.*obs_fold_continuation.*;5\z/, "... configures: $out");
($rc, $out) = run_perl(@perl, '-MSpringbok::Install=leniency,allow_bare_lf+allow_multiple_spaces,form_max_pairs,9',
    '-e', q{'print join(",", @{ Springbok::HTTP::Parser::config()->{leniency} }), ";", Springbok::Form::limits()->{max_pairs}'});
is($out, 'allow_bare_lf,allow_multiple_spaces;9', "several flags with '+', form limits");
($rc, $out) = run_perl(@perl, '-MSpringbok::Install=colour,red', '-e', '1');
isnt($rc, 0, 'an unknown option fails');
like($out, qr/unknown option 'colour'/, "... saying so");
($rc, $out) = run_perl(@perl, '-MPlack::HTTPParser', '-MSpringbok::Install', '-e', '1');
isnt($rc, 0, 'after Plack::HTTPParser: fails');
like($out, qr/must be loaded before .*Plack\/HTTPParser\.pm/, "... saying why");
($rc, $out) = run_perl(@perl, '-MWWW::Form::UrlEncoded', '-MSpringbok::Install', '-e', '1');
like($out, qr/must be loaded before WWW\/Form\/UrlEncoded\.pm/, 'after WWW::Form::UrlEncoded: fails');

done_testing;
