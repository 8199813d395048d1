#!/usr/bin/env python3
"""nnlab's one entry point.

    python3 build.py serve [--port 8000] [--logdir DIR]
                                           build the site and serve it on 127.0.0.1
                                           (with DIR's event files for the Board)
    python3 build.py test [pytest args]    build, then run every test: unit + browser under CPython,
                                           then tests/unit again inside Pyodide (Node.js)
    python3 build.py build [--examples]    only assemble build/site (--examples: with the demo content)

Runs on a bare Python 3.11+: it makes its own venv (in the per-user cache),
installs the pinned requirements and npm packages, and caches every download.
"""

import argparse
import json
import os
import sys
import threading
import time

from buildsys import assemble, env, examples, offline, pyodide_tests, snapshot
from buildsys.common import BUILD, ROOT, SITE_OUT, BuildError, say

TEST_WORKERS = 3
# Per worker, as in the browser: with three workers on two cores more BLAS threads only thrash.
ONE_BLAS_THREAD = {k: "1" for k in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS")}


def build(with_examples=False):
    t0 = time.perf_counter()
    (SITE_OUT / "data" / examples.STATUS).unlink(missing_ok=True)  # a stopped serve's "training" is stale
    env.check_python()
    py = env.venv_python()
    node_modules = env.npm_packages()
    assemble.build_site(node_modules, py)
    snapshot.make()
    offline.bundle(node_modules)
    if with_examples:
        examples.build_examples(SITE_OUT / "data")
    offline.wrap()
    size = assemble.site_size() / 1e6
    say(f"build/site ready: {size:.1f} MB in {time.perf_counter() - t0:.1f}s")
    return py


def cmd_serve(args):
    from buildsys.serve import make_server
    if args.logdir and not os.path.isdir(args.logdir):
        raise BuildError("serve", f"--logdir {args.logdir} is not a directory", "give the folder your writer logs to")
    try:  # bind first: a busy port is reported before minutes of building, not after
        server = make_server(SITE_OUT, args.port, verbose=args.verbose, logdir=args.logdir)
    except OSError as exc:
        raise BuildError("serve", f"cannot listen on 127.0.0.1:{args.port} ({exc.strerror})",
                         "stop what uses that port, or pick another with --port N") from exc
    build()  # the site alone: the examples train in the background while it is served
    port = server.server_address[1]
    say(f"Serving nnlab at http://127.0.0.1:{port}/ (Ctrl+C stops)")
    if args.logdir:
        say(f"Board: http://127.0.0.1:{port}/board.html reads {args.logdir}")
    if not args.no_examples:
        threading.Thread(target=examples_in_background, args=(args.quick_examples, port), daemon=True).start()
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        say("stopped")
    finally:
        (SITE_OUT / "data" / examples.STATUS).unlink(missing_ok=True)
    return 0


def examples_in_background(quick, port):
    """Train or copy the built-in examples while the site is served; the pages offer each as it is ready."""
    try:
        examples.build_examples(SITE_OUT / "data", quick=quick)
        offline.wrap()  # the examples open from a copied folder too
    except BuildError as exc:
        say(f"\nbuild.py: stage '{exc.stage}' failed: {exc}\n  the site is still served, without those examples")
        if exc.hint:
            say(f"  what to do: {exc.hint}")
        return
    say(f"Built-in examples ready at http://127.0.0.1:{port}/")


def cmd_test(args):
    py = build()
    browser = env.chromium()
    counts = {rt: BUILD / f"test-counts-{rt}.json" for rt in ("cpython", "pyodide")}
    for f in counts.values():
        f.unlink(missing_ok=True)
    test_env = dict(os.environ, NNLAB_SITE=str(SITE_OUT), PYTHONPATH=str(ROOT / "py"),
                    NNLAB_TEST_COUNTS=str(counts["cpython"]), **ONE_BLAS_THREAD)
    if browser:
        test_env["NNLAB_CHROMIUM"] = str(browser)
    fox = env.firefox()
    if fox:
        test_env["NNLAB_FIREFOX"] = str(fox)
    say("[test] pytest inside Pyodide: tests/unit again (tests/runtimes.py lists what runs in CPython only),"
        " beside the CPython lane")
    log = BUILD / "test-pyodide.log"
    in_pyodide = pyodide_tests.start(py, args.pytest_args, counts["pyodide"], log)
    say("[test] pytest under CPython: tests/unit and tests/e2e")
    codes = {"cpython": env.in_venv(py, ["-m", "pytest", "-p", "no:cacheprovider", *workers(args.pytest_args),
                                         *args.pytest_args], cwd=ROOT, env=test_env).returncode}
    codes["pyodide"] = in_pyodide.wait()
    say(f"[test] pytest inside Pyodide ({log}):")
    print(log.read_text(), end="", flush=True)
    return report(codes, counts)


def workers(pytest_args):
    """Parallel workers for the CPython lane unless the caller chose (-n, -p no:xdist): while one
    worker waits on a page, a server or a subprocess, the others keep both cores of a small machine busy."""
    chosen = any(a.startswith(("-n", "--numprocesses")) or a == "no:xdist" for a in pytest_args)
    return [] if chosen else ["-n", str(TEST_WORKERS), "--dist", "worksteal"]


def report(codes, count_files):
    """One line per runtime and a closing total; non-zero unless both runtimes passed."""
    total = {"passed": 0, "failed": 0, "skipped": 0}
    ok = True
    for runtime, code in codes.items():
        f = count_files[runtime]
        c = json.loads(f.read_text()) if f.exists() else {}
        failed = c.get("failed", 0) + c.get("error", 0)
        # exit 5: no test selected here (e.g. `-k` naming only browser tests), fine if the other ran some
        ok &= code == 0 or (code == 5 and not failed)
        for key, n in (("passed", c.get("passed", 0)), ("failed", failed), ("skipped", c.get("skipped", 0))):
            total[key] += n
        say(f"[test] {runtime}: {c.get('passed', 0)} passed, {failed} failed, {c.get('skipped', 0)} skipped"
            f" (pytest exit {code})")
    ok &= total["passed"] > 0
    say(f"total: {total['passed']} passed, {total['failed']} failed, {total['skipped']} skipped")
    return 0 if ok else 1


def main(argv=None):
    parser = argparse.ArgumentParser(prog="build.py", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)
    build_cmd = sub.add_parser("build", help="assemble build/site")
    build_cmd.add_argument("--examples", action="store_true", help="also train/copy the built-in examples")
    serve = sub.add_parser("serve", help="build and serve the site")
    serve.add_argument("--port", type=int, default=8000)
    serve.add_argument("--verbose", action="store_true", help="log every request")
    serve.add_argument("--no-examples", action="store_true",
                       help="skip training the built-in examples (TensorFlow, minutes on the first run)")
    serve.add_argument("--quick-examples", action="store_true",
                       help="train the examples for a few steps only (a fast first look; the tests use it)")
    serve.add_argument("--logdir", help="a TensorBoard log directory the Board opens by itself")
    test = sub.add_parser("test", help="build and run every test (other arguments go to pytest)")
    test.add_argument("pytest_args", nargs=argparse.REMAINDER)
    # `test -k foundation`: a leading option is pytest's too (REMAINDER alone takes only what follows
    # a positional), so whatever argparse does not know goes to pytest, in order, for `test` only.
    args, unknown = parser.parse_known_args(argv)
    if unknown and args.command != "test":
        parser.error(f"unrecognized arguments: {' '.join(unknown)}")
    if args.command == "test":
        args.pytest_args = unknown + args.pytest_args
    try:
        if args.command == "build":
            build(with_examples=args.examples)
            return 0
        return {"serve": cmd_serve, "test": cmd_test}[args.command](args)
    except BuildError as exc:
        say(f"\nbuild.py: stage '{exc.stage}' failed: {exc}")
        if exc.hint:
            say(f"  what to do: {exc.hint}")
        return 2


if __name__ == "__main__":
    sys.exit(main())
