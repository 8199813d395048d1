#!/usr/bin/env python3
"""nnlab's one entry point.

    python3 build.py serve [--port 8000] [--logdir DIR]
                                           build the site and serve it on 127.0.0.1
                                           (with DIR's event files for the Board)
    python3 build.py test [pytest args]    build, then run every test (unit + browser)
    python3 build.py build [--examples]    only assemble build/site (--examples: with the demo content)

Runs on a bare Python 3.11+: it makes its own venv (in the per-user cache),
installs the pinned requirements and npm packages, and caches every download.
"""

import argparse
import os
import sys
import time

from buildsys import assemble, env, examples
from buildsys.common import ROOT, SITE_OUT, BuildError, say


def build(with_examples=False):
    t0 = time.perf_counter()
    env.check_python()
    py = env.venv_python()
    node_modules = env.npm_packages()
    assemble.build_site(node_modules, py)
    if with_examples:
        examples.build_examples(SITE_OUT / "data")
    size = assemble.site_size() / 1e6
    say(f"build/site ready: {size:.1f} MB in {time.perf_counter() - t0:.1f}s")
    return py


def cmd_serve(args):
    from buildsys.serve import make_server
    if args.logdir and not os.path.isdir(args.logdir):
        raise BuildError("serve", f"--logdir {args.logdir} is not a directory", "give the folder your writer logs to")
    build(with_examples=not args.no_examples)
    try:
        server = make_server(SITE_OUT, args.port, verbose=args.verbose, logdir=args.logdir)
    except OSError as exc:
        raise BuildError("serve", f"cannot listen on 127.0.0.1:{args.port} ({exc.strerror})",
                         "stop what uses that port, or pick another with --port N") from exc
    say(f"Serving nnlab at http://127.0.0.1:{server.server_address[1]}/ (Ctrl+C stops)")
    if args.logdir:
        say(f"Board: http://127.0.0.1:{server.server_address[1]}/board.html reads {args.logdir}")
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        say("stopped")
    return 0


def cmd_test(args):
    py = build()
    browser = env.chromium()
    test_env = dict(os.environ, NNLAB_SITE=str(SITE_OUT), PYTHONPATH=str(ROOT / "py"))
    if browser:
        test_env["NNLAB_CHROMIUM"] = str(browser)
    say("[test] pytest")
    done = env.in_venv(py, ["-m", "pytest", "-p", "no:cacheprovider", *args.pytest_args],
                       cwd=ROOT, env=test_env)
    return done.returncode


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
    serve.add_argument("--logdir", help="a TensorBoard log directory the Board opens by itself")
    test = sub.add_parser("test", help="build and run every test")
    test.add_argument("pytest_args", nargs=argparse.REMAINDER)
    args = parser.parse_args(argv)
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
