/* Redis's INCRBYFLOAT/HINCRBYFLOAT arithmetic: parse both operands as C
 * `long double` (80-bit extended on x86_64) with strtold, add, and print with
 * "%.17Lf" minus trailing zeros. Rust has no extended-precision float nor
 * glibc's conversions, and byte-identical replies need both, so this one
 * function is C. It does no I/O and keeps no state.
 *
 * Returns 0 and writes the text into `out` (NUL-terminated, `*out_len` bytes);
 * 1 if the current value is not a valid float, 4 if the increment is not;
 * 2 if the sum is NaN or infinite; 3 if `out` is too small. */
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_LONG_DOUBLE_CHARS (5 * 1024)

static int parse_ld(const char *s, size_t len, long double *out) {
    char buf[MAX_LONG_DOUBLE_CHARS];
    char *end;
    long double value;
    if (len == 0 || len >= sizeof(buf)) return 0;
    memcpy(buf, s, len);
    buf[len] = '\0';
    errno = 0;
    value = strtold(buf, &end);
    /* end != buf + len: an embedded NUL ends strtold early ("1\0" "2"). */
    if (isspace((unsigned char)buf[0]) || end != buf + len ||
        (errno == ERANGE && (value == HUGE_VALL || value == -HUGE_VALL || fpclassify(value) == FP_ZERO)) ||
        isnan(value))
        return 0;
    *out = value;
    return 1;
}

int kv_incr_long_double(const char *cur, size_t cur_len, const char *incr, size_t incr_len, char *out,
                        size_t out_cap, size_t *out_len) {
    long double a = 0, b;
    int l;
    if (cur != NULL && !parse_ld(cur, cur_len, &a)) return 1;
    if (!parse_ld(incr, incr_len, &b)) return 4;
    a += b;
    if (isnan(a) || isinf(a)) return 2;
    l = snprintf(out, out_cap, "%.17Lf", a);
    if (l < 0 || (size_t)l + 1 > out_cap) return 3;
    if (strchr(out, '.') != NULL) {
        char *p = out + l - 1;
        while (*p == '0') {
            p--;
            l--;
        }
        if (*p == '.') l--;
    }
    if (l == 2 && out[0] == '-' && out[1] == '0') {
        out[0] = '0';
        l = 1;
    }
    out[l] = '\0';
    *out_len = (size_t)l;
    return 0;
}
