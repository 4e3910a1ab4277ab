# What Springbok::MultiPartParser's callbacks receive, as values the caller
# may keep: on_body's $_[0] is reused from one call to the next only while
# nobody else holds it, so a kept reference, a modified or upgraded $_[0], a
# dying callback and a kept header array never see a later part's bytes.
use strict;
use warnings;
use Test::More;
use File::Temp ();
use Scalar::Util ();
use Springbok::MultiPartParser ();

my $B = 'XyZ';
sub part { my ($name, $data) = @_; "--$B\r\nContent-Disposition: form-data; name=\"$name\"\r\n\r\n$data\r\n" }
my $body = join('', map { part("f$_", "value $_") } 1 .. 5) . "--$B--\r\n";

sub parse_with {
    my ($on_body, %opt) = @_;
    my $p = Springbok::MultiPartParser->new(boundary => $B, on_header => $opt{on_header} // sub {}, on_body => $on_body);
    my $step = $opt{step} // length $body;
    $p->parse(substr($body, $_ * $step, $step)) for 0 .. int((length($body) - 1) / $step);
    ok($p->finish, 'finish');
}

for my $step (length($body), 7, 1) {
    subtest "fed $step bytes at a time" => sub {
        my (@refs, @values);
        parse_with(sub { push @refs, \$_[0]; push @values, $_[0] }, step => $step);
        is(join('|', map { $$_ } @refs), join('|', @values), 'every kept \$_[0] still holds what it was called with');
        my %seen;
        ok(!grep({ $seen{ 0 + $_ }++ } @refs), 'each kept reference is to a scalar of its own');

        my (@aliases, @copies);
        parse_with(sub { push @aliases, \@_; push @copies, "$_[0]" }, step => $step);
        is(join('|', map { $_->[0] } @aliases), join('|', @copies), 'a kept @_ keeps its values too');

        my @got;
        parse_with(sub { push @got, $_[0]; $_[0] = "\x{263a}" x 3; utf8::upgrade($_[0]) }, step => $step);
        my @plain;
        parse_with(sub { push @plain, $_[0] }, step => $step);
        is_deeply(\@got, \@plain, 'a callback that rewrites $_[0] (even to a wide string) changes nothing later');
        ok(!grep({ utf8::is_utf8($_) } @got), '... and every chunk arrives as bytes');

        my @s;
        parse_with(sub { push @s, substr($_[0], 0); substr($_[0], 0, 2, '') }, step => $step);
        is_deeply(\@s, \@plain, 'chopping the front of $_[0] (an offset string) changes nothing later');

        my @h;
        parse_with(sub {}, on_header => sub { push @h, $_[0] }, step => $step);
        is_deeply(\@h, [map { ["Content-Disposition: form-data; name=\"f$_\""] } 1 .. 5], 'kept header arrays keep their lines');
        my (@hr, @weak);
        parse_with(sub {}, on_header => sub { push @hr, \$_[0] }, step => $step);
        is_deeply([map { $$_ } @hr], [map { ["Content-Disposition: form-data; name=\"f$_\""] } 1 .. 5],
            'kept references to on_header\'s argument keep their lines');
        my ($lines, @kept, @warnings);
        local $SIG{__WARN__} = sub { push @warnings, @_ };
        parse_with(sub {}, on_header => sub { push @kept, $_[0]; Scalar::Util::weaken($_[0]) if $_[0][0] =~ /f2/ }, step => $step);
        $lines .= "$_->[0];" for @kept;
        @kept = ();
        is($lines, join('', map { qq{Content-Disposition: form-data; name="f$_";} } 1 .. 5), 'a weakened argument changes nothing later');
        is_deeply(\@warnings, [], '... and warns of nothing');
    };
}

subtest 'a weakened argument is not reused' => sub {
    # A reference count gone wrong shows when the interpreter frees
    # everything at exit, after any test could see it: run it in a child.
    my $code = q{
        use Scalar::Util (); use Springbok::MultiPartParser ();
        my (@kept, $p);
        $p = Springbok::MultiPartParser->new(boundary => 'XyZ', on_body => sub {},
            on_header => sub { push @kept, $_[0]; Scalar::Util::weaken($_[0]) });
        $p->parse(join('', map { "--XyZ\r\nContent-Disposition: form-data; name=\"f$_\"\r\n\r\nv\r\n" } 1 .. 5) . "--XyZ--\r\n");
        $p->finish;
        undef $p;
        print join(',', map { Internals::SvREFCNT(@$_) } @kept), ' ', join(',', map { $_->[0] =~ /"(f\d)"/ } @kept), "\n";
    };
    my ($fh, $file) = File::Temp::tempfile(SUFFIX => '.pl', UNLINK => 1);
    print $fh $code;
    close $fh;
    my $out = `"$^X" -Mblib "$file" 2>&1`;
    is($out, "1,1,1,1,1 f1,f2,f3,f4,f5\n", 'the arrays, each held once, and not a word on stderr');
};

subtest 'a callback that dies' => sub {
    my (@got, $n);
    my $p = Springbok::MultiPartParser->new(boundary => $B, on_header => sub {},
        on_body => sub { push @got, \$_[0]; die "stop\n" if ++$n == 2 });
    ok(!eval { $p->parse($body); 1 }, 'the exception leaves parse');
    is($@, "stop\n", '... unchanged');
    $p->parse('');
    ok($p->finish, 'the rest is parsed by the next call');
    is(join('|', map { $$_ } @got), join('|', map { "value $_" } 1 .. 5), 'every kept chunk intact');
};

# Every callback in turn dies once; parsing then goes on with the next
# parse (or finish). The callbacks must see exactly what they see when none
# dies: nothing lost, nothing twice, at every split.
subtest 'any callback may die, nothing is lost or repeated' => sub {
    my $big = 'x' x 20000 . "\r\n--XyZ-not-yet\r" . 'y' x 9000;
    my $body2 = part('a', 'one') . part('big', $big) . part('e', '') . part('b', 'two') . "--$B--\r\n";
    my $run = sub {
        my ($step, $die_at) = @_;
        my (@log, $n);
        my $maybe_die = sub { die "callback $n\n" if defined $die_at && ++$n == $die_at };
        my $p = Springbok::MultiPartParser->new(boundary => $B,
            on_header => sub { push @log, "h:$_[0][0]"; $maybe_die->() },
            on_body   => sub { push @log, ($_[1] ? 'B:' : 'b:') . $_[0]; $maybe_die->() });
        my $died = 0;
        for my $i (0 .. int((length($body2) - 1) / $step)) {
            $died++ unless eval { $p->parse(substr($body2, $i * $step, $step)); 1 };
        }
        $died++ unless eval { $p->finish; 1 };
        # On a die in the last piece, what is left comes with finish.
        return (join("\n", @log), $died);
    };
    for my $step (length($body2), 4096, 7, 1) {
        my ($want) = $run->($step);
        my $calls = () = $want =~ /^[hbB]:/mg;
        my ($data) = join('', map { /^[bB]:(.*)/s ? $1 : () } split /\n(?=[hbB]:)/, $want);
        for my $k (1 .. $calls) {
            my ($got, $died) = $run->($step, $k);
            is($died, 1, "step $step, callback $k dies once") or next;
            is($got, $want, "step $step, callback $k died: the same calls");
        }
    }
};

done_testing;
