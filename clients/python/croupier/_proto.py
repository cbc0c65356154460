"""Loads the protocol's generated message classes, generating them first when needed.

The ``_pb2`` module is not committed: it must match the protobuf runtime installed here, so it is
generated from ``croupier.proto`` with the ``protoc`` installed beside that runtime (Debian ships
them as ``protobuf-compiler`` and ``python3-protobuf``, of one version). It is written to
``CROUPIER_GEN_DIR`` (default: ``build/generated`` beside this package) and regenerated when the
``.proto`` file is newer. ``CROUPIER_PROTO_DIR`` names the directory holding
``croupier/v1/croupier.proto`` when the package does not sit in the Croupier repository.
"""

import importlib.util
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

PROTO_FILE = "croupier/v1/croupier.proto"
_HERE = Path(__file__).resolve().parent


def _proto_dir() -> Path:
    configured = os.environ.get("CROUPIER_PROTO_DIR")
    if configured:
        return Path(configured)
    # clients/python/croupier -> the repository root
    return _HERE.parents[2] / "proto" / "protocol" / "src" / "main" / "proto"


def _gen_dir() -> Path:
    configured = os.environ.get("CROUPIER_GEN_DIR")
    return Path(configured) if configured else _HERE.parent / "build" / "generated"


def _runtime_version() -> str:
    try:
        import google.protobuf
    except ImportError as e:  # pragma: no cover - depends on the machine
        raise ImportError(
            "the croupier client needs the protobuf runtime: on Debian/Ubuntu "
            "'apt-get install python3-protobuf protobuf-compiler' and run /usr/bin/python3 "
            "(Debian installs it for the system Python only)") from e
    return google.protobuf.__version__


def _generate(proto_dir: Path, out_dir: Path) -> Path:
    source = proto_dir / PROTO_FILE
    if not source.is_file():
        raise ImportError(
            f"cannot generate the protocol classes: {source} does not exist; set CROUPIER_PROTO_DIR "
            f"to the directory holding {PROTO_FILE}")
    protoc = shutil.which("protoc")
    if protoc is None:
        raise ImportError(
            "cannot generate the protocol classes: no 'protoc' on PATH; install the compiler of the "
            f"same version as the protobuf runtime ({_runtime_version()}): on Debian/Ubuntu "
            "'apt-get install protobuf-compiler'")
    out_dir.mkdir(parents=True, exist_ok=True)
    # Generate into a fresh directory, then move the file into place: concurrent processes never
    # import a half-written module.
    with tempfile.TemporaryDirectory(dir=out_dir) as tmp:
        result = subprocess.run(
            [protoc, f"--proto_path={proto_dir}", f"--python_out={tmp}", PROTO_FILE],
            capture_output=True, text=True)
        if result.returncode != 0:
            raise ImportError(f"protoc failed on {source}: {result.stderr.strip()}")
        target = out_dir / "croupier_pb2.py"
        os.replace(Path(tmp) / "croupier" / "v1" / "croupier_pb2.py", target)
    return target


def load():
    """The generated module (``croupier_pb2``), generated first when missing or stale."""
    _runtime_version()
    proto_dir = _proto_dir()
    out_dir = _gen_dir()
    target = out_dir / "croupier_pb2.py"
    source = proto_dir / PROTO_FILE
    if not target.is_file() or (source.is_file() and source.stat().st_mtime > target.stat().st_mtime):
        _generate(proto_dir, out_dir)
    spec = importlib.util.spec_from_file_location("croupier._croupier_pb2", target)
    module = importlib.util.module_from_spec(spec)
    try:
        spec.loader.exec_module(module)
    except Exception as e:
        raise ImportError(
            f"the generated {target} does not load with protobuf runtime {_runtime_version()} "
            f"({e}); delete it and make sure 'protoc --version' matches the runtime") from e
    sys.modules[spec.name] = module
    return module


pb = load()
