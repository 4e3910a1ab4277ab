# The app of t/60-starlet.t: answers with what it saw, as JSON.
use strict;
use warnings;
use Digest::MD5 qw(md5_hex);
use JSON::PP;
use Plack::Request;

my $json = JSON::PP->new->canonical->latin1;
my $env_key = qr/\A(?:HTTP_\w+|CONTENT_TYPE|CONTENT_LENGTH|REQUEST_METHOD|REQUEST_URI|PATH_INFO|QUERY_STRING|SCRIPT_NAME|SERVER_PROTOCOL)\z/;

sub {
    my ($env) = @_;
    my $req = Plack::Request->new($env);
    my %seen = (
        env    => { map { ($_ => $env->{$_}) } grep { /$env_key/ } keys %$env },
        parser => \&Plack::HTTPParser::parse_http_request == \&Springbok::HTTP::Parser::parse_http_request
            ? 'springbok' : 'other',
        multipart => HTTP::MultiPartParser->isa('Springbok::MultiPartParser') ? 'springbok' : 'other',
        pid => $$,
    );
    if ($env->{REQUEST_METHOD} eq 'POST') {
        $seen{body} = [$req->body_parameters->flatten];
        for my $name ($req->uploads->keys) {
            my $u = $req->uploads->{$name};
            open my $fh, '<:raw', $u->path or die "open: $!";
            $seen{uploads}{$name} = { filename => $u->filename, size => $u->size, md5 => md5_hex(do { local $/; <$fh> }) };
        }
    }
    my $body = $json->encode(\%seen);
    return [200, ['Content-Type' => 'application/json', 'Content-Length' => length $body], [$body]];
};
