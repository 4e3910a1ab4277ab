/*
 * parse_request: reads an HTTP request head from standard input (or uses a
 * built-in sample when stdin is empty), parses it strictly with Springbok's
 * C ABI as the data arrives, and prints what it saw, or why and with which
 * status a server should refuse it.
 *
 *   cc -o parse_request parse_request.c $(pkg-config --cflags --libs springbok)
 *   printf 'GET / HTTP/1.1\r\nHost: a\r\n\r\n' | ./parse_request
 */
#include <stdio.h>
#include <string.h>

#include <springbok.h>

static const char sample[] = "GET /search?q=springbok HTTP/1.1\r\n"
                             "Host: example.com\r\n"
                             "Accept: text/html\r\n"
                             "\r\n";

int main(void)
{
    static char buf[16384];
    size_t len = 0, last_len = 0, i;
    sb_header headers[64];
    sb_request req;
    sb_error err;
    sb_result r = SB_RESULT_PARTIAL;
    sb_parser_config *config = sb_parser_config_new();

    if (config == NULL)
        return 2;
    printf("springbok %s\n", sb_version());
    /* Parse after every read; last_len keeps a slowly arriving head from being rescanned. */
    while (r == SB_RESULT_PARTIAL && len < sizeof(buf)) {
        size_t n = fread(buf + len, 1, sizeof(buf) - len < 512 ? sizeof(buf) - len : 512, stdin);
        if (n == 0)
            break;
        len += n;
        r = sb_parser_config_parse_request(config, buf, len, last_len, headers, 64, &req, &err);
        last_len = len;
    }
    if (len == 0) {
        memcpy(buf, sample, sizeof(sample) - 1);
        len = sizeof(sample) - 1;
        r = sb_parser_config_parse_request(config, buf, len, 0, headers, 64, &req, &err);
    }

    switch (r) {
    case SB_RESULT_OK:
        printf("method:  %.*s\n", (int)req.method_len, req.method);
        printf("target:  %.*s\n", (int)req.target_len, req.target);
        printf("version: HTTP/1.%d\n", req.minor_version);
        for (i = 0; i < req.num_headers; i++)
            printf("header:  %.*s: %.*s\n", (int)headers[i].name_len, headers[i].name, (int)headers[i].value_len,
                   headers[i].value);
        printf("head:    %zu bytes, body starts after it (%zu bytes read)\n", req.head_len, len);
        break;
    case SB_RESULT_PARTIAL:
        printf("incomplete head after %zu bytes\n", len);
        break;
    default:
        if (r >= 100)
            printf("refused: %s at byte %zu: answer %u\n", sb_result_message(r), err.offset, (unsigned)err.status);
        else
            printf("error: %s\n", sb_result_message(r));
        break;
    }
    sb_parser_config_free(config);
    return r == SB_RESULT_OK ? 0 : 1;
}
