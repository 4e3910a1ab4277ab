package Springbok::Install;

use strict;
use warnings;

use Carp ();
use Springbok ();
use Springbok::HTTP::Parser ();
use Springbok::Form ();
use Springbok::MultiPartParser ();

our $VERSION = $Springbok::VERSION;

# Where each peer's name would load from, and what takes its place.
my %REPLACES = (
    'HTTP/Parser/XS.pm'            => 'HTTP::Parser::XS',
    'WWW/Form/UrlEncoded.pm'       => 'WWW::Form::UrlEncoded',
    'WWW/Form/UrlEncoded/XS.pm'    => 'WWW::Form::UrlEncoded::XS',
    'HTTP/MultiPartParser.pm'      => 'HTTP::MultiPartParser',
);

sub _too_late {
    my @loaded = grep { $INC{$_} && $INC{$_} ne __FILE__ } sort keys %REPLACES;
    push @loaded, 'Plack/HTTPParser.pm' if $INC{'Plack/HTTPParser.pm'} && !$Springbok::Install::INSTALLED;
    return unless @loaded;
    Carp::croak('Springbok::Install must be loaded before ' . join(', ', @loaded)
        . ' (they are already loaded and bound to the original modules): put -MSpringbok::Install '
        . 'first on the command line or `use Springbok::Install;` first in the program');
}

sub _alias {
    my ($package, %subs) = @_;
    no strict 'refs';
    for my $name (sort keys %subs) {
        *{"${package}::$name"} = $subs{$name};
    }
}

sub _install {
    _too_late();
    my $file = __FILE__;

    # HTTP::Parser::XS (Plack::HTTPParser binds its parse_http_request when it loads).
    _alias('HTTP::Parser::XS',
        parse_http_request  => \&Springbok::HTTP::Parser::parse_http_request,
        parse_http_response => \&Springbok::HTTP::Parser::parse_http_response,
        HEADERS_NONE        => \&Springbok::HTTP::Parser::HEADERS_NONE,
        HEADERS_AS_HASHREF  => \&Springbok::HTTP::Parser::HEADERS_AS_HASHREF,
        HEADERS_AS_ARRAYREF => \&Springbok::HTTP::Parser::HEADERS_AS_ARRAYREF,
        import              => \&Exporter::import,
    );
    {
        no strict 'refs';
        no warnings 'once';
        ${'HTTP::Parser::XS::VERSION'} = '0.17';
        ${'HTTP::Parser::XS::BACKEND'} = 'springbok';
        %{'HTTP::Parser::XS::EXPORT_TAGS'} = (all => [@{ $Springbok::HTTP::Parser::EXPORT_TAGS{all} }]);
        @{'HTTP::Parser::XS::EXPORT_OK'} = @{ $Springbok::HTTP::Parser::EXPORT_TAGS{all} };
        @{'HTTP::Parser::XS::EXPORT'} = ();
    }

    # WWW::Form::UrlEncoded and its XS backend.
    for my $package ('WWW::Form::UrlEncoded', 'WWW::Form::UrlEncoded::XS') {
        no strict 'refs';
        _alias($package,
            (map { $_ => \&{"Springbok::Form::$_"} } @Springbok::Form::EXPORT_OK),
            import => \&Exporter::import,
        );
        ${"${package}::VERSION"} = $package eq 'WWW::Form::UrlEncoded' ? '0.26' : '0.28';
        @{"${package}::EXPORT_OK"} = @Springbok::Form::EXPORT_OK;
    }

    # HTTP::MultiPartParser: a subclass, so objects answer to both names.
    {
        no strict 'refs';
        @{'HTTP::MultiPartParser::ISA'} = ('Springbok::MultiPartParser');
        ${'HTTP::MultiPartParser::VERSION'} = '0.02';
    }

    $INC{$_} = $file for keys %REPLACES;
    $Springbok::Install::INSTALLED = 1;
}

_install() unless $Springbok::Install::INSTALLED;

my %OPTION = (
    # Springbok::HTTP::Parser::configure
    leniency    => 'parser', underscores    => 'parser', max_headers    => 'parser',
    max_head_bytes => 'parser', max_target_len => 'parser', max_name_len => 'parser',
    max_value_len  => 'parser',
    # Springbok::Form::set_limits
    form_max_pairs => 'form', form_max_input_bytes => 'form',
);

sub import {
    my ($class, @args) = @_;
    Carp::croak('Springbok::Install: options come in name => value pairs') if @args % 2;
    my (%parser, %form, %multipart);
    while (my ($k, $v) = splice @args, 0, 2) {
        if (($OPTION{$k} // '') eq 'parser') {
            # -MSpringbok::Install=leniency,allow_bare_lf+obs_fold_continuation
            $v = [split /\+/, $v] if $k eq 'leniency' && !ref $v && $v =~ /\+/;
            $parser{$k} = $v;
        } elsif (($OPTION{$k} // '') eq 'form') {
            (my $name = $k) =~ s/\Aform_//;
            $form{$name} = $v;
        } elsif ($k =~ /\Amultipart_(\w+)\z/) {
            $multipart{$1} = $v;
        } else {
            Carp::croak("Springbok::Install: unknown option '$k' (" . join(', ', sort keys %OPTION)
                . ', multipart_<limit>)');
        }
    }
    Springbok::HTTP::Parser::configure(%parser) if %parser;
    Springbok::Form::set_limits(%form) if %form;
    Springbok::MultiPartParser->defaults(%multipart) if %multipart;
    return;
}

1;
__END__

=encoding utf-8

=head1 NAME

Springbok::Install - make HTTP::Parser::XS, WWW::Form::UrlEncoded and HTTP::MultiPartParser resolve to Springbok

=head1 SYNOPSIS

    plackup -s Starlet -MSpringbok::Install app.psgi
    plackup -s Starlet -MSpringbok::Install=leniency,http_parser_xs app.psgi

    # or first in a program or .psgi, before anything loads Plack:
    use Springbok::Install (leniency => 'http_parser_xs', multipart_max_total_size => 1 << 30);

=head1 DESCRIPTION

Loading this module makes the names of three peers resolve to Springbok, so
servers and frameworks that use them switch without being edited:

=over 4

=item HTTP::Parser::XS

C<parse_http_request>, C<parse_http_response> and the C<HEADERS_*> constants
are L<Springbok::HTTP::Parser>'s; C<$HTTP::Parser::XS::BACKEND> is
C<springbok>. Starlet, Starman and other servers reach it through
L<Plack::HTTPParser>, which binds C<HTTP::Parser::XS::parse_http_request> when
it loads: B<Springbok::Install must be loaded before Plack::HTTPParser>, and
croaks if it was not (or if one of the peers was loaded first).

=item WWW::Form::UrlEncoded, WWW::Form::UrlEncoded::XS

The four functions are L<Springbok::Form>'s (L<Plack::Request> and
L<HTTP::Entity::Parser::UrlEncoded> use them).

=item HTTP::MultiPartParser

A subclass of L<Springbok::MultiPartParser> (L<HTTP::Entity::Parser::MultiPart>
uses it).

=back

The three names are entered in C<%INC>, so a later C<use> or C<require> of them
finds this module and does not load the originals.

=head1 OPTIONS

C<import> (C<use Springbok::Install (...)> or C<-MSpringbok::Install=name,value,...>)
takes name/value pairs:

=over 4

=item leniency, underscores, max_headers, max_head_bytes, max_target_len, max_name_len, max_value_len

Passed to L<Springbok::HTTP::Parser/configure>. On the command line a
C<leniency> of several flags is written with C<+>:
C<-MSpringbok::Install=leniency,allow_bare_lf+obs_fold_continuation>.

=item form_max_pairs, form_max_input_bytes

Passed to L<Springbok::Form/set_limits> as C<max_pairs> and C<max_input_bytes>.

=item multipart_LIMIT

Passed to C<< Springbok::MultiPartParser->defaults >> as C<LIMIT>, e.g.
C<multipart_max_total_size>, C<multipart_max_field_size>.

=back

=head1 FUNCTIONS

=over 4

=item import(%options)

Applies the options above; called by C<use> and C<-M>.

=back

=head1 SEE ALSO

L<Springbok>, L<Springbok::Differences>.

=cut
