#!/usr/bin/env python3
"""tests/reports/reports.py - the output formats and the JSON contract
(Documentation/output-formats.md), checked on real runs of plugcheck:

- every verb's --format json document validates against plugcheck's own
  schema (Documentation/plugcheck-output.schema.json, draft 2020-12) and
  starts with "schema_version";
- --format sarif validates against the OASIS SARIF 2.1.0 schema
  (tests/fixtures/schemas/, draft-04), one result per finding of the same
  run's JSON, the rule table complete, a compat line to add as a fix;
- --format junit parses with a real XML parser (xml.etree), its testcases
  and failures equal the JSON output's directions and failing verdicts;
- --format github and gnu lines have their format, and every file:line
  they name is a real line of that file; one in a plugin's C source is
  the line of the PC_* macro that declares the finding's property (or
  type), and two properties of one device point at their own lines;
- exit statuses are the same in every format;
- progress on a terminal (a pseudo-terminal, PLUGCHECK_PROGRESS_DELAY_MS=0
  so that nothing depends on time), with the outer work and the plugin
  loading nested in it; none on stderr that is not a terminal, nor in a
  machine format or with -q on a terminal;
- the validators reject a broken document (so a pass means something).

Usage: tests/reports/reports.py PLUGCHECK SRCDIR
"""
import copy
import json
import urllib.parse
import os
import pty
import re
import shutil
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET

import jsonschema

PC, SRC = os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2])
failures = []


def fail(msg):
    failures.append(msg)
    print("FAIL: " + msg)


def check(cond, msg):
    if not cond:
        fail(msg)
    return cond


def load_schema(path):
    with open(path) as f:
        return json.load(f)


OUT_SCHEMA = load_schema(os.path.join(SRC, "Documentation/plugcheck-output.schema.json"))
SARIF_SCHEMA = load_schema(os.path.join(SRC, "tests/fixtures/schemas/sarif-schema-2.1.0.json"))
jsonschema.Draft202012Validator.check_schema(OUT_SCHEMA)
jsonschema.Draft4Validator.check_schema(SARIF_SCHEMA)
OUT_V = jsonschema.Draft202012Validator(OUT_SCHEMA)
SARIF_V = jsonschema.Draft4Validator(SARIF_SCHEMA)


with open(os.path.join(SRC, "core/rule-table.h")) as f:
    N_RULES = len(re.findall(r"^\tX\(", f.read(), re.M))


def errors(validator, doc):
    return ["%s: %s" % (e.json_path, e.message[:160]) for e in validator.iter_errors(doc)]


# ---------------------------------------------------------------- a tree

work = tempfile.mkdtemp(prefix="pc-reports.")
tree = os.path.join(work, "tree")
os.mkdir(tree)
for d in ("machines", "abi"):
    shutil.copytree(os.path.join(SRC, d), os.path.join(tree, d))


def run(*args, cwd=None, stderr=subprocess.PIPE):
    """plugcheck with the scratch tree (or SRCDIR's), stdout, stderr, status"""
    base = [PC, "--no-default-plugins", "--plugin-dir",
            os.path.join(SRC, "plugins"), "--machine-dir", "machines", "--abi-dir", "abi"]
    if "--plugin-dir" in args:  # the run names its own
        del base[2:4]
    if cwd == SRC:  # the source tree as it is, its default directories
        base = [PC]
    p = subprocess.run(base + list(args), cwd=cwd or tree, stdout=subprocess.PIPE,
                       stderr=stderr, universal_newlines=True)
    return p.stdout, p.stderr, p.returncode


def json_doc(what, *args, cwd=None, status=None):
    out, err, rc = run("--format", "json", *args, cwd=cwd)
    if status is not None:
        check(rc == status, "%s: exit %d, expected %d (%s)" % (what, rc, status, err.strip()[:300]))
    try:
        doc = json.loads(out)
    except ValueError as e:
        fail("%s: not JSON: %s" % (what, e))
        return None, rc
    check(isinstance(doc, dict) and list(doc)[:1] == ["schema_version"],
          "%s: schema_version is not the first key" % what)
    for e in errors(OUT_V, doc)[:5]:
        fail("%s: output schema: %s" % (what, e))
    return doc, rc


def lines_of(path, cwd):
    if path.startswith("file://"):  # a SARIF URI of an absolute path
        path = urllib.parse.unquote(path[len("file://"):])
    with open(os.path.join(cwd, path), encoding="utf-8", errors="replace") as f:
        return f.read().split("\n")


def decl_loc(f):
    for l in f.get("locations", []):
        if l["role"] == "declaration":
            return l
    return None


def macro_line(path, ln, cwd):
    """the PC_* macro invocation that line ln of a C file belongs to (gcc
    names the line of the macro's name, clang the line that ends it)"""
    text = lines_of(path, cwd)
    for i in range(ln - 1, max(ln - 8, -1), -1):
        if i < len(text) and "PC_" in text[i]:
            return text[i]
    return ""


def check_declared_at(what, f, path, ln, cwd):
    """a finding located in a plugin's C source: that line declares the
    finding's property (its cause's, else its path's) or a type (a
    finding without a deciding property is located at its object's type,
    which the JSON does not name)"""
    names = {f.get("device"), f.get("type")}
    for key in ("cause", "path"):
        if f.get(key):
            names.add(f[key].rsplit(".", 1)[-1])
    line = macro_line(path, ln, cwd)
    check(re.search(r"\bPC_TYPE\(", line) or
          (re.search(r"\bPC_[A-Z0-9_]+\(", line) and
           any('"%s"' % n in line for n in names if n)),
          "%s: %s:%d is not the PC_* line declaring any of %s: %r" % (
              what, path, ln, sorted(n for n in names if n), line[:120]))


# ---------------------------------------------------------------- CI formats

def check_sarif(what, args, doc, rc, cwd):
    out, err, rc2 = run("--format", "sarif", *args, cwd=cwd)
    check(rc2 == rc, "%s: sarif exit %d, json exit %d" % (what, rc2, rc))
    sarif = json.loads(out)
    for e in errors(SARIF_V, sarif)[:5]:
        fail("%s: SARIF schema: %s" % (what, e))
    r = sarif["runs"][0]
    rules = r["tool"]["driver"]["rules"]
    check(len(rules) == N_RULES and all(x["id"].startswith("PC") for x in rules),
          "%s: the rule table is not in tool.driver.rules" % what)
    results = r["results"]
    nfind = len(findings_of(doc))
    check(len(results) == nfind, "%s: %d SARIF results, %d JSON findings" % (what, len(results), nfind))
    for res in results:
        check(rules[res["ruleIndex"]]["id"] == res["ruleId"], "%s: ruleIndex does not name ruleId" % what)
        for loc in res.get("locations", []):
            pl = loc.get("physicalLocation")
            if pl and "region" in pl:
                lines = lines_of(pl["artifactLocation"]["uri"], cwd)
                check(1 <= pl["region"]["startLine"] <= len(lines),
                      "%s: SARIF location %s:%d is not a line of the file" % (
                          what, pl["artifactLocation"]["uri"], pl["region"]["startLine"]))
    return sarif


def findings_of(doc):
    if doc.get("mode") == "all-machines":
        return [f for r in doc["runs"] for f in findings_of(r)]
    if doc.get("mode") == "release-matrix":
        return [o for b in doc["breaks"] for o in b["occurrences"]]
    return doc.get("findings", [])


def check_junit(what, args, doc, rc, cwd, want_cases, want_failures):
    out, err, rc2 = run("--format", "junit", *args, cwd=cwd)
    check(rc2 == rc, "%s: junit exit %d, json exit %d" % (what, rc2, rc))
    try:
        root = ET.fromstring(out)
    except ET.ParseError as e:
        fail("%s: JUnit is not XML: %s" % (what, e))
        return
    cases = root.findall("./testsuite/testcase")
    nfail = len([c for c in cases if c.find("failure") is not None])
    check(len(cases) == want_cases, "%s: %d testcases, JSON says %d" % (what, len(cases), want_cases))
    check(nfail == want_failures, "%s: %d failures, JSON says %d" % (what, nfail, want_failures))
    check(int(root.get("tests")) == len(cases) and int(root.get("failures")) == nfail,
          "%s: the testsuites counts disagree with the testcases" % what)
    for c in cases:
        f = c.find("failure")
        if f is not None:
            check(re.search(r"PC[0-9]{3}", f.text or ""), "%s: a failure without its finding" % what)


GH = re.compile(r"^::(error|warning|notice)( file=[^,:]+,line=[0-9]+,| )title=PC[0-9]{3}::[^\r\n]+$")
GNU = re.compile(r"^(?:([^:\s]+):([0-9]+)|plugcheck): (error|warning|note): PC[0-9]{3} .+$")


def check_lines(what, args, doc, rc, cwd):
    n = len(findings_of(doc))
    for fmt, rx in (("github", GH), ("gnu", GNU)):
        out, err, rc2 = run("--format", fmt, *args, cwd=cwd)
        check(rc2 == rc, "%s: %s exit %d, json exit %d" % (what, fmt, rc2, rc))
        lines = out.splitlines()
        check(len(lines) == n, "%s: %d %s lines, %d findings" % (what, len(lines), fmt, n))
        for f, line in zip(findings_of(doc), lines):
            if not check(rx.match(line), "%s: bad %s line: %s" % (what, fmt, line[:200])):
                continue
            if fmt == "github":
                m = re.match(r"^::\w+ file=([^,]+),line=([0-9]+),", line)
                path, ln = (m.group(1), int(m.group(2))) if m else (None, 0)
            else:
                m = GNU.match(line)
                path, ln = (m.group(1), int(m.group(2))) if m.group(1) else (None, 0)
            if path:
                text = lines_of(path, cwd)
                check(1 <= ln <= len(text) and text[ln - 1].strip(),
                      "%s: %s names %s:%d, not a line of that file" % (what, fmt, path, ln))
            if path and path.endswith(".c"):
                d = decl_loc(f)
                check(d and d["file"] == path and d["line"] == ln,
                      "%s: %s names %s:%d, the JSON declaration is %s" % (what, fmt, path, ln, d))
                check_declared_at("%s (%s)" % (what, fmt), f, path, ln, cwd)


def ci_all(what, args, cwd=None, status=None, cases=None, failing=None):
    cwd = cwd or tree
    doc, rc = json_doc(what, *args, cwd=cwd, status=status)
    if doc is None:
        return None, None
    if cases is None:
        pairs = doc.get("pairs") or doc.get("directions") or []
        cases = len(pairs) if pairs else 1
        if doc.get("mode") == "qemu-dump":  # both directions of the pair
            cases, failing = 2, 0
        if "pairs" in doc:
            failing = len([p for p in doc["pairs"] if p["verdict"] not in ("compatible", "error")])
        elif "directions" in doc:
            failing = len([d for d in doc["directions"] if d["incompatible"]])
        elif doc.get("mode") != "qemu-dump":
            failing = 1 if rc == 1 else 0
    sarif = check_sarif(what, args, doc, rc, cwd)
    check_junit(what, args, doc, rc, cwd, cases, failing)
    check_lines(what, args, doc, rc, cwd)
    return doc, sarif


def compat(path):
    return os.path.join(tree, "machines/compat", path)


def edit(path, old, new):
    with open(path) as f:
        text = f.read()
    assert old in text, (path, old)
    with open(path, "w") as f:
        f.write(text.replace(old, new, 1))


# a compatible run (the unchanged tree)
doc, _ = ci_all("main job, unchanged", ["--machine", "pc-5.1"], status=0)

# a compat entry that sets another value: the break is located at it
pv = re.search(r"^pvpanic +events +1 .*$", open(compat("hw_compat_5_1.compat")).read(), re.M).group(0)
edit(compat("hw_compat_5_1.compat"), pv, pv.replace(" 1 ", " 2 ", 1))
doc, sarif = ci_all("main job, compat value changed", ["--machine", "pc-5.1"], status=1)
if doc:
    locs = [l for f in doc["findings"] for l in f.get("locations", []) if l["role"] == "compat-entry"]
    check(any(l["file"].endswith("hw_compat_5_1.compat") and
              "pvpanic" in lines_of(l["file"], tree)[l["line"] - 1] for l in locs),
          "main job: no finding located at the changed compat entry")
    check(any(f.get("fix", {}).get("qemu_option", "").startswith("-global pvpanic.events=")
              for f in doc["findings"]), "main job: no fix in QEMU's -global spelling")

# the entry removed: the fix is a compat line to add, a SARIF fix
edit(compat("hw_compat_5_1.compat"), pv.replace(" 1 ", " 2 ", 1) + "\n", "")
doc, sarif = ci_all("main job, compat entry removed", ["--machine", "pc-5.1"], status=1)
if sarif:
    fixes = [c for r in sarif["runs"][0]["results"] for fx in r.get("fixes", [])
             for c in fx["artifactChanges"]]
    ok = False
    for c in fixes:
        text = open(os.path.join(tree, c["artifactLocation"]["uri"])).read()
        rep = c["replacements"][0]
        off = rep["deletedRegion"]["charOffset"]
        ok |= off == len(text.encode()) and rep["insertedContent"]["text"].startswith("pvpanic events 1")
    check(ok, "SARIF: no fix inserting 'pvpanic events 1' at the end of its compat file")

# declarations located in the plugins' C sources: two properties of one
# device whose compat entries are gone (family and stepping of qemu64; model
# between them keeps its entry), with the plugins named relatively
# (--plugin-dir plugins, as in the source tree)
shutil.copytree(os.path.join(SRC, "plugins"), os.path.join(tree, "plugins"),
                ignore=shutil.ignore_patterns("*.o"))
edit(compat("pc_compat_6_0.compat"), re.search(r"^qemu64-x86_64-cpu +family .*\n",
     open(compat("pc_compat_6_0.compat")).read(), re.M).group(0), "")
edit(compat("pc_compat_6_0.compat"), re.search(r"^qemu64-x86_64-cpu +stepping .*\n",
     open(compat("pc_compat_6_0.compat")).read(), re.M).group(0), "")
rel = ["--plugin-dir", "plugins", "--machine", "pc-q35-6.0"]
doc, sarif = ci_all("main job, two compat entries of one device removed", rel, status=1)
if doc and sarif:
    cpu = os.path.join("plugins", "x86-cpu", "x86-cpu.c")
    src_lines = lines_of(cpu, tree)
    at = {}
    for f in doc["findings"]:
        d = decl_loc(f)
        prop = (f.get("path") or "").rsplit(".", 1)[-1]
        if f["rule"] == "PC501" and prop in ("family", "stepping", "model"):
            check(d and d["file"] == cpu and "declaration_text" in d and
                  d["declaration_text"]["file"].endswith("x86-cpu.so"),
                  "C source: %s's declaration is %s" % (f["path"], d))
            if d:
                at.setdefault(prop, set()).add(d["line"])
    check(set(at) == {"family", "stepping"}, "C source: findings about %s" % sorted(at))
    for prop, lns in at.items():
        check(len(lns) == 1 and re.search(r'PC_PROP_U32\("%s"' % prop, src_lines[min(lns) - 1]),
              "C source: %s declared at %s:%s: %r" % (prop, cpu, sorted(lns),
                                                     [src_lines[l - 1] for l in lns]))
    check(at.get("family") != at.get("stepping"), "C source: family and stepping at one line")
    uris = {(r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
             r["locations"][0]["physicalLocation"]["region"]["startLine"])
            for r in sarif["runs"][0]["results"] if r["ruleId"] == "PC501"}
    check(uris == {(cpu, l) for lns in at.values() for l in lns},
          "C source: SARIF locations %s" % sorted(uris))
    out, err, _ = run("--format", "gnu", *rel)
    check(any(l.startswith("%s:%d: error: PC501" % (cpu, min(at.get("family", {0}))))
              for l in out.splitlines()), "C source: no gnu line at family's declaration")
shutil.rmtree(os.path.join(tree, "plugins"))
shutil.copy(os.path.join(SRC, "machines/compat/pc_compat_6_0.compat"), compat("pc_compat_6_0.compat"))

# every machine type in one report: one SARIF log with a run per machine
# type, one JUnit document with a suite per machine type
allm = ["check", "--all-machines", "--smp", "1", "--default-config-only"]
doc, rc = json_doc("all machine types", *allm, status=1)
if doc:
    runs = doc["runs"]
    out, err, rc2 = run("--format", "sarif", *allm)
    check(rc2 == rc, "all machine types: sarif exit %d, json exit %d" % (rc2, rc))
    sarif = json.loads(out)
    for e in errors(SARIF_V, sarif)[:5]:
        fail("all machine types: SARIF schema: %s" % e)
    check(len(sarif["runs"]) == len(runs),
          "all machine types: %d SARIF runs, %d machine types" % (len(sarif["runs"]), len(runs)))
    nres = sum(len(r.get("results", [])) for r in sarif["runs"])
    check(nres == len(findings_of(doc)) and nres > 0,
          "all machine types: %d SARIF results, %d JSON findings" % (nres, len(findings_of(doc))))
    pairs = [p for r in runs for p in r.get("pairs", [])]
    check_junit("all machine types", allm, doc, rc, tree, len(pairs),
                len([p for p in pairs if p["verdict"] not in ("compatible", "error")]))
    check_lines("all machine types", allm, doc, rc, tree)
shutil.copy(os.path.join(SRC, "machines/compat/hw_compat_5_1.compat"), compat("hw_compat_5_1.compat"))

# the other modes and verbs that report findings
ci_all("pair with a known break", ["check", "--machine", "pc-7.2", "--from", "8.0", "--to", "8.0.1"], status=1)
ci_all("matrix", ["check", "--machine", "pc-7.2", "--matrix"])
ci_all("chain", ["check", "--machine", "pc-7.2", "--chain", "7.2,8.0,8.0.1"])
ci_all("lint with findings", ["lint"])
ci_all("suggest", ["suggest", "--machine", "pc-7.2", "--from", "8.0", "--to", "8.0.1"])
vm = os.path.join(SRC, "tests/fixtures/qemu-vmstate")
ci_all("qemu-diff with differences", ["qemu-diff", "--trust-section-keys",
                                      os.path.join(vm, "dump1.json"),
                                      os.path.join(vm, "dump2.json")], status=1)
rm, _ = json_doc("release matrix", "check", "--release-matrix", "--machine", "pc-q35-7.2")
if rm:
    cells = [(m, i, j) for m in rm["machines"] for i in range(len(m["sides"]))
             for j in range(len(m["sides"])) if i != j]
    ci_all("release matrix", ["check", "--release-matrix", "--machine", "pc-q35-7.2"],
           cases=len(cells), failing=len([1 for m, i, j in cells if m["grid"][i][j] == "FAIL"]))
with open(os.path.join(work, "a.caps"), "w") as f:
    f.write("host A\ncap pcid stibp\n")
with open(os.path.join(work, "b.caps"), "w") as f:
    f.write("host B\ncap pcid\n")
ci_all("baseline", ["baseline", "--machine", "q35", "--host", os.path.join(work, "a.caps"),
                    "--host", os.path.join(work, "b.caps")])
q72, _ = ci_all("check with QEMU 7.2's dump", ["check", "--machine", "pc-q35-7.2", "--from",
                                             os.path.join(vm, "qemu-7.2-q35-modelled.json"),
                                             "--to", "tree"])
if q72:
    # nvme: QEMU's empty version-0 description and the tree's unmigratable
    # declaration, left out on both sides (not "not modelled", no finding)
    check(q72.get("unmigratable") == ["nvme"] and "nvme" not in q72.get("not_modelled", []),
          "check with QEMU 7.2's dump: unmigratable %r, not_modelled %r"
          % (q72.get("unmigratable"), q72.get("not_modelled")))
    check(q72["exit_status"] == 0, "check with QEMU 7.2's dump: exit_status %r" % q72["exit_status"])
dump = os.path.join(work, "tree-7.2.json")
out, err, rc = run("dump-vmstate", "--machine", "pc-7.2", "--output", dump)
if check(rc == 0, "dump-vmstate: exit %d: %s" % (rc, err[:300])):
    ci_all("check with a dump side", ["check", "--machine", "pc-7.2", "--from", dump, "--to", "tree"])

# a verb without findings refuses the CI formats
out, err, rc = run("--format", "sarif", "list-machines")
check(rc == 2 and "reports no findings" in err, "list-machines --format sarif: exit %d: %s" % (rc, err))

# ---------------------------------------------------------------- every verb's JSON

json_doc("list-machines", "list-machines", status=0)
lm, _ = json_doc("list-machines aliases", "list-machines")
if lm:
    al = {a["alias"]: a["means"] for a in lm["aliases"]}
    names = {m["name"] for m in lm["machines"]}
    check(al.get("pc") in names and al.get("q35") in names and al.get("pc-X.Y") == "pc-q35-X.Y",
          "list-machines: aliases not explained: %s" % al)
json_doc("list-plugins", "list-plugins", status=0)
json_doc("info", "info", os.path.join(SRC, "plugins/pci/pci.so"), status=0)
json_doc("props", "props", "--machine", "pc-5.1", "--device", "pvpanic", status=0)
ex, _ = json_doc("props --explain", "props", "--machine", "pc-5.1", "--explain",
                 "virtio-blk-device.num-queues", status=0)
if ex:
    check(ex.get("mode") == "explain" and ex["compat_entries"] and
          ex["compat_entries"][0]["location"]["line"] >= 1,
          "props --explain: no compat entry with its location")
json_doc("dump-abi --check", "dump-abi", "--release", "8.0", "--check", cwd=SRC, status=0)
json_doc("migrate", "migrate", "--machine", "pc-7.2", "--smp", "1", "--vm-device", "pvpanic",
         status=0)

# a broken document fails each validator
good, _ = json_doc("main job", "--machine", "pc-5.1", status=0)
if good:
    bad = copy.deepcopy(good)
    bad["schema_version"] = "1"
    check(errors(OUT_V, bad), "the output schema accepts schema_version \"1\"")
    bad = copy.deepcopy(good)
    bad["pairs"][0]["verdict"] = "maybe"
    check(errors(OUT_V, bad), "the output schema accepts a verdict 'maybe'")
    out, _, _ = run("--format", "sarif", "--machine", "pc-5.1")
    s = json.loads(out)
    del s["version"]
    check(errors(SARIF_V, s), "the SARIF schema accepts a log without 'version'")
    s = json.loads(out)
    s["runs"][0]["results"].append({"ruleId": "PC101", "level": "fatal", "message": {"text": "x"}})
    check(errors(SARIF_V, s), "the SARIF schema accepts level 'fatal'")
try:
    ET.fromstring("<testsuites><testcase name=\"a & b\"/></testsuites>")
    fail("xml.etree accepts an unescaped '&'")
except ET.ParseError:
    pass

# ---------------------------------------------------------------- progress

def on_pty(args, env_extra, cwd=SRC):
    """plugcheck with stderr on a pseudo-terminal: what the terminal got"""
    m, s = pty.openpty()
    env = dict(os.environ, **env_extra)
    p = subprocess.Popen([PC] + args, cwd=cwd, stdout=subprocess.DEVNULL, stderr=s, env=env)
    os.close(s)
    data = b""
    while True:
        try:
            chunk = os.read(m, 4096)
        except OSError:  # EIO: the other side closed
            break
        if not chunk:
            break
        data += chunk
    os.close(m)
    p.wait()
    return data, p.returncode


now = {"PLUGCHECK_PROGRESS_DELAY_MS": "0"}  # every step may draw: no timing
allm_src = ["check", "--all-machines", "--smp", "1", "--default-config-only"]
# on a terminal, in text: the line shows, names the outer work with the
# plugin loading nested in it, and is erased
data, rc = on_pty(allm_src, now)
check(rc in (0, 1) and re.search(rb"\r\x1b\[Kall machine types: [0-9]+/[0-9]+", data) and
      re.search(rb"all machine types: [0-9]+/[0-9]+, loading plugins: [0-9]+/[0-9]+", data)
      and data.endswith(b"\r\x1b[K"),
      "no progress line on a terminal (exit %d): %r" % (rc, data[-300:]))
data, rc = on_pty(["check", "--release-matrix", "--machine", "pc-q35-7.2"], now)
check(re.search(rb"release matrix: machine types: [0-9]+/[0-9]+", data),
      "no release matrix progress on a terminal: %r" % data[-300:])
# never when stderr is a pipe, nor in a machine format, nor with -q
p = subprocess.run([PC] + allm_src, cwd=SRC, stdout=subprocess.DEVNULL,
                   stderr=subprocess.PIPE, env=dict(os.environ, **now))
check(b"\r" not in p.stderr and b"machine types:" not in p.stderr,
      "progress on a stderr that is not a terminal: %r" % p.stderr[:200])
out, err, rc = run("check", "--release-matrix")
check("\r" not in err and "/" not in err.replace(tree, ""),
      "progress on a stderr that is not a terminal: %r" % err[:200])
for args in (["--format", "json"] + allm_src, ["-q"] + allm_src,
             ["--format", "json", "check", "--release-matrix"]):
    data, rc = on_pty(args, now)
    check(data == b"", "progress on a terminal with %s: %r" % (" ".join(args[:2]), data[:200]))
# a bad delay is an input error
data, rc = on_pty(["list-machines"], {"PLUGCHECK_PROGRESS_DELAY_MS": "soon"})
check(rc == 2 and b"PLUGCHECK_PROGRESS_DELAY_MS: bad value 'soon'" in data,
      "PLUGCHECK_PROGRESS_DELAY_MS=soon: exit %d: %r" % (rc, data[:200]))

shutil.rmtree(work)
if failures:
    print("reports: %d failure(s)" % len(failures))
    sys.exit(1)
print("reports: every format and the JSON contract hold")
