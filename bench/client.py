"""A browser's first steps, done once before the load: open a page, keep its session cookie, read its
form (the CSRF token and the fields a person fills in), sign in as staff."""
import http.cookiejar
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import urlencode


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *_args, **_kwargs):
        return None


@dataclass
class Answer:
    status: int
    body: str
    location: str = ""


@dataclass
class Form:
    """The fields of the first form holding a CSRF token: name -> value, and the options of selects."""

    action: str = ""
    fields: dict[str, str] = field(default_factory=dict)
    options: dict[str, list[str]] = field(default_factory=dict)
    checkboxes: list[str] = field(default_factory=list)

    @property
    def csrf_token(self) -> str:
        return self.fields["csrf_token"]


class _FormParser(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms: list[Form] = []
        self.current: Form | None = None
        self.select: str | None = None
        self.textarea: str | None = None

    def handle_starttag(self, tag, attrs):
        values = dict(attrs)
        if tag == "form":
            self.current = Form(action=values.get("action") or "")
            self.forms.append(self.current)
        elif self.current is None:
            return
        elif tag == "input" and values.get("name"):
            kind = values.get("type", "text")
            if kind == "checkbox":
                self.current.checkboxes.append(values["name"])
            elif kind == "radio":
                # A browser sends the checked one only, and nothing when none is.
                if "checked" in values:
                    self.current.fields[values["name"]] = values.get("value", "")
                else:
                    self.current.options.setdefault(values["name"], []).append(values.get("value", ""))
            elif kind not in ("submit", "button"):
                self.current.fields[values["name"]] = values.get("value", "")
        elif tag == "select" and values.get("name"):
            self.select = values["name"]
            self.current.options[self.select] = []
            self.current.fields[self.select] = ""
        elif tag == "option" and self.select:
            self.current.options[self.select].append(values.get("value", ""))
        elif tag == "textarea" and values.get("name"):
            self.textarea = values["name"]
            self.current.fields[self.textarea] = ""

    def handle_endtag(self, tag):
        if tag == "form":
            self.current = None
        elif tag == "select":
            self.select = None
        elif tag == "textarea" and self.textarea and self.current is not None:
            # As in a browser: a line break right after <textarea> is not part of the text.
            value = self.current.fields[self.textarea]
            if value.startswith("\n"):
                self.current.fields[self.textarea] = value[1:]
            self.textarea = None

    def handle_data(self, data):
        if self.textarea and self.current is not None:
            self.current.fields[self.textarea] += data


def read_form(html: str) -> Form:
    parser = _FormParser()
    parser.feed(html)
    for form in parser.forms:
        if "csrf_token" in form.fields:
            return form
    raise ValueError("the page has no form with a CSRF token")


class Browser:
    """One visitor: a cookie jar, no automatic redirects (the benchmark looks at the 303 itself)."""

    def __init__(self, base_url: str):
        self.base_url = base_url.rstrip("/")
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar), _NoRedirect)

    def request(self, method: str, path: str, form: dict | None = None, headers: dict | None = None) -> Answer:
        data = urlencode(form, doseq=True).encode() if form is not None else None
        request = urllib.request.Request(self.base_url + path, data=data, method=method, headers=headers or {})
        try:
            with self.opener.open(request, timeout=600) as answer:
                return Answer(answer.status, answer.read().decode("utf-8", "replace"),
                              answer.headers.get("Location", ""))
        except urllib.error.HTTPError as error:
            return Answer(error.code, error.read().decode("utf-8", "replace"), error.headers.get("Location", ""))

    def get(self, path: str) -> Answer:
        return self.request("GET", path)

    def post(self, path: str, form: dict, headers: dict | None = None) -> Answer:
        return self.request("POST", path, form, headers)

    def form(self, path: str) -> Form:
        page = self.get(path)
        if page.status == 303 and page.location.startswith("/"):
            # A personal link's first visit: its token becomes a cookie, then the same page without it.
            page = self.get(page.location)
        if page.status != 200:
            raise RuntimeError(f"GET {path} answered {page.status}")
        return read_form(page.body)

    @property
    def cookie_header(self) -> str:
        return "; ".join(f"{cookie.name}={cookie.value}" for cookie in self.jar)

    def sign_in(self, email: str, password: str) -> None:
        form = self.form("/staff/login")
        answer = self.post("/staff/login", {**form.fields, "email": email, "password": password})
        if answer.status != 303:
            raise RuntimeError(f"staff sign-in answered {answer.status}")
