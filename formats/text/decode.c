/*
 * decode.c - the first stage: any bytes into UTF-8 with '\n' line ends.
 *
 * The order of the checks: a byte-order mark decides (UTF-8, UTF-16,
 * UTF-32); else the `encoding` parameter decides; else bytes that are valid
 * UTF-8 are UTF-8; else uchardet guesses among the single-byte encodings and
 * iconv converts. Input with NUL bytes or many control characters is no text
 * and is refused. CRLF, CR, NEL (U+0085) and the Unicode line and paragraph
 * separators all become '\n'.
 */
#include <errno.h>
#include <iconv.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <uchardet/uchardet.h>

#include "text.h"

typedef struct bom {
	const char *bytes;
	size_t len;
	const char *encoding;
} bom;

/* UTF-32 first: its little-endian mark starts like UTF-16's. */
static const bom boms[] = {
    {"\xFF\xFE\x00\x00", 4, "UTF-32LE"}, {"\x00\x00\xFE\xFF", 4, "UTF-32BE"}, {"\xEF\xBB\xBF", 3, "UTF-8"},
    {"\xFF\xFE", 2, "UTF-16LE"},         {"\xFE\xFF", 2, "UTF-16BE"},
};

static const bom *find_bom(const char *data, size_t len)
{
	for (size_t i = 0; i < sizeof(boms) / sizeof(boms[0]); i++)
		if (len >= boms[i].len && memcmp(data, boms[i].bytes, boms[i].len) == 0)
			return &boms[i];
	return NULL;
}

static void locate(const char *data, size_t off, unsigned *line, unsigned *col)
{
	*line = 1;
	*col = 1;
	for (size_t i = 0; i < off; i++) {
		if (data[i] == '\n') {
			(*line)++;
			*col = 1;
		} else if (((unsigned char)data[i] & 0xC0) != 0x80) {
			(*col)++;
		}
	}
}

/*
 * Text has no NUL and few C0 controls besides tab, line ends, form feed,
 * escape and the DOS end-of-file mark. `utf8` says where positions can be
 * given in lines and columns.
 */
static int refuse_binary(const char *data, size_t len, bool utf8, const galley_options *opts,
                         galley_error *err)
{
	size_t controls = 0, first_control = (size_t)-1;
	const char *nul = memchr(data, '\0', len);
	unsigned line = 0, col = 0;
	if (nul) {
		if (utf8)
			locate(data, (size_t)(nul - data), &line, &col);
		return galley_error_set(
		    err, GALLEY_EINPUT, opts, line, col,
		    "this is not a text file: it has a NUL byte (offset %zu); plain text is read in "
		    "UTF-8, UTF-16 with a byte-order mark, Windows-1252 or ISO-8859-1/15",
		    (size_t)(nul - data));
	}
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)data[i];
		if (c < 0x20 && c != '\t' && c != '\n' && c != '\r' && c != '\f' && c != '\v' && c != 0x1A &&
		    c != 0x1B) {
			if (first_control == (size_t)-1)
				first_control = i;
			controls++;
		}
	}
	if (controls > 8 && controls * 100 > len) {
		if (utf8)
			locate(data, first_control, &line, &col);
		return galley_error_set(
		    err, GALLEY_EINPUT, opts, line, col,
		    "this is not a text file: %zu of its %zu bytes are control characters", controls, len);
	}
	return 0;
}

static int convert(const char *from, const char *data, size_t len, const galley_options *opts,
                   galley_error *err, galley_buf *out)
{
	iconv_t cd = iconv_open("UTF-8", from);
	char *in = (char *)data;
	size_t left = len;
	int rc = 0;
	if (cd == (iconv_t)-1)
		return galley_error_set(err, GALLEY_EUSAGE, NULL, 0, 0, "unknown encoding '%s'", from);
	while (left > 0) {
		if (galley_buf_grow(out, left + 64) != 0) {
			rc = galley_error_set(err, GALLEY_ENOMEM, NULL, 0, 0, "out of memory");
			break;
		}
		char *dst = (char *)out->data + out->len;
		size_t room = out->cap - out->len - 1, before = room;
		size_t r = iconv(cd, &in, &left, &dst, &room);
		out->len += before - room;
		if (r == (size_t)-1 && errno != E2BIG) {
			rc = galley_error_set(
			    err, GALLEY_EINPUT, opts, 0, 0,
			    "the input is not valid %s (byte offset %zu); name its encoding with "
			    "--encoding",
			    from, (size_t)(in - data));
			break;
		}
	}
	iconv_close(cd);
	if (rc == 0 && galley_buf_grow(out, 0) != 0)
		rc = galley_error_set(err, GALLEY_ENOMEM, NULL, 0, 0, "out of memory");
	if (rc == 0)
		out->data[out->len] = '\0';
	return rc;
}

static bool is_ascii_letter(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }

static bool has_c1_bytes(const char *data, size_t len)
{
	for (size_t i = 0; i < len; i++)
		if ((unsigned char)data[i] >= 0x80 && (unsigned char)data[i] < 0xA0)
			return true;
	return false;
}

/* 0xA4 next to a digit is the euro sign of ISO-8859-15, not the currency sign of Latin-1. */
static bool has_euro_byte(const char *data, size_t len)
{
	for (size_t i = 0; i < len; i++) {
		if ((unsigned char)data[i] != 0xA4)
			continue;
		bool digit_before = i > 0 && (data[i - 1] >= '0' && data[i - 1] <= '9');
		bool digit_after = i + 1 < len && (data[i + 1] >= '0' && data[i + 1] <= '9');
		bool spaced_digit =
		    i + 2 < len && data[i + 1] == ' ' && data[i + 2] >= '0' && data[i + 2] <= '9';
		if (digit_before || digit_after || spaced_digit ||
		    (i > 1 && data[i - 1] == ' ' && data[i - 2] >= '0' && data[i - 2] <= '9'))
			return true;
	}
	return false;
}

/*
 * Bytes 0xA0-0xBF are symbols in the Western encodings (¡ « ° ± ¿) but
 * letters in the Central European ones (ą ł ś ż in ISO-8859-2): one between
 * two ASCII letters is a letter.
 */
static bool letters_in_upper_half(const char *data, size_t len)
{
	for (size_t i = 1; i + 1 < len; i++) {
		unsigned char c = (unsigned char)data[i];
		if (c >= 0xA1 && c <= 0xBF && c != 0xA4 && is_ascii_letter(data[i - 1]) &&
		    is_ascii_letter(data[i + 1]))
			return true;
	}
	return false;
}

/*
 * uchardet's guess, settled among the single-byte Western encodings when
 * it names any Latin one (on short Western texts it often says Windows-1250
 * or ISO-8859-2, which differ from Latin-1 only in letters absent here): bytes
 * 0x80-0x9F are C1 controls in ISO-8859 and never text, so they mean
 * Windows-1252 (curly quotes, dashes); 0xA4 beside digits means the euro of
 * ISO-8859-15.
 */
static const char *guess_encoding(const char *data, size_t len, char name[static 32], const char **why)
{
	uchardet_t ud = uchardet_new();
	const char *guess = "";
	if (ud) {
		uchardet_handle_data(ud, data, len);
		uchardet_data_end(ud);
		guess = uchardet_get_charset(ud);
		snprintf(name, 32, "%s", guess ? guess : "");
		uchardet_delete(ud);
		guess = name;
	}
	bool latin = !*guess || !strncasecmp(guess, "ISO-8859-", 9) ||
	             !strncasecmp(guess, "WINDOWS-125", 11) || !strcasecmp(guess, "ASCII") ||
	             !strcasecmp(guess, "UTF-8");
	bool cyrillic_or_greek = !strcasecmp(guess, "ISO-8859-5") || !strcasecmp(guess, "ISO-8859-7") ||
	                         !strcasecmp(guess, "WINDOWS-1251") || !strcasecmp(guess, "WINDOWS-1253");
	if (!latin || cyrillic_or_greek || letters_in_upper_half(data, len)) {
		*why = "uchardet guessed it";
		return guess;
	}
	if (has_c1_bytes(data, len)) {
		*why = "bytes 0x80-0x9F occur, which only Windows-1252 gives letters to";
		return "WINDOWS-1252";
	}
	if (has_euro_byte(data, len)) {
		*why = "byte 0xA4 stands beside digits: the euro sign of ISO-8859-15";
		return "ISO-8859-15";
	}
	*why = *guess ? "uchardet guessed a Western single-byte encoding" : "uchardet had no guess";
	return "ISO-8859-1";
}

/* CRLF, CR, NEL, LS and PS into '\n', in place; drops a final DOS end-of-file mark. */
static size_t normalise_line_ends(char *s, size_t len)
{
	size_t w = 0;
	for (size_t r = 0; r < len; r++) {
		unsigned char c = (unsigned char)s[r];
		if (c == '\r') {
			if (r + 1 < len && s[r + 1] == '\n')
				r++;
			s[w++] = '\n';
		} else if (c == 0xC2 && r + 1 < len && (unsigned char)s[r + 1] == 0x85) {
			r++;
			s[w++] = '\n';
		} else if (c == 0xE2 && r + 2 < len && (unsigned char)s[r + 1] == 0x80 &&
		           ((unsigned char)s[r + 2] == 0xA8 || (unsigned char)s[r + 2] == 0xA9)) {
			r += 2;
			s[w++] = '\n';
		} else {
			s[w++] = (char)c;
		}
	}
	if (w > 0 && s[w - 1] == 0x1A)
		w--;
	s[w] = '\0';
	return w;
}

static int copy_utf8(const char *data, size_t len, galley_buf *out, galley_error *err)
{
	if (galley_buf_put(out, data, len) != 0 || galley_buf_grow(out, 0) != 0)
		return galley_error_set(err, GALLEY_ENOMEM, NULL, 0, 0, "out of memory");
	out->data[out->len] = '\0';
	return 0;
}

int tx_decode(const char *data, size_t len, const galley_options *opts, galley_error *err, char **out,
              size_t *out_len)
{
	const char *asked = galley_options_param(opts, "encoding");
	const bom *mark = find_bom(data, len);
	const char *encoding = NULL, *why = NULL;
	char guessed[32];
	galley_buf buf = GALLEY_BUF_INIT;
	int rc;

	if (mark && (!asked || strncasecmp(asked, mark->encoding, 6) == 0)) {
		data += mark->len;
		len -= mark->len;
		encoding = mark->encoding;
		why = "it starts with that byte-order mark";
	} else if (asked) {
		encoding = asked;
		why = "--encoding names it";
	} else if ((rc = refuse_binary(data, len, galley_utf8_check(data, len) == (size_t)-1, opts, err)) !=
	           0) {
		return rc;
	} else if (galley_utf8_check(data, len) == (size_t)-1) {
		encoding = "UTF-8";
		why = "every byte sequence in it is valid UTF-8";
	} else {
		encoding = guess_encoding(data, len, guessed, &why);
	}
	if (strcasecmp(encoding, "UTF-8") == 0 || strcasecmp(encoding, "UTF8") == 0) {
		size_t bad = galley_utf8_check(data, len);
		if (bad != (size_t)-1) {
			unsigned line, col;
			locate(data, bad, &line, &col);
			return galley_error_set(
			    err, GALLEY_EINPUT, opts, line, col,
			    "the input is not valid UTF-8 (bad byte 0x%02X at offset %zu)",
			    (unsigned char)data[bad], bad);
		}
		rc = copy_utf8(data, len, &buf, err);
	} else {
		rc = convert(encoding, data, len, opts, err, &buf);
	}
	if (rc == 0)
		rc = refuse_binary((const char *)buf.data, buf.len, true, opts, err);
	if (rc != 0) {
		galley_buf_free(&buf);
		return rc;
	}
	galley_report(opts, GALLEY_NOTE, 0, 0, "encoding %s, because %s", encoding, why);
	buf.len = normalise_line_ends((char *)buf.data, buf.len);
	*out = (char *)galley_buf_detach(&buf, out_len);
	return 0;
}
