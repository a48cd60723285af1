"""Which hadirector binary the failover benchmarks run.

The product ships as a Native AOT file (deploy/publish), so by default the benchmarks publish it the same way
into artifacts/bench/hadirector and run that: a takeover in a freshly started process then runs machine code
made at build time instead of paying the JIT on its first pass.
HADIRECTOR_BIN=/path/to/hadirector runs a given binary instead; --jit runs the plain Release build
(src/Director/bin/Release/net10.0/hadirector), which compiles every method on first use.
"""
import os, subprocess, sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "deploy", "lab"))
import labnet  # noqa: E402

PUBLISH_DIR = os.path.join(labnet.ROOT, "artifacts", "bench", "hadirector")


def select(jit=False):
    """Points labnet (director_yaml) at the binary to run and returns its path."""
    if os.environ.get("HADIRECTOR_BIN"):
        labnet.BIN = os.environ["HADIRECTOR_BIN"]
    elif jit:
        labnet.BIN = os.path.join(labnet.ROOT, "src/Director/bin/Release/net10.0/hadirector")
        subprocess.run(["dotnet", "build", os.path.join(labnet.ROOT, "src/Director"), "-c", "Release", "-nologo", "-v", "q"],
                       check=True)
    else:
        subprocess.run([os.path.join(labnet.ROOT, "deploy", "publish"), PUBLISH_DIR], check=True)
        labnet.BIN = os.path.join(PUBLISH_DIR, "hadirector")
    print(f"hadirector binary: {labnet.BIN}", file=sys.stderr, flush=True)
    return labnet.BIN
