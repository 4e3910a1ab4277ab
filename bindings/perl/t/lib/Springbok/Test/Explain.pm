package Springbok::Test::Explain;
# The rules by which the tests accept a difference from a peer: each returns
# the identifier of an entry of lib/Springbok/Differences.pod after checking,
# on the input bytes alone, that the entry's cause is present; or a
# description of the unexplained difference. Identifiers are checked against
# the POD when used; each test file ends with check_used(ids...) for the
# entries it proves, and t/90-pod.t checks that those lists cover the POD.
use strict;
use warnings;

use Exporter 'import';
use File::Basename qw(dirname);
use File::Spec;
our @EXPORT_OK = qw(documented_ids accept_id used_ids check_used explain_request explain_response
    explain_multipart multipart_parts norm_ws);

my $POD = File::Spec->catfile(dirname(__FILE__), qw(.. .. .. .. lib Springbok Differences.pod));
my %DOCUMENTED;
my %USED;

sub documented_ids {
    unless (%DOCUMENTED) {
        open my $fh, '<', $POD or die "open $POD: $!";
        while (<$fh>) { $DOCUMENTED{$1} = 1 if /^=item C<(\w+)>/ }
    }
    return sort keys %DOCUMENTED;
}

sub accept_id {
    my ($id) = @_;
    documented_ids();
    die "difference '$id' is not listed in Springbok/Differences.pod\n" unless $DOCUMENTED{$id};
    $USED{$id}++;
    return $id;
}

sub used_ids { return sort keys %USED }

# One test per identifier this file proves: it was seen during the run.
sub check_used {
    my (@ids) = @_;
    documented_ids();
    for my $id (@ids) {
        Test::More::ok($DOCUMENTED{$id} && $USED{$id}, "difference '$id' is listed and was seen ("
            . ($USED{$id} // 0) . ' times)');
    }
}

my $TCHAR = qr/[!#\$%&'*+\-.^_`|~0-9A-Za-z]/;

# Whitespace-insensitive form of a header value: runs of SP/HTAB as one SP,
# none at the ends, none before a comma or after a newline.
sub norm_ws {
    my ($v) = @_;
    return undef unless defined $v;
    $v =~ s/[ \t]+/ /g;
    $v =~ s/ (?=,|\n|\z)//g;
    $v =~ s/(?<=\n) //g;
    $v =~ s/\A //;
    return $v;
}

sub _q {
    my ($v) = @_;
    return 'undef' unless defined $v;
    (my $s = substr($v, 0, 80)) =~ s/([^\x20-\x7e])/sprintf('\\x%02X', ord $1)/ge;
    return qq{"$s"} . (length $v > 80 ? '...' : '');
}

sub _head_lines {
    my ($in) = @_;
    my $end = index($in, "\r\n\r\n");
    my $head = $end >= 0 ? substr($in, 0, $end) : $in;
    return split /\r?\n/, $head;
}

# Why Springbok rejected (-1) a head that the peer accepted. $err is
# last_error()'s ($message, $status, $offset, $code).
sub _explain_rejection {
    my ($in, $err, $what) = @_;
    my ($msg, $status, $offset, $code) = @$err;
    $code //= 0;
    my $byte = defined $offset && $offset < length $in ? substr($in, $offset, 1) : '';
    my @lines = _head_lines($in);
    my ($start) = grep { length } @lines;
    $start //= '';
    my @fields = split / /, $start, -1;
    if ($code == 116) {    # target too long
        return accept_id('limits') if length($fields[1] // '') > 12 * 1024;
    } elsif ($code == 117) {    # name too long
        return accept_id('limits') if grep { /\A([^:]*):/ && length $1 > 256 } @lines[1 .. $#lines];
    } elsif ($code == 118) {
        return accept_id('limits') if grep { /:[ \t]*(.*)/ && length $1 > 80 * 1024 } @lines;
    } elsif ($code == 119) {
        return accept_id('limits') if length $in > 112 * 1024;
    } elsif ($code == 108) {    # header name
        return accept_id('header_name_token') if length $byte && $byte !~ $TCHAR;
    } elsif ($code == 109) {
        return accept_id('space_before_colon') if $byte eq ' ' || $byte eq "\t";
    } elsif ($code == 101) {
        return accept_id('method_token') if $what eq 'request' && $fields[0] !~ /\A$TCHAR+\z/;
    } elsif ($code == 103) {
        return accept_id('request_line') if $start =~ /  |\A | \z/ || @fields != 3;
    } elsif ($code == 104 || $code == 105) {
        my $version = $what eq 'request' ? $fields[2] // '' : $fields[0];
        return accept_id('version') if $version !~ /\AHTTP\/1\.[01]\z/;
    } elsif ($code == 120) {    # target form against the method
        return accept_id('target_form') if $what eq 'request' && !_form_fits($fields[0] // '', $fields[1] // '');
    } elsif ($code == 106) {
        my $code = $fields[1] // '';
        return accept_id('status_code') if $what eq 'response' && ($code !~ /\A[0-9]{3}\z/ || $code < 100);
    }
    return;
}

# Whether a request target's form fits the method (RFC 9112 §3.2), by its
# shape alone.
sub _form_fits {
    my ($method, $target) = @_;
    return $target =~ /\A(?:\[[^\]]*\]|[^\/?#\@\[\]:]+):[0-9]+\z/ if $method eq 'CONNECT';
    return 1 if $target =~ m{\A/} || $target =~ /\A[A-Za-z][A-Za-z0-9+.\-]*:/;
    return $target eq '*' && $method eq 'OPTIONS';
}

# Compares one request's results. $ours and $peer are
# { ret => n, env => {...}, err => [...] }; $redo->($input) parses another
# input with both and returns the same pair (for error_timing). Returns
# (\@ids) when every difference is explained, or (undef, $reason).
sub explain_request {
    my ($in, $peer, $ours, $redo, $depth) = @_;
    my ($p, $s) = ($peer->{ret}, $ours->{ret});
    if ($p >= 0 && $s >= 0) {
        return (undef, "head length: peer $p, ours $s") if $p != $s;
        my @ids;
        my %keys = (%{ $peer->{env} }, %{ $ours->{env} });
        for my $k (sort keys %keys) {
            my ($pv, $sv) = ($peer->{env}{$k}, $ours->{env}{$k});
            next if defined $pv && defined $sv && $pv eq $sv;
            if ($k eq 'PATH_INFO' && defined $pv && defined $sv && $sv =~ /\0/
                && $pv eq substr($sv, 0, index($sv, "\0"))) {
                push @ids, accept_id('path_nul');
            } elsif ($k =~ /\AHTTP_CONTENT_(TYPE|LENGTH)\z/ && !defined $sv
                && $in =~ /^Content_\Q$1\E[ \t]*:/mi) {
                push @ids, accept_id('content_underscore');
            } elsif (defined $pv && defined $sv && norm_ws($pv) eq norm_ws($sv)) {
                push @ids, accept_id('value_whitespace');
            } elsif ($k eq 'SERVER_PROTOCOL' && ($pv // '') =~ /\AHTTP\/1\.[2-9]\z/ && ($sv // '') eq 'HTTP/1.1') {
                push @ids, accept_id('version');
            } else {
                return (undef, "env $k: peer " . _q($pv) . ", ours " . _q($sv));
            }
        }
        return (\@ids);
    }
    if ($p >= 0 && $s == -1) {
        my $id = _explain_rejection($in, $ours->{err}, 'request');
        return $id ? ([$id]) : (undef, "peer accepts ($p), ours -1: " . join(', ', map { $_ // '' } @{ $ours->{err} }));
    }
    if ($p == -1 && $s >= 0) {
        if ($in =~ /\A(\r?\n)(?:\r?\n)+/) {
            # The peer skips one empty line: without the others it agrees.
            (my $one = $in) =~ s/\A(?:\r?\n)+/\r\n/;
            my ($p2) = $redo->($one);
            return ([accept_id('leading_empty_lines')]) if $p2->{ret} == $s - (length($in) - length($one));
        }
        return (undef, "peer -1, ours accepts ($s)");
    }
    if ($p != $s) {    # one -1, the other -2
        return (undef, "peer $p, ours $s") if $depth;
        my $complete = "$in\r\n\r\n";
        my ($p2, $s2) = $redo->($complete);
        return (undef, "peer $p, ours $s, and the completed head is still incomplete")
            if $p2->{ret} == -2 || $s2->{ret} == -2;
        my ($ids, $why) = explain_request($complete, $p2, $s2, $redo, 1);
        return (undef, "peer $p, ours $s; completed: $why") unless $ids;
        return ([accept_id('error_timing'), @$ids]);
    }
    return ([]);
}

# The same for parse_http_response in every header format. $peer/$ours are
# { ret => [list], special => {...}, err => [...] } per format 0, 1, 2:
# { 0 => ..., 1 => ..., 2 => ... }.
sub explain_response {
    my ($in, $peer, $ours, $redo, $depth) = @_;
    my ($p, $s) = ($peer->{2}{ret}[0], $ours->{2}{ret}[0]);
    if ($p >= 0 && $s >= 0) {
        my @ids;
        for my $fmt (0, 1, 2) {
            my ($pl, $sl) = ($peer->{$fmt}{ret}, $ours->{$fmt}{ret});
            for my $i (0 .. 3) {
                next if ($pl->[$i] // '') eq ($sl->[$i] // '');
                # The minor version of HTTP/1.2 to HTTP/1.9, processed as 1.1.
                if ($i == 1 && ($pl->[1] // '') =~ /\A[2-9]\z/ && ($sl->[1] // '') eq '1'
                    && $in =~ /\A(?:\r?\n)*HTTP\/1\.\Q$pl->[1]\E /) {
                    push @ids, accept_id('version');
                    next;
                }
                return (undef, "format $fmt element $i: peer " . _q($pl->[$i]) . ", ours " . _q($sl->[$i]));
            }
            my @pairs;
            if ($fmt == 2) {
                my ($pa, $sa) = ($pl->[4], $sl->[4]);
                return (undef, "format 2: header counts differ") unless @$pa == @$sa;
                push @pairs, map { ["name $_", $pa->[$_], $sa->[$_]] } grep { $_ % 2 == 0 } 0 .. $#$pa;
                push @pairs, map { ["value $_", $pa->[$_], $sa->[$_]] } grep { $_ % 2 } 0 .. $#$pa;
            } elsif ($fmt == 1) {
                my ($ph, $sh) = ($pl->[4], $sl->[4]);
                return (undef, "format 1: names differ")
                    unless join("\0", sort keys %$ph) eq join("\0", sort keys %$sh);
                for my $k (sort keys %$ph) {
                    my @pv = ref $ph->{$k} ? @{ $ph->{$k} } : ($ph->{$k});
                    my @sv = ref $sh->{$k} ? @{ $sh->{$k} } : ($sh->{$k});
                    return (undef, "format 1: $k has a different count") unless @pv == @sv && ref $ph->{$k} eq ref $sh->{$k};
                    push @pairs, map { ["$k $_", $pv[$_], $sv[$_]] } 0 .. $#pv;
                }
            } else {
                return (undef, 'format 0: headers not undef') if defined $pl->[4] || defined $sl->[4];
            }
            my ($ps, $ss) = ($peer->{$fmt}{special}, $ours->{$fmt}{special});
            push @pairs, map { ["special $_", $ps->{$_}, $ss->{$_}] } sort keys %{{%$ps, %$ss}};
            for my $pair (@pairs) {
                my ($what, $pv, $sv) = @$pair;
                next if ($pv // "\0undef") eq ($sv // "\0undef");
                return (undef, "format $fmt $what: peer " . _q($pv) . ", ours " . _q($sv))
                    unless $what !~ /^name/ && defined $pv && defined $sv && norm_ws($pv) eq norm_ws($sv);
                push @ids, accept_id('value_whitespace');
            }
        }
        return (\@ids);
    }
    if ($p >= 0 && $s == -1) {
        my $id = _explain_rejection($in, $ours->{2}{err}, 'response');
        return $id ? ([$id]) : (undef, "peer accepts ($p), ours -1: " . join(', ', map { $_ // '' } @{ $ours->{2}{err} }));
    }
    return (undef, "peer $p, ours accepts ($s)") if $s >= 0;
    # Both failed: our %special_headers must be untouched.
    my @ids;
    for my $fmt (0, 1, 2) {
        my ($ps, $ss) = ($peer->{$fmt}{special}, $ours->{$fmt}{special});
        return (undef, "special headers written on failure") if grep { $ss->{$_} ne 'unset' } keys %$ss;
        push @ids, accept_id('special_headers_on_failure') if grep { $ps->{$_} ne 'unset' } keys %$ps;
    }
    if ($p != $s) {
        return (undef, "peer $p, ours $s") if $depth;
        my $complete = "$in\r\n\r\n";
        my ($p2, $s2) = $redo->($complete);
        return (undef, "peer $p, ours $s, and the completed head is still incomplete")
            if $p2->{2}{ret}[0] == -2 || $s2->{2}{ret}[0] == -2;
        my ($ids, $why) = explain_response($complete, $p2, $s2, $redo, 1);
        return (undef, "peer $p, ours $s; completed: $why") unless $ids;
        push @ids, accept_id('error_timing'), @$ids;
    }
    return (\@ids);
}

# Multipart: a run is { events => [[h => \@lines] | [b => $chunk, $final]...],
# err => $message or undef }. parts() folds the events into
# [{ headers => [...], data => ..., final => n }], checking HTTP::MultiPartParser's
# callback contract (headers, then pieces of data of which exactly the last
# is final).
sub multipart_parts {
    my ($run) = @_;
    my (@parts, $open);
    for my $ev (@{ $run->{events} }) {
        if ($ev->[0] eq 'h') {
            return (undef, 'on_header before the previous part ended') if $open;
            push @parts, { headers => $ev->[1], data => '' };
            $open = 1;
        } else {
            return (undef, 'on_body outside a part') unless $open;
            $parts[-1]{data} .= $ev->[1];
            $open = 0 if $ev->[2];
        }
    }
    return (undef, 'the last part has no final on_body') if $open && !defined $run->{err};
    return (\@parts);
}

sub _norm_line {
    my ($line) = @_;
    my ($name, $value) = $line =~ /\A([^:]*):[ \t]*(.*?)[ \t]*\z/s or return $line;
    return "$name: $value";
}

# Whether HTTP::MultiPartParser sees delimiters where RFC 2046 (and
# Springbok) does not, or the other way round: its first "--boundary" is
# searched anywhere (not only at a line start), and a "--boundary" at a line
# start followed by transport padding or other bytes is a delimiter to it
# (then an error) but data or preamble to Springbok.
sub _peer_delimiters_differ {
    my ($body, $b) = @_;
    my $first = index($body, "--$b");
    return 0 if $first < 0;
    return 1 if $first > 0 && ($first < 2 || substr($body, $first - 2, 2) ne "\r\n");
    while ($body =~ /(?:\A|\r\n)--\Q$b\E/g) {
        my $after = substr($body, $+[0], 2);
        return 1 if length $after == 2 && $after ne "\r\n" && $after ne '--';
    }
    return 0;
}

# The header blocks of the parts delimited at line starts.
sub _header_blocks {
    my ($body, $b) = @_;
    my @blocks;
    while ($body =~ /(?:\A|\r\n)--\Q$b\E[ \t]*\r\n(.*?)\r\n\r\n/gs) {
        push @blocks, $1;
        pos($body) = $+[1];
    }
    return @blocks;
}

my $DISPOSITION = qr/\A$TCHAR+(?:[ \t]*;[ \t]*$TCHAR+[ \t]*=[ \t]*(?:$TCHAR+|"(?:[^"\\\r\n]|\\.)*"))*[ \t]*;?[ \t]*\z/;

sub _invalid_part_headers {
    my ($body, $b) = @_;
    for my $block (_header_blocks($body, $b)) {
        for my $line (split /\r\n/, $block, -1) {
            return 1 unless $line =~ /\A$TCHAR+:[ \t]*[^\x00-\x08\x0a-\x1f\x7f]*\z/;
            return 1 if $line =~ /\AContent-Disposition:[ \t]*(.*?)[ \t]*\z/i && $1 !~ $DISPOSITION;
        }
    }
    return 0;
}

sub _compare_parts {
    my ($pp, $sp) = @_;
    my @ids;
    return (undef, scalar(@$pp) . ' parts in the peer, ' . scalar(@$sp) . ' in ours') unless @$pp == @$sp;
    for my $i (0 .. $#$pp) {
        my ($p, $s) = ($pp->[$i], $sp->[$i]);
        return (undef, "part $i: data differs: peer " . _q($p->{data}) . ', ours ' . _q($s->{data}))
            unless $p->{data} eq $s->{data};
        my ($ph, $sh) = (join("\n", @{ $p->{headers} }), join("\n", @{ $s->{headers} }));
        next if $ph eq $sh;
        return (undef, "part $i: headers differ: peer " . _q($ph) . ', ours ' . _q($sh))
            unless join("\n", map { _norm_line($_) } @{ $p->{headers} }) eq $sh;
        push @ids, accept_id('multipart_header_lines');
    }
    return (\@ids);
}

sub explain_multipart {
    my ($body, $b, $peer, $ours) = @_;
    my ($sp, $why) = multipart_parts($ours);
    return (undef, "ours breaks the callback contract: $why") unless $sp;
    my ($pp, $pwhy) = multipart_parts($peer);
    return (undef, "the peer breaks the callback contract: $pwhy") unless $pp;
    my ($pe, $se) = ($peer->{err}, $ours->{err});
    if (!defined $pe && !defined $se) {
        my ($ids, $diff) = _compare_parts($pp, $sp);
        return ($ids) if $ids;
        return ([accept_id('multipart_delimiter_line')]) if _peer_delimiters_differ($body, $b);
        return (undef, $diff);
    }
    if (defined $pe && !defined $se) {
        if ($pe =~ /\A(?:Nonempty epilogue|End of stream encountered while parsing closing boundary|Closing boundary does not terminate with CRLF)/
            && $body =~ /(?:\A|\r\n)--\Q$b\E--/) {
            my ($ids, $diff) = _compare_parts($pp, $sp);
            $ids = [accept_id('multipart_delimiter_line')] if !$ids && _peer_delimiters_differ($body, $b);
            return (undef, "after the close delimiter: $diff") unless $ids;
            return ([accept_id('multipart_epilogue'), @$ids]);
        }
        return ([accept_id('multipart_no_headers')])
            if $pe =~ /\AEnd of stream encountered while parsing part (?:header|body)/ && $body =~ /(?:\A|\r\n)--\Q$b\E\r\n\r\n/;
        return ([accept_id('multipart_delimiter_line')]) if _peer_delimiters_differ($body, $b);
        return (undef, "the peer fails ($pe), ours does not");
    }
    if (!defined $pe && defined $se) {
        return ([accept_id('multipart_part_headers')])
            if $se =~ /\A(?:invalid part header block|malformed Content-Disposition)/ && _invalid_part_headers($body, $b);
        return ([accept_id('multipart_delimiter_line')]) if _peer_delimiters_differ($body, $b);
        return (undef, "ours fails ($se), the peer does not");
    }
    return ([accept_id('multipart_error_messages')]);    # both fail, each with its own words
}

1;
