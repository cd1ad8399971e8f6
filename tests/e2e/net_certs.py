"""The network tests' PKI, made at test time with `cryptography`: a test CA, a server
certificate it issues for the test names, one it issued that has expired, and a
self-signed certificate no anchor vouches for. EC P-256 keys throughout (quick to verify
under TCG). Nothing here is used outside the tests' own namespace."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

SERVER_NAMES = ("web.test", "files.test")


@dataclass(frozen=True)
class Pki:
    ca: Path                  # the trust anchor the image is built with
    good: tuple[Path, Path]   # (certificate chain, key): issued by the CA for SERVER_NAMES
    expired: tuple[Path, Path]
    rogue: tuple[Path, Path]  # self-signed, same names


def _name(cn: str) -> x509.Name:
    return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, cn)])


def _write_key(path: Path, key: ec.EllipticCurvePrivateKey) -> None:
    path.write_bytes(key.private_bytes(serialization.Encoding.PEM,
                                       serialization.PrivateFormat.PKCS8,
                                       serialization.NoEncryption()))


def _pem(*certs: x509.Certificate) -> bytes:
    return b"".join(c.public_bytes(serialization.Encoding.PEM) for c in certs)


def _leaf(subject: str, key: ec.EllipticCurvePrivateKey, issuer: x509.Name,
          issuer_key: ec.EllipticCurvePrivateKey, start: datetime.datetime,
          end: datetime.datetime) -> x509.Certificate:
    return (x509.CertificateBuilder().subject_name(_name(subject)).issuer_name(issuer)
            .public_key(key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(start).not_valid_after(end)
            .add_extension(x509.SubjectAlternativeName(
                [x509.DNSName(n) for n in SERVER_NAMES]), critical=False)
            .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
            .sign(issuer_key, hashes.SHA256()))


def make_pki(out: Path) -> Pki:
    now = datetime.datetime.now(datetime.UTC)
    day = datetime.timedelta(days=1)
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca_name = _name("Orbital test CA")
    ca = (x509.CertificateBuilder().subject_name(ca_name).issuer_name(ca_name)
          .public_key(ca_key.public_key()).serial_number(x509.random_serial_number())
          .not_valid_before(now - day).not_valid_after(now + 30 * day)
          .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
          .add_extension(x509.KeyUsage(digital_signature=True, key_cert_sign=True,
                                       crl_sign=True, content_commitment=False,
                                       key_encipherment=False, data_encipherment=False,
                                       key_agreement=False, encipher_only=False,
                                       decipher_only=False), critical=True)
          .sign(ca_key, hashes.SHA256()))
    (out / "ca.pem").write_bytes(_pem(ca))
    paths = {}
    for label, start, end, self_signed in (("good", now - day, now + 30 * day, False),
                                           ("expired", now - 30 * day, now - day, False),
                                           ("rogue", now - day, now + 30 * day, True)):
        key = ec.generate_private_key(ec.SECP256R1())
        if self_signed:
            cert = _leaf("web.test", key, _name("web.test"), key, start, end)
            chain = _pem(cert)
        else:
            cert = _leaf("web.test", key, ca_name, ca_key, start, end)
            chain = _pem(cert, ca)
        (out / f"{label}.pem").write_bytes(chain)
        _write_key(out / f"{label}.key", key)
        paths[label] = (out / f"{label}.pem", out / f"{label}.key")
    return Pki(ca=out / "ca.pem", good=paths["good"], expired=paths["expired"],
               rogue=paths["rogue"])
