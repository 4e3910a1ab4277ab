# Documentation: every POD file is valid, every public function of every
# module is documented in its POD, and the differences listed in
# Springbok::Differences are exactly those the tests prove (check_used).
use strict;
use warnings;
use Test::More;
use FindBin;
use lib "$FindBin::Bin/lib";
use File::Find qw(find);
use Pod::Checker ();
use Springbok::Test::Explain qw(documented_ids);

my $root = "$FindBin::Bin/..";
my @files;
find(sub { push @files, $File::Find::name if /\.(?:pm|pod)\z/ }, "$root/lib");
for my $file (sort @files) {
    my $checker = Pod::Checker->new(-warnings => 2);
    open my $null, '>', \my $out;
    $checker->parse_from_file($file, $null);
    is($checker->num_errors, 0, "$file: POD without errors") or diag($out);
    is($checker->num_warnings, 0, "$file: POD without warnings") or diag($out);
}

my %modules = (
    'Springbok'                  => 'Springbok.pm',
    'Springbok::HTTP::Parser'    => 'Springbok/HTTP/Parser.pm',
    'Springbok::Form'            => 'Springbok/Form.pm',
    'Springbok::MultiPartParser' => 'Springbok/MultiPartParser.pm',
    'Springbok::Response'        => 'Springbok/Response.pm',
    'Springbok::Install'         => 'Springbok/Install.pm',
);
my %not_api = map { $_ => 1 } qw(BEGIN DESTROY CLONE CLONE_SKIP AUTOLOAD bootstrap);
for my $module (sort keys %modules) {
    eval "require $module; 1" or die $@;
    open my $fh, '<', "$root/lib/$modules{$module}" or die $!;
    my $pod = do { local $/; <$fh> };
    my %documented;
    while ($pod =~ /^=(?:item|head\d)\s+(.*)/mg) {
        my $line = $1;
        $documented{$1} = 1 while $line =~ /(?:^|[\s,>:])(\w+)(?=\s*(?:\(|,|$))/g;
    }
    no strict 'refs';
    my @subs = grep { !/\A_/ && !$not_api{$_} && defined &{"${module}::$_"} } keys %{"${module}::"};
    # Only what the module defines (or its XS does), not what it imported.
    @subs = grep {
        require B;
        my $gv = B::svref_2object(\&{"${module}::$_"})->GV;
        $gv->STASH->NAME eq $module || $_ =~ /\AHEADERS_/;
    } @subs;
    @subs = grep { $_ ne 'import' || $module eq 'Springbok::Install' } @subs;
    ok(@subs, "$module has public functions: " . join(', ', sort @subs)) or next;
    ok($documented{$_}, "$module: $_ is documented") for sort @subs;
}

# Differences: listed == proved.
my %proved;
opendir my $dir, $FindBin::Bin or die;
for my $t (grep { /\.t\z/ } readdir $dir) {
    open my $fh, '<', "$FindBin::Bin/$t" or die;
    my $src = do { local $/; <$fh> };
    while ($src =~ /check_used\(qw\(([^)]*)\)\)/g) { $proved{$_} = $t for split ' ', $1 }
}
my @listed = documented_ids();
cmp_ok(scalar @listed, '>=', 20, scalar(@listed) . ' differences listed');
for my $id (@listed) {
    ok($proved{$id}, "difference '$id' is proved by " . ($proved{$id} // 'no test'));
}
for my $id (sort keys %proved) {
    ok((grep { $_ eq $id } @listed), "'$id' (checked in $proved{$id}) is listed in Springbok::Differences");
}

done_testing;
