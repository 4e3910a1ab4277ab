# Springbok::MultiPartParser's contract: HTTP::MultiPartParser's constructor
# checks and callbacks, errors and aborting, reset, callbacks that die or
# re-enter, every limit, and process-wide defaults.
use strict;
use warnings;
use Test::More;
use FindBin;
use lib "$FindBin::Bin/lib";
use Springbok::Test::Peers qw(HTTP::MultiPartParser);
use Springbok::Test::Explain qw(accept_id check_used);
use Springbok::MultiPartParser ();

my $B = 'XyZ';
sub part { my ($name, $data, @extra) = @_; "--$B\r\nContent-Disposition: form-data; name=\"$name\"\r\n" . join('', map { "$_\r\n" } @extra) . "\r\n$data\r\n" }
my $body = part('a', 'hello') . part('b', '') . part('c', 'x' x 100) . "--$B--\r\n";

sub collect {
    my ($class, $body, %opt) = @_;
    my (@ev, @err);
    my $step = delete $opt{step} // length $body;
    my $p = $class->new(boundary => $B, on_header => sub { push @ev, ['h', $_[0]] },
        on_body => sub { push @ev, ['b', $_[0], $_[1]] }, on_error => sub { push @err, $_[0] }, %opt);
    my @ok = map { $p->parse(substr($body, $_ * $step, $step)) } 0 .. int((length($body) - 1) / $step);
    push @ok, $p->finish;
    return (\@ev, \@err, \@ok, $p);
}

subtest 'callbacks' => sub {
    my ($ev, $err, $ok) = collect('Springbok::MultiPartParser', $body);
    is_deeply($err, [], 'no error');
    is_deeply($ok, [1, 1], 'parse and finish return true');
    is_deeply([map { $_->[0] } @$ev], [qw(h b h b h b)], 'one on_header and, here, one on_body per part');
    is_deeply($ev->[0][1], ['Content-Disposition: form-data; name="a"'], 'on_header gets an array ref of lines');
    is_deeply([@{ $ev->[1] }[1, 2]], ['hello', 1], 'on_body($chunk, $final)');
    is_deeply([@{ $ev->[3] }[1, 2]], ['', 1], 'an empty part: one call with "" and a true $final');
    ok(!ref $ev->[1][2] && $ev->[1][2] eq '1', '$final is a plain true value');
    my ($ev1) = collect('Springbok::MultiPartParser', $body, step => 1);
    my %data;
    my $part = -1;
    for (@$ev1) { $part++ if $_->[0] eq 'h'; $data{$part} .= $_->[1] if $_->[0] eq 'b' }
    is_deeply(\%data, { 0 => 'hello', 1 => '', 2 => 'x' x 100 }, 'fed a byte at a time: the same data');
    my @finals = map { $_->[2] ? 1 : 0 } grep { $_->[0] eq 'b' } @$ev1;
    is(scalar(grep { $_ } @finals), 3, '... and exactly one final piece per part');
    my ($evu) = collect('Springbok::MultiPartParser', part('a', 'v', 'Content-Type: text/plain') . "--$B--\r\n",
        on_header_as => 'unparsed');
    is($evu->[0][1], qq{Content-Disposition: form-data; name="a"\r\nContent-Type: text/plain\r\n\r\n},
        "on_header_as => 'unparsed': the block as one string");
};

subtest 'a 10 MiB file in 64 KiB pieces' => sub {
    my $file = join '', map { chr(($_ * 7) % 256) } 0 .. 65535;
    $file x= 160;
    my $big = "--$B\r\nContent-Disposition: form-data; name=\"f\"; filename=\"f.bin\"\r\n\r\n$file\r\n--$B--\r\n";
    my ($ev, $err) = collect('Springbok::MultiPartParser', $big, step => 65536);
    is_deeply($err, [], 'no error');
    my $got = join '', map { $_->[1] } grep { $_->[0] eq 'b' } @$ev;
    ok($got eq $file, 'the data, byte for byte');
    my $calls = grep { $_->[0] eq 'b' } @$ev;
    cmp_ok($calls, '<=', 2 * int(length($big) / 65536) + 2, "$calls on_body calls: about one per piece");
};

subtest 'constructor checks, as HTTP::MultiPartParser' => sub {
    my %ok = (boundary => $B, on_header => sub {}, on_body => sub {});
    my @bad = (
        [boundary => 'a b'], [boundary => ''], [boundary => undef], [boundary => []], [on_header => 'x'],
        [on_body => undef], [on_error => {}], [max_header_size => 0], [max_header_size => -1],
        [max_preamble_size => 'a'], [on_header_as => 'hash'], [colour => 1],
    );
    for my $b (@bad) {
        my %args = (%ok, @$b);
        my $peer = eval { HTTP::MultiPartParser->new(%args); 1 } ? 'ok' : $@;
        my $ours = eval { Springbok::MultiPartParser->new(%args); 1 } ? 'ok' : $@;
        s/ at \S+ line \d+\.?\n//s for $peer, $ours;
        is($ours, $peer, "$b->[0] => " . ($b->[1] // 'undef') . ": $ours");
    }
    for my $missing (qw(boundary on_header on_body)) {
        my %args = %ok;
        delete $args{$missing};
        eval { Springbok::MultiPartParser->new(%args) };
        like($@, qr/Mandatory parameter '$missing' is missing/, "without $missing");
    }
    eval { Springbok::MultiPartParser->new(%ok, boundary => 'x' x 71) };
    like($@, qr/1 to 70 characters/, 'a boundary of 71 characters');
    eval { Springbok::MultiPartParser->new(%ok, max_parts => -1) };
    like($@, qr/'max_parts' is not a non-negative integer/, 'a negative Springbok limit');
    for my $m (qw(parse finish reset is_aborted)) {
        my $p = Springbok::MultiPartParser->new(%ok);
        eval { $p->$m(1, 2) };
        like($@, qr/Usage: \$parser->$m/, "$m with too many arguments");
    }
    eval { Springbok::MultiPartParser::parse(bless({}, 'Other'), 'x') };
    like($@, qr/not called on a Springbok::MultiPartParser object/, 'parse on another object');
};

subtest 'errors and aborting' => sub {
    my $bad = "--$B\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\nhello";
    my ($ev, $err, $ok, $p) = collect('Springbok::MultiPartParser', $bad);
    is_deeply($ok, [1, ''], 'finish on a truncated body returns false');
    is(scalar @$err, 1, 'on_error once');
    like($err->[0], qr/close delimiter.*byte \d+/, "a message with the offset: $err->[0]");
    ok($p->is_aborted, 'is_aborted');
    ok(!$p->parse("--$B--\r\n"), 'parse after an error: false');
    is(scalar @$err, 1, '... without calling on_error again');
    $p->reset;
    ok(!$p->is_aborted, 'reset');
    ok($p->parse($body) && $p->finish, '... and a whole body parses again');
    my $croaker = Springbok::MultiPartParser->new(boundary => $B, on_header => sub {}, on_body => sub {});
    eval { $croaker->parse("--$B\r\nBad Header\r\n\r\n") };
    like($@, qr/invalid part header block/, 'the default on_error croaks with the message');
    eval { $croaker->parse('') };
    ok(!$@, 'parse after the default on_error croaked: no second croak');
    ok($croaker->is_aborted, '... and the parser is aborted');
};

subtest 'callbacks that die or re-enter' => sub {
    my $p;
    my $calls = 0;
    $p = Springbok::MultiPartParser->new(boundary => $B, on_header => sub {},
        on_body => sub { $calls++; die "stop\n" if $calls == 1 });
    eval { $p->parse($body) };
    is($@, "stop\n", 'an exception in on_body leaves parse');
    ok($p->parse('') && $p->finish, 'the parser goes on with the next event');
    is($calls, 3, '... and delivers the other parts');
    $p = Springbok::MultiPartParser->new(boundary => $B, on_header => sub { $p->parse('x') }, on_body => sub {});
    eval { $p->parse($body) };
    like($@, qr/parse called from one of the parser's own callbacks/, 'parse from a callback croaks');
    $p = Springbok::MultiPartParser->new(boundary => $B, on_header => sub { $p->reset }, on_body => sub {});
    eval { $p->parse($body) };
    like($@, qr/reset called from one of the parser's own callbacks/, 'reset from a callback croaks');
    my $seen = 0;
    $p = Springbok::MultiPartParser->new(boundary => $B, on_header => sub { undef $p; $seen++ }, on_body => sub { $seen++ });
    ok(eval { $p->parse($body); 1 }, 'dropping the last reference from a callback');
    is($seen, 6, '... the parse still finishes');
    my $chunk = $body;
    $p = Springbok::MultiPartParser->new(boundary => $B, on_header => sub { $chunk = 'gone' }, on_body => sub { $seen .= $_[0] });
    $seen = '';
    $p->parse($chunk);
    is($seen, 'hello' . 'x' x 100, "changing the caller's string from a callback does not change what is parsed");
};

subtest 'limits' => sub {
    my $file = "--$B\r\nContent-Disposition: form-data; name=\"f\"; filename=\"a\"\r\n\r\n" . ('y' x 50) . "\r\n";
    my @cases = (
        [max_parts => 2, $body, qr/too many parts .*the limit is max_parts/],
        [max_header_size => 30, $body, qr/part header block too large .*the limit is max_header_size/],
        [max_headers => 1, part('a', 'v', 'X-A: 1') . "--$B--\r\n", qr/too many part headers .*max_headers/],
        [max_preamble_size => 5, "preamble\r\n$body", qr/preamble too large .*max_preamble_size/],
        [max_epilogue_size => 3, "$body" . 'epilogue', qr/epilogue too large .*max_epilogue_size/],
        [max_field_size => 99, $body, qr/field too large .*max_field_size/],
        [max_total_size => 100, $body, qr/body too large \(at byte 100 .*max_total_size/],
        [max_file_size => 10, $file . "--$B--\r\n", qr/file too large .*max_file_size/],
        [max_files => 1, $file . $file . "--$B--\r\n", qr/too many files .*max_files/],
        [max_fields => 2, $body, qr/too many fields .*max_fields/],
    );
    for my $c (@cases) {
        my ($limit, $value, $in, $re) = @$c;
        my (undef, $err) = collect('Springbok::MultiPartParser', $in);
        is_deeply($err, [], "$limit: within the default");
        (undef, $err) = collect('Springbok::MultiPartParser', $in, $limit => $value);
        like($err->[0] // '', $re, "$limit => $value: on_error ($err->[0])");
        my (undef, $perr) = collect('HTTP::MultiPartParser', $in,
            $limit =~ /\Amax_(header|preamble)_size\z/ ? ($limit => $value) : ());
        accept_id('multipart_limits') if !@$perr && $limit !~ /\Amax_(header|preamble)_size\z/;
    }
    my (undef, $err) = collect('Springbok::MultiPartParser', $file . "--$B--\r\n", max_field_size => 10);
    is_deeply($err, [], 'max_field_size does not apply to a file part');
    (undef, $err) = collect('Springbok::MultiPartParser', "$body", max_epilogue_size => 2);
    is_deeply($err, [], 'max_epilogue_size => 2: the CRLF after the close delimiter');
    (undef, $err) = collect('Springbok::MultiPartParser', "$body", max_epilogue_size => 0);
    like($err->[0] // '', qr/epilogue too large/, 'max_epilogue_size => 0: not even it');
    my ($ev, $err2) = collect('Springbok::MultiPartParser', part('a', 'z' x (2 << 20)) . "--$B--\r\n");
    like($err2->[0] // '', qr/field too large/, 'a 2 MiB field breaks the default 1 MiB field limit');
};

subtest 'folded part headers' => sub {
    my $folded = "--$B\r\nContent-Disposition: form-data;\r\n name=\"a\"\r\nX-Long: one\r\n\ttwo\r\n\r\nv\r\n--$B--\r\n";
    my ($ev, $err) = collect('Springbok::MultiPartParser', $folded);
    like($err->[0] // '', qr/invalid part header block/, 'refused by default');
    ($ev, $err) = collect('Springbok::MultiPartParser', $folded, unfold_headers => 1);
    is_deeply($err, [], 'unfold_headers => 1: accepted');
    my ($pev) = collect('HTTP::MultiPartParser', $folded);
    is_deeply($ev->[0][1], $pev->[0][1], '... with the lines HTTP::MultiPartParser gives');
    is($ev->[1][1], 'v', '... and the data');
};

subtest 'defaults' => sub {
    my %d = Springbok::MultiPartParser->defaults(max_parts => 1);
    is($d{max_parts}, 1, 'defaults() returns the defaults');
    my (undef, $err) = collect('Springbok::MultiPartParser', $body);
    like($err->[0] // '', qr/too many parts/, 'a new parser takes them');
    (undef, $err) = collect('Springbok::MultiPartParser', $body, max_parts => 10);
    is_deeply($err, [], '... unless new() says otherwise');
    Springbok::MultiPartParser->defaults(max_parts => undef);
    (undef, $err) = collect('Springbok::MultiPartParser', $body);
    is_deeply($err, [], 'undef restores libspringbok\'s default');
    is_deeply(scalar Springbok::MultiPartParser->defaults(), { max_header_size => 32768, max_preamble_size => 32768 },
        "HTTP::MultiPartParser's two defaults");
    eval { Springbok::MultiPartParser->defaults(max_header_size => undef) };
    like($@, qr/no default to restore/, 'its two limits cannot be unset');
    eval { Springbok::MultiPartParser->defaults(max_thing => 1) };
    like($@, qr/Unknown limit 'max_thing'/, 'unknown limit');
};

check_used(qw(multipart_limits));
done_testing;
