package Springbok::Test::Peers;
# Loads the peer modules the differential tests compare against (Debian's
# packages, installed by bindings/perl/ci). A missing peer fails the test file
# unless SPRINGBOK_SKIP_MISSING_PEERS is set, so that CI cannot pass by
# skipping.
use strict;
use warnings;
use Test::More ();

my %PACKAGE = (
    'HTTP::Parser::XS'          => 'libhttp-parser-xs-perl',
    'WWW::Form::UrlEncoded'     => 'libwww-form-urlencoded-perl',
    'WWW::Form::UrlEncoded::XS' => 'libwww-form-urlencoded-xs-perl',
    'HTTP::MultiPartParser'     => 'libhttp-multipartparser-perl',
    'HTTP::Entity::Parser'      => 'libhttp-entity-parser-perl',
    'Plack'                     => 'libplack-perl',
    'Starlet'                   => 'starlet',
);

sub import {
    my ($class, @modules) = @_;
    for my $m (@modules) {
        next if eval "require $m; 1";
        my $msg = "peer $m is not installed (Debian package $PACKAGE{$m}; bindings/perl/ci installs it)";
        if ($ENV{SPRINGBOK_SKIP_MISSING_PEERS}) {
            Test::More::plan(skip_all => $msg);
        } else {
            Test::More::plan(tests => 1);
            Test::More::fail($msg);
            exit 1;
        }
    }
    if (grep { $_ eq 'HTTP::Parser::XS' } @modules) {
        no warnings 'once';
        die "HTTP::Parser::XS runs its pure-Perl backend ($HTTP::Parser::XS::BACKEND): compare with the XS one\n"
            unless ($HTTP::Parser::XS::BACKEND // '') eq 'xs';
    }
}

1;
