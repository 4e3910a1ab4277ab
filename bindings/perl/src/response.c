/*
 * response.c: PSGI response heads for Springbok::Response. A PSGI header
 * list [name, value, ...] becomes sb_header spans of the Perl strings;
 * libspringbok validates and serializes them (names must be tokens; CR, LF
 * and NUL in a value are header injection and refused), either into one
 * string or as iovecs that go to writev together with the body, without
 * copying.
 */
#include "springbok_perl.h"

#include <errno.h>
#include <limits.h>
#include <poll.h>
#include <string.h>
#include <sys/uio.h>
#include <time.h>

#define STACK_HEADERS 32
#define STACK_IOVECS 192

/* The bytes of a header name or value as they go on the wire: Perl's
 * character strings must fit in bytes, as for syswrite. NULL for undef;
 * *wide is set for a string with a character above 0xFF. */
static const char *bytes_of(pTHX_ SV *sv, STRLEN *len, bool *wide) {
    *wide = FALSE;
    SvGETMAGIC(sv);
    if (!SvOK(sv))
        return NULL;
    if (SvUTF8(sv)) {
        sv = sv_mortalcopy_flags(sv, SV_DO_COW_SVSETSV); /* magic already called */
        if (!sv_utf8_downgrade_nomg(sv, TRUE)) {
            *wide = TRUE;
            return NULL;
        }
    }
    return SvPV_nomg_const(sv, *len);
}

/* A header name for an error message, with control and non-ASCII bytes
 * escaped so that the message itself cannot inject anything. */
static SV *printable(pTHX_ const char *p, size_t n) {
    SV *out = newSVpvs_flags("\"", SVs_TEMP);
    size_t i;
    for (i = 0; i < n && i < 200; i++) {
        unsigned char c = (unsigned char)p[i];
        if (c == '\r')
            sv_catpvs(out, "\\r");
        else if (c == '\n')
            sv_catpvs(out, "\\n");
        else if (c == '"' || c == '\\')
            sv_catpvf(out, "\\%c", c);
        else if (c < 0x20 || c >= 0x7f)
            sv_catpvf(out, "\\x%02X", c);
        else
            sv_catpvf(out, "%c", c);
    }
    if (i < n)
        sv_catpvs(out, "...");
    sv_catpvs(out, "\"");
    return out;
}

/* Spans of a PSGI header list; croaks on an odd list or an undef, wide or
 * missing element. */
static sb_header *header_spans(pTHX_ AV *list, sb_header *stack, size_t *count, const char *func) {
    SSize_t n = av_top_index(list) + 1, i;
    sb_header *h = stack;
    if (n % 2)
        croak("%s: the header list has an odd number of elements (%ld): it must be [name, value, ...]", func,
              (long)n);
    if ((size_t)n / 2 > STACK_HEADERS) {
        Newx(h, n / 2, sb_header);
        SAVEFREEPV(h);
    }
    for (i = 0; i < n; i += 2) {
        SV **k = av_fetch(list, i, 0), **v = av_fetch(list, i + 1, 0);
        sb_header *e = &h[i / 2];
        STRLEN len = 0;
        bool wide;
        e->name = bytes_of(aTHX_ k ? *k : &PL_sv_undef, &len, &wide);
        if (!e->name)
            croak("%s: the name of header number %ld is %s", func, (long)(i / 2),
                  wide ? "a string with a wide character (encode it to bytes first)" : "undef");
        e->name_len = len;
        e->value = bytes_of(aTHX_ v ? *v : &PL_sv_undef, &len, &wide);
        if (!e->value)
            croak("%s: the value of header %" SVf " (number %ld) is %s", func,
                  SVfARG(printable(aTHX_ e->name, e->name_len)), (long)(i / 2),
                  wide ? "a string with a wide character (encode it to bytes first)" : "undef");
        e->value_len = len;
    }
    *count = (size_t)n / 2;
    return h;
}

/* A response head's arguments as libspringbok takes them. */
typedef struct {
    int status;
    const char *reason; /* NULL: the standard phrase */
    STRLEN reason_len;
    sb_header *headers;
    size_t num_headers;
    uint32_t flags;
} head_args;

/* Checks and converts head()'s and write_response()'s arguments; croaks on
 * anything invalid. Call inside ENTER/LEAVE: spans may be allocated. */
static void head_args_of(pTHX_ head_args *a, IV minor, IV status, SV *reason, AV *headers, sb_header *stack,
                         const char *func) {
    if (minor != 0 && minor != 1)
        croak("%s: the protocol minor version must be 0 or 1, not %" IVdf, func, minor);
    a->flags = minor == 0 ? SB_RESPONSE_HTTP_1_0 : 0;
    a->headers = header_spans(aTHX_ headers, stack, &a->num_headers, func);
    a->reason = NULL;
    a->reason_len = 0;
    if (reason) {
        bool wide;
        a->reason = bytes_of(aTHX_ reason, &a->reason_len, &wide);
        if (wide)
            croak("%s: the reason phrase has a wide character", func);
    }
    if (status < 100 || status > 999)
        croak("%s: the status must be 100 to 999, not %" IVdf, func, status);
    a->status = (int)status;
}

static void refuse(pTHX_ const char *func, sb_result rc, const sb_error *error, const sb_header *h, size_t n) {
    if (error->header != SIZE_MAX && error->header < n) {
        const sb_header *bad = &h[error->header];
        croak("%s: header %" SVf " (number %lu) refused: %s (byte %lu of its %s)", func,
              SVfARG(printable(aTHX_ bad->name, bad->name_len)), (unsigned long)error->header,
              sb_result_message(rc), (unsigned long)error->offset,
              rc == SB_RESULT_RESPONSE_HEADER_NAME ? "name" : "value");
    }
    if (rc == SB_RESULT_RESPONSE_REASON)
        croak("%s: the reason phrase is refused: %s (byte %lu)", func, sb_result_message(rc),
              (unsigned long)error->offset);
    sbp_croak_result(aTHX_ func, rc);
}

SV *sbp_response_head(pTHX_ IV minor, IV status, SV *reason, AV *headers) {
    static const char func[] = "Springbok::Response::head";
    sb_header stack[STACK_HEADERS];
    head_args a;
    size_t len = 0;
    sb_error error;
    sb_result rc;
    SV *out;

    ENTER;
    head_args_of(aTHX_ &a, minor, status, reason, headers, stack, func);
    out = sv_2mortal(newSV(256));
    rc = sb_response_head_write(a.status, a.reason, a.reason_len, a.headers, a.num_headers, a.flags, SvPVX(out),
                                SvLEN(out) - 1, &len, &error);
    if (rc == SB_RESULT_BUFFER_TOO_SMALL) {
        SvGROW(out, len + 1);
        rc = sb_response_head_write(a.status, a.reason, a.reason_len, a.headers, a.num_headers, a.flags, SvPVX(out),
                                    SvLEN(out) - 1, &len, &error);
    }
    if (rc != SB_RESULT_OK)
        refuse(aTHX_ func, rc, &error, a.headers, a.num_headers);
    SvCUR_set(out, len);
    *SvEND(out) = '\0';
    SvPOK_only(out);
    SvREFCNT_inc_simple_void_NN(out);
    LEAVE;
    return out;
}

static int fd_of(pTHX_ SV *fh_or_fd, const char *func) {
    if (!SvROK(fh_or_fd) && SvTYPE(fh_or_fd) != SVt_PVGV && looks_like_number(fh_or_fd)) {
        IV fd = SvIV(fh_or_fd);
        if (fd < 0 || fd > INT_MAX)
            croak("%s: %" IVdf " is not a file descriptor", func, fd);
        return (int)fd;
    } else {
        IO *io = sv_2io(fh_or_fd); /* croaks for what is not a handle */
        PerlIO *fp = IoOFP(io) ? IoOFP(io) : IoIFP(io);
        int fd = fp ? PerlIO_fileno(fp) : -1;
        if (fd < 0)
            croak("%s: the handle is not open or has no file descriptor", func);
        PerlIO_flush(fp); /* bytes printed earlier go first */
        return fd;
    }
}

static double now(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* writev of every byte: retries on EINTR and short writes, waits for a
 * non-blocking fd with poll until the deadline (timeout < 0: none). */
static IV write_all(pTHX_ int fd, struct iovec *iov, size_t count, NV timeout) {
    IV total = 0;
    double deadline = timeout >= 0 ? now() + timeout : 0;
    while (count) {
        int batch = count > IOV_MAX ? IOV_MAX : (int)count;
        ssize_t w = writev(fd, iov, batch);
        if (w < 0) {
            if (errno == EINTR) {
                PERL_ASYNC_CHECK();
                continue;
            }
            if (errno == EAGAIN || errno == EWOULDBLOCK) {
                struct pollfd pfd;
                int ms = -1, r;
                if (timeout >= 0) {
                    double left = deadline - now();
                    if (left <= 0) {
                        errno = ETIMEDOUT;
                        return -1;
                    }
                    ms = (int)(left * 1000) + 1;
                }
                pfd.fd = fd;
                pfd.events = POLLOUT;
                r = poll(&pfd, 1, ms);
                if (r == 0) {
                    errno = ETIMEDOUT;
                    return -1;
                }
                if (r < 0 && errno != EINTR)
                    return -1;
                continue;
            }
            return -1;
        }
        total += w;
        while (count && (size_t)w >= iov->iov_len) {
            w -= (ssize_t)iov->iov_len;
            iov++;
            count--;
        }
        if (count && w) {
            iov->iov_base = (char *)iov->iov_base + w;
            iov->iov_len -= (size_t)w;
        }
    }
    return total;
}

IV sbp_write_response(pTHX_ SV *fh_or_fd, IV minor, IV status, SV *reason, AV *headers, AV *body, NV timeout) {
    static const char func[] = "Springbok::Response::write_response";
    sb_header stack[STACK_HEADERS];
    struct iovec iov_stack[STACK_IOVECS], *iov = iov_stack;
    size_t count = 0, capacity = STACK_IOVECS;
    SSize_t parts = av_top_index(body) + 1, i;
    int fd = fd_of(aTHX_ fh_or_fd, func);
    head_args a;
    sb_error error;
    sb_result rc;
    IV ret;

    ENTER;
    head_args_of(aTHX_ &a, minor, status, reason, headers, stack, func);
    /* struct sb_iovec is laid out as struct iovec (the C ABI asserts it). */
    rc = sb_response_head_iovecs(a.status, a.reason, a.reason_len, a.headers, a.num_headers, a.flags,
                                 (sb_iovec *)iov, capacity, &count, &error);
    if (rc == SB_RESULT_BUFFER_TOO_SMALL || (rc == SB_RESULT_OK && count + (size_t)parts > capacity)) {
        capacity = count + (size_t)parts;
        Newx(iov, capacity, struct iovec);
        SAVEFREEPV(iov);
        rc = sb_response_head_iovecs(a.status, a.reason, a.reason_len, a.headers, a.num_headers, a.flags,
                                     (sb_iovec *)iov, capacity, &count, &error);
    }
    if (rc != SB_RESULT_OK)
        refuse(aTHX_ func, rc, &error, a.headers, a.num_headers);
    for (i = 0; i < parts; i++) {
        SV **e = av_fetch(body, i, 0);
        STRLEN len = 0;
        const char *p;
        bool wide;
        if (e && SvROK(*e))
            croak("%s: body element %ld is a reference, not a string", func, (long)i);
        p = bytes_of(aTHX_ e ? *e : &PL_sv_undef, &len, &wide);
        if (!p)
            croak("%s: body element %ld is %s", func, (long)i,
                  wide ? "a string with a wide character (encode it to bytes first)" : "undef");
        if (len) {
            iov[count].iov_base = (void *)p;
            iov[count].iov_len = len;
            count++;
        }
    }
    ret = write_all(aTHX_ fd, iov, count, timeout);
    LEAVE;
    return ret;
}
