# Springbok inside an unchanged server: Debian's Starlet started with
# `plackup -s Starlet -MSpringbok::Install` on 127.0.0.1 and a free port,
# real requests over sockets (keep-alive, a urlencoded POST, a multipart
# upload through HTTP::Entity::Parser, malformed requests), checking what the
# app saw; the server is stopped by its PID. Every wait is bounded.
use strict;
use warnings;
use Test::More;
use FindBin;
use lib "$FindBin::Bin/lib";
use Springbok::Test::Peers qw(Plack Starlet HTTP::Entity::Parser);
use Digest::MD5 qw(md5_hex);
use IO::Socket::INET;
use JSON::PP;
use POSIX qw(WNOHANG);
use Time::HiRes qw(sleep time);

my ($plackup) = grep { -x } map { "$_/plackup" } split /:/, $ENV{PATH};
plan skip_all => 'plackup not found (libplack-perl)' if !$plackup && $ENV{SPRINGBOK_SKIP_MISSING_PEERS};
ok($plackup, "plackup found ($plackup)") or BAIL_OUT('no plackup: install libplack-perl');

my $port = do {
    my $s = IO::Socket::INET->new(LocalAddr => '127.0.0.1', LocalPort => 0, Listen => 1, ReuseAddr => 1) or die "bind: $!";
    my $p = $s->sockport;
    close $s;
    $p;
};
my @inc = map { ('-I', $_) } grep { m{blib|/t/lib} } @INC;
my @cmd = ($^X, @inc, $plackup, '-s', 'Starlet', '-MSpringbok::Install', '-E', 'deployment', '--host', '127.0.0.1',
    '--port', $port, '--max-workers', 1, '--max-keepalive-reqs', 100, '--keepalive-timeout', 5, "$FindBin::Bin/app/echo.psgi");
my $log = "$FindBin::Bin/../starlet-test.log";
my $pid = fork // die "fork: $!";
if (!$pid) {
    setpgrp(0, 0);
    open STDOUT, '>', $log or die;
    open STDERR, '>&', \*STDOUT or die;
    exec @cmd or die "exec: $!";
}

END { stop() if $pid }
sub stop {
    return unless $pid;
    kill TERM => $pid;
    my $deadline = time + 10;
    while (time < $deadline) {
        last if waitpid($pid, WNOHANG) == $pid;
        sleep 0.05;
    }
    if (kill 0 => $pid) {
        kill KILL => -$pid;    # the server's process group: it and its workers
        waitpid $pid, 0;
    }
    $pid = 0;
}

sub connect_server {
    return IO::Socket::INET->new(PeerAddr => '127.0.0.1', PeerPort => $port, Timeout => 5);
}

my $deadline = time + 20;
my $probe;
until ($probe = connect_server()) {
    if (time > $deadline || waitpid($pid, WNOHANG) == $pid) {
        diag(`cat $log`);
        BAIL_OUT("Starlet did not start on 127.0.0.1:$port");
    }
    sleep 0.1;
}
close $probe;
pass("Starlet listens on 127.0.0.1:$port (pid $pid)");

# One response: status line, headers, and a Content-Length body; undef on
# EOF or after 10 seconds.
sub read_response {
    my ($sock) = @_;
    my $buf = '';
    my $ok = eval {
        local $SIG{ALRM} = sub { die "timeout\n" };
        alarm 10;
        while ($buf !~ /\r\n\r\n/) { sysread($sock, $buf, 65536, length $buf) or last }
        my ($len) = $buf =~ /^Content-Length:\s*(\d+)/mi;
        my $head = index($buf, "\r\n\r\n") + 4;
        while (defined $len && length($buf) < $head + $len) { sysread($sock, $buf, 65536, length $buf) or last }
        alarm 0;
        1;
    };
    alarm 0;
    return undef unless $ok && $buf =~ /\r\n\r\n/;
    my ($head, $body) = split /\r\n\r\n/, $buf, 2;
    my ($status) = $head =~ m{\AHTTP/1\.[01] (\d{3})};
    return { status => $status, head => $head, body => $body };
}

sub exchange {
    my ($sock, $request) = @_;
    print {$sock} $request;
    return read_response($sock);
}

my $json = JSON::PP->new->latin1;

# Keep-alive: three requests on one connection.
my $sock = connect_server() or die "connect: $!";
my @seen;
for my $i (1 .. 3) {
    my $res = exchange($sock, "GET /caf%C3%A9/$i?x=$i&y=%41 HTTP/1.1\r\nHost: test\r\nX-Trace: t$i\r\nx-trace: again\r\n"
        . "X_Forwarded_For: 6.6.6.6\r\nUser-Agent: springbok-test\r\n\r\n");
    is($res && $res->{status}, 200, "keep-alive request $i: 200");
    push @seen, $res ? $json->decode($res->{body}) : {};
}
my $env = $seen[0]{env};
is($seen[0]{parser}, 'springbok', "Starlet's parse_http_request is Springbok's");
is($seen[0]{multipart}, 'springbok', 'HTTP::MultiPartParser is Springbok\'s');
is($env->{PATH_INFO}, "/caf\xC3\xA9/1", 'PATH_INFO decoded');
is($env->{QUERY_STRING}, 'x=1&y=%41', 'QUERY_STRING raw');
is($env->{REQUEST_URI}, '/caf%C3%A9/1?x=1&y=%41', 'REQUEST_URI');
is($env->{HTTP_X_TRACE}, 't1, again', 'duplicate headers joined');
is($env->{HTTP_USER_AGENT}, 'springbok-test', 'HTTP_USER_AGENT');
ok(!exists $env->{HTTP_X_FORWARDED_FOR}, 'X_Forwarded_For dropped (underscore policy)');
is($env->{SERVER_PROTOCOL}, 'HTTP/1.1', 'SERVER_PROTOCOL');
is($seen[2]{env}{PATH_INFO}, "/caf\xC3\xA9/3", 'the third request on the same connection');
is(scalar(keys %{{ map { $_->{pid} // 0 => 1 } @seen }}), 1, 'all three served by one worker');
close $sock;

# urlencoded POST.
my $form = 'a=1&b=x+y&a=2;c=%E2%82%AC';
$sock = connect_server() or die;
my $res = exchange($sock, "POST /form HTTP/1.1\r\nHost: test\r\nContent-Type: application/x-www-form-urlencoded\r\n"
    . 'Content-Length: ' . length($form) . "\r\n\r\n$form");
is($res && $res->{status}, 200, 'urlencoded POST: 200');
is_deeply($res && $json->decode($res->{body})->{body}, [a => 1, b => 'x y', a => 2, c => "\xE2\x82\xAC"],
    'the app got the pairs');
close $sock;

# Multipart upload through HTTP::Entity::Parser.
my $file = join '', map { chr(($_ * 31 + 7) % 256) } 1 .. 200_000;
my $b = 'SpringbokBoundary42';
my $body = "--$b\r\nContent-Disposition: form-data; name=\"title\"\r\n\r\nholiday\r\n"
    . "--$b\r\nContent-Disposition: form-data; name=\"photo\"; filename=\"p.jpg\"\r\nContent-Type: image/jpeg\r\n\r\n"
    . "$file\r\n--$b--\r\n";
$sock = connect_server() or die;
$res = exchange($sock, "POST /upload HTTP/1.1\r\nHost: test\r\nContent-Type: multipart/form-data; boundary=$b\r\n"
    . 'Content-Length: ' . length($body) . "\r\n\r\n$body");
is($res && $res->{status}, 200, 'multipart upload: 200');
my $up = $res ? $json->decode($res->{body}) : {};
is_deeply($up->{body}, [title => 'holiday'], 'the field');
is_deeply($up->{uploads}{photo}, { filename => 'p.jpg', size => 200_000, md5 => md5_hex($file) },
    'the file: name, size and MD5');
close $sock;

# Malformed requests get 400 and a closed connection.
for my $bad ("GET / HTTP/1.1\r\nBad Header\r\n\r\n", "GET / HTTP/1.1\nHost: a\n\n", "GET /a%zz HTTP/1.1\r\n\r\n",
    "GET / HTTP/1.1\r\nHost : a\r\n\r\n") {
    $sock = connect_server() or die;
    $res = exchange($sock, $bad);
    (my $name = $bad) =~ s/\r/\\r/g;
    $name =~ s/\n/\\n/g;
    is($res && $res->{status}, 400, "\"$name\": 400");
    my $more = '';
    eval { local $SIG{ALRM} = sub { die }; alarm 5; sysread($sock, $more, 100); alarm 0 };
    alarm 0;
    is($more, '', '... and the connection is closed');
    close $sock;
}

my $server = $pid;
stop();
ok(!kill(0 => $server), "the server ($server) is stopped");
my $group_deadline = time + 5;
sleep 0.05 while kill(0 => -$server) && time < $group_deadline;
ok(!kill(0 => -$server), '... and its workers');
unlink $log;
done_testing;
