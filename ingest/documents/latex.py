"""LaTeX-style macros in a document (a Markdown note or a ``.tex`` file) → Markdown-like text.

Macros become structure or go, and the text inside them stays:

* ``\\title{…}``, ``\\chapter``, ``\\section``, ``\\subsection``, ``\\subsubsection``, ``\\paragraph`` (starred or
  not) → a heading line (``#`` … ``######``), which the Markdown reader then marks;
* ``\\begin{itemize}`` / ``\\begin{enumerate}`` with ``\\item`` → ``- item`` / ``1. item`` lines;
  ``\\begin{quote}`` → ``> `` lines (a block quote);
* text macros (``\\notes{…}``, ``\\emph{…}``, ``\\textbf{…}``, ``\\href{url}{text}`` → text) and any unknown
  ``\\macro{…}``: their text, without arguments that are labels, paths or code (no spaces);
* ``\\figure{…}{caption}{label}`` and ``\\caption{…}``: the caption, as a paragraph of its own;
* conditionals (``\\ifndef{…}``, ``\\ifdef{…}``, ``\\else``, ``\\endif``, ``\\fi``) go and what they enclose
  stays; references, citations, labels, includes, definitions, code, footnotes and ``\\slides{…}`` (the slide
  copy of the notes) go with their arguments;
* in a ``.tex`` file also ``%`` comments, ``$…$``, ``~``, ``--``/``---`` and ``` `` ''`` quotes; in Markdown
  those stay as written (``%`` is a percent sign there). Fenced code blocks are left alone.

A line left empty only because its macros went is dropped, so that it does not split a paragraph.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

_MACRO_RE = re.compile(r"\\(?:[A-Za-z]+\*?|.)", re.S)
HAS_MACROS = re.compile(r"\\(?:(?:sub)*section|notes|emph|textbf|ifndef|ifdef|endif|figure|begin|item|title|"
                        r"chapter|paragraph|includegraphics|cite)\b|\\[A-Za-z]{2,}\{")

_HEADINGS = {"title": 1, "chapter": 1, "section": 2, "subsection": 3, "subsubsection": 4, "paragraph": 5,
             "subparagraph": 6}
_DROP = {"cite", "citep", "citet", "citealp", "ref", "eqref", "autoref", "cref", "pageref", "label", "index",
         "include", "input", "includegraphics", "includeimg", "includediagram", "includejpg", "includepng",
         "includesvg", "includecode", "define", "setupcode", "setupplotcode", "setupdisplaycode", "code",
         "plotcode", "displaycode", "loadcode", "helpercode", "newcommand", "renewcommand", "providecommand",
         "usepackage", "documentclass", "bibliography", "bibliographystyle", "vspace", "hspace", "footnote",
         "footnotemark", "footnotetext", "slides", "todo", "comment", "hypertarget", "phantomsection",
         "addcontentsline", "setcounter", "newenvironment", "author", "date", "thanks", "url"}
_CONDITIONALS = {"ifndef", "ifdef", "ifdefined", "ifx", "else", "endif", "fi", "if", "ifthenelse"}
_SYMBOLS = {"ldots": "…", "dots": "…", "pounds": "£", "textpounds": "£", "euro": "€", "texteuro": "€",
            "LaTeX": "LaTeX", "TeX": "TeX", "textendash": "–", "textemdash": "—", "textquoteright": "’",
            "S": "§", "copyright": "©", "ae": "æ", "oe": "œ", "ss": "ß", "quad": " ", "qquad": " "}
_ESCAPES = {"%": "%", "&": "&", "$": "$", "#": "#", "_": "_", "{": "{", "}": "}", ",": " ", ";": " ", " ": " ",
            "!": "", "-": "", "/": "", "@": "", "~": "~", "^": "^"}
_CAPTIONS = {"figure", "caption", "subfigure", "captionof"}
_VERBATIM = {"verbatim", "lstlisting", "minted", "comment", "tikzpicture", "equation", "align", "equation*",
             "align*", "displaymath", "code"}
_LISTS = {"itemize", "enumerate", "description"}
_QUOTES = {"quote", "quotation", "displayquote", "verse"}
_FLOATS = {"figure", "figure*", "table", "table*", "wrapfigure"}


def looks_like_latex(text: str) -> bool:
    """Whether ``text`` uses LaTeX-style macros enough to be read as such."""
    return bool(HAS_MACROS.search(text))


@dataclass
class _Out:
    parts: list[str] = field(default_factory=list)
    lists: list[list[int]] = field(default_factory=list)  # per open list: [numbered (0/1), counter]

    def write(self, text: str) -> None:
        if text:
            self.parts.append(text)

    def text(self) -> str:
        return "".join(self.parts)

    def line_so_far(self) -> str:
        tail = []
        for part in reversed(self.parts):
            cut = part.rfind("\n")
            if cut >= 0:
                tail.append(part[cut + 1:])
                break
            tail.append(part)
        return "".join(reversed(tail))

    def block(self, text: str) -> None:
        """``text`` as a block of its own: blank lines before and after."""
        self.parts.append("\n\n" + text.strip() + "\n\n")


class _Reader:
    def __init__(self, text: str, tex: bool) -> None:
        self.s = text
        self.tex = tex

    # ------------------------------------------------------------------ scanning
    def run(self) -> str:
        out = _Out()
        self.body(0, out, stop=None)
        text = re.sub(r"[ \t]+\n", "\n", out.text())
        return re.sub(r"\n{3,}", "\n\n", text).strip("\n") + "\n"

    def body(self, i: int, out: _Out, stop: str | None) -> int:
        """Read from ``i`` into ``out`` until the closing brace (``stop == "}"``), ``\\end{stop}`` or the end."""
        s, n = self.s, len(self.s)
        depth = 0
        while i < n:
            c = s[i]
            if c == "`" and s.startswith("```", i) and (i == 0 or s[i - 1] == "\n"):
                close = s.find("\n```", i + 3)  # a fenced code block: copied as it is
                line_end = s.find("\n", close + 4) if close >= 0 else -1
                end = n if close < 0 or line_end < 0 else line_end
                out.write(s[i:end])
                i = end
                continue
            if c == "\\":
                m = _MACRO_RE.match(s, i)
                assert m is not None
                name = m.group(0)[1:]
                if stop not in (None, "}") and name == "end":
                    env, after = self.group(m.end())
                    if env is not None and env.strip() == stop:
                        return after
                i = self.macro(name, m.end(), out, start=i)
                continue
            if c == "{":
                depth += 1
                if not self.tex:
                    out.write(c)
                i += 1
                continue
            if c == "}":
                if stop == "}" and depth == 0:
                    return i + 1
                depth = max(0, depth - 1)
                if not self.tex:
                    out.write(c)
                i += 1
                continue
            if self.tex:
                i = self.tex_char(i, out)
                continue
            out.write(c)
            i += 1
        return i

    def tex_char(self, i: int, out: _Out) -> int:
        s = self.s
        c = s[i]
        if c == "%":
            end = s.find("\n", i)
            line = out.line_so_far()
            if end < 0:
                return len(s)
            return end + 1 if not line.strip() else end  # a whole-line comment goes with its line end
        if c == "$":
            return i + 1
        if c == "~":
            out.write(" ")
            return i + 1
        for token, repl in (("---", "—"), ("--", "–"), ("``", "“"), ("''", "”")):
            if s.startswith(token, i):
                out.write(repl)
                return i + len(token)
        out.write(c)
        return i + 1

    def group(self, i: int) -> tuple[str | None, int]:
        """The raw text of a ``{…}`` group at ``i`` (spaces before it allowed), and where it ends."""
        s, n = self.s, len(self.s)
        j = i
        while j < n and s[j] in " \t":
            j += 1
        if j >= n or s[j] != "{":
            return None, i
        depth = 0
        k = j
        while k < n:
            if s[k] == "\\":
                k += 2
                continue
            if s[k] == "{":
                depth += 1
            elif s[k] == "}":
                depth -= 1
                if depth == 0:
                    return s[j + 1:k], k + 1
            k += 1
        return s[j + 1:], n

    def options(self, i: int) -> int:
        s = self.s
        while i < len(s) and s[i] == "[":
            end = s.find("]", i)
            if end < 0:
                return i
            i = end + 1
        return i

    def args(self, i: int) -> tuple[list[str], int]:
        """Every ``{…}`` group right after a macro (and its ``[…]`` options)."""
        found: list[str] = []
        i = self.options(i)
        while True:
            raw, after = self.group(i)
            if raw is None:
                return found, i
            found.append(raw)
            i = self.options(after)

    def clean(self, raw: str) -> str:
        """The text of a macro argument, its own macros read the same way."""
        out = _Out()
        _Reader(raw, self.tex).body(0, out, stop=None)
        return out.text()

    # ------------------------------------------------------------------ macros
    def macro(self, name: str, i: int, out: _Out, start: int) -> int:
        if len(name) == 1 or not name[0].isalpha():
            if name == "\\":
                out.write("\n")
                return self.options(i)
            out.write(_ESCAPES.get(name, name))
            return i
        base = name.rstrip("*")
        if base in _HEADINGS:
            args, after = self.args(i)
            title = " ".join(self.clean(args[-1]).split()) if args else ""
            if title:
                out.block("#" * _HEADINGS[base] + " " + title)
            return self.skip_line_end(after, out)
        if base == "begin":
            return self.environment(i, out)
        if base == "end":
            _, after = self.args(i)
            return self.skip_line_end(after, out)
        if base == "item":
            j = self.options(i)
            label = self.s[i + 1:j - 1] if j > i else ""
            return self.item(j, out, label)
        if base in _CONDITIONALS:
            _, after = self.args(i)
            return self.skip_line_end(after, out)
        if base in _DROP:
            _, after = self.args(i)
            return self.skip_line_end(after, out)
        if base in _CAPTIONS:
            args, after = self.args(i)
            caption = " ".join(a for a in (self.keep(raw) for raw in args) if a)
            if caption:
                out.block(caption)
            return self.skip_line_end(after, out)
        if base in _SYMBOLS:
            out.write(_SYMBOLS[base])
            if i < len(self.s) and self.s.startswith("{}", i):
                i += 2
            return i
        if base == "href":
            args, after = self.args(i)
            out.write(self.clean(args[-1]) if args else "")
            return after
        args, after = self.args(i)
        if not args:
            return self.skip_line_end(after, out) if self.s[start - 1:start] in ("", "\n") else after
        out.write(" ".join(a for a in (self.keep(raw) for raw in args) if a))
        return after

    def keep(self, raw: str) -> str:
        """An argument's text, or nothing when it is a label, a path or code (no space in it)."""
        text = self.clean(raw)
        if not re.search(r"\s", text.strip()) and re.search(r"[:/_.=\\]|^\w+-\w", text.strip()):
            return ""
        return text.strip() if "\n" not in text.strip() else text

    def item(self, i: int, out: _Out, label: str) -> int:
        marker = "- "
        if out.lists and out.lists[-1][0]:
            out.lists[-1][1] += 1
            marker = f"{out.lists[-1][1]}. "
        elif label:
            marker = f"- {self.clean(label).strip()}: "
        while out.parts and not out.parts[-1].strip():  # the previous item's line end, not a blank line
            out.parts.pop()
        if out.parts:
            out.parts[-1] = out.parts[-1].rstrip()
        out.write("\n" + "  " * max(0, len(out.lists) - 1) + marker)
        while i < len(self.s) and self.s[i] in " \t\n":
            i += 1
        return i

    def environment(self, i: int, out: _Out) -> int:
        raw, after = self.group(i)
        env = (raw or "").strip()
        after = self.options(after)
        if env in _VERBATIM:
            end = self.s.find(f"\\end{{{env}}}", after)
            return self.skip_line_end(len(self.s) if end < 0 else end + len(env) + 6, out)
        if env in _LISTS:
            out.lists.append([1 if env == "enumerate" else 0, 0])
            inner = _Out(lists=out.lists)
            after = self.body(after, inner, stop=env)
            out.lists.pop()
            out.block(inner.text().strip("\n"))
            return self.skip_line_end(after, out)
        if env in _QUOTES:
            inner = _Out()
            after = self.body(after, inner, stop=env)
            lines = [f"> {line.strip()}" if line.strip() else ">" for line in inner.text().strip().split("\n")]
            out.block("\n".join(lines))
            return self.skip_line_end(after, out)
        if env in _FLOATS:
            inner = _Out()
            after = self.body(after, inner, stop=env)
            captions = [line for line in inner.text().split("\n\n") if line.strip()]
            for caption in captions:
                out.block(caption)
            return self.skip_line_end(after, out)
        if env == "document":
            return after
        return self.skip_line_end(after, out)

    def skip_line_end(self, i: int, out: _Out) -> int:
        """After a macro that left nothing: drop the rest of its line when the line held nothing else."""
        s = self.s
        j = i
        while j < len(s) and s[j] in " \t":
            j += 1
        if (j >= len(s) or s[j] == "\n") and not out.line_so_far().strip():
            return j + 1
        return i


def latex_to_markdown(text: str, *, tex: bool = False) -> str:
    """``text`` with its LaTeX-style macros turned into Markdown-like structure or removed (see the module doc);
    ``tex``: the file is LaTeX itself (comments, math, quotes and dashes are LaTeX's too)."""
    return _Reader(text, tex).run()
