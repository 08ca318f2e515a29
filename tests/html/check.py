#!/usr/bin/env python3
"""check.py - the HTML report (plugcheck check --format html) in a real
headless browser.

For each run, the same command is run with --format json and --format
html; the page is loaded in Debian's chromium (--headless --dump-dom, the
DOM after the page's own script ran) with a URL fragment that opens a cell
and sets the filters (#open=CELL&rule=ID&device=TYPE, the report's
permalinks).  Asserted against the JSON of the same run:

  - the page's data island is the JSON document itself;
  - the script ran (data-ready) with no error, console error or Content
    Security Policy violation recorded (data-errors, filled by the page's
    first script) and none on chromium's console log;
  - the cells: their number, ids and verdicts;
  - every finding's static text (why, fix) equals the JSON's (escaping);
  - the opened cell's panel lists exactly that cell's findings that pass
    the filters (their rule ids), and the filters hid the other findings
    and marked (or dimmed) the cells.

Only the standard library.  Chromium runs in its own session (process
group), killed whole on exit or timeout; its profile is a private
directory under WORK, removed by run.sh.

  check.py PLUGCHECK CHROMIUM WORK
"""
import concurrent.futures
import html.parser
import json
import os
import shutil
import signal
import subprocess
import sys

PLUGCHECK, CHROMIUM, WORK = sys.argv[1:4]
failures = []
live = set()  # the process groups of the running browsers
HOSTILE = "</script><script>document.title='pwned'</script> & <b>x</b> &amp;"


def on_signal(signum, frame):
    """interrupted: no browser outlives the test"""
    for pid in list(live):
        try:
            os.killpg(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
    os._exit(1)


signal.signal(signal.SIGTERM, on_signal)
signal.signal(signal.SIGINT, on_signal)


def fail(msg):
    failures.append(msg)
    print("FAIL: " + msg)


def run(args, want_status):
    p = subprocess.run([PLUGCHECK] + args, capture_output=True, timeout=120)
    if p.returncode != want_status:
        fail("plugcheck %s: exit %d, expected %d: %s" % (
            " ".join(args), p.returncode, want_status, p.stderr.decode()[-500:]))
    return p.stdout.decode()


def chromium(url, profile):
    """the DOM after load, and chromium's log"""
    cmd = [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu",
           "--disable-dev-shm-usage",  # containers: a small /dev/shm
           "--no-first-run", "--no-default-browser-check",
           "--disable-extensions", "--disable-background-networking",
           "--user-data-dir=" + profile, "--enable-logging=stderr", "--v=0",
           "--virtual-time-budget=3000", "--dump-dom", url]
    p = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                         start_new_session=True)
    live.add(p.pid)
    try:
        out, err = p.communicate(timeout=40)
    except subprocess.TimeoutExpired:
        out, err = b"", b"timed out"
        fail("chromium timed out on " + url)
    finally:
        try:
            os.killpg(p.pid, signal.SIGKILL)  # its zygote and renderers too
        except ProcessLookupError:
            pass
        p.wait()
        live.discard(p.pid)
    return out.decode(), err.decode(errors="replace")


class Dom(html.parser.HTMLParser):
    """what the assertions read from the dumped DOM"""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.root = {}
        self.title = None
        self.cells = {}          # id -> attrs
        self.items = []          # findings-list items: attrs, fields
        self.panel_rules = None  # rule ids of the findings in the panel
        self.panel_text = ""
        self.stack = []          # (tag, attrs)
        self.cur = None          # current findings-list item
        self.term = None
        self.text = []

    def inside(self, key, val):
        return any(a.get(key) == val for _, a in self.stack)

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "html":
            self.root = a
        if tag in ("meta", "br", "input", "link"):
            return
        self.stack.append((tag, a))
        cls = (a.get("class") or "").split()
        if tag == "td" and "cell" in cls:
            self.cells[a["data-cell"]] = a
        if tag == "section" and a.get("id") == "panel":
            self.panel_rules = [] if "hidden" not in a else None
        if tag == "li" and "finding" in cls:
            if self.inside("id", "panel"):
                if self.panel_rules is not None:
                    self.panel_rules.append(a["data-rule"])
            elif self.inside("id", "findings-list"):
                self.cur = {"attrs": a, "fields": {}}
                self.items.append(self.cur)
        self.text = []

    def handle_endtag(self, tag):
        txt = "".join(self.text)
        if tag == "title":
            self.title = txt
        if tag == "dt" and self.cur is not None and not self.inside("id", "panel"):
            self.term = txt
        if tag == "dd" and self.cur is not None and self.term and not self.inside("id", "panel"):
            self.cur["fields"][self.term] = txt
        while self.stack:
            t, _ = self.stack.pop()
            if t == tag:
                break
        if tag == "li" and not self.inside("id", "findings-list"):
            self.cur = None
        self.text = []

    def handle_data(self, data):
        self.text.append(data)
        if self.inside("id", "panel"):
            self.panel_text += data


def title_of(doc):
    if doc["mode"] == "release-matrix":
        return "release matrix: %d recorded releases, %d machine types" % (
            len(doc["releases"]), len(doc["machines"]))
    if doc["mode"] == "matrix":
        return "machine type %s: migration matrix (row = source, column = destination)" % doc["machine"]
    return "machine type %s: the tree against the recorded releases, both directions" % doc["machine"]


def pair_verdict(p):
    v = p["verdict"]
    if v == "error":
        return "error"
    if v.startswith("incompatible (known"):
        return "known"
    if v == "incompatible":
        return "incompatible"
    if p["known_breaks"]:
        return "known"
    if p["needs_review"]:
        return "review"
    return "compatible"


GRID = {"ok": "compatible", "review": "review", "known": "known",
        "FAIL": "incompatible"}


def expected_cells(doc):
    """cell id -> verdict, as the JSON document says"""
    cells = {}
    if doc["mode"] == "release-matrix":
        rels = doc["releases"]
        for mi, m in enumerate(doc["machines"]):
            for a, ra in enumerate(m["sides"]):
                for b, rb in enumerate(m["sides"]):
                    cells["m%d-%d-%d" % (mi, rels.index(ra), rels.index(rb))] = \
                        GRID[m["grid"][a][b]]
        return cells
    for i, p in enumerate(doc["pairs"]):
        cells["p%d" % i] = pair_verdict(p)
    for n, c in enumerate(doc.get("configurations", [])):
        for i, p in enumerate(c["pairs"]):
            cells["c%d-%d" % (n, i)] = pair_verdict(p)
    for k, _ in enumerate(doc.get("not_applicable", [])):
        cells["n%d-0" % k] = cells["n%d-1" % k] = "na"
    return cells


def finding_cells(doc):
    """per finding (or break): the cells it shows in, and where it is known"""
    out = []
    if doc["mode"] == "release-matrix":
        rels = doc["releases"]
        names = [m["name"] for m in doc["machines"]]
        for b in doc["breaks"]:
            ids, known = [], []
            for o in b["occurrences"]:
                c = "m%d-%d-%d" % (names.index(o["machine"]),
                                   rels.index(o["source"]), rels.index(o["destination"]))
                ids.append(c)
                if o["known"]:
                    known.append(c)
            out.append((b, ids, known))
        return out
    for f in doc["findings"]:
        d = f["direction"]
        if "configuration" in f:
            ids = ["c%d-%d" % (n, i)
                   for n, c in enumerate(doc["configurations"])
                   if c["configuration"] == f["configuration"]
                   for i, p in enumerate(c["pairs"])
                   if (p["source"], p["destination"]) == (d["source"], d["destination"])]
        else:
            ids = ["p%d" % i for i, p in enumerate(doc["pairs"])
                   if (p["source"], p["destination"]) == (d["source"], d["destination"])]
        out.append((f, ids, ids if f["known"] else []))
    return out


def island(page):
    start = page.index('<script type="application/json" id="plugcheck-data">')
    start = page.index(">", start) + 1
    body = page[start:page.index("</script>", start)]
    if "<" in body or ">" in body or "&" in body:
        fail("the data island holds a raw '<', '>' or '&'")
    return json.loads(body)


def write_page(name, args, status):
    """the JSON document and the page of one run, the page in WORK"""
    doc = json.loads(run(args + ["--format", "json"], status))
    page = run(args + ["--format", "html"], status)
    path = os.path.join(WORK, name + ".html")
    with open(path, "w") as f:
        f.write(page)
    if island(page) != doc:
        fail("%s: the data island differs from --format json" % name)
    for bad in ("http://", "https://", "<link", "src=", "@import"):
        if bad in page.replace("http-equiv", ""):
            fail("%s: the page names an external resource (%s)" % (name, bad))
    return doc, path


def check_page(name, doc, fragment, loaded, want_rule=None, want_device=None):
    dom_text, log = loaded
    dom = Dom()
    dom.feed(dom_text)
    label = "%s (#%s)" % (name, fragment)
    if dom.root.get("data-ready") != "1":
        fail("%s: the page's script did not finish (no data-ready)" % label)
    if dom.title != "plugcheck: " + title_of(doc):
        fail("%s: the page's title is %r" % (label, dom.title))
    if dom.root.get("data-errors"):
        fail("%s: script errors: %s" % (label, dom.root["data-errors"]))
    for line in log.splitlines():
        if "CONSOLE" in line and ("Uncaught" in line or "Error" in line
                                  or "Content Security Policy" in line):
            fail("%s: console: %s" % (label, line))

    want = expected_cells(doc)
    got = {c: a["data-verdict"] for c, a in dom.cells.items()}
    if got != want:
        diff = sorted(set(want.items()) ^ set(got.items()))[:6]
        fail("%s: %d cells, JSON says %d; differing: %s" % (label, len(got), len(want), diff))
    verdicts = {}
    for v in want.values():
        verdicts[v] = verdicts.get(v, 0) + 1

    # the static findings: one per JSON finding, its text unescaped back
    per = finding_cells(doc)
    if len(dom.items) != len(per):
        fail("%s: %d findings on the page, JSON has %d" % (label, len(dom.items), len(per)))
    for item, (f, ids, known) in zip(dom.items, per):
        a = item["attrs"]
        if a["data-rule"] != f["rule"] or a["data-cells"].split() != ids:
            fail("%s: finding %s: rule %s cells %s, expected %s %s" % (
                label, a.get("id"), a["data-rule"], a["data-cells"], f["rule"], ids))
        if item["fields"].get("why", "") != f.get("why", ""):
            fail("%s: finding %s: why differs from the JSON:\n  %r\n  %r" % (
                label, a.get("id"), item["fields"].get("why"), f.get("why")))
        if item["fields"].get("fix", "") != f.get("fix", {}).get("text", ""):
            fail("%s: finding %s: fix differs from the JSON" % (label, a.get("id")))
        if item["fields"].get("known break", "") != f.get("known_reason", ""):
            fail("%s: finding %s: known break differs from the JSON" % (label, a.get("id")))

    def passes(f):
        return ((not want_rule or f["rule"] == want_rule) and
                (not want_device or f.get("device", "").split("/")[0] == want_device))

    # the filters: hidden findings, marked and dimmed cells
    shown = [("hidden" not in item["attrs"]) for item in dom.items]
    if shown != [passes(f) for f, _, _ in per]:
        fail("%s: the filters show %d findings, expected %d" % (
            label, sum(shown), sum(passes(f) for f, _, _ in per)))
    if want_rule or want_device:
        marked = {c for f, ids, _ in per if passes(f) for c in ids}
        got_marked = {c for c, a in dom.cells.items() if "match" in a["class"].split()}
        dimmed = {c for c, a in dom.cells.items() if "dim" in a["class"].split()}
        if got_marked != marked or dimmed != set(dom.cells) - marked:
            fail("%s: %d cells marked by the filters, expected %d" % (
                label, len(got_marked), len(marked)))
        if not marked:
            fail("%s: the filter matches nothing: a weak test" % label)

    # the opened cell
    opened = dict(kv.split("=", 1) for kv in fragment.split("&") if "=" in kv).get("open")
    if opened:
        rules = sorted(f["rule"] for f, ids, _ in per if opened in ids and passes(f))
        if dom.panel_rules is None:
            fail("%s: no panel open" % label)
        elif sorted(dom.panel_rules) != rules:
            fail("%s: the panel of %s lists %s, expected %s" % (
                label, opened, sorted(dom.panel_rules), rules))
        if not rules:
            fail("%s: cell %s has no findings: a weak test" % (label, opened))
        if opened not in dom.cells or "open" not in dom.cells[opened]["class"].split():
            fail("%s: cell %s is not marked open" % (label, opened))
    print("%s: %d cells (%s), %d findings, panel %s" % (
        label, len(got), ", ".join("%s %d" % kv for kv in sorted(verdicts.items())),
        len(dom.items), dom.panel_rules))
    return doc


def first_cell(doc, verdict, pred=lambda f: True):
    """a cell of 'verdict' with findings (pred) in it"""
    cells = expected_cells(doc)
    for f, ids, _ in finding_cells(doc):
        for c in ids:
            if cells.get(c) == verdict and pred(f):
                return c, f
    raise SystemExit("FAIL: no %s cell with findings: the fixture changed?" % verdict)


def main():
    pages = []  # name, doc, fragment, filters

    # the main job: rows of the tree against each release; open a known
    # break, whose reason and mitigation (in the finding's text and fix)
    # are markup that must stay text
    abi = os.path.join(WORK, "abi")
    shutil.copytree("abi", abi)
    with open(os.path.join(abi, "known-breaks")) as f:
        kb = f.read()
    if "(commit 010746ae1d)" not in kb:
        raise SystemExit("FAIL: abi/known-breaks changed: pick another reason to mark up")
    with open(os.path.join(abi, "known-breaks"), "w") as f:
        f.write(kb.replace("(commit 010746ae1d)", HOSTILE).replace(
            "until it is powered off", HOSTILE))
    doc, path = write_page("main", ["--abi-dir", abi, "--machine", "pc-5.1"], 0)
    if not any(HOSTILE in json.dumps(f, ensure_ascii=False) for f in doc["findings"]):
        fail("main: the marked-up known break shows in no finding: a weak test")
    with open(path) as f:
        if "<script>document.title" in f.read():
            fail("main: markup from abi/known-breaks is in the page unescaped")
    pages.append(("main", doc, path, "open=" + first_cell(doc, "known")[0], {}))
    # releases that do not know the machine type: rows of n/a
    doc, path = write_page("main-na", ["--machine", "pc-11.0"], 0)
    pages.append(("main-na", doc, path, "", {}))
    # --matrix with the known breaks unacknowledged (incompatible cells,
    # exit 1): a rule filter and a cell it concerns
    bare = os.path.join(WORK, "abi-bare")
    shutil.copytree("abi", bare)
    with open(os.path.join(bare, "known-breaks"), "w") as f:
        f.write("".join(l for l in kb.splitlines(True) if not l.startswith("break ")))
    doc, path = write_page("matrix", ["--abi-dir", bare, "check", "--machine", "pc-5.1",
                                      "--matrix"], 1)
    c, f = first_cell(doc, "incompatible")
    pages.append(("matrix", doc, path, "open=%s&rule=%s" % (c, f["rule"]),
                  {"want_rule": f["rule"]}))
    # --release-matrix: a device filter
    doc, path = write_page("release-matrix", ["check", "--release-matrix"], 0)
    c, f = first_cell(doc, "known", lambda b: b.get("device"))
    dev = f["device"].split("/")[0]
    pages.append(("release-matrix", doc, path, "device=%s&open=%s" % (dev, c),
                  {"want_device": dev}))

    # the browsers side by side, each in its own profile
    with concurrent.futures.ThreadPoolExecutor(max_workers=len(pages)) as pool:
        loaded = list(pool.map(lambda pg: chromium(
            "file://" + pg[2] + "#" + pg[3], os.path.join(WORK, "profile-" + pg[0])), pages))
    for (name, doc, _, fragment, want), dom in zip(pages, loaded):
        check_page(name, doc, fragment, dom, **want)
    if failures:
        print("html: %d failure(s)" % len(failures))
        sys.exit(1)


main()
