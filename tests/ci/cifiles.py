#!/usr/bin/env python3
"""cifiles.py - the ready-to-copy CI files in Documentation/ci/ parse as
YAML, have the shape their CI engine needs (GitLab: a job with
`parallel:` and a JUnit report; GitHub Actions: a job with a shard
matrix), run every machine type through `check --all-machines --shard`,
and name only verbs and options that exist.

Every `plugcheck ...` command line in their shell text (GitLab's script
lists, GitHub's run steps; from the token ending in "plugcheck" that
starts a line or follows a shell operator, to the next operator) is
checked against the binary's own tables, read through the completion
helper: `plugcheck __complete --describe` (the verbs) and `... --describe
VERB` (its options and the global ones, "=" after those taking a value).

  PLUGCHECK=./plugcheck python3 tests/ci/cifiles.py [FILE.yml...]
Needs python3-yaml (Debian); exit 1 on the first problem, with the file
and the command.
"""
import os
import shlex
import subprocess
import sys

try:
    import yaml
except ImportError:
    sys.exit("cifiles: python3-yaml is not installed (apt-get install python3-yaml)")

HERE = os.path.dirname(os.path.abspath(__file__))
SRC = os.path.normpath(os.path.join(HERE, "..", ".."))
PLUGCHECK = os.environ.get("PLUGCHECK", os.path.join(SRC, "plugcheck"))
FILES = sys.argv[1:] or [os.path.join(SRC, "Documentation", "ci", f)
                         for f in ("gitlab-ci.yml", "github-workflow.yml")]
OPERATORS = {">", ">>", "<", "|", "||", "&&", ";", "&", "2>", "2>&1"}


def fail(msg):
    print("cifiles: FAIL: " + msg, file=sys.stderr)
    sys.exit(1)


def describe(*args):
    r = subprocess.run([PLUGCHECK, "__complete", "--describe", *args],
                       capture_output=True, text=True)
    if r.returncode:
        fail("plugcheck __complete --describe %s: %s" % (" ".join(args), r.stderr))
    return r.stdout.splitlines()


VERBS = {l.split()[1] for l in describe() if l.startswith("verb ")}
OPTIONS = {}


def options(verb):
    if verb not in OPTIONS:
        opts = {}
        for l in describe(verb):
            name = l.split()[1]
            opts[name.rstrip("=")[2:]] = name.endswith("=")
        OPTIONS[verb] = opts
    return OPTIONS[verb]


SHELL_KEYS = {"script", "before_script", "after_script", "run"}


def strings(node, shell=False):
    """the shell text: GitLab's script lists, GitHub's run steps"""
    if isinstance(node, str):
        if shell:
            yield node
    elif isinstance(node, dict):
        for k, v in node.items():
            yield from strings(v, shell or k in SHELL_KEYS)
    elif isinstance(node, list):
        for v in node:
            yield from strings(v, shell)


def commands(doc):
    """every plugcheck command line (plugcheck first on the line or after
    a shell operator): its argument tokens"""
    for s in strings(doc):
        for line in s.splitlines():
            if "plugcheck " not in line:
                continue
            lex = shlex.shlex(line, posix=True, punctuation_chars="|&;<>")
            lex.whitespace_split = True
            try:
                toks = list(lex)
            except ValueError as e:
                fail("cannot split %r: %s" % (line, e))
            for i, t in enumerate(toks):
                # a command starts a line or follows a shell operator
                starts = i == 0 or toks[i - 1] in OPERATORS or set(toks[i - 1]) <= set("|&;<>")
                if starts and os.path.basename(t) == "plugcheck":
                    args = []
                    for a in toks[i + 1:]:
                        if a in OPERATORS or set(a) <= set("|&;<>"):
                            break
                        args.append(a)
                    yield line.strip(), args
                    break


def check_command(path, line, args):
    """the verb and every option exist; return (verb, options given)"""
    verb = None
    given = []
    i = 0
    while i < len(args):
        a = args[i]
        if a == "--":
            break
        if a.startswith("-") and a != "-":
            name = a.split("=", 1)[0]
            if not name.startswith("--"):
                if not set(name[1:]) <= set("qv"):
                    fail("%s: %r: unknown short option %s" % (path, line, name))
                i += 1
                continue
            opts = options(verb or "check")
            if name[2:] not in opts:
                fail("%s: %r: %s is not an option of %s" %
                     (path, line, name, verb or "the main job (check)"))
            given.append(name)
            if opts[name[2:]] and "=" not in a:
                i += 1  # its value
        elif verb is None:
            if a not in VERBS:
                fail("%s: %r: %r is not a verb" % (path, line, a))
            verb = a
        i += 1
    return verb or "check", given


def check_file(path):
    try:
        with open(path) as f:
            doc = yaml.safe_load(f)
    except (OSError, yaml.YAMLError) as e:
        fail("%s: not YAML: %s" % (path, e))
    if not isinstance(doc, dict):
        fail("%s: not a YAML mapping" % path)
    cmds = list(commands(doc))
    if not cmds:
        fail("%s: no plugcheck command" % path)
    all_machines = False
    for line, args in cmds:
        verb, given = check_command(path, line, args)
        if verb == "check" and "--all-machines" in given and "--shard" in given:
            all_machines = True
    if not all_machines:
        fail("%s: no `check --all-machines --shard K/N`: not every machine type is run" % path)
    return doc, len(cmds)


def check_gitlab(path, doc):
    jobs = [j for j in doc.values() if isinstance(j, dict) and "script" in j]
    if not any(isinstance(j.get("parallel"), int) and j["parallel"] >= 2 for j in jobs):
        fail("%s: no job with parallel: N (N >= 2)" % path)
    if not any(j.get("artifacts", {}).get("reports", {}).get("junit") for j in jobs):
        fail("%s: no JUnit report published" % path)
    text = yaml.safe_dump(doc)
    for word in ("$CI_NODE_INDEX", "$CI_NODE_TOTAL", ".sarif", ".html"):
        if word not in text:
            fail("%s: %s never used" % (path, word))


def check_github(path, doc):
    jobs = doc.get("jobs") or {}
    shards = [j for j in jobs.values()
              if isinstance(j, dict) and j.get("strategy", {}).get("matrix", {}).get("shard")]
    if not shards:
        fail("%s: no job with a shard matrix" % path)
    uses = [s.get("uses", "") for j in jobs.values() for s in j.get("steps", [])]
    for action in ("actions/upload-artifact", "github/codeql-action/upload-sarif"):
        if not any(u.startswith(action) for u in uses):
            fail("%s: no %s step" % (path, action))
    if "matrix.shard" not in yaml.safe_dump(doc):
        fail("%s: the matrix shard is never used" % path)


def check_readme():
    """the README's quick start: exactly two ```sh blocks, one command each
    (./setup.sh, make check), for tools that extract it"""
    path = os.path.join(SRC, "README.md")
    with open(path) as f:
        text = f.read()
    blocks = text.split("```sh\n")[1:]
    cmds = [b.split("```", 1)[0].strip() for b in blocks]
    if cmds != ["./setup.sh", "make check"]:
        fail("README.md: the quick start is not the two ```sh blocks "
             "./setup.sh and make check: %r" % cmds)
    print("cifiles: README.md: quick start ./setup.sh, make check")


if len(sys.argv) == 1:
    check_readme()
for path in FILES:
    doc, n = check_file(path)
    if "gitlab" in os.path.basename(path):
        check_gitlab(path, doc)
    elif "github" in os.path.basename(path):
        check_github(path, doc)
    print("cifiles: %s: YAML, %d plugcheck command lines, every verb and option exists"
          % (os.path.relpath(path, SRC), n))
