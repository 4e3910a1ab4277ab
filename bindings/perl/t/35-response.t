# Springbok::Response: heads from PSGI header lists, refusals that name the
# header, and write_response's writev over pipes, sockets and handles.
use strict;
use warnings;
use Test::More;
use Socket;
use IO::Handle;
use Fcntl qw(F_GETFL F_SETFL O_NONBLOCK);
use POSIX qw(EAGAIN ETIMEDOUT);
use Springbok::Response qw(head write_response);

is(head(1, 200, ['Content-Type' => 'text/plain', 'Content-Length' => 5]),
    "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 5\r\n\r\n", 'a head');
is(head(0, 404, []), "HTTP/1.0 404 Not Found\r\n\r\n", 'HTTP/1.0, no headers');
is(head(1, 599, []), "HTTP/1.1 599 \r\n\r\n", 'an unknown code: empty reason');
is(head(1, 200, [], 'Fine'), "HTTP/1.1 200 Fine\r\n\r\n", 'a reason');
is(head(1, 200, ['Set-Cookie' => 'a=1', 'Set-Cookie' => 'b=2']), "HTTP/1.1 200 OK\r\nSet-Cookie: a=1\r\nSet-Cookie: b=2\r\n\r\n",
    'a repeated name is a repeated line');
is(head(1, 204, ['Content-Length' => 0, 'X' => 1]), "HTTP/1.1 204 No Content\r\nX: 1\r\n\r\n",
    '204: Content-Length is left out');
is(head(1, 200, [X => 42, Y => 1.5]), "HTTP/1.1 200 OK\r\nX: 42\r\nY: 1.5\r\n\r\n", 'numbers');
is(head(1, 200, [X => "caf\x{e9}"]), "HTTP/1.1 200 OK\r\nX: caf\xe9\r\n\r\n", 'a character string that fits in bytes');
my @many = map { ("X-H$_" => "v$_") } 1 .. 500;
my $h = head(1, 200, \@many);
is(length $h, length("HTTP/1.1 200 OK\r\n\r\n") + 500 * 4 + length(join "", map { "X-H${_}v$_" } 1 .. 500),
    '500 headers');

# Refusals name the header, escaped, and say why.
my @refused = (
    [[Good => 'ok', 'X-Evil' => "a\r\nSet-Cookie: pwn=1"], qr/header "X-Evil" \(number 1\) refused: CR, LF or NUL.*byte 1 of its value/],
    [['X-Lf' => "a\nb"], qr/header "X-Lf" \(number 0\) refused:.*byte 1 of its value/],
    [['X-Nul' => "a\0b"], qr/header "X-Nul" .*refused/],
    [['X-Ctl' => "a\x01b"], qr/header "X-Ctl" .*refused: .*control/i],
    [["Bad\r\nName" => 'v'], qr/header "Bad\\r\\nName" \(number 0\) refused: .*byte 3 of its name/],
    [['Sp ace' => 'v'], qr/header "Sp ace" .*refused/],
    [['' => 'v'], qr/header "" .*refused/],
    [['X'], qr/odd number of elements \(1\)/],
    [[X => undef], qr/the value of header "X" \(number 0\) is undef/],
    [[undef, 'v'], qr/the name of header number 0 is undef/],
    [[X => "\x{263a}"], qr/the value of header "X" .*wide character/],
);
for my $r (@refused) {
    my ($headers, $re) = @$r;
    eval { head(1, 200, $headers) };
    like($@, $re, 'refused: ' . ($@ =~ /: (.*?) at /)[0]);
}
eval { head(1, 200, [], "OK\r\nX: y") };
like($@, qr/reason phrase is refused/, 'a reason with CRLF');
eval { head(1, 99, []) };
like($@, qr/status must be 100 to 999/, 'status 99');
eval { head(2, 200, []) };
like($@, qr/minor version must be 0 or 1/, 'HTTP/1.2');
eval { head(1, 200, {}) };
like($@, qr/headers must be an array reference/, 'a hash of headers');

# write_response
sub pipe_pair { pipe(my $r, my $w) or die "pipe: $!"; return ($r, $w) }
my ($r, $w) = pipe_pair();
my $n = write_response($w, 200, ['Content-Type' => 'text/plain'], ['hel', '', 'lo']);
close $w;
my $got = do { local $/; <$r> };
is($got, "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n\r\nhello", 'to a handle: head and body');
is($n, length $got, 'returns the bytes written');

($r, $w) = pipe_pair();
write_response(fileno($w), 201, [], ['x'], { protocol_minor => 0, reason => 'Made' });
close $w;
$got = do { local $/; <$r> };
is($got, "HTTP/1.0 201 Made\r\n\r\nx", 'to a descriptor number; protocol_minor and reason options');

($r, $w) = pipe_pair();
print {$w} 'buffered:';
write_response($w, 200, [], ['x']);
close $w;
like(do { local $/; <$r> }, qr/\Abuffered:HTTP/, "the handle's buffer is flushed first");

# A body larger than the pipe buffer and more pieces than IOV_MAX, read by a child.
socketpair(my $a, my $b, AF_UNIX, SOCK_STREAM, PF_UNSPEC) or die "socketpair: $!";
my @body = map { chr(65 + $_ % 26) x 1000 } 1 .. 3000;
my $pid = fork // die "fork: $!";
if (!$pid) {
    close $a;
    my ($all, $buf) = ('');
    while (sysread($b, $buf, 65536)) { $all .= $buf }
    exit(length($all) == length(head(1, 200, ['X' => 1])) + 3_000_000 && $all =~ /\r\n\r\nBBB/ ? 0 : 1);
}
close $b;
$n = write_response($a, 200, ['X' => 1], \@body);
close $a;
waitpid $pid, 0;
is($?, 0, '3 MB in 3000 pieces through a socket: the reader got every byte');
is($n, length(head(1, 200, ['X' => 1])) + 3_000_000, '... and the count is right');

# A non-blocking descriptor nobody reads: the timeout.
socketpair($a, $b, AF_UNIX, SOCK_STREAM, PF_UNSPEC) or die "socketpair: $!";
fcntl($a, F_SETFL, fcntl($a, F_GETFL, 0) | O_NONBLOCK);
my $t0 = time;
$n = write_response($a, 200, [], ['z' x (8 << 20)], { timeout => 0.3 });
is($n, undef, 'a full non-blocking socket and a timeout: undef');
is($! + 0, ETIMEDOUT, '... with $! = ETIMEDOUT');
cmp_ok(time - $t0, '<', 5, '... within the timeout');
close $a;

# I/O errors come back as undef and $!.
($r, $w) = pipe_pair();
close $r;
{
    local $SIG{PIPE} = 'IGNORE';
    is(write_response($w, 200, [], ['x']), undef, 'a pipe without reader: undef');
    ok($!{EPIPE}, '... $! is EPIPE');
}

eval { write_response($w, 200, ['X' => "a\nb"], ['body']) };
like($@, qr/header "X"/, 'invalid headers croak before writing');
eval { write_response(\*STDOUT, 200, [], 'body') };
like($@, qr/body must be an array reference/, 'a body that is not an array');
eval { write_response(\*STDOUT, 200, [], [undef]) };
like($@, qr/body element 0 is undef/, 'an undef body element');
eval { write_response(\*STDOUT, 200, [], [[]]) };
like($@, qr/body element 0 is a reference/, 'a reference in the body');
eval { write_response('not a handle', 200, [], []) };
like($@, qr/./, 'something that is not a handle croaks');
eval { write_response(\*STDOUT, 200, [], [], { colour => 1 }) };
like($@, qr/unknown option 'colour'/, 'unknown option');
open my $closed, '<', $0 or die "open: $!";
close $closed;
eval { write_response($closed, 200, [], []) };
like($@, qr/not open/, 'a closed handle');

done_testing;
