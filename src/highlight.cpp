// highlight.cpp - galley_highlight() on GNU Source-highlight (see highlight.h).
// C++ because the library is: a formatter object per token kind receives the
// tokens of each line with their column, and they become spans of the code.
// No exception leaves this file.
#include <cstdlib>
#include <cstring>
#include <mutex>
#include <string>
#include <vector>

#include <srchilite/formattermanager.h>
#include <srchilite/formatterparams.h>
#include <srchilite/instances.h>
#include <srchilite/langdefmanager.h>
#include <srchilite/langmap.h>
#include <srchilite/sourcehighlighter.h>

#include "highlight.h"

namespace {

/* Source-highlight keeps its language definitions in process-wide instances
 * and parses them with a non-reentrant flex scanner: documents converted on
 * several threads (a batch) take turns. */
std::mutex highlighter_lock;

struct span_sink {
	std::vector<galley_token_span> spans;
	size_t line_start = 0;
};

class span_formatter : public srchilite::Formatter {
      public:
	span_formatter(span_sink *sink, galley_token_kind kind) : sink_(sink), kind_(kind) {}
	void format(const std::string &s, const srchilite::FormatterParams *params) override
	{
		if (kind_ == GALLEY_TOKEN_PLAIN || s.empty() || !params || params->start < 0)
			return;
		size_t offset = sink_->line_start + (size_t)params->start;
		std::vector<galley_token_span> &v = sink_->spans;
		if (!v.empty() && v.back().kind == kind_ && v.back().offset + v.back().len == offset)
			v.back().len += s.size(); /* one run for a token split in pieces */
		else
			v.push_back(galley_token_span{offset, s.size(), kind_});
	}

      private:
	span_sink *sink_;
	galley_token_kind kind_;
};

/* Source-highlight's element names, as its .lang files use them, by kind. */
const struct {
	const char *element;
	galley_token_kind kind;
} element_kinds[] = {
    {"keyword", GALLEY_TOKEN_KEYWORD},   {"type", GALLEY_TOKEN_TYPE},       {"classname", GALLEY_TOKEN_TYPE},
    {"string", GALLEY_TOKEN_STRING},     {"regexp", GALLEY_TOKEN_STRING},   {"comment", GALLEY_TOKEN_COMMENT},
    {"todo", GALLEY_TOKEN_COMMENT},      {"number", GALLEY_TOKEN_NUMBER},   {"preproc", GALLEY_TOKEN_PREPROC},
    {"function", GALLEY_TOKEN_FUNCTION}, {"specialchar", GALLEY_TOKEN_STRING},
};

std::string lang_file(const char *lang)
{
	std::string name(lang);
	for (char &ch : name)
		if (ch >= 'A' && ch <= 'Z')
			ch = (char)(ch - 'A' + 'a');
	return srchilite::Instances::getLangMap()->getMappedFileName(name);
}

void highlight_lines(srchilite::SourceHighlighter &hl, span_sink &sink, const char *code, size_t len)
{
	size_t pos = 0;
	while (pos < len) {
		const char *nl = (const char *)std::memchr(code + pos, '\n', len - pos);
		size_t end = nl ? (size_t)(nl - code) : len;
		sink.line_start = pos;
		hl.highlightParagraph(std::string(code + pos, end - pos));
		pos = end + 1;
	}
}

} // namespace

extern "C" int galley_highlight(const char *lang, const char *code, size_t len, galley_token_span **spans,
                                size_t *count)
{
	*spans = NULL;
	*count = 0;
	try {
		std::lock_guard<std::mutex> hold(highlighter_lock);
		std::string file = lang && *lang ? lang_file(lang) : std::string();
		if (file.empty())
			return -1;
		srchilite::LangDefManager *defs = srchilite::Instances::getLangDefManager();
		srchilite::SourceHighlighter hl(defs->getHighlightState(file));
		span_sink sink;
		srchilite::FormatterManager formatters(
		    srchilite::FormatterPtr(new span_formatter(&sink, GALLEY_TOKEN_PLAIN)));
		for (const auto &ek : element_kinds)
			formatters.addFormatter(ek.element, srchilite::FormatterPtr(new span_formatter(&sink, ek.kind)));
		srchilite::FormatterParams params;
		hl.setFormatterManager(&formatters);
		hl.setFormatterParams(&params);
		hl.setOptimize(false); /* a token a call, with its own column */
		highlight_lines(hl, sink, code, len);
		if (sink.spans.empty())
			return 0;
		galley_token_span *out = (galley_token_span *)std::malloc(sink.spans.size() * sizeof(*out));
		if (!out)
			return -1;
		std::memcpy(out, sink.spans.data(), sink.spans.size() * sizeof(*out));
		*spans = out;
		*count = sink.spans.size();
		return 0;
	} catch (...) {
		return -1;
	}
}

extern "C" const char *galley_token_kind_name(galley_token_kind kind)
{
	static const char *const names[] = {"plain", "kw", "type", "str", "com", "num", "pre", "fn"};
	return kind < GALLEY_TOKEN_KIND_COUNT ? names[kind] : "plain";
}
