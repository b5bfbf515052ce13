"""HTML normalization for comparing galley's output with the spec examples.

Both sides are parsed with Python's html.parser and written back in one
canonical form, so that only differences in structure and text remain:

  * white space: runs collapse to one space, and white space next to a block
    element's tag is dropped (kept verbatim inside <pre>);
  * character references are resolved, then text and attribute values are
    re-escaped the same way; attributes are sorted; tag names lower-cased;
    void elements compare equal written as <br>, <br/> or <br />;
  * galley-only decorations are removed from its output: heading `id`
    attributes (galley gives every heading one), class="task-list-item" on
    a task list's <li>, and table cell
    `style="text-align: x"` compares equal to cmark's `align="x"`;
  * the expected side gets the sanitizing policy of
    formats/html/html_sanitize.c, since galley never writes active content:
    script, iframe, frame, frameset, object, embed, applet, base, meta and
    link elements are dropped with their content; on* attributes are dropped;
    href/src/... attributes holding a javascript:, vbscript:, livescript: or
    non-image data: URL are dropped; comments that XML cannot express
    (containing "--" or ending in "-") are dropped, since galley's output is
    well-formed XML;
  * the tree is balanced the way a browser's tree builder would: an end
    tag closes the elements opened after its start tag, a stray end tag is
    dropped, elements still open at the end are closed (galley parses raw
    HTML and writes a well-formed tree; the spec's expected HTML is the raw
    text as written, often left open);
  * also on the expected side, as html_sanitize.c does: attributes whose
    names are not XML names, or hold a ':' (other than xml:lang), go;
    declarations (<!DOCTYPE ...>, <!ELEMENT ...>) and CDATA sections go,
    an XHTML body cannot hold them; a processing instruction's white space
    is collapsed and a
    trailing '?' dropped (XML PIs end with "?>", HTML ones with ">");
  * footnotes (footnotes=True): galley writes
        <sup class="footnote-ref"><a href="#fn-1" id="fnref-1" role=...>1</a></sup>
        <section class="footnotes" role=...><ol><li id="fn-1" role=...>...
        <p class="footnote-back"><a href="#fnref-1" ...>...</a></p></li>
    where cmark-gfm writes href="#fn1", id="fnref1", <li id="fn1"> and puts
    <a href="#fnref1" class="footnote-backref">↩</a> at the end of the last
    block. The mapping: "fn-N"/"fnref-N" become "fnN"/"fnrefN", role and
    aria-label attributes go, and both back links (galley's
    <p class="footnote-back"> and cmark's <a class="footnote-backref">) are
    removed with their content.
"""

import html
import re
from html.parser import HTMLParser

BLOCK_TAGS = {
    "address", "article", "aside", "blockquote", "body", "caption", "center", "col", "colgroup", "dd",
    "details", "dialog", "dir", "div", "dl", "dt", "fieldset", "figcaption", "figure", "footer", "form",
    "frame", "frameset", "h1", "h2", "h3", "h4", "h5", "h6", "head", "header", "hr", "html", "legend", "li",
    "link", "main", "menu", "menuitem", "nav", "noframes", "ol", "optgroup", "option", "p", "param",
    "pre", "search", "section", "summary", "table", "tbody", "td", "tfoot", "th", "thead", "title", "tr",
    "track", "ul", "iframe", "script", "style", "textarea", "canvas", "video", "object", "embed", "meta",
}
VOID_TAGS = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param", "source",
             "track", "wbr"}
ACTIVE_TAGS = {"script", "iframe", "frame", "frameset", "object", "embed", "applet", "base", "meta", "link"}
URL_ATTRS = {"href", "src", "action", "formaction", "background", "poster", "data", "cite", "longdesc",
             "usemap", "xlink:href", "srcset"}


XML_NAME = re.compile(r"[A-Za-z_:\u00C0-\uFFFF][-A-Za-z0-9._:\u00B7\u00C0-\uFFFF]*")
DECLARATION = re.compile(r"<!\[CDATA\[.*?\]\]>|<![A-Za-z][^>]*>", re.S)


def url_is_active(url):
    """The same test as galley_url_is_active() in src/text.c."""
    if ":" not in url:
        return False
    scheme = "".join(ch for ch in url.split(":", 1)[0] if ord(ch) > 32).lower()
    if scheme in ("javascript", "vbscript", "livescript"):
        return True
    if scheme == "data":
        rest = url.split(":", 1)[1].lower()
        return not rest.startswith("image/") or rest.startswith("image/svg")
    return False


class _Canon(HTMLParser):
    def __init__(self, sanitize, galley_side, footnotes):
        super().__init__(convert_charrefs=True)
        self.sanitize = sanitize
        self.galley_side = galley_side
        self.footnotes = footnotes
        self.tokens = []   # (kind, value)
        self.skip = []     # stack of tags whose content is dropped
        self.pre = 0

    # -- helpers
    def _drop_element(self, tag, attrs):
        if self.sanitize and tag in ACTIVE_TAGS:
            return True
        if self.footnotes:
            cls = dict(attrs).get("class") or ""
            if self.galley_side and tag == "p" and cls == "footnote-back":
                return True
            if not self.galley_side and tag == "a" and cls == "footnote-backref":
                return True
        return False

    def _attrs(self, tag, attrs):
        out = {}
        for name, value in attrs:
            value = "" if value is None else value
            if self.sanitize:
                if not XML_NAME.fullmatch(name) or (":" in name and name != "xml:lang"):
                    continue
                if name.startswith("on"):
                    continue
                if name in URL_ATTRS and url_is_active(value):
                    continue
                low = value.lower()
                if name == "style" and ("javascript:" in low or "expression(" in low):
                    continue
            if self.galley_side and name == "id" and re.fullmatch(r"h[1-6]", tag):
                continue
            if self.galley_side and tag == "li" and name == "class" and value == "task-list-item":
                continue
            if name == "align" and tag in ("td", "th"):
                name, value = "style", "text-align: " + value
            if self.footnotes:
                if name in ("role", "aria-label"):
                    continue
                if name in ("href", "id"):
                    value = re.sub(r"^(#?)(fn|fnref)-(\d+)$", r"\1\2\3", value)
            out[name] = value
        return sorted(out.items())

    # -- parser callbacks
    def handle_starttag(self, tag, attrs):
        if self.skip:
            if tag not in VOID_TAGS:
                self.skip.append(tag)
            return
        if self._drop_element(tag, attrs):
            if tag not in VOID_TAGS:
                self.skip.append(tag)
            return
        self.tokens.append(("start", (tag, tuple(self._attrs(tag, attrs)))))
        if tag == "pre":
            self.pre += 1

    def handle_startendtag(self, tag, attrs):
        if self.skip or self._drop_element(tag, attrs):
            return
        self.tokens.append(("start", (tag, tuple(self._attrs(tag, attrs)))))
        if tag not in VOID_TAGS:
            self.tokens.append(("end", tag))

    def handle_endtag(self, tag):
        if self.skip:
            if tag == self.skip[-1]:
                self.skip.pop()
            elif tag in self.skip:
                while self.skip and self.skip.pop() != tag:
                    pass
            return
        if tag in VOID_TAGS:
            return
        if tag == "pre" and self.pre:
            self.pre -= 1
        self.tokens.append(("end", tag))

    def handle_data(self, data):
        if self.skip:
            return
        if self.pre:
            self.tokens.append(("pre", data))
        else:
            self.tokens.append(("text", data))

    def handle_comment(self, data):
        if self.skip:
            return
        if self.sanitize and ("--" in data or data.endswith("-")):
            return
        self.tokens.append(("comment", data))

    def handle_pi(self, data):
        if not self.skip:
            self.tokens.append(("pi", data))

    def handle_decl(self, decl):
        if not self.skip:
            self.tokens.append(("decl", decl))

    def unknown_decl(self, data):
        if not self.skip:
            self.tokens.append(("decl", data))


def _balance(tokens):
    """Closes what is left open and drops end tags that close nothing."""
    out, stack = [], []
    for kind, value in tokens:
        if kind == "start":
            out.append((kind, value))
            if value[0] not in VOID_TAGS:
                stack.append(value[0])
        elif kind == "end":
            if value not in stack:
                continue
            while stack:
                tag = stack.pop()
                out.append(("end", tag))
                if tag == value:
                    break
        else:
            out.append((kind, value))
    while stack:
        out.append(("end", stack.pop()))
    return out


def _tag_of(tok):
    kind, value = tok
    if kind == "start":
        return value[0]
    if kind == "end":
        return value
    return None


def _render(tokens):
    # merge adjacent text, then collapse white space
    merged = []
    for kind, value in tokens:
        if merged and kind in ("text", "pre") and merged[-1][0] == kind:
            merged[-1] = (kind, merged[-1][1] + value)
        else:
            merged.append((kind, value))
    out = []
    for i, (kind, value) in enumerate(merged):
        if kind == "start":
            tag, attrs = value
            parts = [tag] + ['%s="%s"' % (n, html.escape(v, quote=True)) for n, v in attrs]
            out.append("<" + " ".join(parts) + ">")
        elif kind == "end":
            out.append("</%s>" % value)
        elif kind == "pre":
            out.append(html.escape(value, quote=False))
        elif kind == "text":
            text = re.sub(r"\s+", " ", value)
            prev = _tag_of(merged[i - 1]) if i > 0 else "body"
            nxt = _tag_of(merged[i + 1]) if i + 1 < len(merged) else "body"
            if prev in BLOCK_TAGS or prev is None and i == 0:
                text = text.lstrip()
            if nxt in BLOCK_TAGS:
                text = text.rstrip()
            # at the very start or end, only tags around: edge white space
            if all(k == "start" or k == "text" and not v.strip() for k, v in merged[:i]):
                text = text.lstrip()
            if all(k == "end" or k == "text" and not v.strip() for k, v in merged[i + 1:]):
                text = text.rstrip()
            if text:
                out.append(html.escape(text, quote=False))
        elif kind == "comment":
            out.append("<!--%s-->" % value)
        elif kind == "pi":
            # an HTML PI ends at '>', an XML one at '?>'
            out.append("<?%s>" % re.sub(r"\s+", " ", value).rstrip("?").rstrip())
        elif kind == "decl":
            out.append("<!%s>" % value)
    return "".join(out)


def normalize(text, galley_side, footnotes=False):
    """The canonical form of `text`: galley's output (galley_side=True) or the expected HTML."""
    if not galley_side:
        text = DECLARATION.sub("", text)
    p = _Canon(sanitize=not galley_side, galley_side=galley_side, footnotes=footnotes)
    p.feed(text)
    if p.cdata_elem:  # <script> or <style> left open: its text still counts
        p.feed("</%s>" % p.cdata_elem)
    p.close()
    return _render(_balance(p.tokens))
