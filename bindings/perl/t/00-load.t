# Every module loads, and the XS library is the one this dist was built with.
use strict;
use warnings;
use Test::More;

for my $module (qw(Springbok Springbok::HTTP::Parser Springbok::Form Springbok::MultiPartParser Springbok::Response)) {
    use_ok($module);
    is($module->VERSION, $Springbok::VERSION, "$module version $Springbok::VERSION");
}
like(Springbok::libspringbok_version(), qr/\A\d+\.\d+\.\d+/, 'libspringbok ' . Springbok::libspringbok_version());
diag("perl $^V, libspringbok " . Springbok::libspringbok_version());
done_testing;
