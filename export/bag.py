"""A signed evidence package in the BagIt layout (RFC 8493).

    DIR/bagit.txt, bag-info.txt
    DIR/data/original/<sha256>.<ext>      the original bytes, as stored
    DIR/data/provenance.json              intake, engines and versions, corrections, in order
    DIR/data/exports/...                  ALTO, hOCR, IIIF, PDF, text (made with the corrections)
    DIR/manifest-sha256.txt               sha256 of every payload file
    DIR/tagmanifest-sha256.txt            sha256 of the tag files (bagit.txt, bag-info.txt, manifest)
    DIR/tagmanifest-sha256.txt.sig        detached Ed25519 signature of the tag manifest (when a key is set)
    DIR/signing-key.pub                   the public key that verifies it (PEM); compare its fingerprint,
                                          given in bag-info.txt, with the one the archive publishes

The signature covers the tag manifest, which covers the payload manifest, which covers every byte of
the payload: one signature seals the package. Ed25519 (``cryptography``) was chosen over an HMAC so
that a court or another archive can verify the package without holding the secret.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import shutil
from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from athar import PIPELINE_VERSION
from athar.errors import ConfigurationError, PermanentError

CHUNK = 1024 * 1024
SIGNATURE = "tagmanifest-sha256.txt.sig"
PUBLIC_KEY = "signing-key.pub"


class BagError(PermanentError):
    """A package that cannot be written (target not empty) or does not verify."""

    code = "bad_bag"


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(CHUNK), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _load_key(path: str) -> Any:
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
    from cryptography.hazmat.primitives.serialization import load_pem_private_key

    try:
        key = load_pem_private_key(Path(path).read_bytes(), password=None)
    except (OSError, ValueError, TypeError) as exc:
        raise ConfigurationError(
            f"ATHAR_SIGNING_KEY={path!r} is not a readable unencrypted PEM private key ({exc}); "
            "make one with `openssl genpkey -algorithm ed25519 -out key.pem`."
        ) from None
    if not isinstance(key, Ed25519PrivateKey):
        raise ConfigurationError(
            "ATHAR_SIGNING_KEY must be an Ed25519 key (openssl genpkey -algorithm ed25519)."
        )
    return key


def _public_pem(key: Any) -> bytes:
    from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

    pem: bytes = key.public_key().public_bytes(Encoding.PEM, PublicFormat.SubjectPublicKeyInfo)
    return pem


def key_fingerprint(public_pem: bytes) -> str:
    """sha256 of the public key's PEM, the fingerprint bag-info.txt gives."""
    return hashlib.sha256(public_pem).hexdigest()


def write_bag(
    out: Path,
    payload: Mapping[str, bytes | Path | Callable[[], bytes]],
    provenance: dict[str, Any],
    *,
    info: Mapping[str, str] | None = None,
    signing_key: str | None = None,
) -> dict[str, Any]:
    """Write a bag at ``out`` (created; must not exist or be empty). ``payload``: path under data/ ->
    bytes, a file to copy, or a function that makes the bytes (called when the file is written, so a
    package of many documents never holds all their exports at once). Returns a summary (files,
    bytes, signed, fingerprint)."""
    if out.exists() and any(out.iterdir()):
        raise BagError(f"{out} is not empty; give a new directory for the package.")
    data = out / "data"
    data.mkdir(parents=True, exist_ok=True)
    record = json.dumps(provenance, ensure_ascii=False, indent=2).encode()
    files: dict[str, bytes | Path | Callable[[], bytes]] = {**payload, "provenance.json": record}
    manifest: list[tuple[str, str]] = []
    total = 0
    for name, content in sorted(files.items()):
        target = data / name
        if ".." in Path(name).parts or Path(name).is_absolute():
            raise BagError(f"payload name {name!r} leaves the bag.")
        target.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, Path):
            shutil.copyfile(content, target)
        else:
            target.write_bytes(content() if callable(content) else content)
        os.chmod(target, 0o444)
        manifest.append((_sha256(target), f"data/{name}"))
        total += target.stat().st_size
    key = _load_key(signing_key) if signing_key else None
    fields = {
        "Source-Organization": "Athar",
        "Bagging-Date": datetime.now(UTC).date().isoformat(),
        "Bag-Software-Agent": f"athar {PIPELINE_VERSION}",
        "Payload-Oxum": f"{total}.{len(manifest)}",
        **(info or {}),
    }
    if key is not None:
        fields["Signature-Algorithm"] = "Ed25519 over tagmanifest-sha256.txt"
        fields["Signing-Key-Fingerprint"] = "sha256:" + key_fingerprint(_public_pem(key))
    (out / "bagit.txt").write_text(
        "BagIt-Version: 1.0\nTag-File-Character-Encoding: UTF-8\n", encoding="utf-8"
    )
    (out / "bag-info.txt").write_text("".join(f"{k}: {v}\n" for k, v in fields.items()), encoding="utf-8")
    (out / "manifest-sha256.txt").write_text("".join(f"{d}  {p}\n" for d, p in manifest), encoding="utf-8")
    tags = ("bagit.txt", "bag-info.txt", "manifest-sha256.txt")
    tagmanifest = "".join(f"{_sha256(out / t)}  {t}\n" for t in tags)
    (out / "tagmanifest-sha256.txt").write_text(tagmanifest, encoding="utf-8")
    if key is not None:
        signature = key.sign(tagmanifest.encode("utf-8"))
        (out / SIGNATURE).write_text(base64.b64encode(signature).decode() + "\n", encoding="ascii")
        (out / PUBLIC_KEY).write_bytes(_public_pem(key))
    return {"files": len(manifest), "bytes": total, "signed": key is not None}


def verify_bag(bag: Path, public_pem: bytes | None = None) -> bool:
    """Check every checksum and, when present, the signature (against ``public_pem`` if given, else the
    key in the bag: then compare its fingerprint with the published one). Raises BagError if anything
    does not verify; returns whether a signature was checked."""
    for manifest in ("tagmanifest-sha256.txt", "manifest-sha256.txt"):
        for line in (bag / manifest).read_text(encoding="utf-8").splitlines():
            digest, _, name = line.partition("  ")
            if _sha256(bag / name) != digest:
                raise BagError(f"{name} does not match its checksum in {manifest}.")
    listed = {line.partition("  ")[2] for line in (bag / "manifest-sha256.txt").read_text().splitlines()}
    present = {str(p.relative_to(bag)) for p in (bag / "data").rglob("*") if p.is_file()}
    if listed != present:
        raise BagError(f"payload files differ from the manifest: {sorted(listed ^ present)[:5]}.")
    signature_file = bag / SIGNATURE
    if not signature_file.exists():
        return False
    from cryptography.exceptions import InvalidSignature
    from cryptography.hazmat.primitives.serialization import load_pem_public_key

    key = load_pem_public_key(public_pem or (bag / PUBLIC_KEY).read_bytes())
    try:
        key.verify(  # type: ignore[union-attr,call-arg]
            base64.b64decode(signature_file.read_text()), (bag / "tagmanifest-sha256.txt").read_bytes()
        )
    except InvalidSignature:
        raise BagError("the signature does not match the tag manifest: the package was altered.") from None
    return True
