"""A throw-away RSA key pair and self-signed certificate, as a connected app's JWT set-up has."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import cache

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID

from sandbox.world import World


@dataclass(frozen=True)
class KeyPair:
    private_key: str  # PKCS#8 PEM, unencrypted, as SALESFORCE_PRIVATE_KEY holds it
    certificate: str  # the X.509 certificate uploaded to the connected app


@cache
def key_pair(name: str = "samepage-test") -> KeyPair:
    """A fresh 2048-bit key per name (cached: generating one takes ~50 ms)."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)])
    now = datetime.now(UTC)
    certificate = (x509.CertificateBuilder().subject_name(subject).issuer_name(subject)
                   .public_key(key.public_key()).serial_number(x509.random_serial_number())
                   .not_valid_before(now - timedelta(days=1))
                   .not_valid_after(now + timedelta(days=30))
                   .sign(key, hashes.SHA256()))
    return KeyPair(
        key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                          serialization.NoEncryption()).decode(),
        certificate.public_bytes(serialization.Encoding.PEM).decode())


def with_connected_app_certificate(world: World, certificate: str) -> World:
    """``world`` whose connected app has ``certificate`` uploaded (JWT bearer flow enabled)."""
    return World(clock=world.clock, hubspot=world.hubspot, generator=world.generator,
                 salesforce={**world.salesforce, "connected_app": {"certificate": certificate}})
