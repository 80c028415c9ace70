"""The OCR weights, from PyPI packages that ship them: PaddleOCR model directories for the
detector, and the two recognisers' weights (run on ONNX Runtime directly).

`models/manifest.toml` names each weight file (package, path inside it, sha256) and the
inference.yml that PaddleOCR reads beside it. The directories are built once per machine in
a cache folder (`JIXIAO_MODEL_CACHE`, default ~/.cache/jixiao/models): the ONNX file is
linked, not copied, and the recognition alphabet is taken from the ONNX metadata.
"""

from __future__ import annotations

import hashlib
import importlib.util
import os
import sys
import shutil
import tomllib
from dataclasses import dataclass
from pathlib import Path

from extract.errors import OcrUnavailable
from extract.files import file_sha256
from extract.ocr.recognizer import LineShape


def _models_dir() -> Path:
    """models/ beside the package (a checkout, an editable install), else where a wheel put it."""
    beside = Path(__file__).resolve().parents[2] / "models"
    if (beside / "manifest.toml").is_file():
        return beside
    return Path(sys.prefix) / "share" / "jixiao" / "models"


MODELS_DIR = _models_dir()
INSTALL_HINT = "install the OCR extra: pip install 'jixiao[ocr]'"


@dataclass(frozen=True)
class ModelDir:
    name: str  # the PaddleX model name (Global.model_name)
    path: Path  # a folder with inference.onnx and inference.yml


def _cache_root() -> Path:
    return Path(os.environ.get("JIXIAO_MODEL_CACHE", Path.home() / ".cache" / "jixiao" / "models"))


def _package_file(package: str, relative: str) -> Path:
    spec = importlib.util.find_spec(package)
    if spec is None or not spec.submodule_search_locations:
        raise OcrUnavailable(f"OCR weights package {package!r} is not installed; {INSTALL_HINT}")
    path = Path(list(spec.submodule_search_locations)[0]) / relative
    if not path.exists():
        raise OcrUnavailable(f"OCR weight file missing: {path}")
    return path


def _write_config(entry: dict, weights: Path, target: Path) -> None:
    import yaml  # comes with paddleocr

    config = yaml.safe_load((MODELS_DIR / entry["config"]).read_text(encoding="utf-8"))
    for op in config["PreProcess"]["transform_ops"]:
        if "RecResizeImg" in op:
            shape = op["RecResizeImg"]["image_shape"]
            shape[1] = int(entry.get("input_height", shape[1]))
            shape[2] = int(entry.get("input_width", shape[2]))
    if "character_metadata" in entry:
        import onnxruntime

        meta = onnxruntime.InferenceSession(str(weights), providers=["CPUExecutionProvider"]).get_modelmeta()
        config["PostProcess"]["character_dict"] = meta.custom_metadata_map[entry["character_metadata"]].splitlines()
    target.write_text(yaml.safe_dump(config, allow_unicode=True), encoding="utf-8")


@dataclass(frozen=True)
class Weights:
    """A recogniser run on ONNX Runtime directly (extract/ocr/recognizer.py): its weights, its
    alphabet (or the ONNX metadata key that holds it) and the text line it wants."""

    name: str
    onnx: Path
    alphabet: tuple[str, ...] | None
    alphabet_key: str | None
    shape: LineShape


def recognizer_weights(role: str, manifest: Path = MODELS_DIR / "manifest.toml") -> Weights:
    """The weights of the first ("rec") or the second ("rec2") recogniser, checked against
    their sha256 in the manifest."""
    entry = tomllib.loads(manifest.read_text(encoding="utf-8"))[role]
    weights = _package_file(entry["package"], entry["path"])
    if file_sha256(weights) != entry["sha256"]:
        raise OcrUnavailable(f"{weights}: sha256 differs from models/manifest.toml ({entry['distribution']} expected)")
    alphabet = None
    if "alphabet" in entry:
        import yaml  # comes with paddleocr

        # libyaml's loader: the pure-Python one takes over a second on an 18,000-line alphabet.
        loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
        config = yaml.load(_package_file(entry["package"], entry["alphabet"]).read_text(encoding="utf-8"), Loader=loader)
        alphabet = tuple(str(c) for c in config["PostProcess"]["character_dict"])
    shape = LineShape(pad_to=int(entry["input_width"])) if "input_width" in entry else LineShape()
    return Weights(entry["model_name"], weights, alphabet, entry.get("character_metadata"), shape)


def model_dirs(roles: tuple[str, ...] = ("det", "rec"), manifest: Path = MODELS_DIR / "manifest.toml") -> dict[str, ModelDir]:
    """PaddleOCR model directories (det, and rec for a plain PaddleOCR pass), assembled (and
    verified) on first use."""
    entries = tomllib.loads(manifest.read_text(encoding="utf-8"))
    out: dict[str, ModelDir] = {}
    for role in roles:
        entry = entries[role]
        # The folder's name changes with the weights and with this entry's settings.
        key = hashlib.sha256((repr(sorted(entry.items())) + (MODELS_DIR / entry["config"]).read_text(encoding="utf-8")).encode()).hexdigest()
        folder = _cache_root() / f"{entry['model_name']}-{key[:12]}"
        done = folder / ".verified"
        if not done.exists():
            weights = _package_file(entry["package"], entry["path"])
            if file_sha256(weights) != entry["sha256"]:
                raise OcrUnavailable(f"{weights}: sha256 differs from models/manifest.toml ({entry['distribution']} expected)")
            tmp = folder.with_name(folder.name + f".{os.getpid()}.tmp")
            shutil.rmtree(tmp, ignore_errors=True)
            tmp.mkdir(parents=True)
            (tmp / "inference.onnx").symlink_to(weights)
            _write_config(entry, weights, tmp / "inference.yml")
            (tmp / ".verified").write_text(entry["sha256"], encoding="utf-8")
            try:
                tmp.rename(folder)
            except OSError:  # another worker assembled it first
                shutil.rmtree(tmp, ignore_errors=True)
        out[role] = ModelDir(entry["model_name"], folder)
    return out
