#!/usr/bin/python3
# form-fields.py: what a browser would submit for one form of an HTML page,
# as an application/x-www-form-urlencoded body, for the admin tests.
#
#   form-fields.py FORM_ID [NAME=VALUE | -NAME | +NAME=VALUE]... < page.html
#
# Fields in document order: text-like inputs, hidden inputs, checked radios
# and checkboxes, each select's selected option (else its first), textareas;
# never buttons. NAME=VALUE replaces the value of the first field so named
# (or appends one), -NAME drops every field so named, +NAME=VALUE appends.
import sys
import urllib.parse
from html.parser import HTMLParser


class Form(HTMLParser):
    def __init__(self, want):
        super().__init__(convert_charrefs=True)
        self.want, self.inside, self.fields = want, False, []
        self.select = None          # [name, first, chosen]
        self.option = None          # value of the option being read
        self.textarea = None        # [name, text]
        self.template = 0           # inside <template>: not submitted

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == 'template':
            self.template += 1
        if tag == 'form':
            self.inside = a.get('id') == self.want
        if not self.inside or self.template or a.get('disabled') is not None:
            return
        name = a.get('name')
        if tag == 'input' and name:
            kind = a.get('type', 'text')
            if kind in ('submit', 'button', 'image', 'reset', 'file'):
                return
            if kind in ('radio', 'checkbox') and 'checked' not in a:
                return
            self.fields.append([name, a.get('value', 'on' if kind in ('radio', 'checkbox') else '')])
        elif tag == 'select' and name:
            self.select = [name, None, None]
        elif tag == 'option' and self.select is not None:
            value = a.get('value')
            self.option = value
            if self.select[1] is None:
                self.select[1] = value
            if 'selected' in a:
                self.select[2] = value
        elif tag == 'textarea' and name:
            self.textarea = [name, '']

    def handle_endtag(self, tag):
        if tag == 'template':
            self.template -= 1
        elif tag == 'form':
            self.inside = False
        elif tag == 'select' and self.select is not None:
            s = self.select
            self.fields.append([s[0], s[2] if s[2] is not None else (s[1] or '')])
            self.select = None
        elif tag == 'textarea' and self.textarea is not None:
            text = self.textarea[1]
            # The HTML parser keeps the newline right after <textarea>: a browser drops it.
            if text.startswith('\n'):
                text = text[1:]
            self.fields.append([self.textarea[0], text])
            self.textarea = None

    def handle_data(self, data):
        if self.textarea is not None:
            self.textarea[1] += data


def main():
    want, edits = sys.argv[1], sys.argv[2:]
    f = Form(want)
    f.feed(sys.stdin.read())
    fields = f.fields
    for e in edits:
        if e.startswith('-'):
            fields = [x for x in fields if x[0] != e[1:]]
        elif e.startswith('+'):
            n, _, v = e[1:].partition('=')
            fields.append([n, v])
        else:
            n, _, v = e.partition('=')
            for x in fields:
                if x[0] == n:
                    x[1] = v
                    break
            else:
                fields.append([n, v])
    sys.stdout.write(urllib.parse.urlencode([tuple(x) for x in fields]))


if __name__ == '__main__':
    main()
